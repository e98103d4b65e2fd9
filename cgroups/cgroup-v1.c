/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroup v1 backend, hybrid layout included: one directory per v1 hierarchy skiff uses (made and
 * configured through libcgroup), plus the companion directory under the unified mount.
 * File names: cpu.shares, cpu.cfs_period_us, cpu.cfs_quota_us, memory.limit_in_bytes, pids.max,
 * cpuset.cpus/mems. memory.min/low/high have no v1 equivalent and are not written. systemd's
 * name=systemd hierarchy, where mounted, gets a directory too (membership only, no files).
 */
#include <inttypes.h>
#include <signal.h>
#include <time.h>

#include "cgroup-internal.h"
#include "macro.h"

static const char *mnt(const CgroupContext *c, int idx) {
	return c->hier[idx].mount;
}

static const char *ctl(const CgroupContext *c, int idx) {
	return c->hier[idx].controller;
}

static int add_i64(struct cgroup *cg, const char *controller, const char *file, int64_t v) {
	char buf[32];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	return cgroup_lib_add(cg, controller, file, buf);
}

/* Queue the limit values on cg; *n counts them. */
static int add_limits(const CgroupContext *c, struct cgroup *cg, const CgroupLimits *l, int *n) {
	int r = 0;

	*n = 0;
	if (!l)
		return 0;
	if (c->cpu >= 0) {
		if (l->cpu_shares &&
		    (r = cgroup_lib_add_u64(cg, ctl(c, c->cpu), "cpu.shares", l->cpu_shares)) >= 0)
			++*n;
		/* The period first: a quota is checked against the period in force. */
		if (r >= 0 && l->cpu_period_us &&
		    (r = cgroup_lib_add_u64(cg, ctl(c, c->cpu), "cpu.cfs_period_us",
		                            l->cpu_period_us)) >= 0)
			++*n;
		if (r >= 0 && l->cpu_quota_us &&
		    (r = add_i64(cg, ctl(c, c->cpu), "cpu.cfs_quota_us",
		                 l->cpu_quota_us < 0 ? -1 : l->cpu_quota_us)) >= 0)
			++*n;
	}
	if (r >= 0 && c->memory >= 0 && l->memory_max &&
	    (r = add_i64(cg, ctl(c, c->memory), "memory.limit_in_bytes",
	                 l->memory_max < 0 ? -1 : l->memory_max)) >= 0)
		++*n;
	if (r >= 0 && c->pids >= 0 && l->pids_max) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%" PRId64, l->pids_max);
		if ((r = cgroup_lib_add(cg, ctl(c, c->pids), "pids.max",
		                        l->pids_max < 0 ? "max" : buf)) >= 0)
			++*n;
	}
	if (r >= 0 && c->cpuset >= 0 && l->cpuset_cpus &&
	    (r = cgroup_lib_add(cg, ctl(c, c->cpuset), "cpuset.cpus", l->cpuset_cpus)) >= 0)
		++*n;
	if (r >= 0 && c->cpuset >= 0 && l->cpuset_mems &&
	    (r = cgroup_lib_add(cg, ctl(c, c->cpuset), "cpuset.mems", l->cpuset_mems)) >= 0)
		++*n;
	return r;
}

/* A new v1 cpuset starts with empty cpus and mems, and no task can join it until both are set:
 * copy the parent's (unless the caller gives its own). */
