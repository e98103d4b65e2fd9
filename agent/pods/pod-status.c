/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <time.h>

#include "pod-status.h"
#include "timestamp.h"

void container_state_info_clear(ContainerStateInfo *s) {
	free(s->reason);
	free(s->message);
	free(s->container_id);
	*s = (ContainerStateInfo){};
}

static int dup_or_null(char **dst, const char *src) {
	*dst = NULL;
	if (src && !(*dst = strdup(src)))
		return -ENOMEM;
	return 0;
}

int container_state_info_copy(ContainerStateInfo *dst, const ContainerStateInfo *src) {
	*dst = *src;
	dst->reason = dst->message = dst->container_id = NULL;
	if (dup_or_null(&dst->reason, src->reason) < 0 ||
	    dup_or_null(&dst->message, src->message) < 0 ||
	    dup_or_null(&dst->container_id, src->container_id) < 0) {
		container_state_info_clear(dst);
		return -ENOMEM;
	}
	return 0;
}

void container_status_clear(ContainerStatus *s) {
	container_state_info_clear(&s->state);
	container_state_info_clear(&s->last_state);
	free(s->image);
	free(s->image_id);
	free(s->container_id);
	*s = (ContainerStatus){};
}

const char *pod_phase_to_string(PodPhase p) {
	static const char *const names[] = { "Pending", "Running", "Succeeded", "Failed",
		                             "Unknown" };
	return p < ELEMENTSOF(names) ? names[p] : "Unknown";
}

const char *pod_condition_type_to_string(PodConditionType t) {
	static const char *const names[] = {
		"PodReadyToStartContainers", "Initialized",  "Ready",
		"ContainersReady",           "PodScheduled", "DisruptionTarget"
	};
	return t < ELEMENTSOF(names) ? names[t] : "";
}

static bool has_last_termination(const ContainerStatus *s) {
	return s->has_last_state && s->last_state.kind == CONTAINER_STATE_TERMINATED;
}

typedef struct PhaseCounts {
	unsigned pending_init, pending_sidecar, failed_init;
	unsigned unknown, running, waiting, stopped, succeeded;
} PhaseCounts;

static void count_init(const PodStatusInput *in, PhaseCounts *c) {
	const PodSpec *spec = &in->pod->spec;
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		const ContainerStatus *s = &in->init[i];
		bool sidecar = container_is_sidecar(&spec->init_containers[i]);
		if (!s->known) {
			if (sidecar)
				c->unknown++;
			else
				c->pending_init++;
			continue;
		}
		switch (s->state.kind) {
		case CONTAINER_STATE_RUNNING:
			if (sidecar) {
				if (!s->started)
					c->pending_sidecar++;
				c->running++;
			} else
				c->pending_init++;
			break;
		case CONTAINER_STATE_TERMINATED:
			/* terminated sidecars are ignored */
			if (!sidecar && s->state.exit_code != 0)
				c->failed_init++;
			break;
		case CONTAINER_STATE_WAITING:
			if (has_last_termination(s)) {
				if (!sidecar && s->last_state.exit_code != 0)
					c->failed_init++;
			} else if (sidecar)
				c->pending_sidecar++;
			else
				c->pending_init++;
			break;
		}
	}
}

static void count_regular(const PodStatusInput *in, PhaseCounts *c) {
	for (size_t i = 0; i < in->pod->spec.n_containers; i++) {
		const ContainerStatus *s = &in->regular[i];
		if (!s->known) {
			c->unknown++;
			continue;
		}
		switch (s->state.kind) {
		case CONTAINER_STATE_RUNNING:
			c->running++;
			break;
		case CONTAINER_STATE_TERMINATED:
			c->stopped++;
			if (s->state.exit_code == 0)
				c->succeeded++;
			break;
		case CONTAINER_STATE_WAITING:
			if (has_last_termination(s))
				c->stopped++;
			else
				c->waiting++;
			break;
		}
	}
}

PodPhase pod_status_phase(const PodStatusInput *in) {
	RestartPolicy rp = in->pod->spec.restart_policy;
	PhaseCounts c = {};

	count_init(in, &c);
	count_regular(in, &c);

	if (c.failed_init > 0 && rp == RESTART_POLICY_NEVER)
		return POD_PHASE_FAILED;
	/* Init containers still to run, unless regular containers already started (a sidecar
	 * restarting beside them does not send the pod back to Pending). */
	if (c.pending_init > 0 || (c.pending_sidecar > 0 && c.running + c.stopped == 0))
		return POD_PHASE_PENDING;
	if (c.waiting > 0)
		return POD_PHASE_PENDING;
	if (c.running > 0 && c.unknown == 0)
		return POD_PHASE_RUNNING;
	if (c.running == 0 && c.stopped > 0 && c.unknown == 0) {
		if (in->pod_is_terminal && !in->is_static)
			return c.stopped == c.succeeded ? POD_PHASE_SUCCEEDED : POD_PHASE_FAILED;
		if (rp == RESTART_POLICY_ALWAYS)
			return POD_PHASE_RUNNING;
		if (c.stopped == c.succeeded)
			return POD_PHASE_SUCCEEDED;
		if (rp == RESTART_POLICY_NEVER)
			return POD_PHASE_FAILED;
		return POD_PHASE_RUNNING;
	}
	return POD_PHASE_PENDING;
}

