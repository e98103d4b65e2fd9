/* SPDX-License-Identifier: Apache-2.0 */
/* postStart and preStop hooks of a container. */
#pragma once

#include "pod-worker.h"

int pod_hook_post_start(ContainerRun *c);
/* Runs preStop within grace_usec, then calls container_run_send_term() with what is left.
 * < 0: no hook could run (the caller sends the stop signal itself). */
int pod_hook_pre_stop(ContainerRun *c, uint64_t grace_usec);
bool pod_hook_pre_stop_running(const ContainerRun *c);
void pod_hooks_cancel(ContainerRun *c);
