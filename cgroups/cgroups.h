/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups/: create, configure, join, measure and remove cgroups on cgroup v1 (including the
 * hybrid layout with a unified mount beside the v1 controllers) and pure cgroup v2, through
 * libcgroup. Knows nothing of Kubernetes: callers pass paths and plain values.
 *
 * Paths are relative to each hierarchy's root, without a leading slash required, e.g.
 * "kubepods/burstable/pod<uid>/<container-id>". All functions return >= 0 or -errno.
 *
 * This header is the contract between cgroups/ (implementation), runtime/ (the monitor joins
 * containers to their cgroup) and agent/ (pod and QoS cgroups).
 *
 * Hierarchies used:
 *   legacy (v1): cpu, memory, pids for every cgroup; cpuacct and freezer too when no unified
 *     mount exists (beside one, its core cpu.stat and cgroup.kill/cgroup.freeze do their jobs,
 *     and each v1 hierarchy costs ~50 us per create through libcgroup); cpuset on demand: a
 *     cgroup joins it when it sets cpus/mems or its parent is in it (cpus/mems then copied from
 *     the parent). In the hybrid layout every cgroup is also made under the unified mount
 *     (/sys/fs/cgroup/unified/<path>): per-cgroup PSI, cgroup.kill, cgroup.freeze, cgroup.events.
 *     Where systemd's own v1 hierarchy is mounted (name=systemd at /sys/fs/cgroup/systemd), every
 *     cgroup is made there too, with no controller: a process put in it leaves the systemd unit
 *     of whoever made it (runc joins that hierarchy too).
 *   unified (v2): one tree; cpu, memory and pids (cpuset when cpuset values are given) are
 *     enabled in cgroup.subtree_control of every level from the root down to the parent. v2's
 *     rule holds: no process may sit in a cgroup whose children have controllers.
 *
 * Not thread-safe: libcgroup's cgroup_init() cache is process-wide and the mode detected by
 * cgroups_init() is stored once beside it. Call everything from one thread.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum CgroupMode {
	CGROUP_MODE_LEGACY,  /* v1 controllers (possibly hybrid: cgroup2 also at
	                        /sys/fs/cgroup/unified) */
	CGROUP_MODE_UNIFIED, /* pure cgroup v2 at /sys/fs/cgroup */
} CgroupMode;

/* Call once from main (wraps cgroup_init() and detects the mode with statfs). A second call
 * is a no-op. -ENODEV when no usable cgroup hierarchy is mounted. */
int cgroups_init(void);
CgroupMode cgroups_mode(void);
/* True when a cgroup2 hierarchy is available for PSI/cgroup.kill/freeze (pure v2 or hybrid). */
bool cgroups_have_unified(void);
/* The cgroup2 mount point ("/sys/fs/cgroup" or "/sys/fs/cgroup/unified"), NULL without one. */
const char *cgroups_unified_mount(void);

/* Values to write; a field left at its "unset" value is not written. */
typedef struct CgroupLimits {
	uint64_t cpu_shares;    /* 0 = unset. v1 cpu.shares; v2 cpu.weight converted from it */
	bool cpu_weight_linear; /* v2: kubelet's linear shares->weight (pod/QoS cgroups) instead of
	                           the OCI runtimes' (runc/crun) formula used for containers */
	int64_t cpu_quota_us;   /* 0 = unset, -1 = no limit ("max") */
	uint64_t cpu_period_us; /* 0 = unset */
	int64_t memory_max;     /* 0 = unset, -1 = no limit */
	int64_t memory_min;     /* v2 only, 0 = unset */
	int64_t memory_high;    /* v2 only, 0 = unset, -1 = max */
	int64_t pids_max;       /* 0 = unset, -1 = no limit */
	/* Additions after the first contract: */
	int64_t memory_low;      /* v2 only, 0 = unset (KEP-2570's newer text: Burstable -> low) */
	const char *cpuset_cpus; /* NULL = unset (inherit the parent's), e.g. "0-3" */
	const char *cpuset_mems; /* NULL = unset (inherit the parent's), e.g. "0" */
} CgroupLimits;

/* Create path with limits (NULL: none) in every hierarchy; missing parents are created first
 * (v1 cpuset: cpus/mems copied from the parent; v2: controllers enabled on every level).
 * Existing cgroups are fine: the limits are then written again. A new cgroup whose limits
 * could not be written is removed again. */
int cgroup_create(const char *path, const CgroupLimits *limits);
int cgroup_set(const char *path, const CgroupLimits *limits);
/* Move a whole process (cgroup.procs) into path in every hierarchy, the unified one too. Each
 * write takes cgroup_threadgroup_rwsem: after a quiet spell the first one waits for an RCU grace
 * period. A process moving itself does better with cgroup_enter(). */
int cgroup_attach(const char *path, pid_t pid);
/* An O_DIRECTORY fd of the cgroup2 directory of path, for clone3(CLONE_INTO_CGROUP).
 * In the hybrid layout that places the child in the unified tree only: cgroup_attach() still
 * has to move it into the v1 hierarchies. -EOPNOTSUPP without a cgroup2 mount. */
int cgroup_open_unified(const char *path);

