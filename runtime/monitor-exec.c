/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec`: run a command inside a running container (kubectl exec, exec probes). Joins every
 * namespace of the container's init at once (setns on a pidfd checked against the recorded
 * start time: never a recycled pid), its cgroup, then forks into its pid namespace and becomes
 * the container's process: same user, groups, capabilities, no_new_privs, seccomp filter,
 * rlimits, oom_score_adj, cwd and environment. stdio are the caller's.
 *
 * Exit status: the command's (128 + signal when killed); 124 when the timeout hit (the command
 * is killed); 125 when joining failed; 126/127 when the command could not run.
 */
#include <fcntl.h>
#include <linux/close_range.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "container.h"
#include "monitor.h"
#include "util.h"

#define EXEC_JOIN_FAILED 125

static const struct {
	const char *name;
	int flag;
} ns_files[] = {
	{ "mnt", CLONE_NEWNS },  { "pid", CLONE_NEWPID }, { "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "cgroup", CLONE_NEWCGROUP },
};

/* The namespaces the container has that we are not in: setns refuses some re-joins. */
static int namespaces_to_join(pid_t pid) {
	int flags = 0;
	for (size_t i = 0; i < ELEMENTSOF(ns_files); i++) {
		char self[64], theirs[64];
		struct stat a, b;
		snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_files[i].name);
		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, ns_files[i].name);
		if (stat(self, &a) < 0 || stat(theirs, &b) < 0)
			continue;
		if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			flags |= ns_files[i].flag;
	}
	return flags;
}

/* The container's environment with the caller's additions (same name: the addition wins). */
static char **merge_env(char **base, char **extra) {
	char **r = strv_new(NULL);
	STRV_FOREACH (e, base) {
		size_t l = strcspn(*e, "=");
		bool overridden = false;
		STRV_FOREACH (x, extra)
			overridden = overridden || (strncmp(*x, *e, l) == 0 && (*x)[l] == '=');
		if (!overridden && r && strv_extend(&r, *e) < 0)
			return NULL;
	}
	STRV_FOREACH (x, extra)
		if (r && strv_extend(&r, *x) < 0)
			return NULL;
	return r;
}

static _noreturn_ void exec_child(const ContainerBuild *b, char **argv, char **env) {
	const ContainerConfig *c = b->config;
	RuntimeError e = {};
	sigset_t none;
	int r = 0;

	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	for (size_t i = 0; i < c->n_rlimits && r >= 0; i++) {
		struct rlimit rl = { c->rlimits[i].soft, c->rlimits[i].hard };
		if (setrlimit(c->rlimits[i].resource, &rl) < 0)
			r = runtime_error(&e, errno, "setrlimit");
	}
	if (r >= 0 && c->have_oom_score_adj) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d", c->oom_score_adj);
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, buf, (size_t)n) != n)
			r = runtime_error(&e, errno, "set oom_score_adj");
		safe_close(fd);
	}
	if (r >= 0 && chdir(c->cwd) < 0)
		r = runtime_error(&e, errno, "chdir to %s", c->cwd);
	if (r >= 0)
		r = security_apply(b, &e);
	if (r >= 0) {
		umask(022);
		(void)close_range(3, UINT_MAX, CLOSE_RANGE_CLOEXEC);
		r = exec_command(argv, env, &e);
	}
	dprintf(STDERR_FILENO, "skiff-monitor exec: %s\n", e.message);
	_exit(e.err == ENOENT ? 127 : 126);
}

static int wait_child(int pidfd, pid_t pid, uint64_t timeout_ms) {
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	(void)sigprocmask(SIG_BLOCK, &set, NULL);
	_cleanup_close_ int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	int64_t deadline = timeout_ms ? runtime_now_ns() + (int64_t)timeout_ms * 1000000 : 0;

	for (;;) {
		struct pollfd p[2] = { { pidfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		int timeout = -1;
		if (deadline) {
			int64_t left = (deadline - runtime_now_ns()) / 1000000;
			if (left <= 0) {
				(void)pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
				(void)waitpid(pid, NULL, 0);
				fprintf(stderr, "skiff-monitor exec: timed out after %llu ms\n",
				        (unsigned long long)timeout_ms);
				return RUNTIME_EXEC_TIMEOUT_STATUS;
			}
			timeout = (int)MIN(left, (int64_t)INT_MAX);
		}
		int n = poll(p, sfd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR)
			return EXEC_JOIN_FAILED;
		if (n > 0 && sfd >= 0 && p[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				(void)pidfd_send_signal(pidfd, (int)si.ssi_signo, NULL, 0);
		}
		if (n > 0 && p[0].revents) {
			siginfo_t si = {};
			if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
				return EXEC_JOIN_FAILED;
			return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
		}
	}
}

static int fail(const char *what, int err) {
	fprintf(stderr, "skiff-monitor exec: %s%s%s\n", what, err ? ": " : "",
	        err ? strerror(err) : "");
	return EXEC_JOIN_FAILED;
}

int monitor_exec(const MonitorExecArgs *a) {
	ContainerConfig c = {};
	ContainerState st = {};
	ContainerBuild b = {};
	RuntimeError e = {};
	Diag d = {};
	_cleanup_strv_free_ char **env = NULL;
	_cleanup_close_ int target = -EBADF, child_pidfd = -EBADF;
	int r;

	r = container_config_load(a->dir, &c, &d);
	if (r < 0) {
		fprintf(stderr, "skiff-monitor exec: config: %s\n",
		        d.n_errors ? d.errors[0] : strerror(-r));
		diag_clear(&d);
		return EXEC_JOIN_FAILED;
	}
	diag_clear(&d);
	r = container_state_read(a->dir, &st);
	if (r >= 0)
		r = pidfd_open_checked(st.pid, st.start_time, &target);
	if (r < 0) {
		r = fail("the container is not running", r == -ESRCH || r == -ENOENT ? 0 : -r);
		goto out;
	}
	b = (ContainerBuild){ .config = &c };
	if ((r = capabilities_last_cap(&b.cap_last)) < 0) {
		r = fail("cap_last_cap", -r);
		goto out;
	}
	b.cap_bounding = capabilities_effective_bounding(&c, b.cap_last);
	/* Everything from the host's file system is read before we leave it. */
	if (seccomp_filter_prepare(&c, b.cap_bounding, &b.seccomp, &e) < 0) {
		r = fail(e.message, 0);
		goto out;
	}
	env = merge_env(c.env, a->env);
	if (!env) {
		r = fail("environment", ENOMEM);
		goto out;
	}
	if (c.cgroup_path) {
		r = cgroups_init();
		if (r >= 0)
			r = cgroup_attach(c.cgroup_path, getpid());
		if (r < 0) {
			r = fail("join the container's cgroup", -r);
			goto out;
		}
	}
	int flags = namespaces_to_join(st.pid);
	sanitizer_check_leaks_now();
	if (flags && setns(target, flags) < 0) {
		r = fail("join the container's namespaces", errno);
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		r = fail("fork", errno);
		goto out;
	}
	if (pid == 0)
		exec_child(&b, a->argv, env);
	child_pidfd = pidfd_open(pid, 0);
	if (child_pidfd < 0) {
		(void)waitpid(pid, NULL, 0);
		r = fail("pidfd_open", errno);
		goto out;
	}
	r = wait_child(child_pidfd, pid, a->timeout_ms);
out:
	seccomp_filter_done(&b.seccomp);
	container_state_done(&st);
	container_config_done(&c);
	return r;
}
