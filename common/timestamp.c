/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <errno.h>
#include <time.h>

#include "timestamp.h"

#define USEC_PER_SEC INT64_C(1000000)
#define NSEC_PER_SEC UINT64_C(1000000000)

char *rfc3339_format(uint64_t usec, char *buf, size_t size) {
	time_t sec = (time_t)(usec / (uint64_t)USEC_PER_SEC);
	struct tm tm;

	if (!gmtime_r(&sec, &tm) || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		if (size > 0)
			buf[0] = '\0';
	}
	return buf;
}

/* n decimal digits at *p into *ret. */
static int digits(const char **p, int n, int *ret) {
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -EINVAL;
		v = v * 10 + (**p - '0');
	}
	*ret = v;
	return 0;
}

static int expect(const char **p, char c) {
	if (**p != c)
		return -EINVAL;
	(*p)++;
	return 0;
}

/* Seconds since the epoch and the fraction in nanoseconds. */
static int parse_rfc3339(const char *s, uint64_t *ret_sec, uint64_t *ret_frac_ns) {
	int year, mon, day, hour, min, sec, off_h = 0, off_m = 0, sign = 0;
	int64_t frac = 0;
	const char *p = s;

	if (!s)
		return -EINVAL;
	if (digits(&p, 4, &year) < 0 || expect(&p, '-') < 0 || digits(&p, 2, &mon) < 0 ||
	    expect(&p, '-') < 0 || digits(&p, 2, &day) < 0)
		return -EINVAL;
	if (*p != 'T' && *p != 't')
		return -EINVAL;
	p++;
	if (digits(&p, 2, &hour) < 0 || expect(&p, ':') < 0 || digits(&p, 2, &min) < 0 ||
	    expect(&p, ':') < 0 || digits(&p, 2, &sec) < 0)
		return -EINVAL;
	if (*p == '.') {
		int n = 0;
		for (p++; isdigit((unsigned char)*p); p++, n++)
			if (n < 9)
				frac = frac * 10 + (*p - '0');
		if (n == 0)
			return -EINVAL;
		for (; n < 9; n++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (digits(&p, 2, &off_h) < 0 || expect(&p, ':') < 0 || digits(&p, 2, &off_m) < 0)
			return -EINVAL;
	} else
		return -EINVAL;
	if (*p != '\0' || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
	    sec > 59 || off_h > 23 || off_m > 59)
		return -EINVAL;

	struct tm tm = { .tm_year = year - 1900,
		         .tm_mon = mon - 1,
		         .tm_mday = day,
		         .tm_hour = hour,
		         .tm_min = min,
		         .tm_sec = sec };
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != day) /* timegm normalises Feb 30 into March */
		return -EINVAL;
	int64_t epoch = (int64_t)t - (int64_t)sign * (off_h * 3600 + off_m * 60);
	if (epoch < 0)
		return -ERANGE;
	*ret_sec = (uint64_t)epoch;
	*ret_frac_ns = (uint64_t)frac;
	return 0;
}

int rfc3339_parse(const char *s, uint64_t *ret_usec) {
	uint64_t sec, frac;
	int r = parse_rfc3339(s, &sec, &frac);
	if (r < 0)
		return r;
	*ret_usec = sec * (uint64_t)USEC_PER_SEC + frac / 1000;
	return 0;
}

int rfc3339_parse_nsec(const char *s, uint64_t *ret_nsec) {
	uint64_t sec, frac;
	int r = parse_rfc3339(s, &sec, &frac);
	if (r < 0)
		return r;
	if (sec > (UINT64_MAX - frac) / NSEC_PER_SEC) /* after 2554 */
		return -ERANGE;
	*ret_nsec = sec * NSEC_PER_SEC + frac;
	return 0;
}
