/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GET /pods/{namespace}/{name}/log?container=&follow=&previous=&tailLines=&timestamps=
 * &limitBytes= — the kubelet's containerLogs: the CRI log of the container's current (or
 * previous) instance rendered as `kubectl logs` prints it; with follow, a chunked stream that
 * ends when that instance ends. Errors worded as the API server words them.
 */
#include <sys/stat.h>

#include "daemon.h"
#include "fileio.h"
#include "log-follow.h"
#include "log-reader.h"
#include "pod-worker.h"
#include "translate.h"

#define LOG_READ_MAX (64u * 1024 * 1024)

struct LogStream {
	LogStream *next;
	Daemon *daemon;
	HttpStream *stream;
	LogFollow *follow;
	char *uid;
	char *container;
	char id[65]; /* the instance followed */
	uint64_t limit, written;
};

static char *container_names(PodWorker *w, bool init) {
	size_t n = init ? w->pod->spec.n_init_containers : w->pod->spec.n_containers;
	const Container *l = init ? w->pod->spec.init_containers : w->pod->spec.containers;
	size_t len = 3;
	for (size_t i = 0; i < n; i++)
		len += strlen(l[i].name) + 1;
	char *s = calloc(1, len);
	if (!s)
		return NULL;
	strcat(s, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, l[i].name);
	}
	strcat(s, "]");
	return s;
}

/* Which container, as the API server's pod log REST handler picks it. */
static ContainerRun *pick_container(HttpRequest *req, PodWorker *w, int *ret) {
	const char *name = http_request_query(req, "container");
	*ret = 0;
	if (isempty(name)) {
		if (w->pod->spec.n_containers == 1)
			return &w->regular[0];
		_cleanup_free_ char *names = container_names(w, false),
		                    *inits = container_names(w, true);
		if (w->pod->spec.n_init_containers > 0)
			*ret = http_reply_status(req, 400, "BadRequest",
			                         "a container name must be specified for pod %s, "
			                         "choose one of: %s or "
			                         "one of the init containers: %s",
			                         w->pod->metadata.name, strempty(names),
			                         strempty(inits));
		else
			*ret = http_reply_status(req, 400, "BadRequest",
			                         "a container name must be specified for pod %s, "
			                         "choose one of: %s",
			                         w->pod->metadata.name, strempty(names));
		return NULL;
	}
	ContainerRun *c = pod_worker_find_container(w, name);
	if (!c)
		*ret = http_reply_status(req, 400, "BadRequest",
		                         "container %s is not valid for pod %s", name,
		                         w->pod->metadata.name);
	return c;
}

