/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the kubelet does to a pod read from a static source (pkg/kubelet/config/common.go
 * applyDefaults and config.go): a UID from the content hash when it has none, the name
 * suffixed with the node name, namespace "default", spec.nodeName, and the annotations
 * kubernetes.io/config.hash, config.source and config.seen. Pure (the time is passed in).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "pod.h"

#define ANNOTATION_CONFIG_HASH "kubernetes.io/config.hash"
#define ANNOTATION_CONFIG_SOURCE "kubernetes.io/config.source"
#define ANNOTATION_CONFIG_SEEN "kubernetes.io/config.seen"

/* FNV-128a of data, as 32 lowercase hex digits (hash/fnv New128a). */
void fnv128a_hex(const void *data, size_t len, char out[static 33]);

/*
 * source: "file" or "http"; origin: the file path or URL (fed to the hash as "file:<path>" /
 * "url:<url>"). seen: realtime µs for config.seen. suffix_node_name: the kubelet's
 * "<name>-<node>" (the agent); `skiff run` keeps the names as written, as podman does.
 */
int static_pod_apply_defaults(Pod *pod, const char *node_name, const char *source,
                              const char *origin, uint64_t seen, bool suffix_node_name);
