/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Direct cgroupfs access. Creation and limits go through libcgroup; these helpers cover what it
 * lacks or makes slow: reading stats files (cgroup_get_cgroup reads every file of every
 * controller), cgroup.procs of a whole process, cgroup.kill/freeze/events, directory listings.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "cgroup-internal.h"
#include "fileio.h"
#include "macro.h"
#include "strv.h"

int cgroup_fs_path(char *buf, size_t size, const char *mount, const char *path, const char *file) {
	int k = snprintf(buf, size, "%s%s%s%s%s", mount, *path ? "/" : "", path, *file ? "/" : "",
	                 file);
	return k < 0 || (size_t)k >= size ? -ENAMETOOLONG : 0;
}

int cgroup_fs_read(const char *mount, const char *path, const char *file, char *buf, size_t size) {
	char p[PATH_MAX];
	size_t n = 0;
	int r = cgroup_fs_path(p, sizeof(p), mount, path, file);

	if (r < 0)
		return r;
	_cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return negative_errno();
	for (;;) {
		if (n + 1 >= size)
			return -EFBIG;
		ssize_t k = read(fd, buf + n, size - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return negative_errno();
		if (k == 0)
			break;
		n += (size_t)k;
	}
	buf[n] = 0;
	return (int)n;
}

int cgroup_fs_read_u64(const char *mount, const char *path, const char *file, uint64_t *ret) {
	char buf[64];
	int r = cgroup_fs_read(mount, path, file, buf, sizeof(buf));
	return r < 0 ? r : cgroup_parse_u64(buf, ret);
}

int cgroup_fs_write(const char *mount, const char *path, const char *file, const char *value) {
	char p[PATH_MAX];
	int r = cgroup_fs_path(p, sizeof(p), mount, path, file);
	return r < 0 ? r : write_string_file(p, value);
}

int cgroup_fs_exists(const char *mount, const char *path) {
	char p[PATH_MAX];
	struct stat st;
	int r = cgroup_fs_path(p, sizeof(p), mount, path, "");

	if (r < 0)
		return r;
	if (stat(p, &st) < 0)
		return errno == ENOENT ? 0 : negative_errno();
	return S_ISDIR(st.st_mode);
}

int cgroup_fs_mkdir(const char *mount, const char *path) {
	char p[PATH_MAX];
	int r = cgroup_fs_path(p, sizeof(p), mount, path, "");

	if (r < 0)
		return r;
	/* The parent is there nearly always: one mkdir instead of one per component. */
	if (mkdir(p, 0755) == 0 || errno == EEXIST)
		return 0;
	return errno == ENOENT ? mkdir_p(p, 0755) : negative_errno();
}

int cgroup_fs_rmdir(const char *mount, const char *path) {
	char p[PATH_MAX];
	int r = cgroup_fs_path(p, sizeof(p), mount, path, "");

	if (r < 0)
		return r;
	if (rmdir(p) < 0 && errno != ENOENT)
		return errno == ENOTEMPTY ? -EBUSY : negative_errno();
	return 0;
}

int cgroup_fs_join_add(CgroupJoin *j, const char *mount, const char *path, const char *file) {
	char p[PATH_MAX];
	int r = cgroup_fs_path(p, sizeof(p), mount, path, file);

	if (r < 0)
		return r;
	if (j->n >= ELEMENTSOF(j->fds))
		return -E2BIG;
	int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return negative_errno();
	j->fds[j->n++] = fd;
	return 0;
}

int cgroup_fs_children(const char *mount, const char *path, char ***names, size_t *n) {
	char p[PATH_MAX];
	int r = cgroup_fs_path(p, sizeof(p), mount, path, "");

	if (r < 0)
		return r;
	_cleanup_(closedirp) DIR *d = opendir(p);
	if (!d)
		return errno == ENOENT ? 0 : negative_errno();
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_type != DT_DIR || streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (strv_contains(*names, de->d_name))
			continue;
		r = strv_extend_n(names, n, de->d_name);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_fs_has_procs(const char *mount, const char *path) {
	char buf[32];
	/* Only the first pid matters: a small buffer that fills up means "yes". */
	int r = cgroup_fs_read(mount, path, "cgroup.procs", buf, sizeof(buf));
	if (r == -EFBIG)
		return 1;
	return r < 0 ? r : r > 0;
}

void pid_set_done(PidSet *s) {
	free(s->pids);
	*s = (PidSet){ 0 };
}

static bool pid_set_contains(const PidSet *s, pid_t pid) {
	for (size_t i = 0; i < s->n; i++)
		if (s->pids[i] == pid)
			return true;
	return false;
}

static int pid_set_add(PidSet *s, pid_t pid) {
	if (s->n == s->allocated) {
		size_t a = s->allocated ? s->allocated * 2 : 16;
		pid_t *p = realloc(s->pids, a * sizeof(pid_t));
		if (!p)
			return -ENOMEM;
		s->pids = p;
		s->allocated = a;
	}
	s->pids[s->n++] = pid;
	return 0;
}

static int signal_procs(const char *dir, int sig, PidSet *seen) {
	char p[PATH_MAX];
	_cleanup_free_ char *text = NULL;
	int r = cgroup_fs_path(p, sizeof(p), dir, "", "cgroup.procs"), count = 0;

	if (r < 0)
		return r;
	/* pids.max bounds this; 4 MiB holds > 500k pids. */
	r = read_full_file(p, 4 << 20, &text, NULL);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (char *s = text, *e; *s; s = e) {
		long v = strtol(s, &e, 10);
		if (e == s)
			break;
		if (v <= 0 || pid_set_contains(seen, (pid_t)v))
			continue;
		/* ESRCH: it exited meanwhile. */
		if (kill((pid_t)v, sig) < 0 && errno != ESRCH)
			return negative_errno();
		r = pid_set_add(seen, (pid_t)v);
		if (r < 0)
			return r;
		count++;
	}
	return count;
}

int cgroup_fs_signal_tree(const char *mount, const char *path, int sig, PidSet *seen) {
	char dir[PATH_MAX];
	_cleanup_strv_free_ char **children = NULL;
	size_t n = 0;
	int r = cgroup_fs_path(dir, sizeof(dir), mount, path, ""), count;

	if (r < 0)
		return r;
	count = signal_procs(dir, sig, seen);
	if (count < 0)
		return count;
	r = cgroup_fs_children(mount, path, &children, &n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char sub[PATH_MAX];
		r = cgroup_fs_path(sub, sizeof(sub), path, "", children[i]);
		if (r < 0)
			return r;
		r = cgroup_fs_signal_tree(mount, sub, sig, seen);
		if (r < 0)
			return r;
		count += r;
	}
	return count;
}
