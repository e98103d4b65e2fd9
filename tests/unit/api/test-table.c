/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubectl-like output. HumanDuration cases follow apimachinery's duration_test.go
 * (TestHumanDuration); the table layout is what cli-runtime's tabwriter prints.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"

#define S INT64_C(1000000)
#define M (60 * S)
#define H (60 * M)
#define D (24 * H)

static void test_human_duration(void **state) {
	static const struct {
		int64_t d;
		const char *want;
	} cases[] = {
		{ -2 * S, "<invalid>" },
		{ -1999999, "0s" },
		{ -S, "0s" },
		{ -1, "0s" },
		{ 0, "0s" },
		{ S, "1s" },
		{ 59 * S, "59s" },
		{ 60 * S, "60s" },
		{ 119 * S, "119s" },
		{ 2 * M, "2m" },
		{ 2 * M + 10 * S, "2m10s" },
		{ 9 * M + 59 * S, "9m59s" },
		{ 10 * M, "10m" },
		{ 15 * M + 30 * S, "15m" },
		{ 3 * H - S, "179m" },
		{ 3 * H, "3h" },
		{ 3 * H + 5 * M, "3h5m" },
		{ 8 * H - S, "7h59m" },
		{ 8 * H, "8h" },
		{ 20 * H + 30 * M, "20h" },
		{ 48 * H - S, "47h" },
		{ 48 * H, "2d" },
		{ 3 * D + 4 * H, "3d4h" },
		{ 8 * D - S, "7d23h" },
		{ 8 * D, "8d" },
		{ 45 * D, "45d" },
		{ 2 * 365 * D - S, "729d" },
		{ 2 * 365 * D, "2y" },
		{ 2 * 365 * D + 10 * D, "2y10d" },
		{ 8 * 365 * D - S, "7y364d" },
		{ 8 * 365 * D, "8y" },
		{ 9 * 365 * D + 100 * D, "9y" },
	};
	char buf[HUMAN_DURATION_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(human_duration(cases[i].d, buf, sizeof(buf)), cases[i].want);
}

static void test_age_restarts(void **state) {
	char buf[64];
	uint64_t now = UINT64_C(1714557600) * 1000000;

	assert_string_equal(human_age(0, now, buf, sizeof(buf)), "<unknown>");
	assert_string_equal(human_age(now - 130 * 1000000, now, buf, sizeof(buf)), "2m10s");
	assert_string_equal(human_restarts(0, 0, now, buf, sizeof(buf)), "0");
	assert_string_equal(human_restarts(3, 0, now, buf, sizeof(buf)), "3");
	assert_string_equal(human_restarts(3, now - 5 * 60 * 1000000ull, now, buf, sizeof(buf)),
	                    "3 (5m ago)");
}

static void test_rfc3339(void **state) {
	char buf[RFC3339_MAX];
	uint64_t t;

	assert_string_equal(rfc3339_format(UINT64_C(1714557600123456), buf, sizeof(buf)),
	                    "2024-05-01T10:00:00Z");
	assert_string_equal(rfc3339_format(0, buf, sizeof(buf)), "1970-01-01T00:00:00Z");
	assert_int_equal(rfc3339_parse("2024-05-01T10:00:00Z", &t), 0);
	assert_true(t == UINT64_C(1714557600000000));
	assert_int_equal(rfc3339_parse("2024-05-01T10:00:00.5Z", &t), 0);
	assert_true(t == UINT64_C(1714557600500000));
	assert_int_equal(rfc3339_parse("2024-05-01T10:00:00.123456789Z", &t), 0);
	assert_true(t == UINT64_C(1714557600123456));
	assert_int_equal(rfc3339_parse("2024-05-01T12:30:00+02:30", &t), 0);
	assert_true(t == UINT64_C(1714557600000000));
	assert_int_equal(rfc3339_parse("2024-05-01t07:00:00-03:00", &t), 0);
	assert_true(t == UINT64_C(1714557600000000));

	const char *bad[] = { "",
		              "2024-05-01",
		              "2024-05-01T10:00:00",
		              "2024-05-01 10:00:00Z",
		              "2024-13-01T10:00:00Z",
		              "2024-02-30T10:00:00Z",
		              "2024-05-01T24:00:00Z",
		              "2024-05-01T10:00:00.Z",
		              "2024-05-01T10:00:00+0200",
		              "2024-05-01T10:00:00Zjunk",
		              "1969-12-31T23:59:59Z" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_true(rfc3339_parse(bad[i], &t) < 0);
}

static void test_table(void **state) {
	_cleanup_(table_freep) Table *t = NULL;
	_cleanup_free_ char *text = NULL;

	assert_int_equal(
	        table_new((const char *[]){ "name", "ready", "status", "restarts", "age", NULL },
	                  &t),
	        0);
	assert_int_equal(table_add_row(t, (const char *[]){ "nginx-7c5ddbdf54-x2x9v", "1/1",
	                                                    "Running", "0", "3d4h" }),
	                 0);
	assert_int_equal(table_add_cell(t, "web"), 0);
	assert_int_equal(table_add_cellf(t, "%d/%d", 0, 2), 0);
	assert_int_equal(table_add_cell(t, "CrashLoopBackOff"), 0);
	assert_int_equal(table_add_cell(t, "12 (2m10s ago)"), 0);
	assert_int_equal(table_add_cell(t, "45d"), 0);
	assert_int_equal(table_rows(t), 2);
	assert_int_equal(table_format(t, &text), 0);
	assert_string_equal(
	        text, "NAME                     READY   STATUS             RESTARTS         AGE\n"
	              "nginx-7c5ddbdf54-x2x9v   1/1     Running            0                3d4h\n"
	              "web                      0/2     CrashLoopBackOff   12 (2m10s ago)   45d\n");
}

static void test_table_narrow(void **state) {
	_cleanup_(table_freep) Table *t = NULL;
	_cleanup_free_ char *text = NULL;

	/* tabwriter's minimum width 6 applies to short columns; cells stay on one line */
	assert_int_equal(table_new((const char *[]){ "ip", "x", "node", NULL }, &t), 0);
	assert_int_equal(table_add_row(t, (const char *[]){ "a", NULL, "b\tc" }), 0);
	assert_int_equal(table_add_row(t, (const char *[]){ "ü", "y", "n" }), 0);
	assert_int_equal(table_format(t, &text), 0);
	assert_string_equal(text, "IP    X     NODE\n"
	                          "a           b c\n"
	                          "ü     y     n\n");
}

static void test_table_errors(void **state) {
	Table *t = NULL;
	assert_int_equal(table_new((const char *[]){ NULL }, &t), -EINVAL);
	assert_int_equal(table_new(NULL, &t), -EINVAL);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_duration), cmocka_unit_test(test_age_restarts),
		cmocka_unit_test(test_rfc3339),        cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_narrow),   cmocka_unit_test(test_table_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