static int add_cpuset_from_parent(const CgroupContext *c, struct cgroup *cg, const char *path,
                                  const CgroupLimits *l) {
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	_cleanup_free_ char *parent = strdup(path);
	char *slash;

	if (c->cpuset < 0)
		return 0;
	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	if (slash)
		*slash = 0;
	else
		parent[0] = 0;
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		char buf[4096];
		if ((i == 0 && l && l->cpuset_cpus) || (i == 1 && l && l->cpuset_mems))
			continue;
		/* Already filled (an existing cgroup): keep what is there. */
		int r = cgroup_fs_read(mnt(c, c->cpuset), path, files[i], buf, sizeof(buf));
		if (r > 1)
			continue;
		r = cgroup_fs_read(mnt(c, c->cpuset), parent, files[i], buf, sizeof(buf));
		if (r < 0)
			return r;
		buf[strcspn(buf, "\n")] = 0;
		r = cgroup_lib_add(cg, ctl(c, c->cpuset), files[i], buf);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Whether path exists in every hierarchy it should be in (and under the unified mount). */
static int exists_everywhere(const CgroupContext *c, const char *path, bool cpuset) {
	for (size_t i = 0; i < c->n_hier; i++) {
		if ((c->hier[i].on_demand && !cpuset) || cgroup_mount_seen(c, i))
			continue;
		int r = cgroup_fs_exists(c->hier[i].mount, path);
		if (r <= 0)
			return r;
	}
	if (c->systemd[0]) {
		int r = cgroup_fs_exists(c->systemd, path);
		if (r <= 0)
			return r;
	}
	return c->unified[0] ? cgroup_fs_exists(c->unified, path) : 1;
}

static int v1_destroy_one(const CgroupContext *c, const char *path);

/* cpuset is on demand: a cgroup joins it when it sets cpus or mems, when a child below it does
 * (want_cpuset), or when its parent is in it (a pod's cpuset then covers its containers). The
 * hierarchy's root does not count: otherwise every cgroup would pay for it. */
static int v1_create_in(const CgroupContext *c, const char *path, const CgroupLimits *l,
                        bool want_cpuset) {
	_cleanup_(cgroup_lib_freep) struct cgroup *cg = NULL;
	_cleanup_free_ char *parent = NULL;
	const char *slash = strrchr(path, '/');
	int r, n;

	if (slash && !(parent = strndup(path, (size_t)(slash - path))))
		return -ENOMEM;
	bool cpuset =
	        c->cpuset >= 0 && (want_cpuset || (l && (l->cpuset_cpus || l->cpuset_mems)) ||
	                           (parent && cgroup_fs_exists(mnt(c, c->cpuset), parent) > 0));
	/* Parents first, each level made like this one (so cpusets are filled on the way). */
	if (parent) {
		r = exists_everywhere(c, parent, cpuset);
		if (r == 0)
			r = v1_create_in(c, parent, NULL, cpuset);
		if (r < 0)
			return r;
	}
	int existed = exists_everywhere(c, path, cpuset);
	if (existed < 0)
		return existed;
	cg = cgroup_lib_new(path);
	if (!cg)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_hier; i++) {
		if ((c->hier[i].on_demand && !cpuset) || cgroup_mount_seen(c, i))
			continue;
		if ((r = cgroup_lib_add(cg, c->hier[i].controller, NULL, NULL)) < 0)
			return r;
	}
	r = cpuset ? add_cpuset_from_parent(c, cg, path, l) : 0;
	if (r >= 0)
		r = add_limits(c, cg, l, &n);
	if (r >= 0)
		r = cgroup_lib_create(cg);
	if (r >= 0 && c->unified[0])
		r = cgroup_fs_mkdir(c->unified, path);
	if (r >= 0 && c->systemd[0])
		r = cgroup_fs_mkdir(c->systemd, path);
	if (r < 0 && !existed)
		(void)v1_destroy_one(c, path);
	return r;
}

static int v1_create(const CgroupContext *c, const char *path, const CgroupLimits *l) {
	return v1_create_in(c, path, l, false);
}

static int v1_set(const CgroupContext *c, const char *path, const CgroupLimits *l) {
	_cleanup_(cgroup_lib_freep) struct cgroup *cg = cgroup_lib_new(path);
	int n, r;

	if (!cg)
		return -ENOMEM;
	r = add_limits(c, cg, l, &n);
	if (r < 0 || n == 0)
		return r;
	return cgroup_lib_modify(cg);
}

/* cgroup.procs moves every thread of the process; libcgroup's attach writes `tasks` (one). */
static int v1_attach(const CgroupContext *c, const char *path, pid_t pid) {
	char buf[32];
	int r;

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < c->n_hier; i++) {
		if (cgroup_mount_seen(c, i))
			continue;
		r = cgroup_fs_write(c->hier[i].mount, path, "cgroup.procs", buf);
		if (r == -ENOENT && c->hier[i].on_demand)
			continue; /* not in the cpuset hierarchy */
		if (r < 0)
			return r;
	}
	if (c->systemd[0] && (r = cgroup_fs_write(c->systemd, path, "cgroup.procs", buf)) < 0)
		return r;
	return c->unified[0] ? cgroup_fs_write(c->unified, path, "cgroup.procs", buf) : 0;
}

/* `tasks`, not cgroup.procs: "0" there moves the writing thread without the thread-group lock. */
static int v1_join_open(const CgroupContext *c, const char *path, bool unified, CgroupJoin *j) {
	int r = 0;

	for (size_t i = 0; i < c->n_hier && r >= 0; i++) {
		if (cgroup_mount_seen(c, i))
			continue;
		r = cgroup_fs_join_add(j, c->hier[i].mount, path, "tasks");
		if (r == -ENOENT && c->hier[i].on_demand)
			r = 0; /* not in the cpuset hierarchy */
	}
	if (r >= 0 && c->systemd[0])
		r = cgroup_fs_join_add(j, c->systemd, path, "tasks");
	if (r >= 0 && unified && c->unified[0])
		r = cgroup_fs_join_add(j, c->unified, path, "cgroup.procs");
	return r;
}

/* v1 freezer: FREEZING turns into FROZEN asynchronously. Bounded wait (5 s); this is the
 * fallback for kernels without a unified mount, not a path the agent's loop runs often. */
