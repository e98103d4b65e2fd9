/* SPDX-License-Identifier: Apache-2.0 */
/*
 * httpGet (KUBELET-BEHAVIOUR.md §2.4; pkg/probe/http/http.go DoHTTPProbe) on libcurl's multi
 * interface, and the httpGet lifecycle hook (pkg/kubelet/lifecycle/handlers.go runHTTPHandler).
 * Redirects are followed here, not by curl, because the probe follows only same-host ones and
 * Client.Timeout covers the whole chain.
 */
#include <ctype.h>
#include <strings.h>
#include <time.h>

#include "curl-common.h"
#include "go-format.h"
#include "http-request.h"

typedef struct HttpProbe {
	ProbeRun *run;
	CurlLoop *loop;
	CurlTransfer xfer;
	struct curl_slist *headers;
	char *url;
	char *first_host;
	unsigned followed;
	bool keep_host; /* the Host override still applies (no absolute redirect yet) */
	bool fallback;  /* lifecycle: an HTTPS hook answered in HTTP, retried as HTTP */
	uint64_t deadline;
	ProbeBuf body;
	bool body_capped;
	bool headers_done; /* the final response's headers are complete */
	char *location;    /* raw Location of the last response */
	char errbuf[CURL_ERROR_SIZE];
} HttpProbe;

static void http_probe_free(HttpProbe *h) {
	if (!h)
		return;
	if (h->loop)
		probe_curl_loop_remove(h->loop, &h->xfer);
	if (h->xfer.easy)
		sym_curl_easy_cleanup(h->xfer.easy);
	sym_curl_slist_free_all(h->headers);
	free(h->url);
	free(h->first_host);
	free(h->location);
	probe_buf_done(&h->body);
	free(h);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata) {
	HttpProbe *h = userdata;
	size_t n = size * nmemb, room = PROBE_OUTPUT_MAX - h->body.len;

	/* The kubelet reads at most 10 KiB of body and closes the connection. */
	if (n > room) {
		probe_buf_append(&h->body, data, room);
		h->body_capped = true;
		return 0;
	}
	probe_buf_append(&h->body, data, n);
	return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata) {
	HttpProbe *h = userdata;
	size_t n = size * nmemb;
	long code = 0;

	if (n >= 5 && strneq(data, "HTTP/", 5)) {
		h->location = mfree(h->location);
		h->headers_done = false;
	} else if (n <= 2 && (data[0] == '\r' || data[0] == '\n')) {
		sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_RESPONSE_CODE, &code);
		h->headers_done = code >= 200; /* 1xx: another header block follows */
	} else if (n > 9 && strncasecmp(data, "location:", 9) == 0 && !h->location) {
		size_t a = 9, b = n;
		while (a < b && isspace((unsigned char)data[a]))
			a++;
		while (b > a && isspace((unsigned char)data[b - 1]))
			b--;
		h->location = strndup(data + a, b - a);
	}
	return n;
}

static int http_set_headers(HttpProbe *h) {
	const ProbeSpec *s = h->run->spec;
	const char *ua = h->run->purpose == PROBE_PURPOSE_LIFECYCLE ? PROBE_LIFECYCLE_USER_AGENT
	                                                            : PROBE_USER_AGENT;
	_cleanup_strv_free_ char **lines = NULL;
	struct curl_slist *l = NULL;
	int r;

	r = probe_http_header_lines(s->headers, s->n_headers, ua, h->keep_host, &lines);
	if (r < 0)
		return r;
	r = probe_curl_slist(lines, &l);
	if (r < 0)
		return r;
	sym_curl_slist_free_all(h->headers);
	h->headers = l;
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_HTTPHEADER, h->headers);
	return 0;
}

/* (Re)issue the GET for h->url with the time left. */
static int http_send(HttpProbe *h) {
	long ms = 0; /* curl: 0 = no timeout */

	if (h->deadline != PROBE_TIMEOUT_NONE) {
		ms = probe_curl_timeout_ms(h->run, h->deadline);
		if (ms == 0)
			return -ETIMEDOUT;
	}
	probe_buf_reset(&h->body);
	h->body_capped = h->headers_done = false;
	h->location = mfree(h->location);
	h->errbuf[0] = 0;
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_URL, h->url);
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_TIMEOUT_MS, ms);
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_CONNECTTIMEOUT_MS, ms);
	return probe_curl_loop_add(h->loop, &h->xfer);
}

