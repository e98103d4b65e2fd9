/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Mounts inside the container's root, before pivot_root. Every destination is resolved with
 * openat2(RESOLVE_IN_ROOT) from the root's descriptor, so a symlink in the image ("/proc ->
 * /", "/etc/hosts -> /host/etc/shadow") can never send a mount outside it (runc's
 * CVE-2019-19921 / securejoin class of bugs); the resolved descriptor is the mount target
 * (through /proc/self/fd, or move_mount).
 *
 * The defaults are containerd's (oci/mounts.go + the CRI's /sys/fs/cgroup):
 *   /proc proc nosuid,noexec,nodev
 *   /dev tmpfs nosuid,strictatime,mode=755,size=65536k
 *   /dev/pts devpts nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5
 *   /dev/shm tmpfs nosuid,noexec,nodev,mode=1777,size=65536k (unless the pod's is given)
 *   /dev/mqueue mqueue nosuid,noexec,nodev
 *   /sys sysfs nosuid,noexec,nodev,ro (rw when privileged)
 *   /sys/fs/cgroup cgroup nosuid,noexec,nodev,ro (rw when privileged)
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "container.h"
#include "util.h"

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

static const char *fd_path(int fd, char buf[static 32]) {
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static const char *relative(const char *path) {
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

int mkdir_beneath(int rootfd, const char *path, RuntimeError *e) {
	_cleanup_free_ char *p = strdup(relative(path));
	_cleanup_close_ int parent = -EBADF;

	if (!p)
		return runtime_error(e, ENOMEM, "mkdir %s", path);
	parent = openat2_beneath(rootfd, ".", O_PATH | O_DIRECTORY, IN_ROOT, 0);
	if (parent < 0)
		return runtime_error(e, -parent, "open the root");
	/* Component by component, each prefix resolved again from the root: a symlink on the
	 * way is followed, but never out of the root. */
	for (char *s = p;; s++) {
		if (*s != '/' && *s != 0)
			continue;
		char c = *s;
		*s = 0;
		int fd = openat2_beneath(rootfd, p, O_PATH | O_DIRECTORY, IN_ROOT, 0);
		if (fd == -ENOENT) {
			const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
			if (mkdirat(parent, base, 0755) < 0 && errno != EEXIST)
				return runtime_error(e, errno, "mkdir %s", path);
			fd = openat2_beneath(rootfd, p, O_PATH | O_DIRECTORY, IN_ROOT, 0);
		}
		if (fd < 0)
			return runtime_error(e, -fd, "mkdir %s", path);
		safe_close(parent);
		parent = fd;
		*s = c;
		if (!c)
			break;
	}
	return 0;
}

int mount_target(int rootfd, const char *path, bool dir, uint64_t resolve, int *ret_fd,
                 RuntimeError *e) {
	const char *rel = relative(path);
	int fd = openat2_beneath(rootfd, rel, O_PATH, resolve, 0);
	struct stat st;

	if (fd == -ENOENT) {
		_cleanup_free_ char *parent = strdup(rel);
		if (!parent)
			return runtime_error(e, ENOMEM, "mount %s", path);
		char *slash = strrchr(parent, '/');
		if (dir) {
			int r = mkdir_beneath(rootfd, rel, e);
			if (r < 0)
				return r;
		} else {
			if (slash) {
				*slash = 0;
				int r = mkdir_beneath(rootfd, parent, e);
				if (r < 0)
					return r;
			}
			/* O_CREAT through openat2 keeps the resolution inside the root. */
			int f = openat2_beneath(rootfd, rel, O_WRONLY | O_CREAT | O_NOCTTY, IN_ROOT,
			                        0644);
			if (f < 0)
				return runtime_error(e, -f, "create mount point %s", path);
			close(f);
		}
		fd = openat2_beneath(rootfd, rel, O_PATH, resolve, 0);
	}
	if (fd == -ELOOP && (resolve & RESOLVE_NO_SYMLINKS))
		return runtime_error(e, ELOOP, "mount point %s is a symlink in the image", path);
	if (fd < 0)
		return runtime_error(e, -fd, "mount point %s", path);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return runtime_error(e, errno, "stat %s", path);
	}
	if (dir != !!S_ISDIR(st.st_mode)) {
		close(fd);
		return runtime_error(e, dir ? ENOTDIR : EISDIR, "mount point %s", path);
	}
	*ret_fd = fd;
	return 0;
}

/* The runtime's own mount points (/proc, /sys, /dev ...) must not be symlinks in the image:
 * mounting proc over "/proc -> /" would cover the whole root (runc, CVE-2019-19921). */
#define STRICT (IN_ROOT | RESOLVE_NO_SYMLINKS)

static int mount_at(int rootfd, const char *dest, const char *source, const char *type,
                    unsigned long flags, const char *data, uint64_t resolve, RuntimeError *e) {
	_cleanup_close_ int t = -EBADF;
	char p[32];
	int r = mount_target(rootfd, dest, true, resolve, &t, e);
	if (r < 0)
		return r;
	if (mount(source, fd_path(t, p), type, flags, data) < 0)
		return runtime_error(e, errno, "mount %s", dest);
	return 0;
}

static bool has_user_mount(const ContainerConfig *c, const char *dest) {
	for (size_t i = 0; i < c->n_mounts; i++)
		if (streq(c->mounts[i].destination, dest))
			return true;
	return false;
}

static int mount_cgroups(const ContainerBuild *b, int rootfd, RuntimeError *e) {
	unsigned long ro = b->config->privileged ? 0 : MS_RDONLY;
	unsigned long f = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	_cleanup_close_ int t = -EBADF;
	char p[32];
	int r;

	if (!b->cgroup_v1_layout) {
		/* cgroup2 in our cgroup namespace: the container sees its own cgroup as root. */
		return mount_at(rootfd, "/sys/fs/cgroup", "cgroup2", "cgroup2", f | ro, NULL,
		                STRICT, e);
	}
	r = mount_at(rootfd, "/sys/fs/cgroup", "tmpfs", "tmpfs", f, "mode=755", STRICT, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < b->n_cgroup_mounts; i++) {
		const CgroupMount *m = &b->cgroup_mounts[i];
		char dest[128];
		snprintf(dest, sizeof(dest), "/sys/fs/cgroup/%s", m->name);
		r = mount_at(rootfd, dest, "cgroup", m->fstype, f | ro,
		             m->options[0] ? m->options : NULL, STRICT, e);
		if (r < 0)
			return r;
	}
	r = mount_target(rootfd, "/sys/fs/cgroup", true, STRICT, &t, e);
	if (r < 0)
		return r;
	if (ro && mount(NULL, fd_path(t, p), NULL, MS_REMOUNT | f | ro, "mode=755") < 0)
		return runtime_error(e, errno, "remount /sys/fs/cgroup read-only");
	return 0;
}

int mounts_defaults(const ContainerBuild *b, int rootfd, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	unsigned long nosuid_noexec_nodev = MS_NOSUID | MS_NOEXEC | MS_NODEV;
	_cleanup_close_ int dev = -EBADF;
	int r;

	r = mount_at(rootfd, "/proc", "proc", "proc", nosuid_noexec_nodev, NULL, STRICT, e);
	if (r < 0)
		return r;
	r = mount_at(rootfd, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME,
	             "mode=755,size=65536k", STRICT, e);
	if (r < 0)
		return r;
	dev = openat2_beneath(rootfd, "dev", O_PATH | O_DIRECTORY, IN_ROOT, 0);
	if (dev < 0)
		return runtime_error(e, -dev, "open /dev");
	r = devices_setup(b, dev, e);
	if (r < 0)
		return r;
	r = mount_at(rootfd, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
	             "newinstance,ptmxmode=0666,mode=0620,gid=5", STRICT, e);
	if (r < 0)
		return r;
	if (!has_user_mount(c, "/dev/shm")) {
		r = mount_at(rootfd, "/dev/shm", "shm", "tmpfs", nosuid_noexec_nodev,
		             "mode=1777,size=65536k", STRICT, e);
		if (r < 0)
			return r;
	}
	r = mount_at(rootfd, "/dev/mqueue", "mqueue", "mqueue", nosuid_noexec_nodev, NULL, STRICT,
	             e);
	if (r < 0)
		return r;
	return mount_at(rootfd, "/sys", "sysfs", "sysfs",
	                nosuid_noexec_nodev | (c->privileged ? 0 : MS_RDONLY), NULL, STRICT, e);
}

int mounts_cgroup(const ContainerBuild *b, int rootfd, RuntimeError *e) {
	return mount_cgroups(b, rootfd, e);
}

/* ---- the config's mounts ---- */

/* source/sub_path, never leaving source: RESOLVE_BENEATH refuses "..", absolute symlinks and
 * relative ones that climb out (EXDEV). Missing directories are made, as the kubelet does for
 * subPath, one component at a time under the same rule. */
static int open_sub_path(int base, const char *sub, const char *what, int *ret, RuntimeError *e) {
	const uint64_t beneath = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	int fd = openat2_beneath(base, sub, O_PATH, beneath, 0);
	if (fd == -ENOENT) {
		_cleanup_free_ char *p = strdup(sub);
		if (!p)
			return runtime_error(e, ENOMEM, "subPath");
		for (char *s = p;; s++) {
			if (*s != '/' && *s != 0)
				continue;
			char c = *s;
			*s = 0;
			_cleanup_close_ int parent = -EBADF;
			char *slash = strrchr(p, '/');
			if (slash) {
				*slash = 0;
				parent = openat2_beneath(base, p, O_PATH | O_DIRECTORY, beneath, 0);
				*slash = '/';
			} else
				parent = fcntl(base, F_DUPFD_CLOEXEC, 3);
			if (parent < 0)
				return runtime_error(e, -parent, "%s: subPath \"%s\"", what, sub);
			if (mkdirat(parent, slash ? slash + 1 : p, 0755) < 0 && errno != EEXIST)
				return runtime_error(e, errno, "%s: subPath \"%s\"", what, sub);
			*s = c;
			if (!c)
				break;
		}
		fd = openat2_beneath(base, sub, O_PATH, beneath, 0);
	}
	if (fd == -EXDEV)
		return runtime_error(e, EXDEV, "%s: subPath \"%s\" leaves the volume", what, sub);
	if (fd < 0)
		return runtime_error(e, -fd, "%s: subPath \"%s\"", what, sub);
	*ret = fd;
	return 0;
}

static int mount_bind(const MountSpec *m, int rootfd, RuntimeError *e) {
	_cleanup_close_ int src = -EBADF, tree = -EBADF, target = -EBADF;
	struct stat st;
	int r;

	src = open(m->source, O_PATH | O_CLOEXEC);
	if (src < 0)
		return runtime_error(e, errno, "mount %s: source %s", m->destination, m->source);
	if (m->sub_path) {
		int sub = -EBADF;
		r = open_sub_path(src, m->sub_path, m->destination, &sub, e);
		if (r < 0)
			return r;
		safe_close(src);
		src = sub;
	}
	if (fstat(src, &st) < 0)
		return runtime_error(e, errno, "mount %s: stat source", m->destination);
	tree = open_tree(src, "",
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
	                         (m->recursive ? AT_RECURSIVE : 0));
	if (tree < 0)
		return runtime_error(e, errno, "mount %s: clone %s", m->destination, m->source);
	r = mount_target(rootfd, m->destination, S_ISDIR(st.st_mode), IN_ROOT, &target, e);
	if (r < 0)
		return r;
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return runtime_error(e, errno, "mount %s", m->destination);
	/* Flags on the top mount only (runc; Kubernetes' recursiveReadOnly is not asked for),
	 * propagation on the whole tree. */
	struct mount_attr a = {
		.attr_set = (m->read_only ? MOUNT_ATTR_RDONLY : 0) |
		            (m->nosuid ? MOUNT_ATTR_NOSUID : 0) |
		            (m->nodev ? MOUNT_ATTR_NODEV : 0) | (m->noexec ? MOUNT_ATTR_NOEXEC : 0),
	};
	if (a.attr_set && mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return runtime_error(e, errno, "mount %s: set flags", m->destination);
	struct mount_attr p = {
		.propagation = m->propagation == PROPAGATION_RSHARED  ? MS_SHARED
		               : m->propagation == PROPAGATION_RSLAVE ? MS_SLAVE
		                                                      : MS_PRIVATE,
	};
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &p, sizeof(p)) < 0)
		return runtime_error(e, errno, "mount %s: propagation", m->destination);
	return 0;
}

static int mount_tmpfs(const MountSpec *m, int rootfd, RuntimeError *e) {
	char data[64];
	unsigned long f = (m->read_only ? MS_RDONLY : 0) | (m->nosuid ? MS_NOSUID : 0) |
	                  (m->nodev ? MS_NODEV : 0) | (m->noexec ? MS_NOEXEC : 0);
	int n = snprintf(data, sizeof(data), "mode=%o", m->mode ? m->mode : 01777);
	if (m->size)
		snprintf(data + n, sizeof(data) - (size_t)n, ",size=%llu",
		         (unsigned long long)m->size);
	return mount_at(rootfd, m->destination, "tmpfs", "tmpfs", f, data, IN_ROOT, e);
}

int mounts_user(const ContainerBuild *b, int rootfd, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	for (size_t i = 0; i < c->n_mounts; i++) {
		const MountSpec *m = &c->mounts[i];
		int r = m->type == MOUNT_TMPFS ? mount_tmpfs(m, rootfd, e)
		                               : mount_bind(m, rootfd, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- masked and read-only paths (runc's maskPath / readonlyPath) ---- */

static int mask_one(int rootfd, const char *path, RuntimeError *e) {
	_cleanup_close_ int fd =
	        openat2_beneath(rootfd, relative(path), O_PATH | O_NOFOLLOW, IN_ROOT, 0);
	struct stat st;
	char p[32];

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return runtime_error(e, -fd, "mask %s", path);
	if (fstat(fd, &st) < 0)
		return runtime_error(e, errno, "mask %s", path);
	if (S_ISLNK(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", fd_path(fd, p), "tmpfs",
		          MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0755") < 0)
			return runtime_error(e, errno, "mask %s", path);
	} else if (mount("/dev/null", fd_path(fd, p), NULL, MS_BIND, NULL) < 0)
		return runtime_error(e, errno, "mask %s", path);
	return 0;
}

static int readonly_one(int rootfd, const char *path, RuntimeError *e) {
	_cleanup_close_ int fd =
	        openat2_beneath(rootfd, relative(path), O_PATH | O_NOFOLLOW, IN_ROOT, 0);
	_cleanup_close_ int tree = -EBADF;

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return runtime_error(e, -fd, "read-only %s", path);
	tree = open_tree(fd, "",
	                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return runtime_error(e, errno, "read-only %s", path);
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
		                            MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
		return runtime_error(e, errno, "read-only %s", path);
	if (move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return runtime_error(e, errno, "read-only %s", path);
	return 0;
}

int mounts_masks(const ContainerBuild *b, int rootfd, RuntimeError *e) {
	const ContainerConfig *c = b->config;
	int r;
	STRV_FOREACH (p, c->readonly_paths)
		if ((r = readonly_one(rootfd, *p, e)) < 0)
			return r;
	STRV_FOREACH (p, c->masked_paths)
		if ((r = mask_one(rootfd, *p, e)) < 0)
			return r;
	return 0;
}

/* ---- the host's cgroup hierarchies (parent side) ---- */

static bool v1_option_kept(const char *o) {
	static const char *const ctls[] = { "cpu",        "cpuacct",  "cpuset",  "memory",
		                            "devices",    "freezer",  "net_cls", "blkio",
		                            "perf_event", "net_prio", "hugetlb", "pids",
		                            "rdma",       "misc" };
	if (startswith(o, "name="))
		return true;
	for (size_t i = 0; i < ELEMENTSOF(ctls); i++)
		if (streq(o, ctls[i]))
			return true;
	return false;
}

static void add_cgroup_mount(ContainerBuild *b, const char *mp, const char *fstype,
                             char *superopts) {
	if (b->n_cgroup_mounts >= CONTAINER_MAX_CGROUP_MOUNTS)
		return;
	CgroupMount *m = &b->cgroup_mounts[b->n_cgroup_mounts];
	const char *name = mp + strlen("/sys/fs/cgroup");
	*m = (CgroupMount){};
	if (*name == '/')
		name++;
	if (strchr(name, '/') || strlen(name) >= sizeof(m->name))
		return;
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->fstype, sizeof(m->fstype), "%s", fstype);
	if (streq(fstype, "cgroup")) {
		bool controller = false;
		size_t n = 0;
		for (char *s, *tok = strtok_r(superopts, ",", &s); tok;
		     tok = strtok_r(NULL, ",", &s)) {
			if (!v1_option_kept(tok))
				continue;
			controller = controller || !startswith(tok, "name=");
			n += (size_t)snprintf(m->options + n,
			                      sizeof(m->options) - MIN(n, sizeof(m->options)),
			                      "%s%s", n ? "," : "", tok);
		}
		if (n >= sizeof(m->options))
			return;
		if (!controller) {
			char o[sizeof(m->options)];
			snprintf(o, sizeof(o), "none,%s", m->options);
			memcpy(m->options, o, sizeof(o));
		}
	}
	b->n_cgroup_mounts++;
}

int cgroup_mounts_discover(ContainerBuild *b, RuntimeError *e) {
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t n = 0;

	b->n_cgroup_mounts = 0;
	b->cgroup_v1_layout = false;
	if (!f)
		return runtime_error(e, errno, "open /proc/self/mountinfo");
	while (getline(&line, &n, f) > 0) {
		char mp[512], fstype[8], superopts[512];
		char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mp) != 1 ||
		    sscanf(dash + 3, "%7s %*s %511s", fstype, superopts) != 2)
			continue;
		if (!streq(fstype, "cgroup") && !streq(fstype, "cgroup2"))
			continue;
		if (!startswith(mp, "/sys/fs/cgroup"))
			continue;
		if (streq(mp, "/sys/fs/cgroup")) {
			/* Pure v2: one cgroup2 mount at the top. */
			b->n_cgroup_mounts = 0;
			b->cgroup_v1_layout = false;
			return 0;
		}
		b->cgroup_v1_layout = true;
		add_cgroup_mount(b, mp, fstype, superopts);
	}
	return 0;
}
