/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Import: verify and unpack into a staging directory of the store's tmp/ without holding the
 * store lock (a big image does not block `ls` or the agent), then commit under LOCK_EX: blobs
 * written, staged layers renamed into layers/sha256/, the reference written to index.json.
 * Renames are atomic, so a layer directory under its digest is always complete.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "archive-dl.h"
#include "fileio.h"
#include "image-internal.h"
#include "image-util.h"

int staging_new(ImageStore *s, const char *prefix, Staging *ret, Diag *diag) {
	Staging st = { .dfd = -EBADF };
	int r;

	if (asprintf(&st.path, "%s/tmp/%s-XXXXXX", s->dir, prefix) < 0)
		return -ENOMEM;
	if (!mkdtemp(st.path)) {
		r = negative_errno();
		diag_error(diag, NULL, "cannot create a staging directory in %s/tmp: %s", s->dir,
		           strerror(-r));
		free(st.path);
		return r;
	}
	st.dfd = open(st.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st.dfd < 0 || flock(st.dfd, LOCK_EX | LOCK_NB) < 0) {
		r = negative_errno();
		staging_done(&st);
		return r;
	}
	*ret = st;
	return 0;
}

void staging_done(Staging *st) {
	if (st->path)
		(void)rm_rf(st->path);
	safe_close(st->dfd);
	free(st->path);
	*st = (Staging){ .dfd = -EBADF };
}

void import_plan_done(ImportPlan *p) {
	free(p->manifest);
	free(p->config);
	for (size_t i = 0; i < p->n_layers; i++) {
		free(p->diff_ids[i]);
		free(p->staged[i]);
	}
	free(p->diff_ids);
	free(p->staged);
	for (size_t i = 0; i < p->n_index; i++) {
		free(p->index_digests[i]);
		free(p->index_data[i]);
	}
	free(p->index_digests);
	free(p->index_data);
	free(p->index_sizes);
	*p = (ImportPlan){};
}

int import_plan_add_index(ImportPlan *p, const char *digest, char *data, size_t size) {
	char **d = realloc(p->index_digests, (p->n_index + 2) * sizeof(char *));
	if (d)
		p->index_digests = d;
	char **b = realloc(p->index_data, (p->n_index + 1) * sizeof(char *));
	if (b)
		p->index_data = b;
	size_t *z = realloc(p->index_sizes, (p->n_index + 1) * sizeof(size_t));
	if (z)
		p->index_sizes = z;
	if (!d || !b || !z || !(d[p->n_index] = strdup(digest))) {
		free(data);
		return -ENOMEM;
	}
	b[p->n_index] = data;
	z[p->n_index++] = size;
	d[p->n_index] = NULL; /* a string vector */
	return 0;
}

const char *import_plan_top_digest(const ImportPlan *p) {
	return p->n_index > 0 ? p->index_digests[0] : p->manifest_digest;
}

int import_plan_add_layer(ImportPlan *p, const char *diff_id, char *staged_dir) {
	char **d = realloc(p->diff_ids, (p->n_layers + 2) * sizeof(char *));
	if (d)
		p->diff_ids = d;
	char **s = realloc(p->staged, (p->n_layers + 2) * sizeof(char *));
	if (s)
		p->staged = s;
	if (!d || !s || !(d[p->n_layers] = strdup(diff_id))) {
		free(staged_dir);
		return -ENOMEM;
	}
	s[p->n_layers] = staged_dir;
	p->n_layers++;
	d[p->n_layers] = s[p->n_layers] = NULL;
	return 0;
}

void image_import_result_done(ImageImportResult *r) {
	if (!r)
		return;
	free(r->ref);
	free(r->id);
	free(r->manifest_digest);
	free(r->replaced_id);
	*r = (ImageImportResult){};
}

static int commit_layers(ImageStore *s, ImportPlan *p, size_t *n_new, Diag *diag) {
	for (size_t i = 0; i < p->n_layers; i++) {
		_cleanup_free_ char *target = store_layer_path(s, p->diff_ids[i]);
		if (!target)
			return -ENOMEM;
		if (store_has_layer(s, p->diff_ids[i]))
			continue; /* the staged copy goes with the staging directory */
		if (!p->staged[i]) {
			/* it was in the store when the import began; gc removed it since */
			diag_error(diag, NULL,
			           "layer %s was removed during the import; import again",
			           p->diff_ids[i]);
			return -EAGAIN;
		}
		if (rename(p->staged[i], target) < 0) {
			int r = negative_errno();
			diag_error(diag, NULL, "cannot move layer %s into the store: %s",
			           p->diff_ids[i], strerror(-r));
			return r;
		}
		(*n_new)++;
	}
	return 0;
}

