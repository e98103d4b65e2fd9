/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run a command inside a running container and collect its output (exec probes, exec hooks):
 * `skiff-monitor exec` spawned with posix_spawn, its output read on an io source (bounded), its
 * end seen through a pidfd, a timeout enforced by the monitor. Never blocks the loop.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

typedef struct ExecRun ExecRun;

typedef struct ExecResult {
	int exit_code;  /* the command's status (128 + signal when killed) */
	bool timed_out; /* the timeout ended it */
	int error;      /* > 0: it could not run (errno) */
	const char *output;
	size_t output_size;
} ExecResult;

typedef void (*exec_done_t)(ExecRun *run, const ExecResult *result, void *userdata);

/* dir: the container's state directory. done is called once from the loop, then the run is
 * freed. */
int container_exec_start(sd_event *event, const char *dir, char *const *argv, uint64_t timeout_usec,
                         size_t max_output, exec_done_t done, void *userdata, ExecRun **ret);
/* Kill and forget: done is not called. NULL-safe. */
void container_exec_cancel(ExecRun *run);
