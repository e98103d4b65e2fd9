/* SPDX-License-Identifier: Apache-2.0 */
/* kubectl's `get pods` columns from a v1 Pod (JSON). Pure. */
#pragma once

#include <json-c/json.h>
#include <stdint.h>

typedef struct PodColumns {
	char name[256];
	char ready[32];
	char status[128];
	unsigned restarts;
	uint64_t last_restart; /* µs since the epoch, 0 unknown */
	uint64_t created;
	char ip[64];
	char node[256];
} PodColumns;

void pod_print_columns(json_object *pod, PodColumns *out);
