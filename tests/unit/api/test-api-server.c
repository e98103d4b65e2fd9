/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny sd-event program serving a few routes with http-server, driven by
 * test-api-integration through the CLI's client.
 *   test-api-server SOCKET TCP-ADDRESS EVENTS-FILE [TIMEOUT-SEC]
 * Prints "READY <tcp-port>" once listening; SIGTERM frees the server (ending open streams)
 * and writes the stream events seen ("follow:client-gone", ...) to EVENTS-FILE.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "http-server.h"
#include "metrics.h"

#define MAX_EVENTS 64

typedef struct App {
	sd_event *event;
	HttpServer *server;
	MetricsRegistry *metrics;
	Metric *requests;
	char *events[MAX_EVENTS];
	size_t n_events;
} App;

/* One open stream fed by a timer. */
typedef struct Feed {
	App *app;
	const char *name;
	HttpStream *stream;
	sd_event_source *timer;
	uint64_t interval;
	unsigned n, limit; /* limit 0: forever */
	size_t big_left;   /* /big: bytes still to write */
} Feed;

static void app_event(App *app, const char *name, const char *what) {
	if (app->n_events < MAX_EVENTS &&
	    asprintf(&app->events[app->n_events], "%s:%s", name, what) >= 0)
		app->n_events++;
}

static void count(App *app, const char *route) {
	(void)metrics_counter_inc(app->requests, (const char *[]){ route });
}

static int on_healthz(HttpRequest *req, void *userdata) {
	count(userdata, "healthz");
	return http_reply(req, 200, "text/plain", "ok", 2);
}

static int on_metrics(HttpRequest *req, void *userdata) {
	App *app = userdata;
	char *text;
	size_t size;

	count(app, "metrics");
	int r = metrics_render(app->metrics, &text, &size);
	if (r < 0)
		return r;
	return http_reply_take(req, 200, METRICS_CONTENT_TYPE, text, size);
}

static int on_pod(HttpRequest *req, void *userdata) {
	const char *ns = http_request_param(req, "namespace"),
	           *name = http_request_param(req, "name");

	count(userdata, "pod");
	if (!streq(name, "web"))
		return http_reply_not_found(req, "pods", name);
	json_object *pod = json_object_new_object(), *meta = json_object_new_object();
	json_object_object_add(pod, "kind", json_object_new_string("Pod"));
	json_object_object_add(meta, "name", json_object_new_string(name));
	json_object_object_add(meta, "namespace", json_object_new_string(ns));
	json_object_object_add(pod, "metadata", meta);
	int r = http_reply_json(req, 200, pod);
	json_object_put(pod);
	return r;
}

static int on_echo(HttpRequest *req, void *userdata) {
	json_object *body = NULL;
	size_t size;

	count(userdata, "echo");
	(void)http_request_body(req, &size);
	int r = http_request_body_json(req, &body);
	if (r < 0)
		return http_reply_status(req, 400, NULL, "body is not JSON: %s", strerror(-r));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "size", json_object_new_int64((int64_t)size));
	json_object_object_add(o, "body", body);
	r = http_reply_json(req, 200, o);
	json_object_put(o);
	return r;
}

static int on_fail(HttpRequest *req, void *userdata) {
	return -EIO;
}

static int on_events(HttpRequest *req, void *userdata) {
	App *app = userdata;
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < app->n_events; i++)
		json_object_array_add(a, json_object_new_string(app->events[i]));
	int r = http_reply_json(req, 200, a);
	json_object_put(a);
	return r;
}

static int on_stats(HttpRequest *req, void *userdata) {
	App *app = userdata;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "connections",
	                       json_object_new_int((int)http_server_connections(app->server)));
	int r = http_reply_json(req, 200, o);
	json_object_put(o);
	return r;
}

/* --- streams */

static void feed_free(Feed *f) {
	sd_event_source_disable_unref(f->timer);
	free(f);
}

static void feed_closed(HttpStream *s, HttpStreamEnd end, void *userdata) {
	Feed *f = userdata;
	app_event(f->app, f->name, http_stream_end_to_string(end));
	feed_free(f);
}

/* /big: write until the buffer is full, continue when it drained. */
static void big_fill(Feed *f) {
	static char block[8192];
	int r = 0;

	memset(block, 'x', sizeof(block));
	while (f->big_left > 0 && r == 0) {
		size_t n = MIN(sizeof(block), f->big_left);
		r = http_stream_write(f->stream, block, n);
		if (r == 0)
			f->big_left -= n;
	}
	if (f->big_left == 0)
		(void)http_stream_close(f->stream);
}

static void feed_drained(HttpStream *s, void *userdata) {
	big_fill(userdata);
}

static int on_tick(sd_event_source *src, uint64_t usec, void *userdata) {
	Feed *f = userdata;

	(void)http_stream_printf(f->stream, "%s %u\n", streq(f->name, "stream") ? "chunk" : "tick",
	                         f->n);
	if (f->limit > 0 && ++f->n >= f->limit) {
		(void)http_stream_close(f->stream);
		return sd_event_source_set_enabled(src, SD_EVENT_OFF);
	}
	if (f->limit == 0)
		f->n++;
	(void)sd_event_source_set_time_relative(src, f->interval);
	return sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
}