static int import_commit(ImageStore *s, const char *ref, ImportPlan *p, ImageImportResult *res,
                         Diag *diag) {
	_cleanup_close_ int lock = store_lock(s, LOCK_EX, diag);
	StoreIndex idx = {};
	IndexImage img = {};
	int r;

	if (lock < 0)
		return lock;
	r = store_write_blob(s, p->manifest_digest, p->manifest, p->manifest_size);
	for (size_t i = 0; r >= 0 && i < p->n_index; i++)
		r = store_write_blob(s, p->index_digests[i], p->index_data[i], p->index_sizes[i]);
	if (r >= 0)
		r = store_write_blob(s, p->config_digest, p->config, p->config_size);
	if (r < 0) {
		diag_error(diag, NULL, "cannot write blobs to %s: %s", s->dir, strerror(-r));
		return r;
	}
	r = commit_layers(s, p, &res->n_layers_new, diag);
	if (r >= 0)
		r = store_index_load(s, &idx, diag);
	if (r >= 0) {
		img.ref = strdup(ref);
		img.manifest = strdup(import_plan_top_digest(p));
		img.id = strdup(p->config_digest);
		img.size = p->size;
		img.imported = (int64_t)time(NULL);
		r = img.ref && img.manifest && img.id ? strv_copy(p->diff_ids, &img.layers)
		                                      : -ENOMEM;
	}
	if (r >= 0)
		r = strv_copy(p->index_digests, &img.blobs);
	if (r >= 0) {
		size_t n = p->n_index;
		r = strv_extend_n(&img.blobs, &n, p->manifest_digest);
	}
	if (r >= 0)
		r = store_index_put(&idx, &img, &res->replaced_id);
	if (r >= 0)
		r = store_index_save(s, &idx, diag);
	/* the image the reference named before may now be garbage */
	if (r >= 0 && res->replaced_id) {
		Diag gcd = {};
		(void)gc_locked(s, &idx, NULL, &gcd);
		diag_clear(&gcd);
	}
	index_image_done(&img);
	store_index_done(&idx);
	return r;
}

static int parse_target(const char *name, ImageRef *ret, Diag *diag) {
	int r = image_ref_parse(name, ret, diag);
	if (r < 0)
		return r;
	if (ret->digest) {
		diag_error(diag, NULL, "import names an image NAME[:TAG], not a digest (\"%s\")",
		           name);
		image_ref_done(ret);
		return -EINVAL;
	}
	return 0;
}

static int import_file(ImageStore *s, const char *name, const char *path, const ImageRef *target,
                       const ImageImportOptions *o, Staging *st, ImportPlan *plan, Diag *diag) {
	ImageSourceKind kind = o->kind;
	_cleanup_free_ char *layout = NULL;
	int r;

	if (kind == IMAGE_SOURCE_AUTO) {
		r = oci_tar_is_layout(path, diag);
		if (r < 0)
			return r;
		kind = r > 0 ? IMAGE_SOURCE_OCI : IMAGE_SOURCE_ROOTFS;
	}
	if (kind == IMAGE_SOURCE_OCI) {
		r = oci_tar_extract(path, st, &o->limits, &layout, diag);
		if (r < 0)
			return r;
		return import_oci_dir(s, layout, target, name, o, st, plan, diag);
	}
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = negative_errno();
		diag_error(diag, NULL, "cannot open %s: %s", path, strerror(-r));
		return r;
	}
	return import_rootfs_source(s, &(LayerSource){ .fd = fd }, o, st, plan, diag);
}

