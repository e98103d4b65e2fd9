/* SPDX-License-Identifier: Apache-2.0 */
/* Diag: bounded error and warning lists with field paths, merging, printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"

static void test_entries(void **state) {
	Diag d = {};

	assert_false(diag_failed(&d));
	diag_warning(&d, "spec", "ignored %s", "x");
	assert_false(diag_failed(&d));
	diag_error(&d, "spec.containers[0].name", "must not be empty");
	diag_error(&d, NULL, "line %d: bad", 3);
	diag_error(&d, "", "document");
	assert_true(diag_failed(&d));
	assert_int_equal(d.n_errors, 3);
	assert_string_equal(d.errors[0], "spec.containers[0].name: must not be empty");
	assert_string_equal(d.errors[1], "line 3: bad");
	assert_string_equal(d.errors[2], "document");
	assert_int_equal(d.n_warnings, 1);
	assert_string_equal(d.warnings[0], "spec: ignored x");
	diag_clear(&d);
	assert_int_equal(d.n_errors, 0);
	assert_null(d.errors);
	diag_clear(&d);
}

static void test_bounded(void **state) {
	Diag d = {};

	for (int i = 0; i < DIAG_MAX_ENTRIES + 10; i++)
		diag_error(&d, NULL, "e%d", i);
	assert_int_equal(d.n_errors, DIAG_MAX_ENTRIES);
	assert_true(d.truncated);
	diag_clear(&d);
	assert_false(d.truncated);
}

static void test_merge(void **state) {
	Diag a = {}, b = {};

	diag_error(&a, NULL, "first");
	diag_error(&b, "x", "second");
	diag_warning(&b, NULL, "careful");
	diag_merge(&a, &b, "pod.yaml");
	assert_int_equal(a.n_errors, 2);
	assert_string_equal(a.errors[1], "pod.yaml: x: second");
	assert_string_equal(a.warnings[0], "pod.yaml: careful");
	assert_int_equal(b.n_errors, 0);
	assert_null(b.errors);
	diag_error(&b, NULL, "third");
	diag_merge(&a, &b, NULL);
	assert_string_equal(a.errors[2], "third");
	diag_clear(&a);
}

static void test_print(void **state) {
	Diag d = {};
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	diag_warning(&d, NULL, "w");
	diag_error(&d, "a", "e");
	diag_print(&d, "pod.yaml", f);
	diag_print(&d, NULL, f);
	fclose(f);
	assert_string_equal(buf, "warning: pod.yaml: w\npod.yaml: a: e\nwarning: w\na: e\n");
	free(buf);
	diag_clear(&d);
}

static void test_paths(void **state) {
	char *p = path_key("spec", "containers"), *q = path_index(p, 2), *r = path_key("", "spec"),
	     *s = path_index(NULL, 0), *t = path_key(q, "name");

	assert_string_equal(p, "spec.containers");
	assert_string_equal(q, "spec.containers[2]");
	assert_string_equal(r, "spec");
	assert_string_equal(s, "[0]");
	assert_string_equal(t, "spec.containers[2].name");
	free(p);
	free(q);
	free(r);
	free(s);
	free(t);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries), cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_merge),   cmocka_unit_test(test_print),
		cmocka_unit_test(test_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
