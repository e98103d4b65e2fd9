/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod worker's life: admission, sandbox, the container sync (kuberuntime_manager.go
 * computePodActions: init containers one at a time, sidecars, regular containers, restart
 * policy and back-off), activeDeadlineSeconds, termination and cleanup.
 */
#include <malloc.h>
#include <stdio.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "fileio.h"
#include "log.h"
#include "pod-hooks.h"
#include "pod-probes.h"
#include "pod-sandbox.h"
#include "pod-worker.h"
#include "qos.h"

#define RETRY_USEC (10ULL * 1000000ULL) /* the kubelet's resync of a pod with errors */

static void pod_worker_finish_termination(PodWorker *w);

static int on_sync(sd_event_source *s, void *userdata);

void pod_worker_queue_sync(PodWorker *w) {
	if (!w->sync_source) {
		if (sd_event_add_defer(w->kubelet->event, &w->sync_source, on_sync, w) < 0)
			return;
		(void)sd_event_source_set_description(w->sync_source, "pod-sync");
	}
	(void)sd_event_source_set_enabled(w->sync_source, SD_EVENT_ONESHOT);
}

static void changed(PodWorker *w) {
	Kubelet *k = w->kubelet;
	pod_worker_update_conditions(w);
	(void)pod_worker_checkpoint(w);
	if (k->hooks.pod_changed)
		k->hooks.pod_changed(k, w, k->hooks.userdata);
}

void pod_worker_context(PodWorker *w, PodContext *ctx) {
	Kubelet *k = w->kubelet;
	const SkiffConfig *cfg = k->config;
	*ctx = (PodContext){
		.pod = w->pod,
		.full_name = w->full_name,
		.sandbox_dir = w->sandbox_dir,
		.pod_dir = w->pod_dir,
		.pod_cgroup = w->cgroup,
		.pod_log_dir = w->log_dir,
		.seccomp_dir = cfg->skiff.seccomp_dir,
		.seccomp_cache_dir = k->seccomp_cache_dir,
		.containers_dir = k->containers_root_dir,
		.seccomp_default = cfg->seccomp_default,
		.node_critical = w->critical && streq_ptr(w->pod->spec.priority_class_name,
							  "system-node-critical"),
		.log_max_size = cfg->container_log_max_size_bytes > 0
					? (uint64_t)cfg->container_log_max_size_bytes
					: 0,
		.log_max_files = (uint32_t)cfg->container_log_max_files,
		.resources = k->resources,
		.env = {
			.pod = w->pod,
			.pod_ip = w->pod_ip,
			.node_name = k->node_name,
			.node_allocatable_cpu_milli = k->allocatable.cpu_milli,
			.node_allocatable_memory = k->allocatable.memory,
			.node_allocatable_ephemeral_storage = k->allocatable.ephemeral_storage,
		},
	};
	ctx->monitor_cgroup = k->monitors_cgroup;
	if (!k->cgroups_enabled)
		ctx->pod_cgroup = ctx->monitor_cgroup = NULL;
}

/* ---- admission and sandbox ---- */

static bool admit(PodWorker *w) {
	Kubelet *k = w->kubelet;
	_cleanup_free_ const Pod **active = calloc(k->n_workers + 1, sizeof(Pod *));
	size_t n = 0;
	AdmitResult r;

	if (!active)
		return false;
	for (size_t i = 0; i < k->n_workers; i++) {
		PodWorker *o = k->workers[i];
		if (o != w && o->state != POD_WORKER_ADMITTING && o->state != POD_WORKER_REJECTED &&
		    !o->terminal && o->state != POD_WORKER_TERMINATED)
			active[n++] = o->pod;
	}
	pod_admit(w->pod, active, n, &k->allocatable, &r);
	if (r.admitted)
		return true;
	/* kubelet.go rejectPod */
	w->state = POD_WORKER_REJECTED;
	w->terminal = true;
	w->has_forced_phase = true;
	w->forced_phase = POD_PHASE_FAILED;
	free(w->reason);
	free(w->message);
	w->reason = strdup(r.reason);
	if (asprintf(&w->message, "Pod was rejected: %s", r.message) < 0)
		w->message = NULL;
	pod_events_add(&w->events, true, r.reason, kubelet_now(k), "%s", r.message);
	log_pod(LOG_WARNING, w->key, "rejected: %s: %s", r.reason, r.message);
	return false;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
	ContainerRun *c = userdata;
	c->retry_timer = sd_event_source_disable_unref(c->retry_timer);
	pod_worker_queue_sync(c->pod);
	return 0;
}

