/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go's time.ParseDuration and Duration.String (src/time/format.go, time.go), rule for rule:
 * the same grammar ([-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ or a bare "0"), the same float64
 * arithmetic for fractions (so "0.3333333333333333333h" is exactly Go's 20m), the same error
 * texts with the input quoted as the time package quotes it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "macro.h"

#define HIGH_BIT (UINT64_C(1) << 63)

typedef struct Unit {
	const char *name;
	uint64_t ns;
} Unit;

static const Unit units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 }, /* U+00B5 micro sign */
	{ "\xce\xbcs", 1000 }, /* U+03BC Greek small letter mu */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "m", UINT64_C(60) * 1000000000 },
	{ "h", UINT64_C(3600) * 1000000000 },
};

/* Length of the valid UTF-8 sequence at s (as Go decodes it), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t len) {
	unsigned char c = s[0];
	size_t n;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f; /* no surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f; /* at most U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/*
 * time.quote: ASCII printables as they are (with \" and \\ escaped), every byte of anything
 * else as \xNN: a whole rune when it is valid UTF-8, one byte when it is not.
 */
static int go_quote(FILE *f, const char *s, size_t len) {
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', f);
	for (size_t i = 0; i < len;) {
		size_t w = utf8_len(u + i, len - i);
		if (w == 1 && u[i] >= ' ') {
			if (u[i] == '"' || u[i] == '\\')
				fputc('\\', f);
			fputc(u[i++], f);
			continue;
		}
		if (w == 0)
			w = 1;
		for (size_t j = 0; j < w; j++, i++)
			fprintf(f, "\\x%02x", u[i]);
	}
	fputc('"', f);
	return ferror(f) ? -ENOMEM : 0;
}

/* Builds "<prefix><quoted unit><middle><quoted input>" into *ret. */
static int fail(int r, char **ret_error, const char *prefix, const char *unit, size_t unit_len,
                const char *middle, const char *s, size_t len) {
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;

	if (!ret_error)
		return r;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	fputs(prefix, f);
	if (unit) {
		go_quote(f, unit, unit_len);
		fputs(middle, f);
	}
	go_quote(f, s, len);
	if (fclose(f) != 0 || !buf)
		return -ENOMEM;
	*ret_error = TAKE_PTR(buf);
	return r;
}

#define INVALID(r) fail((r), ret_error, "time: invalid duration ", NULL, 0, NULL, s, len)

static bool is_digit(char c) {
	return c >= '0' && c <= '9';
}

