/* SPDX-License-Identifier: Apache-2.0 */
/* The kubelet's cgroup values, oom_score_adj and admission (KUBELET-BEHAVIOUR.md §4). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "admission.h"
#include "pod-fixture.h"
#include "resources.h"

#define GI (1024LL * 1024 * 1024)
#define MI (1024LL * 1024)

static const ResourcePolicy policy = {
	.cpu_cfs_quota = true,
	.cpu_cfs_period_usec = 100000,
	.pod_pids_limit = -1,
	.memory_throttling_factor = 0.9,
	.node_allocatable_memory = 8 * GI,
	.machine_memory = 16 * GI,
	.page_size = 4096,
};

#define GUARANTEED                                                                                 \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"g\"},\"spec\":{"         \
	"\"containers\":[{\"name\":\"a\",\"image\":\"busybox\",\"resources\":{\"limits\":"         \
	"{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}},{\"name\":\"b\",\"image\":\"busybox\","         \
	"\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}}"
#define BURSTABLE                                                                                  \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"},\"spec\":{"         \
	"\"containers\":[{\"name\":\"a\",\"image\":\"busybox\",\"resources\":{\"requests\":"       \
	"{\"cpu\":\"100m\",\"memory\":\"4Gi\"},\"limits\":{\"memory\":\"8Gi\"}}},"                 \
	"{\"name\":\"b\",\"image\":\"busybox\",\"resources\":{\"requests\":{\"cpu\":\"250m\"}}}]}" \
	"}"
#define BEST_EFFORT                                                                                \
	"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"e\"},\"spec\":{"         \
	"\"containers\":[{\"name\":\"a\",\"image\":\"busybox\"}]}}"

static void test_shares_and_quota(void **state) {
	assert_int_equal(milli_cpu_to_shares(0), 2);
	assert_int_equal(milli_cpu_to_shares(1), 2);
	assert_int_equal(milli_cpu_to_shares(100), 102);
	assert_int_equal(milli_cpu_to_shares(1000), 1024);
	assert_int_equal(milli_cpu_to_shares(1000000), 262144);
	assert_int_equal(milli_cpu_to_quota(0, 100000), 0);
	assert_int_equal(milli_cpu_to_quota(1, 100000), 1000); /* MinQuotaPeriod */
	assert_int_equal(milli_cpu_to_quota(500, 100000), 50000);
	assert_int_equal(milli_cpu_to_quota(1500, 50000), 75000);
}

static void test_guaranteed(void **state) {
	_cleanup_pod_free_ Pod *p = fixture_pod(GUARANTEED);
	assert_non_null(p);
	CgroupLimits l = pod_cgroup_limits(p, &policy);
	assert_int_equal(l.cpu_shares, 1536);
	assert_int_equal(l.cpu_quota_us, 150000);
	assert_int_equal(l.cpu_period_us, 100000);
	assert_int_equal(l.memory_max, 1280 * MI);
	assert_true(l.cpu_weight_linear);
	CgroupLimits c = container_cgroup_limits(p, &p->spec.containers[0], &policy);
	assert_int_equal(c.cpu_shares, 512);
	assert_int_equal(c.cpu_quota_us, 50000);
	assert_int_equal(c.memory_max, 256 * MI);
	assert_int_equal(container_oom_score_adj(p, &p->spec.containers[0], false, 16 * GI), -997);
}

static void test_burstable(void **state) {
	_cleanup_pod_free_ Pod *p = fixture_pod(BURSTABLE);
	assert_non_null(p);
	CgroupLimits l = pod_cgroup_limits(p, &policy);
	assert_int_equal(l.cpu_shares, milli_cpu_to_shares(350));
	/* not every container declares limits: no quota, no memory limit on the pod */
	assert_int_equal(l.cpu_quota_us, 0);
	assert_int_equal(l.memory_max, 0);
	CgroupLimits c = container_cgroup_limits(p, &p->spec.containers[0], &policy);
	assert_int_equal(c.cpu_shares, 102);
	assert_int_equal(c.cpu_quota_us, 0);
	assert_int_equal(c.memory_max, 8 * GI);
	/* 4Gi of 16Gi -> 750 (policy.go example) */
	assert_int_equal(container_oom_score_adj(p, &p->spec.containers[0], false, 16 * GI), 750);
	/* no memory request -> 1000 -> 999 */
	assert_int_equal(container_oom_score_adj(p, &p->spec.containers[1], false, 16 * GI), 999);
	/* more than the machine -> floor 3 */
	assert_int_equal(container_oom_score_adj(p, &p->spec.containers[0], false, 2 * GI), 3);
	assert_int_equal(container_oom_score_adj(p, &p->spec.containers[0], true, 16 * GI), -997);
}