static void http_fail_timeout(HttpProbe *h) {
	HttpErrorInfo e = { .curl_code = CURLE_OPERATION_TIMEDOUT, .url = h->url };
	ProbeBuf b;

	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	probe_http_format_error(&b, &e);
	probe_run_finish(h->run, PROBE_OUTCOME_FAILURE, probe_buf_str(&b));
	probe_buf_done(&b);
}

static bool location_is_absolute(const char *loc) {
	/* url.URL.IsAbs: a scheme ("x:"), the first char a letter */
	if (!loc || !isalpha((unsigned char)loc[0]))
		return false;
	for (const char *p = loc; *p; p++) {
		if (*p == ':')
			return true;
		if (!isalnum((unsigned char)*p) && !strchr("+-.", *p))
			return false;
	}
	return false;
}

/* A 301/302/303/307/308: follow it, or say the response is the answer. Returns true if the run
 * went on (or ended). */
static bool http_redirect(HttpProbe *h, int status) {
	char *target = NULL;
	_cleanup_free_ char *host = NULL, *scheme = NULL;
	ProbeBuf b;

	sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_REDIRECT_URL, &target);
	if (target)
		host = probe_curl_url_host(target, &scheme);
	switch (probe_http_redirect_decide(status, h->location && host, h->first_host, host,
	                                   h->followed, h->run->purpose)) {
	case HTTP_REDIRECT_FOLLOW:
		break;
	case HTTP_REDIRECT_TOO_MANY:
		probe_buf_init(&b, PROBE_OUTPUT_MAX);
		probe_http_format_too_many(&b, target);
		probe_run_finish(h->run, PROBE_OUTCOME_FAILURE, probe_buf_str(&b));
		probe_buf_done(&b);
		return true;
	default:
		return false;
	}

	char *url = strdup(target);
	if (!url) {
		probe_run_finish(h->run, PROBE_OUTCOME_ERROR, "out of memory");
		return true;
	}
	free(h->url);
	h->url = url;
	h->followed++;
	/* net/http keeps a custom Host through a redirect only to a relative Location. */
	if (h->keep_host && location_is_absolute(h->location)) {
		h->keep_host = false;
		if (http_set_headers(h) < 0) {
			probe_run_finish(h->run, PROBE_OUTCOME_ERROR, "out of memory");
			return true;
		}
	}
	int r = http_send(h);
	if (r == -ETIMEDOUT)
		http_fail_timeout(h);
	else if (r < 0)
		probe_run_finish(h->run, PROBE_OUTCOME_ERROR, "could not follow the redirect");
	return true;
}

static void http_answer(HttpProbe *h) {
	long code = 0;
	ProbeBuf b;

	sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_RESPONSE_CODE, &code);
	if (http_redirect(h, (int)code))
		return;

	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	ProbeOutcome o = probe_http_classify((int)code, h->run->purpose);
	switch (o) {
	case PROBE_OUTCOME_SUCCESS:
		probe_buf_puts(&b, probe_buf_str(&h->body));
		break;
	case PROBE_OUTCOME_WARNING:
		/* A 3xx ended the request (another host, or not followable). */
		probe_buf_printf(&b, "Probe terminated redirects, Response body: %s",
		                 probe_buf_str(&h->body));
		break;
	default:
		probe_http_format_status_failure(&b, (int)code);
		break;
	}
	probe_run_finish_http(h->run, o, probe_buf_str(&b), (int)code, h->fallback);
	probe_buf_done(&b);
}

/* lifecycle: an https hook that got a plain HTTP answer is retried over http (handlers.go
 * isHTTPResponseError). */
static bool http_try_fallback(HttpProbe *h, CURLcode code) {
	if (h->run->purpose != PROBE_PURPOSE_LIFECYCLE || h->fallback ||
	    code != CURLE_SSL_CONNECT_ERROR || !strstr(h->errbuf, "wrong version number") ||
	    !startswith(h->url, "https://"))
		return false;
	char *url = NULL;
	if (asprintf(&url, "http://%s", h->url + strlen("https://")) < 0)
		return false;
	free(h->url);
	h->url = url;
	h->fallback = true;
	return http_send(h) >= 0;
}

