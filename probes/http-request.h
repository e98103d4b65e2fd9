/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pure rules of the httpGet handler (KUBELET-BEHAVIOUR.md §2.4; pkg/probe/http/request.go,
 * http.go; net/http's client): the URL, the request headers, what a status code means, when a
 * redirect is followed, and the text of a transport error. No curl transfer, no clock: unit-tested
 * as they are.
 */
#pragma once

#include <stdbool.h>

#include "probes.h"
#include "strbuf.h"

/* formatURL: "<scheme>://<host:port><path>", a '/' put before a path without one (an empty path
 * stays empty, as url.URL.String does), the fragment dropped, bytes a URL may not carry
 * percent-encoded (control bytes, space, non-ASCII, "<>\^`{|}). */
int probe_http_format_url(ProbeScheme scheme, const char *host, unsigned port, const char *path,
                          char **ret);

/* textproto.CanonicalMIMEHeaderKey: "x-foo" -> "X-Foo" (unchanged if not a token). */
void probe_http_canonical_key(ProbeBuf *b, const char *name);

/* The first non-empty Host header value, which replaces the request's Host; NULL if none. */
const char *probe_http_host_override(const ProbeHeader *h, size_t n);

/* The request's header lines in curl's syntax ("Name: value", "Name;" for an empty value,
 * "Name:" to suppress one of curl's own), following newProbeRequest and net/http:
 *   - User-Agent: user_agent unless one is given; a given empty one sends none;
 *   - Accept: any media type unless given; a given empty one (first value) removes every Accept;
 *   - Host: the override, only if with_host (a redirect to an absolute Location drops it);
 *   - Connection: close (DisableKeepAlives) unless given;
 *   - Content-Length, Transfer-Encoding, Trailer are never sent (net/http excludes them).
 * *ret is a NULL-terminated vector for strv_free(). */
int probe_http_header_lines(const ProbeHeader *h, size_t n, const char *user_agent, bool with_host,
                            char ***ret);

/* 200..399 Success (3xx: Warning, "Probe terminated redirects"), else Failure; a lifecycle
 * hook succeeds on any response. */
ProbeOutcome probe_http_classify(int status, ProbePurpose purpose);

typedef enum HttpRedirect {
	HTTP_REDIRECT_NONE,       /* not a redirect: this response is the answer */
	HTTP_REDIRECT_FOLLOW,     /* follow Location */
	HTTP_REDIRECT_OTHER_HOST, /* probe: another host, this 3xx is the answer (a Warning) */
	HTTP_REDIRECT_TOO_MANY,   /* error "stopped after 10 redirects" */
} HttpRedirect;

/* net/http redirectBehavior + the probe's redirectChecker: 301/302/303/307/308 with a Location
 * are followed; a probe only to the same hostname (port aside) as the first request; the 11th
 * redirect is an error. followed = redirects already followed. */
HttpRedirect probe_http_redirect_decide(int status, bool has_location, const char *first_host,
                                        const char *target_host, unsigned followed,
                                        ProbePurpose purpose);

/* A transport error, before response headers arrived. */
typedef struct HttpErrorInfo {
	int curl_code;    /* CURLcode */
	int os_errno;     /* CURLINFO_OS_ERRNO */
	const char *url;  /* the request's URL */
	const char *host; /* dial target */
	unsigned port;
	const char *remote_ip; /* CURLINFO_PRIMARY_IP, "" if not connected */
	long remote_port;
	const char *local_ip; /* CURLINFO_LOCAL_IP */
	long local_port;
	const char *curl_message; /* CURLOPT_ERRORBUFFER, else curl_easy_strerror() */
} HttpErrorInfo;

/* `Get "<url>": <what net/http would say>`: "dial tcp 10.0.0.2:80: connect: connection
 * refused", "context deadline exceeded (Client.Timeout exceeded while awaiting headers)", "EOF",
 * "read tcp L->R: read: connection reset by peer", "dial tcp: lookup h: no such host", ... */
void probe_http_format_error(ProbeBuf *b, const HttpErrorInfo *e);
/* `Get "<url>": stopped after 10 redirects` */
void probe_http_format_too_many(ProbeBuf *b, const char *url);
/* "HTTP probe failed with statuscode: N" */
void probe_http_format_status_failure(ProbeBuf *b, int status);
