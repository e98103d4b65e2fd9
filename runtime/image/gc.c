/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Removal and garbage collection, under the store's LOCK_EX. Roots: every reference in
 * index.json and every hold (a container's image, kept through `rm` until the container goes).
 * A layer is first renamed out of layers/sha256/ and then deleted, so a crash mid-delete never
 * leaves a partial layer under its digest for a later import to trust.
 */
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "fileio.h"
#include "image-internal.h"
#include "image-util.h"

#define STAGING_GRACE_SECONDS 60 /* a staging dir this young may not be flock'ed yet */
#define HOLDER_MAX 200

typedef struct Live {
	char **blobs;
	size_t n_blobs;
	char **layers;
	size_t n_layers;
} Live;

static void live_done(Live *l) {
	strv_free(l->blobs);
	strv_free(l->layers);
}

static int add_layers(Live *l, char *const *diff_ids) {
	for (size_t i = 0; diff_ids && diff_ids[i]; i++) {
		int r = strv_contains(l->layers, diff_ids[i])
		                ? 0
		                : strv_extend_n(&l->layers, &l->n_layers, diff_ids[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_hold(ImageStore *s, const char *name, char **ret) {
	_cleanup_free_ char *rel = NULL, *data = NULL;
	if (asprintf(&rel, "holds/%s", name) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = openat(s->dfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	int r = read_full_fd(fd, 128, &data, NULL);
	if (r < 0)
		return r;
	data[strcspn(data, "\n")] = 0;
	if (!image_digest_valid(data))
		return -EINVAL;
	*ret = TAKE_PTR(data);
	return 0;
}

/* A held image keeps its config blob and its layers (read from the config). */
static int add_holds(ImageStore *s, Live *l, Diag *diag) {
	_cleanup_close_ int dfd = openat(s->dfd, "holds", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	int r = 0;

	if (!d)
		return dfd < 0 && errno == ENOENT ? 0 : negative_errno();
	dfd = -EBADF;
	for (struct dirent *de; r >= 0 && (de = readdir(d));) {
		_cleanup_free_ char *id = NULL, *data = NULL;
		OciImageConfig c = {};
		size_t size;
		if (de->d_name[0] == '.' || read_hold(s, de->d_name, &id) < 0)
			continue;
		r = strv_extend_n(&l->blobs, &l->n_blobs, id);
		if (r >= 0 &&
		    store_read_blob(s, id, IMAGE_LIMITS_DEFAULT.max_json_bytes, &data, &size,
		                    diag) >= 0 &&
		    oci_parse_config(data, size, IMAGE_LIMITS_DEFAULT.max_layers, &c, diag) >= 0)
			r = add_layers(l, c.diff_ids);
		oci_image_config_done(&c);
	}
	closedir(d);
	return r;
}

static int live_set(ImageStore *s, const StoreIndex *idx, Live *l, Diag *diag) {
	int r = 0;
	for (size_t i = 0; r >= 0 && i < idx->n; i++) {
		r = strv_extend_n(&l->blobs, &l->n_blobs, idx->images[i].manifest);
		for (size_t k = 0; r >= 0 && idx->images[i].blobs && idx->images[i].blobs[k]; k++)
			r = strv_extend_n(&l->blobs, &l->n_blobs, idx->images[i].blobs[k]);
		if (r >= 0)
			r = strv_extend_n(&l->blobs, &l->n_blobs, idx->images[i].id);
		if (r >= 0)
			r = add_layers(l, idx->images[i].layers);
	}
	return r >= 0 ? add_holds(s, l, diag) : r;
}

static bool is_live(char *const *live, const char *hex) {
	char digest[DIGEST_STRING_MAX];
	if (strlen(hex) != 64)
		return false;
	snprintf(digest, sizeof(digest), "sha256:%s", hex);
	return image_digest_valid(digest) && strv_contains(live, digest);
}

static int remove_layer(ImageStore *s, const char *hex) {
	_cleanup_free_ char *from = NULL, *to = NULL;
	if (asprintf(&from, "%s/layers/sha256/%s", s->dir, hex) < 0 ||
	    asprintf(&to, "%s/tmp/gc-%s", s->dir, hex) < 0)
		return -ENOMEM;
	(void)rm_rf(to);
	if (rename(from, to) < 0)
		return rm_rf(from);
	return rm_rf(to);
}

/* Sweep one directory of the store; kind 'b' blobs, 'l' layers, 't' staging. */
static int sweep(ImageStore *s, const char *rel, char kind, const Live *l, ImageGcStats *st) {
	_cleanup_close_ int dfd = openat(s->dfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	int r = 0;

	if (!d)
		return negative_errno();
	dfd = -EBADF;
	for (struct dirent *de; (de = readdir(d));) {
		const char *n = de->d_name;
		if (streq(n, ".") || streq(n, ".."))
			continue;
		if (kind == 'b' && !is_live(l->blobs, n)) {
			if (unlinkat(dirfd(d), n, 0) >= 0)
				st->blobs_removed++;
		} else if (kind == 'l' && !is_live(l->layers, n)) {
			if (remove_layer(s, n) >= 0)
				st->layers_removed++;
		} else if (kind == 't') {
			_cleanup_close_ int fd =
			        openat(dirfd(d), n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			struct stat sb;
			_cleanup_free_ char *p = NULL;
			/* live imports hold LOCK_EX on their staging directory */
			if (fd < 0 || fstat(fd, &sb) < 0 ||
			    (S_ISDIR(sb.st_mode) && !startswith(n, "gc-") &&
			     (time(NULL) - sb.st_mtime < STAGING_GRACE_SECONDS ||
			      flock(fd, LOCK_EX | LOCK_NB) < 0)))
				continue;
			if (asprintf(&p, "%s/%s/%s", s->dir, rel, n) < 0) {
				r = -ENOMEM;
				break;
			}
			if (rm_rf(p) >= 0)
				st->staging_removed++;
		}
	}
	closedir(d);
	return r;
}

int gc_locked(ImageStore *s, const StoreIndex *idx, ImageGcStats *stats, Diag *diag) {
	ImageGcStats st = {};
	Live l = {};
	int r = live_set(s, idx, &l, diag);

	if (r < 0) {
		/* without the full live set nothing may go */
		diag_error(diag, NULL, "garbage collection skipped: %s", strerror(-r));
		live_done(&l);
		return r;
	}
	r = sweep(s, "blobs/sha256", 'b', &l, &st);
	if (r >= 0)
		r = sweep(s, "layers/sha256", 'l', &l, &st);
	if (r >= 0)
		r = sweep(s, "tmp", 't', &l, &st);
	live_done(&l);
	if (stats)
		*stats = st;
	return r;
}

int image_gc(ImageStore *s, ImageGcStats *ret, Diag *diag) {
	_cleanup_close_ int lock = store_lock(s, LOCK_EX, diag);
	StoreIndex idx = {};
	int r;

	if (lock < 0)
		return lock;
	r = store_index_load(s, &idx, diag);
	if (r >= 0)
		r = gc_locked(s, &idx, ret, diag);
	store_index_done(&idx);
	return r;
}

int image_remove(ImageStore *s, const char *ref_or_id, Diag *diag) {
	_cleanup_close_ int lock = store_lock(s, LOCK_EX, diag);
	_cleanup_free_ size_t *found = NULL;
	StoreIndex idx = {};
	int r;

	if (lock < 0)
		return lock;
	r = store_index_load(s, &idx, diag);
	if (r >= 0 && !(found = calloc(idx.n + 1, sizeof(size_t))))
		r = -ENOMEM;
	if (r >= 0)
		r = store_index_lookup(&idx, ref_or_id, found, idx.n, NULL, diag);
	if (r == 0) {
		diag_error(diag, NULL, "no image \"%s\" in the store %s", ref_or_id, s->dir);
		r = -ENOENT;
	}
	if (r > 0) {
		/* an ID or a digest names every reference to it; indices ascend: drop from the end
		 */
		for (size_t k = (size_t)r; k > 0; k--)
			store_index_drop(&idx, found[k - 1]);
		r = store_index_save(s, &idx, diag);
	}
	if (r >= 0)
		(void)gc_locked(s, &idx, NULL, diag);
	store_index_done(&idx);
	return r < 0 ? r : 0;
}

static bool holder_valid(const char *h) {
	size_t n = h ? strlen(h) : 0;
	if (n == 0 || n > HOLDER_MAX || h[0] == '.')
		return false;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

int image_hold(ImageStore *s, const char *holder, const char *image_id, Diag *diag) {
	_cleanup_close_ int lock = -EBADF;
	_cleanup_free_ char *path = NULL, *data = NULL;
	int r;

	if (!holder_valid(holder) || !image_digest_valid(image_id)) {
		diag_error(diag, NULL, "invalid hold \"%s\" on \"%s\"", strempty(holder),
		           strempty(image_id));
		return -EINVAL;
	}
	lock = store_lock(s, LOCK_EX, diag);
	if (lock < 0)
		return lock;
	r = store_read_blob(s, image_id, IMAGE_LIMITS_DEFAULT.max_json_bytes, &data, NULL, diag);
	if (r < 0) {
		if (r == -ENOENT)
			diag_error(diag, NULL, "no image %s in the store", image_id);
		return r;
	}
	if (asprintf(&path, "%s/holds/%s", s->dir, holder) < 0)
		return -ENOMEM;
	return write_file_atomic(path, image_id, strlen(image_id), 0644);
}

int image_release(ImageStore *s, const char *holder) {
	_cleanup_free_ char *rel = NULL;
	if (!holder_valid(holder))
		return -EINVAL;
	if (asprintf(&rel, "holds/%s", holder) < 0)
		return -ENOMEM;
	if (unlinkat(s->dfd, rel, 0) < 0 && errno != ENOENT)
		return negative_errno();
	return 0;
}
