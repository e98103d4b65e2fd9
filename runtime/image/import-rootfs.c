/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A rootfs becomes a one-layer image: a tarball is that layer; a directory is first written to a
 * tar in staging (libarchive's read_disk, hard links kept as links, nothing followed), so both
 * take the same verified unpack path and the layer gets a real diff_id.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "archive-dl.h"
#include "fileio.h"
#include "image-internal.h"
#include "image-util.h"

static void archive_read_freep(struct archive **a) {
	if (*a)
		sym_archive_read_free(*a);
}

static void archive_write_freep(struct archive **a) {
	if (*a)
		sym_archive_write_free(*a);
}

static void linkresolver_freep(struct archive_entry_linkresolver **l) {
	if (*l)
		sym_archive_entry_linkresolver_free(*l);
}

static int import_config(const ImageImportOptions *o, char *const *diff_ids, ImportPlan *plan,
                         uint64_t diff_size) {
	ImageConfig cfg = {
		.entrypoint = o->entrypoint,
		.cmd = o->cmd,
		.env = o->env,
		.working_dir = (char *)o->working_dir,
		.user = (char *)o->user,
	};
	int r = oci_build_config(&cfg, diff_ids, &plan->config);
	if (r < 0)
		return r;
	plan->config_size = strlen(plan->config);
	r = img_sha256_buf(plan->config, plan->config_size, plan->config_digest);
	if (r < 0)
		return r;
	r = oci_build_manifest(plan->config_digest, plan->config_size, diff_ids, &diff_size,
	                       &plan->manifest);
	if (r < 0)
		return r;
	plan->manifest_size = strlen(plan->manifest);
	return img_sha256_buf(plan->manifest, plan->manifest_size, plan->manifest_digest);
}

int import_rootfs_source(ImageStore *s, const LayerSource *src, const ImageImportOptions *o,
                         Staging *st, ImportPlan *plan, Diag *diag) {
	_cleanup_free_ char *dest = NULL;
	LayerResult res;
	int r;

	if (asprintf(&dest, "%s/layer-0", st->path) < 0)
		return -ENOMEM;
	if (mkdir(dest, 0755) < 0 || chmod(dest, 0755) < 0)
		return negative_errno();
	r = layer_unpack(src, dest, &o->limits, o->limits.max_image_bytes, "rootfs", &res, diag);
	if (r < 0)
		return r;
	if (res.skipped > 0)
		diag_warning(diag, NULL, "rootfs: %" PRIu64 " device nodes or sockets left out",
		             res.skipped);
	/* the diff_id is known only now: a layer the store has already is dropped at commit */
	r = import_plan_add_layer(plan, res.diff_id, TAKE_PTR(dest));
	if (r < 0)
		return r;
	plan->size = res.unpacked_bytes;
	return import_config(o, plan->diff_ids, plan, res.diff_size);
}

/* "<dir>/a/b" -> "a/b"; NULL for the directory itself. */
static const char *relative_name(const char *full, const char *dir) {
	const char *rel = startswith(full, dir);
	if (!rel)
		return NULL;
	while (*rel == '/')
		rel++;
	return *rel ? rel : NULL;
}

static int copy_entry_data(struct archive *in, struct archive *out, const char *name, Diag *diag) {
	char buf[64 * 1024];
	for (;;) {
		la_ssize_t n = sym_archive_read_data(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0 || sym_archive_write_data(out, buf, (size_t)n) != n) {
			diag_error(diag, NULL, "%s: %s", name,
			           sym_archive_error_string(n < 0 ? in : out) ?: "I/O error");
			return -EIO;
		}
	}
}

/* The same bounds the unpack applies, so a huge tree fails before it is copied to staging. */
static int check_bounds(const char *dir, struct archive_entry *e, const ImageLimits *lim,
                        uint64_t *entries, uint64_t *bytes, Diag *diag) {
	if (++*entries > lim->max_entries) {
		diag_error(diag, NULL, "%s: more than %" PRIu64 " files", dir, lim->max_entries);
		return -E2BIG;
	}
	if (sym_archive_entry_filetype(e) == AE_IFREG && sym_archive_entry_size(e) > 0 &&
	    (*bytes += (uint64_t)sym_archive_entry_size(e)) > lim->max_image_bytes) {
		diag_error(diag, NULL, "%s: larger than the image size limit", dir);
		return -EFBIG;
	}
	return 0;
}

static int write_entries(struct archive *disk, struct archive *w, const char *dir,
                         const ImageLimits *lim, Diag *diag) {
	_cleanup_(linkresolver_freep) struct archive_entry_linkresolver *lr =
	        sym_archive_entry_linkresolver_new();
	struct archive_entry *e = sym_archive_entry_new();
	uint64_t entries = 0, bytes = 0;
	int r = lr && e ? 0 : -ENOMEM;

	if (r >= 0)
		sym_archive_entry_linkresolver_set_strategy(lr, sym_archive_format(w));
	while (r >= 0) {
		struct archive_entry *sparse = NULL, *out;
		sym_archive_entry_clear(e);
		int k = sym_archive_read_next_header2(disk, e);
		if (k == ARCHIVE_EOF)
			break;
		if (k < ARCHIVE_WARN) {
			diag_error(diag, NULL, "%s: %s", dir, sym_archive_error_string(disk));
			r = -EIO;
			break;
		}
		sym_archive_read_disk_descend(disk);
		const char *rel = relative_name(sym_archive_entry_sourcepath(e), dir);
		if (!rel || sym_archive_entry_filetype(e) == AE_IFSOCK)
			continue;
		sym_archive_entry_set_pathname(e, rel);
		out = e;
		sym_archive_entry_linkify(lr, &out, &sparse);
		if (!out)
			continue;
		r = check_bounds(dir, out, lim, &entries, &bytes, diag);
		if (r < 0)
			break;
		if (sym_archive_write_header(w, out) < ARCHIVE_WARN) {
			diag_error(diag, NULL, "%s: %s", rel, sym_archive_error_string(w));
			r = -EIO;
		} else if (sym_archive_entry_size(out) > 0 && !sym_archive_entry_hardlink(out))
			r = copy_entry_data(disk, w, rel, diag);
	}
	sym_archive_entry_free(e);
	return r;
}

int import_rootfs_dir_to_tar(const char *dir, const ImageLimits *lim, Staging *st, char **ret_tar,
                             Diag *diag) {
	_cleanup_(archive_read_freep) struct archive *disk = sym_archive_read_disk_new();
	_cleanup_(archive_write_freep) struct archive *w = sym_archive_write_new();
	_cleanup_free_ char *tar = NULL;
	int r;

	if (!disk || !w || asprintf(&tar, "%s/rootfs.tar", st->path) < 0)
		return -ENOMEM;
	/* symlinks stored as symlinks; no crossing into other mounts (a rootfs with /proc) */
	sym_archive_read_disk_set_symlink_physical(disk);
	sym_archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS |
	                                                 ARCHIVE_READDISK_NO_ACL |
	                                                 ARCHIVE_READDISK_NO_FFLAGS);
	if (sym_archive_read_disk_open(disk, dir) != ARCHIVE_OK) {
		diag_error(diag, NULL, "%s: %s", dir, sym_archive_error_string(disk));
		return -EIO;
	}
	sym_archive_write_set_format_pax_restricted(w);
	if (sym_archive_write_open_filename(w, tar) != ARCHIVE_OK) {
		diag_error(diag, NULL, "%s: %s", tar, sym_archive_error_string(w));
		return -EIO;
	}
	r = write_entries(disk, w, dir, lim, diag);
	if (sym_archive_write_close(w) != ARCHIVE_OK && r >= 0) {
		diag_error(diag, NULL, "%s: %s", tar, sym_archive_error_string(w));
		r = -EIO;
	}
	if (r < 0)
		return r;
	*ret_tar = TAKE_PTR(tar);
	return 0;
}
