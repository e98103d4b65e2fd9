/* SPDX-License-Identifier: Apache-2.0 */
/* A pod's sandbox: directories, volumes, /etc files, pod cgroup, pod namespaces. */
#pragma once

#include "pod-worker.h"
#include "translate.h"

/* Idempotent. On failure *ret_error says what failed in the kubelet's words (FailedMount,
 * FailedCreatePodSandBox); the worker retries. */
int pod_sandbox_setup(PodWorker *w, char **ret_error);
/* Namespaces, cgroup, memory volumes and the pod directory (not the logs). */
int pod_sandbox_cleanup(PodWorker *w);
