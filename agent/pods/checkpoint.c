/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Restart safety: what a new agent needs to take a pod over without restarting anything —
 * the pod as admitted, the worker's state, and per container its current instance, restart
 * count, last terminations and back-off — in <stateDir>/pods/<uid>/checkpoint.json, written
 * atomically after every change. Exit codes that happen while no agent runs are in the
 * monitors' exit records and folded in on recovery (container_run_adopt).
 */
#include <dirent.h>

#include "fileio.h"
#include "log.h"
#include "log-reader.h"
#include "pod-probes.h"
#include "pod-worker.h"
#include "translate.h"
#include "tree.h"

#define CHECKPOINT_VERSION 1
#define CHECKPOINT_MAX (8u * 1024 * 1024)

static void add_u64(json_object *o, const char *k, uint64_t v) {
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void add_str(json_object *o, const char *k, const char *v) {
	if (v)
		json_object_object_add(o, k, json_object_new_string(v));
}

static json_object *state_json(const ContainerStateInfo *s) {
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_int(s->kind));
	add_str(o, "reason", s->reason);
	add_str(o, "message", s->message);
	json_object_object_add(o, "exitCode", json_object_new_int(s->exit_code));
	json_object_object_add(o, "signal", json_object_new_int(s->signal));
	add_u64(o, "startedAt", s->started_at);
	add_u64(o, "finishedAt", s->finished_at);
	add_str(o, "containerID", s->container_id);
	return o;
}

static json_object *run_json(const ContainerRun *c) {
	json_object *o = json_object_new_object();
	add_str(o, "name", c->spec->name);
	json_object_object_add(o, "state", json_object_new_int(c->state));
	add_str(o, "id", c->id);
	json_object_object_add(o, "instances", json_object_new_int64(c->instances));
	json_object_object_add(o, "restartCount", json_object_new_int64(c->restart_count));
	add_str(o, "imageID", c->image_id);
	add_u64(o, "startedAt", c->started_at);
	if (c->terminated.kind == CONTAINER_STATE_TERMINATED)
		json_object_object_add(o, "terminated", state_json(&c->terminated));
	if (c->has_prev)
		json_object_object_add(o, "previous", state_json(&c->prev_terminated));
	add_u64(o, "backoffDelay", c->backoff.delay);
	add_u64(o, "backoffUpdate", c->backoff.last_update);
	json_object_object_add(o, "postStartDone", json_object_new_boolean(c->post_start_done));
	return o;
}

int pod_worker_checkpoint(PodWorker *w) {
	_cleanup_free_ char *path = NULL;
	json_object *o = json_object_new_object(), *pod = NULL, *a;
	int r;

	if (w->state == POD_WORKER_TERMINATED && w->remove_when_terminated) {
		json_object_put(o);
		return 0;
	}
	if ((r = pod_to_json(w->pod, &pod)) < 0) {
		json_object_put(o);
		return r;
	}
	json_object_object_add(o, "version", json_object_new_int(CHECKPOINT_VERSION));
	json_object_object_add(o, "pod", pod);
	add_str(o, "source", w->source);
	add_str(o, "sourcePath", w->source_path);
	json_object_object_add(o, "state", json_object_new_int(w->state));
	json_object_object_add(o, "terminal", json_object_new_boolean(w->terminal));
	json_object_object_add(o, "initialized", json_object_new_boolean(w->initialized));
	json_object_object_add(o, "removeWhenTerminated",
	                       json_object_new_boolean(w->remove_when_terminated));
	add_str(o, "reason", w->reason);
	add_str(o, "message", w->message);
	if (w->has_forced_phase)
		json_object_object_add(o, "forcedPhase", json_object_new_int(w->forced_phase));
	add_u64(o, "createdAt", w->created_at);
	add_u64(o, "startTime", w->start_time);
	add_u64(o, "deletionAt", w->deletion_at);
	add_u64(o, "graceOverride", w->grace_override_usec);
	json_object_object_add(o, "sandboxReady", json_object_new_boolean(w->sandbox_ready));
	json_object_object_add(o, "cgroupCreated", json_object_new_boolean(w->cgroup_created));
	a = json_object_new_array();
	for (size_t i = 0; i < w->pod->spec.n_init_containers; i++)
		json_object_array_add(a, run_json(&w->init[i]));
	json_object_object_add(o, "initContainers", a);
	a = json_object_new_array();
	for (size_t i = 0; i < w->pod->spec.n_containers; i++)
		json_object_array_add(a, run_json(&w->regular[i]));
	json_object_object_add(o, "containers", a);
	/* a condition's lastTransitionTime outlives the agent */
	a = json_object_new_array();
	for (int t = 0; t < _POD_CONDITION_MAX; t++) {
		const PodCondition *pc = &w->conditions[t];
		if (!pc->present)
			continue;
		json_object *c = json_object_new_object();
		json_object_object_add(c, "type", json_object_new_int(t));
		json_object_object_add(c, "status", json_object_new_boolean(pc->status));
		add_u64(c, "lastTransition", pc->last_transition);
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "conditions", a);

	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = mkdir_p(w->state_dir, 0700);
	if (r >= 0 && asprintf(&path, "%s/checkpoint.json", w->state_dir) < 0)
		r = -ENOMEM;
	if (r >= 0)
		r = write_file_atomic(path, text, strlen(text), 0600);
	json_object_put(o);
	return r;
}

