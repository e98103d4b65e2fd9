/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's resource arithmetic, pure (no I/O): pod requests and limits with init
 * containers and sidecars (k8s.io/component-helpers resource.PodRequests/PodLimits), the cgroup
 * values it writes for pods, QoS tiers and containers (pkg/kubelet/cm/helpers_linux.go,
 * qos_container_manager_linux.go, kuberuntime_container_linux.go), MemoryQoS (KEP-2570) and
 * oom_score_adj (pkg/kubelet/qos/policy.go). KUBELET-BEHAVIOUR.md §4.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroups.h"
#include "pod.h"

#define CPU_MIN_SHARES 2ULL
#define CPU_MAX_SHARES 262144ULL
#define CPU_SHARES_PER_CPU 1024ULL
#define CPU_MIN_QUOTA_USEC 1000LL

/* Amounts of cpu (milli), memory and ephemeral-storage (bytes); `set` per resource. */
typedef struct ResourceSum {
	int64_t cpu_milli, memory, ephemeral_storage;
	bool has_cpu, has_memory, has_ephemeral_storage;
} ResourceSum;

/* One container's requests or limits, as integers (MilliValue for cpu, Value otherwise). */
ResourceSum container_requests(const Container *c);
ResourceSum container_limits(const Container *c);
/* Effective pod requests/limits: regular containers + sidecars, max'ed with init phases. */
ResourceSum pod_requests(const Pod *pod);
ResourceSum pod_limits(const Pod *pod);

uint64_t milli_cpu_to_shares(int64_t milli_cpu);
int64_t milli_cpu_to_quota(int64_t milli_cpu, uint64_t period_usec);

typedef struct ResourcePolicy {
	bool cpu_cfs_quota;           /* cpuCFSQuota */
	uint64_t cpu_cfs_period_usec; /* cpuCFSQuotaPeriod */
	int64_t pod_pids_limit;       /* podPidsLimit (-1 none) */
	bool memory_qos;              /* MemoryQoS on cgroup v2 */
	double memory_throttling_factor;
	int64_t node_allocatable_memory; /* for memory.high of containers without a limit */
	int64_t machine_memory;          /* for oom_score_adj */
	int64_t page_size;
	/* containerd's restrict_oom_score_adj: no container below oom_score_adj_floor */
	bool restrict_oom_score_adj;
	int oom_score_adj_floor;
} ResourcePolicy;

/* The pod cgroup (ResourceConfigForPod). */
CgroupLimits pod_cgroup_limits(const Pod *pod, const ResourcePolicy *p);
/* A container's cgroup (generateLinuxContainerResources, as the OCI runtime writes it). */
CgroupLimits container_cgroup_limits(const Pod *pod, const Container *c, const ResourcePolicy *p);
/* oom_score_adj of a container (GetContainerOOMScoreAdjust). node_critical: the pod is critical
 * and its priorityClassName is system-node-critical. */
int container_oom_score_adj(const Pod *pod, const Container *c, bool node_critical,
                            int64_t machine_memory);