static int freezer_set(const CgroupContext *c, const char *path, bool frozen) {
	int r = cgroup_fs_write(mnt(c, c->freezer), path, "freezer.state",
	                        frozen ? "FROZEN" : "THAWED");
	if (r < 0 || !frozen)
		return r;
	for (int i = 0; i < 5000; i++) {
		char buf[32];
		r = cgroup_fs_read(mnt(c, c->freezer), path, "freezer.state", buf, sizeof(buf));
		if (r < 0)
			return r;
		if (startswith(buf, "FROZEN"))
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	return -ETIMEDOUT;
}

/* SIGKILL every pid in path and below in every v1 hierarchy until a sweep finds no pid it has
 * not signalled yet. Frozen, nothing can fork meanwhile; unfrozen, the loop catches forks. */
static int sweep(const CgroupContext *c, const char *path) {
	PidSet seen = { 0 };
	int r = 0;

	for (int round = 0; round < 1000; round++) {
		int found = 0;
		for (size_t i = 0; i < c->n_hier && r >= 0; i++) {
			if (cgroup_mount_seen(c, i))
				continue;
			r = cgroup_fs_signal_tree(c->hier[i].mount, path, SIGKILL, &seen);
			found += MAX(r, 0);
		}
		if (r >= 0 && c->systemd[0] && cgroup_fs_exists(c->systemd, path) > 0) {
			r = cgroup_fs_signal_tree(c->systemd, path, SIGKILL, &seen);
			found += MAX(r, 0);
		}
		if (r < 0 || found == 0)
			break;
	}
	pid_set_done(&seen);
	return MIN(r, 0);
}

static int v1_kill(const CgroupContext *c, const char *path) {
	bool unified_frozen = false, v1_frozen = false;
	int r;

	if (c->unified[0] && cgroup_fs_exists(c->unified, path) > 0) {
		r = cgroup_unified_kill(c->unified, path);
		if (r == -EOPNOTSUPP)
			unified_frozen = cgroup_unified_freeze(c->unified, path, true) >= 0;
		else if (r < 0)
			return r;
	}
	if (c->freezer >= 0 && cgroup_fs_exists(mnt(c, c->freezer), path) > 0)
		v1_frozen = freezer_set(c, path, true) >= 0;
	/* Also after cgroup.kill: a process attached to the v1 hierarchies only is not in the
	 * unified cgroup. Re-signalling the dying ones is harmless. */
	r = sweep(c, path);
	if (v1_frozen)
		(void)freezer_set(c, path, false);
	if (unified_frozen)
		(void)cgroup_unified_freeze(c->unified, path, false);
	return r;
}

static int v1_destroy_one(const CgroupContext *c, const char *path) {
	int r = cgroup_lib_delete_empty(c, path);
	int k = c->unified[0] ? cgroup_fs_rmdir(c->unified, path) : 0;
	int s = c->systemd[0] ? cgroup_fs_rmdir(c->systemd, path) : 0;
	return r < 0 ? r : k < 0 ? k : s;
}

static int v1_children(const CgroupContext *c, const char *path, char ***names, size_t *n) {
	for (size_t i = 0; i < c->n_hier; i++) {
		if (cgroup_mount_seen(c, i))
			continue;
		int r = cgroup_fs_children(c->hier[i].mount, path, names, n);
		if (r < 0)
			return r;
	}
	if (c->systemd[0]) {
		int r = cgroup_fs_children(c->systemd, path, names, n);
		if (r < 0)
			return r;
	}
	return c->unified[0] ? cgroup_fs_children(c->unified, path, names, n) : 0;
}

static int tree_has_procs(const char *mount, const char *path) {
	_cleanup_strv_free_ char **children = NULL;
	size_t n = 0;
	int r = cgroup_fs_has_procs(mount, path);

	if (r != 0)
		return r == -ENOENT ? 0 : r;
	r = cgroup_fs_children(mount, path, &children, &n);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		_cleanup_free_ char *sub = NULL;
		if (asprintf(&sub, "%s/%s", path, children[i]) < 0)
			return -ENOMEM;
		r = tree_has_procs(mount, sub);
		if (r > 0)
			return 1;
	}
	return MIN(r, 0);
}

static int v1_is_populated(const CgroupContext *c, const char *path) {
	int r;

	if (c->unified[0]) {
		r = cgroup_unified_populated(c->unified, path);
		if (r > 0 || (r < 0 && r != -ENOENT))
			return r;
	}
	for (size_t i = 0; i < c->n_hier; i++) {
		if (cgroup_mount_seen(c, i))
			continue;
		r = tree_has_procs(c->hier[i].mount, path);
		if (r != 0)
			return r;
	}
	return c->systemd[0] ? tree_has_procs(c->systemd, path) : 0;
}

const CgroupOps cgroup_v1_ops = {
	.name = "v1",
	.create = v1_create,
	.set = v1_set,
	.attach = v1_attach,
	.join_open = v1_join_open,
	.kill = v1_kill,
	.destroy_one = v1_destroy_one,
	.children = v1_children,
	.is_populated = v1_is_populated,
	.stats = cgroup_v1_stats,
};
