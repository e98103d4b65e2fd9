/* SPDX-License-Identifier: Apache-2.0 */
/* Private to agent/api: the objects behind http-server.h, shared by its .c files. */
#pragma once

#include <microhttpd.h>

#include "http-listen.h"
#include "http-router.h"
#include "http-server.h"

typedef struct HttpListener {
	HttpServer *server;
	const char *name; /* "unix" or "tcp", for source descriptions */
	bool tcp;
	struct MHD_Daemon *daemon;
	sd_event_source *io;    /* MHD's epoll fd */
	sd_event_source *timer; /* MHD_get_timeout() */
	bool in_run;            /* inside MHD_run(): rearm after it, not now */
	bool kicked;            /* a connection was resumed during MHD_run() */
	bool shutting_down;
	HttpStream *streams; /* open streams, ended on shutdown */
} HttpListener;

typedef struct HttpRouteEntry {
	HttpRouteSpec spec;
} HttpRouteEntry;

struct HttpServer {
	sd_event *event;
	HttpServerConfig config; /* strings below are our copies */
	char *unix_path;
	char *tcp_address;
	char **tcp_allow;
	HttpRouter *router;
	HttpRouteEntry **routes;
	size_t n_routes;
	HttpListener unix_listener;
	HttpListener tcp_listener;
	HttpSocketId socket_id;
	bool socket_bound;
	int tcp_port;
	bool started;
};

struct HttpRequest {
	HttpListener *listener;
	struct MHD_Connection *connection;
	char *method;
	char *path;
	HttpRouteMatch match;
	const HttpRouteEntry *route; /* NULL until matched */
	char *body;
	size_t body_size;
	size_t max_body;
	bool body_too_large;
	size_t discarded; /* body bytes read past the bound */
	bool replied;
	size_t n_headers;
	char *headers[HTTP_MAX_REPLY_HEADERS][2];
	HttpStream *stream;
};

struct HttpStream {
	HttpListener *listener;
	HttpRequest *request;              /* NULL once MHD completed the request */
	struct MHD_Connection *connection; /* likewise */
	HttpStreamCallbacks callbacks;
	void *userdata;
	char *buf;
	size_t start, len, cap, max;
	bool closed;     /* writer is done */
	bool aborted;    /* writer gave up */
	bool gone;       /* the client hung up while we were parked */
	bool over;       /* closed() was called or is running */
	bool silent;     /* never started: no closed() */
	bool suspended;  /* MHD connection parked until data arrives */
	bool want_drain; /* a write hit the bound */
	bool end_set;
	HttpStreamEnd end;
	sd_event_source *hangup; /* watches the client's socket while parked */
	HttpStream *prev, *next;
};

/* http-server.c */
void http_listener_kick(HttpListener *l);
/* http-request.c */
int http_request_new(HttpListener *l, struct MHD_Connection *c, const char *url, const char *method,
                     HttpRequest **ret);
void http_request_free(HttpRequest *req);
int http_request_queue(HttpRequest *req, unsigned status, const char *content_type,
                       struct MHD_Response *resp);
/* http-stream.c */
void http_stream_detach(HttpStream *s, enum MHD_RequestTerminationCode toe);
void http_listener_end_streams(HttpListener *l);
