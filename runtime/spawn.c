/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor's side of building a container: prepare what the child needs (compiled seccomp
 * filter, namespace descriptors, the cgroup layout), clone3 it straight into its namespaces
 * (and, on pure cgroup v2, into its cgroup with CLONE_INTO_CGROUP), place it into the v1
 * hierarchies otherwise, and wait for execve.
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

int container_spawn(ContainerBuild *b, ContainerProcess *ret, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	_cleanup_close_ int parent_end = -EBADF, cgfd = -EBADF;
	int sv[2], pidfd = -EBADF, r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return runtime_error(e, errno, "socketpair");
	parent_end = sv[0];
	b->sync_fd = sv[1];

	r = namespaces_join_pid(b->ns_fds, e);
	if (r < 0)
		goto fail;
	if (c->cgroup_path) {
		if (pure_cgroup2()) {
			/* Pure v2: born in its cgroup (clone3's CLONE_INTO_CGROUP), no migration.
			 */
			r = cgroup_prepare(b, e);
			if (r < 0)
				goto fail;
			cgfd = cgroup_open_unified(c->cgroup_path);
			if (cgfd < 0) {
				r = runtime_error(e, -cgfd, "cgroup %s", c->cgroup_path);
				goto fail;
			}
		} else
			b->wait_for_cgroup = true;
	}

	struct clone_args args = {
		.flags = CLONE_PIDFD | namespaces_clone_flags(c) |
		         (cgfd >= 0 ? CLONE_INTO_CGROUP : 0),
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = cgfd >= 0 ? (uint64_t)cgfd : 0,
	};
	pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		r = runtime_error(e, errno, "clone3");
		goto fail;
	}
	if (pid == 0) {
		safe_close(parent_end);
		container_child_main(b);
	}
	b->sync_fd = safe_close(b->sync_fd);

	if (b->wait_for_cgroup) {
		/* v1 and hybrid: the cgroup is made while the child builds its root, then the
		 * child joins every hierarchy (and the unified one) before it goes on to its
		 * cgroup namespace and anything of the container's own. */
		r = cgroup_prepare(b, e);
		if (r >= 0 && (r = cgroup_attach(c->cgroup_path, pid)) < 0)
			runtime_error(e, -r, "cgroup: attach to %s", c->cgroup_path);
		if (r < 0) {
			reap(pidfd);
			close(pidfd);
			return r;
		}
		r = sync_send_go(parent_end);
		if (r < 0)
			runtime_error(e, -r, "release the container's child");
	}
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
