/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The local image store: import (rootfs directory or tarball, OCI image layout as a directory or
 * a tar, the embedded busybox), list, remove with garbage collection, inspect, and the resolver
 * the agent uses to turn a Pod's image reference into overlayfs lower directories and an image
 * config.
 *
 * On disk (under the image directory, default /var/lib/skiff/images):
 *   lock                        flock(2): LOCK_SH to read, LOCK_EX to change
 *   index.json                  references -> image (repo digest, config digest, layers),
 *                               replaced atomically (temp + rename)
 *   blobs/sha256/<hex>          image indexes, manifests and configs, verified by digest
 *   layers/sha256/<diff_id>/    one unpacked layer per diff_id, shared by every image using it;
 *                               OCI whiteouts translated to overlayfs's form (see layer.c)
 *   holds/<holder>              an image ID kept alive by a user (a container) after `rm`
 *   tmp/                        staging of imports in progress; only renamed into place
 *
 * Compressed layer blobs are verified while they are unpacked and not kept: the node runs
 * images, it never pushes them, and the unpacked layer (named by its verified diff_id) is what
 * containers use. Keeping both would double the disk use.
 *
 * A container's image should be held (image_hold() with the container's ID, image_release()
 * when the container is removed): `skiff image rm` then leaves its layers, which are the
 * container's overlayfs lower directories, in place until then.
 *
 * Errors: -errno plus messages in a Diag. -ENOENT from a lookup means exactly "no such image in
 * the store"; a damaged store gives -EUCLEAN.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "image-config.h"
#include "image-ref.h"
#include "image-user.h"

#define IMAGE_DIR_DEFAULT "/var/lib/skiff/images"

/* Bounds on everything an imported image controls. */
typedef struct ImageLimits {
	size_t max_json_bytes;       /* index.json of a layout, manifests, configs */
	size_t max_layers;           /* layers of one image */
	uint64_t max_entries;        /* tar entries of one layer */
	uint64_t max_image_bytes;    /* unpacked bytes of one image (sum of its layers) */
	uint64_t max_layout_bytes;   /* an OCI layout tar, unpacked to staging */
	size_t max_layout_manifests; /* manifests listed in a layout's index.json */
} ImageLimits;

#define IMAGE_LIMITS_DEFAULT                                                                       \
	((ImageLimits){ .max_json_bytes = 4u << 20,                                                \
	                .max_layers = 127,                                                         \
	                .max_entries = 1000000,                                                    \
	                .max_image_bytes = 64ull << 30,                                            \
	                .max_layout_bytes = 64ull << 30,                                           \
	                .max_layout_manifests = 1024 })

typedef struct ImageStore ImageStore;

