/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The gRPC health response decoder (probes/grpc-health.c) on arbitrary bytes: the framed body,
 * the bare protobuf message, the percent-encoded grpc-message, and the whole outcome text. It
 * must never read out of bounds, and what decodes must decode the same way twice.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../probes/grpc-health.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what) {
	if (!ok) {
		fprintf(stderr, "%s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	int32_t st = 7, st2 = 9;
	ProbeBuf b;
	char *text;
	int r;

	/* the body as it came, and the message without framing */
	r = probe_grpc_health_decode_response(data, size, &st);
	if (r == 0) {
		check(probe_grpc_health_parse_message(data + 5, size - 5, &st2) == 0,
		      "reparse failed");
		check(st == st2, "status differs on reparse");
	} else
		check(r == -ENODATA || r == -EBADMSG || r == -EPROTO || r == -EOVERFLOW,
		      "unexpected error code");
	(void)probe_grpc_health_parse_message(data, size, &st);

	/* grpc-message text */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	probe_grpc_percent_decode(&b, text);
	check(b.len <= strlen(text), "decoded text grew");
	probe_buf_done(&b);

	/* the whole answer: flags from the first byte */
	GrpcReply reply = {
		.http_status = size > 0 && (data[0] & 1) ? 404 : 200,
		.content_type = size > 0 && (data[0] & 2) ? "text/plain" : "application/grpc",
		.has_grpc_status = size > 0 && (data[0] & 4),
		.grpc_status = size > 1 ? data[1] % 20 : 0,
		.grpc_message = text,
		.body = data,
		.body_size = size,
		.body_overflow = size > 0 && (data[0] & 8) && size >= 5,
	};
	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	ProbeOutcome o = probe_grpc_health_outcome(&reply, 1000000, &b);
	check(o == PROBE_OUTCOME_SUCCESS || o == PROBE_OUTCOME_FAILURE, "odd outcome");
	check(b.len > 0 && b.len <= PROBE_OUTPUT_MAX, "message length");
	check(o != PROBE_OUTCOME_SUCCESS || strcmp(probe_buf_str(&b), "service healthy") == 0,
	      "success without SERVING");
	probe_buf_done(&b);
	free(text);
	return 0;
}
