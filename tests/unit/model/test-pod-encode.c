/* SPDX-License-Identifier: Apache-2.0 */
/* pod_to_json: the v1 Pod as skiff understood it, and decode(encode(x)) == x. */
#include "pod-test-data.h"
#include "pod-test-util.h"

static json_object *get(json_object *o, const char *path) {
	char *copy = strdup(path), *save = NULL;

	assert_non_null(copy);
	for (char *k = strtok_r(copy, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		char *end;
		long idx = strtol(k, &end, 10);
		if (*end == 0 && json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)idx);
		else if (!json_object_object_get_ex(o, k, &o))
			o = NULL;
	}
	free(copy);
	return o;
}

static void assert_str_at(json_object *o, const char *path, const char *expected) {
	json_object *v = get(o, path);
	if (!v || !json_object_is_type(v, json_type_string) ||
	    !streq(json_object_get_string(v), expected))
		fail_msg("%s: %s, expected %s", path, v ? json_object_to_json_string(v) : "(none)",
		         expected);
}

static void assert_int_at(json_object *o, const char *path, int64_t expected) {
	json_object *v = get(o, path);
	if (!v || !json_object_is_type(v, json_type_int) || json_object_get_int64(v) != expected)
		fail_msg("%s: %s, expected %" PRId64, path,
		         v ? json_object_to_json_string(v) : "(none)", expected);
}

static char *encode_text(const Pod *pod) {
	json_object *o = NULL;
	char *s;

	assert_int_equal(pod_to_json(pod, &o), 0);
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static void test_encode_defaults(void **state) {
	Pod *pod = load_ok(
	        POD_JSON(ONE_CONTAINER(",'ports':[{'containerPort':80}],"
	                               "'resources':{'limits':{'cpu':'0.5','memory':'1Gi'}},"
	                               "'readinessProbe':{'httpGet':{'port':80}}")));
	json_object *o = NULL;

	assert_int_equal(pod_to_json(pod, &o), 0);
	assert_str_at(o, "apiVersion", "v1");
	assert_str_at(o, "kind", "Pod");
	assert_str_at(o, "metadata.name", "web");
	assert_str_at(o, "metadata.namespace", "default");
	assert_str_at(o, "spec.restartPolicy", "Always");
	assert_int_at(o, "spec.terminationGracePeriodSeconds", 30);
	assert_str_at(o, "spec.dnsPolicy", "ClusterFirst");
	assert_str_at(o, "spec.containers.0.imagePullPolicy", "Always");
	assert_str_at(o, "spec.containers.0.terminationMessagePath", "/dev/termination-log");
	assert_str_at(o, "spec.containers.0.terminationMessagePolicy", "File");
	assert_str_at(o, "spec.containers.0.ports.0.protocol", "TCP");
	assert_str_at(o, "spec.containers.0.resources.limits.cpu", "500m");
	assert_str_at(o, "spec.containers.0.resources.requests.cpu", "500m");
	assert_str_at(o, "spec.containers.0.resources.requests.memory", "1Gi");
	assert_str_at(o, "spec.containers.0.readinessProbe.httpGet.path", "/");
	assert_str_at(o, "spec.containers.0.readinessProbe.httpGet.scheme", "HTTP");
	assert_int_at(o, "spec.containers.0.readinessProbe.httpGet.port", 80);
	assert_int_at(o, "spec.containers.0.readinessProbe.periodSeconds", 10);
	assert_str_at(o, "status.qosClass", "Guaranteed");
	assert_null(get(o, "spec.hostNetwork"));
	/* The agent adds its status fields to the same object. */
	json_object_object_add(get(o, "status"), "phase", json_object_new_string("Running"));
	assert_str_at(o, "status.phase", "Running");
	json_object_put(o);
	pod_free(pod);
}

static void check_round_trip(const char *text) {
	Pod *pod = load_ok(text), *again;
	char *a = encode_text(pod), *b;

	again = load_ok(a);
	b = encode_text(again);
	if (!streq(a, b))
		fail_msg("round trip differs:\n%s\n%s", a, b);
	free(a);
	free(b);
	pod_free(pod);
	pod_free(again);
}

static void test_round_trip(void **state) {
	check_round_trip(full_pod);
	check_round_trip(POD_JSON(ONE_CONTAINER("")));
	check_round_trip(POD_JSON(ONE_CONTAINER(
	        ",'env':[{'name':'E','value':''}],"
	        "'resources':{'limits':{}},'command':[]") ",'volumes':[{'name':'v','hostPath':{'"
	                                                  "path':'/x'}}],"
	                                                  "'shareProcessNamespace':false,'"
	                                                  "securityContext':{}"));
}

static void test_encode_full(void **state) {
	Pod *pod = load_ok(full_pod);
	json_object *o = NULL;

	assert_int_equal(pod_to_json(pod, &o), 0);
	assert_str_at(o, "metadata.labels.tier", "front");
	assert_str_at(o, "spec.volumes.1.hostPath.type", "Directory");
	assert_str_at(o, "spec.volumes.0.emptyDir.sizeLimit", "64Mi");
	assert_str_at(o, "spec.initContainers.1.restartPolicy", "Always");
	assert_str_at(o, "spec.containers.0.env.1.valueFrom.fieldRef.apiVersion", "v1");
	assert_str_at(o, "spec.containers.0.env.2.valueFrom.resourceFieldRef.divisor", "1Mi");
	assert_str_at(o, "spec.containers.0.livenessProbe.httpGet.port", "http");
	assert_str_at(o, "spec.containers.0.startupProbe.grpc.service", "svc");
	assert_int_at(o, "spec.containers.0.lifecycle.preStop.sleep.seconds", 2);
	assert_str_at(o, "spec.containers.0.securityContext.capabilities.drop.0", "ALL");
	assert_int_at(o, "spec.securityContext.supplementalGroups.1", 3001);
	assert_str_at(o, "status.qosClass", "Burstable");
	json_object_put(o);
	pod_free(pod);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_defaults),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
