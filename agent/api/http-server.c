/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server object, its listeners on the sd-event loop, and MHD's access handler: pre-checks
 * (peer, TCP allow-list, route, body size), body collection, dispatch to the route's handler.
 */
#include <fcntl.h>
#include <sys/socket.h>

#include "http-internal.h"
#include "http-status.h"

static const char *const default_tcp_allow[] = { "/healthz", "/metrics", NULL };

/* What a client may send past the body bound before we hang up instead of answering 413. */
#define HTTP_DISCARD_MAX (1024u * 1024u)

/* --- the loop: MHD's epoll fd and its timeout */

static void listener_arm(HttpListener *l) {
	MHD_UNSIGNED_LONG_LONG ms;
	uint64_t now;

	if (!l->timer)
		return;
	if (MHD_get_timeout(l->daemon, &ms) != MHD_YES) {
		(void)sd_event_source_set_enabled(l->timer, SD_EVENT_OFF);
		return;
	}
	if (sd_event_now(l->server->event, CLOCK_MONOTONIC, &now) < 0)
		now = 0;
	/* MHD asks to be run again within ms; a later wakeup would stall connections. */
	ms = MIN(ms, 3600ull * 1000ull);
	(void)sd_event_source_set_time(l->timer, now + ms * 1000ull);
	(void)sd_event_source_set_enabled(l->timer, SD_EVENT_ONESHOT);
}

static unsigned listener_connections(const HttpListener *l) {
	if (!l->daemon)
		return 0;
	const union MHD_DaemonInfo *di =
	        MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return di ? di->num_connections : 0;
}

static void listener_run(HttpListener *l) {
	unsigned before = listener_connections(l);

	l->in_run = true;
	l->kicked = false;
	(void)MHD_run(l->daemon);
	l->in_run = false;
	/*
	 * At the connection limit (or out of fds) MHD takes the listening socket out of its epoll
	 * set and puts it back only at the start of a later MHD_run(): when connections went away
	 * in this one, run again, or clients waiting in the backlog would wait for the next
	 * unrelated event.
	 */
	if (l->kicked || listener_connections(l) < before)
		http_listener_kick(l);
	else
		listener_arm(l);
}

/* Run MHD soon: a parked connection was resumed from outside MHD_run(). */
void http_listener_kick(HttpListener *l) {
	if (l->in_run) {
		l->kicked = true;
		return;
	}
	if (!l->timer)
		return;
	(void)sd_event_source_set_time(l->timer, 1);
	(void)sd_event_source_set_enabled(l->timer, SD_EVENT_ONESHOT);
}

static int on_listener_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
	listener_run(userdata);
	return 0;
}

static int on_listener_timer(sd_event_source *src, uint64_t usec, void *userdata) {
	listener_run(userdata);
	return 0;
}

/* --- pre-checks, on the first call for a request (headers complete, no body yet) */

