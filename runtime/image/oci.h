/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsers of the OCI image layout's documents (image-spec v1.0/v1.1; Docker's schema 2
 * manifest and manifest list are accepted where skopeo or umoci may write them): the
 * oci-layout file, index.json, image indexes, manifests and image configs. Pure functions of
 * untrusted bytes: strict JSON, typed fields, bounded lists, digests checked for form.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "image-config.h"

#define OCI_REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"
#define OCI_MEDIA_INDEX "application/vnd.oci.image.index.v1+json"
#define OCI_MEDIA_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_MEDIA_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MEDIA_LAYER "application/vnd.oci.image.layer.v1.tar"
#define DOCKER_MEDIA_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define DOCKER_MEDIA_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_MEDIA_CONFIG "application/vnd.docker.container.image.v1+json"

typedef enum OciMediaKind {
	OCI_KIND_UNKNOWN,
	OCI_KIND_INDEX,    /* an image index or manifest list */
	OCI_KIND_MANIFEST, /* an image manifest */
	OCI_KIND_CONFIG,
	OCI_KIND_LAYER, /* tar, tar+gzip, tar+zstd (libarchive detects the compression) */
} OciMediaKind;

OciMediaKind oci_media_kind(const char *media_type);

typedef struct OciDescriptor {
	char *media_type;
	char *digest; /* sha256:<hex> */
	int64_t size;
	char *ref_name; /* the org.opencontainers.image.ref.name annotation, or NULL */
	char *os, *architecture, *variant; /* platform, or NULL */
} OciDescriptor;

void oci_descriptor_done(OciDescriptor *d);

typedef struct OciIndex {
	OciDescriptor *manifests;
	size_t n_manifests;
} OciIndex;

void oci_index_done(OciIndex *i);

typedef struct OciManifest {
	OciDescriptor config;
	OciDescriptor *layers;
	size_t n_layers;
} OciManifest;

void oci_manifest_done(OciManifest *m);

typedef struct OciImageConfig {
	char *os;
	char *architecture;
	char *variant;
	ImageConfig config;
	char **diff_ids; /* rootfs.diff_ids, bottom layer first */
	size_t n_diff_ids;
} OciImageConfig;

void oci_image_config_done(OciImageConfig *c);

/* `oci-layout`: {"imageLayoutVersion": "1.x.y"}. */
int oci_parse_layout(const char *data, size_t len, Diag *diag);
/* index.json or an image index blob. */
int oci_parse_index(const char *data, size_t len, size_t max_manifests, OciIndex *ret, Diag *diag);
int oci_parse_manifest(const char *data, size_t len, size_t max_layers, OciManifest *ret,
                       Diag *diag);
int oci_parse_config(const char *data, size_t len, size_t max_layers, OciImageConfig *ret,
                     Diag *diag);
