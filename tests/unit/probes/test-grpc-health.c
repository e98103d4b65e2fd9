/* SPDX-License-Identifier: Apache-2.0 */
/* grpc.health.v1 framing, protobuf and the kubelet's words for each answer (grpc.go). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "grpc-health.h"

#define SEC 1000000ULL

static void test_encode(void **state) {
	uint8_t *buf = NULL;
	size_t n = 0;
	(void)state;

	/* empty service: a zero-length message */
	assert_int_equal(probe_grpc_health_encode_request(NULL, &buf, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "\0\0\0\0\0", 5);
	free(buf);
	assert_int_equal(probe_grpc_health_encode_request("", &buf, &n), 0);
	assert_int_equal(n, 5);
	free(buf);

	/* HealthCheckRequest{service: "svc"} = 0a 03 's' 'v' 'c' */
	assert_int_equal(probe_grpc_health_encode_request("svc", &buf, &n), 0);
	assert_int_equal(n, 10);
	assert_memory_equal(buf, "\0\0\0\0\x05\x0a\x03svc", 10);
	free(buf);

	/* a 200-byte name takes a two-byte length varint (c8 01) */
	char name[201];
	memset(name, 'x', 200);
	name[200] = 0;
	assert_int_equal(probe_grpc_health_encode_request(name, &buf, &n), 0);
	assert_int_equal(n, 5 + 3 + 200);
	assert_int_equal(buf[4], 203);
	assert_int_equal(buf[5], 0x0a);
	assert_int_equal(buf[6], 0xc8);
	assert_int_equal(buf[7], 0x01);
	free(buf);

	char big[PROBE_GRPC_SERVICE_MAX + 2];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(probe_grpc_health_encode_request(big, &buf, &n), -E2BIG);
}

static int32_t decode(const char *body, size_t n, int *err) {
	int32_t st = -99;
	*err = probe_grpc_health_decode_response((const uint8_t *)body, n, &st);
	return st;
}