/* Go's fmt of a []string: "[a b c]". */
static void name_list(char *buf, size_t size, const char *prefix, const char **names, size_t n) {
	size_t l = strlen(buf);
	if (n == 0 || l >= size)
		return;
	int k = snprintf(buf + l, size - l, "%s%s[", l ? ", " : "", prefix);
	for (size_t i = 0; i < n && k > 0; i++) {
		l = strlen(buf);
		k = snprintf(buf + l, size - l, "%s%s", i ? " " : "", names[i]);
	}
	l = strlen(buf);
	if (l < size - 1)
		snprintf(buf + l, size - l, "]");
}

static void set_cond(PodCondition *c, bool status, const char *reason, const char *message,
                     uint64_t now) {
	if (!c->present || c->status != status)
		c->last_transition = now;
	c->present = true;
	c->status = status;
	snprintf(c->reason, sizeof(c->reason), "%s", strempty(reason));
	snprintf(c->message, sizeof(c->message), "%s", strempty(message));
}

static bool any_regular_started(const PodStatusInput *in) {
	for (size_t i = 0; i < in->pod->spec.n_containers; i++) {
		const ContainerStatus *s = &in->regular[i];
		if (s->known && (s->state.kind != CONTAINER_STATE_WAITING || s->has_last_state))
			return true;
	}
	return false;
}

static void initialized(const PodStatusInput *in, PodPhase phase, uint64_t now, PodCondition *c) {
	const PodSpec *spec = &in->pod->spec;
	_cleanup_free_ const char **unknown = calloc(spec->n_init_containers + 1, sizeof(char *));
	_cleanup_free_ const char **incomplete =
	        calloc(spec->n_init_containers + 1, sizeof(char *));
	size_t n_unknown = 0, n_incomplete = 0;
	char msg[512] = "";

	if (spec->n_init_containers == 0 || !unknown || !incomplete)
		return set_cond(c, true, NULL, NULL, now);
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		const ContainerStatus *s = &in->init[i];
		const Container *ic = &spec->init_containers[i];
		if (!s->known)
			unknown[n_unknown++] = ic->name;
		else if (container_is_sidecar(ic) ? !s->started
		                                  : s->state.kind != CONTAINER_STATE_TERMINATED ||
		                                            s->state.exit_code != 0)
			incomplete[n_incomplete++] = ic->name;
	}
	if (phase == POD_PHASE_SUCCEEDED && n_unknown == 0)
		return set_cond(c, true, "PodCompleted", NULL, now);
	if (any_regular_started(in))
		return set_cond(c, true, NULL, NULL, now);
	name_list(msg, sizeof(msg), "containers with unknown status: ", unknown, n_unknown);
	name_list(msg, sizeof(msg), "containers with incomplete status: ", incomplete,
	          n_incomplete);
	if (*msg)
		return set_cond(c, false, "ContainersNotInitialized", msg, now);
	set_cond(c, true, NULL, NULL, now);
}

static void containers_ready(const PodStatusInput *in, PodPhase phase, uint64_t now,
                             PodCondition *c) {
	const PodSpec *spec = &in->pod->spec;
	size_t max = spec->n_init_containers + spec->n_containers + 1;
	_cleanup_free_ const char **unknown = calloc(max, sizeof(char *));
	_cleanup_free_ const char **unready = calloc(max, sizeof(char *));
	size_t n_unknown = 0, n_unready = 0;
	char msg[512] = "";

	if (!unknown || !unready)
		return;
	for (size_t i = 0; i < spec->n_init_containers; i++) {
		if (!container_is_sidecar(&spec->init_containers[i]))
			continue;
		if (!in->init[i].known)
			unknown[n_unknown++] = spec->init_containers[i].name;
		else if (!in->init[i].ready)
			unready[n_unready++] = spec->init_containers[i].name;
	}
	for (size_t i = 0; i < spec->n_containers; i++) {
		if (!in->regular[i].known)
			unknown[n_unknown++] = spec->containers[i].name;
		else if (!in->regular[i].ready)
			unready[n_unready++] = spec->containers[i].name;
	}
	if (phase == POD_PHASE_SUCCEEDED && n_unknown == 0)
		return set_cond(c, false, "PodCompleted", NULL, now);
	if (phase == POD_PHASE_FAILED)
		return set_cond(c, false, "PodFailed", NULL, now);
	name_list(msg, sizeof(msg), "containers with unknown status: ", unknown, n_unknown);
	name_list(msg, sizeof(msg), "containers with unready status: ", unready, n_unready);
	if (*msg)
		return set_cond(c, false, "ContainersNotReady", msg, now);
	set_cond(c, true, NULL, NULL, now);
}

