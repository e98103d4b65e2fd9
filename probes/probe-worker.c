/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The worker's loop glue (pkg/kubelet/prober/worker.go run/doProbe, prober.go probe): a ticker on
 * a time source, the container state pulled from the agent at each tick, the pure state machine
 * (probe-sm.c) deciding, a handler run (retried on error up to maxProbeRetries), events, counters,
 * and results published on change.
 */
#include <fcntl.h>
#include <time.h>

#include "go-format.h"
#include "probe-internal.h"

typedef enum WorkerState {
	WORKER_NEW,
	WORKER_RUNNING,
	WORKER_PAUSED,
	WORKER_EXITED,
	WORKER_FREED,
} WorkerState;

struct ProbeWorker {
	unsigned n_ref;
	ProbeManager *manager; /* NULL once the manager is gone */
	ProbeType type;
	ProbeSpec spec;
	ProbeWorkerOps ops;
	void *userdata;
	char *name;
	ProbeSM sm;
	ProbeWorkerCounters counters;
	WorkerState state;

	sd_event_source *timer;
	uint64_t period_usec;

	/* the tick being worked on */
	ProbeRun *run;
	bool has_slot;
	bool queued;
	bool tick_pending; /* a tick came while busy: run it next (a Go ticker buffers one) */
	unsigned tries;
	char *pod_ip;
	int netns_fd;

	LIST_ENTRY(ProbeWorker) link;
	TAILQ_ENTRY(ProbeWorker) queue_link;
};

static void worker_do_tick(ProbeWorker *w);

static ProbeWorker *worker_ref(ProbeWorker *w) {
	w->n_ref++;
	return w;
}

static void worker_unref(ProbeWorker *w) {
	if (!w || --w->n_ref > 0)
		return;
	sd_event_source_disable_unref(w->timer);
	probe_spec_done(&w->spec);
	free(w->name);
	free(w->pod_ip);
	safe_close(w->netns_fd);
	free(w);
}

/* After a callback: is the worker still ours to work on? */
static bool worker_alive(const ProbeWorker *w) {
	return w->state == WORKER_RUNNING && w->manager;
}

void probe_manager_enqueue(ProbeManager *m, ProbeWorker *w) {
	if (w->queued)
		return;
	TAILQ_INSERT_TAIL(&m->queue, w, queue_link);
	w->queued = true;
	m->metrics.queued++;
}

void probe_manager_dequeue(ProbeManager *m, ProbeWorker *w) {
	if (!w->queued)
		return;
	TAILQ_REMOVE(&m->queue, w, queue_link);
	w->queued = false;
	m->metrics.queued--;
}

/* Cancel whatever the current tick holds: run, slot, place in the queue. */
static void worker_abort_tick(ProbeWorker *w) {
	ProbeManager *m = w->manager;

	w->tick_pending = false;
	if (w->run) {
		ProbeRun *run = TAKE_PTR(w->run);
		probe_run_free(run);
	}
	if (!m)
		return;
	probe_manager_dequeue(m, w);
	if (w->has_slot) {
		w->has_slot = false;
		probe_manager_release_slot(m);
	}
}

static void worker_publish(ProbeWorker *w, const ProbeSMStep *step, const char *message) {
	if (!step->changed || !w->ops.on_result)
		return;
	ProbeUpdate u = {
		.type = w->type,
		.container_id = w->sm.container_id,
		.result = step->result,
		.message = message,
	};
	w->ops.on_result(w->userdata, &u);
}

static void worker_event(ProbeWorker *w, ProbeEventKind kind, const char *fmt_what,
                         const char *text) {
	ProbeBuf b;

	if (kind == PROBE_EVENT_WARNING && w->manager)
		w->manager->metrics.warnings++;
	if (!w->ops.on_event)
		return;
	probe_buf_init(&b, PROBE_OUTPUT_MAX + 128);
	probe_buf_printf(&b, "%s probe %s: %s", probe_type_to_display(w->type), fmt_what,
	                 strempty(text));
	ProbeEvent e = {
		.type = w->type,
		.container_id = w->sm.container_id,
		.kind = kind,
		.reason = kind == PROBE_EVENT_WARNING ? "ProbeWarning" : "Unhealthy",
		.message = probe_buf_str(&b),
	};
	w->ops.on_event(w->userdata, &e);
	probe_buf_done(&b);
}

static void worker_exit(ProbeWorker *w) {
	worker_abort_tick(w);
	w->state = WORKER_EXITED;
	(void)sd_event_source_set_enabled(w->timer, SD_EVENT_OFF);
	if (w->ops.on_exit)
		w->ops.on_exit(w->userdata);
}

