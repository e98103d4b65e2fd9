/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pure cgroup v2 backend: one tree at /sys/fs/cgroup, made and configured through libcgroup.
 * File names: cpu.weight (from shares), cpu.max ("<quota|max> <period>"), memory.max,
 * memory.min, memory.low, memory.high, pids.max, cpuset.cpus/mems.
 * cgroup.subtree_control is written directly on every level from the root down to the parent:
 * libcgroup 2.0.2 enables controllers only in the immediate parent of the group it creates.
 */
#include <inttypes.h>
#include <signal.h>

#include "cgroup-internal.h"
#include "macro.h"

static const char *const V2_BASE[] = { "cpu", "memory", "pids" };

static bool wants_cpuset(const CgroupLimits *l) {
	return l && (l->cpuset_cpus || l->cpuset_mems);
}

static bool have(const CgroupContext *c, const char *controller) {
	for (size_t i = 0; i < c->n_hier; i++)
		if (streq(c->hier[i].controller, controller))
			return true;
	return false;
}

/* libcgroup 2.0.2 creates a v2 group once per controller named, each time walking from the mount
 * down with a mkdir -p, a look at /proc/mounts and a "+ctrl" write on every level: three
 * controllers at depth four cost ~25 such steps. All controllers share the one directory, and
 * ensure_parent() has enabled them on every level already, so skiff names a single controller
 * and queues every value (cpu.*, memory.*, pids.*, cpuset.*) under it. */
static const char *primary(const CgroupContext *c) {
	return c->hier[0].controller;
}

/* Enable the controllers path's children need in path's own subtree_control. */
static int enable_in(const CgroupContext *c, const char *path, bool cpuset) {
	char buf[256];
	int r = cgroup_fs_read(c->unified, path, "cgroup.subtree_control", buf, sizeof(buf));

	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(V2_BASE) + 1; i++) {
		const char *k = i < ELEMENTSOF(V2_BASE) ? V2_BASE[i] : "cpuset";
		char w[32];
		if ((i == ELEMENTSOF(V2_BASE) && !cpuset) || !have(c, k) ||
		    cgroup_list_contains(buf, k))
			continue;
		snprintf(w, sizeof(w), "+%s", k);
		r = cgroup_fs_write(c->unified, path, "cgroup.subtree_control", w);
		if (r < 0)
			return r;
	}
	return 0;
}

static int v2_destroy_one(const CgroupContext *c, const char *path);
static int v2_create(const CgroupContext *c, const char *path, const CgroupLimits *l);

/* Make sure parent exists and every level from the root down to it delegates the controllers.
 * Fast path: the parent already enables them all (one read). */
static int ensure_parent(const CgroupContext *c, const char *path, bool cpuset) {
	_cleanup_free_ char *parent = NULL;
	const char *slash = strrchr(path, '/');
	char buf[256];

	parent = slash ? strndup(path, (size_t)(slash - path)) : strdup("");
	if (!parent)
		return -ENOMEM;
	int r = cgroup_fs_read(c->unified, parent, "cgroup.subtree_control", buf, sizeof(buf));
	if (r >= 0) {
		bool all = !cpuset || !have(c, "cpuset") || cgroup_list_contains(buf, "cpuset");
		for (size_t i = 0; i < ELEMENTSOF(V2_BASE); i++)
			all = all &&
			      (!have(c, V2_BASE[i]) || cgroup_list_contains(buf, V2_BASE[i]));
		if (all)
			return 0;
	} else if (r != -ENOENT) {
		return r;
	}
	if (*parent) {
		if (r == -ENOENT && (r = v2_create(c, parent, NULL)) < 0)
			return r;
		r = ensure_parent(c, parent, cpuset);
		if (r < 0)
			return r;
	}
	return enable_in(c, parent, cpuset);
}

static int add_value(struct cgroup *cg, const char *controller, const char *file, int64_t v,
                     int *n) {
	char buf[32];
	if (v < 0)
		strcpy(buf, "max");
	else
		snprintf(buf, sizeof(buf), "%" PRId64, v);
	int r = cgroup_lib_add(cg, controller, file, buf);
	if (r >= 0)
		++*n;
	return r;
}

/* cpu.max holds quota and period together: keep the quota in force when only the period
 * changes. */
static int add_cpu_max(const CgroupContext *c, struct cgroup *cg, const char *path,
                       const CgroupLimits *l, int *n) {
	char buf[64], quota[32] = "max";

	if (!l->cpu_quota_us && !l->cpu_period_us)
		return 0;
	if (l->cpu_quota_us > 0)
		snprintf(quota, sizeof(quota), "%" PRId64, l->cpu_quota_us);
	else if (!l->cpu_quota_us &&
	         cgroup_fs_read(c->unified, path, "cpu.max", buf, sizeof(buf)) > 0)
		snprintf(quota, sizeof(quota), "%.*s", (int)strcspn(buf, " \n"), buf);
	if (l->cpu_period_us)
		snprintf(buf, sizeof(buf), "%s %" PRIu64, quota, l->cpu_period_us);
	else
		snprintf(buf, sizeof(buf), "%s", quota);
	int r = cgroup_lib_add(cg, primary(c), "cpu.max", buf);
	if (r >= 0)
		++*n;
	return r;
}

