/* SPDX-License-Identifier: Apache-2.0 */
/* The container process's identity and attributes: hostname, rlimits, oom_score_adj, cwd,
 * groups and ids. */
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "container.h"
#include "util.h"

static int write_oom_score_adj(int v, RuntimeError *e) {
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%d", v);
	_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return runtime_error(e, errno, "open /proc/self/oom_score_adj");
	/* Lowering the value below the current minimum needs CAP_SYS_RESOURCE (EACCES). */
	if (write(fd, buf, (size_t)n) != n)
		return runtime_error(e, errno, "set oom_score_adj to %d", v);
	return 0;
}

int process_setup(const ContainerBuild *b, RuntimeError *e) {
	const ContainerConfig *c = b->config;

	if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		return runtime_error(e, errno, "sethostname \"%s\"", c->hostname);
	for (size_t i = 0; i < c->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = c->rlimits[i].soft,
			             .rlim_max = c->rlimits[i].hard };
		if (setrlimit(c->rlimits[i].resource, &rl) < 0)
			return runtime_error(e, errno, "setrlimit %d soft %llu hard %llu",
			                     c->rlimits[i].resource,
			                     (unsigned long long)rl.rlim_cur,
			                     (unsigned long long)rl.rlim_max);
	}
	if (c->have_oom_score_adj) {
		int r = write_oom_score_adj(c->oom_score_adj, e);
		if (r < 0)
			return r;
	}
	/* As root first: a directory the user cannot enter is still the right place (runc);
	 * user_switch() tries again as the user. */
	if (chdir(c->cwd) < 0)
		return runtime_error(e, errno, "chdir to %s", c->cwd);
	return 0;
}

int user_switch(const ContainerConfig *c, RuntimeError *e) {
	/* Without additional gids, drop the monitor's: the container must not inherit them. */
	if (setgroups(c->n_additional_gids, c->additional_gids) < 0)
		return runtime_error(e, errno, "setgroups");
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		return runtime_error(e, errno, "setresgid %u", (unsigned)c->gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return runtime_error(e, errno, "PR_SET_KEEPCAPS");
	if (setresuid(c->uid, c->uid, c->uid) < 0)
		return runtime_error(e, errno, "setresuid %u", (unsigned)c->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return runtime_error(e, errno, "PR_SET_KEEPCAPS");
	return 0;
}
