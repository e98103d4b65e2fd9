/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "strbuf.h"

void probe_buf_init(ProbeBuf *b, size_t max) {
	*b = (ProbeBuf){ .max = max };
}

void probe_buf_done(ProbeBuf *b) {
	free(b->s);
	probe_buf_init(b, b->max);
}

void probe_buf_reset(ProbeBuf *b) {
	b->len = 0;
	b->truncated = false;
	if (b->s)
		b->s[0] = 0;
}

static bool probe_buf_reserve(ProbeBuf *b, size_t want) {
	if (want + 1 <= b->alloc)
		return true;
	size_t n = MAX(b->alloc * 2, (size_t)64);
	while (n < want + 1)
		n *= 2;
	if (n > b->max + 1)
		n = b->max + 1;
	char *p = realloc(b->s, n);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->s = p;
	b->alloc = n;
	return true;
}

void probe_buf_append(ProbeBuf *b, const void *data, size_t n) {
	if (n > b->max - b->len) {
		n = b->max - b->len;
		b->truncated = true;
	}
	if (n == 0 || !probe_buf_reserve(b, b->len + n))
		return;
	memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = 0;
}

void probe_buf_puts(ProbeBuf *b, const char *s) {
	if (s)
		probe_buf_append(b, s, strlen(s));
}

void probe_buf_printf(ProbeBuf *b, const char *fmt, ...) {
	char small[256];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	if ((size_t)k < sizeof(small)) {
		probe_buf_append(b, small, (size_t)k);
		return;
	}
	_cleanup_free_ char *big = malloc((size_t)k + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)k + 1, fmt, ap);
	va_end(ap);
	probe_buf_append(b, big, (size_t)k);
}

const char *probe_buf_str(const ProbeBuf *b) {
	return b->s ? b->s : "";
}

char *probe_buf_steal(ProbeBuf *b) {
	char *s = b->s ? b->s : strdup("");
	*b = (ProbeBuf){ .max = b->max };
	return s;
}
