/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "fileio.h"
#include "util.h"

int runtime_error(RuntimeError *e, int err, const char *fmt, ...) {
	va_list ap;
	if (err < 0)
		err = -err;
	if (e) {
		va_start(ap, fmt);
		int n = vsnprintf(e->message, sizeof(e->message), fmt, ap);
		va_end(ap);
		e->err = err;
		size_t l = n < 0 ? 0 : MIN((size_t)n, sizeof(e->message) - 1);
		if (err > 0 && l < sizeof(e->message) - 1)
			(void)!snprintf(e->message + l, sizeof(e->message) - l, ": %s",
			                strerror(err));
	}
	return err > 0 ? -err : -EIO;
}

int proc_start_time(pid_t pid, uint64_t *ret) {
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : negative_errno();
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return negative_errno();
	buf[n] = 0;
	/* comm may hold spaces and ')': fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	p++;
	/* p is at the space before field 3 (state); starttime is field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EIO;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p + 1, &end, 10);
	if (errno || end == p + 1)
		return -EIO;
	*ret = v;
	return 0;
}

int pidfd_open_checked(pid_t pid, uint64_t start_time, int *ret_pidfd) {
	uint64_t st;
	int r;

	if (pid <= 0)
		return -ESRCH;
	_cleanup_close_ int fd = pidfd_open(pid, 0);
	if (fd < 0)
		return negative_errno();
	/* The pidfd pins the process; reading its start time now settles whether the pid was
	 * recycled before we opened it. */
	r = proc_start_time(pid, &st);
	if (r < 0)
		return r;
	if (st != start_time)
		return -ESRCH;
	*ret_pidfd = TAKE_FD(fd);
	return 0;
}

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
void sanitizer_check_leaks_now(void) {
	__lsan_do_leak_check();
}

const char *sanitizer_exec_env(void) {
	struct stat a, b;
	if (stat("/proc/self/ns/pid", &a) == 0 && stat("/proc/self/ns/pid_for_children", &b) == 0 &&
	    a.st_ino != b.st_ino)
		return "ASAN_OPTIONS=detect_leaks=0";
	return NULL;
}
#else
void sanitizer_check_leaks_now(void) {
}

const char *sanitizer_exec_env(void) {
	return NULL;
}
#endif

int64_t monotonic_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void trace_point(int64_t t0, const char *what) {
	if (t0 == 0)
		return;
	int64_t d = monotonic_ns() - t0;
	/* One write: lines of the monitor and its child do not interleave. */
	dprintf(STDERR_FILENO, "skiff-monitor[%d]: %+8.3f ms %s\n", (int)getpid(), (double)d / 1e6,
	        what);
}

int openat2_beneath(int dirfd, const char *path, int flags, uint64_t resolve, mode_t mode) {
	struct open_how how = {
		.flags = (uint64_t)flags | O_CLOEXEC,
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = resolve,
	};
	for (;;) {
		int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		/* The kernel asks for a retry when a rename raced the lookup. */
		if (errno != EAGAIN && errno != EINTR)
			return negative_errno();
	}
}

int strdup_bounded(const char *s, size_t max, char **ret) {
	size_t l = strnlen(s, max + 1);
	if (l > max)
		return -E2BIG;
	char *d = strndup(s, l);
	if (!d)
		return -ENOMEM;
	*ret = d;
	return 0;
}
