/* SPDX-License-Identifier: Apache-2.0 */
#include "qos.h"
#include "resources.h"

static void take(const OptQuantity *q, int64_t *dst, bool *has, bool milli) {
	int64_t v = 0;
	if (!q->set)
		return;
	if ((milli ? quantity_milli_value(&q->value, &v) : quantity_value(&q->value, &v)) < 0)
		v = INT64_MAX;
	*dst = v;
	*has = true;
}

static ResourceSum list_to_sum(const ResourceList *l) {
	ResourceSum s = {};
	take(&l->cpu, &s.cpu_milli, &s.has_cpu, true);
	take(&l->memory, &s.memory, &s.has_memory, false);
	take(&l->ephemeral_storage, &s.ephemeral_storage, &s.has_ephemeral_storage, false);
	return s;
}

ResourceSum container_requests(const Container *c) {
	return list_to_sum(&c->resources.requests);
}

ResourceSum container_limits(const Container *c) {
	return list_to_sum(&c->resources.limits);
}

static int64_t sat_add(int64_t a, int64_t b) {
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static void sum_add(ResourceSum *a, const ResourceSum *b) {
	a->cpu_milli = sat_add(a->cpu_milli, b->cpu_milli);
	a->memory = sat_add(a->memory, b->memory);
	a->ephemeral_storage = sat_add(a->ephemeral_storage, b->ephemeral_storage);
	a->has_cpu |= b->has_cpu;
	a->has_memory |= b->has_memory;
	a->has_ephemeral_storage |= b->has_ephemeral_storage;
}

static void sum_max(ResourceSum *a, const ResourceSum *b) {
	a->cpu_milli = MAX(a->cpu_milli, b->cpu_milli);
	a->memory = MAX(a->memory, b->memory);
	a->ephemeral_storage = MAX(a->ephemeral_storage, b->ephemeral_storage);
	a->has_cpu |= b->has_cpu;
	a->has_memory |= b->has_memory;
	a->has_ephemeral_storage |= b->has_ephemeral_storage;
}

/*
 * resource.PodRequests / PodLimits: regular containers are summed; sidecars run beside them
 * and add to the sum; each init phase needs its own container plus the sidecars started
 * before it, and the pod needs the largest of all phases.
 */
static ResourceSum pod_sum(const Pod *pod, ResourceSum (*get)(const Container *)) {
	ResourceSum reqs = {}, sidecars = {}, init = {};

	for (size_t i = 0; i < pod->spec.n_containers; i++) {
		ResourceSum c = get(&pod->spec.containers[i]);
		sum_add(&reqs, &c);
	}
	for (size_t i = 0; i < pod->spec.n_init_containers; i++) {
		const Container *ic = &pod->spec.init_containers[i];
		ResourceSum c = get(ic), phase = {};
		if (container_is_sidecar(ic)) {
			sum_add(&reqs, &c);
			sum_add(&sidecars, &c);
			phase = sidecars;
		} else {
			phase = c;
			sum_add(&phase, &sidecars);
		}
		sum_max(&init, &phase);
	}
	sum_max(&reqs, &init);
	return reqs;
}

ResourceSum pod_requests(const Pod *pod) {
	return pod_sum(pod, container_requests);
}

ResourceSum pod_limits(const Pod *pod) {
	return pod_sum(pod, container_limits);
}

uint64_t milli_cpu_to_shares(int64_t milli_cpu) {
	/* helpers_linux.go MilliCPUToShares: 0 -> MinShares; clamp to [2, 262144]. */
	if (milli_cpu <= 0)
		return CPU_MIN_SHARES;
	uint64_t shares = (uint64_t)milli_cpu * CPU_SHARES_PER_CPU / 1000;
	return shares < CPU_MIN_SHARES ? CPU_MIN_SHARES : MIN(shares, CPU_MAX_SHARES);
}

int64_t milli_cpu_to_quota(int64_t milli_cpu, uint64_t period_usec) {
	/* MilliCPUToQuota: 0 means no quota; else at least MinQuotaPeriod (1000 us). */
	if (milli_cpu <= 0)
		return 0;
	int64_t quota = (int64_t)((__int128)milli_cpu * period_usec / 1000);
	return quota < CPU_MIN_QUOTA_USEC ? CPU_MIN_QUOTA_USEC : quota;
}

static bool all_declare(const Pod *pod, bool memory) {
	/* ResourceConfigForPod: limits count as declared only when every container sets them. */
	for (size_t i = 0; i < pod->spec.n_containers; i++) {
		const ResourceList *l = &pod->spec.containers[i].resources.limits;
		const OptQuantity *q = memory ? &l->memory : &l->cpu;
		if (!q->set || quantity_is_zero(&q->value))
			return false;
	}
	return true;
}

CgroupLimits pod_cgroup_limits(const Pod *pod, const ResourcePolicy *p) {
	ResourceSum req = pod_requests(pod), lim = pod_limits(pod);
	PodQOSClass qos = pod_qos_class(pod);
	CgroupLimits l = { .cpu_weight_linear = true };
	int64_t quota =
	        p->cpu_cfs_quota ? milli_cpu_to_quota(lim.cpu_milli, p->cpu_cfs_period_usec) : -1;

	if (qos == POD_QOS_BEST_EFFORT) {
		l.cpu_shares = CPU_MIN_SHARES;
	} else {
		l.cpu_shares = milli_cpu_to_shares(req.cpu_milli);
		bool guaranteed = qos == POD_QOS_GUARANTEED;
		if (guaranteed || all_declare(pod, false)) {
			l.cpu_quota_us = quota == 0 ? -1 : quota;
			l.cpu_period_us = p->cpu_cfs_period_usec;
		}
		if ((guaranteed || all_declare(pod, true)) && lim.memory > 0)
			l.memory_max = lim.memory;
	}
	if (p->pod_pids_limit > 0)
		l.pids_max = p->pod_pids_limit;
	if (p->memory_qos && req.memory > 0)
		l.memory_min = req.memory;
	return l;
}

/*
 * KEP-2570 memory.high = floor((request + factor x (limit or allocatable - request)) / page)
 * x page; not set for Guaranteed pods (their high would equal max).
 */
static int64_t memory_high(const ResourceSum *req, const ResourceSum *lim,
                           const ResourcePolicy *p) {
	int64_t limit = lim->memory > 0 ? lim->memory : p->node_allocatable_memory;
	int64_t page = p->page_size > 0 ? p->page_size : 4096;
	if (limit <= 0 || limit <= req->memory)
		return 0;
	double high =
	        (double)req->memory + p->memory_throttling_factor * (double)(limit - req->memory);
	return (int64_t)(high / (double)page) * page;
}

CgroupLimits container_cgroup_limits(const Pod *pod, const Container *c, const ResourcePolicy *p) {
	ResourceSum req = container_requests(c), lim = container_limits(c);
	CgroupLimits l = {};

	/* kuberuntime_container_linux.go: shares from the request, else from the limit. */
	l.cpu_shares = milli_cpu_to_shares(req.cpu_milli == 0 && lim.cpu_milli > 0 ? lim.cpu_milli
	                                                                           : req.cpu_milli);
	if (p->cpu_cfs_quota && lim.cpu_milli > 0) {
		l.cpu_quota_us = milli_cpu_to_quota(lim.cpu_milli, p->cpu_cfs_period_usec);
		l.cpu_period_us = p->cpu_cfs_period_usec;
	}
	if (lim.memory > 0)
		l.memory_max = lim.memory;
	if (p->memory_qos && pod_qos_class(pod) != POD_QOS_GUARANTEED) {
		if (req.memory > 0)
			l.memory_min = req.memory;
		int64_t high = memory_high(&req, &lim, p);
		if (high > 0)
			l.memory_high = high;
	}
	return l;
}

static int64_t burstable_score(int64_t request, int64_t machine_memory) {
	if (machine_memory <= 0)
		return 1000;
	return 1000 - (int64_t)((__int128)1000 * request / machine_memory);
}

int container_oom_score_adj(const Pod *pod, const Container *c, bool node_critical,
                            int64_t machine_memory) {
	/* pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust */
	if (node_critical)
		return -997;
	switch (pod_qos_class(pod)) {
	case POD_QOS_GUARANTEED:
		return -997;
	case POD_QOS_BEST_EFFORT:
		return 1000;
	default:
		break;
	}
	int64_t adj = burstable_score(container_requests(c).memory, machine_memory);
	if (container_is_sidecar(c) && pod->spec.n_containers > 0) {
		/* A sidecar never scores above the regular container with the smallest request. */
		int64_t min_req = INT64_MAX;
		for (size_t i = 0; i < pod->spec.n_containers; i++)
			min_req = MIN(min_req, container_requests(&pod->spec.containers[i]).memory);
		adj = MIN(adj, burstable_score(min_req, machine_memory));
	}
	if (adj < 1000 - 997)
		return 1000 - 997;
	if (adj == 1000)
		return 999;
	return (int)adj;
}
