/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../../runtime/cri-log.h"
#include "fileio.h"
#include "runtime.h"

#define T0 INT64_C(1475713029669794202) /* 2016-10-06T00:17:09.669794202Z */

static char dir[] = "/tmp/skiff-test-cri-log.XXXXXX";

static int setup(void **state) {
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
	return rm_rf(dir);
}

static char *slurp(const char *path) {
	char *s = NULL;
	assert_int_equal(read_full_file(path, 1 << 20, &s, NULL), 0);
	return s;
}

static void test_header(void **state) {
	char buf[64];
	size_t n = cri_log_format_header(buf, sizeof(buf), T0, CRI_STDERR, true);
	assert_string_equal(buf, "2016-10-06T00:17:09.669794202Z stderr P ");
	assert_int_equal(n, strlen(buf));
}

static void test_lines(void **state) {
	char path[256];
	CriLog l;
	snprintf(path, sizeof(path), "%s/lines.log", dir);
	assert_int_equal(cri_log_open(&l, path, 0, 1, 8), 0);
	/* Two full lines in one chunk, CRLF, an empty line, a line in three pieces. */
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "a\nbc\r\n\nde", 9, T0), 0);
	assert_int_equal(cri_log_feed(&l, CRI_STDERR, "err", 3, T0), 0);
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "f", 1, T0), 0);
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "g\n", 2, T0), 0);
	/* Longer than max_line (8): cut into P records, the rest F. */
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "0123456789abcdefXYZ\n", 20, T0), 0);
	/* The same, arriving in pieces. */
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "0123", 4, T0), 0);
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "456789ab", 8, T0), 0);
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "cd\n", 3, T0), 0);
	/* Exactly max_line: a full line. */
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "12345678\n", 9, T0), 0);
	/* EOF without newline: partial. */
	assert_int_equal(cri_log_flush(&l, CRI_STDERR, T0), 0);
	assert_int_equal(cri_log_flush(&l, CRI_STDOUT, T0), 0);
	cri_log_close(&l);

	char *s = slurp(path);
#define TS "2016-10-06T00:17:09.669794202Z "
	assert_string_equal(s,
	                    TS "stdout F a\n" TS "stdout F bc\n" TS "stdout F \n" TS
	                       "stdout F defg\n" TS "stdout P 01234567\n" TS
	                       "stdout P 89abcdef\n" TS "stdout F XYZ\n" TS "stdout P 01234567\n" TS
	                       "stdout F 89abcd\n" TS "stdout F 12345678\n" TS "stderr P err\n");
	free(s);
}

static size_t count_rotated(const char *base) {
	size_t n = 0;
	DIR *d = opendir(dir);
	for (struct dirent *de; (de = readdir(d));)
		if (strncmp(de->d_name, base, strlen(base)) == 0 && de->d_name[strlen(base)] == '.')
			n++;
	closedir(d);
	return n;
}

static void test_rotation(void **state) {
	char path[256], line[64];
	CriLog l;
	snprintf(path, sizeof(path), "%s/0.log", dir);
	/* Each record is 47 bytes: the file rotates after every third line (141 >= 100), and
	 * 3 files are kept in all: the live one and 2 rotated. */
	assert_int_equal(cri_log_open(&l, path, 100, 3, 16384), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "line %d\n", i);
		/* A new second each time: distinct names. */
		assert_int_equal(cri_log_feed(&l, CRI_STDOUT, line, strlen(line),
		                              T0 + (int64_t)i * 1000000000),
		                 0);
	}
	cri_log_close(&l);
	assert_int_equal(count_rotated("0.log"), 2);
	char *s = slurp(path);
	assert_string_equal(s, "2016-10-06T00:17:18.669794202Z stdout F line 9\n");
	free(s);
	/* The newest rotated file holds lines 6 to 8, named after line 8's time. */
	snprintf(line, sizeof(line), "%s/0.log.20161006-001717", dir);
	s = slurp(line);
	assert_non_null(strstr(s, "line 6\n"));
	assert_non_null(strstr(s, "line 8\n"));
	free(s);

	/* Two rotations within one second get distinct names. */
	snprintf(path, sizeof(path), "%s/1.log", dir);
	assert_int_equal(cri_log_open(&l, path, 0, 5, 16384), 0);
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "a\n", 2, T0), 0);
	assert_int_equal(cri_log_rotate(&l, T0), 0);
	assert_int_equal(cri_log_feed(&l, CRI_STDOUT, "b\n", 2, T0), 0);
	assert_int_equal(cri_log_rotate(&l, T0), 0);
	cri_log_close(&l);
	assert_int_equal(count_rotated("1.log"), 2);
	snprintf(line, sizeof(line), "%s/1.log.20161006-001709-1", dir);
	assert_int_equal(access(line, F_OK), 0);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_rotation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