static int import_dir(ImageStore *s, const char *name, const char *path, const ImageRef *target,
                      const ImageImportOptions *o, Staging *st, ImportPlan *plan, Diag *diag) {
	_cleanup_free_ char *layout = NULL, *tar = NULL;
	ImageSourceKind kind = o->kind;
	struct stat st_layout;
	int r;

	if (asprintf(&layout, "%s/oci-layout", path) < 0)
		return -ENOMEM;
	if (kind == IMAGE_SOURCE_AUTO)
		kind = lstat(layout, &st_layout) == 0 ? IMAGE_SOURCE_OCI : IMAGE_SOURCE_ROOTFS;
	if (kind == IMAGE_SOURCE_OCI)
		return import_oci_dir(s, path, target, name, o, st, plan, diag);
	r = import_rootfs_dir_to_tar(path, &o->limits, st, &tar, diag);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = open(tar, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	(void)unlink(tar); /* read through the fd; frees the space as soon as we are done */
	return import_rootfs_source(s, &(LayerSource){ .fd = fd }, o, st, plan, diag);
}

static int fill_result(const char *ref, const ImportPlan *p, ImageImportResult *res) {
	res->ref = strdup(ref);
	res->id = strdup(p->config_digest);
	res->manifest_digest = strdup(import_plan_top_digest(p));
	res->n_layers = p->n_layers;
	res->size = p->size;
	return res->ref && res->id && res->manifest_digest ? 0 : -ENOMEM;
}

/* Shared by image_import() and image_import_builtin(): stage with fn, then commit. */
typedef int (*StageFn)(ImageStore *s, const char *name, const char *path, const ImageRef *target,
                       const ImageImportOptions *o, Staging *st, ImportPlan *plan, Diag *diag);

static int import_with(ImageStore *s, const char *name, const char *path, StageFn fn,
                       const ImageImportOptions *o, ImageImportResult *ret, Diag *diag) {
	_cleanup_free_ char *ref = NULL;
	ImageImportResult res = {};
	ImageRef target = {};
	ImportPlan plan = {};
	Staging st = { .dfd = -EBADF };
	bool archive = false;
	int r = parse_target(name, &target, diag);

	if (r < 0)
		return r;
	if (!(ref = image_ref_string(&target)))
		r = -ENOMEM;
	/* libarchive for this import only: the agent imports once (the builtin busybox) and then
	 * runs for months; unloaded after, it and its dependencies leave the agent's RSS */
	if (r >= 0)
		archive = (r = img_archive_acquire(diag)) >= 0;
	if (r >= 0)
		r = staging_new(s, "import", &st, diag);
	if (r >= 0)
		r = fn(s, name, path, &target, o, &st, &plan, diag);
	if (r >= 0)
		r = import_commit(s, ref, &plan, &res, diag);
	if (r >= 0)
		r = fill_result(ref, &plan, &res);
	import_plan_done(&plan);
	staging_done(&st);
	image_ref_done(&target);
	if (archive)
		img_archive_release();
	if (r < 0) {
		image_import_result_done(&res);
		return r;
	}
	if (ret)
		*ret = res;
	else
		image_import_result_done(&res);
	return 0;
}

static int stage_path(ImageStore *s, const char *name, const char *path, const ImageRef *target,
                      const ImageImportOptions *o, Staging *st, ImportPlan *plan, Diag *diag) {
	struct stat sb;
	if (stat(path, &sb) < 0) {
		int r = negative_errno();
		diag_error(diag, NULL, "%s: %s", path, strerror(-r));
		return r;
	}
	if (S_ISDIR(sb.st_mode))
		return import_dir(s, name, path, target, o, st, plan, diag);
	if (S_ISREG(sb.st_mode))
		return import_file(s, name, path, target, o, st, plan, diag);
	diag_error(diag, NULL, "%s: not a directory, a tarball or an OCI layout", path);
	return -EINVAL;
}

int image_import(ImageStore *s, const char *name, const char *path, const ImageImportOptions *o,
                 ImageImportResult *ret, Diag *diag) {
	ImageImportOptions def = IMAGE_IMPORT_OPTIONS_DEFAULT;
	Diag first = {};
	/* a layer the store had when the import began was collected before the commit: once more */
	int r = import_with(s, name, path, stage_path, o ?: &def, ret, &first);
	if (r == -EAGAIN) {
		diag_clear(&first);
		r = import_with(s, name, path, stage_path, o ?: &def, ret, &first);
	}
	diag_merge(diag, &first, NULL);
	return r;
}

static int stage_builtin(ImageStore *s, const char *name, const char *builtin,
                         const ImageRef *target, const ImageImportOptions *o, Staging *st,
                         ImportPlan *plan, Diag *diag) {
	const void *data;
	size_t size;
	int r = builtin_data(builtin, &data, &size);
	if (r < 0) {
		diag_error(diag, NULL,
		           "no builtin image \"%s\" (builtin: " IMAGE_BUILTIN_BUSYBOX ")", builtin);
		return r;
	}
	r = import_rootfs_source(s, &(LayerSource){ .fd = -EBADF, .data = data, .size = size }, o,
	                         st, plan, diag);
	builtin_data_drop(data, size);
	return r;
}

int image_import_builtin(ImageStore *s, const char *builtin, const char *name,
                         ImageImportResult *ret, Diag *diag) {
	/* Docker Hub's busybox: Cmd ["sh"] and the standard PATH */
	ImageImportOptions o = IMAGE_IMPORT_OPTIONS_DEFAULT;
	o.kind = IMAGE_SOURCE_ROOTFS;
	o.cmd = (char *[]){ (char *)"sh", NULL };
	o.env = (char *[]){ (char *)IMAGE_DEFAULT_PATH, NULL };
	return import_with(s, name ?: IMAGE_BUILTIN_BUSYBOX_REF, builtin, stage_builtin, &o, ret,
	                   diag);
}
