/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespaces: the ones to create come from clone3's flags; the pod's are joined with setns on
 * descriptors the parent opened from the sandbox's bind mounts (DIR/ns/<type>). The cgroup
 * namespace is unshared by the child only after it sits in its cgroup, so that its root is
 * the container's cgroup (runc does the same).
 */
#include <fcntl.h>
#include <sched.h>

#include "container.h"
#include "util.h"

static const int clone_flag[_NAMESPACE_MAX] = {
	[NAMESPACE_MOUNT] = CLONE_NEWNS, [NAMESPACE_PID] = CLONE_NEWPID,
	[NAMESPACE_NET] = CLONE_NEWNET,  [NAMESPACE_IPC] = CLONE_NEWIPC,
	[NAMESPACE_UTS] = CLONE_NEWUTS,  [NAMESPACE_CGROUP] = CLONE_NEWCGROUP,
};

int namespaces_open(const ContainerConfig *c, int fds[_NAMESPACE_MAX], RuntimeError *e) {
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		fds[t] = -EBADF;
	for (int t = 0; t < _NAMESPACE_MAX; t++) {
		if (c->namespaces[t].mode != NAMESPACE_MODE_JOIN)
			continue;
		fds[t] = open(c->namespaces[t].path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fds[t] < 0) {
			int r = runtime_error(e, errno, "open %s namespace %s",
			                      namespace_type_to_string(t), c->namespaces[t].path);
			namespaces_close(fds);
			return r;
		}
	}
	return 0;
}

void namespaces_close(int fds[_NAMESPACE_MAX]) {
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		fds[t] = safe_close(fds[t]);
}

uint64_t namespaces_clone_flags(const ContainerConfig *c) {
	uint64_t f = 0;
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		if (c->namespaces[t].mode == NAMESPACE_MODE_NEW && t != NAMESPACE_CGROUP)
			f |= (uint64_t)clone_flag[t];
	return f;
}

/* setns(CLONE_NEWPID) changes where the caller's next children go, not the caller: the parent
 * does it before clone. */
int namespaces_join_pid(const int fds[_NAMESPACE_MAX], RuntimeError *e) {
	if (fds[NAMESPACE_PID] < 0)
		return 0;
	sanitizer_check_leaks_now();
	if (setns(fds[NAMESPACE_PID], CLONE_NEWPID) < 0)
		return runtime_error(e, errno, "setns pid namespace");
	return 0;
}

int namespaces_join(const ContainerBuild *b, RuntimeError *e) {
	/* The network namespace first: sysfs and the uts/ipc ones do not depend on it, but a
	 * failure to join it is the most common one worth reporting. */
	static const int order[] = { NAMESPACE_NET, NAMESPACE_IPC, NAMESPACE_UTS,
		                     NAMESPACE_CGROUP };
	for (size_t i = 0; i < ELEMENTSOF(order); i++) {
		int t = order[i];
		if (b->ns_fds[t] < 0)
			continue;
		if (setns(b->ns_fds[t], clone_flag[t]) < 0)
			return runtime_error(e, errno, "setns %s namespace %s",
			                     namespace_type_to_string(t),
			                     b->config->namespaces[t].path);
	}
	return 0;
}

int namespaces_unshare_cgroup(const ContainerBuild *b, RuntimeError *e) {
	if (b->ns_fds[NAMESPACE_CGROUP] >= 0 &&
	    setns(b->ns_fds[NAMESPACE_CGROUP], CLONE_NEWCGROUP) < 0)
		return runtime_error(e, errno, "setns cgroup namespace %s",
		                     b->config->namespaces[NAMESPACE_CGROUP].path);
	if (b->config->namespaces[NAMESPACE_CGROUP].mode == NAMESPACE_MODE_NEW &&
	    unshare(CLONE_NEWCGROUP) < 0)
		return runtime_error(e, errno, "unshare cgroup namespace");
	return 0;
}
