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

/* What the agent does over its ticks: the next rotated file, in small steps. */
static int compress_next(const char *dir) {
	_cleanup_free_ char *name = NULL;
	LogGzip *g = NULL;
	int r = log_manager_next_rotated(dir, &name);
	if (r <= 0) {
		assert_null(name);
		return r;
	}
	assert_int_equal(log_gzip_open(dir, name, &g), 0);
	size_t steps = 0;
	while ((r = log_gzip_step(g, 3)) > 0)
		steps++;
	assert_true(steps >= 2); /* "oldest\n" takes three steps of 3 bytes */
	log_gzip_free(g);
	return r < 0 ? r : 1;
}

static void test_compress(void **state) {
	char dir[] = "/tmp/skiff-logmgr-XXXXXX";
	assert_non_null(mkdtemp(dir));
	put(dir, "0.log", "live\n");
	put(dir, "0.log.20260101-000000", "oldest\n");
	put(dir, "0.log.20260101-000001", "older\n");
	put(dir, "0.log.20260101-000002", "newest rotated\n");
	assert_int_equal(compress_next(dir), 1); /* one file at a time, the oldest first */
	assert_true(exists(dir, "0.log.20260101-000000.gz"));
	assert_false(exists(dir, "0.log.20260101-000000"));
	assert_false(exists(dir, "0.log.20260101-000000.gz.tmp"));
	assert_true(exists(dir, "0.log.20260101-000001"));
	assert_int_equal(compress_next(dir), 1);
	assert_true(exists(dir, "0.log.20260101-000001.gz"));
	assert_true(exists(dir, "0.log.20260101-000002")); /* the newest stays plain */
	assert_true(exists(dir, "0.log"));
	assert_int_equal(compress_next(dir), 0);

	/* Given up half-way (the agent stops): the plain file stays, the temporary goes. */
	put(dir, "0.log.20260101-000003", "newer still\n");
	_cleanup_free_ char *name = NULL;
	LogGzip *g = NULL;
	assert_int_equal(log_manager_next_rotated(dir, &name), 1);
	assert_string_equal(name, "0.log.20260101-000002");
	assert_int_equal(log_gzip_open(dir, name, &g), 0);
	assert_int_equal(log_gzip_step(g, 4), 1);
	assert_true(exists(dir, "0.log.20260101-000002.gz.tmp"));
	assert_null(log_gzip_free(g));
	assert_true(exists(dir, "0.log.20260101-000002"));
	assert_false(exists(dir, "0.log.20260101-000002.gz.tmp"));
	assert_false(exists(dir, "0.log.20260101-000002.gz"));

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
