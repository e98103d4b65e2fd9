/* SPDX-License-Identifier: Apache-2.0 */
#include "log-reader.h"
#include "macro.h"

#define RECORD_MAX (1024 * 1024) /* a pending record longer than this is dropped */

int cri_record_parse(const char *line, size_t len, CriRecord *ret) {
	const char *end = line + len, *p = memchr(line, ' ', len);
	if (!p || p == line)
		return -EINVAL;
	*ret = (CriRecord){ .timestamp = line, .timestamp_len = (size_t)(p - line) };
	p++;
	if ((size_t)(end - p) >= 7 && strneq(p, "stdout ", 7))
		p += 7;
	else if ((size_t)(end - p) >= 7 && strneq(p, "stderr ", 7)) {
		ret->is_stderr = true;
		p += 7;
	} else
		return -EINVAL;
	/* the tag field may carry more ':'-separated tags; the first says P or F */
	const char *tag_end = memchr(p, ' ', (size_t)(end - p));
	if (!tag_end)
		tag_end = end;
	if (tag_end == p || (*p != 'P' && *p != 'F'))
		return -EINVAL;
	ret->partial = *p == 'P';
	ret->text = tag_end < end ? tag_end + 1 : end;
	ret->text_len = (size_t)(end - ret->text);
	return 0;
}

typedef struct Out {
	char *s;
	size_t len, alloc;
	bool oom;
} Out;

static void out_add(Out *o, const char *s, size_t n) {
	if (o->oom)
		return;
	if (o->len + n + 1 > o->alloc) {
		size_t a = MAX(o->alloc * 2, o->len + n + 256);
		char *p = realloc(o->s, a);
		if (!p) {
			o->oom = true;
			return;
		}
		o->s = p;
		o->alloc = a;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = 0;
}

/* Walk the records; call emit for each complete line (partials joined). */
static void walk(const char *data, size_t len, bool timestamps, log_line_t emit, void *userdata) {
	Out line = {};
	bool open = false;
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		CriRecord r;
		if (cri_record_parse(p, l, &r) >= 0) {
			if (!open && timestamps) {
				out_add(&line, r.timestamp, r.timestamp_len);
				out_add(&line, " ", 1);
			}
			out_add(&line, r.text, r.text_len);
			open = r.partial;
			if (!r.partial) {
				out_add(&line, "\n", 1);
				if (!line.oom)
					emit(line.s, line.len, userdata);
				line.len = 0;
			}
		}
		p += l + 1;
	}
	if (open && line.len > 0 && !line.oom)
		emit(line.s, line.len, userdata);
	free(line.s);
}

typedef struct Lines {
	char **l;
	size_t *len;
	size_t n, alloc;
	bool oom;
} Lines;

static void collect(const char *text, size_t len, void *userdata) {
	Lines *ls = userdata;
	if (ls->oom)
		return;
	if (ls->n == ls->alloc) {
		size_t a = MAX(ls->alloc * 2, (size_t)64);
		char **l = realloc(ls->l, a * sizeof(char *));
		size_t *s = realloc(ls->len, a * sizeof(size_t));
		if (l)
			ls->l = l;
		if (s)
			ls->len = s;
		if (!l || !s) {
			ls->oom = true;
			return;
		}
		ls->alloc = a;
	}
	ls->l[ls->n] = strndup(text, len);
	ls->len[ls->n] = len;
	if (!ls->l[ls->n]) {
		ls->oom = true;
		return;
	}
	ls->n++;
}

int log_render(const char *data, size_t len, const LogRenderOptions *o, char **ret,
               size_t *ret_len) {
	Lines ls = {};
	Out out = {};
	walk(data, len, o->timestamps, collect, &ls);
	size_t first = o->tail >= 0 && (size_t)o->tail < ls.n ? ls.n - (size_t)o->tail : 0;
	out_add(&out, "", 0);
	for (size_t i = first; i < ls.n && !ls.oom; i++) {
		size_t n = ls.len[i];
		if (o->limit_bytes > 0 && out.len + n > o->limit_bytes)
			n = o->limit_bytes - out.len;
		out_add(&out, ls.l[i], n);
		if (o->limit_bytes > 0 && out.len >= o->limit_bytes)
			break;
	}
	for (size_t i = 0; i < ls.n; i++)
		free(ls.l[i]);
	free(ls.l);
	free(ls.len);
	if (ls.oom || out.oom) {
		free(out.s);
		return -ENOMEM;
	}
	*ret = out.s;
	if (ret_len)
		*ret_len = out.len;
	return 0;
}

void log_follower_feed(LogFollower *f, const char *data, size_t len, log_line_t emit,
                       void *userdata) {
	for (const char *p = data, *end = data + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (f->len + l > RECORD_MAX) { /* a runaway record: drop what we have */
			f->len = 0;
		} else {
			char *b = realloc(f->buf, f->len + l + 1);
			if (!b)
				return;
			f->buf = b;
			memcpy(f->buf + f->len, p, l);
			f->len += l;
		}
		if (!nl)
			return; /* wait for the rest of the record */
		CriRecord r;
		if (cri_record_parse(f->buf, f->len, &r) >= 0) {
			Out line = {};
			if (!f->line_open && f->timestamps) {
				out_add(&line, r.timestamp, r.timestamp_len);
				out_add(&line, " ", 1);
			}
			out_add(&line, r.text, r.text_len);
			if (!r.partial)
				out_add(&line, "\n", 1);
			f->line_open = r.partial;
			if (!line.oom && line.len > 0)
				emit(line.s, line.len, userdata);
			free(line.s);
		}
		f->len = 0;
		p = nl + 1;
	}
}

void log_follower_done(LogFollower *f) {
	free(f->buf);
	*f = (LogFollower){};
}
