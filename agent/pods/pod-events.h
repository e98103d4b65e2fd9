/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's events as the kubelet records them (Scheduled, Pulled, Created, Started, Killing,
 * BackOff, Unhealthy, Failed, Evicted, ...), kept per pod and bounded: a repeat of the last
 * event with the same type, reason and message only bumps its count and last timestamp (the
 * event recorder's aggregation), and the oldest events fall off past POD_EVENTS_MAX. Pure.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#define POD_EVENTS_MAX 64
#define POD_EVENT_MESSAGE_MAX 1024

typedef struct PodEvent {
	bool warning;
	char reason[48];
	char *message; /* at most POD_EVENT_MESSAGE_MAX - 1 bytes */
	uint32_t count;
	uint64_t first, last; /* realtime µs */
} PodEvent;

/* The ring grows with the events a pod has (most have a handful), up to POD_EVENTS_MAX. */
typedef struct PodEvents {
	PodEvent *ring;
	size_t alloc, start, n;
} PodEvents;

void pod_events_done(PodEvents *e);

void pod_events_add(PodEvents *e, bool warning, const char *reason, uint64_t now, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));
/* i-th event, oldest first. */
const PodEvent *pod_events_get(const PodEvents *e, size_t i);
/* A v1 EventList-like JSON array for /pods/<ns>/<name>/events and `describe`. */
json_object *pod_events_to_json(const PodEvents *e, const char *namespace, const char *name,
                                const char *uid, const char *node);
