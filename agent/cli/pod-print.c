/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kubectl get pods` columns computed from a v1 Pod's JSON, as kubectl's printPod does
 * (pkg/printers/internalversion/printers.go): READY counts ready regular containers and started
 * sidecars over regular containers + sidecars; STATUS starts from the phase (or status.reason)
 * and is refined by init container and container states (Init:N/M, Init:Error,
 * CrashLoopBackOff, Completed, ...), "Terminating" when deletionTimestamp is set; RESTARTS sums
 * restart counts with the time of the last restart. Pure.
 */
#include <stdio.h>

#include "pod-print.h"
#include "table.h"

static json_object *get(json_object *o, const char *k) {
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static const char *get_str(json_object *o, const char *k) {
	json_object *v = get(o, k);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int64_t get_int(json_object *o, const char *k) {
	json_object *v = get(o, k);
	return v ? json_object_get_int64(v) : 0;
}

static bool is_sidecar(json_object *spec_init) {
	return streq_ptr(get_str(spec_init, "restartPolicy"), "Always");
}

static void note_restart(json_object *cs, uint64_t *last) {
	json_object *t = get(get(cs, "lastState"), "terminated");
	const char *f = get_str(t, "finishedAt");
	uint64_t ts = 0;
	if (f && rfc3339_parse(f, &ts) >= 0 && ts > *last)
		*last = ts;
}

static bool condition_true(json_object *status, const char *type) {
	json_object *conds = get(status, "conditions");
	for (size_t i = 0; conds && i < json_object_array_length(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		if (streq_ptr(get_str(c, "type"), type))
			return streq_ptr(get_str(c, "status"), "True");
	}
	return false;
}

void pod_print_columns(json_object *pod, PodColumns *out) {
	json_object *spec = get(pod, "spec"), *status = get(pod, "status");
	json_object *inits = get(spec, "initContainers"),
	            *ics = get(status, "initContainerStatuses");
	json_object *cs = get(status, "containerStatuses");
	size_t n_init = inits ? json_object_array_length(inits) : 0;
	size_t n_ctr =
	        get(spec, "containers") ? json_object_array_length(get(spec, "containers")) : 0;
	unsigned restarts = 0, ready = 0, total = (unsigned)n_ctr, sidecar_restarts = 0;
	uint64_t last = 0;
	bool initializing = false;
	const char *reason = get_str(status, "reason") ?: get_str(status, "phase") ?: "Unknown";

	*out = (PodColumns){};
	snprintf(out->name, sizeof(out->name), "%s",
	         strempty(get_str(get(pod, "metadata"), "name")));
	for (size_t i = 0; i < n_init; i++)
		if (is_sidecar(json_object_array_get_idx(inits, i)))
			total++;
	snprintf(out->status, sizeof(out->status), "%s", reason);

	for (size_t i = 0; ics && i < json_object_array_length(ics); i++) {
		json_object *c = json_object_array_get_idx(ics, i);
		json_object *state = get(c, "state"), *term = get(state, "terminated"),
		            *wait = get(state, "waiting");
		bool sidecar = i < n_init && is_sidecar(json_object_array_get_idx(inits, i));
		restarts += (unsigned)get_int(c, "restartCount");
		note_restart(c, &last);
		if (sidecar) {
			sidecar_restarts += (unsigned)get_int(c, "restartCount");
			if (json_object_get_boolean(get(c, "started")) && get(state, "running"))
				ready++; /* a started sidecar counts as ready */
		}
		if (term && get_int(term, "exitCode") == 0)
			continue;
		if (sidecar && json_object_get_boolean(get(c, "started")))
			continue;
		if (term) {
			const char *r = get_str(term, "reason");
			if (!isempty(r))
				snprintf(out->status, sizeof(out->status), "Init:%s", r);
			else if (get_int(term, "signal"))
				snprintf(out->status, sizeof(out->status), "Init:Signal:%lld",
				         (long long)get_int(term, "signal"));
			else
				snprintf(out->status, sizeof(out->status), "Init:ExitCode:%lld",
				         (long long)get_int(term, "exitCode"));
		} else if (wait && !isempty(get_str(wait, "reason")) &&
		           !streq(get_str(wait, "reason"), "PodInitializing"))
			snprintf(out->status, sizeof(out->status), "Init:%s",
			         get_str(wait, "reason"));
		else
			snprintf(out->status, sizeof(out->status), "Init:%zu/%zu", i, n_init);
		initializing = true;
		break;
	}
	if (!initializing || condition_true(status, "Initialized")) {
		bool has_running = false;
		restarts = sidecar_restarts;
		for (size_t i = cs ? json_object_array_length(cs) : 0; i > 0; i--) {
			json_object *c = json_object_array_get_idx(cs, i - 1);
			json_object *state = get(c, "state"), *term = get(state, "terminated"),
			            *wait = get(state, "waiting");
			restarts += (unsigned)get_int(c, "restartCount");
			note_restart(c, &last);
			if (wait && !isempty(get_str(wait, "reason")))
				snprintf(out->status, sizeof(out->status), "%s",
				         get_str(wait, "reason"));
			else if (term && !isempty(get_str(term, "reason")))
				snprintf(out->status, sizeof(out->status), "%s",
				         get_str(term, "reason"));
			else if (term && get_int(term, "signal"))
				snprintf(out->status, sizeof(out->status), "Signal:%lld",
				         (long long)get_int(term, "signal"));
			else if (term)
				snprintf(out->status, sizeof(out->status), "ExitCode:%lld",
				         (long long)get_int(term, "exitCode"));
			else if (json_object_get_boolean(get(c, "ready")) &&
			         get(state, "running")) {
				has_running = true;
				ready++;
			}
		}
		/* "Completed" with a container still running reads Running (or NotReady) */
		if (streq(out->status, "Completed") && has_running)
			snprintf(out->status, sizeof(out->status), "%s",
			         condition_true(status, "Ready") ? "Running" : "NotReady");
	}
	if (get(get(pod, "metadata"), "deletionTimestamp") &&
	    !streq_ptr(get_str(status, "phase"), "Succeeded") &&
	    !streq_ptr(get_str(status, "phase"), "Failed"))
		snprintf(out->status, sizeof(out->status), "Terminating");

	snprintf(out->ready, sizeof(out->ready), "%u/%u", ready, total);
	out->restarts = restarts;
	out->last_restart = last;
	const char *created = get_str(get(pod, "metadata"), "creationTimestamp");
	if (created)
		(void)rfc3339_parse(created, &out->created);
	snprintf(out->ip, sizeof(out->ip), "%s", get_str(status, "podIP") ?: "<none>");
	snprintf(out->node, sizeof(out->node), "%s", get_str(spec, "nodeName") ?: "<none>");
}