static void arm_retry(ContainerRun *c, uint64_t at_realtime) {
	Kubelet *k = c->pod->kubelet;
	uint64_t now = kubelet_now(k);
	uint64_t delay = at_realtime > now ? at_realtime - now : 0;
	c->retry_timer = sd_event_source_disable_unref(c->retry_timer);
	if (sd_event_add_time_relative(k->event, &c->retry_timer, CLOCK_MONOTONIC, delay, 0,
	                               on_retry, c) >= 0)
		(void)sd_event_source_set_description(c->retry_timer, "container-retry");
}

static int on_sandbox_retry(sd_event_source *s, uint64_t usec, void *userdata) {
	PodWorker *w = userdata;
	w->sandbox_retry = sd_event_source_disable_unref(w->sandbox_retry);
	pod_worker_queue_sync(w);
	return 0;
}

static void start_sandbox(PodWorker *w) {
	Kubelet *k = w->kubelet;
	_cleanup_free_ char *error = NULL;
	int r = pod_sandbox_setup(w, &error);
	if (r == -EINPROGRESS)
		return; /* the helper's end queues the next sync */
	if (r < 0) {
		bool mount = error && startswith(error, "MountVolume");
		pod_events_add(&w->events, true, mount ? "FailedMount" : "FailedCreatePodSandBox",
		               kubelet_now(k), "%s", error ? error : strerror(-r));
		log_pod(LOG_WARNING, w->key, "sandbox: %s", error ? error : strerror(-r));
		if (!w->sandbox_retry &&
		    sd_event_add_time_relative(k->event, &w->sandbox_retry, CLOCK_MONOTONIC,
		                               RETRY_USEC, 0, on_sandbox_retry, w) >= 0)
			(void)sd_event_source_set_description(w->sandbox_retry, "sandbox-retry");
		return;
	}
	w->state = POD_WORKER_RUNNING;
}

/* ---- containers ---- */

static bool should_restart(const PodWorker *w, const ContainerRun *c) {
	if (c->init)
		return container_is_sidecar(c->spec) ||
		       w->pod->spec.restart_policy != RESTART_POLICY_NEVER;
	switch (w->pod->spec.restart_policy) {
	case RESTART_POLICY_NEVER:
		return false;
	case RESTART_POLICY_ON_FAILURE:
		return c->terminated.exit_code != 0;
	default:
		return true;
	}
}

/* doBackOff (kuberuntime_manager.go): measured from the last exit's finishedAt. */
static bool in_backoff(ContainerRun *c) {
	PodWorker *w = c->pod;
	uint64_t now = kubelet_now(w->kubelet), finished = c->terminated.finished_at;
	if (c->state != RUN_EXITED)
		return false;
	if (backoff_in_backoff_since(&c->backoff, finished, now)) {
		char msg[512];
		char d[32];
		uint64_t secs = c->backoff.delay / 1000000;
		if (secs >= 60 && secs % 60 == 0)
			snprintf(d, sizeof(d), "%llum0s", (unsigned long long)secs / 60);
		else if (secs >= 60)
			snprintf(d, sizeof(d), "%llum%llus", (unsigned long long)secs / 60,
			         (unsigned long long)secs % 60);
		else
			snprintf(d, sizeof(d), "%llus", (unsigned long long)secs);
		snprintf(msg, sizeof(msg), "back-off %s restarting failed container=%s pod=%s", d,
		         c->spec->name, w->full_name);
		bool first = !streq_ptr(c->waiting_reason, "CrashLoopBackOff");
		free(c->waiting_reason);
		free(c->waiting_message);
		c->waiting_reason = strdup("CrashLoopBackOff");
		c->waiting_message = strdup(msg);
		if (first)
			pod_events_add(&w->events, true, "BackOff", now,
			               "Back-off restarting failed container %s in pod %s",
			               c->spec->name, w->full_name);
		arm_retry(c, backoff_until(&c->backoff, finished));
		return true;
	}
	backoff_next(&c->backoff, finished, now);
	return false;
}

/* Start (or restart) c unless its back-off says wait. Returns true when c is on its way. */
static bool try_start(ContainerRun *c) {
	PodWorker *w = c->pod;
	if (container_run_active(c))
		return true;
	if (c->retry_timer)
		return false; /* waiting for a back-off or a retry */
	if (in_backoff(c))
		return false;
	int r = container_run_start(c);
	if (r < 0) {
		arm_retry(c, kubelet_now(w->kubelet) + RETRY_USEC);
		return false;
	}
	return true;
}

