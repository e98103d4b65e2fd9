/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod + container -> the runtime's ContainerConfig, as the kubelet turns a Pod into a CRI
 * ContainerConfig and containerd into an OCI spec: command/args/env/workingDir over the image
 * config, user and groups, runAsNonRoot, hostname and namespaces from the pod sandbox, mounts
 * (volumes, /etc/hosts, /etc/hostname, /etc/resolv.conf, /dev/shm, the termination log),
 * capabilities, privileged, no_new_privs, seccomp, masked paths, oom_score_adj, cgroup values,
 * the CRI log path. Only reads the image's /etc/passwd and /etc/group (through the store).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "env.h"
#include "image.h"
#include "pod.h"
#include "resources.h"
#include "runtime.h"

typedef struct PodContext {
	const Pod *pod;
	const char *full_name;   /* "name_namespace(uid)", the kubelet's format.Pod */
	const char *sandbox_dir; /* ns/, shm/ */
	const char *pod_dir; /* <rootDir>/pods/<uid>: volumes, etc-hosts, hostname, resolv.conf */
	const char *pod_cgroup;     /* e.g. "kubepods/burstable/pod<uid>" */
	const char *monitor_cgroup; /* where monitors go once their container runs, or NULL */
	const char *pod_log_dir;    /* /var/log/pods/<ns>_<name>_<uid> */
	const char *seccomp_dir;    /* Localhost profiles */
	const char *seccomp_cache_dir;
	const char *containers_dir; /* <rootDir>/containers: <id>/upper, <id>/work */
	bool seccomp_default;       /* kubelet seccompDefault: RuntimeDefault when unset */
	bool node_critical;
	uint64_t log_max_size;
	uint32_t log_max_files;
	ResourcePolicy resources;
	EnvContext env;
} PodContext;

/* Where a container's things live. */
char *container_log_path(const PodContext *ctx, const Container *c, uint32_t restart_count);
char *container_termination_log_path(const PodContext *ctx, const char *id);
char *pod_volume_path(const char *pod_dir, const Volume *v);

/*
 * Fill ret for one instance (id, restart_count) of c. A problem the kubelet reports as
 * CreateContainerConfigError (runAsNonRoot violated, a bad env reference, a missing Localhost
 * profile, an unknown capability) returns -EINVAL with *ret_error set to its message.
 */
int container_translate(const PodContext *ctx, const Container *c, const ImageInfo *image,
                        const char *id, uint32_t restart_count, ContainerConfig *ret,
                        char **ret_error);
