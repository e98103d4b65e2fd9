/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One pod worker per pod: the kubelet's SyncPod loop on sd-event. It admits the pod, sets up its
 * sandbox (directories, volumes, namespaces, cgroup), runs init containers one at a time
 * (sidecars stay), starts regular containers, restarts them per restartPolicy with the
 * CrashLoopBackOff back-off, runs probes and hooks, enforces activeDeadlineSeconds, and
 * terminates (preStop, SIGTERM, grace, SIGKILL) and cleans up when the pod goes away.
 *
 * Every transition is an event on the loop; none blocks. pod_worker_sync() is idempotent: it
 * looks at the current state and does the next thing, so every event just asks for a sync.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "backoff.h"
#include "kubelet.h"
#include "pod-events.h"
#include "pod-status.h"
#include "pod.h"
#include "runtime.h"

typedef enum RunState {
	RUN_NONE,     /* no instance yet (or the previous one is gone and none replaces it) */
	RUN_CREATING, /* monitor spawned, waiting for "started" */
	RUN_RUNNING,
	RUN_EXITED, /* the current instance ended; terminated holds how */
} RunState;

typedef enum KillReason {
	KILL_NONE,
	KILL_LIVENESS,   /* liveness/startup probe failed: restart per policy */
	KILL_POST_START, /* postStart hook failed */
	KILL_POD_STOP,   /* the pod terminates */
} KillReason;

typedef struct ContainerRun {
	PodWorker *pod;
	const Container *spec;
	bool init; /* spec is an init container (sidecars included) */
	size_t index;

	RunState state;
	char id[65]; /* current or last instance */
	uint32_t instances;
	uint32_t restart_count;
	char *image_id;

	RuntimeMonitor monitor; /* pid, pidfd, notify_fd of the current instance */
	sd_event_source *notify_source, *monitor_source;
	pid_t pid;
	uint64_t started_at; /* realtime µs */

	ContainerStateInfo terminated; /* the current instance's end (RUN_EXITED) */
	bool has_prev;
	ContainerStateInfo prev_terminated; /* the instance before */
	char *waiting_reason;               /* CrashLoopBackOff, ErrImageNeverPull, ... */
	char *waiting_message;

	Backoff backoff;
	sd_event_source *retry_timer; /* back-off / retry wake-up */

	/* probes */
	struct ProbeWorker *probes[3];
	void *probe_slots[3];
	bool ready, started;

	/* hooks and kills */
	KillReason kill_reason;
	bool kill_sent_term, kill_sent_kill;
	uint64_t kill_grace_usec;
	sd_event_source *kill_timer;
	struct ProbeRun *hook_run;
	void *hook_ctx; /* pod-hooks.c */
	sd_event_source *hook_timer;
	bool post_start_done;
} ContainerRun;

typedef enum PodWorkerState {
	POD_WORKER_ADMITTING,
	POD_WORKER_REJECTED,    /* admission failed: Failed with the reason; nothing runs */
	POD_WORKER_STARTING,    /* sandbox being set up */
	POD_WORKER_RUNNING,     /* containers managed by sync */
	POD_WORKER_TERMINATING, /* killing containers */
	POD_WORKER_TERMINATED,  /* everything stopped and cleaned up */
} PodWorkerState;

struct PodWorker {
	Kubelet *kubelet;
	Pod *pod;
	char *uid;
	char *key;       /* "namespace/name" */
	char *full_name; /* "name_namespace(uid)" (kubelet's format.Pod) */
	char *source;    /* kubernetes.io/config.source: file, http, api */
	char *source_path;
	bool is_static;
	bool critical;

	PodWorkerState state;
	bool remove_when_terminated; /* the source dropped the pod: free it after cleanup */
	bool terminal;               /* no container will start again */
	char *reason, *message;      /* pod-level (rejection, deadline, eviction) */
	PodPhase forced_phase;       /* with reason: Failed */
	bool has_forced_phase;

