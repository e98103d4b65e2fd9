/* SPDX-License-Identifier: Apache-2.0 */
/* What a handler sees of a request, and the replies it can give. */
#include <ctype.h>
#include <stdio.h>

#include "http-internal.h"
#include "http-status.h"
#include "json-util.h"

int http_request_new(HttpListener *l, struct MHD_Connection *c, const char *url, const char *method,
                     HttpRequest **ret) {
	HttpRequest *req = calloc(1, sizeof(*req));
	if (!req)
		return -ENOMEM;
	*req = (HttpRequest){ .listener = l, .connection = c };
	req->path = strdup(url);
	req->method = strdup(method);
	if (!req->path || !req->method) {
		http_request_free(req);
		return -ENOMEM;
	}
	req->max_body = l->server->config.max_body_bytes;
	*ret = req;
	return 0;
}

void http_request_free(HttpRequest *req) {
	if (!req)
		return;
	for (size_t i = 0; i < req->n_headers; i++) {
		free(req->headers[i][0]);
		free(req->headers[i][1]);
	}
	http_route_match_done(&req->match);
	free(req->body);
	free(req->method);
	free(req->path);
	free(req);
}

const char *http_request_method(const HttpRequest *req) {
	return req->method;
}

const char *http_request_path(const HttpRequest *req) {
	return req->path;
}

const char *http_request_param(const HttpRequest *req, const char *name) {
	return http_route_match_param(&req->match, name);
}

const char *http_request_rest(const HttpRequest *req) {
	return req->match.rest;
}

const char *http_request_query(const HttpRequest *req, const char *key) {
	const char *v = NULL;

	if (!key)
		return NULL;
	if (MHD_lookup_connection_value_n(req->connection, MHD_GET_ARGUMENT_KIND, key, strlen(key),
	                                  &v, NULL) != MHD_YES)
		return NULL;
	return v ?: ""; /* "?follow" has a key and no value */
}

int http_request_query_bool(const HttpRequest *req, const char *key, bool def) {
	const char *v = http_request_query(req, key);

	if (!v)
		return def;
	if (streq(v, "") || streq(v, "true") || streq(v, "1"))
		return 1;
	if (streq(v, "false") || streq(v, "0"))
		return 0;
	return -EINVAL;
}

int http_request_query_u64(const HttpRequest *req, const char *key, uint64_t def, uint64_t max,
                           uint64_t *ret) {
	const char *v = http_request_query(req, key);
	char *end;

	if (!v) {
		*ret = def;
		return 0;
	}
	if (!isdigit((unsigned char)v[0]))
		return -EINVAL;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || n > max)
		return -ERANGE;
	*ret = n;
	return 0;
}

const char *http_request_header(const HttpRequest *req, const char *name) {
	return name ? MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name) : NULL;
}

const char *http_request_body(const HttpRequest *req, size_t *ret_size) {
	if (ret_size)
		*ret_size = req->body_size;
	return req->body ?: "";
}

int http_request_body_json(const HttpRequest *req, json_object **ret) {
	if (req->body_size == 0)
		return -ENODATA;
	int r = json_parse_bounded(req->body, req->body_size, SIZE_MAX, NULL, ret, NULL);
	return r == -EINVAL ? -EBADMSG : r == -E2BIG ? -EFBIG : r;
}

bool http_request_is_tcp(const HttpRequest *req) {
	return req->listener->tcp;
}

sd_event *http_request_event(const HttpRequest *req) {
	return req->listener->server->event;
}

/* --- replies */

int http_reply_header(HttpRequest *req, const char *name, const char *value) {
	if (!req || isempty(name) || !value || strpbrk(name, ":\r\n") || strpbrk(value, "\r\n"))
		return -EINVAL;
	if (req->replied)
		return -EALREADY;
	if (req->n_headers >= HTTP_MAX_REPLY_HEADERS)
		return -E2BIG;
	char *n = strdup(name), *v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return -ENOMEM;
	}
	req->headers[req->n_headers][0] = n;
	req->headers[req->n_headers][1] = v;
	req->n_headers++;
	return 0;
}

/* Queue resp (always consumed) as the reply. */
int http_request_queue(HttpRequest *req, unsigned status, const char *content_type,
                       struct MHD_Response *resp) {
	int r = 0;

	if (req->replied)
		r = -EALREADY;
	if (r == 0 && content_type &&
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type) != MHD_YES)
		r = -EINVAL;
	for (size_t i = 0; r == 0 && i < req->n_headers; i++)
		if (MHD_add_response_header(resp, req->headers[i][0], req->headers[i][1]) !=
		    MHD_YES)
			r = -EINVAL;
	if (r == 0 && MHD_queue_response(req->connection, status, resp) != MHD_YES)
		r = -EIO;
	MHD_destroy_response(resp);
	if (r == 0)
		req->replied = true;
	return r;
}

int http_reply_take(HttpRequest *req, unsigned status, const char *content_type, char *body,
                    size_t size) {
	if (!req || (size > 0 && !body)) {
		free(body);
		return -EINVAL;
	}
	if (req->replied) {
		free(body);
		return -EALREADY;
	}
	struct MHD_Response *resp =
	        MHD_create_response_from_buffer(size, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return -ENOMEM;
	}
	return http_request_queue(req, status, content_type, resp);
}

int http_reply(HttpRequest *req, unsigned status, const char *content_type, const void *body,
               size_t size) {
	char *copy = malloc(size + 1);
	if (!copy)
		return -ENOMEM;
	if (size > 0)
		memcpy(copy, body, size);
	copy[size] = '\0';
	return http_reply_take(req, status, content_type, copy, size);
}

int http_reply_json(HttpRequest *req, unsigned status, json_object *obj) {
	size_t len;
	const char *s = json_object_to_json_string_length(
	        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (!s)
		return -ENOMEM;
	return http_reply(req, status, "application/json", s, len);
}

static int reply_status_object(HttpRequest *req, unsigned code, const char *reason,
                               const char *message, const char *kind, const char *name) {
	char *json = http_status_json(code, reason, message, kind, name);
	if (!json)
		return -ENOMEM;
	return http_reply_take(req, code, "application/json", json, strlen(json));
}

int http_reply_status(HttpRequest *req, unsigned code, const char *reason, const char *fmt, ...) {
	_cleanup_free_ char *message = NULL;
	va_list ap;

	va_start(ap, fmt);
	int n = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	return reply_status_object(req, code, reason, message, NULL, NULL);
}

int http_reply_not_found(HttpRequest *req, const char *kind, const char *name) {
	_cleanup_free_ char *message = NULL;

	if (asprintf(&message, "%s \"%s\" not found", strempty(kind), strempty(name)) < 0)
		return -ENOMEM;
	return reply_status_object(req, 404, "NotFound", message, kind, name);
}
