/* SPDX-License-Identifier: Apache-2.0 */
/* `kubectl get pods` columns from v1 Pod JSON (printers.go printPod). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "macro.h"
#include "pod-print.h"

static void check(const char *json, const char *ready, const char *status, unsigned restarts) {
	json_object *o = json_tokener_parse(json);
	PodColumns c;
	assert_non_null(o);
	pod_print_columns(o, &c);
	assert_string_equal(c.ready, ready);
	assert_string_equal(c.status, status);
	assert_int_equal(c.restarts, restarts);
	json_object_put(o);
}

#define SPEC2 "\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}"
#define SPEC_INIT                                                                                  \
	"\"spec\":{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],\"containers\":"       \
	"[{\"name\":\"a\"}]}"

static void test_running(void **state) {
	check("{\"metadata\":{\"name\":\"p\"}," SPEC2 ",\"status\":{\"phase\":\"Running\","
	      "\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,\"restartCount\":1,\"state\":"
	      "{\"running\":{}}},{\"name\":\"b\",\"ready\":false,\"restartCount\":2,\"state\":"
	      "{\"running\":{}}}]}}",
	      "1/2", "Running", 3);
}

static void test_crashloop_and_completed(void **state) {
	check("{\"metadata\":{\"name\":\"p\"}," SPEC2 ",\"status\":{\"phase\":\"Running\","
	      "\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"waiting\":{\"reason\":"
	      "\"CrashLoopBackOff\"}},\"restartCount\":4},{\"name\":\"b\",\"ready\":true,\"state\":"
	      "{\"running\":{}}}]}}",
	      "1/2", "CrashLoopBackOff", 4);
	check("{\"metadata\":{\"name\":\"p\"}," SPEC2 ",\"status\":{\"phase\":\"Succeeded\","
	      "\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":0,"
	      "\"reason\":\"Completed\"}}},{\"name\":\"b\",\"state\":{\"terminated\":{\"exitCode\":"
	      "0,"
	      "\"reason\":\"Completed\"}}}]}}",
	      "0/2", "Completed", 0);
	/* Completed with one still running reads NotReady (or Running with Ready) */
	check("{\"metadata\":{\"name\":\"p\"}," SPEC2 ",\"status\":{\"phase\":\"Running\","
	      "\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,\"state\":{\"running\":{}}},"
	      "{\"name\":\"b\",\"state\":{\"terminated\":{\"exitCode\":0,\"reason\":\"Completed\"}}"
	      "}]}}",
	      "1/2", "NotReady", 0);
	check("{\"metadata\":{\"name\":\"p\"}," SPEC2 ",\"status\":{\"phase\":\"Failed\","
	      "\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"terminated\":{\"exitCode\":137,"
	      "\"signal\":9}}},{\"name\":\"b\",\"state\":{\"terminated\":{\"exitCode\":3}}}]}}",
	      "0/2", "Signal:9", 0);
}

static void test_init(void **state) {
	check("{\"metadata\":{\"name\":\"p\"}," SPEC_INIT ",\"status\":{\"phase\":\"Pending\","
	      "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"running\":{}}},{\"name\":"
	      "\"i2\",\"state\":{\"waiting\":{\"reason\":\"PodInitializing\"}}}],"
	      "\"containerStatuses\":[{\"name\":\"a\",\"state\":{\"waiting\":{\"reason\":"
	      "\"PodInitializing\"}}}]}}",
	      "0/1", "Init:0/2", 0);
	check("{\"metadata\":{\"name\":\"p\"}," SPEC_INIT ",\"status\":{\"phase\":\"Pending\","
	      "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":{\"exitCode\":"
	      "0}}},"
	      "{\"name\":\"i2\",\"restartCount\":2,\"state\":{\"waiting\":{\"reason\":"
	      "\"CrashLoopBackOff\"}}}]}}",
	      "0/1", "Init:CrashLoopBackOff", 2);
	check("{\"metadata\":{\"name\":\"p\"}," SPEC_INIT ",\"status\":{\"phase\":\"Failed\","
	      "\"initContainerStatuses\":[{\"name\":\"i1\",\"state\":{\"terminated\":{\"exitCode\":"
	      "1,"
	      "\"reason\":\"Error\"}}}]}}",
	      "0/1", "Init:Error", 0);
}

static void test_sidecar_and_terminating(void **state) {
	/* a started sidecar counts in READY and its total */
	check("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"initContainers\":[{\"name\":\"s\","
	      "\"restartPolicy\":\"Always\"}],\"containers\":[{\"name\":\"a\"}]},\"status\":{"
	      "\"phase\":\"Running\",\"conditions\":[{\"type\":\"Initialized\",\"status\":\"True\"}"
	      "],"
	      "\"initContainerStatuses\":[{\"name\":\"s\",\"started\":true,\"ready\":true,"
	      "\"state\":"
	      "{\"running\":{}}}],\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,\"state\":"
	      "{\"running\":{}}}]}}",
	      "2/2", "Running", 0);
	check("{\"metadata\":{\"name\":\"p\",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"}," SPEC2
	      ",\"status\":{\"phase\":\"Running\"}}",
	      "0/2", "Terminating", 0);
	check("{\"metadata\":{\"name\":\"p\"}," SPEC2 ",\"status\":{\"phase\":\"Failed\","
	      "\"reason\":\"Evicted\"}}",
	      "0/2", "Evicted", 0);
	check("{\"metadata\":{\"name\":\"p\"}," SPEC2 ",\"status\":{\"phase\":\"Failed\","
	      "\"reason\":\"OutOfcpu\"}}",
	      "0/2", "OutOfcpu", 0);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running),
		cmocka_unit_test(test_crashloop_and_completed),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_sidecar_and_terminating),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
