/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's eviction threshold configuration, parsed exactly as
 * pkg/kubelet/eviction/helpers.go ParseThresholdConfig does, but reporting every error (with
 * its field path) instead of stopping at the first. Pure: maps in, thresholds out. The daemon
 * and the eviction testbed (`skiff eviction simulate`) share it.
 *
 * Order of the result: hard thresholds in map order, then soft ones in map order, then the
 * allocatableMemory.available clones (addAllocatableThresholds), then the containerfs copies
 * (UpdateContainerFsThresholds). The kubelet iterates Go maps, so its order is random; nothing
 * in the kubelet depends on it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config-maps.h"
#include "diag.h"
#include "quantity.h"

typedef enum EvictionSignal {
	EVICTION_SIGNAL_MEMORY_AVAILABLE,
	EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE,
	EVICTION_SIGNAL_NODEFS_AVAILABLE,
	EVICTION_SIGNAL_NODEFS_INODES_FREE,
	EVICTION_SIGNAL_IMAGEFS_AVAILABLE,
	EVICTION_SIGNAL_IMAGEFS_INODES_FREE,
	EVICTION_SIGNAL_CONTAINERFS_AVAILABLE,
	EVICTION_SIGNAL_CONTAINERFS_INODES_FREE,
	EVICTION_SIGNAL_PID_AVAILABLE,
	_EVICTION_SIGNAL_MAX,
	_EVICTION_SIGNAL_INVALID = -EINVAL,
} EvictionSignal;

/* "memory.available" ... ; NULL for an out-of-range value. */
const char *eviction_signal_to_string(EvictionSignal s);
/* -EINVAL for a name the kubelet does not know (it is case-sensitive). */
EvictionSignal eviction_signal_from_string(const char *s);

/* A quantity or a fraction of capacity (evictionapi.ThresholdValue). */
typedef struct ThresholdValue {
	bool is_percentage;
	float percentage; /* fraction in (0,1], float32 as the kubelet stores it */
	Quantity quantity;
} ThresholdValue;

/* The only operator is LessThan: met when threshold > available (OpForSignal). */
typedef struct EvictionThreshold {
	EvictionSignal signal;
	ThresholdValue value;
	int64_t grace_period_ns; /* 0: hard threshold; > 0: soft */
	bool has_min_reclaim;
	ThresholdValue min_reclaim;
} EvictionThreshold;

static inline bool eviction_threshold_is_hard(const EvictionThreshold *t) {
	return t->grace_period_ns == 0;
}

typedef struct EvictionThresholds {
	EvictionThreshold *items;
	size_t n;
} EvictionThresholds;

void eviction_thresholds_done(EvictionThresholds *t);

/*
 * The four signal maps of a KubeletConfiguration plus enforceNodeAllocatable, and the field
 * path of each map for messages ("evictionHard", "--eviction-hard", "config.evictionHard").
 * A NULL map is an empty one.
 */
typedef struct EvictionConfig {
	const StrMap *hard;
	const StrMap *soft;
	const StrMap *soft_grace_period;
	const StrMap *minimum_reclaim;
	char *const *enforce_node_allocatable;
	const char *hard_path, *soft_path, *grace_path, *reclaim_path;
} EvictionConfig;

/*
 * ParseThresholdConfig. Errors use the kubelet's wordings where it has them, each at
 * "<map path>[<signal>]". On error returns -EINVAL with every problem in diag and *ret empty.
 */
int eviction_thresholds_parse(const EvictionConfig *c, EvictionThresholds *ret, Diag *diag);

/*
 * The effective evictionHard map (cmd/kubelet/app/server.go loadConfigFile): hard == NULL
 * (never set) gives the Linux defaults (pkg/kubelet/eviction/defaults_linux.go); otherwise the
 * map as set, with the missing default signals added when merge is true. An explicitly empty
 * map stays empty: no hard eviction.
 */
int eviction_hard_effective(const StrMap *hard, bool merge, StrMap *ret);

/*
 * UpdateContainerFsThresholds: containerfs.* thresholds always follow nodefs.* (single file
 * system, or images on their own file system and containers with the node) or imagefs.*
 * (containers and images together on a dedicated image file system). Values the user set for
 * containerfs are replaced, with a warning each (the kubelet logs them). Only thresholds whose
 * source exists are added: the kubelet also adds zero-valued ones, which never fire.
 */
int eviction_thresholds_update_containerfs(EvictionThresholds *t, bool image_fs,
                                           bool separate_container_image_fs, Diag *diag,
                                           const char *path);

/* "10%" / canonical quantity ("100Mi"), for printing. */
int threshold_value_to_string(const ThresholdValue *v, char **ret);
