/* SPDX-License-Identifier: Apache-2.0 */
/* The worker state machine, rule by rule (KUBELET-BEHAVIOUR.md §2.1 defaults, §2.2 worker). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "probe-sm.h"

#define SEC 1000000ULL
#define T0 (1700000000ULL * SEC) /* the container's startedAt */

static ProbeSpec spec_with(int32_t delay, int32_t success, int32_t failure) {
	ProbeSpec s;
	probe_spec_init(&s, PROBE_KIND_TCP_SOCKET);
	s.port = 80;
	s.initial_delay_seconds = delay;
	s.success_threshold = success;
	s.failure_threshold = failure;
	return s;
}

static ProbeContainerState running(const char *id, bool started) {
	return (ProbeContainerState){
		.has_status = true,
		.container_id = id,
		.running = true,
		.started_at_usec = T0,
		.started = started,
		.pod_ip = "10.0.0.2",
	};
}

/* Tick at T0 + 100 s: well past any initial delay used below. */
static ProbeSMStep tick(ProbeSM *sm, const ProbeContainerState *st) {
	return probe_sm_tick(sm, st, T0 + 100 * SEC);
}

static void test_defaults(void **state) {
	ProbeSpec s;
	const char *why = NULL;
	(void)state;

	/* §2.1: initialDelay 0, timeout 1, period 10, success 1, failure 3 */
	probe_spec_init(&s, PROBE_KIND_HTTP_GET);
	assert_int_equal(s.initial_delay_seconds, 0);
	assert_int_equal(s.timeout_seconds, 1);
	assert_int_equal(s.period_seconds, 10);
	assert_int_equal(s.success_threshold, 1);
	assert_int_equal(s.failure_threshold, 3);
	assert_int_equal(s.scheme, PROBE_SCHEME_HTTP);
	s.port = 8080;
	assert_int_equal(probe_spec_validate(&s, PROBE_LIVENESS, &why), 0);
	assert_null(why);

	/* successThreshold must be 1 for liveness and startup, may be more for readiness */
	s.success_threshold = 2;
	assert_int_equal(probe_spec_validate(&s, PROBE_LIVENESS, &why), -EINVAL);
	assert_string_equal(why, "successThreshold: must be 1");
	assert_int_equal(probe_spec_validate(&s, PROBE_STARTUP, &why), -EINVAL);
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), 0);

	s.success_threshold = 1;
	s.timeout_seconds = 0;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);
	assert_string_equal(why, "timeoutSeconds: must be greater than or equal to 1");
	s.timeout_seconds = 1;
	s.period_seconds = 0;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);
	s.period_seconds = 10;
	s.failure_threshold = 0;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);
	s.failure_threshold = 3;
	s.initial_delay_seconds = -1;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);
	s.initial_delay_seconds = 0;
	s.port = 0;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);
	s.port = 8080;

	/* header injection is refused */
	ProbeHeader bad[] = { { "X-A", "v\r\nEvil: 1" } };
	s.headers = bad;
	s.n_headers = 1;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);
	ProbeHeader badname[] = { { "X A", "v" } };
	s.headers = badname;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);

	/* exec needs a command */
	probe_spec_init(&s, PROBE_KIND_EXEC);
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), -EINVAL);
	const char *argv[] = { "true", NULL };
	s.command = argv;
	assert_int_equal(probe_spec_validate(&s, PROBE_READINESS, &why), 0);
}

static void test_initial_values(void **state) {
	(void)state;
	/* §2.2: readiness Failure, liveness Success, startup Unknown */
	assert_int_equal(probe_sm_initial_value(PROBE_READINESS), PROBE_RESULT_FAILURE);
	assert_int_equal(probe_sm_initial_value(PROBE_LIVENESS), PROBE_RESULT_SUCCESS);
	assert_int_equal(probe_sm_initial_value(PROBE_STARTUP), PROBE_RESULT_UNKNOWN);
}

static void test_new_container_publishes_initial(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	(void)state;

	for (ProbeType t = 0; t < _PROBE_TYPE_MAX; t++) {
		probe_sm_init(&sm, t, &s);
		ProbeContainerState st = running("c1", t != PROBE_STARTUP);
		ProbeSMStep step = tick(&sm, &st);
		assert_true(step.set);
		assert_true(step.changed);
		assert_int_equal(step.result, probe_sm_initial_value(t));
		assert_int_equal(step.action, PROBE_SM_RUN);
		/* the same container again: nothing new to publish */
		step = tick(&sm, &st);
		assert_false(step.changed);
	}
}

