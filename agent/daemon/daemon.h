/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `skiff agent`: the node agent as a systemd service. One sd-event loop for everything: the
 * static pod source (inotify + rescan), the pod workers, the local API on a Unix socket (and an
 * optional TCP listener for /healthz and /metrics), signals, the systemd watchdog. No threads in
 * this process: containers are built by skiff-monitor, spawned with posix_spawn.
 */
#pragma once

#include <systemd/sd-event.h>

#include "file-source.h"
#include "http-server.h"
#include "kubelet.h"
#include "metrics.h"

typedef struct LogStream LogStream;

typedef struct Daemon {
	sd_event *event;
	SkiffConfig *config;
	Kubelet *kubelet;
	FileSource *files;
	HttpServer *api;
	MetricsRegistry *metrics;
	Metric *m_pods, *m_containers, *m_restarts, *m_start_latency, *m_evictions, *m_probes,
	        *m_probe_errors, *m_source_errors, *m_connections;
	uint64_t last_restarts, last_evictions;
	uint64_t last_probe_total[3][3];
	LogStream *streams; /* open `logs -f` streams (api-logs.c) */
	sd_event_source *watchdog, *status_timer, *trim_timer;
	uint64_t watchdog_usec;
	bool ready;
	bool status_dirty;
} Daemon;

int cli_agent(int argc, char **argv);

/* api-*.c */
PodWorker *daemon_find_pod(Daemon *d, HttpRequest *req);
int daemon_api_exec_route(HttpRequest *req, void *userdata);
int daemon_api_logs_route(HttpRequest *req, void *userdata);
int daemon_api_start(Daemon *d);
void daemon_logs_pod_changed(Daemon *d, PodWorker *w);
void daemon_logs_close_all(Daemon *d);
int daemon_metrics_setup(Daemon *d);
int daemon_metrics_render(Daemon *d, char **ret, size_t *ret_size);
void daemon_metrics_pod_started(Daemon *d, double seconds);