static void test_decode(void **state) {
	int err;
	(void)state;

	assert_int_equal(decode("\0\0\0\0\x02\x08\x01", 7, &err), 1);
	assert_int_equal(err, 0);
	assert_int_equal(decode("\0\0\0\0\x02\x08\x02", 7, &err), 2);
	/* an empty message: status absent = UNKNOWN (0) */
	assert_int_equal(decode("\0\0\0\0\0", 5, &err), 0);
	assert_int_equal(err, 0);
	/* unknown fields of every wire type are skipped; the last status wins */
	const char m[] = "\0\0\0\0\x18"
	                 "\x10\x05"                             /* field 2 varint */
	                 "\x19\x01\x02\x03\x04\x05\x06\x07\x08" /* field 3 fixed64 */
	                 "\x22\x02hi"                           /* field 4 bytes */
	                 "\x2d\x01\x02\x03\x04"                 /* field 5 fixed32 */
	                 "\x08\x02\x08\x01";                    /* status 2 then 1 */
	assert_int_equal(decode(m, sizeof(m) - 1, &err), 1);
	assert_int_equal(err, 0);
	/* status as a mismatched wire type (bytes) is an unknown field */
	assert_int_equal(decode("\0\0\0\0\x03\x0a\x01\x01", 8, &err), 0);
	assert_int_equal(err, 0);
	/* a negative enum (10-byte varint) */
	assert_int_equal(
	        decode("\0\0\0\0\x0b\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 16, &err), -1);
	assert_int_equal(err, 0);

	/* errors */
	decode("", 0, &err);
	assert_int_equal(err, -ENODATA);
	decode("\0\0\0", 3, &err);
	assert_int_equal(err, -EBADMSG);
	decode("\0\0\0\0\x05\x08\x01", 7, &err); /* length beyond the body */
	assert_int_equal(err, -EBADMSG);
	decode("\x01\0\0\0\x02\x08\x01", 7, &err); /* compressed */
	assert_int_equal(err, -EPROTO);
	decode("\x02\0\0\0\x02\x08\x01", 7, &err); /* bad flag */
	assert_int_equal(err, -EBADMSG);
	decode("\0\0\0\0\x02\x08\x01\0\0\0\0\0", 12, &err); /* a second message */
	assert_int_equal(err, -EOVERFLOW);
	decode("\0\0\0\0\x01\x08", 6, &err); /* truncated varint */
	assert_int_equal(err, -EBADMSG);
	decode("\0\0\0\0\x02\x0b\x00", 7, &err); /* group start */
	assert_int_equal(err, -EBADMSG);
	decode("\0\0\0\0\x02\x00\x01", 7, &err); /* field 0 */
	assert_int_equal(err, -EBADMSG);
	decode("\0\0\0\0\x03\x22\x05h", 8, &err); /* bytes beyond the message */
	assert_int_equal(err, -EBADMSG);
	decode("\0\0\0\0\x0b\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02", 16, &err);
	assert_int_equal(err, -EBADMSG);                 /* varint over 64 bits */
	decode("\0\0\0\0\x04\x19\x01\x02\x03", 9, &err); /* short fixed64 */
	assert_int_equal(err, -EBADMSG);
}

static void check_str(void (*f)(ProbeBuf *, int), int v, const char *want) {
	ProbeBuf b;
	probe_buf_init(&b, 100);
	f(&b, v);
	assert_string_equal(probe_buf_str(&b), want);
	probe_buf_done(&b);
}

static void serving_name(ProbeBuf *b, int v) {
	probe_grpc_serving_status_name(b, v);
}

static void test_names(void **state) {
	int v;
	(void)state;
	check_str(serving_name, 0, "UNKNOWN");
	check_str(serving_name, 1, "SERVING");
	check_str(serving_name, 2, "NOT_SERVING");
	check_str(serving_name, 3, "SERVICE_UNKNOWN");
	check_str(serving_name, 7, "7");
	check_str(serving_name, -1, "-1");
	check_str(probe_grpc_code_name, 5, "NotFound");
	check_str(probe_grpc_code_name, 12, "Unimplemented");
	check_str(probe_grpc_code_name, 16, "Unauthenticated");
	check_str(probe_grpc_code_name, 17, "Code(17)");
	assert_int_equal(probe_grpc_code_from_http_status(404), GRPC_CODE_UNIMPLEMENTED);
	assert_int_equal(probe_grpc_code_from_http_status(503), GRPC_CODE_UNAVAILABLE);
	assert_int_equal(probe_grpc_code_from_http_status(418), GRPC_CODE_UNKNOWN);
	assert_int_equal(probe_grpc_parse_status("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(probe_grpc_parse_status("12", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(probe_grpc_parse_status("", &v), -EINVAL);
	assert_int_equal(probe_grpc_parse_status(NULL, &v), -EINVAL);
	assert_int_equal(probe_grpc_parse_status("1a", &v), -EINVAL);
	assert_int_equal(probe_grpc_parse_status("12345678901", &v), -EINVAL);

	ProbeBuf b;
	probe_buf_init(&b, 100);
	probe_grpc_percent_decode(&b, "unknown%20service%3A%zz%");
	assert_string_equal(probe_buf_str(&b), "unknown service:%zz%");
	probe_buf_done(&b);
}

static ProbeOutcome outcome(const GrpcReply *r, const char *want) {
	ProbeBuf b;
	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	ProbeOutcome o = probe_grpc_health_outcome(r, SEC, &b);
	assert_string_equal(probe_buf_str(&b), want);
	probe_buf_done(&b);
	return o;
}

static void test_outcome(void **state) {
	(void)state;
	GrpcReply r = {
		.http_status = 200,
		.content_type = "application/grpc",
		.has_grpc_status = true,
		.grpc_status = 0,
		.body = (const uint8_t *)"\0\0\0\0\x02\x08\x01",
		.body_size = 7,
	};
	assert_int_equal(outcome(&r, "service healthy"), PROBE_OUTCOME_SUCCESS);

	r.body = (const uint8_t *)"\0\0\0\0\x02\x08\x02";
	assert_int_equal(outcome(&r, "service unhealthy (responded with \"NOT_SERVING\")"),
	                 PROBE_OUTCOME_FAILURE);
	r.body = (const uint8_t *)"\0\0\0\0\0";
	r.body_size = 5;
	assert_int_equal(outcome(&r, "service unhealthy (responded with \"UNKNOWN\")"),
	                 PROBE_OUTCOME_FAILURE);

	/* a gRPC error status, percent-decoded */
	r.grpc_status = 5;
	r.grpc_message = "unknown%20service";
	assert_int_equal(outcome(&r, "error: health rpc probe failed: rpc error: code = NotFound "
	                             "desc = unknown service"),
	                 PROBE_OUTCOME_FAILURE);
	r.grpc_status = 12;
	r.grpc_message = "Method not found!";
	outcome(&r, "error: this server does not implement the grpc health protocol "
	            "(grpc.health.v1.Health): Method not found!");
	r.grpc_status = 4;
	outcome(&r, "timeout: health rpc did not complete within 1s");

	/* the HTTP layer when there is no grpc-status */
	r.has_grpc_status = false;
	r.http_status = 404;
	r.content_type = "text/plain";
	outcome(&r, "error: this server does not implement the grpc health protocol "
	            "(grpc.health.v1.Health): unexpected HTTP status code received from server: "
	            "404 (Not Found); transport: received unexpected content-type \"text/plain\"");
	r.http_status = 503;
	r.content_type = NULL;
	outcome(&r, "error: health rpc probe failed: rpc error: code = Unavailable desc = "
	            "unexpected HTTP status code received from server: 503 (Service "
	            "Unavailable); malformed header: missing HTTP content-type");
	r.http_status = 200;
	r.content_type = "text/html";
	outcome(&r, "error: health rpc probe failed: rpc error: code = Unknown desc = transport: "
	            "received unexpected content-type \"text/html\"");
	r.content_type = "application/grpc+proto";
	outcome(&r, "error: health rpc probe failed: rpc error: code = Internal desc = server "
	            "closed the stream without sending trailers");

	/* broken bodies */
	r.has_grpc_status = true;
	r.grpc_status = 0;
	r.body_size = 0;
	outcome(&r, "error: health rpc probe failed: rpc error: code = Internal desc = cardinality "
	            "violation: expected <{}> but got <EOF>");
	r.body = (const uint8_t *)"\x01\0\0\0\x02\x08\x01";
	r.body_size = 7;
	outcome(&r, "error: health rpc probe failed: rpc error: code = Internal desc = grpc: "
	            "compressed flag set with identity or empty encoding");
	r.body = (const uint8_t *)"\0\0\0\0\x02\x0b\x01";
	outcome(&r, "error: health rpc probe failed: rpc error: code = Internal desc = grpc: "
	            "failed to unmarshal the received message: proto: cannot parse invalid "
	            "wire-format data");
	r.body_overflow = true;
	r.body_size = PROBE_OUTPUT_MAX;
	assert_int_equal(outcome(&r, "error: health rpc probe failed: rpc error: code = "
	                             "ResourceExhausted desc = grpc: received message larger than "
	                             "max (10240)"),
	                 PROBE_OUTCOME_FAILURE);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_outcome),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
