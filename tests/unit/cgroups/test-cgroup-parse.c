/* SPDX-License-Identifier: Apache-2.0 */
/* Pure parsers of cgroupfs contents, caller paths and libcgroup's error codes. */
#include <errno.h>
#include <libcgroup.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cgroup-internal.h"

static void test_u64(void **state) {
	uint64_t v;
	(void)state;
	assert_int_equal(cgroup_parse_u64("42\n", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(cgroup_parse_u64("max\n", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cgroup_parse_u64("-1", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cgroup_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(cgroup_parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(cgroup_parse_u64("", &v), -EINVAL);
	assert_int_equal(cgroup_parse_u64("12abc", &v), -EINVAL);
	assert_int_equal(cgroup_parse_u64("maximum", &v), -EINVAL);
	assert_int_equal(cgroup_parse_u64("-5", &v), -EINVAL);
}

static void test_keyed(void **state) {
	const char *stat = "cache 4096\nrss 8192\ntotal_cache 40960\ntotal_rss 81920\n"
	                   "total_inactive_file 1234\n";
	uint64_t v = 7;
	(void)state;
	assert_int_equal(cgroup_parse_keyed(stat, "rss", &v), 0);
	assert_int_equal(v, 8192);
	assert_int_equal(cgroup_parse_keyed(stat, "total_rss", &v), 0);
	assert_int_equal(v, 81920);
	assert_int_equal(cgroup_parse_keyed(stat, "total_inactive_file", &v), 0);
	assert_int_equal(v, 1234);
	/* A key that is a prefix of another must not match it. */
	assert_int_equal(cgroup_parse_keyed(stat, "total", &v), -ENOENT);
	assert_int_equal(cgroup_parse_keyed(stat, "inactive_file", &v), -ENOENT);
	assert_int_equal(cgroup_parse_keyed("", "rss", &v), -ENOENT);
	assert_int_equal(
	        cgroup_parse_keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill", &v),
	        0);
	assert_int_equal(v, 3);
	assert_int_equal(cgroup_parse_keyed("populated 1\nfrozen 0\n", "frozen", &v), 0);
	assert_int_equal(v, 0);
}

static void test_list(void **state) {
	(void)state;
	assert_true(cgroup_list_contains("cpuset cpu io memory pids\n", "cpu"));
	assert_true(cgroup_list_contains("cpuset cpu io memory pids\n", "pids"));
	assert_false(cgroup_list_contains("cpuset io memory\n", "cpu"));
	assert_false(cgroup_list_contains("", "cpu"));
	assert_false(cgroup_list_contains("hugetlb\n", "huge"));
}

static void test_pressure(void **state) {
	CgroupPressure p;
	(void)state;
	assert_int_equal(
	        cgroup_parse_pressure("some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\n"
	                              "full avg10=0.75 avg60=0.10 avg300=0.01 total=678\n",
	                              &p),
	        0);
	assert_true(p.available);
	assert_float_equal(p.some.avg10, 1.50, 1e-9);
	assert_float_equal(p.some.avg60, 0.25, 1e-9);
	assert_int_equal(p.some.total_us, 12345);
	assert_float_equal(p.full.avg10, 0.75, 1e-9);
	assert_float_equal(p.full.avg300, 0.01, 1e-9);
	assert_int_equal(p.full.total_us, 678);
	/* Old kernels: cpu.pressure has only "some". */
	assert_int_equal(
	        cgroup_parse_pressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=9\n", &p), 0);
	assert_true(p.available);
	assert_int_equal(p.full.total_us, 0);
	assert_int_equal(cgroup_parse_pressure("", &p), -EINVAL);
	assert_int_equal(cgroup_parse_pressure("some avg10=x\n", &p), -EINVAL);
}

static void test_path(void **state) {
	char buf[64];
	(void)state;
	assert_int_equal(
	        cgroup_path_normalize("/kubepods//burstable/pod1/", false, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "kubepods/burstable/pod1");
	assert_int_equal(cgroup_path_normalize("a", false, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a");
	assert_int_equal(cgroup_path_normalize("/", false, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_path_normalize("/", true, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cgroup_path_normalize("a/../b", false, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_path_normalize("./a", false, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_path_normalize("a/..b/.c", false, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a/..b/.c");
	assert_int_equal(cgroup_path_normalize("0123456789", false, buf, 10), -ENAMETOOLONG);
	assert_int_equal(cgroup_path_normalize(NULL, false, buf, sizeof(buf)), -EINVAL);
}

static void test_v1_limit(void **state) {
	(void)state;
	assert_true(cgroup_v1_limit(UINT64_C(9223372036854771712)) == UINT64_MAX);
	assert_int_equal(cgroup_v1_limit(268435456), 268435456);
}

static void test_errno(void **state) {
	(void)state;
	assert_int_equal(cgroup_errno_from_ecg(0, 0), 0);
	assert_int_equal(cgroup_errno_from_ecg(ECGOTHER, EACCES), -EACCES);
	assert_int_equal(cgroup_errno_from_ecg(ECGOTHER, 0), -EIO);
	assert_int_equal(cgroup_errno_from_ecg(ECGROUPNOTEXIST, 0), -ENOENT);
	assert_int_equal(cgroup_errno_from_ecg(ECGROUPVALUENOTEXIST, 0), -ENOENT);
	assert_int_equal(cgroup_errno_from_ecg(ECGROUPSUBSYSNOTMOUNTED, 0), -ENODEV);
	assert_int_equal(cgroup_errno_from_ecg(ECGROUPNOTALLOWED, 0), -EPERM);
	assert_int_equal(cgroup_errno_from_ecg(ECGNONEMPTY, 0), -EBUSY);
	assert_int_equal(cgroup_errno_from_ecg(ECGINVAL, 0), -EINVAL);
	assert_int_equal(cgroup_errno_from_ecg(ECGROUPNOTINITIALIZED, 0), -ENXIO);
	assert_int_equal(cgroup_errno_from_ecg(99999, 0), -EIO);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),   cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_list),  cmocka_unit_test(test_pressure),
		cmocka_unit_test(test_path),  cmocka_unit_test(test_v1_limit),
		cmocka_unit_test(test_errno),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