/* Opens (creating if needed) the store at dir (NULL: IMAGE_DIR_DEFAULT). */
int image_store_open(const char *dir, ImageStore **ret, Diag *diag);
ImageStore *image_store_free(ImageStore *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(ImageStore *, image_store_free)
#define _cleanup_image_store_ _cleanup_(image_store_freep)
const char *image_store_dir(const ImageStore *s);
/* How image_resolve(IMAGE_RESOLVE_BUILTIN) imports a missing builtin: NULL (the default) in
 * this process; else by running `<exe> image import --builtin` (the skiff binary), so that the
 * import's libraries and memory never enter a long-running caller (the agent). */
int image_store_set_import_helper(ImageStore *s, const char *exe);

/* --- import */

typedef enum ImageSourceKind {
	IMAGE_SOURCE_AUTO = 0, /* detect from the path */
	IMAGE_SOURCE_ROOTFS,   /* a rootfs directory or tarball: one layer */
	IMAGE_SOURCE_OCI,      /* an OCI image layout, directory or tar */
} ImageSourceKind;

typedef struct ImageImportOptions {
	ImageSourceKind kind;
	const char *oci_ref; /* org.opencontainers.image.ref.name to pick; NULL: the only one, or
	                        the tag of the target name */
	/* Image config of a rootfs import (OCI layouts carry their own); NULL/empty = unset. */
	char **entrypoint;
	char **cmd;
	char **env;
	const char *working_dir;
	const char *user;
	ImageLimits limits;
} ImageImportOptions;

#define IMAGE_IMPORT_OPTIONS_DEFAULT ((ImageImportOptions){ .limits = IMAGE_LIMITS_DEFAULT })

typedef struct ImageImportResult {
	char *ref;             /* normalised: docker.io/library/busybox:latest */
	char *id;              /* sha256:<config digest hex> */
	char *manifest_digest; /* sha256:<hex> */
	size_t n_layers;
	size_t n_layers_new; /* layers not in the store before */
	uint64_t size;       /* unpacked bytes of all layers */
	char *replaced_id;   /* the image the reference pointed to before, if another */
} ImageImportResult;

void image_import_result_done(ImageImportResult *r);

/* Import PATH under NAME[:TAG]. Nothing is stored unless everything verified. */
int image_import(ImageStore *s, const char *name, const char *path, const ImageImportOptions *o,
                 ImageImportResult *ret, Diag *diag);

/* The images carried by the binary ("busybox"). */
#define IMAGE_BUILTIN_BUSYBOX "busybox"
#define IMAGE_BUILTIN_BUSYBOX_REF "docker.io/library/busybox:latest"
bool image_builtin_exists(const char *builtin);
/* Import builtin under name (NULL: its default reference). */
int image_import_builtin(ImageStore *s, const char *builtin, const char *name,
                         ImageImportResult *ret, Diag *diag);

/* --- list, inspect, remove */

typedef struct ImageEntry {
	char *ref;             /* normalised reference */
	char *repository;      /* docker.io/library/busybox */
	char *tag;             /* latest */
	char *id;              /* sha256:<hex> */
	char *manifest_digest; /* sha256:<hex> */
	uint64_t size;
	int64_t imported; /* unix seconds */
} ImageEntry;

void image_entries_free(ImageEntry *e, size_t n);
/* Every reference, sorted by reference. */
int image_list(ImageStore *s, ImageEntry **ret, size_t *ret_n, Diag *diag);

/* go-units HumanSize, as crictl prints sizes: 4 significant digits, decimal units ("2.212MB"). */
void image_format_size(uint64_t bytes, char *buf, size_t size);

/* JSON like `crictl inspecti`: id, repoTags, repoDigests, size, layers, config, ... */
int image_inspect(ImageStore *s, const char *ref_or_id, json_object **ret, Diag *diag);

/* Remove a reference (an ID removes every reference to it), then collect garbage. */
int image_remove(ImageStore *s, const char *ref_or_id, Diag *diag);

typedef struct ImageGcStats {
	size_t blobs_removed;
	size_t layers_removed;
	size_t staging_removed;
} ImageGcStats;

/* Remove blobs and layers no reference or hold uses, and staging left by dead imports. */
int image_gc(ImageStore *s, ImageGcStats *ret, Diag *diag);

/* A hold keeps an image's config and layers through `rm` + gc (one per container). */
int image_hold(ImageStore *s, const char *holder, const char *image_id, Diag *diag);
int image_release(ImageStore *s, const char *holder);

/* --- resolve (the agent's entry point) */

typedef struct ImageInfo {
	char *ref; /* the reference it was found by (for an ID: one of the image's) */
	char *id;  /* sha256:<config hex>: the image ID */
	char *manifest_digest;
	/* absolute layer directories, top first, NULL-terminated. mount(2)'s option string is
	 * one page: about 40 of these paths fit in "lowerdir="; deeper images need fsconfig()
	 * "lowerdir+" (Linux 6.8) or names relative to <store>/layers/sha256. */
	char **layers;
	size_t n_layers;
	char *os;
	char *architecture;
	uint64_t size;
	ImageConfig config; /* the image's defaults; see image_apply_config() */
} ImageInfo;

void image_info_done(ImageInfo *i);

typedef enum ImageResolveFlags {
	/* Import the embedded image first when ref names it (docker.io/library/busybox:latest)
	 * and the store lacks it: the node runs busybox pods with no network and no import, and
	 * the builtin counts as present for every pull policy, Never included. */
	IMAGE_RESOLVE_BUILTIN = 1 << 0,
} ImageResolveFlags;

/* -ENOENT: not in the store (map it with image_missing()); other errors: a damaged store. */
int image_resolve(ImageStore *s, const char *ref_or_id, unsigned flags, ImageInfo *ret, Diag *diag);

/* Resolve a User string (the image's, or one built by image_apply_config()) against
 * /etc/passwd and /etc/group as seen through the image's layers (top first). */
int image_resolve_user(const ImageInfo *info, const char *user, ImageUser *ret, Diag *diag);

/* Read a file of the image as the merged overlay would show it, without following symlinks
 * (whiteouts and opaque directories honoured). -ENOENT when absent. */
int image_read_file(char *const *layers_top_first, const char *path, size_t max_size, char **ret,
                    size_t *ret_size);

/* --- a missing image, as the kubelet reports it */

typedef enum ImagePullPolicy {
	IMAGE_PULL_ALWAYS,
	IMAGE_PULL_IF_NOT_PRESENT,
	IMAGE_PULL_NEVER,
} ImagePullPolicy;

int image_pull_policy_from_string(const char *s, ImagePullPolicy *ret);
const char *image_pull_policy_to_string(ImagePullPolicy p);
/* The kubelet's default: Always when the tag is "latest" (or no tag and no digest), else
 * IfNotPresent. An unparsable image gives IfNotPresent (validation reports it). */
ImagePullPolicy image_pull_policy_default(const char *image);

typedef struct ImageMissing {
	const char *reason;       /* waiting reason: "ErrImageNeverPull" or "ErrImagePull" */
	char *message;            /* waiting message */
	const char *event_reason; /* "ErrImageNeverPull" or "Failed" */
	char *event_message;
} ImageMissing;

void image_missing_done(ImageMissing *m);
/* The status of a container whose image (as written in the Pod) is not in the store.
 * skiff has no registry client: with Always/IfNotPresent the "pull" fails at once. */
int image_missing(const char *image, ImagePullPolicy policy, ImageMissing *ret);
/* The kubelet's "Pulled" event message when the image is present. */
char *image_present_message(const char *image);
