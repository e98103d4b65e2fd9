/* SPDX-License-Identifier: Apache-2.0 */
/* Status objects as the API server writes them (metav1.Status). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http-status.h"

static void test_not_found(void **state) {
	char *s = http_status_json(404, NULL, "pods \"x\" not found", "pods", "x");
	assert_non_null(s);
	assert_string_equal(
	        s, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	           "\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" not found\","
	           "\"reason\":\"NotFound\",\"details\":{\"name\":\"x\",\"kind\":\"pods\"},"
	           "\"code\":404}");
	free(s);
}

static void test_without_details(void **state) {
	char *s = http_status_json(413, NULL, "request entity too large: limit is 10 bytes", NULL,
	                           NULL);
	assert_string_equal(
	        s, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	           "\"status\":\"Failure\",\"message\":\"request entity too large: "
	           "limit is 10 bytes\",\"reason\":\"RequestEntityTooLarge\",\"code\":413}");
	free(s);
	/* an explicit reason wins (409 is Conflict or AlreadyExists) */
	s = http_status_json(409, "AlreadyExists", "pods \"x\" already exists", "pods", "x");
	assert_non_null(strstr(s, "\"reason\":\"AlreadyExists\""));
	free(s);
	/* unknown codes carry no reason, like StatusReasonUnknown; paths keep their slashes */
	s = http_status_json(418, NULL, "/a/b", NULL, NULL);
	assert_non_null(strstr(s, "\"message\":\"/a/b\",\"reason\":\"\",\"code\":418"));
	free(s);
}

static void test_object(void **state) {
	json_object *o = http_status_new(500, NULL, NULL, NULL, NULL), *v;
	assert_true(json_object_object_get_ex(o, "reason", &v));
	assert_string_equal(json_object_get_string(v), "InternalError");
	assert_true(json_object_object_get_ex(o, "message", &v));
	assert_string_equal(json_object_get_string(v), "");
	assert_true(json_object_object_get_ex(o, "code", &v));
	assert_int_equal(json_object_get_int(v), 500);
	assert_false(json_object_object_get_ex(o, "details", &v));
	json_object_put(o);
}

static void test_reasons(void **state) {
	assert_string_equal(http_status_reason(400), "BadRequest");
	assert_string_equal(http_status_reason(403), "Forbidden");
	assert_string_equal(http_status_reason(404), "NotFound");
	assert_string_equal(http_status_reason(405), "MethodNotAllowed");
	assert_string_equal(http_status_reason(422), "Invalid");
	assert_string_equal(http_status_reason(503), "ServiceUnavailable");
	assert_string_equal(http_status_reason(299), "");
	assert_string_equal(http_status_phrase(404), "Not Found");
	assert_string_equal(http_status_phrase(599), "Unknown");
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_without_details),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
