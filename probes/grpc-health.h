/* SPDX-License-Identifier: Apache-2.0 */
/*
 * grpc.health.v1.Health/Check without a gRPC library: the 5-byte gRPC message framing and the two
 * tiny protobuf messages (HealthCheckRequest{string service = 1},
 * HealthCheckResponse{ServingStatus status = 1}), plus what the kubelet says about each answer
 * (pkg/probe/grpc/grpc.go). Pure and bounded: the decoder reads network input, it is fuzzed
 * (tests/fuzz/fuzz-grpc-health.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes.h"
#include "strbuf.h"

#define GRPC_HEALTH_CHECK_PATH "/grpc.health.v1.Health/Check"
#define GRPC_RESPONSE_MAX PROBE_OUTPUT_MAX /* a HealthCheckResponse is a few bytes */

enum {
	GRPC_SERVING_UNKNOWN = 0,
	GRPC_SERVING_SERVING = 1,
	GRPC_SERVING_NOT_SERVING = 2,
	GRPC_SERVING_SERVICE_UNKNOWN = 3,
};

enum {
	GRPC_CODE_OK = 0,
	GRPC_CODE_UNKNOWN = 2,
	GRPC_CODE_DEADLINE_EXCEEDED = 4,
	GRPC_CODE_RESOURCE_EXHAUSTED = 8,
	GRPC_CODE_UNIMPLEMENTED = 12,
	GRPC_CODE_INTERNAL = 13,
	GRPC_CODE_UNAVAILABLE = 14,
};

/* The framed request body: 0x00, big-endian length, HealthCheckRequest{service}. */
int probe_grpc_health_encode_request(const char *service, uint8_t **ret, size_t *ret_size);

/* A HealthCheckResponse message (no framing): its status (0 if absent; unknown fields skipped).
 * -EBADMSG if it is not valid protobuf. */
int probe_grpc_health_parse_message(const uint8_t *msg, size_t size, int32_t *ret_status);

/* A unary response body: exactly one uncompressed framed message. -ENODATA none, -EPROTO
 * compressed, -EOVERFLOW another message follows, -EBADMSG malformed. */
int probe_grpc_health_decode_response(const uint8_t *body, size_t size, int32_t *ret_status);

/* HealthCheckResponse_ServingStatus.String(): "SERVING", or the number for unknown values. */
void probe_grpc_serving_status_name(ProbeBuf *b, int32_t status);
/* codes.Code.String(): "NotFound", or "Code(42)". */
void probe_grpc_code_name(ProbeBuf *b, int code);
/* grpc-go's HTTPStatusConvTab (404 -> Unimplemented, 503 -> Unavailable, ...), else Unknown. */
int probe_grpc_code_from_http_status(int http_status);
/* grpc-status header value: a decimal number. -EINVAL if not. */
int probe_grpc_parse_status(const char *s, int *ret);
/* grpc-message is percent-encoded; invalid escapes are kept as they are. */
void probe_grpc_percent_decode(ProbeBuf *b, const char *s);

/* What came back from the server (after the transport part went well). */
typedef struct GrpcReply {
	int http_status;
	const char *content_type; /* NULL if absent */
	bool has_grpc_status;
	int grpc_status;
	const char *grpc_message; /* raw (percent-encoded), NULL if absent */
	const uint8_t *body;
	size_t body_size;
	bool body_overflow; /* more than GRPC_RESPONSE_MAX bytes came */
} GrpcReply;

/* The probe's outcome and message, as grpc.go words it: "service healthy", `service unhealthy
 * (responded with "NOT_SERVING")`, "error: this server does not implement the grpc health
 * protocol (grpc.health.v1.Health): ...", "timeout: health rpc did not complete within 1s",
 * "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service". */
ProbeOutcome probe_grpc_health_outcome(const GrpcReply *r, uint64_t timeout_usec, ProbeBuf *msg);