static void http_transport_error(HttpProbe *h, CURLcode code) {
	char *rip = NULL, *lip = NULL;
	long rport = 0, lport = 0, os_errno = 0;
	ProbeBuf b;

	sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_PRIMARY_IP, &rip);
	sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_PRIMARY_PORT, &rport);
	sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_LOCAL_IP, &lip);
	sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_LOCAL_PORT, &lport);
	sym_curl_easy_getinfo(h->xfer.easy, CURLINFO_OS_ERRNO, &os_errno);

	HttpErrorInfo e = {
		.curl_code = code,
		.os_errno = (int)os_errno,
		.url = h->url,
		.host = h->run->host,
		.port = h->run->spec->port,
		.remote_ip = rip,
		.remote_port = rport,
		.local_ip = lip,
		.local_port = lport,
		.curl_message = h->errbuf[0] ? h->errbuf : sym_curl_easy_strerror(code),
	};
	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	if (h->headers_done) {
		/* The body could not be read: DoHTTPProbe returns an error, not a Failure. */
		probe_buf_puts(&b, "Get ");
		probe_go_quote_str(&b, h->url);
		if (code == CURLE_OPERATION_TIMEDOUT)
			probe_buf_puts(&b, ": context deadline exceeded (Client.Timeout or context "
			                   "cancellation while reading body)");
		else
			probe_buf_printf(&b, ": %s",
			                 h->errbuf[0] ? h->errbuf : sym_curl_easy_strerror(code));
		probe_run_finish(h->run, PROBE_OUTCOME_ERROR, probe_buf_str(&b));
	} else {
		probe_http_format_error(&b, &e);
		probe_run_finish(h->run, PROBE_OUTCOME_FAILURE, probe_buf_str(&b));
	}
	probe_buf_done(&b);
}

static void http_done(CurlTransfer *t, CURLcode code) {
	HttpProbe *h = (HttpProbe *)((char *)t - offsetof(HttpProbe, xfer));

	/* Our own cut at 10 KiB ends the transfer with a write error: the answer stands. */
	if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && h->body_capped && h->headers_done))
		http_answer(h);
	else if (!http_try_fallback(h, code))
		http_transport_error(h, code);
}

static int http_start(ProbeRun *run) {
	const ProbeSpec *s = run->spec;
	HttpProbe *h;
	uint64_t now;
	int r;

	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	run->handler_data = h;
	h->run = run;
	h->keep_host = true;
	h->xfer.done = http_done;
	probe_buf_init(&h->body, PROBE_OUTPUT_MAX);

	r = probe_manager_get_curl(run, &h->loop);
	if (r < 0)
		return r;
	r = sd_event_now(run->manager->event, CLOCK_MONOTONIC, &now);
	if (r < 0)
		return r;
	h->deadline = run->timeout_usec == PROBE_TIMEOUT_NONE ? PROBE_TIMEOUT_NONE
	                                                      : now + run->timeout_usec;
	r = probe_http_format_url(s->scheme, run->host, s->port, s->path, &h->url);
	if (r < 0)
		return r;
	h->first_host = probe_curl_url_host(h->url, NULL);
	if (!h->first_host)
		return -EINVAL;
	r = probe_curl_easy_new(run, h->errbuf, &h->xfer.easy);
	if (r < 0)
		return r;
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_HTTPGET, 1L);
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_WRITEFUNCTION, on_body);
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_WRITEDATA, h);
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_HEADERFUNCTION, on_header);
	sym_curl_easy_setopt(h->xfer.easy, CURLOPT_HEADERDATA, h);
	r = http_set_headers(h);
	if (r < 0)
		return r;
	return http_send(h);
}

static void http_stop(ProbeRun *run) {
	http_probe_free(run->handler_data);
	run->handler_data = NULL;
}

const ProbeHandlerOps probe_handler_http = {
	.kind = PROBE_KIND_HTTP_GET,
	.start = http_start,
	.stop = http_stop,
};
