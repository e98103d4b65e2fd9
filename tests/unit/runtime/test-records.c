/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "runtime.h"
#include "timestamp.h"

static void check_ts(int64_t ns, const char *want) {
	char buf[RUNTIME_TIMESTAMP_MAX];
	uint64_t back;
	assert_true(runtime_format_timestamp(ns, buf) > 0);
	assert_string_equal(buf, want);
	assert_int_equal(rfc3339_parse_nsec(buf, &back), 0);
	assert_true(back == (uint64_t)ns);
}

static void test_timestamps(void **state) {
	/* Go's RFC3339Nano trims trailing zeros and drops a bare dot. */
	check_ts(INT64_C(1475713029669794202), "2016-10-06T00:17:09.669794202Z");
	check_ts(INT64_C(1475713029669794200), "2016-10-06T00:17:09.6697942Z");
	check_ts(INT64_C(1475713029000000000), "2016-10-06T00:17:09Z");
	check_ts(INT64_C(1475713029100000000), "2016-10-06T00:17:09.1Z");
	check_ts(0, "1970-01-01T00:00:00Z");

	uint64_t ns;
	assert_int_equal(rfc3339_parse_nsec("2016-10-06T02:17:09.5+02:00", &ns), 0);
	assert_true(ns == UINT64_C(1475713029500000000));
	assert_int_equal(rfc3339_parse_nsec("2016-10-05T23:17:09-01:00", &ns), 0);
	assert_true(ns == UINT64_C(1475713029000000000));
	assert_int_equal(rfc3339_parse_nsec("2016-10-06 00:17:09Z", &ns), -EINVAL);
	assert_int_equal(rfc3339_parse_nsec("2016-13-06T00:17:09Z", &ns), -EINVAL);
	assert_int_equal(rfc3339_parse_nsec("2016-10-06T00:17:09.Z", &ns), -EINVAL);
	assert_int_equal(rfc3339_parse_nsec("2016-10-06T00:17:09", &ns), -EINVAL);
	assert_int_equal(rfc3339_parse_nsec("", &ns), -EINVAL);
}

static void test_civil_time(void **state) {
	/* Against libc's gmtime_r from 1900 to 2261 (leap rules, before 1970). */
	for (int64_t secs = -2208988800; secs < 9200000000; secs += 86400 * 37 + 3673) {
		struct tm tm;
		time_t t = (time_t)secs;
		RuntimeCivilTime c;
		assert_non_null(gmtime_r(&t, &tm));
		runtime_civil_from_ns(secs * 1000000000 + 17, &c);
		assert_int_equal(c.year, tm.tm_year + 1900);
		assert_int_equal(c.month, tm.tm_mon + 1);
		assert_int_equal(c.day, tm.tm_mday);
		assert_int_equal(c.hour, tm.tm_hour);
		assert_int_equal(c.minute, tm.tm_min);
		assert_int_equal(c.second, tm.tm_sec);
		assert_int_equal(c.nanosecond, 17);
	}
	RuntimeCivilTime c;
	runtime_civil_from_ns(INT64_C(951782400) * 1000000000, &c); /* 2000-02-29 */
	assert_int_equal(c.month, 2);
	assert_int_equal(c.day, 29);
	runtime_civil_from_ns(-1, &c); /* 1969-12-31T23:59:59.999999999 */
	assert_int_equal(c.year, 1969);
	assert_int_equal(c.second, 59);
	assert_int_equal(c.nanosecond, 999999999);
}

static void test_exit_reason(void **state) {
	assert_int_equal(exit_reason_derive(true, 0, false), EXIT_REASON_COMPLETED);
	assert_int_equal(exit_reason_derive(true, 1, false), EXIT_REASON_ERROR);
	assert_int_equal(exit_reason_derive(true, 137, true), EXIT_REASON_OOM_KILLED);
	/* containerd: an OOM kill in the cgroup wins over the exit code. */
	assert_int_equal(exit_reason_derive(true, 0, true), EXIT_REASON_OOM_KILLED);
	assert_int_equal(exit_reason_derive(false, 128, false), EXIT_REASON_START_ERROR);
	assert_string_equal(exit_reason_to_string(EXIT_REASON_OOM_KILLED), "OOMKilled");
	assert_int_equal(exit_reason_from_string("StartError"), EXIT_REASON_START_ERROR);
	assert_int_equal(exit_reason_from_string("Nope"), -EINVAL);
}

