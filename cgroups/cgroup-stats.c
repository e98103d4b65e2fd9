/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stats of one cgroup and of the node. Read directly from cgroupfs: libcgroup's
 * cgroup_get_cgroup() would read every file of every controller for the few values needed.
 * Working set as cAdvisor: usage - inactive_file, clamped at 0 (KUBELET-BEHAVIOUR.md §1.2).
 */
#include <sys/sysinfo.h>

#include "cgroup-internal.h"
#include "macro.h"

#define STAT_BUF 8192

static uint64_t working_set(uint64_t usage, uint64_t inactive_file) {
	return usage > inactive_file ? usage - inactive_file : 0;
}

/* An optional value: a missing file or key leaves *ret as it is. */
static int keyed(const char *mount, const char *path, const char *file, const char *key,
                 uint64_t *ret) {
	char buf[STAT_BUF];
	int r = cgroup_fs_read(mount, path, file, buf, sizeof(buf));

	if (r == -ENOENT)
		return 0;
	if (r >= 0)
		r = cgroup_parse_keyed(buf, key, ret);
	return r == -ENOENT ? 0 : r;
}

static int single(const char *mount, const char *path, const char *file, uint64_t *ret) {
	int r = cgroup_fs_read_u64(mount, path, file, ret);
	return r == -ENOENT ? 0 : r;
}

static int pressure(const char *mount, const char *path, CgroupStats *s) {
	char dir[PATH_MAX];
	int r = cgroup_fs_path(dir, sizeof(dir), mount, path, "");

	if (r >= 0)
		r = cgroup_read_pressure(dir, "cpu", &s->cpu_pressure);
	if (r >= 0)
		r = cgroup_read_pressure(dir, "memory", &s->memory_pressure);
	if (r >= 0)
		r = cgroup_read_pressure(dir, "io", &s->io_pressure);
	return r;
}

static int v1_memory(const char *m, const char *path, CgroupStats *s) {
	char buf[STAT_BUF];
	/* The usage file doubles as the existence check: a missing cgroup is -ENOENT. */
	int r = cgroup_fs_read_u64(m, path, "memory.usage_in_bytes", &s->memory_usage);

	if (r < 0)
		return r;
	r = cgroup_fs_read(m, path, "memory.stat", buf, sizeof(buf));
	if (r < 0)
		return r;
	(void)cgroup_parse_keyed(buf, "total_inactive_file", &s->memory_inactive_file);
	(void)cgroup_parse_keyed(buf, "total_rss", &s->memory_rss);
	(void)cgroup_parse_keyed(buf, "total_cache", &s->memory_file);
	s->memory_working_set = working_set(s->memory_usage, s->memory_inactive_file);
	r = single(m, path, "memory.limit_in_bytes", &s->memory_limit);
	s->memory_limit = cgroup_v1_limit(s->memory_limit);
	/* memory.failcnt is unreliable with memsw accounting: oom_kill is what was killed. */
	return r < 0 ? r : keyed(m, path, "memory.oom_control", "oom_kill", &s->oom_kills);
}