/* The end of a tick that ran the handler (prober.go probe, then worker.go doProbe). */
static void worker_finish_tick(ProbeWorker *w, ProbeOutcome outcome, const char *output) {
	ProbeManager *m = w->manager;
	ProbeResult result = probe_outcome_to_result(outcome);

	if (w->has_slot) {
		w->has_slot = false;
		probe_manager_release_slot(m);
	}
	worker_ref(w);
	switch (outcome) {
	case PROBE_OUTCOME_ERROR:
		/* An error throws the tick away, after an event. */
		w->counters.errors++;
		m->metrics.probe_errors[w->type]++;
		worker_event(w, PROBE_EVENT_UNHEALTHY, "errored and resulted in unknown state",
		             output);
		break;
	case PROBE_OUTCOME_WARNING:
		worker_event(w, PROBE_EVENT_WARNING, "warning", output);
		break;
	case PROBE_OUTCOME_FAILURE:
		worker_event(w, PROBE_EVENT_UNHEALTHY, "failed", output);
		break;
	default:
		break;
	}
	if (outcome != PROBE_OUTCOME_ERROR && worker_alive(w)) {
		/* prober_probe_total{probe_type, result} */
		w->counters.total[result]++;
		m->metrics.probe_total[w->type][result]++;
		ProbeSMStep step = probe_sm_record(&w->sm, result);
		worker_publish(w, &step, output);
	}
	if (worker_alive(w) && w->tick_pending) {
		w->tick_pending = false;
		worker_do_tick(w);
	}
	worker_unref(w);
}

static void worker_start_run(ProbeWorker *w);

static void on_run_done(ProbeRun *run, const ProbeRunResult *res, void *userdata) {
	ProbeWorker *w = userdata;

	w->run = NULL;
	/* runProbeWithRetries: only an error is tried again, up to maxProbeRetries in all. */
	if (res->outcome == PROBE_OUTCOME_ERROR && ++w->tries < PROBE_MAX_RETRIES) {
		worker_start_run(w);
		return;
	}
	worker_finish_tick(w, res->outcome, res->output);
}

static void worker_start_run(ProbeWorker *w) {
	ProbeRunParams p = {
		.purpose = PROBE_PURPOSE_PROBE,
		.container_id = w->sm.container_id,
		.pod_ip = w->pod_ip,
		.netns_fd = w->netns_fd,
	};
	ProbeBuf b;
	int r;

	r = probe_run_new(w->manager, &w->spec, false, &p, on_run_done, w, &w->run);
	if (r >= 0)
		return;
	w->run = NULL;
	probe_buf_init(&b, 256);
	probe_buf_puts(&b, "probe could not start: ");
	probe_go_errno(&b, r);
	worker_finish_tick(w, PROBE_OUTCOME_ERROR, probe_buf_str(&b));
	probe_buf_done(&b);
}

void probe_worker_slot_granted(ProbeWorker *w) {
	w->has_slot = true;
	worker_start_run(w);
}

static void worker_do_tick(ProbeWorker *w) {
	ProbeContainerState st = { 0 };
	ProbeSMStep step;

	if (w->run || w->queued || w->has_slot) {
		w->tick_pending = true;
		return;
	}
	worker_ref(w);
	/* the owner may pause or free the worker from inside any of its callbacks */
	if (w->ops.get_state(w->userdata, &st) < 0 || !worker_alive(w))
		goto out;
	step = probe_sm_tick(&w->sm, &st, probe_manager_now_realtime(w->manager));
	if (step.action == PROBE_SM_RUN) {
		free(w->pod_ip);
		w->pod_ip = st.pod_ip ? strdup(st.pod_ip) : NULL;
		w->netns_fd = safe_close(w->netns_fd);
		if (st.netns_fd > 0)
			w->netns_fd = fcntl(st.netns_fd, F_DUPFD_CLOEXEC, 3);
	}
	worker_publish(w, &step, NULL);
	if (!worker_alive(w))
		goto out;
	if (step.action == PROBE_SM_EXIT)
		worker_exit(w);
	else if (step.action == PROBE_SM_RUN) {
		w->tries = 0;
		if (probe_manager_acquire_slot(w->manager)) {
			w->has_slot = true;
			worker_start_run(w);
		} else
			probe_manager_enqueue(w->manager, w);
	}
out:
	worker_unref(w);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata) {
	ProbeWorker *w = userdata;
	uint64_t now = usec, next;

	(void)sd_event_now(w->manager->event, CLOCK_MONOTONIC, &now);
	/* A ticker: the next tick one period after this one; ticks missed while the loop was busy
	 * are dropped, as time.Ticker drops them. */
	next = usec + w->period_usec;
	if (next <= now)
		next = now + w->period_usec;
	(void)sd_event_source_set_time(s, next);
	(void)sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	worker_do_tick(w);
	return 0;
}

