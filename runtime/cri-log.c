/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "cri-log.h"
#include "macro.h"
#include "runtime.h"
#include "util.h"

#define BATCH_RECORDS 32
#define HEADER_MAX (RUNTIME_TIMESTAMP_MAX + 12)

static const char *const stream_names[_CRI_STREAM_MAX] = { "stdout", "stderr" };

_hot_ size_t cri_log_format_header(char *buf, size_t size, int64_t now_ns, CriStream s,
                                   bool partial) {
	char ts[RUNTIME_TIMESTAMP_MAX];
	const char *name = stream_names[s];
	int n = runtime_format_timestamp(now_ns, ts);
	size_t tl = n > 0 ? (size_t)n : 0, sl = strlen(name);

	/* Assembled by hand: this runs for every line, in the monitor's steady state. */
	if (tl + sl + 5 > size)
		return 0;
	memcpy(buf, ts, tl);
	buf[tl] = ' ';
	memcpy(buf + tl + 1, name, sl);
	char *p = buf + tl + 1 + sl;
	*p++ = ' ';
	*p++ = partial ? 'P' : 'F';
	*p++ = ' ';
	*p = 0;
	return (size_t)(p - buf);
}

/* Records are gathered and written with one writev: a burst of short lines costs one call. */
typedef struct Batch {
	CriLog *log;
	int64_t now;
	size_t n;
	struct iovec iov[BATCH_RECORDS * 3];
	char headers[BATCH_RECORDS][HEADER_MAX];
	size_t bytes;
} Batch;

_hot_ static int batch_flush(Batch *b) {
	CriLog *l = b->log;
	size_t n_iov = b->n * 3, done = 0;
	struct iovec *iov = b->iov;

	while (n_iov > 0 && l->fd >= 0) {
		ssize_t k = writev(l->fd, iov, (int)MIN(n_iov, (size_t)IOV_MAX));
		if (k < 0) {
			if (errno == EINTR)
				continue;
			l->write_errors++;
			break;
		}
		done += (size_t)k;
		/* Skip what was written, then go on with the rest (short writes). */
		while (n_iov > 0 && (size_t)k >= iov->iov_len) {
			k -= (ssize_t)iov->iov_len;
			iov++;
			n_iov--;
		}
		if (n_iov > 0) {
			iov->iov_base = (char *)iov->iov_base + k;
			iov->iov_len -= (size_t)k;
		}
	}
	l->size += done;
	b->n = 0;
	b->bytes = 0;
	/* A failed rotation keeps writing to the old file: losing output is worse. */
	if (l->max_size > 0 && l->size >= l->max_size && cri_log_rotate(l, b->now) < 0)
		l->write_errors++;
	return 0;
}

_hot_ static int batch_add(Batch *b, CriStream s, bool partial, const char *text, size_t len) {
	static const char nl = '\n';
	size_t i = b->n;
	size_t hl = cri_log_format_header(b->headers[i], HEADER_MAX, b->now, s, partial);

	b->iov[3 * i] = (struct iovec){ b->headers[i], hl };
	b->iov[3 * i + 1] = (struct iovec){ (void *)text, len };
	b->iov[3 * i + 2] = (struct iovec){ (void *)&nl, 1 };
	b->n++;
	b->bytes += hl + len + 1;
	/* Text may point into a pending buffer that changes next: the caller flushes first. */
	if (b->n == BATCH_RECORDS)
		return batch_flush(b);
	return 0;
}

_hot_ static int pending_append(CriLogPending *p, const char *data, size_t len, size_t cap) {
	if (p->len + len > p->alloc) {
		size_t n = MAX(p->alloc * 2, (size_t)256);
		while (n < p->len + len)
			n *= 2;
		n = MIN(n, cap);
		if (n < p->len + len)
			return -ENOBUFS;
		char *b = realloc(p->buf, n);
		if (!b)
			return -ENOMEM;
		p->buf = b;
		p->alloc = n;
	}
	memcpy(p->buf + p->len, data, len);
	p->len += len;
	return 0;
}

_hot_ static size_t strip_cr(const char *text, size_t len) {
	return len > 0 && text[len - 1] == '\r' ? len - 1 : len;
}

/* Emit P records while more than max_line bytes wait. */
_hot_ static int pending_cut(Batch *b, CriStream s) {
	CriLog *l = b->log;
	CriLogPending *p = &l->pending[s];
	size_t off = 0;
	int r = 0;

	while (p->len - off > l->max_line) {
		r = batch_add(b, s, true, p->buf + off, l->max_line);
		off += l->max_line;
		if (r < 0)
			break;
	}
	if (off > 0) {
		if (b->n > 0)
			r = batch_flush(b); /* the records point into p->buf */
		memmove(p->buf, p->buf + off, p->len - off);
		p->len -= off;
	}
	return r;
}

