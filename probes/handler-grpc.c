/* SPDX-License-Identifier: Apache-2.0 */
/*
 * grpc (KUBELET-BEHAVIOUR.md §2.4; pkg/probe/grpc/grpc.go): grpc.health.v1.Health/Check over
 * plaintext HTTP/2 with prior knowledge (libcurl + nghttp2), to the pod IP. Only SERVING is a
 * Success; every error, Unimplemented and deadline included, is a Failure with the kubelet's text.
 *
 * One difference in timing, none in result: the kubelet dials WithBlock, so a refused connection
 * is retried until the deadline and then reported as `timeout: failed to connect service
 * "10.0.0.5:9090" within 1s: context deadline exceeded`; skiff reports that same message as soon
 * as the connection fails, and frees the slot.
 */
#include <ctype.h>
#include <strings.h>
#include <time.h>

#include "curl-common.h"
#include "go-format.h"
#include "grpc-health.h"

typedef struct GrpcProbe {
	ProbeRun *run;
	CurlLoop *loop;
	CurlTransfer xfer;
	struct curl_slist *headers;
	uint8_t *request;
	size_t request_size;
	ProbeBuf body;
	bool body_overflow;
	bool got_headers;
	char *content_type;
	char *grpc_status;
	char *grpc_message;
	char *addr; /* "host:port", as net.JoinHostPort */
	char errbuf[CURL_ERROR_SIZE];
} GrpcProbe;

static void grpc_probe_free(GrpcProbe *g) {
	if (!g)
		return;
	if (g->loop)
		probe_curl_loop_remove(g->loop, &g->xfer);
	if (g->xfer.easy)
		sym_curl_easy_cleanup(g->xfer.easy);
	sym_curl_slist_free_all(g->headers);
	free(g->request);
	probe_buf_done(&g->body);
	free(g->content_type);
	free(g->grpc_status);
	free(g->grpc_message);
	free(g->addr);
	free(g);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
	GrpcProbe *g = userdata;
	size_t n = size * nmemb;

	if (n > GRPC_RESPONSE_MAX - g->body.len) {
		g->body_overflow = true;
		return 0;
	}
	probe_buf_append(&g->body, data, n);
	return n;
}

/* Keep the value of header `name` (trailers come through here too, after the body). */
static void take_header(const char *data, size_t n, const char *name, char **slot) {
	size_t k = strlen(name), a, b = n;

	if (n <= k || strncasecmp(data, name, k) != 0 || data[k] != ':')
		return;
	a = k + 1;
	while (a < b && isspace((unsigned char)data[a]))
		a++;
	while (b > a && isspace((unsigned char)data[b - 1]))
		b--;
	free(*slot);
	*slot = strndup(data + a, MIN(b - a, (size_t)PROBE_OUTPUT_MAX));
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata) {
	GrpcProbe *g = userdata;
	size_t n = size * nmemb;

	if (n >= 5 && strneq(data, "HTTP/", 5))
		g->got_headers = true;
	take_header(data, n, "content-type", &g->content_type);
	take_header(data, n, "grpc-status", &g->grpc_status);
	take_header(data, n, "grpc-message", &g->grpc_message);
	return n;
}

static void grpc_connect_failed(GrpcProbe *g, ProbeBuf *b) {
	probe_buf_puts(b, "timeout: failed to connect service ");
	probe_go_quote_str(b, g->addr);
	probe_buf_puts(b, " within ");
	probe_go_duration(b, g->run->timeout_usec);
	probe_buf_puts(b, ": context deadline exceeded");
}

static void grpc_transport_error(GrpcProbe *g, CURLcode code, ProbeBuf *b) {
	curl_off_t connect_time = 0;

	sym_curl_easy_getinfo(g->xfer.easy, CURLINFO_CONNECT_TIME_T, &connect_time);
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		/* Connected: the dial completed and the call is what ran out of time. */
		if (connect_time > 0) {
			probe_buf_puts(b, "timeout: health rpc did not complete within ");
			probe_go_duration(b, g->run->timeout_usec);
		} else
			grpc_connect_failed(g, b);
		return;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		grpc_connect_failed(g, b);
		return;
	case CURLE_HTTP2:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		/* not an HTTP/2 server (no preface): never READY, the dial times out */
		if (!g->got_headers) {
			grpc_connect_failed(g, b);
			return;
		}
		break;
	default:
		break;
	}
	probe_buf_puts(b, "error: health rpc probe failed: rpc error: code = Unavailable desc = ");
	probe_buf_puts(b, g->errbuf[0] ? g->errbuf : sym_curl_easy_strerror(code));
}