static int worker_arm(ProbeWorker *w, uint64_t delay) {
	uint64_t now;
	int r;

	r = sd_event_now(w->manager->event, CLOCK_MONOTONIC, &now);
	if (r < 0)
		return r;
	if (!w->timer) {
		r = sd_event_add_time(w->manager->event, &w->timer, CLOCK_MONOTONIC, now + delay,
		                      1000, on_tick, w);
		if (r < 0)
			return r;
		_cleanup_free_ char *desc = NULL;
		if (asprintf(&desc, "probe-%s-%s", probe_type_to_string(w->type),
		             strempty(w->name)) >= 0)
			sd_event_source_set_description(w->timer, desc);
		return 0;
	}
	r = sd_event_source_set_time(w->timer, now + delay);
	if (r < 0)
		return r;
	return sd_event_source_set_enabled(w->timer, SD_EVENT_ONESHOT);
}

int probe_worker_new(ProbeManager *m, ProbeType type, const ProbeSpec *spec,
                     const ProbeWorkerOps *ops, void *userdata, const char *name,
                     ProbeWorker **ret) {
	ProbeWorker *w;
	int r;

	if (!m || !spec || !ops || !ops->get_state || !ret)
		return -EINVAL;
	r = probe_spec_validate(spec, type, NULL);
	if (r < 0)
		return r;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->n_ref = 1;
	w->netns_fd = -EBADF;
	w->type = type;
	w->ops = *ops;
	w->userdata = userdata;
	w->period_usec = (uint64_t)spec->period_seconds * 1000000U;
	r = probe_spec_copy(spec, &w->spec);
	if (r < 0 || (name && !(w->name = strdup(name)))) {
		worker_unref(w);
		return r < 0 ? r : -ENOMEM;
	}
	probe_sm_init(&w->sm, type, &w->spec);
	w->manager = m;
	LIST_INSERT_HEAD(&m->workers, w, link);
	m->metrics.workers++;
	*ret = w;
	return 0;
}

int probe_worker_start(ProbeWorker *w) {
	uint64_t now, delay;
	int r;

	if (!w || !w->manager || w->state != WORKER_NEW)
		return -ESTALE;
	r = sd_event_now(w->manager->event, CLOCK_MONOTONIC, &now);
	if (r < 0)
		return r;
	/* Many workers start together after an agent restart: spread them over a period. */
	delay = probe_sm_first_delay(now, w->manager->config.agent_start_usec, w->period_usec,
	                             probe_manager_random(w->manager));
	r = worker_arm(w, delay);
	if (r < 0)
		return r;
	w->state = WORKER_RUNNING;
	return 0;
}

void probe_worker_pause(ProbeWorker *w) {
	if (!w || w->state != WORKER_RUNNING)
		return;
	worker_abort_tick(w);
	(void)sd_event_source_set_enabled(w->timer, SD_EVENT_OFF);
	w->state = WORKER_PAUSED;
}

int probe_worker_resume(ProbeWorker *w) {
	int r;

	if (!w || !w->manager || w->state != WORKER_PAUSED)
		return -ESTALE;
	r = worker_arm(w, 0);
	if (r < 0)
		return r;
	w->state = WORKER_RUNNING;
	return 0;
}

int probe_worker_trigger(ProbeWorker *w) {
	if (!w || !worker_alive(w))
		return -ESTALE;
	/* On the next loop iteration, never inside the caller; the period restarts from it. */
	return worker_arm(w, 0);
}

static void worker_stop(ProbeWorker *w) {
	worker_abort_tick(w);
	w->timer = sd_event_source_disable_unref(w->timer);
	if (w->manager) {
		LIST_REMOVE(w, link);
		w->manager->metrics.workers--;
		w->manager = NULL;
	}
}

void probe_worker_detach(ProbeWorker *w) {
	worker_stop(w);
	if (w->state != WORKER_FREED)
		w->state = WORKER_EXITED;
}

ProbeWorker *probe_worker_free(ProbeWorker *w) {
	if (!w)
		return NULL;
	worker_stop(w);
	w->state = WORKER_FREED;
	worker_unref(w);
	return NULL;
}

ProbeType probe_worker_get_type(const ProbeWorker *w) {
	return w->type;
}

ProbeResult probe_worker_get_result(const ProbeWorker *w) {
	return w->sm.has_cached ? w->sm.cached : PROBE_RESULT_UNKNOWN;
}

bool probe_worker_is_running(const ProbeWorker *w) {
	return w && worker_alive(w);
}

const ProbeWorkerCounters *probe_worker_get_counters(const ProbeWorker *w) {
	return &w->counters;
}
