/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the store: resolve (for the agent), files of an image, users. */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "fileio.h"
#include "image-internal.h"
#include "image-util.h"

void image_info_done(ImageInfo *i) {
	if (!i)
		return;
	free(i->ref);
	free(i->id);
	free(i->manifest_digest);
	strv_free(i->layers);
	free(i->os);
	free(i->architecture);
	image_config_done(&i->config);
	*i = (ImageInfo){};
}

/* Layer directories top first; a layer listed twice is kept at its top position only (the
 * lower copy is entirely covered by the upper one). */
static int layer_dirs(ImageStore *s, char *const *diff_ids, char ***ret, size_t *ret_n,
                      Diag *diag) {
	_cleanup_strv_free_ char **l = NULL;
	_cleanup_strv_free_ char **seen = NULL;
	size_t n = 0, ns = 0, total = strv_length(diff_ids);
	int r;

	if (!(l = calloc(1, sizeof(char *))))
		return -ENOMEM;
	for (size_t i = total; i > 0; i--) {
		const char *d = diff_ids[i - 1];
		if (strv_contains(seen, d))
			continue;
		if ((r = strv_extend_n(&seen, &ns, d)) < 0)
			return r;
		if (!store_has_layer(s, d)) {
			diag_error(diag, NULL,
			           "layer %s is missing from the store: import the image again", d);
			return -EUCLEAN;
		}
		if ((r = strv_consume_n(&l, &n, store_layer_path(s, d))) < 0)
			return r;
	}
	*ret = TAKE_PTR(l);
	*ret_n = n;
	return 0;
}

static int info_from_config(ImageStore *s, const IndexImage *img, ImageInfo *info, Diag *diag) {
	_cleanup_free_ char *data = NULL;
	OciImageConfig c = {};
	size_t size;
	int r = store_read_blob(s, img->id, IMAGE_LIMITS_DEFAULT.max_json_bytes, &data, &size,
	                        diag);

	if (r == -ENOENT) {
		diag_error(diag, NULL, "the config blob of %s is missing from the store", img->ref);
		return -EUCLEAN;
	}
	if (r >= 0 && oci_parse_config(data, size, IMAGE_LIMITS_DEFAULT.max_layers, &c, diag) < 0)
		r = -EUCLEAN;
	if (r < 0)
		return r;
	info->config = c.config;
	c.config = (ImageConfig){};
	info->os = TAKE_PTR(c.os);
	info->architecture = TAKE_PTR(c.architecture);
	oci_image_config_done(&c);
	return 0;
}

static int resolve_once(ImageStore *s, const char *ref_or_id, ImageInfo *ret, Diag *diag) {
	_cleanup_close_ int lock = store_lock(s, LOCK_SH, diag);
	StoreIndex idx = {};
	ImageInfo info = {};
	size_t i;
	int r;

	if (lock < 0)
		return lock;
	r = store_index_load(s, &idx, diag);
	if (r >= 0)
		r = store_index_lookup(&idx, ref_or_id, &i, 1, NULL, diag);
	if (r == 0)
		r = -ENOENT;
	if (r >= 0) {
		const IndexImage *img = &idx.images[i];
		info.ref = strdup(img->ref);
		info.id = strdup(img->id);
		info.manifest_digest = strdup(img->manifest);
		info.size = img->size;
		r = info.ref && info.id && info.manifest_digest ? 0 : -ENOMEM;
		if (r >= 0)
			r = info_from_config(s, img, &info, diag);
		if (r >= 0)
			r = layer_dirs(s, img->layers, &info.layers, &info.n_layers, diag);
	}
	store_index_done(&idx);
	if (r < 0) {
		image_info_done(&info);
		return r;
	}
	*ret = info;
	return 0;
}

static bool names_builtin(const char *ref) {
	_cleanup_free_ char *n = NULL;
	Diag d = {};
	bool b = image_ref_normalize(ref, &n, &d) >= 0 && streq(n, IMAGE_BUILTIN_BUSYBOX_REF);
	diag_clear(&d);
	return b;
}

