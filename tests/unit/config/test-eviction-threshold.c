/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ParseThresholdConfig cases, taken (as facts) from pkg/kubelet/eviction/helpers_test.go
 * TestParseThresholdConfig, plus the defaults/merge rules of cmd/kubelet/app/server.go and
 * UpdateContainerFsThresholds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "duration.h"
#include "eviction-threshold.h"

/* "k<v,k<v" or "k=v,k=v" into a map (test input only). */
static void map_from(StrMap *m, const char *spec, char sep) {
	_cleanup_free_ char *copy = strdup(spec);
	char *save = NULL;
	assert_non_null(copy);
	for (char *i = strtok_r(copy, ",", &save); i; i = strtok_r(NULL, ",", &save)) {
		char *at = strchr(i, sep);
		assert_non_null(at);
		*at = '\0';
		assert_int_equal(strmap_set(m, i, at + 1), 0);
	}
}

typedef struct Case {
	StrMap hard, soft, grace, reclaim;
	char **enforce;
	EvictionThresholds out;
	Diag diag;
} Case;

static void case_done(Case *c) {
	strmap_done(&c->hard);
	strmap_done(&c->soft);
	strmap_done(&c->grace);
	strmap_done(&c->reclaim);
	strv_free(c->enforce);
	eviction_thresholds_done(&c->out);
	diag_clear(&c->diag);
}

static int run(Case *c, const char *hard, const char *soft, const char *grace, const char *reclaim,
               bool pods) {
	map_from(&c->hard, hard, '<');
	map_from(&c->soft, soft, '<');
	map_from(&c->grace, grace, '=');
	map_from(&c->reclaim, reclaim, '=');
	if (pods)
		assert_int_equal(strv_extend(&c->enforce, "pods"), 0);
	EvictionConfig ec = {
		.hard = &c->hard,
		.soft = &c->soft,
		.soft_grace_period = &c->grace,
		.minimum_reclaim = &c->reclaim,
		.enforce_node_allocatable = c->enforce,
		.hard_path = "evictionHard",
		.soft_path = "evictionSoft",
		.grace_path = "evictionSoftGracePeriod",
		.reclaim_path = "evictionMinimumReclaim",
	};
	return eviction_thresholds_parse(&ec, &c->out, &c->diag);
}

/* Render one threshold as "signal<value grace=... reclaim=..." for compact comparisons. */
static void render(const EvictionThreshold *t, char *buf, size_t size) {
	_cleanup_free_ char *v = NULL, *r = NULL;
	char g[DURATION_STRING_MAX];
	assert_int_equal(threshold_value_to_string(&t->value, &v), 0);
	if (t->has_min_reclaim)
		assert_int_equal(threshold_value_to_string(&t->min_reclaim, &r), 0);
	snprintf(buf, size, "%s<%s grace=%s reclaim=%s", eviction_signal_to_string(t->signal), v,
	         duration_to_string(t->grace_period_ns, g), r ? r : "-");
}

static void expect(const Case *c, const char *const *want, size_t n) {
	assert_int_equal(c->out.n, n);
	for (size_t i = 0; i < n; i++) {
		char buf[256];
		render(&c->out.items[i], buf, sizeof(buf));
		assert_string_equal(buf, want[i]);
	}
}

static void expect_error(const Case *c, const char *msg) {
	for (size_t i = 0; i < c->diag.n_errors; i++)
		if (streq(c->diag.errors[i], msg))
			return;
	for (size_t i = 0; i < c->diag.n_errors; i++)
		fprintf(stderr, "error: %s\n", c->diag.errors[i]);
	fail_msg("missing error: %s", msg);
}

static void test_no_values(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "", "", "", false), 0);
	assert_int_equal(c.out.n, 0);
}

static void test_all_flag_values(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<150Mi", "memory.available<300Mi",
	                     "memory.available=30s", "memory.available=0", false),
	                 0);
	static const char *const want[] = {
		"memory.available<150Mi grace=0s reclaim=0",
		"memory.available<300Mi grace=30s reclaim=0",
	};
	expect(&c, want, ELEMENTSOF(want));
}

static void test_all_flag_values_pods(void **state) {
	/* enforceNodeAllocatable=pods clones the hard memory threshold, minReclaim included */
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<150Mi", "memory.available<300Mi",
	                     "memory.available=30s", "memory.available=0", true),
	                 0);
	static const char *const want[] = {
		"memory.available<150Mi grace=0s reclaim=0",
		"memory.available<300Mi grace=30s reclaim=0",
		"allocatableMemory.available<150Mi grace=0s reclaim=0",
	};
	expect(&c, want, ELEMENTSOF(want));
}

