/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod side of probes: one probes/ worker per container and probe type, the Pod's probe
 * translated into a ProbeSpec (named ports resolved against the container's ports), results
 * folded into the container's ready/started flags, liveness/startup failures turned into a
 * kill and restart (prober/results + kubelet's handling in syncPod), Unhealthy events recorded.
 * Exec probes run through `skiff-monitor exec` (container-exec.c).
 */
#include <fcntl.h>

#include "container-exec.h"
#include "log.h"
#include "pod-probes.h"

static const Probe *probe_of(const Container *c, ProbeType t) {
	switch (t) {
	case PROBE_LIVENESS:
		return c->liveness_probe;
	case PROBE_READINESS:
		return c->readiness_probe;
	case PROBE_STARTUP:
		return c->startup_probe;
	default:
		return NULL;
	}
}

/* Pod handler -> ProbeSpec (pointers into the Pod, copied by the engine). */
int pod_probe_spec(const Container *c, const Handler *h, const Probe *timing, ProbeSpec *spec,
                   ProbeHeader *headers, size_t max_headers) {
	int port;
	switch (h->type) {
	case HANDLER_EXEC:
		probe_spec_init(spec, PROBE_KIND_EXEC);
		spec->command = (const char *const *)h->exec.command;
		break;
	case HANDLER_HTTP_GET:
		probe_spec_init(spec, PROBE_KIND_HTTP_GET);
		if ((port = container_resolve_port(c, &h->http_get.port)) < 0)
			return port;
		spec->port = (uint16_t)port;
		spec->host = h->http_get.host;
		spec->path = h->http_get.path;
		spec->scheme = h->http_get.scheme == URI_SCHEME_HTTPS ? PROBE_SCHEME_HTTPS
		                                                      : PROBE_SCHEME_HTTP;
		for (size_t i = 0; i < h->http_get.n_headers && i < max_headers; i++)
			headers[i] = (ProbeHeader){ h->http_get.headers[i].name,
				                    h->http_get.headers[i].value };
		spec->headers = headers;
		spec->n_headers = MIN(h->http_get.n_headers, max_headers);
		break;
	case HANDLER_TCP_SOCKET:
		probe_spec_init(spec, PROBE_KIND_TCP_SOCKET);
		if ((port = container_resolve_port(c, &h->tcp_socket.port)) < 0)
			return port;
		spec->port = (uint16_t)port;
		spec->host = h->tcp_socket.host;
		break;
	case HANDLER_GRPC:
		probe_spec_init(spec, PROBE_KIND_GRPC);
		spec->port = (uint16_t)h->grpc.port;
		spec->grpc_service = h->grpc.service;
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (timing) {
		spec->initial_delay_seconds = timing->initial_delay_seconds;
		spec->timeout_seconds = timing->timeout_seconds;
		spec->period_seconds = timing->period_seconds;
		spec->success_threshold = timing->success_threshold;
		spec->failure_threshold = timing->failure_threshold;
	}
	return 0;
}

typedef struct ProbeSlot {
	ContainerRun *c;
	ProbeType type;
} ProbeSlot;

static ContainerRun *slot_container(void *userdata, ProbeType *type) {
	ProbeSlot *s = userdata;
	*type = s->type;
	return s->c;
}

static int get_state(void *userdata, ProbeContainerState *ret) {
	ProbeType t;
	ContainerRun *c = slot_container(userdata, &t);
	PodWorker *w = c->pod;
	*ret = (ProbeContainerState){
		.has_status = true,
		.pod_terminal = w->terminal,
		.pod_deleting = w->state == POD_WORKER_TERMINATING,
		.container_id = c->instances > 0 ? c->id : NULL,
		.running = c->state == RUN_RUNNING,
		.started_at_usec = c->started_at,
		.started = c->started,
		.terminated = c->state == RUN_EXITED,
		.restartable = w->pod->spec.restart_policy != RESTART_POLICY_NEVER ||
		               container_is_sidecar(c->spec),
		.pod_ip = pod_probe_host(w),
		.netns_fd = pod_probe_netns(w),
	};
	return 0;
}

static void refresh_ready(ContainerRun *c) {
	/* No startup probe: started = running. No readiness probe: ready once started. */
	if (!c->spec->startup_probe)
		c->started = c->state == RUN_RUNNING;
	if (!c->spec->readiness_probe)
		c->ready = c->state == RUN_RUNNING && c->started;
}

static uint64_t kill_grace(const ContainerRun *c, const Probe *p) {
	/* setTerminationGracePeriod: the probe's terminationGracePeriodSeconds, else the pod's */
	const OptInt64 *g = p && p->termination_grace_period_seconds.set
	                            ? &p->termination_grace_period_seconds
	                            : &c->pod->pod->spec.termination_grace_period_seconds;
	return (uint64_t)(g->set && g->value > 0 ? g->value : 0) * 1000000ULL;
}

static void on_result(void *userdata, const ProbeUpdate *u) {
	ProbeType t;
	ContainerRun *c = slot_container(userdata, &t);
	PodWorker *w = c->pod;

	if (!u->container_id || !streq(u->container_id, c->id))
		return;
	switch (t) {
	case PROBE_READINESS:
		c->ready =
		        u->result == PROBE_RESULT_SUCCESS && c->state == RUN_RUNNING && c->started;
		break;
	case PROBE_STARTUP:
		if (u->result == PROBE_RESULT_SUCCESS) {
			c->started = true;
			refresh_ready(c);
		} else if (u->result == PROBE_RESULT_FAILURE && c->state == RUN_RUNNING) {
			log_container(LOG_NOTICE, w->key, c->spec->name,
			              "startup probe failed, restarting");
			container_run_kill(c, KILL_LIVENESS, kill_grace(c, c->spec->startup_probe));
		}
		break;
	case PROBE_LIVENESS:
		if (u->result == PROBE_RESULT_FAILURE && c->state == RUN_RUNNING) {
			log_container(LOG_NOTICE, w->key, c->spec->name,
			              "liveness probe failed, restarting");
			container_run_kill(c, KILL_LIVENESS,
			                   kill_grace(c, c->spec->liveness_probe));
		}
		break;
	default:
		break;
	}
	pod_worker_queue_sync(w);
}

static void on_event(void *userdata, const ProbeEvent *e) {
	ProbeType t;
	ContainerRun *c = slot_container(userdata, &t);
	pod_events_add(&c->pod->events, true, e->reason, kubelet_now(c->pod->kubelet), "%s",
	               e->message);
}

static const ProbeWorkerOps worker_ops = {
	.get_state = get_state,
	.on_result = on_result,
	.on_event = on_event,
};

static ProbeSlot *slot_new(ContainerRun *c, ProbeType t) {
	ProbeSlot *s = calloc(1, sizeof(ProbeSlot));
	if (s)
		*s = (ProbeSlot){ c, t };
	return s;
}

static int worker_create(ContainerRun *c, ProbeType t) {
	const Probe *p = probe_of(c->spec, t);
	ProbeHeader headers[64];
	ProbeSpec spec;
	_cleanup_free_ char *name = NULL;
	int r;

	if (!p || c->probes[t])
		return 0;
	r = pod_probe_spec(c->spec, &p->handler, p, &spec, headers, ELEMENTSOF(headers));
	if (r < 0)
		return r;
	ProbeSlot *slot = slot_new(c, t);
	if (!slot || asprintf(&name, "%s/%s", c->pod->key, c->spec->name) < 0) {
		free(slot);
		return -ENOMEM;
	}
	r = probe_worker_new(c->pod->kubelet->probes, t, &spec, &worker_ops, slot, name,
	                     (ProbeWorker **)&c->probes[t]);
	if (r < 0) {
		free(slot);
		return r;
	}
	c->probe_slots[t] = slot;
	return probe_worker_start(c->probes[t]);
}

void pod_probes_container_started(ContainerRun *c) {
	c->started = false;
	c->ready = false;
	refresh_ready(c);
	for (int t = 0; t < _PROBE_TYPE_MAX; t++) {
		if (c->probes[t]) {
			(void)probe_worker_resume(c->probes[t]);
			continue;
		}
		int r = worker_create(c, (ProbeType)t);
		if (r < 0)
			log_container(LOG_WARNING, c->pod->key, c->spec->name,
			              "%s probe not started: %s",
			              probe_type_to_string((ProbeType)t), strerror(-r));
	}
}

void pod_probes_container_stopping(ContainerRun *c) {
	/* liveness and startup workers stop first; readiness goes on while it terminates */
	if (c->probes[PROBE_LIVENESS])
		probe_worker_pause(c->probes[PROBE_LIVENESS]);
	if (c->probes[PROBE_STARTUP])
		probe_worker_pause(c->probes[PROBE_STARTUP]);
}

void pod_probes_container_stopped(ContainerRun *c) {
	for (int t = 0; t < _PROBE_TYPE_MAX; t++)
		if (c->probes[t])
			probe_worker_pause(c->probes[t]);
	c->ready = false;
}

void pod_probes_free(ContainerRun *c) {
	for (int t = 0; t < _PROBE_TYPE_MAX; t++) {
		c->probes[t] = probe_worker_free(c->probes[t]);
		free(c->probe_slots[t]);
		c->probe_slots[t] = NULL;
	}
}

void pod_probes_pod_stopped(PodWorker *w) {
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		pod_probes_free(&w->init[i]);
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		pod_probes_free(&w->regular[i]);
}

/* ---- exec probes: ProbeExecOps over skiff-monitor exec ---- */

static void exec_done(ExecRun *run, const ExecResult *r, void *userdata) {
	ProbeExec *e = userdata;
	probe_exec_set_data(e, NULL);
	if (r->error)
		probe_exec_complete(e, PROBE_EXEC_ERROR, 0, NULL, 0, strerror(r->error));
	else if (r->timed_out)
		probe_exec_complete(e, PROBE_EXEC_TIMED_OUT, r->exit_code, r->output,
		                    r->output_size, NULL);
	else
		probe_exec_complete(e, PROBE_EXEC_EXITED, r->exit_code, r->output, r->output_size,
		                    NULL);
}

static int exec_start(void *userdata, ProbeExec *e, const ProbeExecRequest *req) {
	Kubelet *k = userdata;
	_cleanup_free_ char *dir = NULL;
	ExecRun *run = NULL;
	if (asprintf(&dir, "%s/%s", k->containers_state_dir, req->container_id) < 0)
		return -ENOMEM;
	int r = container_exec_start(k->event, dir, (char *const *)req->argv, req->timeout_usec,
	                             PROBE_OUTPUT_MAX, exec_done, e, &run);
	if (r < 0)
		return r;
	probe_exec_set_data(e, run);
	return 0;
}

static void exec_cancel(void *userdata, ProbeExec *e) {
	container_exec_cancel(probe_exec_get_data(e));
	probe_exec_set_data(e, NULL);
}

const char *pod_probe_host(PodWorker *w) {
	/* the pod IP when it has one (hostNetwork: the node's); without pod networking the
	 * pod is reached on loopback inside its own network namespace */
	if (w->pod->spec.host_network)
		return w->kubelet->host_ip ? w->kubelet->host_ip : "127.0.0.1";
	return !isempty(w->pod_ip) ? w->pod_ip : "127.0.0.1";
}

int pod_probe_netns(PodWorker *w) {
	if (w->pod->spec.host_network || !w->sandbox_ready)
		return -EBADF;
	if (w->netns_fd < 0) {
		_cleanup_free_ char *p = NULL;
		if (runtime_sandbox_ns_path(w->sandbox_dir, NAMESPACE_NET, &p) >= 0)
			w->netns_fd = open(p, O_RDONLY | O_CLOEXEC);
	}
	return w->netns_fd;
}

const ProbeExecOps pod_probe_exec_ops = {
	.start = exec_start,
	.cancel = exec_cancel,
};