static int start_feed(HttpRequest *req, App *app, const char *name, unsigned limit,
                      uint64_t interval_usec, size_t big, Feed **ret) {
	static const HttpStreamCallbacks callbacks = { .drained = feed_drained,
		                                       .closed = feed_closed };
	Feed *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	*f = (Feed){
		.app = app, .name = name, .limit = limit, .interval = interval_usec, .big_left = big
	};
	int r = http_reply_stream(req, 200, "text/plain; charset=utf-8", &callbacks, f, &f->stream);
	if (r < 0) {
		free(f);
		return r;
	}
	if (ret)
		*ret = f;
	if (big > 0) {
		big_fill(f);
		return 0;
	}
	/* The stream owns the feed from here: closed() frees it. */
	r = sd_event_add_time_relative(app->event, &f->timer, CLOCK_MONOTONIC, interval_usec, 1,
	                               on_tick, f);
	if (r < 0)
		http_stream_abort(f->stream);
	return 0;
}

static int on_stream(HttpRequest *req, void *userdata) {
	uint64_t chunks, interval;

	if (http_request_query_u64(req, "chunks", 5, 1000, &chunks) < 0 ||
	    http_request_query_u64(req, "interval_ms", 100, 60000, &interval) < 0)
		return http_reply_status(req, 400, NULL, "bad query");
	return start_feed(req, userdata, "stream", (unsigned)chunks, interval * 1000, 0, NULL);
}

static int on_follow(HttpRequest *req, void *userdata) {
	uint64_t interval;

	if (http_request_query_u64(req, "interval_ms", 50, 3600000, &interval) < 0)
		return http_reply_status(req, 400, NULL, "bad query");
	Feed *f;
	int r = start_feed(req, userdata, "follow", 0, interval * 1000, 0, &f);
	if (r < 0)
		return r;
	/* a first line at once, so a client can hang up while nothing else is coming */
	if (http_request_query_bool(req, "first", false) > 0)
		(void)http_stream_printf(f->stream, "first\n");
	return 0;
}

static int on_big(HttpRequest *req, void *userdata) {
	return start_feed(req, userdata, "big", 0, 0, 4u * 1024u * 1024u, NULL);
}

/* An exec-like POST: the body comes back as a stream of three chunks, then the end. */
static int on_exec(HttpRequest *req, void *userdata) {
	static const HttpStreamCallbacks callbacks = { .closed = feed_closed };
	HttpStream *s;
	size_t size;
	const char *body = http_request_body(req, &size);

	Feed *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	*f = (Feed){ .app = userdata, .name = "exec" };
	int r = http_reply_stream(req, 200, "application/octet-stream", &callbacks, f, &s);
	if (r < 0) {
		free(f);
		return r;
	}
	for (int i = 0; i < 3; i++)
		(void)http_stream_printf(s, "out%d: %.*s\n", i, (int)size, body);
	return http_stream_close(s);
}

static int add_routes(App *app) {
	const HttpRouteSpec routes[] = {
		{ "GET", "/healthz", on_healthz, app, 0 },
		{ "GET", "/metrics", on_metrics, app, 0 },
		{ "GET", "/pods/{namespace}/{name}", on_pod, app, 0 },
		{ "POST", "/echo", on_echo, app, 1024 },
		{ "GET", "/fail", on_fail, app, 0 },
		{ "GET", "/events", on_events, app, 0 },
		{ "GET", "/stats", on_stats, app, 0 },
		{ "GET", "/stream", on_stream, app, 0 },
		{ "GET", "/follow", on_follow, app, 0 },
		{ "GET", "/big", on_big, app, 0 },
		{ "POST", "/exec", on_exec, app, 0 },
	};
	for (size_t i = 0; i < ELEMENTSOF(routes); i++) {
		int r = http_server_add_route(app->server, &routes[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int write_events(App *app, const char *path) {
	FILE *f = fopen(path, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < app->n_events; i++)
		fprintf(f, "%s\n", app->events[i]);
	return fclose(f) == 0 ? 0 : -errno;
}

static int run(App *app, char **argv) {
	const HttpServerConfig config = {
		.unix_path = argv[1],
		.tcp_address = argv[2],
		.max_connections = 16,
		.timeout_sec = argv[4] ? (unsigned)atoi(argv[4]) : 5,
		.max_stream_buffer = 64 * 1024,
	};
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	int r = sd_event_default(&app->event);
	if (r < 0)
		return r;
	(void)sd_event_add_signal(app->event, NULL, SIGTERM, NULL, NULL);
	(void)sd_event_add_signal(app->event, NULL, SIGINT, NULL, NULL);
	r = metrics_registry_new(&app->metrics);
	if (r < 0)
		return r;
	r = metrics_counter_new(app->metrics, "test_requests_total", "Requests by route.",
	                        (const char *[]){ "route", NULL }, &app->requests);
	if (r < 0)
		return r;
	r = http_server_new(app->event, &config, &app->server);
	if (r < 0)
		return r;
	r = add_routes(app);
	if (r < 0)
		return r;
	r = http_server_start(app->server);
	if (r < 0)
		return r;
	printf("READY %d\n", http_server_tcp_port(app->server));
	fflush(stdout);
	r = sd_event_loop(app->event);
	app->server = http_server_free(app->server); /* ends open streams: events are recorded */
	int k = write_events(app, argv[3]);
	return r < 0 ? r : k;
}

int main(int argc, char **argv) {
	App app = {};

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: %s SOCKET TCP-ADDRESS EVENTS-FILE [TIMEOUT-SEC]\n",
		        argv[0]);
		return 2;
	}
	int r = run(&app, argv);
	if (r < 0)
		fprintf(stderr, "test-api-server: %s\n", strerror(-r));
	http_server_free(app.server);
	metrics_registry_free(app.metrics);
	sd_event_unref(app.event);
	for (size_t i = 0; i < app.n_events; i++)
		free(app.events[i]);
	return r < 0 ? 1 : 0;
}
