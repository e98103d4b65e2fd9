/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's child, from clone3 to execve, in named stages. It runs in a copy of the
 * single-threaded monitor made by raw clone3: glibc's fork handlers did not run, so it avoids
 * anything that would need them (no raise/abort, no stdio on shared streams) and ends with
 * execve or _exit.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "container.h"
#include "util.h"

int security_apply(const ContainerBuild *b, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	int r;

	/* Without no_new_privs, installing a filter needs CAP_SYS_ADMIN, which the process is
	 * about to lose: runc then loads it first, and the default profile allows what follows
	 * (setgroups, setres[ug]id, capset, prctl, execve). With no_new_privs, last. */
	if (!c->no_new_privileges) {
		r = seccomp_filter_load(&b->seccomp);
		if (r < 0)
			return runtime_error(e, -r, "load seccomp filter");
	}
	r = capabilities_drop_bounding(b->cap_bounding, b->cap_last, e);
	if (r >= 0)
		r = user_switch(c, e);
	if (r >= 0)
		r = capabilities_apply(c, b->cap_last, e);
	if (r < 0)
		return r;
	/* Again as the user, for what it can reach; EACCES leaves us where root could go. */
	if (chdir(c->cwd) < 0 && errno != EACCES && errno != EPERM)
		return runtime_error(e, errno, "chdir to %s", c->cwd);
	if (c->no_new_privileges) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return runtime_error(e, errno, "set no_new_privs");
		r = seccomp_filter_load(&b->seccomp);
		if (r < 0)
			return runtime_error(e, -r, "load seccomp filter");
	}
	return 0;
}

static const char *env_get(char **env, const char *name) {
	size_t l = strlen(name);
	STRV_FOREACH (e, env)
		if (strncmp(*e, name, l) == 0 && (*e)[l] == '=')
			return *e + l + 1;
	return NULL;
}

/* execvpe with the container's PATH (not the monitor's), reporting the way runc does. */
int exec_command(char **argv, char **env, RuntimeError *e) {
	const char *cmd = argv[0];
	int saved = ENOENT;

	if (strchr(cmd, '/')) {
		execve(cmd, argv, env);
		saved = errno;
		runtime_error(e, 0, "exec: \"%s\": %s", cmd, strerror(saved));
		e->err = saved;
		return -saved;
	}
	const char *path = env_get(env, "PATH")
	                           ?: "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	                              "/usr/bin:/sbin:/bin";
	for (const char *p = path; p;) {
		const char *colon = strchr(p, ':');
		int dl = colon ? (int)(colon - p) : (int)strlen(p);
		char full[PATH_MAX];
		/* An empty entry is the working directory. */
		if (snprintf(full, sizeof(full), "%.*s%s%s", dl, p, dl ? "/" : "", cmd) <
		    (int)sizeof(full)) {
			execve(full, argv, env);
			/* As execvp: go on past missing entries, remember one that existed but
			 * could not run. */
			if (errno == EACCES)
				saved = EACCES;
			else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP &&
			         errno != ENAMETOOLONG) {
				saved = errno;
				break;
			}
		}
		p = colon ? colon + 1 : NULL;
	}
	if (saved == ENOENT)
		runtime_error(e, 0, "exec: \"%s\": executable file not found in $PATH", cmd);
	else
		runtime_error(e, 0, "exec: \"%s\": %s", cmd, strerror(saved));
	e->err = saved;
	return -saved;
}

/* The monitor blocks and ignores signals for itself; the container starts with the defaults
 * (ignored signals would stay ignored across execve). */