static void grpc_done(CurlTransfer *t, CURLcode code) {
	GrpcProbe *g = (GrpcProbe *)((char *)t - offsetof(GrpcProbe, xfer));
	ProbeBuf msg;
	ProbeOutcome o = PROBE_OUTCOME_FAILURE;

	probe_buf_init(&msg, PROBE_OUTPUT_MAX);
	if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && g->body_overflow)) {
		long http_status = 0;
		int st = 0;
		sym_curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &http_status);
		GrpcReply r = {
			.http_status = (int)http_status,
			.content_type = g->content_type,
			.has_grpc_status = probe_grpc_parse_status(g->grpc_status, &st) >= 0,
			.grpc_message = g->grpc_message,
			.body = (const uint8_t *)probe_buf_str(&g->body),
			.body_size = g->body.len,
			.body_overflow = g->body_overflow,
		};
		r.grpc_status = st;
		o = probe_grpc_health_outcome(&r, g->run->timeout_usec, &msg);
	} else
		grpc_transport_error(g, code, &msg);
	probe_run_finish(g->run, o, probe_buf_str(&msg));
	probe_buf_done(&msg);
}

static int grpc_set_headers(GrpcProbe *g, long timeout_ms) {
	char line[64];
	const char *fixed[] = {
		"Content-Type: application/grpc",
		"TE: trailers",
		"User-Agent: " PROBE_USER_AGENT, /* grpc.WithUserAgent("kube-probe/x.y") */
		"Accept:",                       /* none of curl's own */
		"Expect:",
	};
	struct curl_slist *l = NULL, *n;

	for (size_t i = 0; i < ELEMENTSOF(fixed); i++) {
		if (!(n = sym_curl_slist_append(l, fixed[i])))
			goto oom;
		l = n;
	}
	/* The deadline travels with the call, as grpc-go sends it. */
	if (timeout_ms > 0) {
		snprintf(line, sizeof(line), "grpc-timeout: %ldm", timeout_ms);
		if (!(n = sym_curl_slist_append(l, line)))
			goto oom;
		l = n;
	}
	g->headers = l;
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_HTTPHEADER, g->headers);
	return 0;
oom:
	sym_curl_slist_free_all(l);
	return -ENOMEM;
}

static int grpc_start(ProbeRun *run) {
	_cleanup_free_ char *url = NULL;
	GrpcProbe *g;
	ProbeBuf b;
	long ms = probe_timeout_ms(run->timeout_usec);
	int r;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	run->handler_data = g;
	g->run = run;
	g->xfer.done = grpc_done;
	probe_buf_init(&g->body, GRPC_RESPONSE_MAX);

	probe_buf_init(&b, PROBE_HOST_MAX + 16);
	probe_go_join_host_port(&b, run->host, run->spec->port);
	g->addr = probe_buf_steal(&b);
	if (!g->addr || asprintf(&url, "http://%s" GRPC_HEALTH_CHECK_PATH, g->addr) < 0)
		return -ENOMEM;
	r = probe_grpc_health_encode_request(run->spec->grpc_service, &g->request,
	                                     &g->request_size);
	if (r < 0)
		return r;
	r = probe_manager_get_curl(run, &g->loop);
	if (r < 0)
		return r;
	r = probe_curl_easy_new(run, g->errbuf, &g->xfer.easy);
	if (r < 0)
		return r;
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_URL, url);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_HTTP_VERSION,
	                     (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_POST, 1L);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_POSTFIELDS, g->request);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_POSTFIELDSIZE, (long)g->request_size);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_WRITEFUNCTION, on_body);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_WRITEDATA, g);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_HEADERFUNCTION, on_header);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_HEADERDATA, g);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_TIMEOUT_MS, ms);
	sym_curl_easy_setopt(g->xfer.easy, CURLOPT_CONNECTTIMEOUT_MS, ms);
	r = grpc_set_headers(g, ms);
	if (r < 0)
		return r;
	return probe_curl_loop_add(g->loop, &g->xfer);
}

static void grpc_stop(ProbeRun *run) {
	grpc_probe_free(run->handler_data);
	run->handler_data = NULL;
}

const ProbeHandlerOps probe_handler_grpc = {
	.kind = PROBE_KIND_GRPC,
	.start = grpc_start,
	.stop = grpc_stop,
};
