/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go durations. The cases are facts from Go's src/time/time_test.go (parseDurationTests,
 * parseDurationErrorTests, durationTests, TestParseDurationRoundTrip).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "duration.h"

#define NS DURATION_NANOSECOND
#define US DURATION_MICROSECOND
#define MS DURATION_MILLISECOND
#define SEC DURATION_SECOND
#define MIN DURATION_MINUTE
#define HOUR DURATION_HOUR

typedef struct ParseCase {
	const char *in;
	int64_t want;
} ParseCase;

static const ParseCase parse_cases[] = {
	/* simple */
	{ "0", 0 },
	{ "5s", 5 * SEC },
	{ "30s", 30 * SEC },
	{ "1478s", 1478 * SEC },
	/* sign */
	{ "-5s", -5 * SEC },
	{ "+5s", 5 * SEC },
	{ "-0", 0 },
	{ "+0", 0 },
	/* decimal */
	{ "5.0s", 5 * SEC },
	{ "5.6s", 5 * SEC + 600 * MS },
	{ "5.s", 5 * SEC },
	{ ".5s", 500 * MS },
	{ "1.0s", 1 * SEC },
	{ "1.00s", 1 * SEC },
	{ "1.004s", 1 * SEC + 4 * MS },
	{ "1.0040s", 1 * SEC + 4 * MS },
	{ "100.00100s", 100 * SEC + 1 * MS },
	/* different units */
	{ "10ns", 10 * NS },
	{ "11us", 11 * US },
	{ "12\xc2\xb5s", 12 * US }, /* U+00B5 */
	{ "12\xce\xbcs", 12 * US }, /* U+03BC */
	{ "13ms", 13 * MS },
	{ "14s", 14 * SEC },
	{ "15m", 15 * MIN },
	{ "16h", 16 * HOUR },
	/* composite durations */
	{ "3h30m", 3 * HOUR + 30 * MIN },
	{ "10.5s4m", 4 * MIN + 10 * SEC + 500 * MS },
	{ "-2m3.4s", -(2 * MIN + 3 * SEC + 400 * MS) },
	{ "1h2m3s4ms5us6ns", 1 * HOUR + 2 * MIN + 3 * SEC + 4 * MS + 5 * US + 6 * NS },
	{ "39h9m14.425s", 39 * HOUR + 9 * MIN + 14 * SEC + 425 * MS },
	/* large value */
	{ "52763797000ns", 52763797000 * NS },
	/* more than 9 digits after the decimal point (golang.org/issue/6617) */
	{ "0.3333333333333333333h", 20 * MIN },
	/* 1<<53+1 cannot be stored precisely in a float64 */
	{ "9007199254740993ns", ((INT64_C(1) << 53) + 1) * NS },
	/* the largest and smallest durations */
	{ "9223372036854775807ns", INT64_MAX },
	{ "9223372036854775.807us", INT64_MAX },
	{ "9223372036s854ms775us807ns", INT64_MAX },
	{ "-9223372036854775808ns", INT64_MIN },
	{ "-9223372036854775.808us", INT64_MIN },
	{ "-9223372036s854ms775us808ns", INT64_MIN },
	{ "-2562047h47m16.854775808s", INT64_MIN },
	/* huge string (issue 15011) */
	{ "0.100000000000000000000h", 6 * MIN },
	/* the first overflow check in leadingFraction */
	{ "0.830103483285477580700h", 49 * MIN + 48 * SEC + 372539827 * NS },
	/* the kubelet's own values */
	{ "1m30s", 90 * SEC },
	{ "1.5h", 90 * MIN },
	{ "300us", 300 * US },
};

static void test_parse(void **state) {
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		int64_t d = -1;
		char *err = NULL;
		int r = duration_parse(parse_cases[i].in, &d, &err);
		if (r != 0 || d != parse_cases[i].want)
			fail_msg("%s: r=%d d=%lld err=%s", parse_cases[i].in, r, (long long)d,
			         err ? err : "-");
		free(err);
	}
}