int image_resolve(ImageStore *s, const char *ref_or_id, unsigned flags, ImageInfo *ret,
                  Diag *diag) {
	Diag quiet = {};
	int r = resolve_once(s, ref_or_id, ret, &quiet);

	if (r == -ENOENT && (flags & IMAGE_RESOLVE_BUILTIN) && names_builtin(ref_or_id)) {
		diag_clear(&quiet);
		r = s->import_helper
		            ? import_builtin_with_helper(s, IMAGE_BUILTIN_BUSYBOX, diag)
		            : image_import_builtin(s, IMAGE_BUILTIN_BUSYBOX, NULL, NULL, diag);
		if (r >= 0)
			r = resolve_once(s, ref_or_id, ret, &quiet);
	}
	if (r == -ENOENT)
		diag_error(diag, NULL, "no image \"%s\" in the store %s", ref_or_id, s->dir);
	else
		diag_merge(diag, &quiet, NULL);
	diag_clear(&quiet);
	return r;
}

static bool is_whiteout(const struct stat *st) {
	return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque(int fd) {
	char v[2];
	ssize_t n = fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v));
	return n == 1 && v[0] == 'y';
}

/* One layer: 1 = found (file read), 0 = look in the next layer, -ENOENT = hidden here. */
static int read_in_layer(const char *layer, const char *path, size_t max, char **ret,
                         size_t *ret_size) {
	_cleanup_free_ char *p = strdup(path);
	_cleanup_close_ int cur = open(layer, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool opaque = false;
	struct stat st;

	if (!p)
		return -ENOMEM;
	if (cur < 0)
		return negative_errno();
	for (char *c = p, *next; c; c = next) {
		next = strchr(c, '/');
		if (next)
			*next++ = 0;
		if (fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT ? (opaque ? -ENOENT : 0) : negative_errno();
		if (is_whiteout(&st))
			return -ENOENT;
		if (!next) {
			if (!S_ISREG(st.st_mode))
				return -ENOENT; /* symlinks are not followed */
			_cleanup_close_ int fd = openat(cur, c, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				return negative_errno();
			int r = read_full_fd(fd, max, ret, ret_size);
			return r < 0 ? r : 1;
		}
		if (!S_ISDIR(st.st_mode))
			return -ENOENT;
		int fd = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return negative_errno();
		safe_close(cur);
		cur = fd;
		opaque = opaque || is_opaque(cur);
	}
	return opaque ? -ENOENT : 0;
}

int image_read_file(char *const *layers, const char *path, size_t max, char **ret,
                    size_t *ret_size) {
	_cleanup_free_ char *clean = NULL;
	int r = layer_clean_path(path, &clean);

	if (r < 0)
		return r == -ENOENT ? -EISDIR : r;
	for (size_t i = 0; layers && layers[i]; i++) {
		r = read_in_layer(layers[i], clean, max, ret, ret_size);
		if (r != 0)
			return r > 0 ? 0 : r;
	}
	return -ENOENT;
}

int image_resolve_user(const ImageInfo *info, const char *user, ImageUser *ret, Diag *diag) {
	_cleanup_free_ char *passwd = NULL, *group = NULL;
	size_t pl = 0, gl = 0;
	int r = image_read_file(info->layers, "etc/passwd", IMAGE_USER_FILE_MAX, &passwd, &pl);

	if (r < 0 && r != -ENOENT) {
		diag_error(diag, "user", "cannot read the image's /etc/passwd: %s", strerror(-r));
		return r;
	}
	r = image_read_file(info->layers, "etc/group", IMAGE_USER_FILE_MAX, &group, &gl);
	if (r < 0 && r != -ENOENT) {
		diag_error(diag, "user", "cannot read the image's /etc/group: %s", strerror(-r));
		return r;
	}
	return image_user_resolve_buf(user, passwd, pl, group, gl, ret, diag);
}
