/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An OCI image layout (as umoci and `skopeo copy ... oci:DIR:TAG` write it): oci-layout,
 * index.json, blobs/sha256/<hex>. The manifest is picked by its ref.name annotation (or is the
 * only one); an image index inside is resolved to this host's platform. Every blob is checked
 * against its descriptor's size and digest, every layer against the config's diff_id.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "archive-dl.h"
#include "fileio.h"
#include "image-internal.h"
#include "image-util.h"

#define NESTED_INDEX_MAX 2
#define LAYOUT_SNIFF_ENTRIES 64
#define SMALL_FILE_MAX (64u << 10)

static int open_blob(int ldfd, const OciDescriptor *d, struct stat *st, Diag *diag) {
	char rel[96];
	int fd, r;

	snprintf(rel, sizeof(rel), "blobs/sha256/%s", img_digest_hex(d->digest));
	fd = img_openat_beneath(ldfd, rel, O_RDONLY);
	if (fd < 0) {
		diag_error(diag, NULL, "blob %s: %s", d->digest,
		           fd == -ENOENT ? "missing from the layout" : strerror(-fd));
		return fd == -ELOOP ? -EINVAL : fd;
	}
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		r = S_ISREG(st->st_mode) ? negative_errno() : -EINVAL;
		diag_error(diag, NULL, "blob %s: not a regular file", d->digest);
		safe_close(fd);
		return r;
	}
	if ((uint64_t)st->st_size != (uint64_t)d->size) {
		diag_error(diag, NULL, "blob %s: %" PRIu64 " bytes, its descriptor says %" PRId64,
		           d->digest, (uint64_t)st->st_size, d->size);
		safe_close(fd);
		return -EBADMSG;
	}
	return fd;
}

/* A JSON blob: size bounded, digest verified. */
static int read_blob(int ldfd, const OciDescriptor *d, size_t max, char **ret, size_t *ret_size,
                     Diag *diag) {
	_cleanup_free_ char *data = NULL;
	char got[DIGEST_STRING_MAX];
	struct stat st;
	size_t size;
	int r;

	if ((uint64_t)d->size > max) {
		diag_error(diag, NULL, "blob %s: %" PRId64 " bytes, more than the %zu allowed",
		           d->digest, d->size, max);
		return -EFBIG;
	}
	_cleanup_close_ int fd = open_blob(ldfd, d, &st, diag);
	if (fd < 0)
		return fd;
	r = read_full_fd(fd, max, &data, &size);
	if (r >= 0)
		r = img_sha256_buf(data, size, got);
	if (r < 0)
		return r;
	if (!streq(got, d->digest)) {
		diag_error(diag, NULL, "blob %s does not match its digest (its content is %s)",
		           d->digest, got);
		return -EBADMSG;
	}
	*ret = TAKE_PTR(data);
	*ret_size = size;
	return 0;
}

static int read_layout_index(int ldfd, const ImageLimits *lim, OciIndex *ret, Diag *diag) {
	_cleanup_free_ char *layout = NULL, *index = NULL;
	size_t size;
	int r;

	_cleanup_close_ int lfd = img_openat_beneath(ldfd, "oci-layout", O_RDONLY);
	_cleanup_close_ int ifd = img_openat_beneath(ldfd, "index.json", O_RDONLY);
	if (lfd < 0 || ifd < 0) {
		diag_error(diag, NULL, "not an OCI image layout: no %s",
		           lfd < 0 ? "oci-layout" : "index.json");
		return -EINVAL;
	}
	r = read_full_fd(lfd, SMALL_FILE_MAX, &layout, &size);
	if (r >= 0)
		r = oci_parse_layout(layout, size, diag);
	if (r >= 0)
		r = read_full_fd(ifd, lim->max_json_bytes, &index, &size);
	if (r == -EFBIG)
		diag_error(diag, NULL, "index.json: larger than %zu bytes", lim->max_json_bytes);
	if (r >= 0)
		r = oci_parse_index(index, size, lim->max_layout_manifests, ret, diag);
	return r;
}

static void list_refs(const OciIndex *idx, Diag *diag, const char *why) {
	_cleanup_free_ char *names = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&names, &len);
	for (size_t i = 0; f && i < idx->n_manifests && i < 20; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", idx->manifests[i].ref_name ?: "(no name)");
	if (f)
		fclose(f);
	diag_error(diag, NULL, "%s; the layout has: %s (choose with --oci-ref)", why,
	           strempty(names));
}

