/* SPDX-License-Identifier: Apache-2.0 */
/* A worker's status, derived on demand from its containers (never stored twice). */
#include "pod-worker.h"
#include "qos.h"

void pod_worker_container_statuses(PodWorker *w, ContainerStatus *init, ContainerStatus *regular) {
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		container_run_status(&w->init[i], &init[i]);
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		container_run_status(&w->regular[i], &regular[i]);
}

typedef struct Statuses {
	ContainerStatus *init, *regular;
	size_t n_init, n_regular;
} Statuses;

static void statuses_done(Statuses *s) {
	for (size_t i = 0; s->init && i < s->n_init; i++)
		container_status_clear(&s->init[i]);
	for (size_t i = 0; s->regular && i < s->n_regular; i++)
		container_status_clear(&s->regular[i]);
	free(s->init);
	free(s->regular);
}

static int statuses_get(PodWorker *w, Statuses *s) {
	s->n_init = w->pod->spec.n_init_containers;
	s->n_regular = w->pod->spec.n_containers;
	s->init = calloc(s->n_init + 1, sizeof(ContainerStatus));
	s->regular = calloc(s->n_regular + 1, sizeof(ContainerStatus));
	if (!s->init || !s->regular)
		return -ENOMEM;
	if (w->state == POD_WORKER_ADMITTING || w->state == POD_WORKER_REJECTED) {
		/* nothing ran: the kubelet reports no container statuses yet */
		for (size_t i = 0; i < s->n_init; i++)
			s->init[i] = (ContainerStatus){ .spec = w->init[i].spec };
		for (size_t i = 0; i < s->n_regular; i++)
			s->regular[i] = (ContainerStatus){ .spec = w->regular[i].spec };
		return 0;
	}
	pod_worker_container_statuses(w, s->init, s->regular);
	return 0;
}

static PodPhase phase_of(PodWorker *w, const Statuses *s) {
	if (w->has_forced_phase)
		return w->forced_phase;
	if (w->state == POD_WORKER_ADMITTING)
		return POD_PHASE_PENDING;
	PodStatusInput in = {
		.pod = w->pod,
		.init = s->init,
		.regular = s->regular,
		.pod_is_terminal = w->terminal,
		/* skiff's static pods are its only pods: give them the terminal phases too, or
		 * a finished batch pod would read Running forever */
		.is_static = false,
		.sandbox_ready = w->sandbox_ready,
	};
	return pod_status_phase(&in);
}

PodPhase pod_worker_phase(PodWorker *w) {
	Statuses s = {};
	PodPhase p = POD_PHASE_PENDING;
	if (statuses_get(w, &s) >= 0)
		p = phase_of(w, &s);
	statuses_done(&s);
	return p;
}

/* Conditions are regenerated on every sync, as the kubelet's status manager does, so that
 * lastTransitionTime is when a condition changed, not when someone first asked. */
void pod_worker_update_conditions(PodWorker *w) {
	Statuses s = {};
	if (w->state != POD_WORKER_REJECTED && statuses_get(w, &s) >= 0) {
		PodStatusInput in = { .pod = w->pod,
			              .init = s.init,
			              .regular = s.regular,
			              .pod_is_terminal = w->terminal,
			              .sandbox_ready = w->sandbox_ready };
		pod_status_conditions(&in, phase_of(w, &s), kubelet_now(w->kubelet), w->conditions);
	}
	statuses_done(&s);
}

static void add_time(json_object *o, const char *key, uint64_t usec) {
	if (usec)
		json_object_object_add(o, key, rfc3339_json(usec));
}

static json_object *status_array(const ContainerStatus *l, size_t n) {
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		if (l[i].known)
			json_object_array_add(a, container_status_to_json(&l[i]));
	return a;
}

static json_object *ips(const char *ip) {
	json_object *a = json_object_new_array(), *o = json_object_new_object();
	json_object_object_add(o, "ip", json_object_new_string(ip));
	json_object_array_add(a, o);
	return a;
}

static json_object *build_status(PodWorker *w) {
	Kubelet *k = w->kubelet;
	Statuses s = {};
	json_object *st = json_object_new_object();

	if (statuses_get(w, &s) < 0) {
		statuses_done(&s);
		return st;
	}
	PodPhase phase = phase_of(w, &s);
	PodStatusInput in = { .pod = w->pod,
		              .init = s.init,
		              .regular = s.regular,
		              .pod_is_terminal = w->terminal,
		              .sandbox_ready = w->sandbox_ready };
	json_object_object_add(st, "phase", json_object_new_string(pod_phase_to_string(phase)));
	if (w->state != POD_WORKER_REJECTED) {
		pod_status_conditions(&in, phase, kubelet_now(k), w->conditions);
		json_object_object_add(st, "conditions", pod_conditions_to_json(w->conditions));
	}
	if (w->message)
		json_object_object_add(st, "message", json_object_new_string(w->message));
	if (w->reason)
		json_object_object_add(st, "reason", json_object_new_string(w->reason));
	if (k->host_ip) {
		json_object_object_add(st, "hostIP", json_object_new_string(k->host_ip));
		json_object_object_add(st, "hostIPs", ips(k->host_ip));
	}
	const char *pod_ip = w->pod->spec.host_network ? k->host_ip : w->pod_ip;
	if (!isempty(pod_ip)) {
		json_object_object_add(st, "podIP", json_object_new_string(pod_ip));
		json_object_object_add(st, "podIPs", ips(pod_ip));
	}
	add_time(st, "startTime", w->start_time);
	if (w->state != POD_WORKER_REJECTED) {
		if (s.n_init > 0)
			json_object_object_add(st, "initContainerStatuses",
			                       status_array(s.init, s.n_init));
		json_object_object_add(st, "containerStatuses",
		                       status_array(s.regular, s.n_regular));
	}
	json_object_object_add(
	        st, "qosClass",
	        json_object_new_string(pod_qos_class_to_string(pod_qos_class(w->pod))));
	statuses_done(&s);
	return st;
}

int pod_worker_to_json(PodWorker *w, json_object **ret) {
	json_object *o = NULL;
	int r = pod_to_json(w->pod, &o);
	if (r < 0)
		return r;
	json_object *meta = json_object_object_get(o, "metadata");
	if (meta) {
		add_time(meta, "creationTimestamp", w->created_at);
		if (w->deletion_at) {
			add_time(meta, "deletionTimestamp", w->deletion_at);
			const OptInt64 *g = &w->pod->spec.termination_grace_period_seconds;
			json_object_object_add(meta, "deletionGracePeriodSeconds",
			                       json_object_new_int64(g->set ? g->value : 30));
		}
	}
	json_object_object_add(o, "status", build_status(w));
	*ret = o;
	return 0;
}
