/* SPDX-License-Identifier: Apache-2.0 */
/* httpGet rules (KUBELET-BEHAVIOUR.md §2.4): URL, header defaults, status, redirects, errors. */
#include <curl/curl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http-request.h"

static void check_url(ProbeScheme scheme, const char *host, unsigned port, const char *path,
                      const char *want) {
	char *url = NULL;
	assert_int_equal(probe_http_format_url(scheme, host, port, path, &url), 0);
	assert_string_equal(url, want);
	free(url);
}

static void test_url(void **state) {
	(void)state;
	check_url(PROBE_SCHEME_HTTP, "10.0.0.2", 8080, "/healthz", "http://10.0.0.2:8080/healthz");
	check_url(PROBE_SCHEME_HTTPS, "10.0.0.2", 443, "/healthz", "https://10.0.0.2:443/healthz");
	/* a path without '/' gets one; an empty one stays empty (url.URL.String) */
	check_url(PROBE_SCHEME_HTTP, "10.0.0.2", 80, "healthz", "http://10.0.0.2:80/healthz");
	check_url(PROBE_SCHEME_HTTP, "10.0.0.2", 80, "", "http://10.0.0.2:80");
	check_url(PROBE_SCHEME_HTTP, "10.0.0.2", 80, NULL, "http://10.0.0.2:80");
	/* the query is kept, the fragment dropped */
	check_url(PROBE_SCHEME_HTTP, "10.0.0.2", 80, "/h?verbose=1&x=y#frag",
	          "http://10.0.0.2:80/h?verbose=1&x=y");
	/* IPv6 in brackets (net.JoinHostPort) */
	check_url(PROBE_SCHEME_HTTP, "fd00::2", 80, "/", "http://[fd00::2]:80/");
	/* what a URL cannot carry is escaped; valid escapes and sub-delims are kept */
	check_url(PROBE_SCHEME_HTTP, "h", 1, "/a b\x01\xc3\xa9", "http://h:1/a%20b%01%C3%A9");
	check_url(PROBE_SCHEME_HTTP, "h", 1, "/a%20b/c!$&'()*+,;=:@",
	          "http://h:1/a%20b/c!$&'()*+,;=:@");
	check_url(PROBE_SCHEME_HTTP, "h", 1, "/100%", "http://h:1/100%25");
	check_url(PROBE_SCHEME_HTTP, "h", 1, "/%zz", "http://h:1/%25zz");
	check_url(PROBE_SCHEME_HTTP, "h", 1, "/\"<>", "http://h:1/%22%3C%3E");
}

static void check_lines(const ProbeHeader *h, size_t n, const char *ua, bool with_host,
                        const char *const *want) {
	char **lines = NULL;
	size_t i;
	assert_int_equal(probe_http_header_lines(h, n, ua, with_host, &lines), 0);
	for (i = 0; want[i]; i++) {
		assert_non_null(lines[i]);
		assert_string_equal(lines[i], want[i]);
	}
	assert_null(lines[i]);
	strv_free(lines);
}

static void test_header_defaults(void **state) {
	(void)state;
	/* no headers: User-Agent kube-probe/<v>, Accept any, Connection close */
	const char *const want0[] = { "User-Agent: kube-probe/1.31", "Accept: */*",
		                      "Connection: close", NULL };
	check_lines(NULL, 0, PROBE_USER_AGENT, true, want0);

	/* given User-Agent and Accept replace ours; names come out canonical */
	ProbeHeader h1[] = { { "user-agent", "mine/1" },
		             { "accept", "application/json" },
		             { "x-custom-header", "v" } };
	const char *const want1[] = { "User-Agent: mine/1", "X-Custom-Header: v",
		                      "Accept: application/json", "Connection: close", NULL };
	check_lines(h1, 3, PROBE_USER_AGENT, true, want1);

	/* an explicit empty Accept removes it (curl: "Accept:"); an empty UA sends none */
	ProbeHeader h2[] = { { "Accept", "" }, { "User-Agent", NULL } };
	const char *const want2[] = { "User-Agent:", "Accept:", "Connection: close", NULL };
	check_lines(h2, 2, PROBE_USER_AGENT, true, want2);

	/* Host overrides the request host, first non-empty value; dropped when !with_host */
	ProbeHeader h3[] = { { "Host", "example.com" }, { "X-Empty", "" } };
	const char *const want3[] = { "Host: example.com", "User-Agent: kube-probe/1.31",
		                      "X-Empty;",          "Accept: */*",
		                      "Connection: close", NULL };
	check_lines(h3, 2, PROBE_USER_AGENT, true, want3);
	const char *const want3b[] = { "User-Agent: kube-probe/1.31", "X-Empty;", "Accept: */*",
		                       "Connection: close", NULL };
	check_lines(h3, 2, PROBE_USER_AGENT, false, want3b);
	assert_string_equal(probe_http_host_override(h3, 2), "example.com");
	ProbeHeader h4[] = { { "host", "" } };
	assert_null(probe_http_host_override(h4, 1));
	const char *const want4[] = { "User-Agent: kube-probe/1.31", "Accept: */*",
		                      "Connection: close", NULL };
	check_lines(h4, 1, PROBE_USER_AGENT, true, want4);

	/* repeated headers are all sent; framing headers never; a given Connection kept */
	ProbeHeader h5[] = { { "X-A", "1" },
		             { "X-A", "2" },
		             { "Content-Length", "5" },
		             { "Transfer-Encoding", "chunked" },
		             { "Connection", "keep-alive" },
		             { "Accept", "text/plain" },
		             { "Accept", "text/html" } };
	const char *const want5[] = { "User-Agent: kube-lifecycle/1.31",
		                      "X-A: 1",
		                      "X-A: 2",
		                      "Connection: keep-alive",
		                      "Accept: text/plain",
		                      "Accept: text/html",
		                      NULL };
	check_lines(h5, 7, PROBE_LIFECYCLE_USER_AGENT, true, want5);
}

