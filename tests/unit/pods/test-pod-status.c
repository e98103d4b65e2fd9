/* SPDX-License-Identifier: Apache-2.0 */
/* Phase and conditions as getPhase and status/generate.go derive them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "pod-fixture.h"
#include "pod-status.h"

#define POD(policy)                                                                                \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{"         \
	"\"restartPolicy\":\"" policy "\",\"initContainers\":[{\"name\":\"init\",\"image\":"       \
	"\"busybox\"},{\"name\":\"side\",\"image\":\"busybox\",\"restartPolicy\":\"Always\"}],"    \
	"\"containers\":[{\"name\":\"a\",\"image\":\"busybox\"},{\"name\":\"b\",\"image\":"        \
	"\"busybox\"}]}}"

typedef struct Fixture {
	Pod *pod;
	ContainerStatus init[2], regular[2];
	PodStatusInput in;
} Fixture;

static Fixture *fixture(const char *json) {
	Fixture *f = calloc(1, sizeof(Fixture));
	f->pod = fixture_pod(json);
	assert_non_null(f->pod);
	for (int i = 0; i < 2; i++) {
		f->init[i] = (ContainerStatus){ .spec = &f->pod->spec.init_containers[i],
			                        .known = true };
		f->regular[i] =
		        (ContainerStatus){ .spec = &f->pod->spec.containers[i], .known = true };
	}
	f->in = (PodStatusInput){
		.pod = f->pod, .init = f->init, .regular = f->regular, .sandbox_ready = true
	};
	return f;
}

static void fixture_free(Fixture *f) {
	pod_free(f->pod);
	free(f);
}

static void set(ContainerStatus *s, ContainerStateKind k, int exit_code) {
	s->state.kind = k;
	s->state.exit_code = exit_code;
}

static void last(ContainerStatus *s, int exit_code) {
	s->has_last_state = true;
	s->last_state.kind = CONTAINER_STATE_TERMINATED;
	s->last_state.exit_code = exit_code;
}

static void test_pending_while_init_runs(void **state) {
	Fixture *f = fixture(POD("Always"));
	set(&f->init[0], CONTAINER_STATE_RUNNING, 0);
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_PENDING);

	PodCondition c[_POD_CONDITION_MAX] = {};
	pod_status_conditions(&f->in, POD_PHASE_PENDING, 1000000, c);
	assert_false(c[POD_CONDITION_INITIALIZED].status);
	assert_string_equal(c[POD_CONDITION_INITIALIZED].reason, "ContainersNotInitialized");
	assert_string_equal(c[POD_CONDITION_INITIALIZED].message,
	                    "containers with incomplete status: [init side]");
	assert_false(c[POD_CONDITION_READY].status);
	assert_string_equal(c[POD_CONDITION_READY].reason, "ContainersNotReady");
	assert_string_equal(c[POD_CONDITION_READY].message,
	                    "containers with unready status: [side a b]");
	assert_true(c[POD_CONDITION_SCHEDULED].status);
	assert_true(c[POD_CONDITION_READY_TO_START_CONTAINERS].status);
	fixture_free(f);
}

static void test_running_and_ready(void **state) {
	Fixture *f = fixture(POD("Always"));
	set(&f->init[0], CONTAINER_STATE_TERMINATED, 0);
	set(&f->init[1], CONTAINER_STATE_RUNNING, 0);
	f->init[1].started = f->init[1].ready = true;
	for (int i = 0; i < 2; i++) {
		set(&f->regular[i], CONTAINER_STATE_RUNNING, 0);
		f->regular[i].started = f->regular[i].ready = true;
	}
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_RUNNING);
	PodCondition c[_POD_CONDITION_MAX] = {};
	pod_status_conditions(&f->in, POD_PHASE_RUNNING, 5, c);
	for (int t = 0; t < POD_CONDITION_DISRUPTION_TARGET; t++)
		assert_true(c[t].status);
	assert_int_equal(c[POD_CONDITION_READY].last_transition, 5);
	/* unchanged status keeps its transition time */
	pod_status_conditions(&f->in, POD_PHASE_RUNNING, 9, c);
	assert_int_equal(c[POD_CONDITION_READY].last_transition, 5);
	f->regular[1].ready = false;
	pod_status_conditions(&f->in, POD_PHASE_RUNNING, 12, c);
	assert_int_equal(c[POD_CONDITION_READY].last_transition, 12);
	assert_string_equal(c[POD_CONDITION_CONTAINERS_READY].message,
	                    "containers with unready status: [b]");
	fixture_free(f);
}

