/* SPDX-License-Identifier: Apache-2.0 */
#include <curl/curl.h>
#include <strings.h>

#include "go-format.h"
#include "http-request.h"
#include "strv.h"

static bool is_hex(char c) {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Bytes a URL may carry as they are (RFC 3986 path/query characters, valid %XX kept). */
static bool url_byte_ok(unsigned char c) {
	if (c <= 0x20 || c >= 0x7f)
		return false;
	return !strchr("\"<>\\^`{|}#", c);
}

static void append_escaped(ProbeBuf *b, const char *s, size_t n) {
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool pct = c == '%' && i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2]);
		if (c == '%' && !pct)
			probe_buf_puts(b, "%25");
		else if (url_byte_ok(c))
			probe_buf_append(b, &s[i], 1);
		else
			probe_buf_printf(b, "%%%02X", c);
	}
}

int probe_http_format_url(ProbeScheme scheme, const char *host, unsigned port, const char *path,
                          char **ret) {
	ProbeBuf b;
	size_t n;

	probe_buf_init(&b, PROBE_HOST_MAX + 3 * PROBE_PATH_MAX + 64);
	probe_buf_puts(&b, scheme == PROBE_SCHEME_HTTPS ? "https://" : "http://");
	probe_go_join_host_port(&b, host, port);
	path = strempty(path);
	n = strcspn(path, "#"); /* the fragment is not sent */
	if (n > 0 && path[0] != '/')
		probe_buf_puts(&b, "/");
	append_escaped(&b, path, n);
	if (b.oom || b.truncated) {
		probe_buf_done(&b);
		return b.oom ? -ENOMEM : -E2BIG;
	}
	*ret = probe_buf_steal(&b);
	return *ret ? 0 : -ENOMEM;
}

static bool is_token_char(char c) {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

void probe_http_canonical_key(ProbeBuf *b, const char *name) {
	bool upper = true;

	for (const char *p = name; *p; p++)
		if (!is_token_char(*p)) {
			probe_buf_puts(b, name);
			return;
		}
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (upper && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!upper && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		probe_buf_append(b, &c, 1);
		upper = c == '-';
	}
}

static const char *first_value(const ProbeHeader *h, size_t n, const char *name, bool *present) {
	*present = false;
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(h[i].name, name) == 0) {
			*present = true;
			return strempty(h[i].value);
		}
	return NULL;
}

const char *probe_http_host_override(const ProbeHeader *h, size_t n) {
	bool present;
	const char *v = first_value(h, n, "Host", &present);
	return isempty(v) ? NULL : v;
}

static int push_line(char ***v, size_t *n, ProbeBuf *b) {
	if (b->oom)
		return -ENOMEM;
	return strv_consume_n(v, n, probe_buf_steal(b));
}

static int push_header(char ***v, size_t *n, const char *name, const char *value) {
	ProbeBuf b;
	probe_buf_init(&b, PROBE_HEADER_BYTES_MAX + 8);
	probe_http_canonical_key(&b, name);
	if (isempty(value))
		probe_buf_puts(&b, ";"); /* curl: "Name;" sends "Name:" with no value */
	else
		probe_buf_printf(&b, ": %s", value);
	return push_line(v, n, &b);
}

static int push_raw(char ***v, size_t *n, const char *line) {
	ProbeBuf b;
	probe_buf_init(&b, PROBE_HEADER_BYTES_MAX + 8);
	probe_buf_puts(&b, line);
	return push_line(v, n, &b);
}

static bool excluded(const char *name) {
	/* net/http writes these itself (reqWriteExcludeHeader), or not at all */
	static const char *const names[] = { "Host",           "User-Agent",
		                             "Content-Length", "Transfer-Encoding",
		                             "Trailer",        "Accept" };
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

static int push_user_headers(const ProbeHeader *h, size_t n, char ***v, size_t *k) {
	bool accept_given;
	const char *accept = first_value(h, n, "Accept", &accept_given);
	int r;

	for (size_t i = 0; i < n; i++) {
		if (excluded(h[i].name))
			continue;
		r = push_header(v, k, h[i].name, h[i].value);
		if (r < 0)
			return r;
	}
	/* Accept: default any media type; an explicit empty one removes the header (request.go). */
	if (!accept_given)
		return push_raw(v, k, "Accept: */*");
	if (isempty(accept))
		return push_raw(v, k, "Accept:");
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(h[i].name, "Accept") == 0) {
			r = push_header(v, k, "Accept", h[i].value);
			if (r < 0)
				return r;
		}
	return 0;
}

