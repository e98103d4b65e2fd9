/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The probe worker's state machine (KUBELET-BEHAVIOUR.md §2.2; pkg/kubelet/prober/worker.go
 * doProbe and results/results_manager.go). Pure: no loop, no clock, no allocation. The loop glue
 * (probe-worker.c) feeds it the container state and the wall clock at each tick, runs the
 * handler when told to, and records the outcome.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "probes.h"

typedef enum ProbeSMAction {
	PROBE_SM_WAIT, /* nothing to run this tick */
	PROBE_SM_RUN,  /* run the handler, then probe_sm_record() */
	PROBE_SM_EXIT, /* the worker stops for good */
} ProbeSMAction;

typedef struct ProbeSM {
	ProbeType type;
	int32_t initial_delay_seconds;
	int32_t success_threshold;
	int32_t failure_threshold;
	char container_id[PROBE_CONTAINER_ID_MAX + 1]; /* "" = none seen yet */
	bool on_hold;
	ProbeResult last_result; /* of the last run, for counting consecutive results */
	int32_t result_run;
	bool has_cached; /* results manager entry for container_id */
	ProbeResult cached;
} ProbeSM;

typedef struct ProbeSMStep {
	ProbeSMAction action;
	bool set;           /* the results cache was written */
	bool changed;       /* ... with a new value (or a new container ID): publish */
	ProbeResult result; /* the value written */
} ProbeSMStep;

void probe_sm_init(ProbeSM *sm, ProbeType type, const ProbeSpec *spec);

/* Value cached when a new container ID shows up: readiness Failure, liveness Success,
 * startup Unknown (worker.go newWorker initialValue). */
ProbeResult probe_sm_initial_value(ProbeType type);

/* One tick: what to do with the container as st describes it at now_realtime_usec. */
ProbeSMStep probe_sm_tick(ProbeSM *sm, const ProbeContainerState *st, uint64_t now_realtime_usec);

/* Record the result of a run that did not error (an error discards the tick): count it and
 * publish once a threshold is reached. */
ProbeSMStep probe_sm_record(ProbeSM *sm, ProbeResult result);

/* Handler outcome -> worker result (prober.go probe): Warning counts as Success. Error has no
 * result (UNKNOWN): the tick is thrown away. */
ProbeResult probe_outcome_to_result(ProbeOutcome outcome);

/* Delay of the first tick: uniform [0, period) from rnd when the agent started less than one
 * period ago (monotonic µs), else 0 (worker.go run). */
uint64_t probe_sm_first_delay(uint64_t now_usec, uint64_t agent_start_usec, uint64_t period_usec,
                              uint64_t rnd);

/* Whether a container ID fits the state machine (not NULL, not "", not longer than the max). */
bool probe_container_id_valid(const char *id);