static void test_exit_record(void **state) {
	ExitRecord e = { .exit_code = 128,
		         .reason = EXIT_REASON_START_ERROR,
		         .message = (char *)"exec: \"/nope\": No such file or directory",
		         .finished_at = INT64_C(1475713029669794202) },
	           back;
	char *json = NULL;
	assert_int_equal(exit_record_to_json(&e, &json), 0);
	assert_non_null(strstr(json, "\"reason\":\"StartError\""));
	assert_non_null(strstr(json, "\"finishedAt\":\"2016-10-06T00:17:09.669794202Z\""));
	assert_null(strstr(json, "startedAt")); /* never started */
	assert_int_equal(exit_record_from_json(json, strlen(json), &back), 0);
	assert_int_equal(back.exit_code, 128);
	assert_int_equal(back.reason, EXIT_REASON_START_ERROR);
	assert_string_equal(back.message, e.message);
	assert_true(back.finished_at == e.finished_at);
	exit_record_done(&back);
	free(json);
	const char *bad = "{\"exitCode\":1,\"reason\":\"Weird\"}";
	assert_int_equal(exit_record_from_json(bad, strlen(bad), &back), -EINVAL);
}

static void test_state(void **state) {
	ContainerState s = { .id = (char *)"c",
		             .monitor_pid = 10,
		             .monitor_start_time = 99,
		             .pid = 11,
		             .start_time = 100,
		             .started_at = 5,
		             .cgroup_path = NULL },
	               back;
	char *json = NULL;
	assert_int_equal(container_state_to_json(&s, &json), 0);
	assert_int_equal(container_state_from_json(json, strlen(json), &back), 0);
	assert_int_equal(back.monitor_pid, 10);
	assert_int_equal(back.pid, 11);
	assert_int_equal(back.start_time, 100);
	assert_string_equal(back.id, "c");
	assert_null(back.monitor_cgroup_error);
	container_state_done(&back);
	free(json);
	assert_true(container_state_from_json("{}", 2, &back) < 0);

	s.monitor_cgroup_error =
	        (char *)"move the monitor into cgroup m: No such file or directory";
	assert_int_equal(container_state_to_json(&s, &json), 0);
	assert_int_equal(container_state_from_json(json, strlen(json), &back), 0);
	assert_string_equal(back.monitor_cgroup_error, s.monitor_cgroup_error);
	container_state_done(&back);
	free(json);
}

static void test_notify(void **state) {
	RuntimeError e = {};
	pid_t pid;
	assert_int_equal(runtime_notify_parse("started 1234\n", 13, &pid, &e), 1234);
	assert_int_equal(pid, 1234);
	const char *err = "error 2 exec: \"/nope\": No such file or directory\n";
	assert_int_equal(runtime_notify_parse(err, strlen(err), &pid, &e), -ENOENT);
	assert_string_equal(e.message, "exec: \"/nope\": No such file or directory");
	assert_int_equal(runtime_notify_parse("ok\n", 3, NULL, &e), 0);
	assert_int_equal(runtime_notify_parse("", 0, &pid, &e), -EPIPE);
	assert_int_equal(runtime_notify_parse("started x", 9, &pid, &e), -EBADMSG);
	assert_int_equal(runtime_notify_parse("error 0 x", 9, &pid, &e), -EBADMSG);
	assert_int_equal(runtime_notify_parse("hello", 5, &pid, &e), -EBADMSG);
}

/* How an asynchronous sandbox helper ended: its folded exit status and DIR/sandbox-error. */
static void test_sandbox_result(void **state) {
	char dir[] = "/tmp/skiff-test-sandbox-result.XXXXXX", path[128];
	const char *report = "error 17 mount the pod's shm on /x/shm: File exists\n";
	RuntimeError e = {};

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, RUNTIME_SANDBOX_ERROR_FILE);
	assert_int_equal(runtime_sandbox_result(dir, 0, &e), 0);
	/* No report: a generic message. */
	assert_int_equal(runtime_sandbox_result(dir, 1, &e), -EIO);
	assert_non_null(strstr(e.message, "exit status 1"));
	assert_int_equal(write_file_atomic(path, report, strlen(report), 0644), 0);
	assert_int_equal(runtime_sandbox_result(dir, 1, &e), -EEXIST);
	assert_int_equal(e.err, EEXIST);
	assert_string_equal(e.message, "mount the pod's shm on /x/shm: File exists");
	/* Killed: the report is not this run's end. */
	assert_int_equal(runtime_sandbox_result(dir, 128 + 9, &e), -EIO);
	assert_non_null(strstr(e.message, "killed by signal 9"));
	assert_int_equal(runtime_sandbox_result(dir, 0, NULL), 0);
	assert_int_equal(runtime_sandbox_result(dir, 1, NULL), -EEXIST);
	/* Something else in the file: generic. */
	assert_int_equal(write_file_atomic(path, "garbage", 7, 0644), 0);
	assert_int_equal(runtime_sandbox_result(dir, 2, &e), -EIO);
	assert_non_null(strstr(e.message, "exit status 2"));
	assert_int_equal(rm_rf(dir), 0);
	/* DIR gone (a destroy): generic. */
	assert_int_equal(runtime_sandbox_result(dir, 1, &e), -EIO);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timestamps),     cmocka_unit_test(test_civil_time),
		cmocka_unit_test(test_exit_reason),    cmocka_unit_test(test_exit_record),
		cmocka_unit_test(test_state),          cmocka_unit_test(test_notify),
		cmocka_unit_test(test_sandbox_result),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
