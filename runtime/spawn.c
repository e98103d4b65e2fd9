/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor's side of building a container: prepare what the child needs (compiled seccomp
 * filter, namespace descriptors, the cgroup layout), clone3 it straight into its namespaces
 * and its cgroup2 directory (CLONE_INTO_CGROUP), make the v1 side of its cgroup meanwhile and
 * hand the child the files through which it moves itself there, and wait for execve.
 */
#include <linux/magic.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "container.h"
#include "util.h"

int container_build_init(ContainerBuild *b, const ContainerConfig *c, const char *dir,
                         RuntimeError *e) {
	int r;

	*b = (ContainerBuild){
		.config = c,
		.dir = dir,
		.sync_fd = -EBADF,
		.stdio = { -1, -1, -1 },
		.device_prog_fd = -EBADF,
	};
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		b->ns_fds[t] = -EBADF;
	if (asprintf(&b->rootfs_mountpoint, "%s/rootfs", dir) < 0) {
		b->rootfs_mountpoint = NULL;
		return runtime_error(e, ENOMEM, "rootfs path");
	}
	if (mkdir(b->rootfs_mountpoint, 0755) < 0 && errno != EEXIST)
		return runtime_error(e, errno, "mkdir %s", b->rootfs_mountpoint);
	r = capabilities_last_cap(&b->cap_last);
	if (r < 0)
		return runtime_error(e, -r, "read cap_last_cap");
	b->cap_bounding = capabilities_effective_bounding(c, b->cap_last);
	r = seccomp_filter_prepare(c, b->cap_bounding, &b->seccomp, e);
	if (r < 0)
		return r;
	r = namespaces_open(c, b->ns_fds, e);
	if (r < 0)
		return r;
	r = device_program_load(c, &b->device_prog_fd, e);
	if (r < 0)
		return r;
	return cgroup_mounts_discover(b, e);
}

void container_build_done(ContainerBuild *b) {
	if (!b)
		return;
	seccomp_filter_done(&b->seccomp);
	namespaces_close(b->ns_fds);
	b->device_prog_fd = safe_close(b->device_prog_fd);
	free(b->rootfs_mountpoint);
	b->rootfs_mountpoint = NULL;
}

/* A child that never reached execve: reap it so no zombie stays. */
static void reap(int pidfd) {
	siginfo_t si;
	(void)pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	while (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0 && errno == EINTR)
		;
}

/* The container's cgroup with its limits and device program. */
static int cgroup_prepare(ContainerBuild *b, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	int r = cgroups_init();
	if (r < 0)
		return runtime_error(e, -r, "cgroups: init");
	r = cgroup_create(c->cgroup_path, &c->cgroup_limits);
	if (r < 0)
		return runtime_error(e, -r, "cgroup: create %s", c->cgroup_path);
	b->cgroup_created = true;
	trace_point(b->trace_t0, "cgroup created");
	r = device_program_attach(c, b->device_prog_fd, e);
	trace_point(b->trace_t0, "device program attached");
	return r;
}

/* Pure cgroup v2 (statfs, as cgroups_init() decides it): known before the cgroup library is
 * initialised, which on v1/hybrid then happens while the child works. */