/* ---- restore ---- */

static uint64_t get_u64(json_object *o, const char *k) {
	json_object *v = tree_get(o, k);
	return v ? (uint64_t)json_object_get_uint64(v) : 0;
}

static int64_t get_i64(json_object *o, const char *k) {
	json_object *v = tree_get(o, k);
	return v ? json_object_get_int64(v) : 0;
}

static char *get_str(json_object *o, const char *k) {
	json_object *v = tree_get(o, k);
	return v && json_object_is_type(v, json_type_string) ? strdup(json_object_get_string(v))
	                                                     : NULL;
}

static bool get_bool(json_object *o, const char *k) {
	json_object *v = tree_get(o, k);
	return v && json_object_get_boolean(v);
}

static void state_restore(json_object *o, ContainerStateInfo *s) {
	s->kind = (ContainerStateKind)get_i64(o, "kind");
	s->reason = get_str(o, "reason");
	s->message = get_str(o, "message");
	s->exit_code = (int32_t)get_i64(o, "exitCode");
	s->signal = (int32_t)get_i64(o, "signal");
	s->started_at = get_u64(o, "startedAt");
	s->finished_at = get_u64(o, "finishedAt");
	s->container_id = get_str(o, "containerID");
}

static void run_restore(ContainerRun *c, json_object *o) {
	_cleanup_free_ char *id = get_str(o, "id");
	json_object *t;
	c->state = (RunState)get_i64(o, "state");
	if (id && strlen(id) == 64)
		memcpy(c->id, id, 65);
	c->instances = (uint32_t)get_i64(o, "instances");
	c->restart_count = (uint32_t)get_i64(o, "restartCount");
	c->image_id = get_str(o, "imageID");
	c->started_at = get_u64(o, "startedAt");
	if ((t = tree_get(o, "terminated")))
		state_restore(t, &c->terminated);
	if ((t = tree_get(o, "previous"))) {
		state_restore(t, &c->prev_terminated);
		c->has_prev = true;
	}
	c->backoff.delay = get_u64(o, "backoffDelay");
	c->backoff.last_update = get_u64(o, "backoffUpdate");
	c->post_start_done = get_bool(o, "postStartDone");
}

static void runs_restore(ContainerRun *runs, size_t n, json_object *a) {
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i);
		_cleanup_free_ char *name = get_str(o, "name");
		for (size_t j = 0; j < n; j++)
			if (name && streq(runs[j].spec->name, name))
				run_restore(&runs[j], o);
	}
}

static void conditions_restore(PodWorker *w, json_object *a) {
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i);
		int64_t t = get_i64(o, "type");
		if (t < 0 || t >= _POD_CONDITION_MAX)
			continue;
		w->conditions[t].present = true;
		w->conditions[t].status = get_bool(o, "status");
		w->conditions[t].last_transition = get_u64(o, "lastTransition");
	}
}