void pod_status_conditions(const PodStatusInput *in, PodPhase phase, uint64_t now,
                           PodCondition conds[_POD_CONDITION_MAX]) {
	PodCondition *ready = &conds[POD_CONDITION_READY];
	PodCondition *cready = &conds[POD_CONDITION_CONTAINERS_READY];

	set_cond(&conds[POD_CONDITION_READY_TO_START_CONTAINERS], in->sandbox_ready, NULL, NULL,
	         now);
	initialized(in, phase, now, &conds[POD_CONDITION_INITIALIZED]);
	containers_ready(in, phase, now, cready);
	/* GeneratePodReadyCondition: Ready mirrors ContainersReady (no readiness gates). */
	set_cond(ready, cready->status, cready->reason, cready->message, now);
	set_cond(&conds[POD_CONDITION_SCHEDULED], true, NULL, NULL, now);
}

json_object *rfc3339_json(uint64_t realtime_usec) {
	char buf[RFC3339_MAX];
	return realtime_usec
	               ? json_object_new_string(rfc3339_format(realtime_usec, buf, sizeof(buf)))
	               : NULL;
}

static void add_time(json_object *o, const char *key, uint64_t usec) {
	json_object_object_add(o, key, rfc3339_json(usec));
}

static void add_str(json_object *o, const char *key, const char *value) {
	if (!isempty(value))
		json_object_object_add(o, key, json_object_new_string(value));
}

static json_object *state_to_json(const ContainerStateInfo *s) {
	json_object *o = json_object_new_object(), *inner = json_object_new_object();
	switch (s->kind) {
	case CONTAINER_STATE_WAITING:
		add_str(inner, "reason", s->reason);
		add_str(inner, "message", s->message);
		json_object_object_add(o, "waiting", inner);
		break;
	case CONTAINER_STATE_RUNNING:
		add_time(inner, "startedAt", s->started_at);
		json_object_object_add(o, "running", inner);
		break;
	case CONTAINER_STATE_TERMINATED:
		json_object_object_add(inner, "exitCode", json_object_new_int(s->exit_code));
		if (s->signal)
			json_object_object_add(inner, "signal", json_object_new_int(s->signal));
		add_str(inner, "reason", s->reason);
		add_str(inner, "message", s->message);
		add_time(inner, "startedAt", s->started_at);
		add_time(inner, "finishedAt", s->finished_at);
		add_str(inner, "containerID", s->container_id);
		json_object_object_add(o, "terminated", inner);
		break;
	}
	return o;
}

json_object *container_status_to_json(const ContainerStatus *s) {
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(s->spec->name));
	json_object_object_add(o, "state", state_to_json(&s->state));
	json_object_object_add(o, "lastState",
	                       s->has_last_state ? state_to_json(&s->last_state)
	                                         : json_object_new_object());
	json_object_object_add(o, "ready", json_object_new_boolean(s->ready));
	json_object_object_add(o, "restartCount", json_object_new_int((int32_t)s->restart_count));
	json_object_object_add(o, "image", json_object_new_string(strempty(s->image)));
	json_object_object_add(o, "imageID", json_object_new_string(strempty(s->image_id)));
	add_str(o, "containerID", s->container_id);
	json_object_object_add(o, "started", json_object_new_boolean(s->started));
	return o;
}

json_object *pod_conditions_to_json(const PodCondition conds[_POD_CONDITION_MAX]) {
	/* generate.go order: PodReadyToStartContainers, Initialized, Ready, ContainersReady,
	 * PodScheduled; DisruptionTarget carried over. */
	json_object *a = json_object_new_array();
	for (int t = 0; t < _POD_CONDITION_MAX; t++) {
		const PodCondition *c = &conds[t];
		if (!c->present)
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "type",
		                       json_object_new_string(pod_condition_type_to_string(t)));
		json_object_object_add(o, "status",
		                       json_object_new_string(c->status ? "True" : "False"));
		json_object_object_add(o, "lastProbeTime", NULL);
		add_time(o, "lastTransitionTime", c->last_transition);
		add_str(o, "reason", c->reason);
		add_str(o, "message", c->message);
		json_object_array_add(a, o);
	}
	return a;
}
