/* SPDX-License-Identifier: Apache-2.0 */
/* Rotated CRI logs: all but the newest rotated file get gzip-compressed, the live one stays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fileio.h"
#include "log-manager.h"

static void put(const char *dir, const char *name, const char *text) {
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(write_file_atomic(p, text, strlen(text), 0640), 0);
}

static bool exists(const char *dir, const char *name) {
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static void test_compress(void **state) {
	char dir[] = "/tmp/skiff-logmgr-XXXXXX";
	assert_non_null(mkdtemp(dir));
	put(dir, "0.log", "live\n");
	put(dir, "0.log.20260101-000000", "oldest\n");
	put(dir, "0.log.20260101-000001", "older\n");
	put(dir, "0.log.20260101-000002", "newest rotated\n");
	assert_int_equal(log_manager_compress_dir(dir, 1), 1); /* bounded per call */
	assert_true(exists(dir, "0.log.20260101-000000.gz"));
	assert_false(exists(dir, "0.log.20260101-000000"));
	assert_int_equal(log_manager_compress_dir(dir, 10), 1);
	assert_true(exists(dir, "0.log.20260101-000001.gz"));
	assert_true(exists(dir, "0.log.20260101-000002")); /* the newest stays plain */
	assert_true(exists(dir, "0.log"));
	assert_int_equal(log_manager_compress_dir(dir, 10), 0);

	char p[512], buf[64] = "";
	snprintf(p, sizeof(p), "%s/0.log.20260101-000000.gz", dir);
	gzFile gz = gzopen(p, "rb");
	assert_non_null(gz);
	assert_int_equal(gzread(gz, buf, sizeof(buf) - 1), 7);
	assert_string_equal(buf, "oldest\n");
	gzclose(gz);
	assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_compress) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
