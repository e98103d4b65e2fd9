/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One tar entry of a layer: its name made safe, OCI whiteouts translated to overlayfs's form,
 * xattrs filtered, hard links confined. libarchive's secure flags (no "..", no absolute names,
 * no extraction through symlinks) run as well; these checks make the layer's confinement not
 * depend on them alone, and cover what they do not (whiteouts we create ourselves).
 *
 * Why overlayfs's form and not a flattened rootfs: each layer is unpacked once and shared by
 * every image that has it, and the runtime stacks the layers as overlayfs lower directories.
 * overlayfs reads a whiteout as a character device 0/0 and an opaque directory by the
 * "trusted.overlay.opaque" xattr ("user.overlay.opaque" when mounted with userxattr in a user
 * namespace: we set both).
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "archive-dl.h"
#include "image-internal.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define NAME_MAX_BYTES 255

int layer_clean_path(const char *name, char **ret) {
	size_t len = strlen(name);
	_cleanup_free_ char *out = NULL;
	size_t n = 0;

	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	if (!(out = malloc(len + 1)))
		return -ENOMEM;
	for (const char *p = name; *p;) {
		const char *slash = strchr(p, '/');
		size_t cl = slash ? (size_t)(slash - p) : strlen(p);
		if (cl == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (cl > NAME_MAX_BYTES)
			return -ENAMETOOLONG;
		if (cl > 0 && !(cl == 1 && p[0] == '.')) {
			if (n > 0)
				out[n++] = '/';
			memcpy(out + n, p, cl);
			n += cl;
		}
		p += cl + (slash ? 1 : 0);
	}
	out[n] = 0;
	if (n == 0)
		return -ENOENT; /* the layer's root itself */
	*ret = TAKE_PTR(out);
	return 0;
}

/* Without openat2 (kernels before 5.6, valgrind): one component at a time, none of them a
 * symlink, none "..". Slower, and equivalent for the paths of a store nobody else writes. */
static int openat_walk(int dfd, const char *path, int flags) {
	_cleanup_free_ char *p = strdup(path);
	_cleanup_close_ int cur = -EBADF;

	if (!p)
		return -ENOMEM;
	if (p[0] == '/')
		return -EXDEV;
	cur = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return negative_errno();
	for (char *c = p, *next; c; c = next) {
		next = strchr(c, '/');
		if (next)
			*next++ = 0;
		if (streq(c, ".."))
			return -EXDEV;
		if (streq(c, "") || (streq(c, ".") && next))
			continue;
		int fd = openat(cur, c,
		                (next ? O_RDONLY | O_DIRECTORY : flags) | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return errno == ENOTDIR && next ? -ELOOP : negative_errno();
		safe_close(cur);
		cur = fd;
	}
	return TAKE_FD(cur);
}

int img_openat_beneath(int dfd, const char *path, int flags) {
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		return openat_walk(dfd, path, flags);
	return fd < 0 ? negative_errno() : (int)fd;
}

int layer_open_dir_beneath(int dfd, const char *path, bool create) {
	_cleanup_free_ char *p = NULL;
	_cleanup_close_ int cur = -EBADF;

	if (!create || isempty(path))
		return img_openat_beneath(dfd, isempty(path) ? "." : path, O_RDONLY | O_DIRECTORY);
	if (!(p = strdup(path)))
		return -ENOMEM;
	cur = img_openat_beneath(dfd, ".", O_RDONLY | O_DIRECTORY);
	if (cur < 0)
		return cur;
	/* one component at a time: each is a real directory of this layer, never a symlink */
	for (char *c = p, *next; c && *c; c = next) {
		next = strchr(c, '/');
		if (next)
			*next++ = 0;
		if (mkdirat(cur, c, 0755) < 0 && errno != EEXIST)
			return negative_errno();
		int fd = img_openat_beneath(cur, c, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			return fd;
		safe_close(cur);
		cur = fd;
	}
	return TAKE_FD(cur);
}

int layer_whiteout_target(const char *path, char **ret_target, bool *ret_opaque) {
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dirlen = slash ? (size_t)(slash - path) : 0;
	char *t;

	if (!startswith(base, WHITEOUT_PREFIX))
		return 0;
	if (streq(base, WHITEOUT_OPAQUE)) {
		t = strndup(path, dirlen); /* "" for the layer root */
		*ret_opaque = true;
	} else {
		const char *hidden = base + strlen(WHITEOUT_PREFIX);
		/* ".wh..wh.*" other than .opq are aufs bookkeeping: no meaning for OCI */
		if (startswith(hidden, WHITEOUT_PREFIX) || isempty(hidden) || streq(hidden, ".") ||
		    streq(hidden, ".."))
			return -EINVAL;
		if (asprintf(&t, "%.*s%s%s", (int)dirlen, path, slash ? "/" : "", hidden) < 0)
			t = NULL;
		*ret_opaque = false;
	}
	if (!t)
		return -ENOMEM;
	*ret_target = t;
	return 1;
}

int layer_make_whiteout(int dfd, const char *target) {
	const char *slash = strrchr(target, '/');
	_cleanup_free_ char *parent = slash ? strndup(target, (size_t)(slash - target)) : NULL;
	_cleanup_close_ int pfd = -EBADF;

	if (slash && !parent)
		return -ENOMEM;
	pfd = layer_open_dir_beneath(dfd, parent, true);
	if (pfd < 0)
		return pfd;
	/* an entry of this layer already has the name: a whiteout only hides lower layers */
	if (mknodat(pfd, slash ? slash + 1 : target, S_IFCHR | 0, makedev(0, 0)) < 0 &&
	    errno != EEXIST)
		return negative_errno();
	return 0;
}

int layer_make_opaque(int dfd, const char *dir) {
	_cleanup_close_ int fd = layer_open_dir_beneath(dfd, dir, true);
	if (fd < 0)
		return fd;
	if (fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0)
		return negative_errno();
	/* best effort: only for overlayfs mounted with userxattr (in a user namespace) */
	(void)fsetxattr(fd, "user.overlay.opaque", "y", 1, 0);
	return 0;
}

static bool xattr_allowed(const char *name) {
	/* trusted.overlay.* would steer overlayfs (redirects, metacopy, opaque) from an image;
	 * security.* other than file capabilities belongs to the host's LSM. */
	return (startswith(name, "user.") && !startswith(name, "user.overlay.")) ||
	       streq(name, "security.capability");
}

void layer_filter_xattrs(struct archive_entry *e) {
	struct {
		char *name;
		void *value;
		size_t size;
	} keep[64];
	size_t n = 0;
	const char *name;
	const void *value;
	size_t size;

	if (sym_archive_entry_xattr_reset(e) == 0)
		return;
	while (sym_archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
		if (xattr_allowed(name) && n < ELEMENTSOF(keep) && size <= 65536) {
			keep[n].name = strdup(name);
			keep[n].value = malloc(size ? size : 1);
			if (!keep[n].name || !keep[n].value) {
				free(keep[n].name);
				free(keep[n].value);
				continue;
			}
			memcpy(keep[n].value, value, size);
			keep[n++].size = size;
		}
	sym_archive_entry_xattr_clear(e);
	for (size_t i = 0; i < n; i++) {
		sym_archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value, keep[i].size);
		free(keep[i].name);
		free(keep[i].value);
	}
}

int layer_check_hardlink(int dfd, const char *target) {
	const char *slash = strrchr(target, '/');
	_cleanup_free_ char *parent = slash ? strndup(target, (size_t)(slash - target)) : NULL;
	_cleanup_close_ int pfd = -EBADF;
	struct stat st;

	if (slash && !parent)
		return -ENOMEM;
	pfd = layer_open_dir_beneath(dfd, parent, false);
	if (pfd < 0)
		return pfd;
	if (fstatat(pfd, slash ? slash + 1 : target, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return negative_errno();
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return 0;
}
