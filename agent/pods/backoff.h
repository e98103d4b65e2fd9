/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container restart back-off, as the kubelet does it (pkg/kubelet/kubelet.go with client-go
 * util/flowcontrol/backoff.go, no jitter): 10 s initial, doubled per restart, capped at 300 s;
 * an entry not updated for more than 2 x max (10 min) expires, so a container that ran that long
 * starts again from the initial delay. Pure: times are passed in (microseconds, any clock).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BACKOFF_INITIAL_USEC (10ULL * 1000000ULL)
#define BACKOFF_MAX_USEC (300ULL * 1000000ULL)

typedef struct Backoff {
	uint64_t delay;       /* current back-off; 0 = no entry */
	uint64_t last_update; /* when Next() last ran */
} Backoff;

/* Whether a restart must still wait, measured from event_time (the finish time of the
 * container's last exit), at time now (flowcontrol IsInBackOffSince). */
bool backoff_in_backoff_since(const Backoff *b, uint64_t event_time, uint64_t now);
/* Record a restart (flowcontrol Next): a missing or expired entry starts at the initial delay,
 * otherwise the delay doubles up to the cap. */
void backoff_next(Backoff *b, uint64_t event_time, uint64_t now);
/* When the wait that backoff_in_backoff_since() reported ends. */
uint64_t backoff_until(const Backoff *b, uint64_t event_time);
