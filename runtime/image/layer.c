/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One layer in one pass: the input bytes are hashed (the blob digest) as libarchive decompresses
 * them, the decompressed stream is hashed (the diff_id) as a second libarchive reader parses it
 * as tar, and entries are written with libarchive's write_disk and its secure flags. Nothing
 * trusts the digests until the whole stream has been read: the caller unpacks into staging and
 * renames into the store only when both digests match.
 *
 * write_disk resolves entry names against the current directory, and its secure flags refuse
 * absolute names, so the unpack runs with the cwd in the layer directory and restores it after.
 * The umask is 022 meanwhile, so directories libarchive creates implicitly are searchable by a
 * container's non-root users. skiff's CLI and agent are single-threaded where they import.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>

#include "archive-dl.h"
#include "image-internal.h"

#define BUF_SIZE (256 * 1024)
#define TRAILING_MAX (16u << 20) /* data allowed after the tar's end-of-archive blocks */

typedef struct Unpack {
	const LayerSource *src;
	size_t mem_pos;
	ImgSha256 *blob_hash, *diff_hash;
	uint64_t blob_size, diff_size, diff_max;
	struct archive *outer, *inner, *disk;
	int dfd;
	char *buf_src, *buf_diff;
	int error; /* -errno from a callback, with its message in diag */
	const char *what;
	Diag *diag;
	LayerResult *res;
	uint64_t max_bytes, max_entries;
} Unpack;

static la_ssize_t src_read(struct archive *a, void *userdata, const void **buf) {
	Unpack *u = userdata;
	ssize_t n;

	if (u->src->fd >= 0) {
		do
			n = read(u->src->fd, u->buf_src, BUF_SIZE);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			u->error = negative_errno();
			sym_archive_set_error(a, errno, "read failed");
			return -1;
		}
		*buf = u->buf_src;
	} else {
		n = (ssize_t)MIN((size_t)BUF_SIZE, u->src->size - u->mem_pos);
		*buf = (const char *)u->src->data + u->mem_pos;
		u->mem_pos += (size_t)n;
	}
	if (n > 0 && img_sha256_update(u->blob_hash, *buf, (size_t)n) < 0) {
		u->error = -EIO;
		return -1;
	}
	u->blob_size += (uint64_t)n;
	return n;
}

static la_ssize_t diff_read(struct archive *a, void *userdata, const void **buf) {
	Unpack *u = userdata;
	la_ssize_t n = sym_archive_read_data(u->outer, u->buf_diff, BUF_SIZE);

	if (n < 0) {
		if (!u->error) {
			diag_error(u->diag, u->what, "decompression failed: %s",
			           sym_archive_error_string(u->outer));
			u->error = -EBADMSG;
		}
		sym_archive_set_error(a, EIO, "decompression failed");
		return -1;
	}
	u->diff_size += (uint64_t)n;
	if (u->diff_size > u->diff_max) {
		diag_error(u->diag, u->what, "uncompressed layer larger than the limit");
		u->error = -EFBIG;
		sym_archive_set_error(a, EFBIG, "too large");
		return -1;
	}
	if (n > 0 && img_sha256_update(u->diff_hash, u->buf_diff, (size_t)n) < 0) {
		u->error = -EIO;
		return -1;
	}
	*buf = u->buf_diff;
	return n;
}

void layer_support_filters(struct archive *a) {
	int (*const filters[])(struct archive *) = {
		sym_archive_read_support_filter_gzip,
		sym_archive_read_support_filter_zstd,
		sym_archive_read_support_filter_xz,
		sym_archive_read_support_filter_bzip2,
	};
	/* Only what libarchive does with a library: where it would run an external program instead
	 * (ARCHIVE_WARN), the filter is left out. */
	for (size_t i = 0; i < ELEMENTSOF(filters); i++) {
		struct archive *probe = sym_archive_read_new();
		bool native = probe && filters[i](probe) == ARCHIVE_OK;
		if (probe)
			sym_archive_read_free(probe);
		if (native)
			(void)filters[i](a);
	}
}