static void test_wait_without_status_or_id(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = { 0 };
	(void)state;

	probe_sm_init(&sm, PROBE_READINESS, &s);
	/* no pod status: wait */
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_WAIT);
	assert_false(step.set);
	/* status but no container ID: wait */
	st.has_status = true;
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_WAIT);
	assert_false(step.set);
	st.container_id = "";
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_WAIT);
	/* an absurdly long ID is no ID */
	char longid[PROBE_CONTAINER_ID_MAX + 2];
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = 0;
	st.container_id = longid;
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_WAIT);
	assert_false(step.set);
}

static void test_pod_terminal_exits(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	ProbeContainerState st = running("c1", true);
	(void)state;

	probe_sm_init(&sm, PROBE_READINESS, &s);
	st.pod_terminal = true;
	ProbeSMStep step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_EXIT);
	assert_false(step.set);
}

static void test_not_running(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = running("c1", true);
	(void)state;

	probe_sm_init(&sm, PROBE_LIVENESS, &s);
	step = tick(&sm, &st); /* Success cached for c1 */
	/* waiting (not running, not terminated): Failure, keep going */
	st.running = false;
	step = tick(&sm, &st);
	assert_true(step.set);
	assert_true(step.changed);
	assert_int_equal(step.result, PROBE_RESULT_FAILURE);
	assert_int_equal(step.action, PROBE_SM_WAIT);
	/* terminated, will be restarted: keep going */
	st.terminated = true;
	st.restartable = true;
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_WAIT);
	assert_false(step.changed); /* already Failure */
	/* terminated and restartPolicy Never: exit */
	st.restartable = false;
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_EXIT);
	assert_int_equal(step.result, PROBE_RESULT_FAILURE);
}

static void test_pod_deleting(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = running("c1", true);
	(void)state;

	st.pod_deleting = true;
	/* liveness: a last Success and stop */
	probe_sm_init(&sm, PROBE_LIVENESS, &s);
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_EXIT);
	assert_int_equal(step.result, PROBE_RESULT_SUCCESS);
	/* startup too, even before it succeeded */
	st.started = false;
	probe_sm_init(&sm, PROBE_STARTUP, &s);
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_EXIT);
	assert_true(step.changed);
	assert_int_equal(step.result, PROBE_RESULT_SUCCESS);
	/* readiness goes on probing */
	st.started = true;
	probe_sm_init(&sm, PROBE_READINESS, &s);
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_RUN);
	assert_int_equal(step.result, PROBE_RESULT_FAILURE);
}

static void test_initial_delay(void **state) {
	ProbeSpec s = spec_with(10, 1, 3);
	ProbeSM sm;
	ProbeContainerState st = running("c1", true);
	(void)state;

	probe_sm_init(&sm, PROBE_READINESS, &s);
	/* 9.999 s after startedAt: int32(9.999) = 9 < 10, skip */
	assert_int_equal(probe_sm_tick(&sm, &st, T0 + 10 * SEC - 1).action, PROBE_SM_WAIT);
	assert_int_equal(probe_sm_tick(&sm, &st, T0).action, PROBE_SM_WAIT);
	/* exactly 10 s: probe */
	assert_int_equal(probe_sm_tick(&sm, &st, T0 + 10 * SEC).action, PROBE_SM_RUN);
	/* a startedAt in the future (clock step) counts as 0 elapsed */
	assert_int_equal(probe_sm_tick(&sm, &st, T0 - 5 * SEC).action, PROBE_SM_WAIT);

	/* no delay: probe at once */
	s = spec_with(0, 1, 3);
	probe_sm_init(&sm, PROBE_READINESS, &s);
	assert_int_equal(probe_sm_tick(&sm, &st, T0).action, PROBE_SM_RUN);
}

static void test_startup_gating(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	ProbeContainerState st = running("c1", false);
	(void)state;

	/* not started yet: liveness and readiness idle, startup runs */
	probe_sm_init(&sm, PROBE_LIVENESS, &s);
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_WAIT);
	probe_sm_init(&sm, PROBE_READINESS, &s);
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_WAIT);
	probe_sm_init(&sm, PROBE_STARTUP, &s);
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_RUN);

	/* started: startup idles, the others run */
	st.started = true;
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_WAIT);
	probe_sm_init(&sm, PROBE_LIVENESS, &s);
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_RUN);
	probe_sm_init(&sm, PROBE_READINESS, &s);
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_RUN);
}