	uint64_t created_at;  /* realtime µs: config.seen / creationTimestamp */
	uint64_t start_time;  /* realtime µs: status.startTime */
	uint64_t deletion_at; /* realtime µs: deletionTimestamp, 0 = none */
	uint64_t started_monotonic;

	char *pod_dir, *sandbox_dir, *state_dir, *log_dir, *cgroup;
	bool sandbox_ready;
	/* the sandbox helper in flight (create or destroy), pod-sandbox.c */
	pid_t sandbox_pid;
	int sandbox_pidfd;
	sd_event_source *sandbox_source;
	bool sandbox_destroying, sandbox_destroyed;
	char *sandbox_error;
	bool cgroup_created;
	char *pod_ip;
	int netns_fd; /* the pod's network namespace, for probes and hooks (-EBADF: host) */

	ContainerRun *init;
	ContainerRun *regular;

	PodCondition conditions[_POD_CONDITION_MAX];
	PodEvents events;
	bool events_missing_dns_done;

	bool initialized;          /* every init container done (sidecars started) */
	bool first_start_recorded; /* start latency measured */

	sd_event_source *sync_source; /* deferred sync */
	sd_event_source *sandbox_retry;
	sd_event_source *deadline_timer; /* activeDeadlineSeconds */
	uint64_t grace_override_usec;    /* termination grace requested (eviction), 0 = pod's */
};

/* Create a worker for pod (takes ownership) and start it. source: "file", "http", "api". */
int pod_worker_new(Kubelet *k, Pod *pod, const char *source, const char *source_path,
                   PodWorker **ret);
/* Ask for a sync on the next loop iteration (coalesced). */
void pod_worker_queue_sync(PodWorker *w);
/* Terminate the pod with its grace period (or override_usec when > 0); remove: free the worker
 * once terminated (the source dropped the pod) instead of keeping it for its status. */
void pod_worker_terminate(PodWorker *w, uint64_t override_usec, bool remove, const char *reason,
                          const char *message);
PodWorker *pod_worker_free(PodWorker *w);

/* Status, derived. */
PodPhase pod_worker_phase(PodWorker *w);
/* Regenerate the conditions (after every sync). */
void pod_worker_update_conditions(PodWorker *w);
/* The v1 Pod with status, as /pods serves it. */
int pod_worker_to_json(PodWorker *w, json_object **ret);
/* Fill statuses (n_init + n_regular entries, caller clears them). */
void pod_worker_container_statuses(PodWorker *w, ContainerStatus *init, ContainerStatus *regular);
ContainerRun *pod_worker_find_container(PodWorker *w, const char *name);

/* Checkpoint (restart safety). */
int pod_worker_checkpoint(PodWorker *w);
int pod_worker_restore(Kubelet *k, const char *uid, PodWorker **ret);

/* Internal (pod-worker.c) */
int pod_worker_alloc(Kubelet *k, Pod *pod, const char *source, const char *source_path,
                     PodWorker **ret);
struct PodContext;
void pod_worker_context(PodWorker *w, struct PodContext *ctx);
void pod_worker_arm_deadline(PodWorker *w);
void pod_worker_container_started(ContainerRun *c);
void pod_worker_container_gone(ContainerRun *c);

/* container-run.c */
void container_run_send_term(ContainerRun *c, uint64_t remaining_usec);
int container_run_start(ContainerRun *c);
void container_run_kill(ContainerRun *c, KillReason reason, uint64_t grace_usec);
void container_run_release(ContainerRun *c);
bool container_run_active(const ContainerRun *c); /* creating or running */
int container_run_adopt(ContainerRun *c);
void container_run_status(const ContainerRun *c, ContainerStatus *ret);

/* checkpoint.c: the tail of the current instance's log (termination message fallback). */
char *pod_log_tail_text(PodWorker *w, const ContainerRun *c, int64_t lines, size_t bytes);