static bool pure_cgroup2(void) {
	struct statfs fs;
	return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* Before clone: where the child is born. Pure v2: the whole cgroup is made first (limits,
 * device program) and the child is born in it. Hybrid: only the unified directory (a mkdir,
 * no libcgroup start-up) so the child is born there too; the v1 side is made while the child
 * builds its root, and the child moves itself in (SYNC_GO). A pid written to cgroup.procs
 * would take cgroup_threadgroup_rwsem, whose first writer after a quiet spell waits for an
 * RCU grace period (8-16 ms measured); the child's "0" to `tasks` does not. */
static int cgroup_before_clone(ContainerBuild *b, int *ret_cgfd, RuntimeError *e) {
	const char *path = b->config->cgroup_path;
	int r;

	*ret_cgfd = -EBADF;
	if (pure_cgroup2()) {
		r = cgroup_prepare(b, e);
		if (r < 0)
			return r;
		*ret_cgfd = cgroup_open_unified(path);
		if (*ret_cgfd < 0)
			return runtime_error(e, -*ret_cgfd, "cgroup %s", path);
		return 0;
	}
	b->wait_for_cgroup = true;
	r = cgroup_unified_prepare(path);
	if (r == -EOPNOTSUPP)
		return 0; /* v1 without cgroup2: the device program will refuse it */
	if (r < 0)
		return runtime_error(e, -r, "cgroup: create %s in the unified hierarchy", path);
	b->cgroup_created = true;
	*ret_cgfd = r;
	trace_point(b->trace_t0, "unified cgroup made");
	return 0;
}

static pid_t clone_child(ContainerBuild *b, int parent_end, int cgfd, int *ret_pidfd) {
	struct clone_args args = {
		.flags = CLONE_PIDFD | namespaces_clone_flags(b->config) |
		         (cgfd >= 0 ? CLONE_INTO_CGROUP : 0),
		.pidfd = (uint64_t)(uintptr_t)ret_pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = cgfd >= 0 ? (uint64_t)cgfd : 0,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0) {
		safe_close(parent_end);
		container_child_main(b);
	}
	return pid;
}

/* After clone (v1/hybrid): the v1 side of the cgroup and the limits, then SYNC_GO with the
 * files the child writes "0" to. */
static int cgroup_after_clone(ContainerBuild *b, int sync_fd, RuntimeError *e) {
	const char *path = b->config->cgroup_path;
	CgroupJoin j;
	int r = 0;

	if (!pure_cgroup2())
		r = cgroup_prepare(b, e);
	if (r < 0)
		return r;
	r = cgroup_join_open(path, b->join_unified, &j);
	if (r < 0)
		return runtime_error(e, -r, "cgroup: open %s to join it", path);
	r = sync_send_go(sync_fd, j.fds, j.n);
	cgroup_join_close(&j);
	if (r < 0)
		return runtime_error(e, -r, "release the container's child");
	return 0;
}

int container_spawn(ContainerBuild *b, ContainerProcess *ret, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	_cleanup_close_ int parent_end = -EBADF, cgfd = -EBADF;
	int sv[2], pidfd = -EBADF, r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return runtime_error(e, errno, "socketpair");
	parent_end = sv[0];
	b->sync_fd = sv[1];

	r = namespaces_join_pid(b->ns_fds, e);
	if (r >= 0 && c->cgroup_path)
		r = cgroup_before_clone(b, &cgfd, e);
	if (r < 0)
		goto fail;
	pid_t pid = clone_child(b, parent_end, cgfd, &pidfd);
	if (pid < 0 && cgfd >= 0 && (errno == EINVAL || errno == E2BIG)) {
		/* Before Linux 5.7 (no CLONE_INTO_CGROUP): the child joins cgroup2 by "0" too. */
		cgfd = safe_close(cgfd);
		b->wait_for_cgroup = b->join_unified = true;
		pid = clone_child(b, parent_end, cgfd, &pidfd);
	}
	if (pid < 0) {
		r = runtime_error(e, errno, "clone3");
		goto fail;
	}
	b->sync_fd = safe_close(b->sync_fd);
	trace_point(b->trace_t0, "child cloned");

	if (b->wait_for_cgroup)
		r = cgroup_after_clone(b, parent_end, e);
	if (r >= 0 && b->on_released)
		r = b->on_released(b->userdata, pid, e);
	SyncStage stage;
	if (r >= 0)
		r = sync_read_result(parent_end, e, &stage);
	if (r < 0) {
		reap(pidfd);
		close(pidfd);
		return r;
	}
	*ret = (ContainerProcess){ .pid = pid, .pidfd = pidfd };
	return 0;
fail:
	b->sync_fd = safe_close(b->sync_fd);
	return r;
}
