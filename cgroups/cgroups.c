/* SPDX-License-Identifier: Apache-2.0 */
/* The public entry points: check and normalize the path, then hand over to the mode's backend. */
#include <limits.h>
#include <time.h>

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