static void test_memory_qos(void **state) {
	_cleanup_pod_free_ Pod *p = fixture_pod(BURSTABLE);
	ResourcePolicy q = policy;
	q.memory_qos = true;
	CgroupLimits c = container_cgroup_limits(p, &p->spec.containers[0], &q);
	assert_int_equal(c.memory_min, 4 * GI);
	/* 4Gi + 0.9 x (8Gi - 4Gi), page aligned */
	assert_int_equal(c.memory_high, (int64_t)((4 * GI + 0.9 * 4 * GI) / 4096) * 4096);
	CgroupLimits pl = pod_cgroup_limits(p, &q);
	assert_int_equal(pl.memory_min, 4 * GI);
}

static void test_best_effort(void **state) {
	_cleanup_pod_free_ Pod *p = fixture_pod(BEST_EFFORT);
	ResourcePolicy q = policy;
	q.pod_pids_limit = 1024;
	CgroupLimits l = pod_cgroup_limits(p, &q);
	assert_int_equal(l.cpu_shares, 2);
	assert_int_equal(l.memory_max, 0);
	assert_int_equal(l.pids_max, 1024);
	assert_int_equal(container_oom_score_adj(p, &p->spec.containers[0], false, 16 * GI), 1000);
	CgroupLimits c = container_cgroup_limits(p, &p->spec.containers[0], &policy);
	assert_int_equal(c.cpu_shares, 2);
}

static void test_init_containers_and_sidecars(void **state) {
	/* regular 100m + sidecar 200m = 300m; init phase 500m + sidecar before it (0) = 500m;
	 * second init 100m + sidecar 200m = 300m -> pod request 500m */
	_cleanup_pod_free_ Pod *p = fixture_pod(
	        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"i\"},\"spec\":{"
	        "\"initContainers\":[{\"name\":\"i1\",\"image\":\"busybox\",\"resources\":"
	        "{\"requests\":{\"cpu\":\"500m\"}}},{\"name\":\"side\",\"image\":\"busybox\","
	        "\"restartPolicy\":\"Always\",\"resources\":{\"requests\":{\"cpu\":\"200m\"}}},"
	        "{\"name\":\"i2\",\"image\":\"busybox\",\"resources\":{\"requests\":{\"cpu\":"
	        "\"100m\"}}}],\"containers\":[{\"name\":\"a\",\"image\":\"busybox\",\"resources\":"
	        "{\"requests\":{\"cpu\":\"100m\"}}}]}}");
	assert_non_null(p);
	assert_int_equal(pod_requests(p).cpu_milli, 500);
	p->spec.init_containers[0].resources.requests.cpu.set = false;
	assert_int_equal(pod_requests(p).cpu_milli, 300);
}

static void test_admission(void **state) {
	_cleanup_pod_free_ Pod *g = fixture_pod(GUARANTEED);
	_cleanup_pod_free_ Pod *b = fixture_pod(BURSTABLE);
	const Pod *active[] = { b };
	NodeAllocatable alloc = {
		.cpu_milli = 2000, .memory = 8 * GI, .ephemeral_storage = 0, .pods = 110
	};
	AdmitResult r;

	pod_admit(g, active, 1, &alloc, &r);
	assert_true(r.admitted);
	alloc.cpu_milli = 1800;
	pod_admit(g, active, 1, &alloc, &r);
	assert_false(r.admitted);
	assert_string_equal(r.reason, "OutOfcpu");
	assert_string_equal(r.message, "Node didn't have enough resource: cpu, requested: 1500, "
	                               "used: 350, capacity: 1800");
	alloc.cpu_milli = 4000;
	alloc.memory = 5 * GI;
	pod_admit(g, active, 1, &alloc, &r);
	assert_string_equal(r.reason, "OutOfmemory");
	alloc.pods = 1;
	pod_admit(g, active, 1, &alloc, &r);
	assert_string_equal(r.reason, "OutOfpods");
	assert_string_equal(r.message, "Node didn't have enough resource: pods, requested: 1, "
	                               "used: 1, capacity: 1");
	assert_int_equal(allocatable_amount(16 * GI, GI, GI, 100 * MI), 14 * GI - 100 * MI);
	assert_int_equal(allocatable_amount(GI, GI, GI, 0), 0);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shares_and_quota),
		cmocka_unit_test(test_guaranteed),
		cmocka_unit_test(test_burstable),
		cmocka_unit_test(test_memory_qos),
		cmocka_unit_test(test_best_effort),
		cmocka_unit_test(test_init_containers_and_sidecars),
		cmocka_unit_test(test_admission),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
