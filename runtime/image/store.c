/* SPDX-License-Identifier: Apache-2.0 */
/* The store's directory, its lock and its blobs (layout in image.h). */
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "fileio.h"
#include "image-internal.h"

static const char *const store_dirs[] = { "blobs",         "blobs/sha256", "layers",
	                                  "layers/sha256", "holds",        "tmp" };

int image_store_open(const char *dir, ImageStore **ret, Diag *diag) {
	_cleanup_free_ char *abs = NULL;
	ImageStore *s;
	int r;

	dir = dir ?: IMAGE_DIR_DEFAULT;
	/* 0711: containers' users (and user-namespaced mounts) traverse to the layers, nobody
	 * lists them */
	r = mkdir_p(dir, 0711);
	if (r < 0) {
		diag_error(diag, NULL, "cannot create the image store %s: %s", dir, strerror(-r));
		return r;
	}
	/* layer paths handed to the runtime are absolute, and unpacking moves the cwd */
	if (!(abs = realpath(dir, NULL)))
		return negative_errno();
	if (!(s = calloc(1, sizeof(*s))))
		return -ENOMEM;
	s->dir = TAKE_PTR(abs);
	s->dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dfd < 0) {
		r = negative_errno();
		diag_error(diag, NULL, "cannot open the image store %s: %s", s->dir, strerror(-r));
		image_store_free(s);
		return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(store_dirs); i++)
		if (mkdirat(s->dfd, store_dirs[i], 0711) < 0 && errno != EEXIST) {
			r = negative_errno();
			diag_error(diag, NULL, "cannot create %s/%s: %s", s->dir, store_dirs[i],
			           strerror(-r));
			image_store_free(s);
			return r;
		}
	*ret = s;
	return 0;
}

ImageStore *image_store_free(ImageStore *s) {
	if (!s)
		return NULL;
	safe_close(s->dfd);
	free(s->dir);
	free(s->import_helper);
	free(s);
	return NULL;
}

int image_store_set_import_helper(ImageStore *s, const char *exe) {
	char *e = NULL;

	if (exe && !(e = strdup(exe)))
		return -ENOMEM;
	free(s->import_helper);
	s->import_helper = e;
	return 0;
}

const char *image_store_dir(const ImageStore *s) {
	return s->dir;
}

char *store_path(const ImageStore *s, const char *rel) {
	char *p = NULL;
	if (asprintf(&p, "%s/%s", s->dir, rel) < 0)
		return NULL;
	return p;
}

int store_lock(ImageStore *s, int op, Diag *diag) {
	_cleanup_close_ int fd =
	        openat(s->dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int r = negative_errno();
		diag_error(diag, NULL, "cannot open %s/lock: %s", s->dir, strerror(-r));
		return r;
	}
	while (flock(fd, op) < 0)
		if (errno != EINTR) {
			int r = negative_errno();
			diag_error(diag, NULL, "cannot lock %s/lock: %s", s->dir, strerror(-r));
			return r;
		}
	return TAKE_FD(fd);
}

static int blob_rel(const char *digest, char buf[static 96]) {
	const char *hex = img_digest_hex(digest);
	if (!hex)
		return -EINVAL;
	snprintf(buf, 96, "blobs/sha256/%s", hex);
	return 0;
}

int store_read_blob(ImageStore *s, const char *digest, size_t max, char **ret, size_t *ret_size,
                    Diag *diag) {
	_cleanup_free_ char *data = NULL;
	char rel[96], got[DIGEST_STRING_MAX];
	size_t size;
	int r = blob_rel(digest, rel);

	if (r < 0)
		return r;
	_cleanup_close_ int fd = openat(s->dfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	r = read_full_fd(fd, max, &data, &size);
	if (r >= 0)
		r = img_sha256_buf(data, size, got);
	if (r >= 0 && !streq(got, digest)) {
		diag_error(diag, NULL, "store blob %s is damaged (its content is %s)", digest, got);
		r = -EUCLEAN;
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(data);
	if (ret_size)
		*ret_size = size;
	return 0;
}

int store_write_blob(ImageStore *s, const char *digest, const char *data, size_t size) {
	_cleanup_free_ char *path = NULL;
	char rel[96];
	int r = blob_rel(digest, rel);

	if (r < 0)
		return r;
	if (faccessat(s->dfd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		/* there already; a damaged copy is replaced (the content decides, not the name) */
		_cleanup_free_ char *old = NULL;
		Diag quiet = {};
		r = store_read_blob(s, digest, size, &old, NULL, &quiet);
		diag_clear(&quiet);
		if (r >= 0)
			return 0;
	}
	if (!(path = store_path(s, rel)))
		return -ENOMEM;
	return write_file_atomic(path, data, size, 0644);
}

char *store_layer_path(const ImageStore *s, const char *diff_id) {
	const char *hex = img_digest_hex(diff_id);
	char *p = NULL;
	if (!hex || asprintf(&p, "%s/layers/sha256/%s", s->dir, hex) < 0)
		return NULL;
	return p;
}

bool store_has_layer(const ImageStore *s, const char *diff_id) {
	_cleanup_free_ char *p = store_layer_path(s, diff_id);
	struct stat st;
	return p && lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}
