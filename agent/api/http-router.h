/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Method + path routing for the local API. A pattern is an absolute path whose segments are
 * literals, "{name}" parameters (one non-empty segment each) or, last, "*" (the rest of the
 * path, slashes included):
 *   "/healthz", "/pods/{namespace}/{name}/log", "/debug/" followed by "*"
 * Routes are tried in the order they were added; the first match wins. A path that some route
 * matches with another method gives -EOPNOTSUPP (405), none at all -ENOENT (404). HEAD is
 * answered by GET routes; a route with method "*" takes every method.
 * Pure (no I/O), so it is unit-tested on its own.
 */
#pragma once

#include <stddef.h>

#include "macro.h"

#define HTTP_ROUTER_MAX_ROUTES 256
#define HTTP_ROUTE_MAX_PARAMS 8
#define HTTP_ROUTE_MAX_SEGMENTS 32

typedef struct HttpRouter HttpRouter;

typedef struct HttpParam {
	const char *name;  /* owned by the router */
	const char *value; /* owned by the match */
} HttpParam;

typedef struct HttpRouteMatch {
	void *data; /* what http_router_add() was given */
	const char *pattern;
	size_t n_params;
	HttpParam params[HTTP_ROUTE_MAX_PARAMS];
	const char *rest; /* what "*" matched (may be ""), NULL without "*" */
	char *buf_;       /* private: the split path */
	char *rest_;      /* private */
} HttpRouteMatch;

int http_router_new(HttpRouter **ret);
HttpRouter *http_router_free(HttpRouter *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(HttpRouter *, http_router_free)

/* -EINVAL: bad method or pattern; -EEXIST: same method and pattern; -E2BIG: too many routes. */
int http_router_add(HttpRouter *r, const char *method, const char *pattern, void *data);

/* 0 and *ret filled (release with http_route_match_done()), -ENOENT, -EOPNOTSUPP. */
int http_router_match(const HttpRouter *r, const char *method, const char *path,
                      HttpRouteMatch *ret);
void http_route_match_done(HttpRouteMatch *m);
const char *http_route_match_param(const HttpRouteMatch *m, const char *name);

/* The methods some route serves path with, as an Allow header value ("GET, POST"). */
int http_router_allow(const HttpRouter *r, const char *path, char *buf, size_t size);
