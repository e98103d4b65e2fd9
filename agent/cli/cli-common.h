/* SPDX-License-Identifier: Apache-2.0 */
/* What the client commands (get, describe, logs, exec) share. */
#pragma once

#include <json-c/json.h>

#include "client.h"

typedef struct CliTarget {
	const char *socket;    /* --socket, NULL: the default */
	const char *namespace; /* -n, "default" */
	bool all_namespaces;   /* -A */
} CliTarget;

/* The long options every client command takes; getopt's case values. */
#define CLI_OPT_SOCKET 0x100
#define CLI_COMMON_LONG_OPTIONS                                                                    \
	{ "socket", required_argument, NULL, CLI_OPT_SOCKET }, {                                   \
		"namespace", required_argument, NULL, 'n'                                          \
	}

int cli_connect(const CliTarget *t, SkiffClient **ret);
/* Print the error as kubectl would; returns the exit status 1. */
int cli_fail(const ClientError *e, int r);
char *cli_pod_path(const CliTarget *t, const char *name, const char *suffix);
int cli_get_pod(SkiffClient *c, const CliTarget *t, const char *name, json_object **ret);
char *cli_container_names(json_object *pod, const char *list);
/* The pod exists, for exec is not finished, and without a container name has exactly one
 * container (else the kubectl error is printed). */
int cli_check_pod(SkiffClient *c, const CliTarget *t, const char *name, const char *container,
                  bool exec);
size_t cli_container_count(json_object *pod);
