/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <strings.h>

#include "go-format.h"
#include "grpc-health.h"

static size_t put_varint(uint8_t *p, uint64_t v) {
	size_t n = 0;
	do {
		p[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			p[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

int probe_grpc_health_encode_request(const char *service, uint8_t **ret, size_t *ret_size) {
	size_t slen = service ? strlen(service) : 0, mlen = 0;
	uint8_t *buf;

	if (slen > PROBE_GRPC_SERVICE_MAX)
		return -E2BIG;
	buf = malloc(5 + 1 + 10 + slen);
	if (!buf)
		return -ENOMEM;
	/* proto3: an empty string field is not written at all */
	if (slen > 0) {
		buf[5] = 0x0a; /* field 1, wire type 2 */
		mlen = 1 + put_varint(buf + 6, slen);
		memcpy(buf + 5 + mlen, service, slen);
		mlen += slen;
	}
	buf[0] = 0; /* not compressed */
	buf[1] = (uint8_t)(mlen >> 24);
	buf[2] = (uint8_t)(mlen >> 16);
	buf[3] = (uint8_t)(mlen >> 8);
	buf[4] = (uint8_t)mlen;
	*ret = buf;
	*ret_size = 5 + mlen;
	return 0;
}

static int read_varint(const uint8_t *p, size_t n, size_t *pos, uint64_t *ret) {
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*pos >= n)
			return -EBADMSG;
		uint8_t b = p[(*pos)++];
		if (shift == 63 && b > 1)
			return -EBADMSG; /* more than 64 bits */
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*ret = v;
			return 0;
		}
	}
	return -EBADMSG;
}

int probe_grpc_health_parse_message(const uint8_t *msg, size_t size, int32_t *ret_status) {
	int32_t status = GRPC_SERVING_UNKNOWN;
	size_t pos = 0;
	uint64_t key, v;

	while (pos < size) {
		if (read_varint(msg, size, &pos, &key) < 0)
			return -EBADMSG;
		uint64_t field = key >> 3;
		if (field == 0 || field > 536870911) /* field numbers are 1..2^29-1 */
			return -EBADMSG;
		switch (key & 7) {
		case 0: /* varint */
			if (read_varint(msg, size, &pos, &v) < 0)
				return -EBADMSG;
			if (field == 1)
				status = (int32_t)(uint32_t)
				        v; /* an enum is an int32; last one wins */
			break;
		case 1: /* fixed64 */
			if (size - pos < 8)
				return -EBADMSG;
			pos += 8;
			break;
		case 2: /* length-delimited: skipped (a mismatched wire type is an unknown field) */
			if (read_varint(msg, size, &pos, &v) < 0 || v > size - pos)
				return -EBADMSG;
			pos += (size_t)v;
			break;
		case 5: /* fixed32 */
			if (size - pos < 4)
				return -EBADMSG;
			pos += 4;
			break;
		default: /* groups (3, 4) and 6, 7 */
			return -EBADMSG;
		}
	}
	*ret_status = status;
	return 0;
}

int probe_grpc_health_decode_response(const uint8_t *body, size_t size, int32_t *ret_status) {
	uint32_t len;

	if (size == 0)
		return -ENODATA;
	if (size < 5)
		return -EBADMSG;
	if (body[0] > 1)
		return -EBADMSG;
	len = (uint32_t)body[1] << 24 | (uint32_t)body[2] << 16 | (uint32_t)body[3] << 8 | body[4];
	if (len > size - 5)
		return -EBADMSG;
	if (body[0] == 1)
		return -EPROTO; /* we never asked for a compressed answer */
	if (size - 5 > len)
		return -EOVERFLOW;
	return probe_grpc_health_parse_message(body + 5, len, ret_status);
}

void probe_grpc_serving_status_name(ProbeBuf *b, int32_t status) {
	static const char *const names[] = { "UNKNOWN", "SERVING", "NOT_SERVING",
		                             "SERVICE_UNKNOWN" };
	if (status >= 0 && (size_t)status < ELEMENTSOF(names))
		probe_buf_puts(b, names[status]);
	else
		probe_buf_printf(b, "%" PRId32, status);
}

void probe_grpc_code_name(ProbeBuf *b, int code) {
	static const char *const names[] = {
		"OK",
		"Canceled",
		"Unknown",
		"InvalidArgument",
		"DeadlineExceeded",
		"NotFound",
		"AlreadyExists",
		"PermissionDenied",
		"ResourceExhausted",
		"FailedPrecondition",
		"Aborted",
		"OutOfRange",
		"Unimplemented",
		"Internal",
		"Unavailable",
		"DataLoss",
		"Unauthenticated",
	};
	if (code >= 0 && (size_t)code < ELEMENTSOF(names))
		probe_buf_puts(b, names[code]);
	else
		probe_buf_printf(b, "Code(%d)", code);
}

int probe_grpc_code_from_http_status(int http_status) {
	switch (http_status) {
	case 400:
		return GRPC_CODE_INTERNAL;
	case 401:
		return 16; /* Unauthenticated */
	case 403:
		return 7; /* PermissionDenied */
	case 404:
		return GRPC_CODE_UNIMPLEMENTED;
	case 429:
	case 502:
	case 503:
	case 504:
		return GRPC_CODE_UNAVAILABLE;
	default:
		return GRPC_CODE_UNKNOWN;
	}
}

int probe_grpc_parse_status(const char *s, int *ret) {
	long v = 0;

	if (isempty(s) || strlen(s) > 9)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
	}
	*ret = (int)v;
	return 0;
}

static int hexval(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void probe_grpc_percent_decode(ProbeBuf *b, const char *s) {
	for (const char *p = s; p && *p; p++) {
		int hi, lo;
		if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
			char c = (char)(hi << 4 | lo);
			probe_buf_append(b, &c, 1);
			p += 2;
		} else
			probe_buf_append(b, p, 1);
	}
}

