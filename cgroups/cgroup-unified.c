/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cgroup2 directory of a cgroup: the whole cgroup on pure v2, the companion under
 * /sys/fs/cgroup/unified in the hybrid layout. Direct cgroupfs writes, each for a reason:
 * libcgroup 2.0.2 has no cgroup.kill/cgroup.freeze/cgroup.events API, and in the hybrid layout it
 * can reach the unified mount only through hugetlb (see cgroup-libcgroup.c).
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>

#include "cgroup-internal.h"
#include "fileio.h"
#include "macro.h"

static int events_value(const char *mount, const char *path, const char *key) {
	char buf[256];
	uint64_t v;
	int r = cgroup_fs_read(mount, path, "cgroup.events", buf, sizeof(buf));

	if (r < 0)
		return r;
	r = cgroup_parse_keyed(buf, key, &v);
	return r < 0 ? r : v > 0;
}

int cgroup_unified_populated(const char *mount, const char *path) {
	return events_value(mount, path, "populated");
}

/* cgroup.kill (Linux 5.14): the kernel kills the whole subtree, forks racing with it too. */
int cgroup_unified_kill(const char *mount, const char *path) {
	int r = cgroup_fs_write(mount, path, "cgroup.kill", "1");
	if (r == -ENOENT && cgroup_fs_exists(mount, path) > 0)
		return -EOPNOTSUPP; /* an older kernel: the caller freezes and kills */
	return r;
}

static uint64_t now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait until cgroup.events says key == want, watching it with inotify (the kernel signals
 * IN_MODIFY on every change of populated/frozen). */
static int events_wait(const char *mount, const char *path, const char *key, int want,
                       int timeout_ms) {
	char p[PATH_MAX];
	uint64_t deadline = now_ms() + (uint64_t)MAX(timeout_ms, 0);
	int r = cgroup_fs_path(p, sizeof(p), mount, path, "cgroup.events");

	if (r < 0)
		return r;
	/* Look first, a few times over 2 ms: killed processes are usually gone by then, and
	 * closing an inotify fd waits for an SRCU grace period (milliseconds). */
	for (int i = 0; i < 20; i++) {
		r = events_value(mount, path, key);
		if (r == -ENOENT || r == want)
			return 0;
		if (r < 0)
			return r;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	}
	_cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		return negative_errno();
	if (inotify_add_watch(fd, p, IN_MODIFY) < 0)
		return errno == ENOENT ? 0 : negative_errno(); /* gone: nothing left to wait for */
	for (;;) {
		r = events_value(mount, path, key);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return r;
		if (r == want)
			return 0;
		uint64_t t = now_ms();
		if (t >= deadline)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (poll(&pfd, 1, (int)MIN(deadline - t, (uint64_t)1000)) < 0 && errno != EINTR)
			return negative_errno();
		char drain[4096];
		while (read(fd, drain, sizeof(drain)) > 0)
			;
	}
}

int cgroup_unified_wait_empty(const char *mount, const char *path, int timeout_ms) {
	return events_wait(mount, path, "populated", 0, timeout_ms);
}

int cgroup_unified_freeze(const char *mount, const char *path, bool frozen) {
	int r = cgroup_fs_write(mount, path, "cgroup.freeze", frozen ? "1" : "0");
	if (r < 0)
		return r;
	/* Freezing completes asynchronously; thawing needs no wait. */
	return frozen ? events_wait(mount, path, "frozen", 1, 5000) : 0;
}

int cgroup_unified_open(const char *mount, const char *path) {
	char p[PATH_MAX];
	int r = cgroup_fs_path(p, sizeof(p), mount, path, "");

	if (r < 0)
		return r;
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? negative_errno() : fd;
}
