/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's local HTTP/1.1 API: libmicrohttpd driven from the agent's sd-event loop (no
 * threads: MHD runs in external-polling epoll mode, its epoll fd is an sd-event io source and
 * MHD_get_timeout() arms an sd-event timer).
 *
 * Listeners:
 *   - a Unix socket (mode 0600 in a 0700 directory; only root or our own uid may talk to it),
 *     serving every route;
 *   - optionally TCP ("127.0.0.1:10255", "[::1]:0", ":10255"), serving only an allow-list of
 *     paths (default /healthz and /metrics), GET/HEAD only; anything else is 403.
 *
 * A handler answers with exactly one http_reply_*() call, from inside the handler. A streaming
 * reply (http_reply_stream()) hands back an HttpStream the caller keeps writing to later, from
 * any other event source on the loop (a log file being followed, an exec's stdout), until it
 * closes it; the server tells it through the closed() callback when the stream is over,
 * including when the client went away, so it can stop following or kill the exec.
 *
 * Bounds: connections per listener and per TCP client address, header bytes, request body
 * bytes (413 beyond), stream buffer bytes (writes past it fail with -ENOBUFS; drained() says
 * when to resume), idle/slow connection timeout (a stream waiting for data never times out).
 *
 * Library code: never logs. MHD's own diagnostics go to config->log when given.
 *
 * Use:
 *   r = http_server_new(event, &(HttpServerConfig){ .unix_path = "/run/skiff/skiff.sock",
 *                                                   .tcp_address = "127.0.0.1:10255" }, &s);
 *   r = http_server_add_route(s, &(HttpRouteSpec){ "GET", "/pods/{namespace}/{name}",
 *                                                   on_get_pod, manager });
 *   r = http_server_start(s);
 *   ...
 *   static int on_get_pod(HttpRequest *req, void *userdata) {
 *           Pod *p = find(userdata, http_request_param(req, "namespace"),
 *                         http_request_param(req, "name"));
 *           if (!p)
 *                   return http_reply_not_found(req, "pods", http_request_param(req, "name"));
 *           return http_reply_json(req, 200, p->status_json);
 *   }
 * A log follower: http_reply_stream(req, 200, "text/plain", &callbacks, follower, &stream),
 * then http_stream_write() from its inotify/io source; stop following in closed().
 * A client that half-closes its side while a stream waits for data counts as gone.
 */
#pragma once

#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"

typedef struct HttpServer HttpServer;
typedef struct HttpRequest HttpRequest;
typedef struct HttpStream HttpStream;

/* Defaults for HttpServerConfig fields left 0. */
#define HTTP_DEFAULT_MAX_CONNECTIONS 64u
#define HTTP_DEFAULT_TCP_MAX_PER_ADDRESS 16u
#define HTTP_DEFAULT_TIMEOUT_SEC 60u
#define HTTP_DEFAULT_MAX_HEADER_BYTES (32u * 1024u)
#define HTTP_DEFAULT_MAX_BODY_BYTES (1024u * 1024u)
#define HTTP_DEFAULT_MAX_STREAM_BUFFER (1024u * 1024u)
#define HTTP_MAX_REPLY_HEADERS 8

typedef struct HttpServerConfig {
	const char *unix_path;        /* required, e.g. "/run/skiff/skiff.sock" */
	const char *tcp_address;      /* optional numeric "host:port"; port 0 picks one */
	const char *const *tcp_allow; /* NULL-terminated exact paths; NULL: /healthz, /metrics */
	unsigned max_connections;     /* per listener */
	unsigned tcp_max_per_address; /* TCP connections from one client address */
	unsigned timeout_sec;         /* idle or stalled connection */
	size_t max_header_bytes;      /* request line + headers (MHD's per-connection pool) */
	size_t max_body_bytes;        /* default for routes that set none */
	size_t max_stream_buffer;     /* bytes a stream buffers before writes fail */
	/* MHD's own error messages (NULL: dropped). */
	void (*log)(void *userdata, const char *fmt, va_list ap);
	void *log_userdata;
} HttpServerConfig;

/* >= 0 once the handler has replied; -errno with no reply yet: the server answers 500. */
typedef int (*HttpHandler)(HttpRequest *req, void *userdata);

typedef struct HttpRouteSpec {
	const char *method;  /* "GET", "POST", ...; "*" for any */
	const char *pattern; /* "/pods/{namespace}/{name}/log" (see http-router.h) */
	HttpHandler handler;
	void *userdata;
	size_t max_body; /* 0: the server's max_body_bytes */
} HttpRouteSpec;

/* Create the server (not listening yet), add routes, then start it. */
int http_server_new(sd_event *event, const HttpServerConfig *config, HttpServer **ret);
int http_server_add_route(HttpServer *s, const HttpRouteSpec *spec);
/*
 * Bind the listeners and attach to the loop. The socket's directory is created 0700 when
 * missing; an existing one must be ours and not writable by others (-EPERM). A stale socket
 * left by a dead agent is replaced; a live one gives -EADDRINUSE, a non-socket -EEXIST.
 */
int http_server_start(HttpServer *s);
/*
 * Stop accepting, end every open stream (closed(HTTP_STREAM_SHUTDOWN) is called from here),
 * close all connections and remove the socket file. Free the server before the objects its
 * handlers' streams point to.
 */
HttpServer *http_server_free(HttpServer *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(HttpServer *, http_server_free)

/* The bound TCP port (useful with port 0), -ENOENT without a TCP listener. */
int http_server_tcp_port(const HttpServer *s);
/* Open connections (for tests and /metrics), over all listeners. */
unsigned http_server_connections(const HttpServer *s);

/* --- the request, valid inside the handler */
const char *http_request_method(const HttpRequest *req);
const char *http_request_path(const HttpRequest *req);
/* A path parameter of the route ("{name}"), NULL if the route has none of that name. */
const char *http_request_param(const HttpRequest *req, const char *name);
/* What the route's "*" matched, NULL without "*". */
const char *http_request_rest(const HttpRequest *req);
/* A query argument (decoded); "" for "?follow", NULL when absent. */
const char *http_request_query(const HttpRequest *req, const char *key);
/* "true"/"1"/"" -> 1, "false"/"0" -> 0, absent -> def, anything else -EINVAL. */
int http_request_query_bool(const HttpRequest *req, const char *key, bool def);
/* Decimal; absent -> def; -EINVAL when not a number, -ERANGE when above max. */
int http_request_query_u64(const HttpRequest *req, const char *key, uint64_t def, uint64_t max,
                           uint64_t *ret);
const char *http_request_header(const HttpRequest *req, const char *name);
/* The body, NUL-terminated (size excludes the NUL); "" when none. */
const char *http_request_body(const HttpRequest *req, size_t *ret_size);
/* The body as JSON: -ENODATA when empty, -EBADMSG when not JSON. */
int http_request_body_json(const HttpRequest *req, json_object **ret);
bool http_request_is_tcp(const HttpRequest *req);
sd_event *http_request_event(const HttpRequest *req);

/* --- replies: exactly one per request (-EALREADY after the first) */
/* An extra header on the reply to come (before http_reply_*). */
int http_reply_header(HttpRequest *req, const char *name, const char *value);
/* body is copied. */
int http_reply(HttpRequest *req, unsigned status, const char *content_type, const void *body,
               size_t size);
/* body (malloc'd) is taken over, also on failure. */
int http_reply_take(HttpRequest *req, unsigned status, const char *content_type, char *body,
                    size_t size);
/* application/json; obj is not consumed. */
int http_reply_json(HttpRequest *req, unsigned status, json_object *obj);
/* A Status error object; reason NULL: from the code ("NotFound" for 404). */
int http_reply_status(HttpRequest *req, unsigned code, const char *reason, const char *fmt, ...)
        _printf_(4, 5);
/* 404 `<kind> "<name>" not found`, as the API server says it (kind: "pods"). */
int http_reply_not_found(HttpRequest *req, const char *kind, const char *name);

/* --- streaming replies */
typedef enum HttpStreamEnd {
	HTTP_STREAM_DONE,        /* closed by the writer and everything was sent */
	HTTP_STREAM_CLIENT_GONE, /* the client disconnected, failed or stalled past the timeout */
	HTTP_STREAM_ABORTED,     /* http_stream_abort() */
	HTTP_STREAM_SHUTDOWN,    /* the server is being freed */
} HttpStreamEnd;

const char *http_stream_end_to_string(HttpStreamEnd e);

typedef struct HttpStreamCallbacks {
	/* The buffer went below half after a write failed with -ENOBUFS: produce again. */
	void (*drained)(HttpStream *stream, void *userdata);
	/*
	 * Exactly once, when the stream is over for any reason; the stream is freed when it
	 * returns (writes from inside fail with -EPIPE). Free userdata here.
	 */
	void (*closed)(HttpStream *stream, HttpStreamEnd end, void *userdata);
} HttpStreamCallbacks;

/*
 * Reply with a body of unknown length (chunked) that the caller writes later. *ret is valid
 * until closed() returns. On failure nothing was replied and closed() is never called.
 */
int http_reply_stream(HttpRequest *req, unsigned status, const char *content_type,
                      const HttpStreamCallbacks *callbacks, void *userdata, HttpStream **ret);

/* Queue bytes: -ENOBUFS when they do not fit the buffer (nothing queued), -EPIPE when over. */
int http_stream_write(HttpStream *s, const void *data, size_t size);
int http_stream_printf(HttpStream *s, const char *fmt, ...) _printf_(2, 3);
/* No more data: the reply ends once the buffer is sent. */
int http_stream_close(HttpStream *s);
/* Drop buffered data and cut the connection (the client sees a truncated reply). */
void http_stream_abort(HttpStream *s);
size_t http_stream_buffered(const HttpStream *s);
size_t http_stream_space(const HttpStream *s);
