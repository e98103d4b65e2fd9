/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local API's pod routes, shaped like the kubelet's read-only API and the API server's:
 *   GET /healthz                         "ok"
 *   GET /pods                            a v1 PodList with status (the kubelet's /pods)
 *   GET /pods/{namespace}/{name}         one Pod
 *   GET /pods/{namespace}/{name}/events  its events (v1 EventList)
 *   GET /errors                          static pod files that could not be used
 *   GET /metrics                         Prometheus text format
 * and the log and exec routes (api-logs.c, api-exec.c).
 */
#include "daemon.h"
#include "log.h"
#include "pod-worker.h"

static int on_healthz(HttpRequest *req, void *userdata) {
	Daemon *d = userdata;
	if (!d->ready)
		return http_reply_status(req, 503, "ServiceUnavailable", "the agent is starting");
	return http_reply(req, 200, "text/plain; charset=utf-8", "ok", 2);
}

static json_object *pod_list(Daemon *d) {
	json_object *list = json_object_new_object(), *items = json_object_new_array();
	json_object_object_add(list, "kind", json_object_new_string("PodList"));
	json_object_object_add(list, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(list, "metadata", json_object_new_object());
	for (size_t i = 0; i < d->kubelet->n_workers; i++) {
		json_object *o = NULL;
		if (pod_worker_to_json(d->kubelet->workers[i], &o) >= 0)
			json_object_array_add(items, o);
	}
	json_object_object_add(list, "items", items);
	return list;
}

static int on_pods(HttpRequest *req, void *userdata) {
	json_object *l = pod_list(userdata);
	int r = http_reply_json(req, 200, l);
	json_object_put(l);
	return r;
}

PodWorker *daemon_find_pod(Daemon *d, HttpRequest *req) {
	const char *ns = http_request_param(req, "namespace"),
	           *name = http_request_param(req, "name");
	return ns && name ? kubelet_find_name(d->kubelet, ns, name) : NULL;
}

static int on_pod(HttpRequest *req, void *userdata) {
	PodWorker *w = daemon_find_pod(userdata, req);
	json_object *o = NULL;
	if (!w)
		return http_reply_not_found(req, "pods", http_request_param(req, "name"));
	int r = pod_worker_to_json(w, &o);
	if (r < 0)
		return r;
	r = http_reply_json(req, 200, o);
	json_object_put(o);
	return r;
}

static int on_events(HttpRequest *req, void *userdata) {
	Daemon *d = userdata;
	PodWorker *w = daemon_find_pod(d, req);
	if (!w)
		return http_reply_not_found(req, "pods", http_request_param(req, "name"));
	json_object *list = json_object_new_object();
	json_object_object_add(list, "kind", json_object_new_string("EventList"));
	json_object_object_add(list, "apiVersion", json_object_new_string("v1"));
	json_object_object_add(list, "items",
	                       pod_events_to_json(&w->events, w->pod->metadata.namespace,
	                                          w->pod->metadata.name, w->uid,
	                                          d->kubelet->node_name));
	int r = http_reply_json(req, 200, list);
	json_object_put(list);
	return r;
}

static int on_errors(HttpRequest *req, void *userdata) {
	Daemon *d = userdata;
	json_object *a = json_object_new_array();
	size_t n = 0;
	const SourceError *e = d->files ? file_source_errors(d->files, &n) : NULL;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object(), *m = json_object_new_array();
		json_object_object_add(o, "file", json_object_new_string(e[i].file));
		for (size_t j = 0; j < e[i].n_messages; j++)
			json_object_array_add(m,
			                      json_object_new_string(strempty(e[i].messages[j])));
		json_object_object_add(o, "errors", m);
		json_object_array_add(a, o);
	}
	int r = http_reply_json(req, 200, a);
	json_object_put(a);
	return r;
}

static int on_metrics(HttpRequest *req, void *userdata) {
	char *text = NULL;
	size_t size = 0;
	int r = daemon_metrics_render(userdata, &text, &size);
	if (r < 0)
		return r;
	return http_reply_take(req, 200, METRICS_CONTENT_TYPE, text, size);
}

_printf_(2, 0) static void mhd_log(void *userdata, const char *fmt, va_list ap) {
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_debug("api: %s", buf);
}

int daemon_api_start(Daemon *d) {
	_cleanup_free_ char *tcp = NULL;
	const SkiffConfig *c = d->config;
	int r;

	if (c->healthz_port > 0) {
		const char *a =
		        isempty(c->healthz_bind_address) ? "127.0.0.1" : c->healthz_bind_address;
		bool v6 = strchr(a, ':') != NULL;
		if (asprintf(&tcp, v6 ? "[%s]:%d" : "%s:%d", a, c->healthz_port) < 0)
			return -ENOMEM;
	}
	HttpServerConfig hc = {
		.unix_path = c->skiff.api_socket,
		.tcp_address = tcp,
		.log = mhd_log,
	};
	r = http_server_new(d->event, &hc, &d->api);
	if (r < 0)
		return log_error_errno(r, "API server: %m");
	const HttpRouteSpec routes[] = {
		{ "GET", "/healthz", on_healthz, d, 0 },
		{ "GET", "/metrics", on_metrics, d, 0 },
		{ "GET", "/pods", on_pods, d, 0 },
		{ "GET", "/errors", on_errors, d, 0 },
		{ "GET", "/pods/{namespace}/{name}", on_pod, d, 0 },
		{ "GET", "/pods/{namespace}/{name}/events", on_events, d, 0 },
		{ "GET", "/pods/{namespace}/{name}/log", daemon_api_logs_route, d, 0 },
		{ "POST", "/pods/{namespace}/{name}/exec", daemon_api_exec_route, d, 64 * 1024 },
	};
	for (size_t i = 0; i < ELEMENTSOF(routes); i++)
		if ((r = http_server_add_route(d->api, &routes[i])) < 0)
			return log_error_errno(r, "API route %s: %m", routes[i].pattern);
	r = http_server_start(d->api);
	if (r < 0)
		return log_error_errno(r, "API server on %s%s%s: %m", c->skiff.api_socket,
		                       tcp ? " and " : "", strempty(tcp));
	return 0;
}