static bool peer_allowed(HttpRequest *req) {
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(req->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (!ci || getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	/* The socket file is 0600 already; this holds even if someone loosens it. */
	return cred.uid == 0 || cred.uid == geteuid();
}

static bool tcp_allowed(const HttpServer *s, const char *path) {
	for (char **p = s->tcp_allow; p && *p; p++)
		if (streq(*p, path))
			return true;
	return false;
}

static int content_length(HttpRequest *req, uint64_t *ret) {
	const char *v = MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND,
	                                            MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;

	if (!v)
		return 0;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return -EINVAL;
	*ret = n;
	return 1;
}

static int request_route(HttpRequest *req) {
	HttpServer *s = req->listener->server;
	char allow[128];

	int r = http_router_match(s->router, req->method, req->path, &req->match);
	if (r == -ENOENT)
		return http_reply_status(req, 404, NULL,
		                         "the server could not find the requested resource");
	if (r == -EOPNOTSUPP) {
		if (http_router_allow(s->router, req->path, allow, sizeof(allow)) > 0)
			(void)http_reply_header(req, MHD_HTTP_HEADER_ALLOW, allow);
		return http_reply_status(
		        req, 405, NULL,
		        "the server does not allow this method on the requested resource");
	}
	if (r < 0)
		return r;
	req->route = req->match.data;
	req->max_body = req->route->spec.max_body ?: s->config.max_body_bytes;
	return 0;
}

static int request_precheck(HttpRequest *req) {
	HttpServer *s = req->listener->server;
	uint64_t length;

	if (!req->listener->tcp && !peer_allowed(req))
		return http_reply_status(req, 403, NULL, "forbidden: only root may use %s",
		                         s->unix_path);
	if (req->listener->tcp) {
		if (!tcp_allowed(s, req->path))
			return http_reply_status(
			        req, 403, NULL,
			        "forbidden: path \"%s\" is not served on the TCP port", req->path);
		if (!streq(req->method, "GET") && !streq(req->method, "HEAD"))
			return http_reply_status(req, 405, NULL,
			                         "method %s is not allowed on the TCP port",
			                         req->method);
	}
	int r = request_route(req);
	if (r < 0 || req->replied)
		return r;
	r = content_length(req, &length);
	if (r < 0)
		return http_reply_status(req, 400, NULL, "invalid Content-Length");
	if (r > 0 && length > req->max_body) {
		req->body_too_large = true;
		return http_reply_status(req, 413, NULL,
		                         "request entity too large: limit is %zu bytes",
		                         req->max_body);
	}
	return 0;
}

/* --- body and dispatch */

/*
 * MHD 0.9.75 takes a reply only before the body or after all of it: past the bound the rest is
 * read and dropped and 413 follows at the end. A client sending far beyond is cut off.
 */
static int request_append(HttpRequest *req, const char *data, size_t size) {
	if (req->body_too_large) {
		req->discarded += size;
		return req->discarded > req->max_body + HTTP_DISCARD_MAX ? -EFBIG : 0;
	}
	if (size > req->max_body - req->body_size) {
		req->body_too_large = true;
		req->discarded = req->body_size + size;
		free(req->body);
		req->body = NULL;
		req->body_size = 0;
		return 0;
	}
	char *n = realloc(req->body, req->body_size + size + 1);
	if (!n)
		return -ENOMEM;
	memcpy(n + req->body_size, data, size);
	req->body = n;
	req->body_size += size;
	req->body[req->body_size] = '\0';
	return 0;
}

static void request_dispatch(HttpRequest *req) {
	const HttpRouteSpec *spec = &req->route->spec;

	int r = spec->handler(req, spec->userdata);
	if (req->replied)
		return;
	if (r < 0)
		(void)http_reply_status(req, 500, NULL, "Internal error occurred: %s",
		                        strerror(-r));
	else
		(void)http_reply_status(req, 500, NULL, "Internal error occurred: %s has no answer",
		                        req->path);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *connection, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **req_cls) {
	HttpListener *l = cls;
	HttpRequest *req = *req_cls;
	int r;

	if (!req) {
		if (http_request_new(l, connection, url, method, &req) < 0)
			return MHD_NO; /* out of memory: drop the connection */
		*req_cls = req;
		return request_precheck(req) < 0 ? MHD_NO : MHD_YES;
	}
	if (*upload_data_size > 0) {
		r = request_append(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return r < 0 ? MHD_NO : MHD_YES;
	}
	if (req->replied || !req->route)
		return MHD_YES;
	if (req->body_too_large)
		return http_reply_status(req, 413, NULL,
		                         "request entity too large: limit is %zu bytes",
		                         req->max_body) < 0
		               ? MHD_NO
		               : MHD_YES;
	request_dispatch(req);
	return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **req_cls,
                         enum MHD_RequestTerminationCode toe) {
	HttpRequest *req = *req_cls;

	if (!req)
		return;
	if (req->stream)
		http_stream_detach(req->stream, toe);
	http_request_free(req);
	*req_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
	HttpServer *s = cls;
	if (s->config.log)
		s->config.log(s->config.log_userdata, fmt, ap);
}

/* --- listeners */

static int listener_start(HttpServer *s, HttpListener *l, int fd, bool tcp) {
	unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME;
	char desc[32];

	*l = (HttpListener){ .server = s, .tcp = tcp, .name = tcp ? "tcp" : "unix" };
	if (s->config.log)
		flags |= MHD_USE_ERROR_LOG;
	l->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_access, l, MHD_OPTION_EXTERNAL_LOGGER,
	                             on_mhd_log, s, MHD_OPTION_LISTEN_SOCKET, fd,
	                             MHD_OPTION_CONNECTION_LIMIT, s->config.max_connections,
	                             MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	                             tcp ? s->config.tcp_max_per_address : 0u,
	                             MHD_OPTION_CONNECTION_TIMEOUT, s->config.timeout_sec,
	                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, s->config.max_header_bytes,
	                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, l, MHD_OPTION_END);
	if (!l->daemon) {
		/* MHD may or may not have closed the socket it was given: close it only if open. */
		if (fcntl(fd, F_GETFD) >= 0)
			safe_close(fd);
		return -EIO;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di)
		return -EIO;
	int r = sd_event_add_io(s->event, &l->io, di->epoll_fd, EPOLLIN, on_listener_io, l);
	if (r < 0)
		return r;
	r = sd_event_add_time(s->event, &l->timer, CLOCK_MONOTONIC, 1, 1, on_listener_timer, l);
	if (r < 0)
		return r;
	snprintf(desc, sizeof(desc), "http-%s", l->name);
	(void)sd_event_source_set_description(l->io, desc);
	snprintf(desc, sizeof(desc), "http-%s-timer", l->name);
	(void)sd_event_source_set_description(l->timer, desc);
	listener_arm(l);
	return 0;
}

static void listener_stop(HttpListener *l) {
	if (!l->server)
		return;
	l->shutting_down = true;
	l->io = sd_event_source_disable_unref(l->io);
	l->timer = sd_event_source_disable_unref(l->timer);
	if (l->daemon) {
		/* Stop accepting first, then end parked streams: MHD may only stop with none
		 * parked. */
		int fd = MHD_quiesce_daemon(l->daemon);
		if (fd >= 0)
			safe_close(fd);
		http_listener_end_streams(l);
		MHD_stop_daemon(l->daemon);
		l->daemon = NULL;
	}
}

/* --- the server object */

static int config_copy(HttpServer *s, const HttpServerConfig *c) {
	const char *const *allow = c->tcp_allow ?: default_tcp_allow;
	size_t n = 0;

	s->config = *c;
	s->unix_path = strdup(c->unix_path);
	if (!s->unix_path)
		return -ENOMEM;
	if (c->tcp_address && !(s->tcp_address = strdup(c->tcp_address)))
		return -ENOMEM;
	while (allow[n])
		n++;
	s->tcp_allow = calloc(n + 1, sizeof(char *));
	if (!s->tcp_allow)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(s->tcp_allow[i] = strdup(allow[i])))
			return -ENOMEM;
	s->config.unix_path = s->unix_path;
	s->config.tcp_address = s->tcp_address;
	s->config.tcp_allow = NULL;
	s->config.max_connections = c->max_connections ?: HTTP_DEFAULT_MAX_CONNECTIONS;
	s->config.tcp_max_per_address = c->tcp_max_per_address ?: HTTP_DEFAULT_TCP_MAX_PER_ADDRESS;
	s->config.timeout_sec = c->timeout_sec ?: HTTP_DEFAULT_TIMEOUT_SEC;
	s->config.max_header_bytes = c->max_header_bytes ?: HTTP_DEFAULT_MAX_HEADER_BYTES;
	s->config.max_body_bytes = c->max_body_bytes ?: HTTP_DEFAULT_MAX_BODY_BYTES;
	s->config.max_stream_buffer = c->max_stream_buffer ?: HTTP_DEFAULT_MAX_STREAM_BUFFER;
	return 0;
}

int http_server_new(sd_event *event, const HttpServerConfig *config, HttpServer **ret) {
	if (!event || !config || isempty(config->unix_path) || !ret)
		return -EINVAL;
	_cleanup_(http_server_freep) HttpServer *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->event = sd_event_ref(event);
	s->tcp_port = -ENOENT;
	int r = config_copy(s, config);
	if (r < 0)
		return r;
	r = http_router_new(&s->router);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	return 0;
}

int http_server_add_route(HttpServer *s, const HttpRouteSpec *spec) {
	if (!s || !spec || !spec->handler || !spec->method || !spec->pattern)
		return -EINVAL;
	if (s->n_routes >= HTTP_ROUTER_MAX_ROUTES)
		return -E2BIG;
	HttpRouteEntry **n = reallocarray(s->routes, s->n_routes + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->routes = n;
	_cleanup_free_ HttpRouteEntry *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	/* The router keeps the pattern; the entry keeps handler, userdata and bound. */
	e->spec = *spec;
	e->spec.method = e->spec.pattern = NULL;
	int r = http_router_add(s->router, spec->method, spec->pattern, e);
	if (r < 0)
		return r;
	s->routes[s->n_routes++] = TAKE_PTR(e);
	return 0;
}

int http_server_start(HttpServer *s) {
	_cleanup_close_ int ufd = -EBADF, tfd = -EBADF;

	if (!s || s->started)
		return -EINVAL;
	int r = http_listen_unix(s->unix_path, &ufd, &s->socket_id);
	if (r < 0)
		return r;
	s->socket_bound = true;
	if (s->tcp_address) {
		r = http_listen_tcp(s->tcp_address, &tfd, &s->tcp_port);
		if (r < 0)
			return r;
	}
	s->started = true;
	r = listener_start(s, &s->unix_listener, TAKE_FD(ufd), false);
	if (r < 0)
		return r;
	if (tfd >= 0)
		return listener_start(s, &s->tcp_listener, TAKE_FD(tfd), true);
	return 0;
}

HttpServer *http_server_free(HttpServer *s) {
	if (!s)
		return NULL;
	listener_stop(&s->tcp_listener);
	listener_stop(&s->unix_listener);
	if (s->socket_bound)
		(void)http_unlink_unix(s->unix_path, &s->socket_id);
	http_router_free(s->router);
	for (size_t i = 0; i < s->n_routes; i++)
		free(s->routes[i]);
	free(s->routes);
	strv_free(s->tcp_allow);
	free(s->unix_path);
	free(s->tcp_address);
	sd_event_unref(s->event);
	free(s);
	return NULL;
}

int http_server_tcp_port(const HttpServer *s) {
	return s ? s->tcp_port : -EINVAL;
}

unsigned http_server_connections(const HttpServer *s) {
	if (!s)
		return 0;
	return listener_connections(&s->unix_listener) + listener_connections(&s->tcp_listener);
}
