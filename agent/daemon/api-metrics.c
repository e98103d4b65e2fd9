/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /metrics: pods by phase, containers by state, container restarts, pod start latency,
 * evictions, probe results (the kubelet's names where it has them), computed at scrape time
 * from the pod workers; counters advance by what the kubelet counted since the last scrape.
 */
#include "daemon.h"
#include "pod-worker.h"

int daemon_metrics_setup(Daemon *d) {
	MetricsRegistry *m;
	int r = metrics_registry_new(&d->metrics);
	if (r < 0)
		return r;
	m = d->metrics;
	static const char *const phase[] = { "phase", NULL };
	static const char *const state[] = { "container_state", NULL };
	static const char *const probe[] = { "probe_type", "result", NULL };
	static const char *const signal[] = { "eviction_signal", NULL };
	if ((r = metrics_gauge_new(m, "kubelet_running_pods", "Pods by phase.", phase,
	                           &d->m_pods)) < 0 ||
	    (r = metrics_gauge_new(m, "kubelet_running_containers", "Containers by state.", state,
	                           &d->m_containers)) < 0 ||
	    (r = metrics_counter_new(m, "kubelet_container_restarts_total",
	                             "Container restarts (new instances after the first).", NULL,
	                             &d->m_restarts)) < 0 ||
	    (r = metrics_histogram_new(
	             m, "kubelet_pod_start_duration_seconds",
	             "Time from admission to the first regular container running.", NULL,
	             METRICS_DEFAULT_BUCKETS, METRICS_DEFAULT_N_BUCKETS, &d->m_start_latency)) <
	            0 ||
	    (r = metrics_counter_new(m, "kubelet_evictions", "Pods evicted, by signal.", signal,
	                             &d->m_evictions)) < 0 ||
	    (r = metrics_counter_new(m, "prober_probe_total", "Probe results.", probe,
	                             &d->m_probes)) < 0 ||
	    (r = metrics_gauge_new(m, "skiff_static_pod_file_errors",
	                           "Static pod files that could not be used.", NULL,
	                           &d->m_source_errors)) < 0 ||
	    (r = metrics_gauge_new(m, "skiff_api_connections", "Open API connections.", NULL,
	                           &d->m_connections)) < 0)
		return r;
	return 0;
}

void daemon_metrics_pod_started(Daemon *d, double seconds) {
	if (d->m_start_latency)
		(void)metrics_histogram_observe(d->m_start_latency, NULL, seconds);
}

static void container_states(Daemon *d) {
	unsigned running = 0, created = 0, exited = 0;
	for (size_t i = 0; i < d->kubelet->n_workers; i++) {
		PodWorker *w = d->kubelet->workers[i];
		for (size_t j = 0; j < w->pod->spec.n_init_containers + w->pod->spec.n_containers;
		     j++) {
			ContainerRun *c = j < w->pod->spec.n_init_containers
			                          ? &w->init[j]
			                          : &w->regular[j - w->pod->spec.n_init_containers];
			if (c->state == RUN_RUNNING)
				running++;
			else if (c->state == RUN_CREATING)
				created++;
			else if (c->state == RUN_EXITED)
				exited++;
		}
	}
	metrics_clear(d->m_containers);
	(void)metrics_gauge_set(d->m_containers, (const char *const[]){ "running" }, running);
	(void)metrics_gauge_set(d->m_containers, (const char *const[]){ "created" }, created);
	(void)metrics_gauge_set(d->m_containers, (const char *const[]){ "exited" }, exited);
}

int daemon_metrics_render(Daemon *d, char **ret, size_t *ret_size) {
	Kubelet *k = d->kubelet;
	unsigned phases[5] = {};
	size_t n_err = 0;

	for (size_t i = 0; i < k->n_workers; i++) {
		PodPhase p = pod_worker_phase(k->workers[i]);
		if (p < 5)
			phases[p]++;
	}
	metrics_clear(d->m_pods);
	for (int p = 0; p < 5; p++)
		(void)metrics_gauge_set(d->m_pods,
		                        (const char *const[]){ pod_phase_to_string((PodPhase)p) },
		                        phases[p]);
	container_states(d);
	(void)metrics_counter_add(d->m_restarts, NULL,
	                          (double)(k->counters.container_restarts - d->last_restarts));
	d->last_restarts = k->counters.container_restarts;

	const ProbeMetrics *pm = probe_manager_get_metrics(k->probes);
	for (int t = 0; t < _PROBE_TYPE_MAX; t++)
		for (int r = 0; r < _PROBE_RESULT_MAX; r++) {
			uint64_t v = pm->probe_total[t][r], last = d->last_probe_total[t][r];
			/* probe_type is the kubelet's probeType.String(): "Liveness", ... */
			const char *labels[] = { probe_type_to_display((ProbeType)t),
				                 probe_result_metric_label((ProbeResult)r) };
			if (v > last || metrics_series(d->m_probes) == 0)
				(void)metrics_counter_add(d->m_probes, labels, (double)(v - last));
			d->last_probe_total[t][r] = v;
		}
	if (d->files)
		(void)file_source_errors(d->files, &n_err);
	(void)metrics_gauge_set(d->m_source_errors, NULL, (double)n_err);
	if (d->api)
		(void)metrics_gauge_set(d->m_connections, NULL, http_server_connections(d->api));
	return metrics_render(d->metrics, ret, ret_size);
}
