/* SPDX-License-Identifier: Apache-2.0 */
/* skiff-monitor's modes (monitor.c parses the command line and calls one). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "runtime.h"

/* run (detach false, notify_fd -1) and start (detach true). Returns the process exit status. */
int monitor_run(const char *dir, bool detach, int notify_fd);
/* `pump`: what a detached monitor re-executes into once its container runs (monitor-run.c). */
int monitor_pump(int argc, char **argv);

typedef struct MonitorExecArgs {
	const char *dir;
	char **argv;
	char **env; /* extra K=V */
	uint64_t timeout_ms;
} MonitorExecArgs;

int monitor_exec(const MonitorExecArgs *a);

int monitor_sandbox_create(const char *dir, int notify_fd);
int monitor_sandbox_destroy(const char *dir, int notify_fd);
/* The pod's pid 1 for shareProcessNamespace: reaps orphans, ends on SIGTERM/SIGINT. */
int monitor_pod_init(void);

/* Write "started <pid>\n" / "ok\n" / "error <errno> <message>\n" to fd and close it. */
void monitor_notify(int *fd, const char *line);
void monitor_notify_error(int *fd, const RuntimeError *e);
