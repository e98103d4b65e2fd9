/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A pod's status as the kubelet reports it, derived (never stored twice) from the pod worker's
 * view of its containers: phase (pkg/kubelet/kubelet_pods.go getPhase), conditions
 * (pkg/kubelet/status/generate.go), container statuses (convertToAPIContainerStatuses) and
 * their JSON form. Pure: the caller passes every fact in. KUBELET-BEHAVIOUR.md §3.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "pod.h"

typedef enum ContainerStateKind {
	CONTAINER_STATE_WAITING,
	CONTAINER_STATE_RUNNING,
	CONTAINER_STATE_TERMINATED,
} ContainerStateKind;

/* One of the API's ContainerState members. Times are CLOCK_REALTIME microseconds, 0 = unset. */
typedef struct ContainerStateInfo {
	ContainerStateKind kind;
	char *reason;  /* waiting, terminated */
	char *message; /* waiting, terminated */
	int32_t exit_code;
	int32_t signal;
	uint64_t started_at;
	uint64_t finished_at;
	char *container_id; /* terminated: the instance that ended */
} ContainerStateInfo;

typedef struct ContainerStatus {
	const Container *spec;
	bool known; /* false: the runtime has not reported this container (no status) */
	ContainerStateInfo state;
	bool has_last_state;
	ContainerStateInfo last_state;
	bool ready;
	bool started;
	uint32_t restart_count;
	char *image;        /* as the spec names it */
	char *image_id;     /* sha256:... of the image config */
	char *container_id; /* "skiff://<id>" of the current instance, NULL before one exists */
} ContainerStatus;

void container_state_info_clear(ContainerStateInfo *s);
int container_state_info_copy(ContainerStateInfo *dst, const ContainerStateInfo *src);
void container_status_clear(ContainerStatus *s);

typedef enum PodPhase {
	POD_PHASE_PENDING,
	POD_PHASE_RUNNING,
	POD_PHASE_SUCCEEDED,
	POD_PHASE_FAILED,
	POD_PHASE_UNKNOWN,
} PodPhase;

const char *pod_phase_to_string(PodPhase p);
static inline bool pod_phase_is_terminal(PodPhase p) {
	return p == POD_PHASE_SUCCEEDED || p == POD_PHASE_FAILED;
}

typedef enum PodConditionType {
	POD_CONDITION_READY_TO_START_CONTAINERS, /* PodReadyToStartContainers */
	POD_CONDITION_INITIALIZED,
	POD_CONDITION_READY,
	POD_CONDITION_CONTAINERS_READY,
	POD_CONDITION_SCHEDULED,
	POD_CONDITION_DISRUPTION_TARGET, /* set by eviction only */
	_POD_CONDITION_MAX,
} PodConditionType;

const char *pod_condition_type_to_string(PodConditionType t);

typedef struct PodCondition {
	bool present;
	bool status; /* True / False */
	char reason[64];
	char message[512];
	uint64_t last_transition; /* realtime usec */
} PodCondition;

/* What getPhase and the condition generators read. init[i] follows spec.initContainers[i],
 * regular[i] spec.containers[i]. */
typedef struct PodStatusInput {
	const Pod *pod;
	const ContainerStatus *init;
	const ContainerStatus *regular;
	bool pod_is_terminal; /* the worker decided the pod is done (no container will restart) */
	bool is_static;       /* static pods never get the terminal shortcut of getPhase */
	bool sandbox_ready;   /* a sandbox with networking exists */
} PodStatusInput;

PodPhase pod_status_phase(const PodStatusInput *in);

/*
 * Regenerate the kubelet's conditions for phase into conds, keeping last_transition from the
 * previous values in conds when the status did not change (now = realtime usec).
 */
void pod_status_conditions(const PodStatusInput *in, PodPhase phase, uint64_t now,
                           PodCondition conds[_POD_CONDITION_MAX]);

/* A container status or a condition list as the API's JSON. */
json_object *container_status_to_json(const ContainerStatus *s);
json_object *pod_conditions_to_json(const PodCondition conds[_POD_CONDITION_MAX]);
/* RFC 3339 UTC with seconds ("2026-11-26T05:37:01Z"), as metav1.Time marshals; 0 (unset)
 * is JSON null. */
json_object *rfc3339_json(uint64_t realtime_usec);