static void test_percentages(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<10%", "memory.available<30%",
	                     "memory.available=30s", "memory.available=5%", false),
	                 0);
	static const char *const want[] = {
		"memory.available<10% grace=0s reclaim=5%",
		"memory.available<30% grace=30s reclaim=5%",
	};
	expect(&c, want, ELEMENTSOF(want));
	assert_true(c.out.items[0].value.is_percentage);
	assert_true(c.out.items[0].value.percentage == 0.1f);
}

static void test_disk_values(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "imagefs.available<150Mi,nodefs.available<100Mi",
	                     "imagefs.available<300Mi,nodefs.available<200Mi",
	                     "imagefs.available=30s,nodefs.available=30s",
	                     "imagefs.available=2Gi,nodefs.available=1Gi", false),
	                 0);
	static const char *const want[] = {
		"imagefs.available<150Mi grace=0s reclaim=2Gi",
		"nodefs.available<100Mi grace=0s reclaim=1Gi",
		"imagefs.available<300Mi grace=30s reclaim=2Gi",
		"nodefs.available<200Mi grace=30s reclaim=1Gi",
	};
	expect(&c, want, ELEMENTSOF(want));
}

static void test_disk_percentages(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "imagefs.available<15%,nodefs.available<10.5%",
	                     "imagefs.available<30%,nodefs.available<20.5%",
	                     "imagefs.available=30s,nodefs.available=30s",
	                     "imagefs.available=10%,nodefs.available=5%", false),
	                 0);
	static const char *const want[] = {
		"imagefs.available<15% grace=0s reclaim=10%",
		"nodefs.available<10.5% grace=0s reclaim=5%",
		"imagefs.available<30% grace=30s reclaim=10%",
		"nodefs.available<20.5% grace=30s reclaim=5%",
	};
	expect(&c, want, ELEMENTSOF(want));
	/* stored as the kubelet stores it: float32(10.5) / 100 */
	assert_true(c.out.items[1].value.percentage == 10.5f / 100);
}

static void test_inode_values(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "imagefs.inodesFree<150Mi,nodefs.inodesFree<100Mi",
	                     "imagefs.inodesFree<300Mi,nodefs.inodesFree<200Mi",
	                     "imagefs.inodesFree=30s,nodefs.inodesFree=30s",
	                     "imagefs.inodesFree=2Gi,nodefs.inodesFree=1Gi", false),
	                 0);
	assert_int_equal(c.out.n, 4);
}

static void test_pid_and_containerfs_signals(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "pid.available<10%,containerfs.available<1Gi", "", "", "", false),
	                 0);
	assert_int_equal(c.out.n, 2);
}

static void test_invalid_signal(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "mem.available<150Mi", "", "", "", false), -EINVAL);
	expect_error(&c, "evictionHard[mem.available]: unsupported eviction signal mem.available");
	assert_int_equal(c.out.n, 0);
}

static void test_valid_and_invalid_signal(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<150Mi,invalid.foo<150Mi", "", "", "", false),
	                 -EINVAL);
	expect_error(&c, "evictionHard[invalid.foo]: unsupported eviction signal invalid.foo");
	assert_int_equal(c.out.n, 0);
}

static void test_hard_negative(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<-150Mi", "", "", "", false), -EINVAL);
	expect_error(&c,
	             "evictionHard[memory.available]: eviction threshold memory.available must be "
	             "positive: -150Mi");
}

static void test_hard_zero_quantity(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<0", "", "", "", false), -EINVAL);
	expect_error(&c,
	             "evictionHard[memory.available]: eviction threshold memory.available must be "
	             "positive: 0");
}

static void test_hard_negative_percentage(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<-15%", "", "", "", false), -EINVAL);
	expect_error(&c, "evictionHard[memory.available]: eviction percentage threshold "
	                 "memory.available must be >= 0%: -15%");
}

static void test_percentage_over_100(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "nodefs.available<150%", "", "", "", false), -EINVAL);
	expect_error(&c, "evictionHard[nodefs.available]: eviction percentage threshold "
	                 "nodefs.available must be <= 100%: 150%");
}

static void test_zero_and_hundred_percent_dropped(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<0%,nodefs.available<100%,imagefs.available<0.0%",
	                     "memory.available<0%", "", "", false),
	                 0);
	/* only the literal "0%" and "100%" are dropped; "0.0%" stays, as in the kubelet */
	static const char *const want[] = { "imagefs.available<0% grace=0s reclaim=-" };
	expect(&c, want, ELEMENTSOF(want));
}