static int open_readers(Unpack *u) {
	struct archive_entry *e;

	u->outer = sym_archive_read_new();
	u->inner = sym_archive_read_new();
	if (!u->outer || !u->inner)
		return -ENOMEM;
	layer_support_filters(u->outer);
	sym_archive_read_support_format_raw(u->outer);
	sym_archive_read_support_format_tar(u->inner);
	if (sym_archive_read_open(u->outer, u, NULL, src_read, NULL) != ARCHIVE_OK ||
	    sym_archive_read_next_header(u->outer, &e) != ARCHIVE_OK) {
		if (!u->error)
			diag_error(u->diag, u->what, "not a tar archive: %s",
			           sym_archive_error_string(u->outer) ?: "empty input");
		return u->error ?: -EBADMSG;
	}
	u->res->filter = sym_archive_filter_code(u->outer, 0);
	if (sym_archive_read_open(u->inner, u, NULL, diff_read, NULL) != ARCHIVE_OK) {
		if (!u->error)
			diag_error(u->diag, u->what, "not a tar archive: %s",
			           sym_archive_error_string(u->inner) ?: "unknown format");
		return u->error ?: -EBADMSG;
	}
	return 0;
}

static int fail_entry(Unpack *u, const char *name, int err, const char *why) {
	diag_error(u->diag, u->what, "entry \"%.200s\": %s", name, why);
	return err;
}

static int copy_data(Unpack *u, const char *name) {
	for (;;) {
		const void *buf;
		size_t size;
		la_int64_t offset;
		int r = sym_archive_read_data_block(u->inner, &buf, &size, &offset);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return fail_entry(u, name, u->error ?: -EBADMSG,
			                  sym_archive_error_string(u->inner));
		if (sym_archive_write_data_block(u->disk, buf, size, offset) < ARCHIVE_WARN)
			return fail_entry(u, name, -EIO, sym_archive_error_string(u->disk));
	}
}

static int skip_data(Unpack *u, const char *name) {
	if (sym_archive_read_data_skip(u->inner) < ARCHIVE_WARN)
		return fail_entry(u, name, u->error ?: -EBADMSG,
		                  sym_archive_error_string(u->inner));
	return 0;
}

static int apply_whiteout(Unpack *u, const char *name, const char *target, bool opaque) {
	int r;
	if (!u->disk)
		return skip_data(u, name);
	r = opaque ? layer_make_opaque(u->dfd, target) : layer_make_whiteout(u->dfd, target);
	if (r == -EPERM)
		return fail_entry(u, name, r,
		                  "whiteouts need root (CAP_MKNOD, trusted.* xattrs) to unpack");
	if (r < 0)
		return fail_entry(u, name, r,
		                  "cannot make the overlayfs whiteout (path leaves the "
		                  "layer or crosses a symlink)");
	return skip_data(u, name);
}

/* Checks by entry type; returns 1 when the entry is to be left out. */
static int check_entry(Unpack *u, struct archive_entry *e, const char *clean) {
	const char *link = sym_archive_entry_hardlink(e);
	_cleanup_free_ char *target = NULL;
	int r;

	if (link) {
		r = layer_clean_path(link, &target);
		if (r < 0)
			return fail_entry(u, clean, -EINVAL, "hard link target leaves the layer");
		if (u->disk && layer_check_hardlink(u->dfd, target) < 0)
			return fail_entry(u, clean, -EINVAL,
			                  "hard link target is not an earlier file of this layer");
		sym_archive_entry_set_hardlink(e, target);
		return 0;
	}
	switch (sym_archive_entry_filetype(e)) {
	case AE_IFREG:
		if (sym_archive_entry_size(e) < 0 ||
		    (uint64_t)sym_archive_entry_size(e) > u->max_bytes - u->res->unpacked_bytes)
			return fail_entry(u, clean, -EFBIG,
			                  "the image is larger than the size limit");
		u->res->unpacked_bytes += (uint64_t)sym_archive_entry_size(e);
		return 0;
	case AE_IFLNK:
		if (!sym_archive_entry_symlink(e) ||
		    strlen(sym_archive_entry_symlink(e)) >= PATH_MAX)
			return fail_entry(u, clean, -EINVAL, "bad symlink target");
		return 0;
	case AE_IFDIR:
	case AE_IFIFO:
		return 0;
	default:
		/* device nodes: a container's /dev is the runtime's; elsewhere they would be a way
		 * around the device policy. Sockets cannot be unpacked. */
		u->res->skipped++;
		return 1;
	}
}

