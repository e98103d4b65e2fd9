/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PSI: <cgroup2 dir>/{cpu,memory,io}.pressure (pure v2, or the hybrid's unified companion),
 * /proc/pressure/ * for the node. Read directly: libcgroup has no reader for them.
 */
#include "cgroup-internal.h"
#include "macro.h"

int cgroup_read_pressure(const char *dir, const char *resource, CgroupPressure *ret) {
	char file[32], buf[512];
	int r;

	*ret = (CgroupPressure){ 0 };
	snprintf(file, sizeof(file), "%s.pressure", resource);
	r = cgroup_fs_read(dir, "", file, buf, sizeof(buf));
	/* No file: PSI not built in or the cgroup has no cgroup2 side. EOPNOTSUPP: booted with
	 * psi=0. Both mean "not available", not an error. */
	if (r == -ENOENT || r == -EOPNOTSUPP)
		return 0;
	if (r < 0)
		return r;
	return cgroup_parse_pressure(buf, ret);
}
