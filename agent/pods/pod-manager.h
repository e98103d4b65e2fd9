/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's config merge for one source: every update is the full SET of that source's
 * pods. A new UID starts a pod; a UID no longer in the set is terminated with its grace period
 * and removed; a changed pod (new content, so a new UID for static pods) replaces the old one.
 */
#pragma once

#include "kubelet.h"

/* Takes ownership of pods and paths (paths[i]: where pods[i] came from; may be NULL). */
void kubelet_apply_source(Kubelet *k, const char *source, Pod **pods, char **paths, size_t n);