static void test_canonical_key(void **state) {
	ProbeBuf b;
	(void)state;
	const char *cases[][2] = { { "x-foo-bar", "X-Foo-Bar" },
		                   { "ACCEPT", "Accept" },
		                   { "content-md5", "Content-Md5" },
		                   { "a_b", "A_b" },
		                   { "bad key", "bad key" } };
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		probe_buf_init(&b, 100);
		probe_http_canonical_key(&b, cases[i][0]);
		assert_string_equal(probe_buf_str(&b), cases[i][1]);
		probe_buf_done(&b);
	}
}

static void test_classify(void **state) {
	(void)state;
	/* 200 <= code < 400 success, 3xx as a warning; else failure */
	assert_int_equal(probe_http_classify(200, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_SUCCESS);
	assert_int_equal(probe_http_classify(204, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_SUCCESS);
	assert_int_equal(probe_http_classify(299, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_SUCCESS);
	assert_int_equal(probe_http_classify(301, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_WARNING);
	assert_int_equal(probe_http_classify(399, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_WARNING);
	assert_int_equal(probe_http_classify(400, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_FAILURE);
	assert_int_equal(probe_http_classify(404, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_FAILURE);
	assert_int_equal(probe_http_classify(500, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_FAILURE);
	assert_int_equal(probe_http_classify(199, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_FAILURE);
	assert_int_equal(probe_http_classify(100, PROBE_PURPOSE_PROBE), PROBE_OUTCOME_FAILURE);
	/* a hook: any response will do */
	assert_int_equal(probe_http_classify(500, PROBE_PURPOSE_LIFECYCLE), PROBE_OUTCOME_SUCCESS);

	ProbeBuf b;
	probe_buf_init(&b, 100);
	probe_http_format_status_failure(&b, 503);
	assert_string_equal(probe_buf_str(&b), "HTTP probe failed with statuscode: 503");
	probe_buf_done(&b);
}

static void test_redirects(void **state) {
	(void)state;
	const ProbePurpose P = PROBE_PURPOSE_PROBE, L = PROBE_PURPOSE_LIFECYCLE;
	/* followed codes, same host */
	int follow[] = { 301, 302, 303, 307, 308 };
	for (size_t i = 0; i < ELEMENTSOF(follow); i++)
		assert_int_equal(
		        probe_http_redirect_decide(follow[i], true, "10.0.0.2", "10.0.0.2", 0, P),
		        HTTP_REDIRECT_FOLLOW);
	/* 300, 304, 305, 306: the response is the answer */
	int keep[] = { 300, 304, 305, 306, 200, 404 };
	for (size_t i = 0; i < ELEMENTSOF(keep); i++)
		assert_int_equal(probe_http_redirect_decide(keep[i], true, "h", "h", 0, P),
		                 HTTP_REDIRECT_NONE);
	/* no Location: answer */
	assert_int_equal(probe_http_redirect_decide(302, false, "h", NULL, 0, P),
	                 HTTP_REDIRECT_NONE);
	/* another host: not followed, the 3xx counts (a Warning) */
	assert_int_equal(probe_http_redirect_decide(302, true, "10.0.0.2", "example.com", 0, P),
	                 HTTP_REDIRECT_OTHER_HOST);
	/* the host check comes before the count */
	assert_int_equal(probe_http_redirect_decide(302, true, "10.0.0.2", "example.com", 10, P),
	                 HTTP_REDIRECT_OTHER_HOST);
	/* up to 10 followed; the 11th is an error */
	assert_int_equal(probe_http_redirect_decide(302, true, "h", "h", 9, P),
	                 HTTP_REDIRECT_FOLLOW);
	assert_int_equal(probe_http_redirect_decide(302, true, "h", "h", 10, P),
	                 HTTP_REDIRECT_TOO_MANY);
	/* hooks follow any host (net/http default policy) */
	assert_int_equal(probe_http_redirect_decide(302, true, "10.0.0.2", "example.com", 0, L),
	                 HTTP_REDIRECT_FOLLOW);
	assert_int_equal(probe_http_redirect_decide(302, true, "a", "b", 10, L),
	                 HTTP_REDIRECT_TOO_MANY);

	ProbeBuf b;
	probe_buf_init(&b, 200);
	probe_http_format_too_many(&b, "http://h:1/r11");
	assert_string_equal(probe_buf_str(&b),
	                    "Get \"http://h:1/r11\": stopped after 10 redirects");
	probe_buf_done(&b);
}

static void check_error(const HttpErrorInfo *e, const char *want) {
	ProbeBuf b;
	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	probe_http_format_error(&b, e);
	assert_string_equal(probe_buf_str(&b), want);
	probe_buf_done(&b);
}

static void test_errors(void **state) {
	(void)state;
	HttpErrorInfo e = {
		.curl_code = CURLE_COULDNT_CONNECT,
		.os_errno = ECONNREFUSED,
		.url = "http://198.18.0.2:8080/healthz",
		.host = "198.18.0.2",
		.port = 8080,
		.remote_ip = "198.18.0.2",
		.remote_port = 8080,
	};
	check_error(&e, "Get \"http://198.18.0.2:8080/healthz\": dial tcp 198.18.0.2:8080: "
	                "connect: connection refused");
	e.os_errno = EHOSTUNREACH;
	e.remote_ip = "";
	check_error(&e, "Get \"http://198.18.0.2:8080/healthz\": dial tcp 198.18.0.2:8080: "
	                "connect: no route to host");
	e.curl_code = CURLE_OPERATION_TIMEDOUT;
	check_error(&e, "Get \"http://198.18.0.2:8080/healthz\": context deadline exceeded "
	                "(Client.Timeout exceeded while awaiting headers)");
	e.curl_code = CURLE_GOT_NOTHING;
	check_error(&e, "Get \"http://198.18.0.2:8080/healthz\": EOF");
	e.curl_code = CURLE_RECV_ERROR;
	e.os_errno = ECONNRESET;
	e.remote_ip = "198.18.0.2";
	e.local_ip = "198.18.0.1";
	e.local_port = 40000;
	check_error(&e, "Get \"http://198.18.0.2:8080/healthz\": read tcp "
	                "198.18.0.1:40000->198.18.0.2:8080: read: connection reset by peer");
	e.curl_code = CURLE_COULDNT_RESOLVE_HOST;
	e.url = "http://nosuch.invalid:80/";
	e.host = "nosuch.invalid";
	check_error(&e, "Get \"http://nosuch.invalid:80/\": dial tcp: lookup nosuch.invalid: no "
	                "such host");
	e.curl_code = CURLE_SSL_CONNECT_ERROR;
	e.url = "https://h:1/";
	e.curl_message = "error:0A00010B:SSL routines::wrong version number";
	check_error(&e, "Get \"https://h:1/\": http: server gave HTTP response to HTTPS client");
	e.curl_code = CURLE_UNSUPPORTED_PROTOCOL;
	e.url = "ftp://h/x";
	check_error(&e, "Get \"ftp://h/x\": unsupported protocol scheme \"ftp\"");
	e.curl_code = CURLE_WEIRD_SERVER_REPLY;
	e.curl_message = "Unsupported HTTP version in response";
	e.url = "http://h:1/\"q\"";
	check_error(&e, "Get \"http://h:1/\\\"q\\\"\": net/http: HTTP/1.x transport connection "
	                "broken: Unsupported HTTP version in response");
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url),           cmocka_unit_test(test_header_defaults),
		cmocka_unit_test(test_canonical_key), cmocka_unit_test(test_classify),
		cmocka_unit_test(test_redirects),     cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
