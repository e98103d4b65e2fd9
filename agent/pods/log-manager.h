/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's container log manager, the part the monitors leave to the agent
 * (pkg/kubelet/logs/container_log_manager.go): every containerLogMonitorInterval (10 s), rotated
 * log files of running containers are gzip-compressed, all but the newest, as the kubelet does.
 * The monitor itself rotates and prunes (it must, while no agent runs). One file per tick, at
 * zlib's fastest level, to keep the loop responsive.
 */
#pragma once

#include "kubelet.h"

int log_manager_start(Kubelet *k);
void log_manager_stop(Kubelet *k);
/* Compress the rotated files of one container log directory but the newest; returns how many
 * were compressed (at most max), or -errno. */
int log_manager_compress_dir(const char *dir, unsigned max);
