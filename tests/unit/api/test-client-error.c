/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's error lines for API replies, as kubectl prints them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client.h"

static void test_status(void **state) {
	const char *body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
	                   "\"status\":\"Failure\",\"message\":\"pods \\\"x\\\" not found\","
	                   "\"reason\":\"NotFound\",\"details\":{\"name\":\"x\",\"kind\":\"pods\"},"
	                   "\"code\":404}";
	ClientError err;

	assert_int_equal(client_error_from_reply(404, body, strlen(body), &err), -ENOENT);
	assert_string_equal(err.message, "Error from server (NotFound): pods \"x\" not found");
	assert_string_equal(err.reason, "NotFound");
	assert_int_equal(err.http_code, 404);

	body = "{\"kind\":\"Status\",\"message\":\"teapot\",\"reason\":\"\",\"code\":418}";
	assert_int_equal(client_error_from_reply(418, body, strlen(body), &err), -EPROTO);
	assert_string_equal(err.message, "Error from server: teapot");

	body = "{\"kind\":\"Status\",\"message\":\"pods \\\"x\\\" already exists\","
	       "\"reason\":\"AlreadyExists\",\"code\":409}";
	assert_int_equal(client_error_from_reply(409, body, strlen(body), &err), -EEXIST);
	assert_string_equal(err.message,
	                    "Error from server (AlreadyExists): pods \"x\" already exists");
}

static void test_other_bodies(void **state) {
	ClientError err;

	/* MHD's own answers (431, 414) are HTML: not shown */
	const char *html = "<html><head><title>Request too big</title></head></html>";
	assert_int_equal(client_error_from_reply(431, html, strlen(html), &err), -EPROTO);
	assert_string_equal(err.message,
	                    "Error from server: the server responded with the status code 431");
	assert_int_equal(client_error_from_reply(500, "boom\nmore", 9, &err), -EIO);
	assert_string_equal(err.message, "Error from server (InternalError): boom");
	assert_int_equal(client_error_from_reply(413, NULL, 0, &err), -EFBIG);
	assert_string_equal(err.message, "Error from server (RequestEntityTooLarge): the server "
	                                 "responded with the status code 413");
	assert_int_equal(client_error_from_reply(403, "{\"kind\":\"Pod\"}", 14, &err), -EACCES);
	assert_string_equal(err.message, "Error from server (Forbidden): {\"kind\":\"Pod\"}");
}

static void test_escape(void **state) {
	char *s = client_escape("a b/c?d=é~._-");
	assert_string_equal(s, "a%20b%2Fc%3Fd%3D%C3%A9~._-");
	free(s);
}

static void test_refused(void **state) {
	_cleanup_(client_freep) SkiffClient *c = NULL;
	json_object *o = NULL;
	ClientError err;

	assert_int_equal(client_new("/nonexistent/skiff.sock", &c), 0);
	assert_string_equal(client_address(c), "unix:///nonexistent/skiff.sock");
	assert_int_equal(client_get_json(c, "/pods", &o, &err), -ECONNREFUSED);
	assert_null(o);
	assert_string_equal(err.message, "The connection to the skiff agent at "
	                                 "unix:///nonexistent/skiff.sock was refused - is the "
	                                 "agent running?");
	SkiffClient *d = NULL;
	assert_int_equal(client_new("ftp://x", &d), -EINVAL);
	assert_int_equal(client_new("relative.sock", &d), -EINVAL);
	assert_null(d);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_other_bodies),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
