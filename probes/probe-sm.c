/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "macro.h"
#include "probe-sm.h"

#define USEC_PER_SEC 1000000LL

void probe_sm_init(ProbeSM *sm, ProbeType type, const ProbeSpec *spec) {
	*sm = (ProbeSM){
		.type = type,
		.initial_delay_seconds = MAX(spec->initial_delay_seconds, 0),
		.success_threshold = MAX(spec->success_threshold, 1),
		.failure_threshold = MAX(spec->failure_threshold, 1),
		.last_result = PROBE_RESULT_UNKNOWN,
	};
}

ProbeResult probe_sm_initial_value(ProbeType type) {
	switch (type) {
	case PROBE_READINESS:
		return PROBE_RESULT_FAILURE;
	case PROBE_LIVENESS:
		return PROBE_RESULT_SUCCESS;
	default:
		return PROBE_RESULT_UNKNOWN;
	}
}

bool probe_container_id_valid(const char *id) {
	return !isempty(id) && strlen(id) <= PROBE_CONTAINER_ID_MAX;
}

/* results_manager.go Set: an update goes out only when the cached value changes. */
static void sm_set(ProbeSM *sm, ProbeResult r, ProbeSMStep *step) {
	step->set = true;
	step->result = r;
	step->changed = !sm->has_cached || sm->cached != r;
	sm->has_cached = true;
	sm->cached = r;
}

ProbeSMStep probe_sm_tick(ProbeSM *sm, const ProbeContainerState *st, uint64_t now_realtime_usec) {
	ProbeSMStep step = { .action = PROBE_SM_WAIT };

	/* No status: the pod is not created yet or already gone; wait for more. */
	if (!st->has_status)
		return step;
	/* A pod that Succeeded or Failed ends the worker. */
	if (st->pod_terminal) {
		step.action = PROBE_SM_EXIT;
		return step;
	}
	/* No container ID: not created yet, or deleted. */
	if (!probe_container_id_valid(st->container_id))
		return step;

	/* A new container: drop the old entry, cache the initial value, leave "on hold". The run
	 * count is not reset here, as in worker.go. */
	if (!streq(sm->container_id, st->container_id)) {
		strncpy(sm->container_id, st->container_id, sizeof(sm->container_id) - 1);
		sm->has_cached = false;
		sm_set(sm, probe_sm_initial_value(sm->type), &step);
		sm->on_hold = false;
	}

	/* On hold after a published liveness/startup result, until the container ID changes. */
	if (sm->on_hold)
		return step;

	/* Not running: Failure; stop if it terminated and will not be restarted. */
	if (!st->running) {
		sm_set(sm, PROBE_RESULT_FAILURE, &step);
		if (st->terminated && !st->restartable)
			step.action = PROBE_SM_EXIT;
		return step;
	}

	/* Graceful pod shutdown: liveness/startup set a last Success for a quiet end and stop;
	 * readiness goes on. */
	if (st->pod_deleting && (sm->type == PROBE_LIVENESS || sm->type == PROBE_STARTUP)) {
		sm_set(sm, PROBE_RESULT_SUCCESS, &step);
		step.action = PROBE_SM_EXIT;
		return step;
	}

	/* initialDelaySeconds from startedAt: int32(time.Since(startedAt).Seconds()) < delay, the
	 * elapsed seconds truncated toward zero. */
	int64_t elapsed = (int64_t)(now_realtime_usec - st->started_at_usec);
	if (elapsed / USEC_PER_SEC < (int64_t)sm->initial_delay_seconds)
		return step;

	/* Startup gates the others: once started, the startup probe idles (kept for a restarted
	 * container); until then liveness and readiness idle. */
	if (st->started) {
		if (sm->type == PROBE_STARTUP)
			return step;
	} else if (sm->type != PROBE_STARTUP)
		return step;

	step.action = PROBE_SM_RUN;
	return step;
}

ProbeSMStep probe_sm_record(ProbeSM *sm, ProbeResult result) {
	ProbeSMStep step = { .action = PROBE_SM_WAIT };

	if (result == PROBE_RESULT_UNKNOWN)
		return step;

	if (sm->last_result == result)
		sm->result_run++;
	else {
		sm->last_result = result;
		sm->result_run = 1;
	}

	/* Below threshold: leave the published state as it is. */
	if ((result == PROBE_RESULT_FAILURE && sm->result_run < sm->failure_threshold) ||
	    (result == PROBE_RESULT_SUCCESS && sm->result_run < sm->success_threshold))
		return step;

	sm_set(sm, result, &step);

	/* A liveness Failure restarts the container, and a startup probe is done either way
	 * (#117153): hold until a new container ID, count from zero. */
	if ((sm->type == PROBE_LIVENESS && result == PROBE_RESULT_FAILURE) ||
	    sm->type == PROBE_STARTUP) {
		sm->on_hold = true;
		sm->result_run = 0;
	}
	return step;
}

ProbeResult probe_outcome_to_result(ProbeOutcome outcome) {
	switch (outcome) {
	case PROBE_OUTCOME_SUCCESS:
	case PROBE_OUTCOME_WARNING:
		return PROBE_RESULT_SUCCESS;
	case PROBE_OUTCOME_FAILURE:
		return PROBE_RESULT_FAILURE;
	default:
		return PROBE_RESULT_UNKNOWN;
	}
}

uint64_t probe_sm_first_delay(uint64_t now_usec, uint64_t agent_start_usec, uint64_t period_usec,
                              uint64_t rnd) {
	if (period_usec == 0)
		return 0;
	/* probeTickerPeriod > time.Since(start): the agent started recently, so many workers start
	 * at once; spread them over one period. */
	uint64_t since = now_usec > agent_start_usec ? now_usec - agent_start_usec : 0;
	if (period_usec <= since)
		return 0;
	return rnd % period_usec;
}