static bool succeeded(const ContainerRun *c) {
	return c->state == RUN_EXITED && c->terminated.exit_code == 0;
}

/* Init containers in order; returns true once every one is done (sidecars started). */
static bool sync_init(PodWorker *w) {
	const PodSpec *spec = &w->pod->spec;
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		ContainerRun *c = &w->init[i];
		if (container_is_sidecar(c->spec)) {
			if (container_run_active(c)) {
				if (!c->started)
					return false;
				continue;
			}
			if (w->initialized) { /* a sidecar that exited after init: restart it */
				try_start(c);
				continue;
			}
			try_start(c);
			return false;
		}
		if (w->initialized || succeeded(c))
			continue;
		if (container_run_active(c))
			return false;
		if (c->state == RUN_EXITED && spec->restart_policy == RESTART_POLICY_NEVER) {
			/* a failed init container with Never: the pod failed */
			w->terminal = true;
			return false;
		}
		try_start(c);
		return false;
	}
	w->initialized = true;
	return true;
}

static uint64_t pod_grace_usec(const PodWorker *w) {
	if (w->grace_override_usec > 0)
		return w->grace_override_usec;
	const OptInt64 *g = &w->pod->spec.termination_grace_period_seconds;
	return (uint64_t)(g->set && g->value > 0 ? g->value : 0) * 1000000ULL;
}

/* Sidecars stop after the regular containers, with what is left of the pod's grace period
 * (KEP-753), never less than the 2 s floor of the kill itself. */
static void stop_sidecars(PodWorker *w, uint64_t grace) {
	if (w->deletion_at > 0) {
		uint64_t now = kubelet_now(w->kubelet), end = w->deletion_at + grace;
		grace = end > now ? end - now : 0;
	}
	for (size_t i = w->pod->spec.n_init_containers; i > 0; i--) {
		ContainerRun *c = &w->init[i - 1];
		if (container_run_active(c))
			container_run_kill(c, KILL_POD_STOP, grace);
	}
}

static void sync_regular(PodWorker *w) {
	bool active = false, pending = false;
	for (size_t i = 0; i < w->pod->spec.n_containers; i++) {
		ContainerRun *c = &w->regular[i];
		if (container_run_active(c)) {
			active = true;
			continue;
		}
		if (c->state == RUN_NONE || should_restart(w, c)) {
			pending = true;
			try_start(c);
		}
	}
	if (active || pending)
		return;
	/* every regular container is done for good: the pod is complete */
	w->terminal = true;
}

static bool any_active(const PodWorker *w) {
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		if (container_run_active(&w->init[i]))
			return true;
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		if (container_run_active(&w->regular[i]))
			return true;
	return false;
}

static bool regular_active(const PodWorker *w) {
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		if (container_run_active(&w->regular[i]))
			return true;
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		if (!container_is_sidecar(w->init[i].spec) && container_run_active(&w->init[i]))
			return true;
	return false;
}

static void kill_all(PodWorker *w, uint64_t grace) {
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		container_run_kill(&w->regular[i], KILL_POD_STOP, grace);
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		if (!container_is_sidecar(w->init[i].spec))
			container_run_kill(&w->init[i], KILL_POD_STOP, grace);
	/* sidecars stop after the regular containers (KEP-753) */
	if (!regular_active(w))
		stop_sidecars(w, grace);
}

static void cancel_retries(PodWorker *w) {
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		w->init[i].retry_timer = sd_event_source_disable_unref(w->init[i].retry_timer);
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		w->regular[i].retry_timer =
		        sd_event_source_disable_unref(w->regular[i].retry_timer);
}

static void sync_running(PodWorker *w) {
	if (!w->terminal && sync_init(w))
		sync_regular(w);
	if (!w->terminal)
		return;
	/* terminal: nothing restarts; stop what is left (sidecars) and clean up */
	cancel_retries(w);
	kill_all(w, pod_grace_usec(w));
	if (!any_active(w))
		pod_worker_finish_termination(w);
}

static void sync_terminating(PodWorker *w) {
	cancel_retries(w);
	kill_all(w, pod_grace_usec(w));
	if (!any_active(w))
		pod_worker_finish_termination(w);
}

/* pod_workers.go allowPodStart: a static pod waits until the pod of the same full name it
 * replaces (a changed manifest) has terminated. */
