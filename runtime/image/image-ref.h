/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image references normalised as Kubernetes and containerd do (distribution/reference's
 * ParseNormalizedNamed + TagNameOnly):
 *   busybox                      -> docker.io/library/busybox:latest
 *   busybox:1.36                 -> docker.io/library/busybox:1.36
 *   index.docker.io/x/y          -> docker.io/x/y:latest
 *   registry:5000/x/y:tag        -> registry:5000/x/y:tag
 *   name@sha256:<hex>            -> docker.io/library/name@sha256:<hex> (no default tag)
 * Pure functions, no I/O.
 */
#pragma once

#include <stdbool.h>

#include "diag.h"

typedef struct ImageRef {
	char *domain; /* "docker.io", "registry:5000", "localhost" */
	char *path;   /* "library/busybox" */
	char *tag;    /* NULL when only a digest was given */
	char *digest; /* "sha256:<64 hex>" or NULL */
} ImageRef;

void image_ref_done(ImageRef *r);

/* Parse and normalise. Errors (-EINVAL) name the rule broken. */
int image_ref_parse(const char *s, ImageRef *ret, Diag *diag);
/* "domain/path" */
char *image_ref_repository(const ImageRef *r);
/* "domain/path:tag", "domain/path@digest" or "domain/path:tag@digest" */
char *image_ref_string(const ImageRef *r);
/* Normalise a string in one step (ret: image_ref_string()). */
int image_ref_normalize(const char *s, char **ret, Diag *diag);

/* "sha256:" + 64 lowercase hex */
bool image_digest_valid(const char *digest);