/* leadingInt: [0-9]*, failing on overflow past 2^63. */
static int leading_int(const char *s, size_t len, size_t *i, uint64_t *ret) {
	uint64_t x = 0;
	for (; *i < len && is_digit(s[*i]); (*i)++) {
		if (x > HIGH_BIT / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(s[*i] - '0');
		if (x > HIGH_BIT)
			return -ERANGE;
	}
	*ret = x;
	return 0;
}

/* leadingFraction: [0-9]*, silently dropping precision once it no longer fits. */
static void leading_fraction(const char *s, size_t len, size_t *i, uint64_t *ret, double *scale) {
	uint64_t x = 0;
	bool overflow = false;

	*scale = 1;
	for (; *i < len && is_digit(s[*i]); (*i)++) {
		if (overflow)
			continue;
		if (x > (HIGH_BIT - 1) / 10) {
			overflow = true;
			continue;
		}
		uint64_t y = x * 10 + (uint64_t)(s[*i] - '0');
		if (y > HIGH_BIT) {
			overflow = true;
			continue;
		}
		x = y;
		*scale *= 10;
	}
	*ret = x;
}

static const Unit *find_unit(const char *u, size_t n) {
	for (size_t i = 0; i < ELEMENTSOF(units); i++)
		if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
			return &units[i];
	return NULL;
}

int duration_parse_len(const char *s, size_t len, int64_t *ret_ns, char **ret_error) {
	uint64_t d = 0;
	bool neg = false;
	size_t i = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	if (len - i == 1 && s[i] == '0') { /* special case: a bare "0" needs no unit */
		*ret_ns = 0;
		return 0;
	}
	if (i == len)
		return INVALID(-EINVAL);
	while (i < len) {
		uint64_t v, f = 0;
		double scale = 1;
		size_t start = i;

		if (s[i] != '.' && !is_digit(s[i]))
			return INVALID(-EINVAL);
		if (leading_int(s, len, &i, &v) < 0)
			return INVALID(-ERANGE);
		bool pre = i != start, post = false;
		if (i < len && s[i] == '.') {
			start = ++i;
			leading_fraction(s, len, &i, &f, &scale);
			post = i != start;
		}
		if (!pre && !post) /* no digits, e.g. ".s" */
			return INVALID(-EINVAL);

		start = i;
		while (i < len && s[i] != '.' && !is_digit(s[i]))
			i++;
		if (i == start)
			return fail(-EINVAL, ret_error, "time: missing unit in duration ", NULL, 0,
			            NULL, s, len);
		const Unit *unit = find_unit(s + start, i - start);
		if (!unit)
			return fail(-EINVAL, ret_error, "time: unknown unit ", s + start, i - start,
			            " in duration ", s, len);
		if (v > HIGH_BIT / unit->ns)
			return INVALID(-ERANGE);
		v *= unit->ns;
		if (f > 0) {
			/* float64 keeps fractions of hours nanosecond-accurate, as in Go */
			v += (uint64_t)((double)f * ((double)unit->ns / scale));
			if (v > HIGH_BIT)
				return INVALID(-ERANGE);
		}
		/* Go's uint64 sum can wrap when both terms are 2^63; reject that too */
		if (__builtin_add_overflow(d, v, &d) || d > HIGH_BIT)
			return INVALID(-ERANGE);
	}
	if (neg) {
		*ret_ns = d == HIGH_BIT ? INT64_MIN : -(int64_t)d;
		return 0;
	}
	if (d > INT64_MAX)
		return INVALID(-ERANGE);
	*ret_ns = (int64_t)d;
	return 0;
}

int duration_parse(const char *s, int64_t *ret_ns, char **ret_error) {
	return duration_parse_len(s, strlen(s), ret_ns, ret_error);
}

/* fmtFrac: v/10^prec's fraction, trailing zeros (and then the point) omitted. */
static size_t fmt_frac(char *buf, size_t w, uint64_t *v, int prec) {
	bool print = false;
	for (int i = 0; i < prec; i++) {
		char digit = (char)(*v % 10);
		print = print || digit != 0;
		if (print)
			buf[--w] = (char)('0' + digit);
		*v /= 10;
	}
	if (print)
		buf[--w] = '.';
	return w;
}

static size_t fmt_int(char *buf, size_t w, uint64_t v) {
	do {
		buf[--w] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return w;
}

/* Duration.String: hours, minutes, seconds; below one second in ms, µs or ns. */
const char *duration_to_string(int64_t ns, char buf[static DURATION_STRING_MAX]) {
	char tmp[DURATION_STRING_MAX];
	size_t w = sizeof(tmp) - 1;
	uint64_t u = ns < 0 ? -(uint64_t)ns : (uint64_t)ns;

	tmp[w] = 0;
	if (u < (uint64_t)DURATION_SECOND) {
		int prec = 0;
		tmp[--w] = 's';
		if (u == 0) {
			strcpy(buf, "0s");
			return buf;
		} else if (u < (uint64_t)DURATION_MICROSECOND) {
			tmp[--w] = 'n';
		} else if (u < (uint64_t)DURATION_MILLISECOND) {
			prec = 3;
			tmp[--w] = '\xb5'; /* U+00B5 'µ', two bytes */
			tmp[--w] = '\xc2';
		} else {
			prec = 6;
			tmp[--w] = 'm';
		}
		w = fmt_frac(tmp, w, &u, prec);
		w = fmt_int(tmp, w, u);
	} else {
		tmp[--w] = 's';
		w = fmt_frac(tmp, w, &u, 9);
		w = fmt_int(tmp, w, u % 60);
		u /= 60;
		if (u > 0) {
			tmp[--w] = 'm';
			w = fmt_int(tmp, w, u % 60);
			u /= 60;
			if (u > 0) { /* stop at hours: days differ in length */
				tmp[--w] = 'h';
				w = fmt_int(tmp, w, u);
			}
		}
	}
	if (ns < 0)
		tmp[--w] = '-';
	memcpy(buf, tmp + w, sizeof(tmp) - w);
	return buf;
}
