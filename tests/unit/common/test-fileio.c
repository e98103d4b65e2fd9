/* SPDX-License-Identifier: Apache-2.0 */
/* File helpers, in a private temporary directory (no root needed). */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fileio.h"
#include "macro.h"

static int setup(void **state) {
	char *dir = strdup("/tmp/skiff-test-fileio-XXXXXX");
	if (!dir || !mkdtemp(dir)) {
		free(dir);
		return -1;
	}
	*state = dir;
	return 0;
}

static int teardown(void **state) {
	char *dir = *state;
	int r = rm_rf(dir);
	free(dir);
	return r;
}

static char *at(const char *dir, const char *name) {
	char *p = NULL;
	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static void test_write_read(void **state) {
	_cleanup_free_ char *p = at(*state, "f"), *data = NULL;
	size_t size = 0;
	struct stat st;

	assert_int_equal(write_file_atomic(p, "hello\0world", 11, 0640), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(read_full_file(p, 1024, &data, &size), 0);
	assert_int_equal(size, 11);
	assert_memory_equal(data, "hello\0world", 11);
	assert_int_equal(data[11], 0);
	free(data);
	data = NULL;
	/* replaced whole */
	assert_int_equal(write_file_atomic(p, "x", 1, 0600), 0);
	assert_int_equal(read_full_file(p, 1024, &data, NULL), 0);
	assert_string_equal(data, "x");
	free(data);
	data = NULL;
	/* bounded */
	assert_int_equal(read_full_file(p, 0, &data, NULL), -EFBIG);
	assert_null(data);
	assert_int_equal(read_full_file(*state, 1024, &data, NULL), -EISDIR);
	_cleanup_free_ char *missing = at(*state, "missing");
	assert_int_equal(read_full_file(missing, 1024, &data, NULL), -ENOENT);
}

static void test_read_empty_and_large(void **state) {
	_cleanup_free_ char *p = at(*state, "big"), *data = NULL;
	_cleanup_free_ char *big = malloc(100000);
	size_t size;

	assert_int_equal(write_file_atomic(p, "", 0, 0600), 0);
	assert_int_equal(read_full_file(p, 10, &data, &size), 0);
	assert_int_equal(size, 0);
	assert_string_equal(data, "");
	free(data);
	data = NULL;
	memset(big, 'a', 100000);
	assert_int_equal(write_file_atomic(p, big, 100000, 0600), 0);
	assert_int_equal(read_full_file(p, 100000, &data, &size), 0);
	assert_int_equal(size, 100000);
	assert_memory_equal(data, big, 100000);
	free(data);
	data = NULL;
	assert_int_equal(read_full_file(p, 99999, &data, &size), -EFBIG);
	/* a pipe-like source has no size up front */
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(read_full_fd(fd, 99999, &data, &size), -EFBIG);
}

static void test_write_string(void **state) {
	_cleanup_free_ char *p = at(*state, "s"), *data = NULL;

	assert_int_equal(write_string_file(p, "x"), -ENOENT); /* never creates */
	assert_int_equal(write_file_atomic(p, "old", 3, 0600), 0);
	assert_int_equal(write_string_file(p, "new"), 0);
	assert_int_equal(read_full_file(p, 100, &data, NULL), 0);
	assert_string_equal(data, "new");
}

static void test_mkdir_rm(void **state) {
	_cleanup_free_ char *p = at(*state, "a/b/c"), *top = at(*state, "a"),
	                    *f = at(*state, "a/b/f");
	_cleanup_free_ char *link = at(*state, "a/l");
	struct stat st;

	assert_int_equal(mkdir_p(p, 0755), 0);
	assert_int_equal(mkdir_p(p, 0755), 0); /* exists: fine */
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(write_file_atomic(f, "x", 1, 0600), 0);
	/* a symlink out of the tree is removed, never followed */
	assert_int_equal(symlink(*state, link), 0);
	assert_int_equal(rm_rf(top), 0);
	assert_int_equal(stat(top, &st), -1);
	assert_int_equal(stat(*state, &st), 0);
	assert_int_equal(rm_rf(top), 0); /* missing: fine */
	/* a plain file */
	_cleanup_free_ char *plain = at(*state, "plain");
	assert_int_equal(write_file_atomic(plain, "x", 1, 0600), 0);
	assert_int_equal(rm_rf(plain), 0);
	assert_int_equal(stat(plain, &st), -1);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_empty_and_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_string, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_rm, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