int cgroup_v1_stats(const CgroupContext *c, const char *path, CgroupStats *ret) {
	CgroupStats s = { .memory_limit = UINT64_MAX, .pids_max = UINT64_MAX };
	int r = 0;

	if (c->memory >= 0)
		r = v1_memory(c->hier[c->memory].mount, path, &s);
	if (r >= 0 && c->cpuacct >= 0)
		r = single(c->hier[c->cpuacct].mount, path, "cpuacct.usage", &s.cpu_usage_ns);
	else if (r >= 0 && c->unified[0] &&
	         (r = keyed(c->unified, path, "cpu.stat", "usage_usec", &s.cpu_usage_ns)) >= 0)
		s.cpu_usage_ns *= 1000; /* cgroup2's core cpu.stat counts without the controller */
	if (r >= 0 && c->cpu >= 0) {
		const char *m = c->hier[c->cpu].mount;
		r = keyed(m, path, "cpu.stat", "nr_periods", &s.cpu_periods);
		if (r >= 0)
			r = keyed(m, path, "cpu.stat", "nr_throttled", &s.cpu_throttled_periods);
		if (r >= 0)
			r = keyed(m, path, "cpu.stat", "throttled_time", &s.cpu_throttled_ns);
	}
	if (r >= 0 && c->pids >= 0) {
		r = single(c->hier[c->pids].mount, path, "pids.current", &s.pids_current);
		if (r >= 0)
			r = single(c->hier[c->pids].mount, path, "pids.max", &s.pids_max);
	}
	if (r >= 0 && c->unified[0])
		r = pressure(c->unified, path, &s);
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

int cgroup_v2_stats(const CgroupContext *c, const char *path, CgroupStats *ret) {
	CgroupStats s = { .memory_limit = UINT64_MAX, .pids_max = UINT64_MAX };
	const char *m = c->unified;
	char buf[STAT_BUF];
	int r;

	if (cgroup_fs_exists(m, path) == 0)
		return -ENOENT;
	r = single(m, path, "memory.current", &s.memory_usage);
	if (r >= 0 && (r = cgroup_fs_read(m, path, "memory.stat", buf, sizeof(buf))) >= 0) {
		(void)cgroup_parse_keyed(buf, "inactive_file", &s.memory_inactive_file);
		(void)cgroup_parse_keyed(buf, "anon", &s.memory_rss);
		(void)cgroup_parse_keyed(buf, "file", &s.memory_file);
	}
	if (r == -ENOENT)
		r = 0; /* the memory controller is not enabled here */
	s.memory_working_set = working_set(s.memory_usage, s.memory_inactive_file);
	if (r >= 0)
		r = single(m, path, "memory.max", &s.memory_limit);
	if (r >= 0)
		r = keyed(m, path, "memory.events", "oom_kill", &s.oom_kills);
	if (r >= 0 && (r = cgroup_fs_read(m, path, "cpu.stat", buf, sizeof(buf))) >= 0) {
		if (cgroup_parse_keyed(buf, "usage_usec", &s.cpu_usage_ns) >= 0)
			s.cpu_usage_ns *= 1000;
		(void)cgroup_parse_keyed(buf, "nr_periods", &s.cpu_periods);
		(void)cgroup_parse_keyed(buf, "nr_throttled", &s.cpu_throttled_periods);
		if (cgroup_parse_keyed(buf, "throttled_usec", &s.cpu_throttled_ns) >= 0)
			s.cpu_throttled_ns *= 1000;
	}
	if (r >= 0)
		r = single(m, path, "pids.current", &s.pids_current);
	if (r >= 0)
		r = single(m, path, "pids.max", &s.pids_max);
	if (r >= 0)
		r = pressure(m, path, &s);
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

static int node_common(CgroupStats *s) {
	char buf[STAT_BUF];
	struct sysinfo si;
	uint64_t v;
	int r;

	/* kubelet's pid.available: rlimit.maxpid - rlimit.curproc, curproc = sysinfo procs. */
	if (sysinfo(&si) < 0)
		return negative_errno();
	s->memory_limit = (uint64_t)si.totalram * si.mem_unit;
	s->pids_current = si.procs;
	if (cgroup_fs_read_u64("/proc/sys/kernel", "", "pid_max", &v) >= 0)
		s->pids_max = v;
	if (cgroup_fs_read_u64("/proc/sys/kernel", "", "threads-max", &v) >= 0 && v < s->pids_max)
		s->pids_max = v;
	r = cgroup_fs_read("/proc", "", "vmstat", buf, sizeof(buf));
	if (r >= 0)
		(void)cgroup_parse_keyed(buf, "oom_kill", &s->oom_kills);
	return 0;
}

/* /proc/pressure/cpu etc: pressure() looks for "<dir>/cpu.pressure", so read them here. */
static void node_pressure(CgroupStats *s) {
	static const char *const res[] = { "cpu", "memory", "io" };
	CgroupPressure *out[] = { &s->cpu_pressure, &s->memory_pressure, &s->io_pressure };
	char buf[512];

	for (size_t i = 0; i < ELEMENTSOF(res); i++)
		if (cgroup_fs_read("/proc/pressure", "", res[i], buf, sizeof(buf)) >= 0)
			(void)cgroup_parse_pressure(buf, out[i]);
}

int cgroup_node_stats(const CgroupContext *c, CgroupStats *ret) {
	CgroupStats s = { .pids_max = UINT64_MAX };
	char buf[STAT_BUF];
	int r = node_common(&s);

	if (r < 0)
		return r;
	node_pressure(&s);
	if (c->mode == CGROUP_MODE_UNIFIED) {
		/* No memory.current at the root: usage = anon + file (runc rootStatsFromMeminfo).
		 */
		r = cgroup_fs_read(c->unified, "", "memory.stat", buf, sizeof(buf));
		if (r >= 0) {
			(void)cgroup_parse_keyed(buf, "anon", &s.memory_rss);
			(void)cgroup_parse_keyed(buf, "file", &s.memory_file);
			(void)cgroup_parse_keyed(buf, "inactive_file", &s.memory_inactive_file);
			s.memory_usage = s.memory_rss + s.memory_file;
		}
		r = keyed(c->unified, "", "cpu.stat", "usage_usec", &s.cpu_usage_ns);
		s.cpu_usage_ns *= 1000;
	} else {
		if (c->memory >= 0) {
			const char *m = c->hier[c->memory].mount;
			r = cgroup_fs_read_u64(m, "", "memory.usage_in_bytes", &s.memory_usage);
			if (r >= 0 &&
			    (r = cgroup_fs_read(m, "", "memory.stat", buf, sizeof(buf))) >= 0) {
				(void)cgroup_parse_keyed(buf, "total_inactive_file",
				                         &s.memory_inactive_file);
				(void)cgroup_parse_keyed(buf, "total_rss", &s.memory_rss);
				(void)cgroup_parse_keyed(buf, "total_cache", &s.memory_file);
			}
		}
		if (r >= 0 && c->cpuacct >= 0)
			r = single(c->hier[c->cpuacct].mount, "", "cpuacct.usage", &s.cpu_usage_ns);
		else if (r >= 0 && c->unified[0] &&
		         (r = keyed(c->unified, "", "cpu.stat", "usage_usec", &s.cpu_usage_ns)) >=
		                 0)
			s.cpu_usage_ns *= 1000;
	}
	if (r < 0)
		return r;
	s.memory_working_set = working_set(s.memory_usage, s.memory_inactive_file);
	*ret = s;
	return 0;
}
