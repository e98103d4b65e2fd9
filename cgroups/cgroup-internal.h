/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal to cgroups/: the per-mode backend (ops struct, as crun's libcrun_cgroup_manager),
 * the context cgroups_init() fills once, and helpers shared by the backends.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups.h"

#define CGROUP_MAX_HIERARCHIES 8

struct cgroup; /* libcgroup's */

typedef struct CgroupHierarchy {
	const char *controller; /* libcgroup's name, e.g. "memory" */
	char mount[128];        /* e.g. "/sys/fs/cgroup/memory" */
	bool on_demand;         /* only for cgroups that need it (v1 cpuset), not all */
} CgroupHierarchy;

typedef struct CgroupOps CgroupOps;

typedef struct CgroupContext {
	bool initialized;
	CgroupMode mode;
	const CgroupOps *ops;
	char unified[128]; /* cgroup2 mount, "" without one */
	/* v1 only: systemd's own hierarchy (name=systemd, no controller), "" when not mounted.
	 * Every cgroup is made there too, membership only, so that its processes leave the unit
	 * of whoever made them (`systemctl kill`, "left-over process"), as runc does. */
	char systemd[128];
	CgroupHierarchy hier[CGROUP_MAX_HIERARCHIES]; /* v1 hierarchies skiff uses */
	size_t n_hier;
	int cpuset, cpuacct, cpu, memory, pids, freezer; /* index into hier, -1 if not used */
} CgroupContext;

/* Backends: one per mode (cgroup-v1.c, cgroup-v2.c). Paths are already normalized: no leading
 * or trailing slash, never empty, no "." or ".." components. */
struct CgroupOps {
	const char *name;
	int (*create)(const CgroupContext *c, const char *path, const CgroupLimits *l);
	int (*set)(const CgroupContext *c, const char *path, const CgroupLimits *l);
	int (*attach)(const CgroupContext *c, const char *path, pid_t pid);
	/* The files through which a thread moves itself into path (see cgroup_join_open()). */
	int (*join_open)(const CgroupContext *c, const char *path, bool unified, CgroupJoin *ret);
	int (*kill)(const CgroupContext *c, const char *path);
	/* Remove path itself (its children are gone): 0, or -EBUSY while it is still there. */
	int (*destroy_one)(const CgroupContext *c, const char *path);
	/* Append the names of path's child cgroups in any hierarchy (no duplicates). */
	int (*children)(const CgroupContext *c, const char *path, char ***names, size_t *n);
	int (*is_populated)(const CgroupContext *c, const char *path);
	int (*stats)(const CgroupContext *c, const char *path, CgroupStats *ret);
};

extern const CgroupOps cgroup_v1_ops;
extern const CgroupOps cgroup_v2_ops;

/* cgroup-libcgroup.c: every libcgroup 2.0.2 gap is handled there. */
int cgroup_errno_from_ecg(int ecg, int last_errno);
int cgroup_lib_init(CgroupContext *c);
struct cgroup *cgroup_lib_new(const char *path);
void cgroup_lib_freep(struct cgroup **cg);
int cgroup_lib_add(struct cgroup *cg, const char *controller, const char *name, const char *value);
int cgroup_lib_add_u64(struct cgroup *cg, const char *controller, const char *name, uint64_t v);
int cgroup_lib_create(struct cgroup *cg);
int cgroup_lib_modify(struct cgroup *cg);
/* rmdir path (its children are gone) in every hierarchy: 0, or -EBUSY while it is there. */
int cgroup_lib_delete_empty(const CgroupContext *c, const char *path);
/* Whether a hierarchy's mount was already listed before index i (co-mounted controllers). */
bool cgroup_mount_seen(const CgroupContext *c, size_t i);

/* cgroup-fs.c: direct cgroupfs access, where libcgroup is slow or lacks the file. */
int cgroup_fs_path(char *buf, size_t size, const char *mount, const char *path, const char *file);
int cgroup_fs_read(const char *mount, const char *path, const char *file, char *buf, size_t size);
int cgroup_fs_read_u64(const char *mount, const char *path, const char *file, uint64_t *ret);
int cgroup_fs_write(const char *mount, const char *path, const char *file, const char *value);
int cgroup_fs_exists(const char *mount, const char *path);
/* mkdir path (parents too when missing; an existing one is fine) / rmdir it (-EBUSY while in
 * use, missing is fine): for the hierarchies made without libcgroup (unified, name=systemd). */
int cgroup_fs_mkdir(const char *mount, const char *path);
int cgroup_fs_rmdir(const char *mount, const char *path);
/* Open file of path for writing (O_CLOEXEC) and add it to j; -E2BIG when j is full. */
int cgroup_fs_join_add(CgroupJoin *j, const char *mount, const char *path, const char *file);
int cgroup_fs_children(const char *mount, const char *path, char ***names, size_t *n);
/* Whether cgroup.procs of path (not below) lists a process; -ENOENT when path is missing. */
int cgroup_fs_has_procs(const char *mount, const char *path);
/* Signal every pid in cgroup.procs of path and below; returns how many were not in seen yet,
 * and adds them to it. */
typedef struct PidSet {
	pid_t *pids;
	size_t n, allocated;
} PidSet;
void pid_set_done(PidSet *s);
int cgroup_fs_signal_tree(const char *mount, const char *path, int sig, PidSet *seen);

/* cgroup-unified.c: the cgroup2 directory of a cgroup (pure v2, or hybrid's unified mount). */
int cgroup_unified_kill(const char *mount, const char *path);
int cgroup_unified_populated(const char *mount, const char *path);
int cgroup_unified_freeze(const char *mount, const char *path, bool frozen);
int cgroup_unified_wait_empty(const char *mount, const char *path, int timeout_ms);
int cgroup_unified_open(const char *mount, const char *path);

/* cgroup-parse.c: pure parsers of cgroupfs file contents (unit-tested). */
int cgroup_parse_u64(const char *s, uint64_t *ret); /* "max" -> UINT64_MAX */
/* Whether a space/newline separated list (cgroup.controllers, subtree_control) has word. */
bool cgroup_list_contains(const char *list, const char *word);
/* "key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control). -ENOENT when
 * the key is absent. */
int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret);
int cgroup_parse_pressure(const char *text, CgroupPressure *ret);
/* Normalize a caller's path into buf: strip leading/trailing and double slashes; -EINVAL for
 * "." or ".." components, empty paths (unless allow_root) and overlong ones. */
int cgroup_path_normalize(const char *path, bool allow_root, char *buf, size_t size);
/* v1 reports "unlimited" as a huge page-aligned number: map it to UINT64_MAX. */
uint64_t cgroup_v1_limit(uint64_t v);

/* cgroup-pressure.c */
int cgroup_read_pressure(const char *dir, const char *resource, CgroupPressure *ret);

/* cgroup-stats.c */
int cgroup_v1_stats(const CgroupContext *c, const char *path, CgroupStats *ret);
int cgroup_v2_stats(const CgroupContext *c, const char *path, CgroupStats *ret);
int cgroup_node_stats(const CgroupContext *c, CgroupStats *ret);