static void test_failure_threshold(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = running("c1", true);
	(void)state;

	probe_sm_init(&sm, PROBE_LIVENESS, &s);
	tick(&sm, &st);
	/* two failures: below threshold, nothing published */
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_false(step.set);
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_false(step.set);
	/* a success in between restarts the count (success threshold 1: Success, no change) */
	step = probe_sm_record(&sm, PROBE_RESULT_SUCCESS);
	assert_true(step.set);
	assert_false(step.changed);
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_false(step.set);
	/* the third in a row publishes Failure */
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_true(step.set);
	assert_true(step.changed);
	assert_int_equal(step.result, PROBE_RESULT_FAILURE);
}

static void test_success_threshold(void **state) {
	ProbeSpec s = spec_with(0, 3, 1);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = running("c1", true);
	(void)state;

	probe_sm_init(&sm, PROBE_READINESS, &s);
	step = tick(&sm, &st);
	assert_int_equal(step.result, PROBE_RESULT_FAILURE); /* readiness starts not ready */
	assert_false(probe_sm_record(&sm, PROBE_RESULT_SUCCESS).set);
	assert_false(probe_sm_record(&sm, PROBE_RESULT_SUCCESS).set);
	step = probe_sm_record(&sm, PROBE_RESULT_SUCCESS);
	assert_true(step.changed);
	assert_int_equal(step.result, PROBE_RESULT_SUCCESS);
	/* more successes: set again, no change, so no update */
	step = probe_sm_record(&sm, PROBE_RESULT_SUCCESS);
	assert_true(step.set);
	assert_false(step.changed);
	/* failure threshold 1: one failure flips it; readiness never holds */
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_true(step.changed);
	assert_int_equal(step.result, PROBE_RESULT_FAILURE);
	assert_false(sm.on_hold);
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_RUN);
}

static void test_liveness_hold(void **state) {
	ProbeSpec s = spec_with(0, 1, 1);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = running("c1", true);
	(void)state;

	probe_sm_init(&sm, PROBE_LIVENESS, &s);
	tick(&sm, &st);
	/* a liveness Success does not hold */
	probe_sm_record(&sm, PROBE_RESULT_SUCCESS);
	assert_false(sm.on_hold);
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_true(step.changed);
	assert_true(sm.on_hold);
	assert_int_equal(sm.result_run, 0);
	/* on hold: nothing runs, even if the container stops */
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_WAIT);
	st.running = false;
	step = tick(&sm, &st);
	assert_int_equal(step.action, PROBE_SM_WAIT);
	assert_false(step.set);
	/* a new container ID: initial value (Success) published, hold left */
	st = running("c2", true);
	step = tick(&sm, &st);
	assert_true(step.changed);
	assert_int_equal(step.result, PROBE_RESULT_SUCCESS);
	assert_int_equal(step.action, PROBE_SM_RUN);
	assert_false(sm.on_hold);
}

static void test_startup_hold(void **state) {
	ProbeSpec s = spec_with(0, 1, 2);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = running("c1", false);
	(void)state;

	/* startup holds after any published result (#117153) */
	probe_sm_init(&sm, PROBE_STARTUP, &s);
	step = tick(&sm, &st);
	assert_int_equal(step.result, PROBE_RESULT_UNKNOWN);
	step = probe_sm_record(&sm, PROBE_RESULT_SUCCESS);
	assert_true(step.changed);
	assert_true(sm.on_hold);
	assert_int_equal(tick(&sm, &st).action, PROBE_SM_WAIT);

	probe_sm_init(&sm, PROBE_STARTUP, &s);
	tick(&sm, &st);
	assert_false(probe_sm_record(&sm, PROBE_RESULT_FAILURE).set);
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_int_equal(step.result, PROBE_RESULT_FAILURE);
	assert_true(sm.on_hold);
	/* restart: Unknown again, probing again */
	st.container_id = "c2";
	step = tick(&sm, &st);
	assert_int_equal(step.result, PROBE_RESULT_UNKNOWN);
	assert_true(step.changed);
	assert_int_equal(step.action, PROBE_SM_RUN);
}

static void test_count_survives_new_container(void **state) {
	ProbeSpec s = spec_with(0, 1, 3);
	ProbeSM sm;
	ProbeSMStep step;
	ProbeContainerState st = running("c1", true);
	(void)state;

	/* worker.go does not reset resultRun on a new container ID (only after a hold) */
	probe_sm_init(&sm, PROBE_READINESS, &s);
	tick(&sm, &st);
	probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	st.container_id = "c2";
	tick(&sm, &st);
	step = probe_sm_record(&sm, PROBE_RESULT_FAILURE);
	assert_true(step.set);
	assert_int_equal(sm.result_run, 3);
}

