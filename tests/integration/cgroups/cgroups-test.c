/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Root tests of cgroups/ against the real kernel: cgroup v1 (hybrid) on the host, pure v2 in
 * the VM (tests/vm/run-cgroup-tests.sh). Everything happens under a unique root
 * "skiff-test-<pid>" that is killed and removed at the end; only processes this program forked
 * are signalled.
 *
 *   skiff-cgroups-test [TEST...]        run all tests or the named ones
 *   skiff-cgroups-test --bench N        µs per create / attach / kill+wait / destroy
 *
 * Prints "ok|not ok|skip NAME" per test and ends with "N passed, N failed, N skipped".
 * Exit: 0 all passed, 77 not root, 1 a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"

#define SKIP 77
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("  %s:%d: %s: ", __FILE__, __LINE__, #cond);                        \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)
#define CHECK_R(expr)                                                                              \
	do {                                                                                       \
		int _r = (expr);                                                                   \
		CHECK(_r >= 0, "%s", strerror(-_r));                                               \
	} while (0)

static char root[64];
static bool v2;
/* Every cgroup is in these; cpuset only on demand, cpuacct and freezer only without a unified
 * mount (cgroups.h). */
static const char *const V1_HIER[] = { "cpu", "memory", "pids" };

/* ---- helpers: look at cgroupfs directly, independent of the library ---- */

static void file_of(char *buf, size_t size, const char *ctrl, const char *path, const char *file) {
	if (v2 || !ctrl)
		snprintf(buf, size, "%s/%s/%s/%s", cgroups_unified_mount(), root, path, file);
	else
		snprintf(buf, size, "/sys/fs/cgroup/%s/%s/%s/%s", ctrl, root, path, file);
}

static int read_text(const char *ctrl, const char *path, const char *file, char *buf, size_t size) {
	char p[512];
	file_of(p, sizeof(p), ctrl, path, file);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static bool text_is(const char *ctrl, const char *path, const char *file, const char *want) {
	char buf[256];
	if (read_text(ctrl, path, file, buf, sizeof(buf)) < 0) {
		printf("  cannot read %s/%s\n", path, file);
		return false;
	}
	if (strcmp(buf, want) != 0)
		printf("  %s/%s: \"%s\", want \"%s\"\n", path, file, buf, want);
	return strcmp(buf, want) == 0;
}

static bool dir_exists(const char *ctrl, const char *path) {
	char p[512];
	struct stat st;
	file_of(p, sizeof(p), ctrl, path, "");
	return stat(p, &st) == 0;
}

static bool procs_has(const char *ctrl, const char *path, pid_t pid) {
	char p[512], line[32];
	bool found = false;
	file_of(p, sizeof(p), ctrl, path, "cgroup.procs");
	FILE *f = fopen(p, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		found = found || atoi(line) == pid;
	fclose(f);
	return found;
}

static char *full(const char *path) {
	static char buf[512];
	snprintf(buf, sizeof(buf), "%s/%s", root, path);
	return buf;
}

/* ---- child processes: forked, attached, then released through a pipe ---- */

typedef int (*ChildFn)(void *arg);

/* Fork a child that waits until it was attached to path, then runs fn and exits with its
 * result. */
static pid_t spawn_in(const char *path, ChildFn fn, void *arg) {
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(120);
		_exit(fn(arg));
	}
	close(go[0]);
	int r = cgroup_attach(full(path), pid);
	if (r < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(go[1]);
		return r;
	}
	(void)!write(go[1], "x", 1);
	close(go[1]);
	return pid;
}

static int wait_status(pid_t pid) {
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

static int child_sleep(void *arg) {
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static int child_hog(void *arg) {
	size_t size = *(size_t *)arg;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 3;
	for (size_t i = 0; i < size; i += 4096)
		p[i] = 1;
	/* Burn a little CPU too, then wait to be killed. */
	for (volatile unsigned long i = 0; i < 20000000; i++)
		;
	for (;;)
		pause();
	return 0;
}

static int child_alloc_until_dead(void *arg) {
	size_t size = *(size_t *)arg;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 3;
	for (size_t i = 0; i < size; i += 4096)
		p[i] = 1;
	return 0; /* the limit did not hold */
}

static int child_forks(void *arg) {
	pid_t kids[64];
	int n = 0;
	(void)arg;
	while (n < 64) {
		pid_t k = fork();
		if (k < 0)
			break;
		if (k == 0) {
			for (;;)
				pause();
		}
		kids[n++] = k;
	}
	for (int i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	return n;
}

static int child_family(void *arg) {
	int n = *(int *)arg;
	for (int i = 0; i < n; i++)
		if (fork() == 0)
			break; /* grandchildren sleep too; nobody reaps them but init */
	for (;;)
		pause();
	return 0;
}

/* ---- tests ---- */

static int test_limits(void) {
	const CgroupLimits g = { .cpu_shares = 1024,
		                 .cpu_quota_us = 100000,
		                 .cpu_period_us = 100000,
		                 .memory_max = 256 << 20,
		                 .pids_max = 100 };
	const CgroupLimits b = { .cpu_shares = 102,
		                 .cpu_quota_us = -1,
		                 .cpu_period_us = 100000,
		                 .memory_max = -1,
		                 .memory_min = 64 << 20,
		                 .memory_high = 128 << 20,
		                 .pids_max = -1 };
	const CgroupLimits be = { .cpu_shares = 2 };
	const CgroupLimits pod = { .cpu_shares = 1024, .cpu_weight_linear = true };

	CHECK_R(cgroup_create(full("kubepods/podg/ctr"), &g));
	CHECK_R(cgroup_create(full("kubepods/burstable/podb/ctr"), &b));
	CHECK_R(cgroup_create(full("kubepods/besteffort/pode/ctr"), &be));
	CHECK_R(cgroup_create(full("kubepods/podl"), &pod));
	if (v2) {
		CHECK(text_is(NULL, "kubepods/podg/ctr", "cpu.weight", "100"), "weight");
		CHECK(text_is(NULL, "kubepods/podg/ctr", "cpu.max", "100000 100000"), "cpu.max");
		CHECK(text_is(NULL, "kubepods/podg/ctr", "memory.max", "268435456"), "memory");
		CHECK(text_is(NULL, "kubepods/podg/ctr", "pids.max", "100"), "pids");
		CHECK(text_is(NULL, "kubepods/burstable/podb/ctr", "cpu.weight", "17"), "weight");
		CHECK(text_is(NULL, "kubepods/burstable/podb/ctr", "cpu.max", "max 100000"), "max");
		CHECK(text_is(NULL, "kubepods/burstable/podb/ctr", "memory.max", "max"), "mem");
		CHECK(text_is(NULL, "kubepods/burstable/podb/ctr", "memory.min", "67108864"),
		      "min");
		CHECK(text_is(NULL, "kubepods/burstable/podb/ctr", "memory.high", "134217728"),
		      "h");
		CHECK(text_is(NULL, "kubepods/burstable/podb/ctr", "pids.max", "max"), "pids");
		CHECK(text_is(NULL, "kubepods/besteffort/pode/ctr", "cpu.weight", "1"), "weight");
		CHECK(text_is(NULL, "kubepods/podl", "cpu.weight", "39"), "linear weight");
		/* Every level delegates cpu, memory and pids. */
		CHECK(text_is(NULL, "kubepods/burstable", "cgroup.subtree_control",
		              "cpu memory pids"),
		      "subtree_control");
		/* The period alone keeps the quota in force. */
		CHECK_R(cgroup_set(full("kubepods/podg/ctr"),
		                   &(CgroupLimits){ .cpu_period_us = 50000 }));
		CHECK(text_is(NULL, "kubepods/podg/ctr", "cpu.max", "100000 50000"), "period");
	} else {
		CHECK(text_is("cpu", "kubepods/podg/ctr", "cpu.shares", "1024"), "shares");
		CHECK(text_is("cpu", "kubepods/podg/ctr", "cpu.cfs_quota_us", "100000"), "quota");
		CHECK(text_is("cpu", "kubepods/podg/ctr", "cpu.cfs_period_us", "100000"), "period");
		CHECK(text_is("memory", "kubepods/podg/ctr", "memory.limit_in_bytes", "268435456"),
		      "memory");
		CHECK(text_is("pids", "kubepods/podg/ctr", "pids.max", "100"), "pids");
		CHECK(text_is("cpu", "kubepods/burstable/podb/ctr", "cpu.shares", "102"), "shares");
		CHECK(text_is("cpu", "kubepods/burstable/podb/ctr", "cpu.cfs_quota_us", "-1"), "q");
		CHECK(text_is("memory", "kubepods/burstable/podb/ctr", "memory.limit_in_bytes",
		              "9223372036854771712"),
		      "unlimited");
		CHECK(text_is("pids", "kubepods/burstable/podb/ctr", "pids.max", "max"), "pids");
		CHECK(text_is("cpu", "kubepods/besteffort/pode/ctr", "cpu.shares", "2"), "shares");
		CHECK(text_is("cpu", "kubepods/podl", "cpu.shares", "1024"), "v1 ignores linear");
		CHECK(!dir_exists("cpuset", "kubepods/podg/ctr"), "cpuset is on demand");
		for (size_t i = 0; i < sizeof(V1_HIER) / sizeof(V1_HIER[0]); i++)
			CHECK(dir_exists(V1_HIER[i], "kubepods/podg/ctr"), "%s", V1_HIER[i]);
		if (cgroups_have_unified())
			CHECK(dir_exists(NULL, "kubepods/podg/ctr"), "unified companion");
	}
	/* cgroup_set changes one value and leaves the others. */
	CHECK_R(cgroup_set(full("kubepods/podg/ctr"), &(CgroupLimits){ .memory_max = 128 << 20 }));
	CHECK(text_is(v2 ? NULL : "memory", "kubepods/podg/ctr",
	              v2 ? "memory.max" : "memory.limit_in_bytes", "134217728"),
	      "set memory");
	CHECK(text_is(v2 ? NULL : "pids", "kubepods/podg/ctr", "pids.max", "100"), "kept pids");
	/* A wrong value fails with -errno, and a failed create leaves nothing behind. */
	int r = cgroup_create(full("bad"), &(CgroupLimits){ .cpuset_cpus = "999" });
	CHECK(r < 0, "cpuset 999 accepted");
	CHECK(!dir_exists(v2 ? NULL : "memory", "bad"), "failed create left a directory");
	CHECK(cgroup_create("../escape", NULL) == -EINVAL, "..");
	CHECK_R(cgroup_destroy(full("kubepods")));
	CHECK(!dir_exists(v2 ? NULL : "cpu", "kubepods"), "destroyed");
	return 0;
}

/* A pod that pins cpus: its cgroup and every level above get a cpuset (v1: filled from the
 * parent), and a container below joins it without asking (v2: the effective cpus follow). */
static int test_cpuset(void) {
	CHECK_R(cgroup_create(full("pinned/pod"), &(CgroupLimits){ .cpuset_cpus = "0" }));
	CHECK_R(cgroup_create(full("pinned/pod/ctr"), &(CgroupLimits){ .memory_max = 64 << 20 }));
	pid_t pid = spawn_in("pinned/pod/ctr", child_sleep, NULL);
	CHECK(pid > 0, "spawn: %s", strerror(-pid));
	cpu_set_t set;
	CPU_ZERO(&set);
	int r = sched_getaffinity(pid, sizeof(set), &set);
	bool in = v2 || procs_has("cpuset", "pinned/pod/ctr", pid);
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK(r == 0 && CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set), "affinity");
	CHECK(in, "not in the cpuset hierarchy");
	if (v2) {
		CHECK(text_is(NULL, "pinned/pod", "cpuset.cpus", "0"), "cpus");
		CHECK(text_is(NULL, "pinned/pod", "cpuset.cpus.effective", "0"), "effective");
	} else {
		char mems[64];
		CHECK(read_text("cpuset", "", "cpuset.mems", mems, sizeof(mems)) == 0, "mems");
		CHECK(text_is("cpuset", "pinned/pod", "cpuset.cpus", "0"), "cpus");
		CHECK(text_is("cpuset", "pinned/pod/ctr", "cpuset.cpus", "0"), "copied cpus");
		CHECK(text_is("cpuset", "pinned/pod/ctr", "cpuset.mems", mems), "copied mems");
		CHECK(text_is("cpuset", "pinned", "cpuset.mems", mems), "parent's mems");
	}
	CHECK_R(cgroup_wait_empty(full("pinned"), 5000));
	CHECK_R(cgroup_destroy(full("pinned")));
	CHECK(!dir_exists(v2 ? NULL : "cpuset", "pinned"), "left behind");
	return 0;
}

static int test_attach(void) {
	CHECK_R(cgroup_create(full("attach"), &(CgroupLimits){ .memory_max = 64 << 20 }));
	pid_t pid = spawn_in("attach", child_sleep, NULL);
	CHECK(pid > 0, "spawn: %s", strerror(-pid));
	bool ok = true;
	if (v2) {
		ok = procs_has(NULL, "attach", pid);
	} else {
		for (size_t i = 0; i < sizeof(V1_HIER) / sizeof(V1_HIER[0]); i++)
			if (!procs_has(V1_HIER[i], "attach", pid)) {
				printf("  not in %s\n", V1_HIER[i]);
				ok = false;
			}
		if (cgroups_have_unified() && !procs_has(NULL, "attach", pid)) {
			printf("  not in the unified companion\n");
			ok = false;
		}
	}
	CHECK(cgroup_is_populated(full("attach")) == 1, "populated");
	CHECK(cgroup_destroy(full("attach")) == -EBUSY, "destroy while populated");
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK_R(cgroup_wait_empty(full("attach"), 5000));
	CHECK(cgroup_is_populated(full("attach")) == 0, "empty");
	CHECK_R(cgroup_destroy(full("attach")));
	CHECK(ok, "pid %d missing from a hierarchy", (int)pid);
	return 0;
}

static int test_clone_into(void) {
	if (!cgroups_have_unified())
		return SKIP;
	CHECK_R(cgroup_create(full("clone3"), NULL));
	int fd = cgroup_open_unified(full("clone3"));
	CHECK(fd >= 0, "open: %s", strerror(-fd));
	struct clone_args args = { .flags = CLONE_INTO_CGROUP,
		                   .exit_signal = SIGCHLD,
		                   .cgroup = (uint64_t)fd };
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		pause();
		_exit(0);
	}
	int saved = errno;
	close(fd);
	if (pid < 0 && saved == ENOSYS) { /* valgrind, old kernels */
		CHECK_R(cgroup_destroy(full("clone3")));
		return SKIP;
	}
	CHECK(pid > 0, "clone3: %s", strerror(saved));
	bool in = procs_has(NULL, "clone3", pid);
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK_R(cgroup_destroy(full("clone3")));
	CHECK(in, "clone3 child not in the cgroup");
	return 0;
}

/* systemd's own hierarchy (hybrid/legacy under systemd): made and removed with every cgroup. */
static bool have_systemd_hierarchy(void) {
	struct stat st;
	return !v2 && stat("/sys/fs/cgroup/systemd/cgroup.procs", &st) == 0;
}

static int test_systemd_hierarchy(void) {
	if (!have_systemd_hierarchy())
		return SKIP;
	CHECK_R(cgroup_create(full("sd/a"), NULL));
	CHECK(dir_exists("systemd", "sd/a"), "not made in name=systemd");
	pid_t pid = spawn_in("sd/a", child_sleep, NULL);
	CHECK(pid > 0, "spawn: %s", strerror(-pid));
	bool in = procs_has("systemd", "sd/a", pid);
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK_R(cgroup_wait_empty(full("sd"), 5000));
	CHECK_R(cgroup_destroy(full("sd")));
	CHECK(in, "attach left the process out of name=systemd");
	CHECK(!dir_exists("systemd", "sd"), "left in name=systemd");
	return 0;
}

/* Whether /proc/PID/cgroup puts pid in path in the hierarchy whose line has controller (""
 * for cgroup2's "0::"). */
static bool proc_cgroup_in(pid_t pid, const char *controller, const char *path) {
	char p[64], line[512], want[256];
	bool found = false;
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	snprintf(want, sizeof(want), "/%s/%s\n", root, path);
	FILE *f = fopen(p, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = 0;
		bool match = *controller ? strstr(a + 1, controller) != NULL : a[1] == 0;
		found = match && strcmp(b + 1, want) == 0;
	}
	fclose(f);
	return found;
}

static int child_enter(void *arg) {
	return cgroup_enter(full(arg)) < 0 ? 3 : 0;
}

/* cgroup_enter(): a single-threaded process moves itself ("0" to `tasks` in v1). */
static int test_enter(void) {
	int go[2];
	CHECK_R(cgroup_create(full("enter"), NULL));
	CHECK(pipe2(go, O_CLOEXEC) == 0, "pipe");
	pid_t pid = fork();
	if (pid == 0) {
		close(go[0]);
		int r = child_enter("enter");
		(void)!write(go[1], r ? "n" : "y", 1);
		pause();
		_exit(r);
	}
	close(go[1]);
	char c = 0;
	(void)!read(go[0], &c, 1);
	close(go[0]);
	bool ok = c == 'y';
	const char *const hier[] = { "cpu", "memory", "pids", "name=systemd", "" };
	for (size_t i = 0; ok && i < sizeof(hier) / sizeof(hier[0]); i++) {
		if (v2 && *hier[i])
			continue;
		if (strcmp(hier[i], "name=systemd") == 0 && !have_systemd_hierarchy())
			continue;
		if (!*hier[i] && !cgroups_have_unified())
			continue;
		if (!proc_cgroup_in(pid, hier[i], "enter")) {
			printf("  not in %s\n", *hier[i] ? hier[i] : "cgroup2");
			ok = false;
		}
	}
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK_R(cgroup_wait_empty(full("enter"), 5000));
	CHECK_R(cgroup_destroy(full("enter")));
	CHECK(ok, "cgroup_enter");
	return 0;
}

/* Hybrid: the unified directory alone, a child born there, then the v1 side. */
static int test_unified_prepare(void) {
	if (v2 || !cgroups_have_unified()) {
		CHECK(cgroup_unified_prepare(full("prep")) == -EOPNOTSUPP, "not hybrid");
		return SKIP;
	}
	int fd = cgroup_unified_prepare(full("prep/ctr"));
	CHECK(fd >= 0, "prepare: %s", strerror(-fd));
	CHECK(dir_exists(NULL, "prep/ctr") && !dir_exists("memory", "prep/ctr"), "unified only");
	struct clone_args args = { .flags = CLONE_INTO_CGROUP,
		                   .exit_signal = SIGCHLD,
		                   .cgroup = (uint64_t)fd };
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		pause();
		_exit(0);
	}
	close(fd);
	CHECK(pid > 0, "clone3: %s", strerror(errno));
	bool born = procs_has(NULL, "prep/ctr", pid);
	int r = cgroup_create(full("prep/ctr"), &(CgroupLimits){ .pids_max = 10 });
	kill(pid, SIGKILL);
	wait_status(pid);
	CHECK_R(r);
	CHECK(born, "not born in the unified directory");
	CHECK(text_is("pids", "prep/ctr", "pids.max", "10"), "v1 side made after");
	CHECK_R(cgroup_wait_empty(full("prep"), 5000));
	CHECK_R(cgroup_destroy(full("prep")));
	CHECK(!dir_exists(NULL, "prep"), "unified directory left");
	return 0;
}

static int test_stats(void) {
	size_t size = 64 << 20;
	CgroupStats s = { 0 };

	CHECK_R(cgroup_create(full("stats"),
	                      &(CgroupLimits){ .memory_max = 512 << 20, .pids_max = 50 }));
	pid_t pid = spawn_in("stats", child_hog, &size);
	CHECK(pid > 0, "spawn");
	for (int i = 0; i < 3000; i++) {
		CHECK_R(cgroup_get_stats(full("stats"), &s));
		/* memory.stat is flushed lazily on v2 (rstat): give anon time to catch up. */
		if (s.memory_usage >= (60u << 20) && s.memory_rss >= (60u << 20) &&
		    s.cpu_usage_ns > 10000000)
			break;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	wait_status(pid);
	printf("  usage %" PRIu64 " ws %" PRIu64 " rss %" PRIu64 " cpu %" PRIu64 " ns pids %" PRIu64
	       "\n",
	       s.memory_usage, s.memory_working_set, s.memory_rss, s.cpu_usage_ns, s.pids_current);
	CHECK(s.memory_usage >= (60u << 20), "usage did not move");
	CHECK(s.memory_rss >= (48u << 20), "rss did not move");
	CHECK(s.memory_working_set <= s.memory_usage, "working set above usage");
	CHECK(s.memory_working_set + s.memory_inactive_file >= s.memory_usage, "ws arithmetic");
	CHECK(s.memory_limit == 512u << 20, "limit %" PRIu64, s.memory_limit);
	CHECK(s.cpu_usage_ns > 0, "cpu did not move");
	CHECK(s.pids_current == 1, "pids.current %" PRIu64, s.pids_current);
	CHECK(s.pids_max == 50, "pids.max");
	CHECK(s.oom_kills == 0, "oom");
	if (cgroups_have_unified())
		CHECK(s.cpu_pressure.available && s.memory_pressure.available &&
		              s.io_pressure.available,
		      "PSI through the cgroup2 tree");
	CHECK_R(cgroup_wait_empty(full("stats"), 5000));
	CHECK_R(cgroup_destroy(full("stats")));
	CHECK(cgroup_get_stats(full("stats"), &s) == -ENOENT, "stats of a missing cgroup");
	return 0;
}

static int test_oom(void) {
	size_t size = 256 << 20;
	CgroupStats s;

	CHECK_R(cgroup_create(full("oom"), &(CgroupLimits){ .memory_max = 32 << 20 }));
	pid_t pid = spawn_in("oom", child_alloc_until_dead, &size);
	CHECK(pid > 0, "spawn");
	int status = wait_status(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	CHECK_R(cgroup_get_stats(full("oom"), &s));
	CHECK(s.oom_kills >= 1, "oom_kills %" PRIu64, s.oom_kills);
	CHECK_R(cgroup_wait_empty(full("oom"), 5000));
	CHECK_R(cgroup_destroy(full("oom")));
	return 0;
}

static int test_pids(void) {
	CHECK_R(cgroup_create(full("pids"), &(CgroupLimits){ .pids_max = 4 }));
	pid_t pid = spawn_in("pids", child_forks, NULL);
	CHECK(pid > 0, "spawn");
	int status = wait_status(pid);
	CHECK(WIFEXITED(status), "status %#x", status);
	/* The child itself plus three forks fill pids.max = 4. */
	CHECK(WEXITSTATUS(status) == 3, "forks %d", WEXITSTATUS(status));
	CHECK_R(cgroup_wait_empty(full("pids"), 5000));
	CHECK_R(cgroup_destroy(full("pids")));
	return 0;
}

static int test_kill(void) {
	int n = 4;
	/* Two leaves: v2 allows no process in a cgroup whose children have controllers. */
	CHECK_R(cgroup_create(full("kill/outer"), NULL));
	CHECK_R(cgroup_create(full("kill/inner"), NULL));
	pid_t a = spawn_in("kill/outer", child_family, &n);
	pid_t b = spawn_in("kill/inner", child_family, &n);
	CHECK(a > 0 && b > 0, "spawn");
	CgroupStats s = { 0 };
	for (int i = 0; i < 500 && s.pids_current < 10; i++) {
		usleep(10000);
		CHECK_R(cgroup_get_stats(full("kill"), &s));
	}
	CHECK(s.pids_current == 10, "pids.current %" PRIu64, s.pids_current);
	CHECK_R(cgroup_kill(full("kill")));
	int sa = wait_status(a), sb = wait_status(b);
	CHECK(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGKILL, "a: %#x", sa);
	CHECK(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGKILL, "b: %#x", sb);
	/* The grandchildren are reaped by init; wait until the kernel has them all gone. */
	CHECK_R(cgroup_wait_empty(full("kill"), 10000));
	CHECK(cgroup_is_populated(full("kill")) == 0, "still populated");
	CHECK_R(cgroup_destroy(full("kill")));
	return 0;
}

/* v1 without cgroup.kill's reach: a process that only the v1 hierarchies hold (attached behind
 * the library's back) is still found and killed by the cgroup.procs sweep. */
static int test_kill_v1_only(void) {
	char p[512], buf[32];
	if (v2)
		return SKIP;
	CHECK_R(cgroup_create(full("sweep"), NULL));
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK(pid > 0, "fork");
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	file_of(p, sizeof(p), "memory", "sweep", "cgroup.procs");
	FILE *f = fopen(p, "we");
	bool moved = f && fputs(buf, f) >= 0 && fclose(f) == 0;
	if (!moved)
		kill(pid, SIGKILL);
	CHECK(moved, "attach by hand");
	CHECK_R(cgroup_kill(full("sweep")));
	int status = wait_status(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	CHECK_R(cgroup_wait_empty(full("sweep"), 5000));
	CHECK_R(cgroup_destroy(full("sweep")));
	return 0;
}

static int test_destroy(void) {
	CHECK_R(cgroup_create(full("tree/a/b/c"), NULL));
	CHECK_R(cgroup_create(full("tree/a/d"), NULL));
	CHECK_R(cgroup_destroy(full("tree/a")));
	if (v2) {
		CHECK(!dir_exists(NULL, "tree/a"), "left behind");
	} else {
		for (size_t i = 0; i < sizeof(V1_HIER) / sizeof(V1_HIER[0]); i++)
			CHECK(!dir_exists(V1_HIER[i], "tree/a"), "left in %s", V1_HIER[i]);
		if (cgroups_have_unified())
			CHECK(!dir_exists(NULL, "tree/a"), "left in unified");
	}
	CHECK(dir_exists(v2 ? NULL : "memory", "tree"), "parent removed too");
	CHECK_R(cgroup_destroy(full("tree/a")));      /* missing is fine */
	CHECK_R(cgroup_destroy(full("never/there"))); /* never made is fine */
	CHECK_R(cgroup_destroy(full("tree")));
	CHECK(!dir_exists(v2 ? NULL : "memory", "tree"), "tree left behind");
	return 0;
}

static int test_node(void) {
	CgroupStats s;
	CHECK_R(cgroup_get_node_stats(&s));
	printf("  node usage %" PRIu64 " ws %" PRIu64 " limit %" PRIu64 " cpu %" PRIu64
	       " ns procs %" PRIu64 "/%" PRIu64 "\n",
	       s.memory_usage, s.memory_working_set, s.memory_limit, s.cpu_usage_ns, s.pids_current,
	       s.pids_max);
	CHECK(s.memory_usage > 0 && s.memory_usage <= s.memory_limit, "usage");
	CHECK(s.memory_working_set <= s.memory_usage, "ws");
	CHECK(s.cpu_usage_ns > 0, "cpu");
	CHECK(s.pids_current > 0 && s.pids_current < s.pids_max, "procs");
	return 0;
}

/* ---- bench ---- */

static uint64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double median_us(uint64_t *v, int n) {
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return (double)v[n / 2] / 1000.0;
}

static int bench(int n) {
	const CgroupLimits l = { .cpu_shares = 512,
		                 .cpu_quota_us = 50000,
		                 .cpu_period_us = 100000,
		                 .memory_max = 128 << 20,
		                 .pids_max = 1024 };
	uint64_t *t = calloc((size_t)n * 4, sizeof(uint64_t));
	char path[128];

	if (!t)
		return 1;
	CHECK_R(cgroup_create(full("bench/pod"), &l));
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/bench/pod/c%d", root, i);
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		uint64_t t0 = now_ns();
		CHECK_R(cgroup_create(path, &l));
		uint64_t t1 = now_ns();
		CHECK_R(cgroup_attach(path, pid));
		uint64_t t2 = now_ns();
		CHECK_R(cgroup_kill(path));
		CHECK_R(cgroup_wait_empty(path, 5000));
		uint64_t t3 = now_ns();
		wait_status(pid);
		uint64_t t4 = now_ns();
		CHECK_R(cgroup_destroy(path));
		uint64_t t5 = now_ns();
		t[i] = t1 - t0;
		t[n + i] = t2 - t1;
		t[2 * n + i] = t3 - t2;
		t[3 * n + i] = t5 - t4;
	}
	printf("bench (%s%s, %d runs, median): create %.0f us, attach %.0f us, "
	       "kill+wait %.0f us, destroy %.0f us\n",
	       v2 ? "cgroup v2" : "cgroup v1", !v2 && cgroups_have_unified() ? " + unified" : "", n,
	       median_us(t, n), median_us(t + n, n), median_us(t + 2 * n, n),
	       median_us(t + 3 * n, n));
	free(t);
	CHECK_R(cgroup_destroy(full("bench")));
	return 0;
}

/* ---- main ---- */

static const struct {
	const char *name;
	int (*fn)(void);
} TESTS[] = {
	{ "limits", test_limits },
	{ "cpuset", test_cpuset },
	{ "attach", test_attach },
	{ "clone-into-cgroup", test_clone_into },
	{ "systemd-hierarchy", test_systemd_hierarchy },
	{ "enter", test_enter },
	{ "unified-prepare", test_unified_prepare },
	{ "stats", test_stats },
	{ "oom", test_oom },
	{ "pids", test_pids },
	{ "kill", test_kill },
	{ "kill-v1-only", test_kill_v1_only },
	{ "destroy", test_destroy },
	{ "node", test_node },
};

static bool selected(int argc, char **argv, const char *name) {
	if (argc <= 1)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

static void cleanup_root(void) {
	(void)cgroup_kill(root);
	(void)cgroup_wait_empty(root, 5000);
	int r = cgroup_destroy(root);
	if (r < 0)
		printf("cleanup of %s: %s\n", root, strerror(-r));
}

int main(int argc, char **argv) {
	int pass = 0, fail = 0, skip = 0, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("needs root (real cgroups)\n");
		return SKIP;
	}
	r = cgroups_init();
	if (r < 0) {
		printf("cgroups_init: %s\n", strerror(-r));
		return 1;
	}
	v2 = cgroups_mode() == CGROUP_MODE_UNIFIED;
	snprintf(root, sizeof(root), "skiff-test-%d", (int)getpid());
	printf("# mode %s%s, root %s\n", v2 ? "unified (v2)" : "legacy (v1)",
	       !v2 && cgroups_have_unified() ? " + unified mount" : "", root);
	/* Children killed by cgroup_kill must not take this process down with SIGPIPE etc. */
	signal(SIGPIPE, SIG_IGN);
	r = cgroup_create(root, NULL);
	if (r < 0) {
		printf("create %s: %s\n", root, strerror(-r));
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "--bench") == 0) {
		r = bench(atoi(argv[2]));
		cleanup_root();
		return r;
	}
	for (size_t i = 0; i < sizeof(TESTS) / sizeof(TESTS[0]); i++) {
		if (!selected(argc, argv, TESTS[i].name))
			continue;
		uint64_t t0 = now_ns();
		r = TESTS[i].fn();
		double ms = (double)(now_ns() - t0) / 1e6;
		if (r == 0) {
			pass++;
			printf("ok %s (%.0f ms)\n", TESTS[i].name, ms);
		} else if (r == SKIP) {
			skip++;
			printf("skip %s\n", TESTS[i].name);
		} else {
			fail++;
			printf("not ok %s\n", TESTS[i].name);
		}
	}
	cleanup_root();
	char p[512];
	file_of(p, sizeof(p), v2 ? NULL : "memory", "", "");
	struct stat st;
	if (stat(p, &st) == 0) {
		printf("not ok cleanup: %s left behind\n", p);
		fail++;
	}
	printf("%d passed, %d failed, %d skipped\n", pass, fail, skip);
	return fail ? 1 : 0;
}