static int add_limits(const CgroupContext *c, struct cgroup *cg, const char *path,
                      const CgroupLimits *l, int *n) {
	int r = 0;

	*n = 0;
	if (!l)
		return 0;
	if (have(c, "cpu")) {
		if (l->cpu_shares) {
			uint64_t w = l->cpu_weight_linear
			                     ? cgroup_cpu_shares_to_weight_linear(l->cpu_shares)
			                     : cgroup_cpu_shares_to_weight(l->cpu_shares);
			r = add_value(cg, primary(c), "cpu.weight", (int64_t)w, n);
		}
		if (r >= 0)
			r = add_cpu_max(c, cg, path, l, n);
	}
	if (have(c, "memory")) {
		/* Protections before limits, and high before max, as runc orders them. */
		if (r >= 0 && l->memory_min)
			r = add_value(cg, primary(c), "memory.min", l->memory_min, n);
		if (r >= 0 && l->memory_low)
			r = add_value(cg, primary(c), "memory.low", l->memory_low, n);
		if (r >= 0 && l->memory_high)
			r = add_value(cg, primary(c), "memory.high", l->memory_high, n);
		if (r >= 0 && l->memory_max)
			r = add_value(cg, primary(c), "memory.max", l->memory_max, n);
	}
	if (r >= 0 && l->pids_max && have(c, "pids"))
		r = add_value(cg, primary(c), "pids.max", l->pids_max, n);
	if (have(c, "cpuset")) {
		if (r >= 0 && l->cpuset_cpus &&
		    (r = cgroup_lib_add(cg, primary(c), "cpuset.cpus", l->cpuset_cpus)) >= 0)
			++*n;
		if (r >= 0 && l->cpuset_mems &&
		    (r = cgroup_lib_add(cg, primary(c), "cpuset.mems", l->cpuset_mems)) >= 0)
			++*n;
	}
	return r;
}

static int v2_create(const CgroupContext *c, const char *path, const CgroupLimits *l) {
	_cleanup_(cgroup_lib_freep) struct cgroup *cg = NULL;
	int r, n;

	r = ensure_parent(c, path, wants_cpuset(l));
	if (r < 0)
		return r;
	int existed = cgroup_fs_exists(c->unified, path);
	if (existed < 0)
		return existed;
	cg = cgroup_lib_new(path);
	if (!cg)
		return -ENOMEM;
	r = cgroup_lib_add(cg, primary(c), NULL, NULL);
	if (r >= 0)
		r = add_limits(c, cg, path, l, &n);
	if (r >= 0)
		r = cgroup_lib_create(cg);
	if (r < 0 && !existed)
		(void)v2_destroy_one(c, path);
	return r;
}

static int v2_set(const CgroupContext *c, const char *path, const CgroupLimits *l) {
	_cleanup_(cgroup_lib_freep) struct cgroup *cg = cgroup_lib_new(path);
	int n, r;

	if (!cg)
		return -ENOMEM;
	if (wants_cpuset(l)) {
		r = ensure_parent(c, path, true);
		if (r < 0)
			return r;
	}
	r = add_limits(c, cg, path, l, &n);
	if (r < 0 || n == 0)
		return r;
	return cgroup_lib_modify(cg);
}

static int v2_attach(const CgroupContext *c, const char *path, pid_t pid) {
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	/* One write moves the whole process; libcgroup would write it once per controller. */
	return cgroup_fs_write(c->unified, path, "cgroup.procs", buf);
}

/* No thread-level door here: a process that moves itself writes "0" to cgroup.procs. */
static int v2_join_open(const CgroupContext *c, const char *path, bool unified, CgroupJoin *j) {
	return unified ? cgroup_fs_join_add(j, c->unified, path, "cgroup.procs") : 0;
}

static int v2_kill(const CgroupContext *c, const char *path) {
	PidSet seen = { 0 };
	int r = cgroup_unified_kill(c->unified, path);

	if (r != -EOPNOTSUPP)
		return r;
	/* Before Linux 5.14: freeze, kill what is listed, thaw (the kills land on thawing). */
	r = cgroup_unified_freeze(c->unified, path, true);
	if (r < 0)
		return r;
	do
		r = cgroup_fs_signal_tree(c->unified, path, SIGKILL, &seen);
	while (r > 0);
	pid_set_done(&seen);
	int k = cgroup_unified_freeze(c->unified, path, false);
	return r < 0 ? r : k;
}

static int v2_destroy_one(const CgroupContext *c, const char *path) {
	return cgroup_lib_delete_empty(c, path);
}

static int v2_children(const CgroupContext *c, const char *path, char ***names, size_t *n) {
	return cgroup_fs_children(c->unified, path, names, n);
}

static int v2_is_populated(const CgroupContext *c, const char *path) {
	int r = cgroup_unified_populated(c->unified, path);
	return r == -ENOENT ? 0 : r;
}

const CgroupOps cgroup_v2_ops = {
	.name = "v2",
	.create = v2_create,
	.set = v2_set,
	.attach = v2_attach,
	.join_open = v2_join_open,
	.kill = v2_kill,
	.destroy_one = v2_destroy_one,
	.children = v2_children,
	.is_populated = v2_is_populated,
	.stats = cgroup_v2_stats,
};
