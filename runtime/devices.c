/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /dev inside the container (a tmpfs already mounted): runc's default device nodes and links.
 * Root in the initial user namespace may mknod, which is cheaper than bind-mounting the host's
 * nodes one by one. A privileged container gets a copy of every host device node instead
 * (containerd's WithDevices(HostDevices) for privileged pods); the device cgroup then allows
 * all of them.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "container.h"
#include "util.h"

static const struct {
	const char *name;
	unsigned major, minor;
} default_devices[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },    { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *target, *name;
} default_links[] = {
	{ "/proc/self/fd", "fd" },       { "/proc/self/fd/0", "stdin" },
	{ "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
	{ "pts/ptmx", "ptmx" },          { "/proc/kcore", "core" },
};

/* Copy host /dev (recursively, without pts, shm, mqueue and links) into devfd. */
static int copy_host_devices(int hostfd, int devfd, unsigned depth, RuntimeError *e) {
	DIR *d = fdopendir(hostfd);
	int r = 0;

	if (!d) {
		close(hostfd);
		return runtime_error(e, errno, "read host /dev");
	}
	for (struct dirent *de; (de = readdir(d)) && r >= 0;) {
		struct stat st;
		if (de->d_name[0] == '.' ||
		    (depth == 0 && (streq(de->d_name, "pts") || streq(de->d_name, "shm") ||
		                    streq(de->d_name, "mqueue"))))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 4) {
			if (mkdirat(devfd, de->d_name, st.st_mode & 07777) < 0 && errno != EEXIST)
				continue;
			int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			int dsub = openat(devfd, de->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (sub >= 0 && dsub >= 0)
				r = copy_host_devices(sub, dsub, depth + 1, e);
			else if (sub >= 0)
				close(sub);
			safe_close(dsub);
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
			if (mknodat(devfd, de->d_name, st.st_mode, st.st_rdev) < 0 &&
			    errno != EEXIST)
				r = runtime_error(e, errno, "mknod /dev/%s", de->d_name);
			else
				(void)!fchownat(devfd, de->d_name, st.st_uid, st.st_gid,
				                AT_SYMLINK_NOFOLLOW);
		}
	}
	closedir(d);
	return r;
}

int devices_setup(const ContainerBuild *b, int devfd, RuntimeError *e) {
	for (size_t i = 0; i < ELEMENTSOF(default_devices); i++)
		if (mknodat(devfd, default_devices[i].name, S_IFCHR | 0666,
		            makedev(default_devices[i].major, default_devices[i].minor)) < 0)
			return runtime_error(e, errno, "mknod /dev/%s", default_devices[i].name);
	for (size_t i = 0; i < ELEMENTSOF(default_links); i++)
		if (symlinkat(default_links[i].target, devfd, default_links[i].name) < 0)
			return runtime_error(e, errno, "symlink /dev/%s", default_links[i].name);
	if (mkdirat(devfd, "pts", 0755) < 0 || mkdirat(devfd, "shm", 01777) < 0 ||
	    mkdirat(devfd, "mqueue", 0755) < 0)
		return runtime_error(e, errno, "mkdir in /dev");
	if (b->config->privileged) {
		int host = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (host < 0)
			return runtime_error(e, errno, "open host /dev");
		int d = fcntl(devfd, F_DUPFD_CLOEXEC, 3);
		if (d < 0) {
			close(host);
			return runtime_error(e, errno, "dup");
		}
		int r = copy_host_devices(host, d, 0, e);
		close(d);
		return r;
	}
	return 0;
}
