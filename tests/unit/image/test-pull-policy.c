/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "image.h"

static void test_default_policy(void **state) {
	assert_int_equal(image_pull_policy_default("busybox"), IMAGE_PULL_ALWAYS);
	assert_int_equal(image_pull_policy_default("busybox:latest"), IMAGE_PULL_ALWAYS);
	assert_int_equal(image_pull_policy_default("busybox:1.36"), IMAGE_PULL_IF_NOT_PRESENT);
	assert_int_equal(image_pull_policy_default("busybox@sha256:"
	                                           "0123456789abcdef0123456789abcdef0123456789abcd"
	                                           "ef0123456789abcdef"),
	                 IMAGE_PULL_IF_NOT_PRESENT);
	assert_int_equal(image_pull_policy_default("busybox:latest@sha256:"
	                                           "0123456789abcdef0123456789abcdef0123456789abcd"
	                                           "ef0123456789abcdef"),
	                 IMAGE_PULL_ALWAYS);
	assert_int_equal(image_pull_policy_default("NOT VALID"), IMAGE_PULL_IF_NOT_PRESENT);
}

static void test_strings(void **state) {
	ImagePullPolicy p;
	assert_int_equal(image_pull_policy_from_string("Never", &p), 0);
	assert_int_equal(p, IMAGE_PULL_NEVER);
	assert_int_equal(image_pull_policy_from_string("IfNotPresent", &p), 0);
	assert_int_equal(p, IMAGE_PULL_IF_NOT_PRESENT);
	assert_int_equal(image_pull_policy_from_string("Always", &p), 0);
	assert_int_equal(p, IMAGE_PULL_ALWAYS);
	assert_int_equal(image_pull_policy_from_string("always", &p), -EINVAL);
	assert_int_equal(image_pull_policy_from_string(NULL, &p), -EINVAL);
	assert_string_equal(image_pull_policy_to_string(IMAGE_PULL_NEVER), "Never");
}

static void test_missing(void **state) {
	ImageMissing m = {};
	assert_int_equal(image_missing("busybox:1.0", IMAGE_PULL_NEVER, &m), 0);
	assert_string_equal(m.reason, "ErrImageNeverPull");
	assert_string_equal(
	        m.message,
	        "Container image \"busybox:1.0\" is not present with pull policy of Never");
	assert_string_equal(m.event_reason, "ErrImageNeverPull");
	image_missing_done(&m);

	assert_int_equal(image_missing("busybox:1.0", IMAGE_PULL_IF_NOT_PRESENT, &m), 0);
	assert_string_equal(m.reason, "ErrImagePull");
	assert_non_null(strstr(m.message, "registry pulls are not configured"));
	assert_non_null(strstr(m.message, "\"busybox:1.0\""));
	assert_string_equal(m.event_reason, "Failed");
	assert_true(strncmp(m.event_message, "Failed to pull image \"busybox:1.0\": ", 36) == 0);
	image_missing_done(&m);

	char *s = image_present_message("busybox");
	assert_string_equal(s, "Container image \"busybox\" already present on machine");
	free(s);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_policy),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