static int adopt_all(PodWorker *w, ContainerRun *runs, size_t n) {
	for (size_t i = 0; i < n; i++) {
		ContainerRun *c = &runs[i];
		if (!container_run_active(c))
			continue;
		if (c->state == RUN_RUNNING || c->state == RUN_CREATING) {
			int r = container_run_adopt(c);
			if (r < 0)
				log_container(LOG_WARNING, w->key, c->spec->name,
				              "could not re-adopt container %s: %s", c->id,
				              strerror(-r));
		}
	}
	return 0;
}

int pod_worker_restore(Kubelet *k, const char *uid, PodWorker **ret) {
	_cleanup_free_ char *path = NULL, *data = NULL;
	_cleanup_free_ char *source = NULL, *source_path = NULL;
	TreeDocs docs = {};
	Diag d = {};
	Pod *pod = NULL;
	PodWorker *w = NULL;
	size_t size;
	int r;

	if (asprintf(&path, "%s/%s/checkpoint.json", k->pods_state_dir, uid) < 0)
		return -ENOMEM;
	r = read_full_file(path, CHECKPOINT_MAX, &data, &size);
	if (r < 0)
		return r;
	TreeLimits lim = TREE_LIMITS_DEFAULT;
	r = tree_parse(data, size, &lim, &docs, &d);
	if (r < 0 || docs.n_docs != 1)
		goto fail;
	json_object *o = docs.docs[0];
	r = pod_from_json(tree_get(o, "pod"), "pod", &pod, &d);
	if (r < 0 || !pod || !streq_ptr(pod->metadata.uid, uid))
		goto fail;
	source = get_str(o, "source");
	source_path = get_str(o, "sourcePath");
	r = pod_worker_alloc(k, pod, source, source_path, &w);
	pod = NULL;
	if (r < 0)
		goto fail;
	w->state = (PodWorkerState)get_i64(o, "state");
	w->terminal = get_bool(o, "terminal");
	w->initialized = get_bool(o, "initialized");
	w->remove_when_terminated = get_bool(o, "removeWhenTerminated");
	w->reason = get_str(o, "reason");
	w->message = get_str(o, "message");
	if (tree_get(o, "forcedPhase")) {
		w->has_forced_phase = true;
		w->forced_phase = (PodPhase)get_i64(o, "forcedPhase");
	}
	w->created_at = get_u64(o, "createdAt");
	w->start_time = get_u64(o, "startTime");
	w->deletion_at = get_u64(o, "deletionAt");
	w->grace_override_usec = get_u64(o, "graceOverride");
	w->sandbox_ready = get_bool(o, "sandboxReady");
	w->cgroup_created = get_bool(o, "cgroupCreated");
	w->first_start_recorded = true;
	runs_restore(w->init, w->pod->spec.n_init_containers, tree_get(o, "initContainers"));
	runs_restore(w->regular, w->pod->spec.n_containers, tree_get(o, "containers"));
	conditions_restore(w, tree_get(o, "conditions"));
	tree_docs_free(&docs);
	diag_clear(&d);

	adopt_all(w, w->init, w->pod->spec.n_init_containers);
	adopt_all(w, w->regular, w->pod->spec.n_containers);
	pod_worker_arm_deadline(w);
	pod_worker_queue_sync(w);
	*ret = w;
	return 0;
fail:
	pod_free(pod);
	tree_docs_free(&docs);
	diag_clear(&d);
	return r < 0 ? r : -EBADMSG;
}

char *pod_log_tail_text(PodWorker *w, const ContainerRun *c, int64_t lines, size_t bytes) {
	PodContext ctx;
	_cleanup_free_ char *path = NULL, *data = NULL;
	char *out = NULL;
	size_t size;
	pod_worker_context(w, &ctx);
	path = container_log_path(&ctx, c->spec, c->restart_count);
	if (!path || read_full_file(path, 16 * 1024 * 1024, &data, &size) < 0)
		return NULL;
	LogRenderOptions o = { .tail = lines, .limit_bytes = bytes };
	if (log_render(data, size, &o, &out, NULL) < 0)
		return NULL;
	return out;
}
