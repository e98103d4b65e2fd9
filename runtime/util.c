/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/syscall.h>

#include "fileio.h"
#include "util.h"

char **strv_new(const char *first) {
	char **l = calloc(2, sizeof(char *));
	if (!l)
		return NULL;
	if (first && !(l[0] = strdup(first))) {
		free(l);
		return NULL;
	}
	return l;
}

char **strv_copy_const(const char *const *l) {
	size_t n = 0;
	while (l && l[n])
		n++;
	char **r = calloc(n + 1, sizeof(char *));
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(r[i] = strdup(l[i]))) {
			strv_free(r);
			return NULL;
		}
	return r;
}

size_t strv_length(char *const *l) {
	size_t n = 0;
	while (l && l[n])
		n++;
	return n;
}

int strv_consume(char ***l, char *s) {
	size_t n = strv_length(*l);
	if (!s)
		return -ENOMEM;
	char **m = realloc(*l, (n + 2) * sizeof(char *));
	if (!m) {
		free(s);
		return -ENOMEM;
	}
	m[n] = s;
	m[n + 1] = NULL;
	*l = m;
	return 0;
}

int strv_extend(char ***l, const char *s) {
	return strv_consume(l, strdup(s));
}

int runtime_error(RuntimeError *e, int err, const char *fmt, ...) {
	va_list ap;
	if (err < 0)
		err = -err;
	if (e) {
		va_start(ap, fmt);
		int n = vsnprintf(e->message, sizeof(e->message), fmt, ap);
		va_end(ap);
		e->err = err;
		size_t l = n < 0 ? 0 : MIN((size_t)n, sizeof(e->message) - 1);
		if (err > 0 && l < sizeof(e->message) - 1)
			(void)!snprintf(e->message + l, sizeof(e->message) - l, ": %s",
			                strerror(err));
	}
	return err > 0 ? -err : -EIO;
}

int proc_start_time(pid_t pid, uint64_t *ret) {
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : negative_errno();
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return negative_errno();
	buf[n] = 0;
	/* comm may hold spaces and ')': fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	p++;
	/* p is at the space before field 3 (state); starttime is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EIO;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p + 1, &end, 10);
	if (errno || end == p + 1)
		return -EIO;
	*ret = v;
	return 0;
}

int pidfd_open_checked(pid_t pid, uint64_t start_time, int *ret_pidfd) {
	uint64_t st;
	int r;

	if (pid <= 0)
		return -ESRCH;
	_cleanup_close_ int fd = pidfd_open(pid, 0);
	if (fd < 0)
		return negative_errno();
	/* The pidfd pins the process; reading its start time now settles whether the pid was
	 * recycled before we opened it. */
	r = proc_start_time(pid, &st);
	if (r < 0)
		return r;
	if (st != start_time)
		return -ESRCH;
	*ret_pidfd = TAKE_FD(fd);
	return 0;
}

int openat2_beneath(int dirfd, const char *path, int flags, uint64_t resolve, mode_t mode) {
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = resolve,
	};
	for (;;) {
		int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		/* The kernel asks for a retry when a rename raced the lookup. */
		if (errno != EAGAIN && errno != EINTR)
			return negative_errno();
	}
}

int fd_write_all(int fd, const void *buf, size_t n) {
	const char *p = buf;
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int strdup_bounded(const char *s, size_t max, char **ret) {
	size_t l = strnlen(s, max + 1);
	if (l > max)
		return -E2BIG;
	char *d = strndup(s, l);
	if (!d)
		return -ENOMEM;
	*ret = d;
	return 0;
}