_hot_ int cri_log_feed(CriLog *l, CriStream s, const char *data, size_t len, int64_t now_ns) {
	Batch b = { .log = l, .now = now_ns };
	CriLogPending *p = &l->pending[s];
	int r = 0;

	while (len > 0 && r >= 0) {
		const char *nl = memchr(data, '\n', len);
		size_t piece = nl ? (size_t)(nl - data) : len;

		if (p->len == 0 && nl) {
			/* The common case: a whole line in the chunk, written from it directly. */
			size_t off = 0, n = strip_cr(data, piece);
			while (n - off > l->max_line && r >= 0) {
				r = batch_add(&b, s, true, data + off, l->max_line);
				off += l->max_line;
			}
			if (r >= 0)
				r = batch_add(&b, s, false, data + off, n - off);
		} else {
			if (b.n > 0)
				r = batch_flush(&b);
			/* Bound the copy: cut while appending so pending never holds more
			 * than 2 * max_line. */
			size_t off = 0;
			while (r >= 0 && off < piece) {
				size_t k = MIN(piece - off, (size_t)l->max_line + 1);
				r = pending_append(p, data + off, k, 2 * (size_t)l->max_line + 2);
				if (r >= 0)
					r = pending_cut(&b, s);
				off += k;
			}
			if (r >= 0 && nl) {
				r = batch_add(&b, s, false, p->buf, strip_cr(p->buf, p->len));
				if (r >= 0 && b.n > 0)
					r = batch_flush(&b);
				p->len = 0;
			}
		}
		if (!nl)
			break;
		data += piece + 1;
		len -= piece + 1;
	}
	if (r >= 0 && b.n > 0)
		r = batch_flush(&b);
	return r;
}

_hot_ int cri_log_flush(CriLog *l, CriStream s, int64_t now_ns) {
	Batch b = { .log = l, .now = now_ns };
	CriLogPending *p = &l->pending[s];
	if (p->len == 0)
		return 0;
	int r = batch_add(&b, s, true, p->buf, p->len);
	if (r >= 0 && b.n > 0)
		r = batch_flush(&b);
	p->len = 0;
	return r;
}

static int open_live(CriLog *l) {
	struct stat st;
	int fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW,
	              0640);
	if (fd < 0)
		return negative_errno();
	l->size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	return 0;
}

int cri_log_open(CriLog *l, const char *path, uint64_t max_size, uint32_t max_files,
                 uint32_t max_line) {
	*l = (CriLog){
		.fd = -EBADF,
		.max_size = max_size,
		.max_files = max_files ? max_files : 1,
		.max_line = max_line ? max_line : RUNTIME_LOG_MAX_LINE_DEFAULT,
	};
	l->path = strdup(path);
	if (!l->path)
		return -ENOMEM;
	int r = open_live(l);
	if (r < 0) {
		free(l->path);
		l->path = NULL;
	}
	return r;
}

/* ".YYYYMMDD-HHMMSS[-N][.gz]": N is the N-th rotation within that second */
static unsigned long rotated_seq(const char *suffix) {
	return strlen(suffix) > 16 && suffix[16] == '-' ? strtoul(suffix + 17, NULL, 10) : 0;
}

/* Names past the common "<base>" (arg: its length), by stamp, then by N: strcmp would put
 * "-10" before "-2" and prune the newest files. */
static int cmp_rotated(const void *a, const void *b, void *arg) {
	size_t bl = *(const size_t *)arg;
	const char *x = *(char *const *)a + bl, *y = *(char *const *)b + bl;
	int c = strncmp(x, y, 16);
	if (c != 0)
		return c;
	unsigned long i = rotated_seq(x), j = rotated_seq(y);
	return i < j ? -1 : i > j;
}

/* Keep at most max_files - 1 rotated files ("<base>.<stamp>[...]"), removing the oldest:
 * the stamps sort by time. */
static void prune_rotated(CriLog *l) {
	_cleanup_free_ char *dir = strdup(l->path);
	if (!dir)
		return;
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : dir;
	if (slash)
		*slash = 0;
	size_t bl = strlen(base);
	DIR *d = opendir(slash ? (*dir ? dir : "/") : ".");
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (strncmp(de->d_name, base, bl) != 0 || de->d_name[bl] != '.' ||
		    de->d_name[bl + 1] < '0' || de->d_name[bl + 1] > '9')
			continue;
		char **m = realloc(names, (n + 1) * sizeof(char *));
		if (!m)
			break;
		names = m;
		if ((names[n] = strdup(de->d_name)))
			n++;
	}
	qsort_r(names, n, sizeof(char *), cmp_rotated, &bl);
	size_t keep = l->max_files > 0 ? l->max_files - 1 : 0;
	for (size_t i = 0; i < n; i++) {
		if (n - i > keep)
			(void)unlinkat(dirfd(d), names[i], 0);
		free(names[i]);
	}
	free(names);
	closedir(d);
}

int cri_log_rotate(CriLog *l, int64_t now_ns) {
	char stamp[32], *target = NULL;
	RuntimeCivilTime t;
	int r;

	runtime_civil_from_ns(now_ns, &t);
	snprintf(stamp, sizeof(stamp), "%04d%02d%02d-%02d%02d%02d", t.year, t.month, t.day, t.hour,
	         t.minute, t.second);
	/* The n-th rotation within a second is "-n", counting on from the last one: a name that
	 * pruning freed is never reused, or the newest file would sort first and be pruned. */
	int64_t sec = now_ns / 1000000000;
	int first = sec == l->rotated_second ? l->rotated_seq + 1 : 0;
	for (int i = first; i < first + 1000; i++) {
		free(target);
		target = NULL;
		if ((i == 0 ? asprintf(&target, "%s.%s", l->path, stamp)
		            : asprintf(&target, "%s.%s-%d", l->path, stamp, i)) < 0)
			return -ENOMEM;
		if (renameat2(AT_FDCWD, l->path, AT_FDCWD, target, RENAME_NOREPLACE) == 0) {
			l->rotated_second = sec;
			l->rotated_seq = i;
			break;
		}
		if (errno != EEXIST)
			break;
	}
	free(target);
	r = open_live(l);
	if (r < 0)
		return r;
	prune_rotated(l);
	return 0;
}

void cri_log_close(CriLog *l) {
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	for (int s = 0; s < _CRI_STREAM_MAX; s++)
		free(l->pending[s].buf);
	free(l->path);
	*l = (CriLog){ .fd = -EBADF };
}