static bool platform_fits(const OciDescriptor *d) {
	return !d->os || (streq(d->os, "linux") && streq_ptr(d->architecture, img_host_arch()));
}

/* By ref.name (--oci-ref, else the target's tag or name), else the only one; among manifests
 * of the same name, the one for this platform. */
static int pick_manifest(const OciIndex *idx, const ImageImportOptions *o, const ImageRef *target,
                         const char *name, const OciDescriptor **ret, Diag *diag) {
	_cleanup_free_ char *full = image_ref_string(target);
	const OciDescriptor *found = NULL;

	if (idx->n_manifests == 0) {
		diag_error(diag, NULL, "the layout's index.json lists no image");
		return -ENOENT;
	}
	for (size_t i = 0; i < idx->n_manifests; i++) {
		const char *rn = idx->manifests[i].ref_name;
		if (o->oci_ref ? streq_ptr(rn, o->oci_ref)
		               : rn && (streq_ptr(rn, target->tag) || streq(rn, name) ||
		                        streq_ptr(rn, full))) {
			if (!found || (!platform_fits(found) && platform_fits(&idx->manifests[i])))
				found = &idx->manifests[i];
		}
	}
	if (!found && !o->oci_ref && idx->n_manifests == 1)
		found = &idx->manifests[0];
	if (found) {
		*ret = found;
		return 0;
	}
	list_refs(idx, diag,
	          o->oci_ref ? "no image with that org.opencontainers.image.ref.name"
	                     : "the layout holds several images and none is named like the target");
	return -ENOENT;
}

/* A multi-platform index: this host's linux/<arch>. */
static int pick_platform(const OciIndex *idx, const OciDescriptor **ret, Diag *diag) {
	for (size_t i = 0; i < idx->n_manifests; i++)
		if (streq_ptr(idx->manifests[i].os, "linux") &&
		    streq_ptr(idx->manifests[i].architecture, img_host_arch()) &&
		    oci_media_kind(idx->manifests[i].media_type) == OCI_KIND_MANIFEST) {
			*ret = &idx->manifests[i];
			return 0;
		}
	diag_error(diag, NULL, "the image index has no manifest for linux/%s", img_host_arch());
	return -ENOENT;
}

/* Follow the descriptor to an image manifest, through at most NESTED_INDEX_MAX indexes. */
static int resolve_manifest(int ldfd, const OciDescriptor *d, const ImageLimits *lim,
                            ImportPlan *plan, OciManifest *ret, Diag *diag) {
	OciIndex nested[NESTED_INDEX_MAX] = {};
	size_t depth = 0;
	int r = 0;

	for (;;) {
		OciMediaKind kind = oci_media_kind(d->media_type);
		free(plan->manifest);
		plan->manifest = NULL;
		r = read_blob(ldfd, d, lim->max_json_bytes, &plan->manifest, &plan->manifest_size,
		              diag);
		if (r < 0)
			break;
		if (kind == OCI_KIND_MANIFEST) {
			snprintf(plan->manifest_digest, DIGEST_STRING_MAX, "%s", d->digest);
			r = oci_parse_manifest(plan->manifest, plan->manifest_size, lim->max_layers,
			                       ret, diag);
			break;
		}
		if (kind != OCI_KIND_INDEX || depth == NESTED_INDEX_MAX) {
			diag_error(diag, NULL, "%s: media type \"%s\" is not an image manifest",
			           d->digest, d->media_type);
			r = -EMEDIUMTYPE;
			break;
		}
		r = import_plan_add_index(plan, d->digest, TAKE_PTR(plan->manifest),
		                          plan->manifest_size);
		if (r >= 0)
			r = oci_parse_index(plan->index_data[plan->n_index - 1],
			                    plan->index_sizes[plan->n_index - 1],
			                    lim->max_layout_manifests, &nested[depth], diag);
		if (r >= 0)
			r = pick_platform(&nested[depth], &d, diag);
		depth++;
		if (r < 0)
			break;
	}
	for (size_t i = 0; i < NESTED_INDEX_MAX; i++)
		oci_index_done(&nested[i]);
	return r;
}

static int check_config(const OciManifest *m, const OciImageConfig *c, Diag *diag) {
	if (m->n_layers != c->n_diff_ids) {
		diag_error(diag, NULL, "the manifest has %zu layers, the config %zu diff_ids",
		           m->n_layers, c->n_diff_ids);
		return -EBADMSG;
	}
	if (c->os && !streq(c->os, "linux")) {
		diag_error(diag, NULL, "image for os \"%s\", not linux", c->os);
		return -ENOEXEC;
	}
	if (c->architecture && !streq(c->architecture, img_host_arch()))
		diag_warning(diag, NULL, "image for %s, this node is %s: its programs may not run",
		             c->architecture, img_host_arch());
	return 0;
}

