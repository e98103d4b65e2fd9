/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's root file system, inside its own mount namespace: the overlay (or the tmpfs
 * under it) is mounted there only, so it vanishes with the namespace and nothing leaks onto the
 * host, whatever happens to the monitor.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "container.h"
#include "util.h"

#define OVERLAY_OPTIONS_MAX 4095 /* mount(2) copies one page of options */

static bool any_rshared(const ContainerConfig *c) {
	for (size_t i = 0; i < c->n_mounts; i++)
		if (c->mounts[i].propagation == PROPAGATION_RSHARED)
			return true;
	return false;
}

/* The mount point of the mount holding path, from /proc/self/mountinfo (longest prefix). */
static int find_mount_point(const char *path, char **ret) {
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL, *best = NULL;
	size_t n = 0, best_len = 0;

	if (!f)
		return negative_errno();
	while (getline(&line, &n, f) > 0) {
		char mp[4096];
		/* id parent major:minor root mountpoint ... (mount points never hold spaces
		 * unescaped: the kernel writes them as \040, which cannot prefix-match ours
		 * unless ours had one too; skiff's directories have none). */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		size_t l = strlen(mp);
		bool prefix = streq(mp, "/") ||
		              (strncmp(path, mp, l) == 0 && (path[l] == '/' || path[l] == 0));
		if (prefix && (l > best_len || !best)) {
			free(best);
			best = strdup(mp);
			best_len = l;
		}
	}
	if (!best)
		return -ENOENT;
	*ret = TAKE_PTR(best);
	return 0;
}

static int root_propagation(const ContainerBuild *b, RuntimeError *e) {
	bool shared = any_rshared(b->config);
	/* runc's default: rslave, so host mounts still reach HostToContainer volumes while
	 * nothing of ours reaches the host; rshared when a Bidirectional mount asks for it. */
	if (mount(NULL, "/", NULL, MS_REC | (shared ? MS_SHARED : MS_SLAVE), NULL) < 0)
		return runtime_error(e, errno, "make / %s", shared ? "rshared" : "rslave");
	if (!shared)
		return 0;
	/* runc's rootfsParentMountPrivate: the mount under our root must not be shared, or the
	 * overlay would appear on the host and pivot_root would refuse. Our copy only. */
	_cleanup_free_ char *mp = NULL;
	int r = find_mount_point(b->rootfs_mountpoint, &mp);
	if (r < 0)
		return runtime_error(e, -r, "find the mount of %s", b->rootfs_mountpoint);
	if (mount(NULL, mp, NULL, MS_PRIVATE, NULL) < 0)
		return runtime_error(e, errno, "make %s private", mp);
	return 0;
}

static int overlay_options(const ContainerConfig *c, const char *upper, const char *work,
                           char **ret) {
	size_t n = 64 + strlen(upper) + strlen(work);
	STRV_FOREACH (l, c->lower_dirs)
		n += strlen(*l) + 1;
	char *o = malloc(n);
	if (!o)
		return -ENOMEM;
	char *p = stpcpy(o, "lowerdir=");
	STRV_FOREACH (l, c->lower_dirs) {
		if (l != c->lower_dirs)
			*p++ = ':';
		p = stpcpy(p, *l);
	}
	sprintf(p, ",upperdir=%s,workdir=%s", upper, work);
	*ret = o;
	return 0;
}

/* Many layers overflow mount(2)'s one page of options: the new mount API takes each lower
 * directory on its own ("lowerdir+", Linux 6.8). */