static void test_completed_never(void **state) {
	Fixture *f = fixture(POD("Never"));
	set(&f->init[0], CONTAINER_STATE_TERMINATED, 0);
	set(&f->init[1], CONTAINER_STATE_TERMINATED, 137);
	set(&f->regular[0], CONTAINER_STATE_TERMINATED, 0);
	set(&f->regular[1], CONTAINER_STATE_TERMINATED, 0);
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_SUCCEEDED);
	PodCondition c[_POD_CONDITION_MAX] = {};
	pod_status_conditions(&f->in, POD_PHASE_SUCCEEDED, 1, c);
	assert_string_equal(c[POD_CONDITION_READY].reason, "PodCompleted");
	assert_string_equal(c[POD_CONDITION_INITIALIZED].reason, "PodCompleted");
	set(&f->regular[1], CONTAINER_STATE_TERMINATED, 1);
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_FAILED);
	fixture_free(f);
}

static void test_restart_policies(void **state) {
	Fixture *f = fixture(POD("OnFailure"));
	set(&f->init[0], CONTAINER_STATE_TERMINATED, 0);
	f->init[1].started = true;
	set(&f->init[1], CONTAINER_STATE_RUNNING, 0);
	/* one failed and waiting to restart, one succeeded */
	set(&f->regular[0], CONTAINER_STATE_WAITING, 0);
	last(&f->regular[0], 2);
	set(&f->regular[1], CONTAINER_STATE_TERMINATED, 0);
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_RUNNING); /* sidecar running */
	set(&f->init[1], CONTAINER_STATE_TERMINATED, 0);
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_RUNNING); /* OnFailure: restarting */
	f->pod->spec.restart_policy = RESTART_POLICY_NEVER;
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_FAILED);
	f->in.pod_is_terminal = true;
	f->pod->spec.restart_policy = RESTART_POLICY_ALWAYS;
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_FAILED);
	f->in.is_static = true; /* static pods never take the terminal shortcut */
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_RUNNING);
	fixture_free(f);
}

static void test_failed_init_never(void **state) {
	Fixture *f = fixture(POD("Never"));
	set(&f->init[0], CONTAINER_STATE_TERMINATED, 1);
	set(&f->regular[0], CONTAINER_STATE_WAITING, 0);
	set(&f->regular[1], CONTAINER_STATE_WAITING, 0);
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_FAILED);
	f->pod->spec.restart_policy = RESTART_POLICY_ALWAYS;
	assert_int_equal(pod_status_phase(&f->in), POD_PHASE_PENDING);
	fixture_free(f);
}

static void test_json(void **state) {
	Fixture *f = fixture(POD("Always"));
	f->regular[0].state.kind = CONTAINER_STATE_TERMINATED;
	f->regular[0].state.exit_code = 137;
	f->regular[0].state.reason = strdup("OOMKilled");
	f->regular[0].state.started_at = 1700000000ULL * 1000000;
	f->regular[0].restart_count = 2;
	json_object *o = container_status_to_json(&f->regular[0]);
	assert_string_equal(
	        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
	        "{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":137,\"reason\":"
	        "\"OOMKilled\",\"startedAt\":\"2023-11-14T22:13:20Z\",\"finishedAt\":"
	        "null}},\"lastState\":{},\"ready\":false,\"restartCount\":2,\"image\":"
	        "\"\",\"imageID\":\"\",\"started\":false}");
	json_object_put(o);
	container_status_clear(&f->regular[0]);
	fixture_free(f);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_while_init_runs),
		cmocka_unit_test(test_running_and_ready),
		cmocka_unit_test(test_completed_never),
		cmocka_unit_test(test_restart_policies),
		cmocka_unit_test(test_failed_init_never),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
