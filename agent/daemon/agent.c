/* SPDX-License-Identifier: Apache-2.0 */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "daemon.h"
#include "log.h"
#include "pod-manager.h"
#include "pod-worker.h"

/* Pod counts for systemd's STATUS= line, refreshed at most once a second. */
static void count_phases(Daemon *d, unsigned n[5]) {
	memset(n, 0, 5 * sizeof(unsigned));
	for (size_t i = 0; i < d->kubelet->n_workers; i++) {
		PodPhase p = pod_worker_phase(d->kubelet->workers[i]);
		if (p < 5)
			n[p]++;
	}
}

static int on_status_timer(sd_event_source *s, uint64_t usec, void *userdata) {
	Daemon *d = userdata;
	unsigned n[5];
	d->status_timer = sd_event_source_disable_unref(d->status_timer);
	if (!d->status_dirty)
		return 0;
	d->status_dirty = false;
	count_phases(d, n);
	sd_notifyf(false, "STATUS=%zu pods: %u running, %u pending, %u succeeded, %u failed",
	           d->kubelet->n_workers, n[POD_PHASE_RUNNING], n[POD_PHASE_PENDING],
	           n[POD_PHASE_SUCCEEDED], n[POD_PHASE_FAILED]);
	return 0;
}

static int on_trim(sd_event_source *s, uint64_t usec, void *userdata) {
	Daemon *d = userdata;
	d->trim_timer = sd_event_source_disable_unref(d->trim_timer);
	/* Pod churn leaves the heap fragmented (transient JSON trees between long-lived pod
	 * objects): hand the free pages back once things settle. */
	malloc_trim(0);
	return 0;
}

static void status_changed(Daemon *d) {
	if (!d->trim_timer && sd_event_add_time_relative(d->event, &d->trim_timer, CLOCK_MONOTONIC,
	                                                 5 * 1000000ULL, 0, on_trim, d) >= 0)
		(void)sd_event_source_set_description(d->trim_timer, "heap-trim");
	d->status_dirty = true;
	if (!d->status_timer && d->ready &&
	    sd_event_add_time_relative(d->event, &d->status_timer, CLOCK_MONOTONIC, 1000000, 0,
	                               on_status_timer, d) >= 0)
		(void)sd_event_source_set_description(d->status_timer, "status-notify");
}

static void hook_pod_changed(Kubelet *k, PodWorker *w, void *userdata) {
	Daemon *d = userdata;
	status_changed(d);
	daemon_logs_pod_changed(d, w);
}

static void hook_pod_removed(Kubelet *k, PodWorker *w, void *userdata) {
	Daemon *d = userdata;
	status_changed(d);
	daemon_logs_pod_changed(d, w);
}

static void hook_pod_started(Kubelet *k, PodWorker *w, double seconds, void *userdata) {
	daemon_metrics_pod_started(userdata, seconds);
}

static void on_static_pods(FileSource *s, Pod **pods, char **paths, size_t n, void *userdata) {
	Daemon *d = userdata;
	kubelet_apply_source(d->kubelet, "file", pods, paths, n);
	status_changed(d);
}

static int on_watchdog(sd_event_source *s, uint64_t usec, void *userdata) {
	Daemon *d = userdata;
	/* WATCHDOG=1 from the loop itself: a loop that stalls stops the pings */
	sd_notify(false, "WATCHDOG=1");
	(void)sd_event_source_set_time_relative(s, d->watchdog_usec / 2);
	(void)sd_event_source_set_enabled(s, SD_EVENT_ON);
	return 0;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
	Daemon *d = userdata;
	/* Stopping the agent leaves the pods running, as the kubelet does: the monitors own the
	 * containers and a restarted agent re-adopts them. */
	log_info("received %s, stopping; pods keep running", strsignal((int)si->ssi_signo));
	sd_notify(false, "STOPPING=1\nSTATUS=stopping, pods keep running");
	d->kubelet->shutting_down = true;
	return sd_event_exit(d->event, 0);
}

