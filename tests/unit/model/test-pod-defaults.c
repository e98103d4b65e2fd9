/* SPDX-License-Identifier: Apache-2.0 */
/* The API server's defaults (pkg/apis/core/v1/defaults.go). */
#include "pod-test-util.h"

static void test_pod_defaults(void **state) {
	Pod *pod = load_ok(POD_JSON(ONE_CONTAINER("") ",'volumes':[{'name':'scratch'}]"));
	const Container *c = &pod->spec.containers[0];

	assert_string_equal(pod->metadata.namespace, "default");
	assert_int_equal(pod->spec.restart_policy, RESTART_POLICY_ALWAYS);
	assert_int_equal(pod->spec.termination_grace_period_seconds.value, 30);
	assert_int_equal(pod->spec.dns_policy, DNS_POLICY_CLUSTER_FIRST);
	assert_string_equal(c->termination_message_path, "/dev/termination-log");
	assert_int_equal(c->termination_message_policy, TERMINATION_MESSAGE_FILE);
	assert_int_equal(pod->spec.volumes[0].type, VOLUME_EMPTY_DIR);
	pod_free(pod);
}

static void check_pull_policy(const char *image, PullPolicy expected) {
	char text[512];
	Pod *pod;

	snprintf(text, sizeof(text), POD_JSON("'containers':[{'name':'a','image':'%s'}]"), image);
	pod = load_ok(text);
	if (pod->spec.containers[0].image_pull_policy != expected)
		fail_msg("%s: pull policy %s", image,
		         pull_policy_to_string(pod->spec.containers[0].image_pull_policy));
	pod_free(pod);
}

static void test_pull_policy(void **state) {
	check_pull_policy("busybox", PULL_POLICY_ALWAYS);
	check_pull_policy("busybox:latest", PULL_POLICY_ALWAYS);
	check_pull_policy("busybox:1.36", PULL_POLICY_IF_NOT_PRESENT);
	check_pull_policy("registry:5000/busybox", PULL_POLICY_ALWAYS);
	check_pull_policy("registry:5000/library/busybox:1.2", PULL_POLICY_IF_NOT_PRESENT);
	check_pull_policy("busybox@sha256:"
	                  "0000000000000000000000000000000000000000000000000000000000000000",
	                  PULL_POLICY_IF_NOT_PRESENT);
	check_pull_policy("busybox:latest@sha256:"
	                  "0000000000000000000000000000000000000000000000000000000000000000",
	                  PULL_POLICY_IF_NOT_PRESENT);
}

static void test_container_defaults(void **state) {
	char buf[QUANTITY_STRING_MAX];
	Pod *pod = load_ok(POD_JSON(ONE_CONTAINER(
	        ",'ports':[{'containerPort':80}],"
	        "'env':[{'name':'N','valueFrom':{'fieldRef':{'fieldPath':'spec.nodeName'}}}],"
	        "'resources':{'limits':{'cpu':'0.0001','memory':'1Gi'},"
	        "  'requests':{'memory':'512Mi'}},"
	        "'livenessProbe':{'httpGet':{'port':80},'timeoutSeconds':0},"
	        "'lifecycle':{'preStop':{'httpGet':{'port':80}}}") ",'hostNetwork':true"));
	const Container *c = &pod->spec.containers[0];
	const Probe *p = c->liveness_probe;

	assert_int_equal(c->ports[0].protocol, PROTOCOL_TCP);
	/* hostNetwork: container ports are host ports */
	assert_int_equal(c->ports[0].host_port, 80);
	assert_string_equal(c->env[0].field_ref.api_version, "v1");
	/* limits round up to milli-units; requests default from limits, per resource */
	assert_string_equal(quantity_to_string(&c->resources.limits.cpu.value, buf), "1m");
	assert_string_equal(quantity_to_string(&c->resources.requests.cpu.value, buf), "1m");
	assert_string_equal(quantity_to_string(&c->resources.requests.memory.value, buf), "512Mi");
	assert_false(c->resources.requests.ephemeral_storage.set);
	assert_int_equal(p->timeout_seconds, 1);
	assert_int_equal(p->period_seconds, 10);
	assert_int_equal(p->success_threshold, 1);
	assert_int_equal(p->failure_threshold, 3);
	assert_int_equal(p->initial_delay_seconds, 0);
	assert_string_equal(p->handler.http_get.path, "/");
	assert_int_equal(p->handler.http_get.scheme, URI_SCHEME_HTTP);
	assert_string_equal(c->lifecycle->pre_stop->http_get.path, "/");
	pod_free(pod);
}

static void test_no_requests_without_limits(void **state) {
	Pod *pod = load_ok(POD_JSON(ONE_CONTAINER(",'resources':{'requests':{'cpu':'100m'}}")));

	assert_false(pod->spec.containers[0].resources.limits.cpu.set);
	assert_false(pod->spec.containers[0].resources.requests.memory.set);
	pod_free(pod);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pod_defaults),
		cmocka_unit_test(test_pull_policy),
		cmocka_unit_test(test_container_defaults),
		cmocka_unit_test(test_no_requests_without_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
