/* SPDX-License-Identifier: Apache-2.0 */
/* cpu.shares (v1, 2..262144) -> cpu.weight (v2, 1..10000). Pure. */
#include <math.h>

#include "cgroups.h"

/* runc (PR #4785) and crun: a quadratic fit in log2 space that maps the v1 default 1024 to the
 * v2 default 100 and keeps the ends, unlike the linear map where 1024 lands on 39
 * (kubernetes issue #131216). */
uint64_t cgroup_cpu_shares_to_weight(uint64_t shares) {
	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	double l = log2((double)shares);
	double exponent = (l * l + 125.0 * l) / 612.0 - 7.0 / 34.0;
	double w = ceil(pow(10.0, exponent));
	if (w < 1)
		return 1;
	if (w > 10000)
		return 10000;
	return (uint64_t)w;
}

/* kubelet's own cgroups (cgroup_v2_manager_linux.go): 1 + ((shares - 2) * 9999) / 262142. */
uint64_t cgroup_cpu_shares_to_weight_linear(uint64_t shares) {
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}
