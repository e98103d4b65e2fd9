/* SPDX-License-Identifier: Apache-2.0 */
/* Probes of a pod's containers (probes/ workers driven by the pod worker). */
#pragma once

#include "pod-worker.h"
#include "probes.h"

/* A Pod handler as a ProbeSpec; headers: room for the httpGet headers. */
int pod_probe_spec(const Container *c, const Handler *h, const Probe *timing, ProbeSpec *spec,
                   ProbeHeader *headers, size_t max_headers);
/* Where probes connect: the pod IP, else loopback inside the pod's network namespace. */
const char *pod_probe_host(PodWorker *w);
int pod_probe_netns(PodWorker *w);

void pod_probes_container_started(ContainerRun *c);
void pod_probes_container_stopping(ContainerRun *c);
void pod_probes_container_stopped(ContainerRun *c);
void pod_probes_free(ContainerRun *c);
void pod_probes_pod_stopped(PodWorker *w);

extern const ProbeExecOps pod_probe_exec_ops; /* userdata: the Kubelet */
