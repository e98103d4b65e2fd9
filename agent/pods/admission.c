/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "admission.h"
#include "resources.h"

static bool insufficient(AdmitResult *ret, const char *resource, int64_t requested, int64_t used,
                         int64_t capacity) {
	if (requested <= 0 || requested <= capacity - used)
		return false;
	ret->admitted = false;
	snprintf(ret->reason, sizeof(ret->reason), "OutOf%s", resource);
	/* InsufficientResourceError.Error() */
	snprintf(
	        ret->message, sizeof(ret->message),
	        "Node didn't have enough resource: %s, requested: %lld, used: %lld, capacity: %lld",
	        resource, (long long)requested, (long long)used, (long long)capacity);
	return true;
}

void pod_admit(const Pod *pod, const Pod *const *active, size_t n_active,
               const NodeAllocatable *alloc, AdmitResult *ret) {
	ResourceSum used = {}, want = pod_requests(pod);

	*ret = (AdmitResult){ .admitted = true };
	for (size_t i = 0; i < n_active; i++) {
		ResourceSum r = pod_requests(active[i]);
		used.cpu_milli += r.cpu_milli;
		used.memory += r.memory;
		used.ephemeral_storage += r.ephemeral_storage;
	}
	if ((int64_t)n_active + 1 > alloc->pods) {
		insufficient(ret, "pods", 1, (int64_t)n_active, alloc->pods);
		return;
	}
	if (insufficient(ret, "cpu", want.cpu_milli, used.cpu_milli, alloc->cpu_milli))
		return;
	if (insufficient(ret, "memory", want.memory, used.memory, alloc->memory))
		return;
	insufficient(ret, "ephemeral-storage", want.ephemeral_storage, used.ephemeral_storage,
	             alloc->ephemeral_storage);
}

int64_t allocatable_amount(int64_t capacity, int64_t kube_reserved, int64_t system_reserved,
                           int64_t eviction_hard) {
	int64_t a = capacity - kube_reserved - system_reserved - eviction_hard;
	return a < 0 ? 0 : a;
}
