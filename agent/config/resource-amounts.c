/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource maps: kubeReserved/systemReserved as cmd/kubelet/app/server.go parseResourceList
 * reads them (cpu, memory, ephemeral-storage, pid; not negative), and skiff.nodeCapacity
 * (cpu, memory, ephemeral-storage, pods, pids).
 */
#include "kubelet-config.h"
#include "quantity.h"

static const char *const reserved_names[_RESOURCE_MAX] = {
	[RESOURCE_CPU] = "cpu",
	[RESOURCE_MEMORY] = "memory",
	[RESOURCE_EPHEMERAL_STORAGE] = "ephemeral-storage",
	[RESOURCE_PID] = "pid",
};

static const char *const capacity_names[_RESOURCE_MAX] = {
	[RESOURCE_CPU] = "cpu",
	[RESOURCE_MEMORY] = "memory",
	[RESOURCE_EPHEMERAL_STORAGE] = "ephemeral-storage",
	[RESOURCE_PID] = "pids",
	[RESOURCE_PODS] = "pods",
};

static int resource_kind(const char *key, bool capacity) {
	const char *const *names = capacity ? capacity_names : reserved_names;
	for (size_t i = 0; i < _RESOURCE_MAX; i++)
		if (names[i] && streq(names[i], key))
			return (int)i;
	return -EINVAL;
}

static int parse_one(const char *key, const char *val, bool capacity, const char *path,
                     ResourceAmounts *a, Diag *d) {
	_cleanup_free_ char *p = NULL;
	Quantity q;

	if (asprintf(&p, "%s[%s]", strempty(path), key) < 0)
		return -ENOMEM;
	int k = resource_kind(key, capacity);
	if (k < 0) {
		if (capacity)
			diag_error(d, p,
			           "unsupported resource \"%s\": supported are cpu, memory, "
			           "ephemeral-storage, pods, pids",
			           key);
		else
			diag_error(d, p, "cannot reserve \"%s\" resource", key);
		return -EINVAL;
	}
	if (quantity_parse(val, &q, NULL) < 0) {
		diag_error(d, p, "invalid quantity \"%s\"", val);
		return -EINVAL;
	}
	if (quantity_sign(&q) < 0) {
		diag_error(d, p, "resource quantity for \"%s\" cannot be negative: %s", key, val);
		return -EINVAL;
	}
	int r = k == RESOURCE_CPU ? quantity_milli_value(&q, &a->value[k])
	                          : quantity_value(&q, &a->value[k]);
	if (r < 0) {
		diag_error(d, p, "quantity \"%s\" does not fit a 64-bit integer", val);
		return -EINVAL;
	}
	a->set[k] = true;
	return 0;
}

int resource_amounts_parse(const StrMap *m, bool capacity, const char *path, ResourceAmounts *ret,
                           Diag *diag) {
	ResourceAmounts a = {};
	int ret_r = 0;
	for (size_t i = 0; m && i < m->n; i++) {
		int r = parse_one(m->keys[i], m->values[i], capacity, path, &a, diag);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			ret_r = r;
	}
	*ret = a;
	return ret_r;
}
