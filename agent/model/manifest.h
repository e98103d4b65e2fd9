/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod manifests: a file (JSON or YAML, one or more documents) holding a Pod, a PodList or a
 * v1 List of Pods. Each document and each list item gets its own path prefix in messages
 * ("documents[1].", "items[2]."), so every error names the object it belongs to.
 */
#pragma once

#include "pod.h"

/* The kubelet's bound on a static pod file (pkg/kubelet/config: maxConfigLength). */
#define MANIFEST_MAX_BYTES (10 * 1024 * 1024)
#define MANIFEST_MAX_PODS 256
#define MANIFEST_MAX_DEPTH 32

typedef struct PodSet {
	Pod **pods;
	size_t n_pods;
} PodSet;

void pod_set_done(PodSet *s);

/*
 * Parse, decode, default and validate every pod of a manifest. All or nothing: on any error
 * returns -EINVAL (or -E2BIG/-ENOMEM) with every message in diag and *ret left empty;
 * warnings are reported either way.
 */
int manifest_parse(const char *data, size_t len, PodSet *ret, Diag *diag);
/* Read a file (at most MANIFEST_MAX_BYTES) and manifest_parse() it. */
int manifest_load_file(const char *path, PodSet *ret, Diag *diag);
/* The same from an open file (standard input). */
int manifest_load_fd(int fd, PodSet *ret, Diag *diag);
