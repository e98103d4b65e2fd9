/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A container's environment as the kubelet builds it (pkg/kubelet/kubelet_pods.go
 * makeEnvironmentVariables): each env entry in order, values expanded against the entries
 * before it ($(VAR), $$ -> $, unknown references kept as written: the forked Go expansion
 * package), fieldRef and resourceFieldRef resolved. Also the $(VAR) expansion of command and
 * args against the final environment. Pure.
 */
#pragma once

#include <stdint.h>

#include "pod.h"

typedef struct EnvContext {
	const Pod *pod;
	const char *pod_ip;
	const char *node_name;
	int64_t node_allocatable_cpu_milli; /* resourceFieldRef of a container without a limit */
	int64_t node_allocatable_memory;
	int64_t node_allocatable_ephemeral_storage;
} EnvContext;

/* Expand $(VAR) in s against "K=V" entries of env (the last definition of K wins). */
char *env_expand(const char *s, char *const *env, size_t n_env);

/* "K=V" strings for c's env (NULL-terminated strv). -EINVAL with a message for a reference
 * the kubelet would refuse. */
int env_build(const EnvContext *ctx, const Container *c, char ***ret, char **ret_error);

/* command/args with $(VAR) expanded against env (NULL stays NULL). */
char **env_expand_strv(char *const *l, size_t n, char *const *env);