static int handle_entry(Unpack *u, struct archive_entry *e) {
	const char *name = sym_archive_entry_pathname(e);
	_cleanup_free_ char *clean = NULL, *target = NULL;
	bool opaque = false;
	int r;

	if (!name)
		return fail_entry(u, "?", -EINVAL, "name is not valid in the archive's encoding");
	r = layer_clean_path(name, &clean);
	if (r == -ENOENT)
		return skip_data(u, name); /* the root: the layer directory keeps its own mode */
	if (r < 0)
		return fail_entry(u, name, r,
		                  r == -ENAMETOOLONG ? "name too long" : "path leaves the layer");
	r = layer_whiteout_target(clean, &target, &opaque);
	if (r < 0)
		return fail_entry(u, name, r, "invalid whiteout name");
	if (r > 0)
		return apply_whiteout(u, name, target, opaque);
	r = check_entry(u, e, clean);
	if (r < 0)
		return r;
	if (r > 0 || !u->disk)
		return skip_data(u, name);

	sym_archive_entry_set_pathname(e, clean);
	layer_filter_xattrs(e);
	if (sym_archive_write_header(u->disk, e) < ARCHIVE_WARN)
		return fail_entry(u, name, -EIO, sym_archive_error_string(u->disk));
	if (sym_archive_entry_size(e) > 0) {
		r = copy_data(u, name);
		if (r < 0)
			return r;
	}
	if (sym_archive_write_finish_entry(u->disk) < ARCHIVE_WARN)
		return fail_entry(u, name, -EIO, sym_archive_error_string(u->disk));
	return 0;
}

static int read_entries(Unpack *u) {
	struct archive_entry *e;
	int r;

	for (;;) {
		r = sym_archive_read_next_header(u->inner, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			if (!u->error)
				diag_error(u->diag, u->what, "invalid tar archive: %s",
				           sym_archive_error_string(u->inner));
			return u->error ?: -EBADMSG;
		}
		if (++u->res->entries > u->max_entries) {
			diag_error(u->diag, u->what, "more than %" PRIu64 " entries",
			           u->max_entries);
			return -E2BIG;
		}
		r = handle_entry(u, e);
		if (r < 0)
			return r;
	}
}

/* Hash what the tar reader left: end-of-archive padding, then the input's last bytes. */
static int drain(Unpack *u) {
	const void *buf;
	uint64_t trailing = 0;
	la_ssize_t n;

	while ((n = diff_read(u->inner, u, &buf)) > 0)
		if ((trailing += (uint64_t)n) > TRAILING_MAX) {
			diag_error(u->diag, u->what, "data after the end of the tar archive");
			return -EBADMSG;
		}
	if (n < 0)
		return u->error ?: -EBADMSG;
	while ((n = src_read(u->outer, u, &buf)) > 0)
		;
	return n < 0 ? (u->error ?: -EIO) : 0;
}

static int make_writer(Unpack *u) {
	/* No ARCHIVE_EXTRACT_UNLINK: with it, libarchive replaces a symlink in an entry's path by a
	 * directory instead of refusing the entry. A file in the way is still replaced (unlink +
	 * O_EXCL create), never rewritten in place through a hard link. */
	int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
	            ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	/* numeric ids from the tar (no host name lookups); owners only as root */
	if (geteuid() == 0)
		flags |= ARCHIVE_EXTRACT_OWNER;
	u->disk = sym_archive_write_disk_new();
	if (!u->disk)
		return -ENOMEM;
	sym_archive_write_disk_set_options(u->disk, flags);
	return 0;
}

