/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the store's files: layer unpacking, the reference index, staging. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "image.h"
#include "oci.h"

struct archive;
struct archive_entry;

/* --- layer.c: one layer tar (plain, gzip, zstd, xz, bzip2) verified and unpacked */

typedef struct LayerSource {
	int fd; /* read from fd (>= 0), or from memory */
	const void *data;
	size_t size;
	/* the expected blob digest, or NULL: when an unpack fails on corrupted bytes, the digest
	 * mismatch is reported rather than what the garbage made the tar reader say */
	const char *digest;
} LayerSource;

typedef struct LayerResult {
	char blob_digest[DIGEST_STRING_MAX]; /* of the bytes as given */
	char diff_id[DIGEST_STRING_MAX];     /* of the uncompressed tar */
	uint64_t blob_size;
	uint64_t diff_size;      /* uncompressed tar bytes */
	uint64_t unpacked_bytes; /* sum of regular file sizes */
	uint64_t entries;
	uint64_t skipped; /* device nodes and sockets left out */
	int filter;       /* ARCHIVE_FILTER_* of the input */
} LayerResult;

/* gzip, zstd, xz, bzip2: those libarchive decodes itself (never an external program). */
void layer_support_filters(struct archive *a);
/* Unpack into dest (an empty directory; NULL: verify and measure only). At most max_bytes of
 * file data and lim->max_entries entries. what names the layer in messages. */
int layer_unpack(const LayerSource *src, const char *dest, const ImageLimits *lim,
                 uint64_t max_bytes, const char *what, LayerResult *ret, Diag *diag);

/* --- layer-entry.c: the checks and translations of one tar entry */

/* Normalise an entry name to a relative path without "." or ".." components. -EINVAL if it
 * would leave the layer, is empty, or is too long. */
int layer_clean_path(const char *name, char **ret);
/* openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), O_NOFOLLOW|O_CLOEXEC. */
int img_openat_beneath(int dfd, const char *path, int flags);
/* Open a directory beneath dfd without following any symlink (openat2 RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS); with create, missing components are made 0755. */
int layer_open_dir_beneath(int dfd, const char *path, bool create);
/* OCI whiteouts: ".wh..wh..opq" -> opaque parent dir; ".wh.NAME" -> whiteout NAME.
 * Returns 1 when name is a whiteout (ret_target: the path it hides or the opaque dir). */
int layer_whiteout_target(const char *path, char **ret_target, bool *ret_opaque);
/* Translate to overlayfs's form inside the layer directory dfd. */
int layer_make_whiteout(int dfd, const char *target);
int layer_make_opaque(int dfd, const char *dir);
/* Keep only xattrs a container image may carry (user.*, security.capability). */
void layer_filter_xattrs(struct archive_entry *e);
/* A hard link's target must be an existing non-directory of this layer, reached without
 * symlinks. */
int layer_check_hardlink(int dfd, const char *target);

/* --- store.c */

struct ImageStore {
	char *dir;
	int dfd;
	char *import_helper; /* image_store_set_import_helper() */
};

/* "<store>/<rel>" */
char *store_path(const ImageStore *s, const char *rel);
/* flock the store's lock file: LOCK_SH or LOCK_EX. Returns the fd. */
int store_lock(ImageStore *s, int op, Diag *diag);
/* blobs/sha256/<hex> of a digest; -ENOENT when absent. Verified against the digest. */
int store_read_blob(ImageStore *s, const char *digest, size_t max, char **ret, size_t *ret_size,
                    Diag *diag);
int store_write_blob(ImageStore *s, const char *digest, const char *data, size_t size);
char *store_layer_path(const ImageStore *s, const char *diff_id);
bool store_has_layer(const ImageStore *s, const char *diff_id);

/* --- store-index.c: references */

typedef struct IndexImage {
	char *ref;      /* normalised reference, the key */
	char *manifest; /* the digest the source's index.json named: the repo digest */
	char **blobs;   /* every blob of the image but its config: index(es), manifest */
	char *id;       /* config digest */
	char **layers;  /* diff_ids, bottom first */
	uint64_t size;
	int64_t imported;
} IndexImage;