static const char *http_status_text(int code) {
	/* net/http StatusText for the codes a gRPC endpoint plausibly answers */
	switch (code) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 415:
		return "Unsupported Media Type";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "";
	}
}

/* A failed RPC, worded by grpc.go's switch on the status code. */
static ProbeOutcome rpc_failed(int code, const char *desc, uint64_t timeout_usec, ProbeBuf *msg) {
	switch (code) {
	case GRPC_CODE_UNIMPLEMENTED:
		probe_buf_printf(msg,
		                 "error: this server does not implement the grpc health protocol "
		                 "(grpc.health.v1.Health): %s",
		                 desc);
		break;
	case GRPC_CODE_DEADLINE_EXCEEDED:
		probe_buf_puts(msg, "timeout: health rpc did not complete within ");
		probe_go_duration(msg, timeout_usec);
		break;
	default:
		probe_buf_puts(msg, "error: health rpc probe failed: rpc error: code = ");
		probe_grpc_code_name(msg, code);
		probe_buf_printf(msg, " desc = %s", desc);
		break;
	}
	return PROBE_OUTCOME_FAILURE;
}

static bool content_type_is_grpc(const char *ct) {
	/* "application/grpc", "application/grpc+proto", "application/grpc;..." */
	if (!ct || strncasecmp(ct, "application/grpc", 16) != 0)
		return false;
	return ct[16] == 0 || ct[16] == '+' || ct[16] == ';';
}

static ProbeOutcome http_level_error(const GrpcReply *r, uint64_t timeout_usec, ProbeBuf *msg) {
	ProbeBuf desc;
	ProbeOutcome o;
	int code = r->http_status != 200 ? probe_grpc_code_from_http_status(r->http_status)
	                                 : GRPC_CODE_UNKNOWN;

	probe_buf_init(&desc, 1024);
	if (r->http_status != 200)
		probe_buf_printf(&desc, "unexpected HTTP status code received from server: %d (%s)",
		                 r->http_status, http_status_text(r->http_status));
	if (!content_type_is_grpc(r->content_type)) {
		if (desc.len > 0)
			probe_buf_puts(&desc, "; ");
		if (!r->content_type)
			probe_buf_puts(&desc, "malformed header: missing HTTP content-type");
		else {
			probe_buf_puts(&desc, "transport: received unexpected content-type ");
			probe_go_quote_str(&desc, r->content_type);
		}
	}
	o = rpc_failed(code, probe_buf_str(&desc), timeout_usec, msg);
	probe_buf_done(&desc);
	return o;
}

static ProbeOutcome decode_failed(int err, const GrpcReply *r, uint64_t timeout_usec,
                                  ProbeBuf *msg) {
	switch (err) {
	case -ENODATA:
		return rpc_failed(GRPC_CODE_INTERNAL,
		                  "cardinality violation: expected <{}> but got <EOF>",
		                  timeout_usec, msg);
	case -EPROTO:
		return rpc_failed(GRPC_CODE_INTERNAL,
		                  "grpc: compressed flag set with identity or empty encoding",
		                  timeout_usec, msg);
	case -EOVERFLOW:
		return rpc_failed(GRPC_CODE_INTERNAL,
		                  "cardinality violation: expected <EOF> for non server-streaming "
		                  "RPCs, but received another message",
		                  timeout_usec, msg);
	default:
		return rpc_failed(GRPC_CODE_INTERNAL,
		                  "grpc: failed to unmarshal the received message: proto: cannot "
		                  "parse invalid wire-format data",
		                  timeout_usec, msg);
	}
}

ProbeOutcome probe_grpc_health_outcome(const GrpcReply *r, uint64_t timeout_usec, ProbeBuf *msg) {
	int32_t status;
	int err;

	/* A status in the headers or trailers decides, whatever the HTTP layer said. */
	if (!r->has_grpc_status &&
	    (r->http_status != 200 || !content_type_is_grpc(r->content_type)))
		return http_level_error(r, timeout_usec, msg);
	if (!r->has_grpc_status)
		return rpc_failed(GRPC_CODE_INTERNAL,
		                  "server closed the stream without sending trailers", timeout_usec,
		                  msg);
	if (r->grpc_status != GRPC_CODE_OK) {
		ProbeBuf desc;
		ProbeOutcome o;
		probe_buf_init(&desc, 1024);
		probe_grpc_percent_decode(&desc, r->grpc_message);
		o = rpc_failed(r->grpc_status, probe_buf_str(&desc), timeout_usec, msg);
		probe_buf_done(&desc);
		return o;
	}
	if (r->body_overflow) {
		probe_buf_printf(msg,
		                 "error: health rpc probe failed: rpc error: code = "
		                 "ResourceExhausted desc = grpc: received message larger than max "
		                 "(%zu)",
		                 r->body_size);
		return PROBE_OUTCOME_FAILURE;
	}
	err = probe_grpc_health_decode_response(r->body, r->body_size, &status);
	if (err < 0)
		return decode_failed(err, r, timeout_usec, msg);
	if (status != GRPC_SERVING_SERVING) {
		ProbeBuf name;
		probe_buf_init(&name, 64);
		probe_grpc_serving_status_name(&name, status);
		probe_buf_puts(msg, "service unhealthy (responded with ");
		probe_go_quote_str(msg, probe_buf_str(&name));
		probe_buf_puts(msg, ")");
		probe_buf_done(&name);
		return PROBE_OUTCOME_FAILURE;
	}
	probe_buf_puts(msg, "service healthy");
	return PROBE_OUTCOME_SUCCESS;
}