static int overlay_mount_fsconfig(const ContainerConfig *c, const char *upper, const char *work,
                                  const char *target, RuntimeError *e) {
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return runtime_error(e, errno, "fsopen overlay");
	STRV_FOREACH (l, c->lower_dirs)
		if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) < 0)
			return runtime_error(e, errno, "overlay lowerdir+ %s (%zu layers)", *l,
			                     strv_length(c->lower_dirs));
	if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return runtime_error(e, errno, "overlay upper/work");
	_cleanup_close_ int m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		return runtime_error(e, errno, "fsmount overlay");
	if (move_mount(m, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return runtime_error(e, errno, "move_mount overlay to %s", target);
	return 0;
}

int rootfs_mount(const ContainerBuild *b, int *ret_rootfd, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	_cleanup_free_ char *options = NULL, *upper = NULL, *work = NULL, *target = NULL;
	int r;

	r = root_propagation(b, e);
	if (r < 0)
		return r;
	if (c->upper_dir) {
		upper = strdup(c->upper_dir);
		work = strdup(c->work_dir);
		target = strdup(b->rootfs_mountpoint);
	} else {
		/* No upper directory given: a tmpfs in our mount namespace holds it (and is
		 * gone with it). */
		const char *mp = b->rootfs_mountpoint;
		if (mount("tmpfs", mp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
			return runtime_error(e, errno, "mount tmpfs for the upper layer on %s", mp);
		if (asprintf(&upper, "%s/upper", mp) < 0 || asprintf(&work, "%s/work", mp) < 0 ||
		    asprintf(&target, "%s/merged", mp) < 0)
			return runtime_error(e, ENOMEM, "rootfs");
		if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 || mkdir(target, 0755) < 0)
			return runtime_error(e, errno, "mkdir in the upper tmpfs");
	}
	if (!upper || !work || !target)
		return runtime_error(e, ENOMEM, "rootfs");
	r = overlay_options(c, upper, work, &options);
	if (r < 0)
		return runtime_error(e, -r, "rootfs");
	if (strlen(options) <= OVERLAY_OPTIONS_MAX) {
		if (mount("overlay", target, "overlay", 0, options) < 0)
			return runtime_error(e, errno, "mount overlay on %s (lower %s%s)", target,
			                     c->lower_dirs[0], c->lower_dirs[1] ? ", ..." : "");
	} else {
		r = overlay_mount_fsconfig(c, upper, work, target, e);
		if (r < 0)
			return r;
	}
	int fd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return runtime_error(e, errno, "open %s", target);
	*ret_rootfd = fd;
	return 0;
}

static int cmp_len_desc(const void *a, const void *b) {
	size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
	return la < lb ? 1 : la > lb ? -1 : 0;
}

/* pivot_root cannot leave the initial ramfs (a system booted from an initramfs only, such as
 * tests/vm/'s): runc's msMoveRoot instead. Every mount outside the new root is detached first
 * (deepest first), so nothing of the host stays reachable beneath it; then the new root is
 * moved over "/" and entered with chroot. */
static int move_root(const ContainerBuild *b, RuntimeError *e) {
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL, *root = realpath(".", NULL);
	char **mps = NULL;
	size_t n = 0, len = 0;
	int r = 0;

	if (!f || !root)
		return runtime_error(e, errno, "read mountinfo");
	size_t rl = strlen(root);
	while (getline(&line, &len, f) > 0) {
		char mp[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1 || streq(mp, "/") ||
		    (strncmp(mp, root, rl) == 0 && (mp[rl] == '/' || mp[rl] == 0)))
			continue;
		/* ... and not a parent of the new root: detaching that would take it along. */
		size_t ml = strlen(mp);
		if (strncmp(root, mp, ml) == 0 && root[ml] == '/')
			continue;
		char **m = realloc(mps, (n + 1) * sizeof(char *));
		if (!m || !(m[n] = strdup(mp))) {
			free(m ? m : mps);
			return runtime_error(e, ENOMEM, "mountinfo");
		}
		mps = m;
		n++;
	}
	qsort(mps, n, sizeof(char *), cmp_len_desc);
	for (size_t i = 0; i < n; i++) {
		if (r >= 0 && umount2(mps[i], MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
			r = runtime_error(e, errno, "detach %s", mps[i]);
		free(mps[i]);
	}
	free(mps);
	if (r < 0)
		return r;
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return runtime_error(e, errno, "move the root file system to /");
	if (chroot(".") < 0)
		return runtime_error(e, errno, "chroot");
	if (chdir("/") < 0)
		return runtime_error(e, errno, "chdir /");
	(void)b;
	return 0;
}

int rootfs_pivot(const ContainerBuild *b, int rootfd, RuntimeError *e) {
	_cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (oldroot < 0)
		return runtime_error(e, errno, "open /");
	if (fchdir(rootfd) < 0)
		return runtime_error(e, errno, "chdir to the root file system");
	/* pivot_root(".", ".") stacks the old root on top of the new one; unmounting it then
	 * drops it (runc, since 1.0: no put_old directory in the image). */
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		if (errno == EINVAL) {
			int r = move_root(b, e);
			if (r < 0)
				return r;
			goto root_ready;
		}
		return runtime_error(e, errno, "pivot_root");
	}
	/* Where "." points after pivot_root is not the kernel's promise: go to the old root by
	 * its descriptor (runc). Its unmounts must not reach the host, whatever propagation the
	 * new root asked for: make it rslave first. The new root's own mounts (Bidirectional
	 * volumes included) are not under it and keep their propagation. */
	if (fchdir(oldroot) < 0)
		return runtime_error(e, errno, "chdir to the old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return runtime_error(e, errno, "make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return runtime_error(e, errno, "unmount the old root");
	if (chdir("/") < 0)
		return runtime_error(e, errno, "chdir /");
root_ready:
	if (b->config->read_only_root &&
	    mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return runtime_error(e, errno, "remount / read-only");
	return 0;
}