/* Joining from inside: a single-threaded process moves itself. Writing "0" to a v1 hierarchy's
 * `tasks` moves the writing thread alone, and the kernel then skips cgroup_threadgroup_rwsem
 * (cgroup_procs_write_start: no pid, no thread group), so the RCU grace period a pid written to
 * cgroup.procs waits for after a quiet spell (8-16 ms measured here) is not paid: ~0.02 ms. For
 * a single-threaded process the thread is the process. cgroup2 has no such door (cgroup.threads
 * works within a threaded subtree only): "0" to cgroup.procs there pays the wait, so a child is
 * better born in its cgroup (clone3 CLONE_INTO_CGROUP). */
#define CGROUP_JOIN_MAX 12
typedef struct CgroupJoin {
	int fds[CGROUP_JOIN_MAX];
	size_t n;
} CgroupJoin;
/* Open, for writing, the `tasks` file of path in every v1 hierarchy it is in (name=systemd's
 * too), and its cgroup2 cgroup.procs when unified is true (pure v2: that one only). The
 * descriptors may be handed to the process that is to move (SCM_RIGHTS): what moves is whoever
 * writes. On failure nothing stays open. */
int cgroup_join_open(const char *path, bool unified, CgroupJoin *ret);
/* Write "0" to each: the calling thread moves. Only write(2), so a raw clone3 child may call it.
 * The caller must be single-threaded, or its other threads stay behind in v1. */
int cgroup_join_self(const CgroupJoin *j);
void cgroup_join_close(CgroupJoin *j);
/* The three together: the calling single-threaded process moves into path everywhere, the
 * unified hierarchy included. */
int cgroup_enter(const char *path);
/* Hybrid layout only, and usable before cgroups_init() (it needs none of libcgroup's start-up):
 * make path's directory in the unified tree (parents too) and return an O_DIRECTORY fd of it for
 * clone3(CLONE_INTO_CGROUP), so that a child is born there while cgroup_create() then makes the
 * v1 side (and finds this one made). cgroup_destroy() removes it with the rest. -EOPNOTSUPP
 * unless v1 controllers and a unified mount are both there. */
int cgroup_unified_prepare(const char *path);

/* SIGKILL every process in path and below (cgroup.kill where available, else freeze + kill).
 * Does not wait for them to exit: see cgroup_wait_empty(). */
int cgroup_kill(const char *path);
/* Remove path (leaf first) in every hierarchy; -EBUSY while processes remain. Missing is fine. */
int cgroup_destroy(const char *path);
/* Whether any process is left in path or below. */
int cgroup_is_populated(const char *path);
/* Block until no process is left in path or below (cgroup.events through inotify where a
 * cgroup2 tree exists, else a 1 ms poll of cgroup.procs): 0, or -ETIMEDOUT after timeout_ms.
 * For the monitor, tests and shutdown; the agent's loop watches cgroup.events itself. */
int cgroup_wait_empty(const char *path, int timeout_ms);
/* The cgroup.events file of path (v2 or hybrid), to watch with inotify (IN_MODIFY). */
int cgroup_events_path(const char *path, char **ret);

typedef struct CgroupPressureLine {
	double avg10, avg60, avg300;
	uint64_t total_us;
} CgroupPressureLine;

typedef struct CgroupPressure {
	bool available;
	CgroupPressureLine some, full;
} CgroupPressure;

typedef struct CgroupStats {
	uint64_t memory_usage;       /* v1 memory.usage_in_bytes, v2 memory.current */
	uint64_t memory_working_set; /* usage - inactive_file, clamped at 0 (cAdvisor) */
	uint64_t memory_inactive_file;
	uint64_t memory_rss;   /* anon */
	uint64_t memory_limit; /* UINT64_MAX when unlimited */
	uint64_t cpu_usage_ns; /* cpuacct.usage / cpu.stat usage_usec * 1000 */
	uint64_t cpu_throttled_periods;
	uint64_t pids_current;
	uint64_t oom_kills; /* memory.oom_control / memory.events: oom_kill */
	CgroupPressure cpu_pressure, memory_pressure, io_pressure;
	/* Additions after the first contract: */
	uint64_t memory_file;      /* page cache: v1 total_cache, v2 file */
	uint64_t cpu_periods;      /* cpu.stat nr_periods */
	uint64_t cpu_throttled_ns; /* cpu.stat throttled_time / throttled_usec * 1000 */
	uint64_t pids_max;         /* UINT64_MAX when unlimited */
} CgroupStats;

/* Fields a cgroup lacks (a controller not mounted, PSI off) stay 0 / available = false. */
int cgroup_get_stats(const char *path, CgroupStats *ret);

/* Node-level figures in the same shape (KUBELET-BEHAVIOUR.md §1.2): v1 from the memory and
 * cpuacct roots; pure v2 from the root's memory.stat (usage = anon + file, as runc's
 * rootStatsFromMeminfo, working set = usage - inactive_file) and cpu.stat; memory_limit is
 * MemTotal, oom_kills is /proc/vmstat oom_kill, pressure is /proc/pressure/ *. */
int cgroup_get_node_stats(CgroupStats *ret);

/* Pure conversions (unit-tested): the OCI runtimes' shares -> weight (runc PR #4785, crun),
 * and the kubelet's linear one for the cgroups it writes itself. 0 (unset) maps to 0. */
uint64_t cgroup_cpu_shares_to_weight(uint64_t shares);
uint64_t cgroup_cpu_shares_to_weight_linear(uint64_t shares);
