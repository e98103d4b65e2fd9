/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <stdarg.h>

#include "field-errors.h"

char *pathf(const char *parent, const char *fmt, ...) {
	_cleanup_free_ char *child = NULL;
	char *p = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&child, fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	if (isempty(parent))
		return TAKE_PTR(child);
	if (asprintf(&p, "%s%s%s", parent, child[0] == '[' ? "" : ".", child) < 0)
		return NULL;
	return p;
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0 if the bytes are not valid UTF-8. */
static size_t utf8_sequence_len(const unsigned char *s) {
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values above U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *go_quote(const char *s) {
	static const char esc[] = "\a\b\f\n\r\t\v";
	static const char letters[] = "abfnrtv";
	size_t len = strlen(s);
	char *buf = malloc(len * 4 + 3), *o = buf;

	if (!buf)
		return NULL;
	*o++ = '"';
	for (const unsigned char *i = (const unsigned char *)s; *i;) {
		size_t n = utf8_sequence_len(i);
		const char *e = *i ? strchr(esc, *i) : NULL;

		if (*i == '"' || *i == '\\') {
			*o++ = '\\';
			*o++ = (char)*i++;
		} else if (e) {
			*o++ = '\\';
			*o++ = letters[e - esc];
			i++;
		} else if (n == 1 && *i >= 0x20 && *i < 0x7f) {
			*o++ = (char)*i++;
		} else if (n > 1) {
			memcpy(o, i, n);
			o += n;
			i += n;
		} else {
			o += sprintf(o, "\\x%02x", *i++);
		}
	}
	*o++ = '"';
	*o = 0;
	return buf;
}

_printf_(4, 0) static void add_error(Diag *d, const char *path, const char *body, const char *fmt,
                                     va_list ap) {
	_cleanup_free_ char *detail = NULL;

	if (!fmt || !*fmt) {
		diag_error(d, path, "%s", body);
		return;
	}
	if (vasprintf(&detail, fmt, ap) < 0) {
		diag_error(d, path, "%s", body);
		return;
	}
	diag_error(d, path, "%s: %s", body, detail);
}

void field_required(Diag *d, const char *path, const char *detail) {
	if (isempty(detail))
		diag_error(d, path, "Required value");
	else
		diag_error(d, path, "Required value: %s", detail);
}

void field_forbidden(Diag *d, const char *path, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	add_error(d, path, "Forbidden", fmt, ap);
	va_end(ap);
}

void field_invalid_str(Diag *d, const char *path, const char *value, const char *fmt, ...) {
	_cleanup_free_ char *q = go_quote(strempty(value)), *body = NULL;
	va_list ap;

	if (!q || asprintf(&body, "Invalid value: %s", q) < 0)
		return;
	va_start(ap, fmt);
	add_error(d, path, body, fmt, ap);
	va_end(ap);
}

void field_invalid_int(Diag *d, const char *path, int64_t value, const char *fmt, ...) {
	_cleanup_free_ char *body = NULL;
	va_list ap;

	if (asprintf(&body, "Invalid value: %" PRId64, value) < 0)
		return;
	va_start(ap, fmt);
	add_error(d, path, body, fmt, ap);
	va_end(ap);
}

void field_invalid_bool(Diag *d, const char *path, bool value, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	add_error(d, path, value ? "Invalid value: true" : "Invalid value: false", fmt, ap);
	va_end(ap);
}

void field_invalid_novalue(Diag *d, const char *path, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	add_error(d, path, "Invalid value", fmt, ap);
	va_end(ap);
}

void field_not_supported(Diag *d, const char *path, const char *value, const char *const *valid,
                         size_t n_valid) {
	_cleanup_free_ char *q = go_quote(strempty(value)), *list = NULL;
	size_t len = 0;

	if (!q)
		return;
	for (size_t i = 0; i < n_valid; i++)
		len += strlen(valid[i]) * 4 + 4;
	list = malloc(len + 1);
	if (!list)
		return;
	list[0] = 0;
	for (size_t i = 0; i < n_valid; i++) {
		_cleanup_free_ char *v = go_quote(valid[i]);
		if (!v)
			return;
		if (i > 0)
			strcat(list, ", ");
		strcat(list, v);
	}
	if (n_valid == 0)
		diag_error(d, path, "Unsupported value: %s", q);
	else
		diag_error(d, path, "Unsupported value: %s: supported values: %s", q, list);
}

void field_duplicate(Diag *d, const char *path, const char *value) {
	_cleanup_free_ char *q = go_quote(strempty(value));
	if (q)
		diag_error(d, path, "Duplicate value: %s", q);
}

void field_not_found(Diag *d, const char *path, const char *value) {
	_cleanup_free_ char *q = go_quote(strempty(value));
	if (q)
		diag_error(d, path, "Not found: %s", q);
}

void field_too_long(Diag *d, const char *path, size_t max_bytes) {
	diag_error(d, path, "Too long: must have at most %zu bytes", max_bytes);
}

void field_too_many(Diag *d, const char *path, size_t actual, size_t max_items) {
	diag_error(d, path, "Too many: %zu: must have at most %zu items", actual, max_items);
}
