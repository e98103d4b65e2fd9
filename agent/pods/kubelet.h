/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node-level context every pod worker shares: the loop, the configuration, the image store,
 * the probe manager, the node's identity and resources, the state layout on disk, and the
 * hooks through which the daemon (or `skiff run`) hears of pod changes. One per process.
 *
 * State layout (DESIGN.md "State on disk"):
 *   <stateDir>/pods/<uid>/checkpoint.json   what a restarted agent needs to re-adopt the pod
 *   <stateDir>/pods/<uid>/sandbox/          pod namespaces (ns/), /dev/shm (shm/)
 *   <stateDir>/containers/<id>/             monitor records (config, state, exit)
 *   <rootDir>/pods/<uid>/                   volumes/, etc-hosts, hostname, resolv.conf,
 *                                           containers/<id>-termination-log
 *   <rootDir>/containers/<id>/{upper,work}  overlay upper layers
 *   <podLogDir>/<ns>_<name>_<uid>/<container>/<restart>.log
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "admission.h"
#include "image.h"
#include "kubelet-config.h"
#include "probes.h"
#include "resources.h"

typedef struct PodWorker PodWorker;
typedef struct Kubelet Kubelet;

typedef struct KubeletHooks {
	/* A pod's status may have changed (phase, a container state, readiness). */
	void (*pod_changed)(Kubelet *k, PodWorker *w, void *userdata);
	/* A pod worker finished its termination and cleanup and is about to be freed. */
	void (*pod_removed)(Kubelet *k, PodWorker *w, void *userdata);
	/* A pod's first regular container runs: seconds since the pod was admitted. */
	void (*pod_started)(Kubelet *k, PodWorker *w, double seconds, void *userdata);
	/* A container instance started (for log followers): its CRI log path. */
	void (*container_started)(Kubelet *k, PodWorker *w, const char *container,
	                          const char *log_path, void *userdata);
	void *userdata;
} KubeletHooks;

typedef struct KubeletCounters {
	uint64_t container_restarts;
	uint64_t pods_started;
	uint64_t evictions;
} KubeletCounters;

struct Kubelet {
	sd_event *event;
	const SkiffConfig *config;
	ImageStore *images;
	ProbeManager *probes;
	KubeletHooks hooks;
	KubeletCounters counters;

	char *node_name;
	char *host_ip;
	int64_t machine_memory;
	NodeAllocatable capacity;
	NodeAllocatable allocatable;
	ResourcePolicy resources; /* node-wide part; per pod filled in from it */

	/* cgroups: "<cgroupRoot>/kubepods" and its QoS tiers */
	char *kubepods_cgroup;
	char *monitors_cgroup; /* "<cgroupRoot>/skiff-monitors": the monitors leave the agent's unit
	                        */
	bool cgroups_enabled;

	/* directories */
	char *pods_state_dir;       /* <stateDir>/pods */
	char *containers_state_dir; /* <stateDir>/containers */
	char *pods_root_dir;        /* <rootDir>/pods */
	char *containers_root_dir;  /* <rootDir>/containers */
	char *seccomp_cache_dir;    /* <stateDir>/seccomp-cache */

	uint64_t started_monotonic;
	bool shutting_down;
	/* log-manager.c: the interval timer, and the one file being compressed in steps */
	sd_event_source *log_manager;
	sd_event_source *log_gzip_step;
	struct LogGzip *log_gzip;
	char *log_gzip_name;

	/* the pod workers, in creation order */
	PodWorker **workers;
	size_t n_workers;
};

/* Set up the node context from a loaded configuration: directories, node resources, the image
 * store, the probe manager, the kubepods cgroup tree. */
int kubelet_new(sd_event *event, const SkiffConfig *config, const KubeletHooks *hooks,
                Kubelet **ret, char **ret_error);
Kubelet *kubelet_free(Kubelet *k);
DEFINE_TRIVIAL_CLEANUP_FUNC(Kubelet *, kubelet_free)

/* Re-adopt the pods of a previous agent from <stateDir>/pods/<uid>/checkpoint.json: returns the
 * number of pods taken over. */
int kubelet_recover(Kubelet *k);

/* Find a worker by UID or by namespace/name. */
PodWorker *kubelet_find_uid(Kubelet *k, const char *uid);
PodWorker *kubelet_find_name(Kubelet *k, const char *namespace, const char *name);

/* Keep the QoS tier cgroups (burstable cpu shares) in step with the admitted pods. */
void kubelet_update_qos_cgroups(Kubelet *k);

void kubelet_record_start_latency(Kubelet *k, PodWorker *w);

/* CLOCK_REALTIME / CLOCK_MONOTONIC in µs through the loop's cached time. */
uint64_t kubelet_now(Kubelet *k);
uint64_t kubelet_now_monotonic(Kubelet *k);

/* Internal: worker registration (pod-worker.c). */
int kubelet_add_worker(Kubelet *k, PodWorker *w);
void kubelet_remove_worker(Kubelet *k, PodWorker *w);