int probe_http_header_lines(const ProbeHeader *h, size_t n, const char *user_agent, bool with_host,
                            char ***ret) {
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	size_t k = 0;
	bool ua_given, conn_given;
	const char *ua = first_value(h, n, "User-Agent", &ua_given);
	const char *host = probe_http_host_override(h, n);
	int r;

	if (!v)
		return -ENOMEM;
	(void)first_value(h, n, "Connection", &conn_given);

	if (with_host && host) {
		r = push_header(&v, &k, "Host", host);
		if (r < 0)
			return r;
	}
	/* User-Agent: ours unless given; a given empty one means none (net/http). */
	if (!ua_given)
		ua = user_agent;
	r = isempty(ua) ? push_raw(&v, &k, "User-Agent:") : push_header(&v, &k, "User-Agent", ua);
	if (r < 0)
		return r;
	r = push_user_headers(h, n, &v, &k);
	if (r < 0)
		return r;
	/* A fresh connection each time: DisableKeepAlives makes net/http say so. */
	if (!conn_given) {
		r = push_raw(&v, &k, "Connection: close");
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(v);
	return 0;
}

ProbeOutcome probe_http_classify(int status, ProbePurpose purpose) {
	if (purpose == PROBE_PURPOSE_LIFECYCLE)
		return PROBE_OUTCOME_SUCCESS;
	if (status >= 200 && status < 300)
		return PROBE_OUTCOME_SUCCESS;
	if (status >= 300 && status < 400)
		return PROBE_OUTCOME_WARNING;
	return PROBE_OUTCOME_FAILURE;
}

HttpRedirect probe_http_redirect_decide(int status, bool has_location, const char *first_host,
                                        const char *target_host, unsigned followed,
                                        ProbePurpose purpose) {
	switch (status) {
	case 301:
	case 302:
	case 303:
	case 307:
	case 308:
		break;
	default:
		return HTTP_REDIRECT_NONE;
	}
	/* 3xx without Location: the response is returned as it is. */
	if (!has_location)
		return HTTP_REDIRECT_NONE;
	/* redirectChecker: req.URL.Hostname() != via[0].URL.Hostname() -> ErrUseLastResponse */
	if (purpose == PROBE_PURPOSE_PROBE && !streq_ptr(first_host, target_host))
		return HTTP_REDIRECT_OTHER_HOST;
	if (followed >= PROBE_MAX_REDIRECTS)
		return HTTP_REDIRECT_TOO_MANY;
	return HTTP_REDIRECT_FOLLOW;
}

static void format_conn(ProbeBuf *b, const HttpErrorInfo *e, const char *op) {
	/* "read tcp 127.0.0.1:40000->127.0.0.1:8080: read: connection reset by peer" */
	probe_buf_printf(b, "%s tcp ", op);
	if (!isempty(e->local_ip)) {
		probe_go_join_host_port(b, e->local_ip, (unsigned)e->local_port);
		probe_buf_puts(b, "->");
	}
	if (!isempty(e->remote_ip))
		probe_go_join_host_port(b, e->remote_ip, (unsigned)e->remote_port);
	else
		probe_go_join_host_port(b, e->host, e->port);
	probe_buf_printf(b, ": %s: ", op);
	probe_go_errno(b, e->os_errno);
}

static void format_cause(ProbeBuf *b, const HttpErrorInfo *e) {
	const char *msg = strempty(e->curl_message);

	switch (e->curl_code) {
	case CURLE_COULDNT_CONNECT:
		probe_buf_puts(b, "dial tcp ");
		if (!isempty(e->remote_ip))
			probe_go_join_host_port(b, e->remote_ip, (unsigned)e->remote_port);
		else
			probe_go_join_host_port(b, e->host, e->port);
		probe_buf_puts(b, ": connect: ");
		probe_go_errno(b, e->os_errno ? e->os_errno : ECONNREFUSED);
		return;
	case CURLE_OPERATION_TIMEDOUT:
		probe_buf_puts(b,
		               "context deadline exceeded (Client.Timeout exceeded while awaiting "
		               "headers)");
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		probe_buf_printf(b, "dial tcp: lookup %s: no such host", strempty(e->host));
		return;
	case CURLE_GOT_NOTHING:
		probe_buf_puts(b, "EOF");
		return;
	case CURLE_RECV_ERROR:
		if (e->os_errno == 0) {
			probe_buf_puts(b, "EOF");
			return;
		}
		format_conn(b, e, "read");
		return;
	case CURLE_SEND_ERROR:
		format_conn(b, e, "write");
		return;
	case CURLE_SSL_CONNECT_ERROR:
		if (strstr(msg, "wrong version number")) {
			probe_buf_puts(b, "http: server gave HTTP response to HTTPS client");
			return;
		}
		break;
	case CURLE_UNSUPPORTED_PROTOCOL: {
		/* a redirect to ftp:// and the like */
		const char *u = strempty(e->url), *colon = strchr(u, ':');
		probe_buf_puts(b, "unsupported protocol scheme ");
		probe_go_quote(b, u, colon ? (size_t)(colon - u) : 0);
		return;
	}
	case CURLE_WEIRD_SERVER_REPLY:
		probe_buf_printf(b, "net/http: HTTP/1.x transport connection broken: %s", msg);
		return;
	default:
		break;
	}
	probe_buf_puts(b, msg);
}

void probe_http_format_error(ProbeBuf *b, const HttpErrorInfo *e) {
	probe_buf_puts(b, "Get ");
	probe_go_quote_str(b, e->url);
	probe_buf_puts(b, ": ");
	format_cause(b, e);
}

void probe_http_format_too_many(ProbeBuf *b, const char *url) {
	probe_buf_puts(b, "Get ");
	probe_go_quote_str(b, url);
	probe_buf_puts(b, ": stopped after 10 redirects");
}

void probe_http_format_status_failure(ProbeBuf *b, int status) {
	probe_buf_printf(b, "HTTP probe failed with statuscode: %d", status);
}