static void reset_signals(void) {
	sigset_t none;
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

static int setup_stdio(const ContainerBuild *b, RuntimeError *e) {
	for (int i = 0; i < 3; i++)
		if (b->stdio[i] >= 0 && dup2(b->stdio[i], i) < 0)
			return runtime_error(e, errno, "dup2 stdio %d", i);
	return 0;
}

#define STEP(stage_, call)                                                                         \
	do {                                                                                       \
		*stage = (stage_);                                                                 \
		r = (call);                                                                        \
		if (r < 0)                                                                         \
			return r;                                                                  \
		trace_point(b->trace_t0, #call);                                                   \
	} while (0)

/* v1/hybrid: once the parent made the cgroup, move ourselves in ("0" to each v1 hierarchy's
 * `tasks`: we are the only thread, and the kernel then takes no thread-group lock). */
static int join_cgroup(const ContainerBuild *b, RuntimeError *e) {
	CgroupJoin j = {};
	int r;

	if (!b->wait_for_cgroup)
		return 0;
	r = sync_wait_go(b->sync_fd, j.fds, ELEMENTSOF(j.fds), &j.n);
	if (r < 0)
		return runtime_error(e, r == -EPIPE ? EPIPE : -r, "waiting for the cgroup");
	r = cgroup_join_self(&j);
	cgroup_join_close(&j);
	if (r < 0)
		return runtime_error(e, -r, "join cgroup %s", b->config->cgroup_path);
	return 0;
}

static bool under_cgroup_mount(const ContainerConfig *c) {
	for (size_t i = 0; i < c->n_mounts; i++)
		if (startswith(c->mounts[i].destination, "/sys/fs/cgroup"))
			return true;
	return false;
}

static int child_setup(ContainerBuild *b, SyncStage *stage, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	_cleanup_close_ int rootfd = -EBADF;
	int r;

	/* Until execve, die with the monitor: a half-built container must not linger. */
	STEP(SYNC_STAGE_START, prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0
	                               ? runtime_error(e, errno, "PR_SET_PDEATHSIG")
	                               : 0);
	reset_signals();
	STEP(SYNC_STAGE_START, setup_stdio(b, e));
	/* The container's process leads its own session: terminal signals of whoever started
	 * the monitor do not reach it (the monitor forwards what it should). */
	STEP(SYNC_STAGE_START, setsid() < 0 ? runtime_error(e, errno, "setsid") : 0);
	umask(0);
	STEP(SYNC_STAGE_NAMESPACES, namespaces_join(b, e));
	STEP(SYNC_STAGE_ROOTFS, rootfs_mount(b, &rootfd, e));
	STEP(SYNC_STAGE_MOUNTS, mounts_defaults(b, rootfd, e));
	/* Whatever does not depend on the cgroup comes before waiting for it (v1/hybrid: the
	 * parent makes its v1 side meanwhile, libcgroup's start-up included; then we move
	 * ourselves in). From there on we are in our cgroup: the cgroup namespace's root and the
	 * cgroup file systems are taken from where we are. The
	 * cgroup mounts are made after pivot_root through the root's descriptor, as before it;
	 * only a volume below /sys/fs/cgroup makes everything else wait for them. */
	if (under_cgroup_mount(c)) {
		STEP(SYNC_STAGE_PROCESS, mkdir_beneath(rootfd, c->cwd, e));
		STEP(SYNC_STAGE_CGROUP, join_cgroup(b, e));
		STEP(SYNC_STAGE_NAMESPACES, namespaces_unshare_cgroup(b, e));
		STEP(SYNC_STAGE_MOUNTS, mounts_cgroup(b, rootfd, e));
		STEP(SYNC_STAGE_MOUNTS, mounts_user(b, rootfd, e));
		STEP(SYNC_STAGE_MASKS, mounts_masks(b, rootfd, e));
		STEP(SYNC_STAGE_PIVOT_ROOT, rootfs_pivot(b, rootfd, e));
		STEP(SYNC_STAGE_PROCESS, process_setup(b, e));
	} else {
		STEP(SYNC_STAGE_MOUNTS, mounts_user(b, rootfd, e));
		STEP(SYNC_STAGE_MASKS, mounts_masks(b, rootfd, e));
		STEP(SYNC_STAGE_PROCESS, mkdir_beneath(rootfd, c->cwd, e));
		STEP(SYNC_STAGE_PIVOT_ROOT, rootfs_pivot(b, rootfd, e));
		STEP(SYNC_STAGE_PROCESS, process_setup(b, e));
		STEP(SYNC_STAGE_CGROUP, join_cgroup(b, e));
		STEP(SYNC_STAGE_NAMESPACES, namespaces_unshare_cgroup(b, e));
		STEP(SYNC_STAGE_MOUNTS, mounts_cgroup(b, rootfd, e));
	}
	STEP(SYNC_STAGE_SECURITY, security_apply(b, e));
	umask(022);

	*stage = SYNC_STAGE_EXEC;
	/* Nothing of the monitor's may reach the container: mark every other descriptor
	 * close-on-exec (the sync socket already is). */
	(void)close_range(3, UINT_MAX, CLOSE_RANGE_CLOEXEC);
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return runtime_error(e, errno, "PR_SET_PDEATHSIG");
	return exec_command(c->argv, c->env, e);
}

_noreturn_ void container_child_main(ContainerBuild *b) {
	RuntimeError e = {};
	SyncStage stage = SYNC_STAGE_START;

	(void)child_setup(b, &stage, &e);
	if (e.err == 0)
		e.err = EIO;
	sync_send_error(b->sync_fd, stage, &e);
	_exit(127);
}
