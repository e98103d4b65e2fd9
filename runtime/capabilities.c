/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities with libcap, in runc's order (finalizeNamespace): drop the bounding set while
 * still privileged, keep capabilities across the uid change (PR_SET_KEEPCAPS), then set
 * effective/permitted (inheritable empty, as containerd after CVE-2022-24769) and ambient.
 */
#include <stdio.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "container.h"
#include "util.h"

int capabilities_last_cap(unsigned *ret) {
	/* libcap reads /proc/sys/kernel/cap_last_cap (or probes with prctl). */
	int n = (int)cap_max_bits();
	if (n <= 0)
		return -EIO;
	*ret = (unsigned)n - 1;
	return 0;
}

static uint64_t mask_to(unsigned last) {
	return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

/* The capabilities this process holds (permitted set). */
static uint64_t own_permitted(unsigned cap_last) {
	uint64_t m = 0;
	cap_t caps = cap_get_proc();
	if (!caps)
		return 0;
	for (unsigned cap = 0; cap <= cap_last && cap < 64; cap++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(caps, (cap_value_t)cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			m |= UINT64_C(1) << cap;
	}
	cap_free(caps);
	return m;
}

uint64_t capabilities_effective_bounding(const ContainerConfig *c, unsigned cap_last) {
	uint64_t m = c->cap_bounding & mask_to(cap_last);
	/* Privileged means every capability the runtime itself has (containerd's
	 * WithAllCurrentCapabilities): a node whose root lacks one cannot hand it out. */
	if (c->privileged)
		m &= own_permitted(cap_last);
	return m;
}

int capabilities_drop_bounding(uint64_t keep, unsigned cap_last, RuntimeError *e) {
	for (unsigned cap = 0; cap <= cap_last && cap < 64; cap++) {
		if (keep & (UINT64_C(1) << cap))
			continue;
		if (cap_drop_bound((cap_value_t)cap) < 0)
			return runtime_error(e, errno, "drop %s from the bounding set",
			                     capability_to_name((int)cap) ?: "capability");
	}
	return 0;
}

static int set_flags(cap_t caps, cap_flag_t flag, uint64_t mask, unsigned cap_last) {
	for (unsigned cap = 0; cap <= cap_last && cap < 64; cap++) {
		cap_value_t v = (cap_value_t)cap;
		if ((mask & (UINT64_C(1) << cap)) && cap_set_flag(caps, flag, 1, &v, CAP_SET) < 0)
			return negative_errno();
	}
	return 0;
}

int capabilities_apply(const ContainerConfig *c, unsigned cap_last, RuntimeError *e) {
	uint64_t bound = capabilities_effective_bounding(c, cap_last);
	uint64_t permitted = c->cap_permitted & bound;
	/* Effective and ambient capabilities must be permitted; ambient ones also inheritable,
	 * which stays empty otherwise. */
	uint64_t effective = c->cap_effective & permitted;
	uint64_t ambient = c->cap_ambient & permitted;
	cap_t caps = cap_init();
	int r;

	if (!caps)
		return runtime_error(e, errno, "capabilities");
	r = set_flags(caps, CAP_PERMITTED, permitted, cap_last);
	if (r >= 0)
		r = set_flags(caps, CAP_EFFECTIVE, effective, cap_last);
	if (r >= 0)
		r = set_flags(caps, CAP_INHERITABLE, ambient, cap_last);
	if (r >= 0 && cap_set_proc(caps) < 0)
		r = negative_errno();
	cap_free(caps);
	if (r < 0)
		return runtime_error(e, -r, "set capabilities");
	if (cap_reset_ambient() < 0 && errno != EINVAL)
		return runtime_error(e, errno, "reset ambient capabilities");
	for (unsigned cap = 0; cap <= cap_last && cap < 64; cap++)
		if ((ambient & (UINT64_C(1) << cap)) &&
		    cap_set_ambient((cap_value_t)cap, CAP_SET) < 0)
			return runtime_error(e, errno, "raise ambient %s",
			                     capability_to_name((int)cap) ?: "capability");
	return 0;
}