static bool static_pod_waits(PodWorker *w) {
	Kubelet *k = w->kubelet;
	for (size_t i = 0; w->is_static && i < k->n_workers; i++) {
		PodWorker *o = k->workers[i];
		if (o != w && o->remove_when_terminated && o->state != POD_WORKER_TERMINATED &&
		    streq(o->key, w->key))
			return true;
	}
	return false;
}

static void wake_same_name(PodWorker *w) {
	Kubelet *k = w->kubelet;
	for (size_t i = 0; i < k->n_workers; i++)
		if (k->workers[i] != w && k->workers[i]->state == POD_WORKER_ADMITTING &&
		    streq(k->workers[i]->key, w->key))
			pod_worker_queue_sync(k->workers[i]);
}

static int on_sync(sd_event_source *s, void *userdata) {
	PodWorker *w = userdata;
	Kubelet *k = w->kubelet;

	switch (w->state) {
	case POD_WORKER_ADMITTING:
		if (static_pod_waits(w))
			break;
		if (!admit(w))
			break;
		pod_events_add(&w->events, false, "Scheduled", kubelet_now(k),
		               "Successfully assigned %s to %s", w->key, k->node_name);
		w->start_time = kubelet_now(k);
		w->started_monotonic = kubelet_now_monotonic(k);
		w->state = POD_WORKER_STARTING;
		pod_worker_arm_deadline(w);
		_fallthrough_;
	case POD_WORKER_STARTING:
		if (w->sandbox_retry)
			break;
		start_sandbox(w);
		if (w->state != POD_WORKER_RUNNING)
			break;
		_fallthrough_;
	case POD_WORKER_RUNNING:
		sync_running(w);
		break;
	case POD_WORKER_TERMINATING:
		sync_terminating(w);
		break;
	case POD_WORKER_REJECTED:
	case POD_WORKER_TERMINATED:
		break;
	}
	if (w->state == POD_WORKER_TERMINATED && w->remove_when_terminated) {
		/* gone for good: its checkpoint and logs go too (the kubelet's pod GC) */
		(void)rm_rf(w->state_dir);
		(void)rm_rf(w->log_dir);
		if (k->hooks.pod_removed)
			k->hooks.pod_removed(k, w, k->hooks.userdata);
		wake_same_name(w);
		pod_worker_free(w);
		/* a removed pod leaves holes all over the heap that glibc does not give back by
		 * itself (it trims only the top): after 100 pods come and go, 1.5 MB stayed */
		malloc_trim(0);
		return 0;
	}
	changed(w);
	return 0;
}

/* ---- events from containers ---- */

void pod_worker_container_started(ContainerRun *c) {
	PodWorker *w = c->pod;
	pod_probes_container_started(c);
	if (c->spec->lifecycle && c->spec->lifecycle->post_start)
		(void)pod_hook_post_start(c);
	else
		c->post_start_done = true;
	if (w->state == POD_WORKER_RUNNING && !c->init && !w->first_start_recorded) {
		w->first_start_recorded = true;
		kubelet_record_start_latency(w->kubelet, w);
	}
	pod_worker_queue_sync(w);
}

void pod_worker_container_gone(ContainerRun *c) {
	PodWorker *w = c->pod;
	/* a sidecar stops once the regular containers are gone */
	if ((w->state == POD_WORKER_TERMINATING || w->terminal) && !regular_active(w))
		stop_sidecars(w, pod_grace_usec(w));
	pod_worker_queue_sync(w);
}

/* ---- termination ---- */

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
	PodWorker *w = userdata;
	w->deadline_timer = sd_event_source_disable_unref(w->deadline_timer);
	if (w->terminal || w->state == POD_WORKER_TERMINATING)
		return 0;
	/* pkg/kubelet/active_deadline.go */
	w->terminal = true;
	w->has_forced_phase = true;
	w->forced_phase = POD_PHASE_FAILED;
	free(w->reason);
	free(w->message);
	w->reason = strdup("DeadlineExceeded");
	w->message = strdup("Pod was active on the node longer than the specified deadline");
	pod_events_add(&w->events, true, "DeadlineExceeded", kubelet_now(w->kubelet), "%s",
	               w->message);
	log_pod(LOG_NOTICE, w->key, "active deadline exceeded, stopping the pod");
	pod_worker_queue_sync(w);
	return 0;
}

