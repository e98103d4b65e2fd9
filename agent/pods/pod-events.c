/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>

#include "macro.h"
#include "pod-events.h"
#include "pod-status.h"

const PodEvent *pod_events_get(const PodEvents *e, size_t i) {
	if (i >= e->n)
		return NULL;
	return &e->ring[(e->start + i) % e->alloc];
}

void pod_events_done(PodEvents *e) {
	for (size_t i = 0; i < e->alloc; i++)
		free(e->ring[i].message);
	free(e->ring);
	*e = (PodEvents){};
}

/* Room for one more event: grow (keeping the order) until the bound, then reuse the oldest. */
static PodEvent *slot(PodEvents *e) {
	if (e->n < e->alloc)
		return &e->ring[(e->start + e->n++) % e->alloc];
	if (e->alloc < POD_EVENTS_MAX) {
		size_t a = MIN(MAX(e->alloc * 2, (size_t)8), (size_t)POD_EVENTS_MAX);
		PodEvent *r = calloc(a, sizeof(PodEvent));
		if (r) {
			for (size_t i = 0; i < e->n; i++)
				r[i] = e->ring[(e->start + i) % e->alloc];
			free(e->ring);
			e->ring = r;
			e->alloc = a;
			e->start = 0;
			return &e->ring[e->n++];
		}
		if (e->alloc == 0)
			return NULL;
	}
	PodEvent *ev = &e->ring[e->start];
	e->start = (e->start + 1) % e->alloc;
	return ev;
}

void pod_events_add(PodEvents *e, bool warning, const char *reason, uint64_t now, const char *fmt,
                    ...) {
	char msg[POD_EVENT_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (e->n > 0) {
		PodEvent *last = &e->ring[(e->start + e->n - 1) % e->alloc];
		if (last->warning == warning && streq(last->reason, reason) &&
		    streq_ptr(last->message, msg)) {
			last->count++;
			last->last = now;
			return;
		}
	}
	PodEvent *ev = slot(e);
	if (!ev)
		return;
	free(ev->message);
	*ev = (PodEvent){
		.warning = warning, .count = 1, .first = now, .last = now, .message = strdup(msg)
	};
	snprintf(ev->reason, sizeof(ev->reason), "%s", reason);
}

static void add_time(json_object *o, const char *key, uint64_t usec) {
	json_object_object_add(o, key, rfc3339_json(usec));
}

json_object *pod_events_to_json(const PodEvents *e, const char *namespace, const char *name,
                                const char *uid, const char *node) {
	json_object *items = json_object_new_array();
	for (size_t i = 0; i < e->n; i++) {
		const PodEvent *ev = pod_events_get(e, i);
		json_object *o = json_object_new_object(), *ref = json_object_new_object(),
		            *src = json_object_new_object();
		json_object_object_add(ref, "kind", json_object_new_string("Pod"));
		json_object_object_add(ref, "namespace", json_object_new_string(namespace));
		json_object_object_add(ref, "name", json_object_new_string(name));
		json_object_object_add(ref, "uid", json_object_new_string(uid));
		json_object_object_add(src, "component", json_object_new_string("kubelet"));
		json_object_object_add(src, "host", json_object_new_string(node));
		json_object_object_add(o, "involvedObject", ref);
		json_object_object_add(o, "type",
		                       json_object_new_string(ev->warning ? "Warning" : "Normal"));
		json_object_object_add(o, "reason", json_object_new_string(ev->reason));
		json_object_object_add(o, "message", json_object_new_string(strempty(ev->message)));
		json_object_object_add(o, "source", src);
		json_object_object_add(o, "count", json_object_new_int((int32_t)ev->count));
		add_time(o, "firstTimestamp", ev->first);
		add_time(o, "lastTimestamp", ev->last);
		json_object_array_add(items, o);
	}
	return items;
}