typedef struct StoreIndex {
	IndexImage *images; /* sorted by ref */
	size_t n;
} StoreIndex;

void index_image_done(IndexImage *i);
void store_index_done(StoreIndex *idx);
int store_index_load(ImageStore *s, StoreIndex *ret, Diag *diag);
int store_index_save(ImageStore *s, const StoreIndex *idx, Diag *diag);
/* Insert or replace by ref; takes ownership of *img. ret_old_id: the replaced image's id. */
int store_index_put(StoreIndex *idx, IndexImage *img, char **ret_old_id);
void store_index_drop(StoreIndex *idx, size_t i);
/* Find entries by reference, digest reference, image ID or unique ID prefix (>= 12 hex).
 * Fills up to max indices; returns the count, 0 when nothing matches, -errno on error. */
int store_index_lookup(const StoreIndex *idx, const char *ref_or_id, size_t *ret, size_t max,
                       char **ret_ref, Diag *diag);
bool store_index_uses_layer(const StoreIndex *idx, const char *diff_id);

/* --- staging (import.c) */

typedef struct Staging {
	char *path;
	int dfd; /* flock'ed LOCK_EX while the import runs: gc leaves it alone */
} Staging;

int staging_new(ImageStore *s, const char *prefix, Staging *ret, Diag *diag);
void staging_done(Staging *st);

/* What an import verified and staged, committed under the store lock by import_commit(). */
typedef struct ImportPlan {
	char *manifest;
	size_t manifest_size;
	char manifest_digest[DIGEST_STRING_MAX];
	char *config;
	size_t config_size;
	char config_digest[DIGEST_STRING_MAX];
	char **diff_ids; /* bottom first */
	char **staged;   /* per layer: staging directory, or NULL when the store has it */
	size_t n_layers;
	uint64_t size;
	/* image indexes passed on the way to the manifest, top first (the top one's digest is
	 * the image's repo digest, as for containerd) */
	char **index_digests;
	char **index_data;
	size_t *index_sizes;
	size_t n_index;
} ImportPlan;

void import_plan_done(ImportPlan *p);
int import_plan_add_layer(ImportPlan *p, const char *diff_id, char *staged_dir);
/* Takes data. */
int import_plan_add_index(ImportPlan *p, const char *digest, char *data, size_t size);
/* The repo digest: the top index, else the manifest. */
const char *import_plan_top_digest(const ImportPlan *p);

/* import-oci.c: from an OCI layout directory. */
int import_oci_dir(ImageStore *s, const char *layout, const ImageRef *target, const char *name,
                   const ImageImportOptions *o, Staging *st, ImportPlan *plan, Diag *diag);
/* import-oci.c: is this tar an OCI layout (by its first entries)? */
int oci_tar_is_layout(const char *path, Diag *diag);
int oci_tar_extract(const char *path, Staging *st, const ImageLimits *lim, char **ret_dir,
                    Diag *diag);

/* import-rootfs.c */
int import_rootfs_source(ImageStore *s, const LayerSource *src, const ImageImportOptions *o,
                         Staging *st, ImportPlan *plan, Diag *diag);
int import_rootfs_dir_to_tar(const char *dir, const ImageLimits *lim, Staging *st, char **ret_tar,
                             Diag *diag);

/* oci-build.c: the config and manifest of a single-layer image we make ourselves. */
int oci_build_config(const ImageConfig *cfg, char *const *diff_ids, char **ret);
int oci_build_manifest(const char *config_digest, size_t config_size, char *const *diff_ids,
                       const uint64_t *diff_sizes, char **ret);
const char *img_host_arch(void);

/* gc.c: under the store's LOCK_EX. */
int gc_locked(ImageStore *s, const StoreIndex *idx, ImageGcStats *stats, Diag *diag);

/* import-helper.c: import builtin by running s->import_helper. */
int import_builtin_with_helper(ImageStore *s, const char *builtin, Diag *diag);

/* builtin.c */
int builtin_data(const char *name, const void **ret, size_t *ret_size);
/* After an import: the tarball's pages leave the process's RSS (the agent imports busybox once,
 * then runs for months; 0.9 MB otherwise stays resident). */
void builtin_data_drop(const void *data, size_t size);
