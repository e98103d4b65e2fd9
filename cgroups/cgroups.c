/* SPDX-License-Identifier: Apache-2.0 */
/* The public entry points: check and normalize the path, then hand over to the mode's backend. */
#include <limits.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "macro.h"

/* The only state of this library besides libcgroup's own cgroup_init() cache, which it
 * mirrors: written once by cgroups_init(), read-only afterwards. */
static CgroupContext context;

int cgroups_init(void) {
	CgroupContext c = { 0 };

	if (context.initialized)
		return 0;
	int r = cgroup_lib_init(&c);
	if (r < 0)
		return r;
	c.initialized = true;
	context = c;
	return 0;
}

CgroupMode cgroups_mode(void) {
	return context.mode;
}

bool cgroups_have_unified(void) {
	return context.initialized && context.unified[0];
}

const char *cgroups_unified_mount(void) {
	return cgroups_have_unified() ? context.unified : NULL;
}

#define PREPARE(path, buf)                                                                         \
	do {                                                                                       \
		if (!context.initialized)                                                          \
			return -ENXIO;                                                             \
		int _r = cgroup_path_normalize((path), false, (buf), sizeof(buf));                 \
		if (_r < 0)                                                                        \
			return _r;                                                                 \
	} while (0)

int cgroup_create(const char *path, const CgroupLimits *limits) {
	char p[PATH_MAX];
	PREPARE(path, p);
	return context.ops->create(&context, p, limits);
}

int cgroup_set(const char *path, const CgroupLimits *limits) {
	char p[PATH_MAX];
	PREPARE(path, p);
	return limits ? context.ops->set(&context, p, limits) : 0;
}

int cgroup_attach(const char *path, pid_t pid) {
	char p[PATH_MAX];
	PREPARE(path, p);
	if (pid <= 0)
		return -EINVAL;
	return context.ops->attach(&context, p, pid);
}

int cgroup_open_unified(const char *path) {
	char p[PATH_MAX];
	PREPARE(path, p);
	if (!context.unified[0])
		return -EOPNOTSUPP;
	return cgroup_unified_open(context.unified, p);
}

void cgroup_join_close(CgroupJoin *j) {
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		safe_close(j->fds[i]);
	j->n = 0;
}

int cgroup_join_open(const char *path, bool unified, CgroupJoin *ret) {
	char p[PATH_MAX];
	CgroupJoin j = { .n = 0 };

	PREPARE(path, p);
	int r = context.ops->join_open(&context, p, unified, &j);
	if (r < 0) {
		cgroup_join_close(&j);
		return r;
	}
	*ret = j;
	return 0;
}

int cgroup_join_self(const CgroupJoin *j) {
	for (size_t i = 0; i < j->n; i++) {
		ssize_t k = write(j->fds[i], "0", 1);
		if (k < 0)
			return negative_errno();
		if (k != 1)
			return -EIO;
	}
	return 0;
}

int cgroup_enter(const char *path) {
	CgroupJoin j;
	int r = cgroup_join_open(path, true, &j);

	if (r < 0)
		return r;
	r = cgroup_join_self(&j);
	cgroup_join_close(&j);
	return r;
}

/* The layout as cgroup_lib_init() decides it, without libcgroup: hybrid means a cgroup2 mount
 * at /sys/fs/cgroup/unified under a /sys/fs/cgroup that is not cgroup2 itself. */
static bool hybrid_layout(void) {
	struct statfs fs;

	if (context.initialized)
		return context.mode == CGROUP_MODE_LEGACY && context.unified[0];
	return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type != CGROUP2_SUPER_MAGIC &&
	       statfs("/sys/fs/cgroup/unified", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_unified_prepare(const char *path) {
	static const char mount[] = "/sys/fs/cgroup/unified";
	char p[PATH_MAX];
	int r = cgroup_path_normalize(path, false, p, sizeof(p));

	if (r < 0)
		return r;
	if (!hybrid_layout())
		return -EOPNOTSUPP;
	r = cgroup_fs_mkdir(mount, p);
	return r < 0 ? r : cgroup_unified_open(mount, p);
}

int cgroup_kill(const char *path) {
	char p[PATH_MAX];
	PREPARE(path, p);
	return context.ops->kill(&context, p);
}

/* Leaf first: try the path itself (the common case, a container without children), and walk
 * its children only when that fails. */
static int destroy(const char *path, unsigned depth) {
	_cleanup_strv_free_ char **children = NULL;
	size_t n = 0;
	int r = context.ops->destroy_one(&context, path);

	if (r != -EBUSY)
		return r;
	if (depth > 64)
		return -ELOOP;
	r = context.ops->children(&context, path, &children, &n);
	if (r < 0)
		return r;
	if (n == 0)
		return -EBUSY; /* processes, not children, keep it */
	for (size_t i = 0; i < n; i++) {
		char sub[PATH_MAX];
		if (snprintf(sub, sizeof(sub), "%s/%s", path, children[i]) >= (int)sizeof(sub))
			return -ENAMETOOLONG;
		r = destroy(sub, depth + 1);
		if (r < 0)
			return r;
	}
	return context.ops->destroy_one(&context, path);
}

int cgroup_destroy(const char *path) {
	char p[PATH_MAX];
	PREPARE(path, p);
	return destroy(p, 0);
}

int cgroup_is_populated(const char *path) {
	char p[PATH_MAX];
	PREPARE(path, p);
	return context.ops->is_populated(&context, p);
}

static uint64_t now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int cgroup_wait_empty(const char *path, int timeout_ms) {
	char p[PATH_MAX];
	uint64_t deadline = now_ms() + (uint64_t)MAX(timeout_ms, 0);
	int r;

	PREPARE(path, p);
	if (context.unified[0] && cgroup_fs_exists(context.unified, p) > 0) {
		r = cgroup_unified_wait_empty(context.unified, p, timeout_ms);
		if (r < 0 || context.mode == CGROUP_MODE_UNIFIED)
			return r;
	}
	/* v1 has no populated event: poll cgroup.procs (1 ms steps, bounded by timeout_ms). */
	for (;;) {
		r = context.ops->is_populated(&context, p);
		if (r <= 0)
			return r;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

int cgroup_events_path(const char *path, char **ret) {
	char p[PATH_MAX];
	PREPARE(path, p);
	if (!context.unified[0])
		return -EOPNOTSUPP;
	return asprintf(ret, "%s/%s/cgroup.events", context.unified, p) < 0 ? -ENOMEM : 0;
}

int cgroup_get_stats(const char *path, CgroupStats *ret) {
	char p[PATH_MAX];
	PREPARE(path, p);
	return context.ops->stats(&context, p, ret);
}

int cgroup_get_node_stats(CgroupStats *ret) {
	if (!context.initialized)
		return -ENXIO;
	return cgroup_node_stats(&context, ret);
}