void pod_worker_arm_deadline(PodWorker *w) {
	const OptInt64 *ads = &w->pod->spec.active_deadline_seconds;
	Kubelet *k = w->kubelet;
	if (!ads->set || w->deadline_timer || w->start_time == 0)
		return;
	uint64_t end = w->start_time + (uint64_t)ads->value * 1000000ULL, now = kubelet_now(k);
	uint64_t delay = end > now ? end - now : 0;
	if (sd_event_add_time_relative(k->event, &w->deadline_timer, CLOCK_MONOTONIC, delay, 0,
	                               on_deadline, w) >= 0)
		(void)sd_event_source_set_description(w->deadline_timer, "pod-deadline");
}

void pod_worker_terminate(PodWorker *w, uint64_t override_usec, bool remove, const char *reason,
                          const char *message) {
	Kubelet *k = w->kubelet;

	w->remove_when_terminated = w->remove_when_terminated || remove;
	if (override_usec > 0 &&
	    (w->grace_override_usec == 0 || override_usec < w->grace_override_usec))
		w->grace_override_usec = override_usec;
	if (reason) {
		free(w->reason);
		free(w->message);
		w->reason = strdup(reason);
		w->message = message ? strdup(message) : NULL;
		w->has_forced_phase = true;
		w->forced_phase = POD_PHASE_FAILED;
	}
	if (w->state == POD_WORKER_ADMITTING || w->state == POD_WORKER_REJECTED) {
		w->state = POD_WORKER_TERMINATED;
		pod_worker_queue_sync(w);
		return;
	}
	if (w->state == POD_WORKER_TERMINATED) {
		pod_worker_queue_sync(w);
		return;
	}
	if (w->state != POD_WORKER_TERMINATING) {
		w->state = POD_WORKER_TERMINATING;
		w->deletion_at = kubelet_now(k);
		log_pod(LOG_INFO, w->key, "terminating (grace %llus)",
		        (unsigned long long)(pod_grace_usec(w) / 1000000));
	}
	pod_worker_queue_sync(w);
}

static void pod_worker_finish_termination(PodWorker *w) {
	if (w->state == POD_WORKER_TERMINATED)
		return;
	w->deadline_timer = sd_event_source_disable_unref(w->deadline_timer);
	pod_probes_pod_stopped(w);
	int r = pod_sandbox_cleanup(w);
	if (r == -EINPROGRESS)
		return; /* the sandbox helper's end queues the next sync */
	if (r < 0)
		log_pod(LOG_WARNING, w->key, "cleanup incomplete: %s", strerror(-r));
	if (w->state == POD_WORKER_TERMINATING && !w->terminal)
		w->terminal = true;
	w->state = POD_WORKER_TERMINATED;
	log_pod(LOG_INFO, w->key, "pod stopped: %s", pod_phase_to_string(pod_worker_phase(w)));
}

/* ---- construction ---- */

static int init_runs(PodWorker *w) {
	const PodSpec *spec = &w->pod->spec;
	/* exactly as many as the spec has (440 bytes each): NULL for none */
	if (spec->n_init_containers > 0 &&
	    !(w->init = calloc(spec->n_init_containers, sizeof(ContainerRun))))
		return -ENOMEM;
	if (spec->n_containers > 0 &&
	    !(w->regular = calloc(spec->n_containers, sizeof(ContainerRun))))
		return -ENOMEM;
	for (size_t i = 0; i < spec->n_init_containers; i++)
		w->init[i] = (ContainerRun){ .pod = w,
			                     .spec = &spec->init_containers[i],
			                     .init = true,
			                     .index = i,
			                     .monitor = { .pidfd = -EBADF, .notify_fd = -EBADF } };
	for (size_t i = 0; i < spec->n_containers; i++)
		w->regular[i] =
		        (ContainerRun){ .pod = w,
			                .spec = &spec->containers[i],
			                .index = i,
			                .monitor = { .pidfd = -EBADF, .notify_fd = -EBADF } };
	return 0;
}