static void daemon_done(Daemon *d) {
	daemon_logs_close_all(d);
	http_server_free(d->api);
	file_source_free(d->files);
	kubelet_free(d->kubelet);
	metrics_registry_free(d->metrics);
	sd_event_source_disable_unref(d->watchdog);
	sd_event_source_disable_unref(d->status_timer);
	sd_event_source_disable_unref(d->trim_timer);
	skiff_config_free(d->config);
	sd_event_unref(d->event);
}

static int load_config(int argc, char **argv, SkiffConfig **ret) {
	Diag diag = {};
	int r = skiff_config_load(argc, argv, ret, &diag);
	/* a bad configuration stops the daemon with every error listed */
	diag_print(&diag, NULL, stderr);
	diag_clear(&diag);
	if (r < 0)
		fprintf(stderr, "skiff agent: invalid configuration, not starting\n");
	return r;
}

static int setup(Daemon *d) {
	_cleanup_free_ char *error = NULL;
	KubeletHooks hooks = {
		.pod_changed = hook_pod_changed,
		.pod_removed = hook_pod_removed,
		.pod_started = hook_pod_started,
		.userdata = d,
	};
	int r;

	if (!isempty(d->config->static_pod_url)) {
		log_error("staticPodURL (--manifest-url) is not supported yet: use staticPodPath");
		return -EOPNOTSUPP;
	}
	r = kubelet_new(d->event, d->config, &hooks, &d->kubelet, &error);
	if (r < 0)
		return log_error_errno(r, "%s", error ? error : strerror(-r));
	if ((r = daemon_metrics_setup(d)) < 0)
		return log_error_errno(r, "metrics: %m");

	/* Re-adopt what a previous agent left running before anything else. */
	r = kubelet_recover(d->kubelet);
	if (r < 0)
		log_warning_errno(r, "recovering the previous agent's pods: %m");
	else if (r > 0)
		log_info("re-adopted %d pods of the previous agent", r);

	if ((r = daemon_api_start(d)) < 0)
		return r;
	if (!isempty(d->config->static_pod_path)) {
		r = file_source_new(d->event, d->config->static_pod_path,
		                    (uint64_t)d->config->file_check_frequency / 1000,
		                    d->kubelet->node_name, on_static_pods, d, &d->files);
		if (r < 0)
			return log_error_errno(r, "static pod source %s: %m",
			                       d->config->static_pod_path);
	}
	return 0;
}

int cli_agent(int argc, char **argv) {
	Daemon d = {};
	sigset_t mask;
	int r;

	log_setup();
	if (argc > 1 && (streq(argv[1], "-h") || streq(argv[1], "--help"))) {
		printf("usage: skiff agent [--config FILE] [kubelet flags...]\n\n"
		       "Runs the node agent: static pods from --pod-manifest-path, the local API "
		       "on\n"
		       "the skiff.apiSocket Unix socket. `skiff config --help` lists the flags.\n");
		return 0;
	}
	if (load_config(argc - 1, argv + 1, &d.config) < 0)
		return 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((r = sd_event_default(&d.event)) < 0) {
		log_error_errno(r, "sd-event: %m");
		goto out;
	}
	(void)sd_event_add_signal(d.event, NULL, SIGTERM, on_signal, &d);
	(void)sd_event_add_signal(d.event, NULL, SIGINT, on_signal, &d);
	(void)sd_event_add_signal(d.event, NULL, SIGHUP, on_signal, &d);

	if ((r = setup(&d)) < 0)
		goto out;

	if (sd_watchdog_enabled(false, &d.watchdog_usec) > 0 && d.watchdog_usec > 0 &&
	    sd_event_add_time_relative(d.event, &d.watchdog, CLOCK_MONOTONIC, d.watchdog_usec / 2,
	                               0, on_watchdog, &d) >= 0)
		(void)sd_event_source_set_description(d.watchdog, "watchdog");

	d.ready = true;
	d.status_dirty = true;
	sd_notifyf(false, "READY=1\nSTATUS=%zu pods", d.kubelet->n_workers);
	status_changed(&d);
	log_info("skiff agent ready on node %s (%zu pods adopted), API at %s", d.kubelet->node_name,
	         d.kubelet->n_workers, d.config->skiff.api_socket);
	r = sd_event_loop(d.event);
	if (r < 0)
		log_error_errno(r, "event loop: %m");
out:
	daemon_done(&d);
	return r < 0 ? 1 : 0;
}
