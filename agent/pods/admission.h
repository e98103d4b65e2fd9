/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod admission against node allocatable (pkg/kubelet/lifecycle/predicate.go with the
 * scheduler's noderesources Fits): pods first, then cpu, memory, ephemeral-storage; only the
 * first shortage is reported, as reason "OutOf<resource>" and the kubelet's message. Pure.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pod.h"

typedef struct NodeAllocatable {
	int64_t cpu_milli;
	int64_t memory;
	int64_t ephemeral_storage;
	int64_t pods;
} NodeAllocatable;

typedef struct AdmitResult {
	bool admitted;
	char reason[64];   /* "OutOfcpu" */
	char message[256]; /* "Node didn't have enough resource: cpu, requested: 500, used: 1800,
	                      capacity: 2000" */
} AdmitResult;

/* active: the pods already admitted and not terminal. */
void pod_admit(const Pod *pod, const Pod *const *active, size_t n_active,
               const NodeAllocatable *alloc, AdmitResult *ret);

/* status.allocatable = capacity - kubeReserved - systemReserved - hard eviction threshold
 * (node_container_manager_linux.go GetNodeAllocatableAbsolute + eviction reservation). */
int64_t allocatable_amount(int64_t capacity, int64_t kube_reserved, int64_t system_reserved,
                           int64_t eviction_hard);