static int init_paths(PodWorker *w) {
	Kubelet *k = w->kubelet;
	const ObjectMeta *m = &w->pod->metadata;
	const char *tier = "";
	switch (pod_qos_class(w->pod)) {
	case POD_QOS_BURSTABLE:
		tier = "burstable/";
		break;
	case POD_QOS_BEST_EFFORT:
		tier = "besteffort/";
		break;
	default:
		break;
	}
	if (!k->config->cgroups_per_qos)
		tier = "";
	if (asprintf(&w->key, "%s/%s", m->namespace, m->name) < 0 ||
	    asprintf(&w->full_name, "%s_%s(%s)", m->name, m->namespace, w->uid) < 0 ||
	    asprintf(&w->pod_dir, "%s/%s", k->pods_root_dir, w->uid) < 0 ||
	    asprintf(&w->state_dir, "%s/%s", k->pods_state_dir, w->uid) < 0 ||
	    asprintf(&w->sandbox_dir, "%s/%s/sandbox", k->pods_state_dir, w->uid) < 0 ||
	    asprintf(&w->log_dir, "%s/%s_%s_%s", k->config->skiff.pod_log_dir, m->namespace,
	             m->name, w->uid) < 0 ||
	    asprintf(&w->cgroup, "%s/%spod%s", k->kubepods_cgroup, tier, w->uid) < 0)
		return -ENOMEM;
	return 0;
}

int pod_worker_alloc(Kubelet *k, Pod *pod, const char *source, const char *source_path,
                     PodWorker **ret) {
	PodWorker *w = calloc(1, sizeof(PodWorker));
	int r;

	if (!w) {
		pod_free(pod);
		return -ENOMEM;
	}
	w->kubelet = k;
	w->pod = pod;
	w->uid = strdup(strempty(pod->metadata.uid));
	w->source = strdup(strempty(source));
	w->source_path = source_path ? strdup(source_path) : NULL;
	w->is_static = streq_ptr(source, "file") || streq_ptr(source, "http");
	/* IsCriticalPod: static (when skiff.staticPodsCritical) or priority >= 2000000000 */
	w->critical = (w->is_static && k->config->skiff.static_pods_critical) ||
	              (pod->spec.priority.set && pod->spec.priority.value >= 2000000000);
	w->created_at = kubelet_now(k);
	w->netns_fd = -EBADF;
	w->sandbox_pidfd = -EBADF;
	if (!w->uid || !w->source || (r = init_paths(w)) < 0 || (r = init_runs(w)) < 0 ||
	    (r = kubelet_add_worker(k, w)) < 0) {
		pod_worker_free(w);
		return -ENOMEM;
	}
	*ret = w;
	return 0;
}

int pod_worker_new(Kubelet *k, Pod *pod, const char *source, const char *source_path,
                   PodWorker **ret) {
	PodWorker *w = NULL;
	int r = pod_worker_alloc(k, pod, source, source_path, &w);
	if (r < 0)
		return r;
	log_pod(LOG_INFO, w->key, "pod added (uid %s, source %s)", w->uid, w->source);
	pod_worker_queue_sync(w);
	if (ret)
		*ret = w;
	return 0;
}

PodWorker *pod_worker_free(PodWorker *w) {
	if (!w)
		return NULL;
	kubelet_remove_worker(w->kubelet, w);
	for (size_t i = 0; w->init && i < w->pod->spec.n_init_containers; i++)
		container_run_release(&w->init[i]);
	for (size_t i = 0; w->regular && i < w->pod->spec.n_containers; i++)
		container_run_release(&w->regular[i]);
	sd_event_source_disable_unref(w->sync_source);
	sd_event_source_disable_unref(w->deadline_timer);
	sd_event_source_disable_unref(w->sandbox_retry);
	free(w->init);
	free(w->regular);
	free(w->uid);
	free(w->key);
	free(w->full_name);
	free(w->source);
	free(w->source_path);
	free(w->reason);
	free(w->message);
	free(w->pod_dir);
	free(w->sandbox_dir);
	free(w->state_dir);
	free(w->log_dir);
	free(w->cgroup);
	free(w->pod_ip);
	safe_close(w->netns_fd);
	/* a sandbox helper still running finishes on its own; we only stop watching (and reap it
	 * if it already ended) */
	sd_event_source_disable_unref(w->sandbox_source);
	if (w->sandbox_pidfd >= 0) {
		siginfo_t si;
		(void)waitid(P_PIDFD, (id_t)w->sandbox_pidfd, &si, WEXITED | WNOHANG);
	}
	safe_close(w->sandbox_pidfd);
	free(w->sandbox_error);
	pod_events_done(&w->events);
	pod_free(w->pod);
	free(w);
	return NULL;
}

ContainerRun *pod_worker_find_container(PodWorker *w, const char *name) {
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		if (streq(w->regular[i].spec->name, name))
			return &w->regular[i];
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		if (streq(w->init[i].spec->name, name))
			return &w->init[i];
	return NULL;
}