typedef struct ErrorCase {
	const char *in;
	size_t len; /* 0: strlen */
	int r;
	const char *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
	{ "", 0, -EINVAL, "time: invalid duration \"\"" },
	{ "3", 0, -EINVAL, "time: missing unit in duration \"3\"" },
	{ "10", 0, -EINVAL, "time: missing unit in duration \"10\"" },
	{ "-", 0, -EINVAL, "time: invalid duration \"-\"" },
	{ "s", 0, -EINVAL, "time: invalid duration \"s\"" },
	{ ".", 0, -EINVAL, "time: invalid duration \".\"" },
	{ "-.", 0, -EINVAL, "time: invalid duration \"-.\"" },
	{ ".s", 0, -EINVAL, "time: invalid duration \".s\"" },
	{ "+.s", 0, -EINVAL, "time: invalid duration \"+.s\"" },
	{ "x", 0, -EINVAL, "time: invalid duration \"x\"" },
	{ "1d", 0, -EINVAL, "time: unknown unit \"d\" in duration \"1d\"" },
	{ "1s1", 0, -EINVAL, "time: missing unit in duration \"1s1\"" },
	{ "1 s", 0, -EINVAL, "time: unknown unit \" s\" in duration \"1 s\"" },
	{ "\x85\x85", 0, -EINVAL, "time: invalid duration \"\\x85\\x85\"" },
	{ "\xff"
	  "ff",
	  0, -EINVAL, "time: invalid duration \"\\xffff\"" },
	{ "hello \xff"
	  "ff world",
	  0, -EINVAL, "time: invalid duration \"hello \\xffff world\"" },
	{ "\xef\xbf\xbd", 0, -EINVAL, "time: invalid duration \"\\xef\\xbf\\xbd\"" },
	{ "\xef\xbf\xbd hello \xef\xbf\xbd world", 0, -EINVAL,
	  "time: invalid duration \"\\xef\\xbf\\xbd hello \\xef\\xbf\\xbd world\"" },
	{ "1\"s", 0, -EINVAL, "time: unknown unit \"\\\"s\" in duration \"1\\\"s\"" },
	{ "1\0s", 3, -EINVAL, "time: unknown unit \"\\x00s\" in duration \"1\\x00s\"" },
	/* overflow */
	{ "9223372036854775810ns", 0, -ERANGE, "time: invalid duration \"9223372036854775810ns\"" },
	{ "9223372036854775808ns", 0, -ERANGE, "time: invalid duration \"9223372036854775808ns\"" },
	{ "-9223372036854775809ns", 0, -ERANGE,
	  "time: invalid duration \"-9223372036854775809ns\"" },
	{ "9223372036854776us", 0, -ERANGE, "time: invalid duration \"9223372036854776us\"" },
	{ "3000000h", 0, -ERANGE, "time: invalid duration \"3000000h\"" },
	{ "9223372036854775.808us", 0, -ERANGE,
	  "time: invalid duration \"9223372036854775.808us\"" },
	{ "9223372036854ms775us808ns", 0, -ERANGE,
	  "time: invalid duration \"9223372036854ms775us808ns\"" },
	{ "9223372036854775808ns9223372036854775808ns", 0, -ERANGE,
	  "time: invalid duration \"9223372036854775808ns9223372036854775808ns\"" },
	{ "99999999999999999999s", 0, -ERANGE, "time: invalid duration \"99999999999999999999s\"" },
};

static void test_errors(void **state) {
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const ErrorCase *c = &error_cases[i];
		size_t len = c->len ? c->len : strlen(c->in);
		int64_t d = 42;
		char *err = NULL;
		int r = duration_parse_len(c->in, len, &d, &err);
		if (r != c->r || !err || strcmp(err, c->message) != 0)
			fail_msg("case %zu: r=%d err=%s", i, r, err ? err : "(none)");
		assert_int_equal(d, 42);
		free(err);
		/* without a message wanted */
		assert_int_equal(duration_parse_len(c->in, len, &d, NULL), c->r);
	}
}

typedef struct FormatCase {
	const char *str;
	int64_t d;
} FormatCase;

static const FormatCase format_cases[] = {
	{ "0s", 0 },
	{ "1ns", 1 * NS },
	{ "1.1\xc2\xb5s", 1100 * NS },
	{ "2.2ms", 2200 * US },
	{ "3.3s", 3300 * MS },
	{ "4m5s", 4 * MIN + 5 * SEC },
	{ "4m5.001s", 4 * MIN + 5001 * MS },
	{ "5h6m7.001s", 5 * HOUR + 6 * MIN + 7001 * MS },
	{ "8m0.000000001s", 8 * MIN + 1 * NS },
	{ "2562047h47m16.854775807s", INT64_MAX },
	{ "-2562047h47m16.854775808s", INT64_MIN },
	{ "1m30s", 90 * SEC },
	{ "5m0s", 5 * MIN },
	{ "100ms", 100 * MS },
	{ "1h0m0s", HOUR },
	{ "1.5s", 1500 * MS },
	{ "2h45m0s", 2 * HOUR + 45 * MIN },
	{ "-2m0s", -2 * MIN },
	{ "-1.5ms", -1500 * US },
};

static void test_format(void **state) {
	char buf[DURATION_STRING_MAX];

	for (size_t i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
		int64_t d;
		assert_string_equal(duration_to_string(format_cases[i].d, buf),
		                    format_cases[i].str);
		/* TestParseDurationRoundTrip */
		assert_int_equal(duration_parse(buf, &d, NULL), 0);
		assert_int_equal(d, format_cases[i].d);
	}
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
