/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <stdbool.h>

#include "http-router.h"

typedef enum SegmentKind {
	SEGMENT_LITERAL,
	SEGMENT_PARAM,
	SEGMENT_REST,
} SegmentKind;

typedef struct Segment {
	SegmentKind kind;
	char *text; /* the literal, or the parameter's name */
} Segment;

typedef struct HttpRoute {
	char *method;
	char *pattern;
	Segment *segments;
	size_t n_segments;
	void *data;
} HttpRoute;

struct HttpRouter {
	HttpRoute *routes;
	size_t n_routes;
};

/* A path split at '/', in place; offsets point back into the original for "*". */
typedef struct SplitPath {
	char *buf;
	size_t n;
	const char *segment[HTTP_ROUTE_MAX_SEGMENTS];
	size_t offset[HTTP_ROUTE_MAX_SEGMENTS];
} SplitPath;

static void route_done(HttpRoute *route) {
	for (size_t i = 0; i < route->n_segments; i++)
		free(route->segments[i].text);
	free(route->segments);
	free(route->method);
	free(route->pattern);
}

HttpRouter *http_router_free(HttpRouter *r) {
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n_routes; i++)
		route_done(&r->routes[i]);
	free(r->routes);
	free(r);
	return NULL;
}

int http_router_new(HttpRouter **ret) {
	HttpRouter *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*ret = r;
	return 0;
}

static int split_path(const char *path, SplitPath *ret) {
	if (!path || path[0] != '/')
		return -EINVAL;
	*ret = (SplitPath){ .buf = strdup(path + 1) };
	if (!ret->buf)
		return -ENOMEM;
	if (ret->buf[0] == '\0')
		return 0; /* "/" has no segments */
	char *p = ret->buf;
	for (;;) {
		if (ret->n >= HTTP_ROUTE_MAX_SEGMENTS) {
			free(ret->buf);
			ret->buf = NULL;
			return -E2BIG;
		}
		ret->segment[ret->n] = p;
		ret->offset[ret->n] = (size_t)(p - ret->buf) + 1;
		ret->n++;
		char *slash = strchr(p, '/');
		if (!slash)
			break;
		*slash = '\0';
		p = slash + 1;
	}
	return 0;
}

