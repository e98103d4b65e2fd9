/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An image's run defaults (the OCI image config's "config" object) and the pure rule by which
 * Kubernetes applies a container's command, args, env, workingDir and securityContext on top.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

typedef struct ImageConfig {
	char **entrypoint; /* NULL-terminated; NULL when unset */
	char **cmd;
	char **env; /* "KEY=value" */
	char *working_dir;
	char *user;           /* "", "uid", "uid:gid", "name", "name:group" */
	char **exposed_ports; /* "80/tcp" */
	char *stop_signal;
} ImageConfig;

void image_config_done(ImageConfig *c);

/* What a container of a Pod says (already $(VAR)-expanded by the agent). Empty lists count as
 * unset, as they do for the kubelet (protobuf has no empty-vs-nil distinction). */
typedef struct ImageContainerSpec {
	char *const *command;
	char *const *args;
	char *const *env; /* "KEY=value", in the Pod's order */
	const char *working_dir;
	const char *hostname; /* HOSTNAME for the env, or NULL */
	bool has_run_as_user;
	int64_t run_as_user;
	bool has_run_as_group;
	int64_t run_as_group;
} ImageContainerSpec;

typedef struct ImageProcess {
	char **argv;
	char **env;
	char *cwd;
	char *user; /* a User string to resolve with image_resolve_user() */
} ImageProcess;

void image_process_done(ImageProcess *p);

#define IMAGE_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
 *   neither command nor args: the image's Entrypoint + Cmd;
 *   command only:             command (the image's Entrypoint and Cmd are ignored);
 *   args only:                the image's Entrypoint + args;
 *   both:                     command + args.
 * Env as containerd's CRI builds it: PATH default, HOSTNAME, the image's Env, then the
 * container's, a later KEY replacing an earlier one in place. WorkingDir: the container's, else
 * the image's, else "/". User: runAsUser[:runAsGroup] over the image's User; runAsGroup alone
 * replaces the group of the image's user. An empty argv is -EINVAL ("no command specified").
 */
int image_apply_config(const ImageConfig *image, const ImageContainerSpec *c, ImageProcess *ret,
                       Diag *diag);