static void stream_free(LogStream *s) {
	Daemon *d = s->daemon;
	for (LogStream **p = &d->streams; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	log_follow_free(s->follow);
	free(s->uid);
	free(s->container);
	free(s);
}

static void on_line(LogFollow *f, const char *text, size_t len, void *userdata) {
	LogStream *s = userdata;
	if (!s->stream)
		return;
	if (s->limit > 0) {
		if (s->written >= s->limit)
			return;
		len = MIN(len, s->limit - s->written);
	}
	/* a client that reads too slowly loses lines rather than growing the agent */
	if (http_stream_write(s->stream, text, len) >= 0)
		s->written += len;
	if (s->limit > 0 && s->written >= s->limit)
		http_stream_close(s->stream);
}

static void on_closed(HttpStream *stream, HttpStreamEnd end, void *userdata) {
	LogStream *s = userdata;
	s->stream = NULL;
	stream_free(s);
}

static const HttpStreamCallbacks stream_callbacks = { .closed = on_closed };

static int follow(HttpRequest *req, Daemon *d, PodWorker *w, ContainerRun *c, const char *path,
                  const char *head, size_t head_len, bool timestamps, uint64_t limit) {
	LogStream *s = calloc(1, sizeof(LogStream));
	int r;
	if (!s)
		return -ENOMEM;
	s->daemon = d;
	s->limit = limit;
	memcpy(s->id, c->id, sizeof(s->id));
	s->uid = strdup(w->uid);
	s->container = strdup(c->spec->name);
	r = log_follow_new(d->event, path, timestamps, true, on_line, s, &s->follow);
	if (r < 0 || !s->uid || !s->container) {
		log_follow_free(s->follow);
		free(s->uid);
		free(s->container);
		free(s);
		return r < 0 ? r : -ENOMEM;
	}
	s->next = d->streams;
	d->streams = s;
	r = http_reply_stream(req, 200, "text/plain; charset=utf-8", &stream_callbacks, s,
	                      &s->stream);
	if (r < 0) {
		stream_free(s);
		return r;
	}
	on_line(s->follow, head, head_len, s);
	/* an instance that is already over: what is in the file is all there is */
	if (c->state != RUN_RUNNING && c->state != RUN_CREATING)
		http_stream_close(s->stream);
	return 0;
}

int daemon_api_logs_route(HttpRequest *req, void *userdata) {
	Daemon *d = userdata;
	PodWorker *w = daemon_find_pod(d, req);
	uint64_t tail = UINT64_MAX, limit = 0;
	int r;

	if (!w)
		return http_reply_not_found(req, "pods", http_request_param(req, "name"));
	ContainerRun *c = pick_container(req, w, &r);
	if (!c)
		return r;
	int fol = http_request_query_bool(req, "follow", false);
	int prev = http_request_query_bool(req, "previous", false);
	int ts = http_request_query_bool(req, "timestamps", false);
	if (fol < 0 || prev < 0 || ts < 0 ||
	    http_request_query_u64(req, "tailLines", UINT64_MAX, UINT64_MAX, &tail) < 0 ||
	    http_request_query_u64(req, "limitBytes", 0, UINT64_MAX, &limit) < 0)
		return http_reply_status(req, 400, "BadRequest", "invalid query parameters");

	if (c->instances == 0) {
		_cleanup_(container_status_clear) ContainerStatus st = {};
		container_run_status(c, &st);
		return http_reply_status(req, 400, "BadRequest",
		                         "container \"%s\" in pod \"%s\" is waiting to start: %s",
		                         c->spec->name, w->pod->metadata.name,
		                         strempty(st.state.reason));
	}
	uint32_t instance = c->restart_count;
	if (prev) {
		if (c->restart_count == 0)
			return http_reply_status(
			        req, 400, "BadRequest",
			        "previous terminated container \"%s\" in pod \"%s\" "
			        "not found",
			        c->spec->name, w->pod->metadata.name);
		instance--;
	}
	PodContext ctx;
	pod_worker_context(w, &ctx);
	_cleanup_free_ char *path = container_log_path(&ctx, c->spec, instance), *data = NULL,
	                    *out = NULL;
	size_t size = 0, out_len = 0;
	if (!path)
		return -ENOMEM;
	r = read_full_file(path, LOG_READ_MAX, &data, &size);
	if (r < 0 && r != -ENOENT)
		return http_reply_status(req, 500, NULL, "reading %s: %s", path, strerror(-r));
	LogRenderOptions o = { .tail = tail == UINT64_MAX ? -1
		                                          : (int64_t)MIN(tail, (uint64_t)INT64_MAX),
		               .timestamps = ts,
		               .limit_bytes = limit };
	r = log_render(strempty(data), size, &o, &out, &out_len);
	if (r < 0)
		return r;
	if (fol && !prev)
		return follow(req, d, w, c, path, out, out_len, ts, limit);
	return http_reply_take(req, 200, "text/plain; charset=utf-8", TAKE_PTR(out), out_len);
}

/* A followed instance that is no longer running: send what is left and end the stream. */
void daemon_logs_pod_changed(Daemon *d, PodWorker *w) {
	for (LogStream *s = d->streams, *next; s; s = next) {
		next = s->next;
		if (!streq(s->uid, w->uid) || !s->stream)
			continue;
		ContainerRun *c = kubelet_find_uid(d->kubelet, s->uid) == w
		                          ? pod_worker_find_container(w, s->container)
		                          : NULL;
		if (c && c->state == RUN_RUNNING && streq(c->id, s->id))
			continue;
		log_follow_poll(s->follow);
		http_stream_close(s->stream);
	}
}

void daemon_logs_close_all(Daemon *d) {
	for (LogStream *s = d->streams; s; s = s->next)
		if (s->stream)
			http_stream_close(s->stream);
}