static void unpack_free(Unpack *u) {
	if (u->inner)
		sym_archive_read_free(u->inner);
	if (u->outer)
		sym_archive_read_free(u->outer);
	if (u->disk)
		sym_archive_write_free(u->disk);
	img_sha256_free(u->blob_hash);
	img_sha256_free(u->diff_hash);
	free(u->buf_src);
	free(u->buf_diff);
	safe_close(u->dfd);
}

static int run(Unpack *u, const char *dest) {
	_cleanup_close_ int saved_cwd = -EBADF;
	mode_t saved_umask = 0;
	int r;

	r = open_readers(u);
	if (r < 0 || !dest)
		return r < 0 ? r : read_entries(u);
	u->dfd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	saved_cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (u->dfd < 0 || saved_cwd < 0)
		return negative_errno();
	r = make_writer(u);
	if (r < 0)
		return r;
	if (fchdir(u->dfd) < 0)
		return negative_errno();
	saved_umask = umask(022);
	r = read_entries(u);
	/* directory modes and times are fixed up at close, still relative to the layer */
	if (sym_archive_write_close(u->disk) < ARCHIVE_WARN && r >= 0) {
		diag_error(u->diag, u->what, "%s", sym_archive_error_string(u->disk));
		r = -EIO;
	}
	umask(saved_umask);
	if (fchdir(saved_cwd) < 0 && r >= 0)
		r = negative_errno();
	return r;
}

/* After a failure: was the input corrupted? Then that is the error to report. */
static int check_corruption(Unpack *u, int r, Diag *diag) {
	char got[DIGEST_STRING_MAX];
	const void *buf;

	if (!u->src->digest || !u->blob_hash || !u->outer)
		return r;
	while (src_read(u->outer, u, &buf) > 0)
		;
	if (u->error || img_sha256_final(u->blob_hash, got) < 0 || streq(got, u->src->digest))
		return r;
	diag_clear(u->diag);
	diag_error(diag, u->what, "blob does not match its digest (its content is %s)", got);
	return -EBADMSG;
}

int layer_unpack(const LayerSource *src, const char *dest, const ImageLimits *lim,
                 uint64_t max_bytes, const char *what, LayerResult *ret, Diag *diag) {
	LayerResult res = {};
	Diag local = {};
	Unpack u = { .src = src,
		     .what = what,
		     .diag = &local,
		     .res = &res,
		     .dfd = -EBADF,
		     .max_bytes = max_bytes,
		     .max_entries = lim->max_entries };
	int r;

	/* an import holds libarchive already; this reference is for callers outside one */
	r = img_archive_acquire(diag);
	if (r < 0)
		return r;
	/* a bound on the decompressed stream: file data plus generous tar overhead */
	u.diff_max = max_bytes + lim->max_entries * 2048 + TRAILING_MAX;
	u.buf_src = malloc(BUF_SIZE);
	u.buf_diff = malloc(BUF_SIZE);
	r = u.buf_src && u.buf_diff ? 0 : -ENOMEM;
	if (r >= 0)
		r = img_sha256_new(&u.blob_hash);
	if (r >= 0)
		r = img_sha256_new(&u.diff_hash);
	if (r >= 0)
		r = run(&u, dest);
	if (r >= 0)
		r = drain(&u);
	if (r >= 0)
		r = img_sha256_final(u.blob_hash, res.blob_digest);
	if (r >= 0)
		r = img_sha256_final(u.diff_hash, res.diff_id);
	if (r < 0)
		r = check_corruption(&u, r, diag);
	diag_merge(diag, &local, NULL);
	res.blob_size = u.blob_size;
	res.diff_size = u.diff_size;
	unpack_free(&u);
	img_archive_release();
	if (r < 0)
		return r;
	*ret = res;
	return 0;
}