static void test_publish_only_on_change(void **state) {
	ProbeSpec s = spec_with(0, 1, 1);
	ProbeSM sm;
	ProbeContainerState st = running("c1", true);
	int updates = 0;
	(void)state;

	probe_sm_init(&sm, PROBE_READINESS, &s);
	updates += tick(&sm, &st).changed; /* initial Failure */
	ProbeResult seq[] = { PROBE_RESULT_FAILURE, PROBE_RESULT_FAILURE, PROBE_RESULT_SUCCESS,
		              PROBE_RESULT_SUCCESS, PROBE_RESULT_FAILURE, PROBE_RESULT_SUCCESS };
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		updates += probe_sm_record(&sm, seq[i]).changed;
	/* Failure(initial) -> Success -> Failure -> Success */
	assert_int_equal(updates, 4);
	/* an Unknown result records nothing */
	assert_false(probe_sm_record(&sm, PROBE_RESULT_UNKNOWN).set);
}

static void test_outcome_mapping(void **state) {
	(void)state;
	assert_int_equal(probe_outcome_to_result(PROBE_OUTCOME_SUCCESS), PROBE_RESULT_SUCCESS);
	/* a Warning (redirect ended the request) counts as Success */
	assert_int_equal(probe_outcome_to_result(PROBE_OUTCOME_WARNING), PROBE_RESULT_SUCCESS);
	assert_int_equal(probe_outcome_to_result(PROBE_OUTCOME_FAILURE), PROBE_RESULT_FAILURE);
	assert_int_equal(probe_outcome_to_result(PROBE_OUTCOME_ERROR), PROBE_RESULT_UNKNOWN);
}

static void test_first_delay(void **state) {
	(void)state;
	uint64_t period = 10 * SEC, start = 1000 * SEC;
	/* agent started 3 s ago, period 10 s: rnd mod period */
	assert_int_equal(probe_sm_first_delay(start + 3 * SEC, start, period, 42), 42);
	assert_int_equal(probe_sm_first_delay(start + 3 * SEC, start, period, period + 7), 7);
	assert_true(probe_sm_first_delay(start, start, period, UINT64_MAX) < period);
	/* started a period ago or more: no delay */
	assert_int_equal(probe_sm_first_delay(start + 10 * SEC, start, period, 42), 0);
	assert_int_equal(probe_sm_first_delay(start + 100 * SEC, start, period, 42), 0);
	/* clock before the start: counts as just started */
	assert_int_equal(probe_sm_first_delay(start - SEC, start, period, 5), 5);
	assert_int_equal(probe_sm_first_delay(start, start, 0, 5), 0);
}

static void test_names(void **state) {
	(void)state;
	assert_string_equal(probe_type_to_display(PROBE_LIVENESS), "Liveness");
	assert_string_equal(probe_type_to_display(PROBE_READINESS), "Readiness");
	assert_string_equal(probe_type_to_display(PROBE_STARTUP), "Startup");
	assert_string_equal(probe_type_to_string(PROBE_STARTUP), "startup");
	assert_string_equal(probe_result_metric_label(PROBE_RESULT_SUCCESS), "successful");
	assert_string_equal(probe_result_metric_label(PROBE_RESULT_FAILURE), "failed");
	assert_string_equal(probe_result_metric_label(PROBE_RESULT_UNKNOWN), "unknown");
	assert_string_equal(probe_kind_to_string(PROBE_KIND_GRPC), "grpc");
	assert_string_equal(probe_outcome_to_string(PROBE_OUTCOME_WARNING), "warning");
	assert_null(probe_type_to_string((ProbeType)99));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_initial_values),
		cmocka_unit_test(test_new_container_publishes_initial),
		cmocka_unit_test(test_wait_without_status_or_id),
		cmocka_unit_test(test_pod_terminal_exits),
		cmocka_unit_test(test_not_running),
		cmocka_unit_test(test_pod_deleting),
		cmocka_unit_test(test_initial_delay),
		cmocka_unit_test(test_startup_gating),
		cmocka_unit_test(test_failure_threshold),
		cmocka_unit_test(test_success_threshold),
		cmocka_unit_test(test_liveness_hold),
		cmocka_unit_test(test_startup_hold),
		cmocka_unit_test(test_count_survives_new_container),
		cmocka_unit_test(test_publish_only_on_change),
		cmocka_unit_test(test_outcome_mapping),
		cmocka_unit_test(test_first_delay),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
