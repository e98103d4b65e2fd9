/* SPDX-License-Identifier: Apache-2.0 */
/* The API's name formats, Go's %q quoting, field paths and field error wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "field-errors.h"
#include "validation-names.h"

static size_t count(size_t (*check)(const char *, const char **), const char *v) {
	const char *msgs[NAME_MSGS_MAX];
	return check(v, msgs);
}

static void test_dns(void **state) {
	const char *msgs[NAME_MSGS_MAX];
	char long_label[70];

	assert_int_equal(count(is_dns1123_label, "web-1"), 0);
	assert_int_equal(count(is_dns1123_label, "1"), 0);
	assert_int_equal(count(is_dns1123_label, ""), 1);
	assert_int_equal(count(is_dns1123_label, "-web"), 1);
	assert_int_equal(count(is_dns1123_label, "web-"), 1);
	assert_int_equal(count(is_dns1123_label, "Web"), 1);
	assert_int_equal(is_dns1123_label("a.b", msgs), 1);
	assert_string_equal(msgs[0], "must not contain dots");
	memset(long_label, 'a', 64);
	long_label[64] = 0;
	assert_int_equal(is_dns1123_label(long_label, msgs), 1);
	assert_string_equal(msgs[0], "must be no more than 63 characters");

	assert_int_equal(count(is_dns1123_subdomain, "a.b-c.d"), 0);
	assert_int_equal(count(is_dns1123_subdomain, "a..b"), 1);
	assert_int_equal(count(is_dns1123_subdomain, ".a"), 1);
	assert_int_equal(count(is_dns1123_subdomain, "a_b"), 1);
}

static void test_qualified_names(void **state) {
	const char *msgs[NAME_MSGS_MAX];

	assert_int_equal(count(is_qualified_name, "app"), 0);
	assert_int_equal(count(is_qualified_name, "app.kubernetes.io/name"), 0);
	assert_int_equal(count(is_qualified_name, "My_Key.1"), 0);
	assert_int_equal(is_qualified_name("/x", msgs), 1);
	assert_string_equal(msgs[0], "prefix part must be non-empty");
	assert_int_equal(is_qualified_name("a/b/c", msgs), 1);
	assert_int_equal(is_qualified_name("Ex.com/", msgs), 3);
	assert_true(strncmp(msgs[0], "prefix part a lowercase RFC 1123 subdomain", 42) == 0);
	assert_string_equal(msgs[1], "name part must be non-empty");

	assert_int_equal(count(is_label_value, ""), 0);
	assert_int_equal(count(is_label_value, "v1.2_3-x"), 0);
	assert_int_equal(count(is_label_value, "_x"), 1);
}

static void test_port_names(void **state) {
	const char *msgs[NAME_MSGS_MAX];

	assert_int_equal(count(is_port_name, "http"), 0);
	assert_int_equal(count(is_port_name, "h2c-1"), 0);
	assert_int_equal(is_port_name("-8--", msgs), 3);
	assert_string_equal(msgs[0], "must contain at least one letter (a-z)");
	assert_string_equal(msgs[1], "must not contain consecutive hyphens");
	assert_string_equal(msgs[2], "must not begin or end with a hyphen");
	assert_int_equal(is_port_name("HTTP", msgs), 2);
}

static void test_other_names(void **state) {
	assert_int_equal(count(is_env_var_name, "MY.env-name 1"), 0);
	assert_int_equal(count(is_env_var_name, "A=B"), 1);
	assert_int_equal(count(is_env_var_name, "tab\t"), 1);
	assert_int_equal(count(is_env_var_name, ""), 1);
	assert_int_equal(count(is_http_header_name, "X-Auth-1"), 0);
	assert_int_equal(count(is_http_header_name, "X_Auth"), 1);
	assert_int_equal(count(is_http_header_name, ""), 1);
	assert_int_equal(count(is_c_identifier, "_a1"), 0);
	assert_int_equal(count(is_c_identifier, "1a"), 1);
}

static void test_go_quote(void **state) {
	char *q;

	q = go_quote("a\"b\\c\n\t\x01\x7f\xc3\xa9\xff");
	assert_string_equal(q, "\"a\\\"b\\\\c\\n\\t\\x01\\x7f\xc3\xa9\\xff\"");
	free(q);
	q = go_quote("");
	assert_string_equal(q, "\"\"");
	free(q);
}

static void test_paths_and_errors(void **state) {
	Diag d = {};
	char *p;
	static const char *const valid[] = { "A", "B" };

	p = pathf(NULL, "spec");
	assert_string_equal(p, "spec");
	free(p);
	p = pathf("spec.containers", "[%d]", 2);
	assert_string_equal(p, "spec.containers[2]");
	free(p);
	p = pathf("items[0]", "spec");
	assert_string_equal(p, "items[0].spec");
	free(p);

	field_required(&d, "a", NULL);
	field_required(&d, "b", "why");
	field_invalid_str(&d, "c", "x\"y", "bad %d", 1);
	field_invalid_int(&d, "d", -3, NULL);
	field_not_supported(&d, "e", "C", valid, 2);
	field_duplicate(&d, "f", "g");
	field_not_found(&d, "h", "i");
	field_forbidden(&d, "j", "no");
	field_too_long(&d, "k", 10);
	field_too_many(&d, "l", 3, 2);
	assert_string_equal(d.errors[0], "a: Required value");
	assert_string_equal(d.errors[1], "b: Required value: why");
	assert_string_equal(d.errors[2], "c: Invalid value: \"x\\\"y\": bad 1");
	assert_string_equal(d.errors[3], "d: Invalid value: -3");
	assert_string_equal(d.errors[4], "e: Unsupported value: \"C\": supported values: \"A\", "
	                                 "\"B\"");
	assert_string_equal(d.errors[5], "f: Duplicate value: \"g\"");
	assert_string_equal(d.errors[6], "h: Not found: \"i\"");
	assert_string_equal(d.errors[7], "j: Forbidden: no");
	assert_string_equal(d.errors[8], "k: Too long: must have at most 10 bytes");
	assert_string_equal(d.errors[9], "l: Too many: 3: must have at most 2 items");
	diag_clear(&d);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dns),        cmocka_unit_test(test_qualified_names),
		cmocka_unit_test(test_port_names), cmocka_unit_test(test_other_names),
		cmocka_unit_test(test_go_quote),   cmocka_unit_test(test_paths_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
