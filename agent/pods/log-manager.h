/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's container log manager, the part the monitors leave to the agent
 * (pkg/kubelet/logs/container_log_manager.go): every containerLogMonitorInterval (10 s), rotated
 * log files of running containers are gzip-compressed, all but the newest, as the kubelet does.
 * The monitor itself rotates and prunes (it must, while no agent runs). One file at a time, at
 * zlib's fastest level, 1 MiB per step of an idle-priority event source, so a large file never
 * holds up the loop.
 */
#pragma once

#include "kubelet.h"

int log_manager_start(Kubelet *k);
void log_manager_stop(Kubelet *k);
/* The oldest rotated, uncompressed file of a container log directory, never the newest one:
 * 1 and its name, 0 (and NULL) when there is none, or -errno. */
int log_manager_next_rotated(const char *dir, char **ret_name);

/* Compressing one file to "<name>.gz" in steps. */
typedef struct LogGzip LogGzip;
int log_gzip_open(const char *dir, const char *name, LogGzip **ret);
/* Up to max more bytes: 1 while some remain; 0 when done (the .gz in place, the plain file
 * removed); -errno (the temporary file removed, the plain file kept). */
int log_gzip_step(LogGzip *g, size_t max);
/* Unfinished: the plain file stays, the temporary goes. Returns NULL. */
LogGzip *log_gzip_free(LogGzip *g);
static inline void log_gzip_freep(LogGzip **g) {
	log_gzip_free(*g);
}