static bool plan_has(const ImportPlan *p, const char *diff_id) {
	for (size_t i = 0; i < p->n_layers; i++)
		if (streq(p->diff_ids[i], diff_id))
			return true;
	return false;
}

static int import_layer(ImageStore *s, int ldfd, const OciDescriptor *d, const char *diff_id,
                        size_t i, const ImageLimits *lim, Staging *st, ImportPlan *plan,
                        Diag *diag) {
	_cleanup_free_ char *dest = NULL, *what = NULL;
	bool have = store_has_layer(s, diff_id) || plan_has(plan, diff_id);
	LayerResult res;
	struct stat sb;
	int r;

	if (oci_media_kind(d->media_type) != OCI_KIND_LAYER) {
		diag_error(diag, NULL, "layer %zu: unsupported media type \"%s\"", i,
		           d->media_type);
		return -EMEDIUMTYPE;
	}
	if (asprintf(&what, "layer %zu (%s)", i, d->digest) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = open_blob(ldfd, d, &sb, diag);
	if (fd < 0)
		return fd;
	if (!have) {
		if (asprintf(&dest, "%s/layer-%zu", st->path, i) < 0)
			return -ENOMEM;
		if (mkdir(dest, 0755) < 0 || chmod(dest, 0755) < 0)
			return negative_errno();
	}
	/* a layer the store has is still read whole: its blob and diff_id are verified */
	r = layer_unpack(&(LayerSource){ .fd = fd, .digest = d->digest }, dest, lim,
	                 lim->max_image_bytes - plan->size, what, &res, diag);
	if (r < 0)
		return r;
	if (!streq(res.blob_digest, d->digest)) {
		diag_error(diag, NULL, "%s: blob does not match its digest (its content is %s)",
		           what, res.blob_digest);
		return -EBADMSG;
	}
	if (!streq(res.diff_id, diff_id)) {
		diag_error(diag, NULL,
		           "%s: uncompressed content %s does not match the config's "
		           "diff_id %s",
		           what, res.diff_id, diff_id);
		return -EBADMSG;
	}
	if (res.skipped > 0)
		diag_warning(diag, NULL, "%s: %" PRIu64 " device nodes or sockets left out", what,
		             res.skipped);
	if (!plan_has(plan, diff_id))
		plan->size += res.unpacked_bytes;
	return import_plan_add_layer(plan, diff_id, TAKE_PTR(dest));
}

int import_oci_dir(ImageStore *s, const char *layout, const ImageRef *target, const char *name,
                   const ImageImportOptions *o, Staging *st, ImportPlan *plan, Diag *diag) {
	const ImageLimits *lim = &o->limits;
	const OciDescriptor *d = NULL;
	OciIndex idx = {};
	OciManifest m = {};
	OciImageConfig c = {};
	int r;

	_cleanup_close_ int ldfd = open(layout, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ldfd < 0)
		return negative_errno();
	r = read_layout_index(ldfd, lim, &idx, diag);
	if (r >= 0)
		r = pick_manifest(&idx, o, target, name, &d, diag);
	if (r >= 0)
		r = resolve_manifest(ldfd, d, lim, plan, &m, diag);
	if (r >= 0 && oci_media_kind(m.config.media_type) != OCI_KIND_CONFIG) {
		diag_error(diag, NULL, "config: unsupported media type \"%s\"",
		           m.config.media_type);
		r = -EMEDIUMTYPE;
	}
	if (r >= 0)
		r = read_blob(ldfd, &m.config, lim->max_json_bytes, &plan->config,
		              &plan->config_size, diag);
	if (r >= 0) {
		snprintf(plan->config_digest, DIGEST_STRING_MAX, "%s", m.config.digest);
		r = oci_parse_config(plan->config, plan->config_size, lim->max_layers, &c, diag);
	}
	if (r >= 0)
		r = check_config(&m, &c, diag);
	for (size_t i = 0; r >= 0 && i < m.n_layers; i++)
		r = import_layer(s, ldfd, &m.layers[i], c.diff_ids[i], i, lim, st, plan, diag);
	oci_image_config_done(&c);
	oci_manifest_done(&m);
	oci_index_done(&idx);
	return r;
}

/* --- a layout packed in a tar */

static struct archive *open_tar(const char *path, Diag *diag) {
	struct archive *a = sym_archive_read_new();
	if (!a)
		return NULL;
	layer_support_filters(a);
	sym_archive_read_support_format_tar(a);
	if (sym_archive_read_open_filename(a, path, 256 * 1024) != ARCHIVE_OK) {
		diag_error(diag, NULL, "%s: not a tar archive: %s", path,
		           sym_archive_error_string(a));
		sym_archive_read_free(a);
		return NULL;
	}
	return a;
}

static bool is_layout_file(const char *clean) {
	const char *hex = startswith(clean, "blobs/sha256/");
	if (hex) {
		char digest[DIGEST_STRING_MAX];
		snprintf(digest, sizeof(digest), "sha256:%s", hex);
		return strlen(hex) == 64 && image_digest_valid(digest);
	}
	return streq(clean, "oci-layout") || streq(clean, "index.json");
}

int oci_tar_is_layout(const char *path, Diag *diag) {
	struct archive *a = open_tar(path, diag);
	struct archive_entry *e;
	int found = 0;

	if (!a)
		return -EINVAL;
	for (int i = 0; i < LAYOUT_SNIFF_ENTRIES && !found; i++) {
		_cleanup_free_ char *clean = NULL;
		if (sym_archive_read_next_header(a, &e) < ARCHIVE_WARN)
			break;
		if (sym_archive_entry_pathname(e) &&
		    layer_clean_path(sym_archive_entry_pathname(e), &clean) >= 0)
			found = is_layout_file(clean) || streq(clean, "blobs/sha256");
	}
	sym_archive_read_free(a);
	return found;
}

static int extract_file(struct archive *a, int dfd, const char *clean, Diag *diag) {
	char buf[64 * 1024];
	_cleanup_close_ int fd =
	        openat(dfd, clean, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		int r = negative_errno();
		diag_error(diag, NULL, "layout tar: %s: %s", clean,
		           r == -EEXIST ? "appears twice" : strerror(-r));
		return r;
	}
	for (;;) {
		la_ssize_t n = sym_archive_read_data(a, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			diag_error(diag, NULL, "layout tar: %s: %s", clean,
			           sym_archive_error_string(a));
			return -EBADMSG;
		}
		for (la_ssize_t off = 0; off < n;) {
			ssize_t k = write(fd, buf + off, (size_t)(n - off));
			if (k < 0)
				return negative_errno();
			off += k;
		}
	}
}

static int extract_entries(struct archive *a, int dfd, const ImageLimits *lim, Diag *diag) {
	struct archive_entry *e;
	uint64_t bytes = 0, entries = 0;
	int r;

	for (;;) {
		_cleanup_free_ char *clean = NULL;
		r = sym_archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			diag_error(diag, NULL, "layout tar: %s", sym_archive_error_string(a));
			return -EBADMSG;
		}
		if (++entries > lim->max_entries) {
			diag_error(diag, NULL, "layout tar: too many entries");
			return -E2BIG;
		}
		/* only the layout's own files, as regular files; anything else is ignored */
		if (sym_archive_entry_filetype(e) != AE_IFREG || sym_archive_entry_hardlink(e) ||
		    !sym_archive_entry_pathname(e) ||
		    layer_clean_path(sym_archive_entry_pathname(e), &clean) < 0 ||
		    !is_layout_file(clean))
			continue;
		if (sym_archive_entry_size(e) < 0 ||
		    (bytes += (uint64_t)sym_archive_entry_size(e)) > lim->max_layout_bytes) {
			diag_error(diag, NULL, "layout tar: larger than the limit");
			return -EFBIG;
		}
		r = extract_file(a, dfd, clean, diag);
		if (r < 0)
			return r;
	}
}

int oci_tar_extract(const char *path, Staging *st, const ImageLimits *lim, char **ret_dir,
                    Diag *diag) {
	_cleanup_free_ char *dir = NULL;
	struct archive *a;
	int r;

	if (asprintf(&dir, "%s/layout", st->path) < 0)
		return -ENOMEM;
	if (mkdirat(st->dfd, "layout", 0700) < 0 || mkdirat(st->dfd, "layout/blobs", 0700) < 0 ||
	    mkdirat(st->dfd, "layout/blobs/sha256", 0700) < 0)
		return negative_errno();
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return negative_errno();
	if (!(a = open_tar(path, diag)))
		return -EINVAL;
	r = extract_entries(a, dfd, lim, diag);
	sym_archive_read_free(a);
	if (r < 0)
		return r;
	*ret_dir = TAKE_PTR(dir);
	return 0;
}
