/* SPDX-License-Identifier: Apache-2.0 */
/* QoS classes as pkg/apis/core/v1/helper/qos GetPodQOS computes them. */
#include "pod-test-util.h"
#include "qos.h"

static void check_qos(const char *spec, PodQOSClass expected) {
	char text[2048];
	Pod *pod;

	snprintf(text, sizeof(text), POD_JSON("%s"), spec);
	pod = load_ok(text);
	if (pod_qos_class(pod) != expected)
		fail_msg("%s: %s, expected %s", spec, pod_qos_class_to_string(pod_qos_class(pod)),
		         pod_qos_class_to_string(expected));
	pod_free(pod);
}

#define C(name, res) "{'name':'" name "','image':'b','resources':{" res "}}"

static void test_best_effort(void **state) {
	check_qos("'containers':[" C("a", "") "]", POD_QOS_BEST_EFFORT);
	/* Zero quantities and other resources do not count. */
	check_qos("'containers':[" C("a", "'requests':{'cpu':'0','ephemeral-storage':'1Gi'}") "]",
	          POD_QOS_BEST_EFFORT);
}

static void test_guaranteed(void **state) {
	/* Limits only: requests default to them. */
	check_qos("'containers':[" C("a", "'limits':{'cpu':'1','memory':'1Gi'}") "]",
	          POD_QOS_GUARANTEED);
	check_qos("'containers':[" C("a", "'limits':{'cpu':'500m','memory':'1Gi'},"
	                                  "'requests':{'cpu':'0.5','memory':'1024Mi'}") "]",
	          POD_QOS_GUARANTEED);
	/* Init containers count too. */
	check_qos(
	        "'initContainers':[" C(
	                "i", "'limits':{'cpu':'1','memory':'64Mi'}") "],"
	                                                             "'containers':[" C(
	                                                                     "a",
	                                                                     "'limits':{'cpu':'1','"
	                                                                     "memory':'1Gi'}") "]",
	        POD_QOS_GUARANTEED);
}

/* GetPodQOS compares the pod's sums, not each container (seen only on an invalid pod). */
static const char invalid_sums[] =
        POD_JSON("'containers':["
                 "{'name':'a','image':'b','resources':{'limits':{'cpu':'2','memory':'1Gi'},"
                 "  'requests':{'cpu':'1'}}},"
                 "{'name':'b','image':'b','resources':{'limits':{'cpu':'1','memory':'1Gi'},"
                 "  'requests':{'cpu':'2'}}}]");

static void test_sums(void **state) {
	json_object *o = J(invalid_sums);
	Diag d = {};
	Pod *pod = NULL;

	assert_int_equal(pod_decode(o, NULL, &pod, &d), 0);
	pod_apply_defaults(pod);
	assert_int_equal(pod_qos_class(pod), POD_QOS_GUARANTEED);
	pod_free(pod);
	json_object_put(o);
	diag_clear(&d);
}

static void test_burstable(void **state) {
	check_qos("'containers':[" C("a", "'requests':{'cpu':'100m'}") "]", POD_QOS_BURSTABLE);
	check_qos("'containers':[" C("a", "'limits':{'cpu':'1'}") "]", POD_QOS_BURSTABLE);
	check_qos("'containers':[" C("a", "'limits':{'cpu':'1','memory':'1Gi'}") "," C("b", "") "]",
	          POD_QOS_BURSTABLE);
	check_qos(
	        "'initContainers':[" C(
	                "i", "") "],"
	                         "'containers':[" C("a", "'limits':{'cpu':'1','memory':'1Gi'}") "]",
	        POD_QOS_BURSTABLE);
	check_qos("'containers':[" C("a", "'limits':{'cpu':'1','memory':'1Gi'},"
	                                  "'requests':{'cpu':'500m'}") "]",
	          POD_QOS_BURSTABLE);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_best_effort),
		cmocka_unit_test(test_guaranteed),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_burstable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
