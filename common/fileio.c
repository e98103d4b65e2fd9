/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "fileio.h"
#include "macro.h"

int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size) {
	_cleanup_free_ char *buf = NULL;
	size_t size = 0, alloc = 0;

	for (;;) {
		if (size + 1 >= alloc) {
			size_t n = alloc ? alloc * 2 : 4096;
			if (n > max_size + 2)
				n = max_size + 2;
			if (n <= alloc)
				return -EFBIG;
			char *b = realloc(buf, n);
			if (!b)
				return -ENOMEM;
			buf = b;
			alloc = n;
		}
		ssize_t k = read(fd, buf + size, alloc - size - 1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (k == 0)
			break;
		size += (size_t)k;
		if (size > max_size)
			return -EFBIG;
	}
	if (!buf && !(buf = calloc(1, 1)))
		return -ENOMEM;
	buf[size] = 0;
	*ret = TAKE_PTR(buf);
	if (ret_size)
		*ret_size = size;
	return 0;
}

int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_size) {
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size)
		return -EFBIG;
	return read_full_fd(fd, max_size, ret, ret_size);
}

_hot_ int fd_write_all(int fd, const void *data, size_t size) {
	const char *p = data;
	while (size > 0) {
		ssize_t k = write(fd, p, size);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		p += k;
		size -= (size_t)k;
	}
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode) {
	_cleanup_free_ char *tmp = NULL;
	int r;

	if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	r = fd_write_all(fd, data, size);
	if (r >= 0 && fchmod(fd, mode) < 0)
		r = negative_errno();
	if (r >= 0 && rename(tmp, path) < 0)
		r = negative_errno();
	if (r < 0)
		(void)unlink(tmp);
	return r;
}

int write_string_file(const char *path, const char *s) {
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return negative_errno();
	size_t l = strlen(s);
	ssize_t k = write(fd, s, l);
	if (k < 0)
		return negative_errno();
	return (size_t)k == l ? 0 : -EIO;
}

int mkdir_p(const char *path, mode_t mode) {
	_cleanup_free_ char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != 0)
			continue;
		char c = *s;
		*s = 0;
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return negative_errno();
		*s = c;
		if (!c)
			break;
	}
	return 0;
}

static int rm_rf_at(int dfd, dev_t dev) {
	_cleanup_close_ int own = dfd;
	DIR *d = fdopendir(own);
	int r = 0;

	if (!d)
		return negative_errno();
	own = -EBADF; /* the DIR owns it now */
	for (struct dirent *de; (de = readdir(d));) {
		struct stat st;
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != dev) { /* a mount point: never cross it */
				r = -EBUSY;
				continue;
			}
			int sub = openat(dirfd(d), de->d_name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0) {
				int k = rm_rf_at(sub, dev);
				if (k < 0 && r == 0)
					r = k;
			}
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && r == 0)
				r = negative_errno();
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && r == 0)
			r = negative_errno();
	}
	closedir(d);
	return r;
}

int rm_rf(const char *path) {
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : negative_errno();
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? negative_errno() : 0;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	int r = rm_rf_at(fd, st.st_dev);
	if (rmdir(path) < 0 && r == 0)
		r = negative_errno();
	return r;
}