static bool param_name_valid(const char *s, size_t n) {
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static int parse_segment(const char *s, bool last, Segment *ret) {
	size_t n = strlen(s);
	if (streq(s, "*")) {
		if (!last)
			return -EINVAL;
		*ret = (Segment){ .kind = SEGMENT_REST };
		return 0;
	}
	if (n >= 2 && s[0] == '{' && s[n - 1] == '}') {
		if (!param_name_valid(s + 1, n - 2))
			return -EINVAL;
		*ret = (Segment){ .kind = SEGMENT_PARAM, .text = strndup(s + 1, n - 2) };
		return ret->text ? 0 : -ENOMEM;
	}
	if (n == 0 || strpbrk(s, "{}*?#"))
		return -EINVAL;
	*ret = (Segment){ .kind = SEGMENT_LITERAL, .text = strdup(s) };
	return ret->text ? 0 : -ENOMEM;
}

static int compile_pattern(const char *pattern, HttpRoute *route) {
	SplitPath sp;
	int r = split_path(pattern, &sp);
	if (r < 0)
		return r == -E2BIG ? -EINVAL : r;
	_cleanup_free_ _unused_ char *buf = sp.buf;
	route->segments = calloc(MAX(sp.n, 1u), sizeof(Segment));
	if (!route->segments)
		return -ENOMEM;
	size_t n_params = 0;
	for (size_t i = 0; i < sp.n; i++) {
		Segment *seg = &route->segments[i];
		r = parse_segment(sp.segment[i], i + 1 == sp.n, seg);
		if (r < 0)
			return r;
		route->n_segments++;
		if (seg->kind != SEGMENT_PARAM)
			continue;
		if (++n_params > HTTP_ROUTE_MAX_PARAMS)
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (route->segments[j].kind == SEGMENT_PARAM &&
			    streq(route->segments[j].text, seg->text))
				return -EINVAL; /* a name twice */
	}
	return 0;
}

static bool method_valid(const char *m) {
	if (streq(m, "*"))
		return true;
	if (isempty(m) || strlen(m) > 16)
		return false;
	for (const char *p = m; *p; p++)
		if (!isupper((unsigned char)*p))
			return false;
	return true;
}

int http_router_add(HttpRouter *r, const char *method, const char *pattern, void *data) {
	if (!r || !method || !pattern || !method_valid(method))
		return -EINVAL;
	if (r->n_routes >= HTTP_ROUTER_MAX_ROUTES)
		return -E2BIG;
	for (size_t i = 0; i < r->n_routes; i++)
		if (streq(r->routes[i].method, method) && streq(r->routes[i].pattern, pattern))
			return -EEXIST;

	HttpRoute route = { .data = data };
	route.method = strdup(method);
	route.pattern = strdup(pattern);
	int k = route.method && route.pattern ? compile_pattern(pattern, &route) : -ENOMEM;
	if (k < 0) {
		route_done(&route);
		return k;
	}
	HttpRoute *n = reallocarray(r->routes, r->n_routes + 1, sizeof(HttpRoute));
	if (!n) {
		route_done(&route);
		return -ENOMEM;
	}
	r->routes = n;
	r->routes[r->n_routes++] = route;
	return 0;
}

/* Does the route's pattern match the split path? Fills params and the rest offset. */
static bool route_match_path(const HttpRoute *route, const SplitPath *sp, HttpRouteMatch *m,
                             size_t *ret_rest_offset) {
	size_t n_params = 0;
	*ret_rest_offset = SIZE_MAX;
	for (size_t i = 0; i < route->n_segments; i++) {
		const Segment *seg = &route->segments[i];
		if (seg->kind == SEGMENT_REST) {
			/* "/a/" + "*" takes "/a/" and "/a/x/y", not "/a" */
			if (i >= sp->n)
				return false;
			*ret_rest_offset = sp->offset[i];
			break;
		}
		if (i >= sp->n)
			return false;
		if (seg->kind == SEGMENT_LITERAL) {
			if (!streq(seg->text, sp->segment[i]))
				return false;
			continue;
		}
		if (isempty(sp->segment[i]))
			return false;
		if (m)
			m->params[n_params] =
			        (HttpParam){ .name = seg->text, .value = sp->segment[i] };
		n_params++;
	}
	if (*ret_rest_offset == SIZE_MAX && route->n_segments != sp->n)
		return false;
	if (m)
		m->n_params = n_params;
	return true;
}

static bool method_matches(const char *route_method, const char *method) {
	return streq(route_method, "*") || streq(route_method, method) ||
	       (streq(method, "HEAD") && streq(route_method, "GET"));
}

int http_router_match(const HttpRouter *r, const char *method, const char *path,
                      HttpRouteMatch *ret) {
	SplitPath sp;
	bool path_known = false;

	if (!r || !method || !ret)
		return -EINVAL;
	*ret = (HttpRouteMatch){};
	int k = split_path(path, &sp);
	if (k == -E2BIG || k == -EINVAL)
		return -ENOENT;
	if (k < 0)
		return k;
	_cleanup_free_ char *buf = sp.buf;

	for (size_t i = 0; i < r->n_routes; i++) {
		const HttpRoute *route = &r->routes[i];
		size_t rest;
		if (!route_match_path(route, &sp, NULL, &rest))
			continue;
		path_known = true;
		if (!method_matches(route->method, method))
			continue;
		HttpRouteMatch m = { .data = route->data, .pattern = route->pattern };
		(void)route_match_path(route, &sp, &m, &rest);
		if (rest != SIZE_MAX) {
			m.rest_ = strdup(path + rest);
			if (!m.rest_)
				return -ENOMEM;
			m.rest = m.rest_;
		}
		m.buf_ = TAKE_PTR(buf);
		*ret = m;
		return 0;
	}
	return path_known ? -EOPNOTSUPP : -ENOENT;
}

void http_route_match_done(HttpRouteMatch *m) {
	if (!m)
		return;
	free(m->buf_);
	free(m->rest_);
	*m = (HttpRouteMatch){};
}

const char *http_route_match_param(const HttpRouteMatch *m, const char *name) {
	if (!m || !name)
		return NULL;
	for (size_t i = 0; i < m->n_params; i++)
		if (streq(m->params[i].name, name))
			return m->params[i].value;
	return NULL;
}

int http_router_allow(const HttpRouter *r, const char *path, char *buf, size_t size) {
	SplitPath sp;
	size_t len = 0;

	if (!r || !buf || size == 0)
		return -EINVAL;
	buf[0] = '\0';
	int k = split_path(path, &sp);
	if (k < 0)
		return k;
	_cleanup_free_ _unused_ char *b = sp.buf;
	for (size_t i = 0; i < r->n_routes; i++) {
		size_t rest;
		if (!route_match_path(&r->routes[i], &sp, NULL, &rest))
			continue;
		const char *m = r->routes[i].method;
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			if (streq(r->routes[j].method, m) &&
			    route_match_path(&r->routes[j], &sp, NULL, &rest))
				seen = true;
		if (seen)
			continue;
		int n = snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", m);
		if (n < 0 || (size_t)n >= size - len)
			return -ENOBUFS;
		len += (size_t)n;
	}
	return (int)len;
}