static void test_invalid_quantity(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<12XB", "", "", "", false), -EINVAL);
	expect_error(&c, "evictionHard[memory.available]: invalid quantity \"12XB\"");
}

static void test_invalid_percentage(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "memory.available<abc%,nodefs.available<nan%", "", "", "", false),
	                 -EINVAL);
	expect_error(&c, "evictionHard[memory.available]: invalid percentage \"abc%\"");
	expect_error(&c, "evictionHard[nodefs.available]: invalid percentage \"nan%\"");
}

static void test_soft_negative(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "memory.available<-150Mi", "", "", false), -EINVAL);
	expect_error(&c,
	             "evictionSoft[memory.available]: eviction threshold memory.available must be "
	             "positive: -150Mi");
}

static void test_soft_no_grace_period(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "memory.available<150Mi", "", "", false), -EINVAL);
	expect_error(&c,
	             "evictionSoft[memory.available]: grace period must be specified for the soft "
	             "eviction threshold memory.available");
}

static void test_soft_negative_grace_period(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "memory.available<150Mi", "memory.available=-30s", "", false),
	                 -EINVAL);
	expect_error(&c, "evictionSoftGracePeriod[memory.available]: invalid eviction grace period "
	                 "specified: -30s, must be a positive value");
}

static void test_grace_period_errors(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "", "memory.available=abc,foo=1s", "", false), -EINVAL);
	expect_error(&c,
	             "evictionSoftGracePeriod[memory.available]: time: invalid duration \"abc\"");
	expect_error(&c, "evictionSoftGracePeriod[foo]: unsupported eviction signal foo");
}

static void test_soft_zero_grace_is_hard(void **state) {
	/* Hard <=> GracePeriod == 0: a soft threshold with 0s grace acts as a hard one */
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "memory.available<1Gi", "memory.available=0s", "", true), 0);
	static const char *const want[] = {
		"memory.available<1Gi grace=0s reclaim=-",
		"allocatableMemory.available<1Gi grace=0s reclaim=-",
	};
	expect(&c, want, ELEMENTSOF(want));
	assert_true(eviction_threshold_is_hard(&c.out.items[0]));
}

static void test_negative_reclaim(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "", "", "memory.available=-300Mi", false), -EINVAL);
	expect_error(&c, "evictionMinimumReclaim[memory.available]: negative eviction minimum "
	                 "reclaim specified for memory.available");
}

static void test_zero_percent_reclaim(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "", "", "", "memory.available=0%", false), -EINVAL);
	expect_error(&c, "evictionMinimumReclaim[memory.available]: eviction percentage minimum "
	                 "reclaim memory.available must be positive: 0%");
}

static void test_reclaim_attaches_to_every_threshold(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "nodefs.available<1Gi", "nodefs.available<2Gi",
	                     "nodefs.available=1m30s", "nodefs.available=500Mi", false),
	                 0);
	static const char *const want[] = {
		"nodefs.available<1Gi grace=0s reclaim=500Mi",
		"nodefs.available<2Gi grace=1m30s reclaim=500Mi",
	};
	expect(&c, want, ELEMENTSOF(want));
}

static void test_every_error_reported(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(
	        run(&c, "memory.available<-1,bogus<1", "nodefs.available<1Gi", "", "x=1", false),
	        -EINVAL);
	assert_int_equal(c.diag.n_errors, 4);
}

static void test_defaults(void **state) {
	_cleanup_(strmap_done) StrMap m = {};
	assert_int_equal(eviction_hard_effective(NULL, false, &m), 0);
	assert_int_equal(m.n, 4);
	assert_string_equal(strmap_get(&m, "memory.available"), "100Mi");
	assert_string_equal(strmap_get(&m, "nodefs.available"), "10%");
	assert_string_equal(strmap_get(&m, "nodefs.inodesFree"), "5%");
	assert_string_equal(strmap_get(&m, "imagefs.available"), "15%");
}

