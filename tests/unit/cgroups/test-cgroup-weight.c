/* SPDX-License-Identifier: Apache-2.0 */
/* shares -> weight: the table of KUBELET-BEHAVIOUR.md §4.3 (runc PR #4785 / crun, and kubelet). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cgroups.h"

static void test_oci_formula(void **state) {
	(void)state;
	assert_int_equal(cgroup_cpu_shares_to_weight(2), 1);
	assert_int_equal(cgroup_cpu_shares_to_weight(102), 17);
	assert_int_equal(cgroup_cpu_shares_to_weight(512), 59);
	assert_int_equal(cgroup_cpu_shares_to_weight(1024), 100);
	assert_int_equal(cgroup_cpu_shares_to_weight(2048), 174);
	assert_int_equal(cgroup_cpu_shares_to_weight(4096), 303);
}

static void test_oci_formula_ends(void **state) {
	(void)state;
	assert_int_equal(cgroup_cpu_shares_to_weight(0), 0); /* unset stays unset */
	assert_int_equal(cgroup_cpu_shares_to_weight(1), 1);
	assert_int_equal(cgroup_cpu_shares_to_weight(262144), 10000);
	assert_int_equal(cgroup_cpu_shares_to_weight(1000000), 10000);
	/* Monotonic and in range over the whole v1 domain. */
	uint64_t prev = 1;
	for (uint64_t s = 2; s <= 262144; s++) {
		uint64_t w = cgroup_cpu_shares_to_weight(s);
		assert_true(w >= prev && w >= 1 && w <= 10000);
		prev = w;
	}
}

static void test_linear(void **state) {
	(void)state;
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(2), 1);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(102), 4);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(512), 20);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(1024), 39);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(2048), 79);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(4096), 157);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(262144), 10000);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(0), 0);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(1), 1);
	assert_int_equal(cgroup_cpu_shares_to_weight_linear(999999), 10000);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci_formula),
		cmocka_unit_test(test_oci_formula_ends),
		cmocka_unit_test(test_linear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