static void test_set_drops_defaults(void **state) {
	_cleanup_(strmap_done) StrMap in = {}, m = {};
	map_from(&in, "memory.available<1Gi", '<');
	assert_int_equal(eviction_hard_effective(&in, false, &m), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(strmap_get(&m, "memory.available"), "1Gi");
}

static void test_merge_keeps_defaults(void **state) {
	_cleanup_(strmap_done) StrMap in = {}, m = {};
	map_from(&in, "memory.available<1Gi", '<');
	assert_int_equal(eviction_hard_effective(&in, true, &m), 0);
	assert_int_equal(m.n, 4);
	assert_string_equal(strmap_get(&m, "memory.available"), "1Gi");
	assert_string_equal(strmap_get(&m, "imagefs.available"), "15%");
}

static void test_empty_map_stays_empty(void **state) {
	_cleanup_(strmap_done) StrMap in = {}, m = {};
	assert_int_equal(eviction_hard_effective(&in, false, &m), 0);
	assert_int_equal(m.n, 0);
}

static void test_containerfs_follows_nodefs(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c,
	                     "nodefs.available<10%,nodefs.inodesFree<5%,containerfs.available<1Gi",
	                     "nodefs.available<20%", "nodefs.available=1m", "", false),
	                 0);
	assert_int_equal(eviction_thresholds_update_containerfs(&c.out, false, false, &c.diag,
	                                                        "evictionHard"),
	                 0);
	static const char *const want[] = {
		"nodefs.available<10% grace=0s reclaim=-",
		"nodefs.inodesFree<5% grace=0s reclaim=-",
		"containerfs.available<10% grace=0s reclaim=-",
		"nodefs.available<20% grace=1m0s reclaim=-",
		"containerfs.inodesFree<5% grace=0s reclaim=-",
		"containerfs.available<20% grace=1m0s reclaim=-",
	};
	expect(&c, want, ELEMENTSOF(want));
	assert_int_equal(c.diag.n_warnings, 1);
	assert_string_equal(
	        c.diag.warnings[0],
	        "evictionHard: found containerfs.available for hard eviction. ignoring");
}

static void test_containerfs_follows_imagefs(void **state) {
	_cleanup_(case_done) Case c = {};
	assert_int_equal(run(&c, "nodefs.available<10%,imagefs.available<15%", "", "", "", false),
	                 0);
	assert_int_equal(eviction_thresholds_update_containerfs(&c.out, true, false, &c.diag, NULL),
	                 0);
	static const char *const want[] = {
		"nodefs.available<10% grace=0s reclaim=-",
		"imagefs.available<15% grace=0s reclaim=-",
		"containerfs.available<15% grace=0s reclaim=-",
	};
	expect(&c, want, ELEMENTSOF(want));
}

static void test_signal_names(void **state) {
	for (int s = 0; s < _EVICTION_SIGNAL_MAX; s++)
		assert_int_equal(eviction_signal_from_string(eviction_signal_to_string(s)), s);
	assert_int_equal(eviction_signal_from_string("Memory.available"), -EINVAL);
	assert_null(eviction_signal_to_string(_EVICTION_SIGNAL_MAX));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_values),
		cmocka_unit_test(test_all_flag_values),
		cmocka_unit_test(test_all_flag_values_pods),
		cmocka_unit_test(test_percentages),
		cmocka_unit_test(test_disk_values),
		cmocka_unit_test(test_disk_percentages),
		cmocka_unit_test(test_inode_values),
		cmocka_unit_test(test_pid_and_containerfs_signals),
		cmocka_unit_test(test_invalid_signal),
		cmocka_unit_test(test_valid_and_invalid_signal),
		cmocka_unit_test(test_hard_negative),
		cmocka_unit_test(test_hard_zero_quantity),
		cmocka_unit_test(test_hard_negative_percentage),
		cmocka_unit_test(test_percentage_over_100),
		cmocka_unit_test(test_zero_and_hundred_percent_dropped),
		cmocka_unit_test(test_invalid_quantity),
		cmocka_unit_test(test_invalid_percentage),
		cmocka_unit_test(test_soft_negative),
		cmocka_unit_test(test_soft_no_grace_period),
		cmocka_unit_test(test_soft_negative_grace_period),
		cmocka_unit_test(test_grace_period_errors),
		cmocka_unit_test(test_soft_zero_grace_is_hard),
		cmocka_unit_test(test_negative_reclaim),
		cmocka_unit_test(test_zero_percent_reclaim),
		cmocka_unit_test(test_reclaim_attaches_to_every_threshold),
		cmocka_unit_test(test_every_error_reported),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set_drops_defaults),
		cmocka_unit_test(test_merge_keeps_defaults),
		cmocka_unit_test(test_empty_map_stays_empty),
		cmocka_unit_test(test_containerfs_follows_nodefs),
		cmocka_unit_test(test_containerfs_follows_imagefs),
		cmocka_unit_test(test_signal_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
