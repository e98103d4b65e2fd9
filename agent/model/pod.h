/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Kubernetes v1 Pod as skiff understands it: every field skiff acts on, decoded from a
 * json-c tree (JSON or YAML), defaulted as the API server does (pkg/apis/core/v1/defaults.go),
 * validated with the API server's rules and messages (pkg/apis/core/validation/validation.go),
 * and encoded back to a v1 Pod object.
 *
 * Conventions of the model:
 *  - strings are NULL when the field is absent; "" only when the manifest said "";
 *  - Opt* types carry "was it set" for the API's pointer fields (*int64, *bool);
 *  - enums have an _UNSET value 0; pod_apply_defaults() replaces it where the API defaults;
 *  - lists are (pointer, count) pairs, in manifest order;
 *  - every object is owned by its parent; pod_free() frees the whole tree.
 * Fields a Pod may carry but skiff does not act on (nodeSelector, tolerations, affinity, ...)
 * are accepted and dropped; fields that change what a container gets and that skiff cannot
 * honour (tty, envFrom, configMap volumes, hugepages, ...) are rejected with a clear error.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "macro.h"
#include "quantity.h"
#include "strmap.h"

/* Bounds on everything a manifest controls (DESIGN: a bound on everything a pod spec controls). */
#define POD_MAX_CONTAINERS 64      /* regular containers */
#define POD_MAX_INIT_CONTAINERS 64 /* init containers, sidecars included */
#define POD_MAX_VOLUMES 256
#define POD_MAX_MOUNTS 256        /* volumeMounts per container */
#define POD_MAX_PORTS 256         /* ports per container */
#define POD_MAX_ENV 1024          /* env entries per container */
#define POD_MAX_ENV_BYTES 262144  /* sum of "NAME=value\0" per container */
#define POD_MAX_ARGS 1024         /* entries of command, of args, of an exec action */
#define POD_MAX_ARG_BYTES 131072  /* one argv or env string (the kernel's MAX_ARG_STRLEN) */
#define POD_MAX_ARGV_BYTES 262144 /* command + args together */
#define POD_MAX_STRING 65536      /* any other string */
#define POD_MAX_MAP_ENTRIES 4096  /* labels, annotations */
#define POD_MAX_ANNOTATIONS_BYTES                                                                  \
	262144                 /* keys + values (apimachinery TotalAnnotationSizeLimitB) */
#define POD_MAX_SMALL_LIST 256 /* capabilities, supplementalGroups, httpHeaders */
#define POD_MAX_PATH 4096      /* mount paths, host paths (PATH_MAX) */

typedef struct OptInt64 {
	bool set;
	int64_t value;
} OptInt64;

typedef struct OptBool {
	bool set;
	bool value;
} OptBool;

typedef struct OptQuantity {
	bool set;
	Quantity value;
} OptQuantity;

/* A string map in manifest order (labels, annotations). */
typedef enum RestartPolicy {
	RESTART_POLICY_UNSET,
	RESTART_POLICY_ALWAYS,
	RESTART_POLICY_ON_FAILURE,
	RESTART_POLICY_NEVER,
} RestartPolicy;

typedef enum PullPolicy {
	PULL_POLICY_UNSET,
	PULL_POLICY_ALWAYS,
	PULL_POLICY_IF_NOT_PRESENT,
	PULL_POLICY_NEVER,
} PullPolicy;

typedef enum Protocol {
	PROTOCOL_UNSET,
	PROTOCOL_SCTP,
	PROTOCOL_TCP,
	PROTOCOL_UDP,
} Protocol;

typedef enum TerminationMessagePolicy {
	TERMINATION_MESSAGE_UNSET,
	TERMINATION_MESSAGE_FILE,
	TERMINATION_MESSAGE_FALLBACK_TO_LOGS_ON_ERROR,
} TerminationMessagePolicy;

typedef enum DNSPolicy {
	DNS_POLICY_UNSET,
	DNS_POLICY_CLUSTER_FIRST_WITH_HOST_NET,
	DNS_POLICY_CLUSTER_FIRST,
	DNS_POLICY_DEFAULT,
	DNS_POLICY_NONE,
} DNSPolicy;

typedef enum URIScheme {
	URI_SCHEME_UNSET,
	URI_SCHEME_HTTP,
	URI_SCHEME_HTTPS,
} URIScheme;

typedef enum SeccompProfileType {
	SECCOMP_PROFILE_UNSET,
	SECCOMP_PROFILE_LOCALHOST,
	SECCOMP_PROFILE_RUNTIME_DEFAULT,
	SECCOMP_PROFILE_UNCONFINED,
} SeccompProfileType;

typedef enum ProcMountType {
	PROC_MOUNT_UNSET,
	PROC_MOUNT_DEFAULT,
	PROC_MOUNT_UNMASKED,
} ProcMountType;

typedef enum HostPathType {
	HOST_PATH_UNSET, /* "": no check before the mount */
	HOST_PATH_BLOCK_DEVICE,
	HOST_PATH_CHAR_DEVICE,
	HOST_PATH_DIRECTORY,
	HOST_PATH_DIRECTORY_OR_CREATE,
	HOST_PATH_FILE,
	HOST_PATH_FILE_OR_CREATE,
	HOST_PATH_SOCKET,
} HostPathType;

typedef enum StorageMedium {
	STORAGE_MEDIUM_DEFAULT, /* "": the node's disk */
	STORAGE_MEDIUM_MEMORY,  /* tmpfs */
} StorageMedium;

typedef enum ContainerRestartPolicy {
	CONTAINER_RESTART_POLICY_UNSET,
	CONTAINER_RESTART_POLICY_ALWAYS, /* an init container that is a sidecar */
} ContainerRestartPolicy;

typedef enum PodQOSClass {
	POD_QOS_GUARANTEED,
	POD_QOS_BURSTABLE,
	POD_QOS_BEST_EFFORT,
} PodQOSClass;

/* Enum <-> API string ("Always", "IfNotPresent", ...). to_string(UNSET) gives "". */
const char *restart_policy_to_string(RestartPolicy p);
const char *pull_policy_to_string(PullPolicy p);
const char *protocol_to_string(Protocol p);
const char *termination_message_policy_to_string(TerminationMessagePolicy p);
const char *dns_policy_to_string(DNSPolicy p);
const char *uri_scheme_to_string(URIScheme s);
const char *seccomp_profile_type_to_string(SeccompProfileType t);
const char *proc_mount_type_to_string(ProcMountType t);
const char *host_path_type_to_string(HostPathType t);
const char *storage_medium_to_string(StorageMedium m);
const char *container_restart_policy_to_string(ContainerRestartPolicy p);
const char *pod_qos_class_to_string(PodQOSClass c);

typedef struct SeccompProfile {
	SeccompProfileType type;
	char *localhost_profile; /* relative to <rootDir>/seccomp, Localhost only */
} SeccompProfile;

typedef struct Capabilities {
	char **add; /* as written ("NET_ADMIN" or "CAP_NET_ADMIN"); NULL-terminated */
	size_t n_add;
	char **drop;
	size_t n_drop;
} Capabilities;

typedef struct SecurityContext {
	OptInt64 run_as_user;
	OptInt64 run_as_group;
	OptBool run_as_non_root;
	OptBool read_only_root_filesystem;
	OptBool privileged;
	OptBool allow_privilege_escalation;
	Capabilities *capabilities;
	SeccompProfile *seccomp_profile;
	ProcMountType proc_mount;
} SecurityContext;

typedef struct PodSecurityContext {
	OptInt64 run_as_user;
	OptInt64 run_as_group;
	OptBool run_as_non_root;
	int64_t *supplemental_groups;
	size_t n_supplemental_groups;
	OptInt64 fs_group;
	SeccompProfile *seccomp_profile;
} PodSecurityContext;

/* intstr.IntOrString for probe and hook ports: a number or a container port name. */
typedef struct PortRef {
	bool is_name;
	int32_t number;
	char *name;
} PortRef;

typedef struct HTTPHeader {
	char *name;
	char *value;
} HTTPHeader;

typedef enum HandlerType {
	HANDLER_NONE,
	HANDLER_EXEC,
	HANDLER_HTTP_GET,
	HANDLER_TCP_SOCKET,
	HANDLER_GRPC,
	HANDLER_SLEEP,
} HandlerType;

/*
 * A probe handler or lifecycle hook. `type` is the first action given (exec, httpGet, tcpSocket,
 * grpc, sleep: the API's order); the others' `set` flags exist so validation can reject a second.
 */
typedef struct Handler {
	HandlerType type;
	struct {
		bool set;
		char **command;
		size_t n_command;
	} exec;
	struct {
		bool set;
		char *host; /* NULL: the pod IP */
		URIScheme scheme;
		char *path;
		PortRef port;
		HTTPHeader *headers;
		size_t n_headers;
	} http_get;
	struct {
		bool set;
		char *host;
		PortRef port;
	} tcp_socket;
	struct {
		bool set;
		int32_t port;
		char *service; /* NULL: "" (the server's overall health) */
	} grpc;
	struct {
		bool set;
		int64_t seconds;
	} sleep;
} Handler;

typedef struct Probe {
	Handler handler;
	int32_t initial_delay_seconds;
	int32_t timeout_seconds;
	int32_t period_seconds;
	int32_t success_threshold;
	int32_t failure_threshold;
	OptInt64 termination_grace_period_seconds; /* liveness/startup kills only */
} Probe;

typedef struct Lifecycle {
	Handler *post_start;
	Handler *pre_stop;
} Lifecycle;

typedef enum EnvSource {
	ENV_SOURCE_VALUE,          /* value (possibly "") */
	ENV_SOURCE_FIELD_REF,      /* valueFrom.fieldRef */
	ENV_SOURCE_RESOURCE_FIELD, /* valueFrom.resourceFieldRef */
} EnvSource;

typedef struct EnvVar {
	char *name;
	char *value; /* NULL when absent; may hold $(VAR) references, expanded by the agent */
	EnvSource source;
	struct {
		char *api_version; /* defaulted to "v1" */
		char *field_path;  /* metadata.name|namespace|uid, spec.nodeName, status.podIP */
	} field_ref;
	struct {
		char *container_name; /* NULL: this container */
		char *resource;       /* limits.cpu, requests.memory, ... */
		OptQuantity divisor;  /* unset means 1 */
	} resource_field_ref;
	unsigned n_value_from_sources; /* sources given under valueFrom, for validation */
	bool has_value_from;
} EnvVar;

typedef struct ContainerPort {
	char *name;
	int32_t container_port;
	int32_t host_port; /* 0: none */
	char *host_ip;
	Protocol protocol;
} ContainerPort;

/* Only these three resources exist for skiff: hugepages and extended resources are rejected. */
typedef struct ResourceList {
	OptQuantity cpu;
	OptQuantity memory;
	OptQuantity ephemeral_storage;
} ResourceList;

typedef struct ResourceRequirements {
	ResourceList limits;
	ResourceList requests;
	bool has_limits; /* "limits:" was given (even empty): requests default from it */
} ResourceRequirements;

typedef struct VolumeMount {
	char *name;
	char *mount_path;
	bool read_only;
	char *sub_path;
} VolumeMount;

typedef enum ContainerKind {
	CONTAINER_REGULAR,
	CONTAINER_INIT, /* restart_policy Always makes it a sidecar */
} ContainerKind;

typedef struct Container {
	ContainerKind kind;
	char *name;
	char *image;
	PullPolicy image_pull_policy;
	char **command; /* NULL-terminated; NULL: the image's entrypoint */
	size_t n_command;
	char **args; /* NULL-terminated; NULL: the image's cmd */
	size_t n_args;
	char *working_dir;
	EnvVar *env;
	size_t n_env;
	ContainerPort *ports;
	size_t n_ports;
	ResourceRequirements resources;
	VolumeMount *volume_mounts;
	size_t n_volume_mounts;
	Probe *liveness_probe;
	Probe *readiness_probe;
	Probe *startup_probe;
	Lifecycle *lifecycle;
	SecurityContext *security_context;
	char *termination_message_path;
	TerminationMessagePolicy termination_message_policy;
	ContainerRestartPolicy restart_policy; /* init containers only */
} Container;

static inline bool container_is_sidecar(const Container *c) {
	return c->kind == CONTAINER_INIT && c->restart_policy == CONTAINER_RESTART_POLICY_ALWAYS;
}

typedef enum VolumeType {
	VOLUME_NONE, /* no source given: defaulted to emptyDir */
	VOLUME_EMPTY_DIR,
	VOLUME_HOST_PATH,
} VolumeType;

typedef struct Volume {
	char *name;
	VolumeType type;
	struct {
		StorageMedium medium;
		OptQuantity size_limit;
	} empty_dir;
	struct {
		char *path;
		HostPathType type;
	} host_path;
	unsigned
	        n_sources; /* volume sources given, for "may not specify more than 1 volume type" */
} Volume;

typedef struct ObjectMeta {
	char *name;
	char *namespace;
	char *uid;
	StrMap labels;
	StrMap annotations;
} ObjectMeta;

typedef struct PodSpec {
	Container *containers;
	size_t n_containers;
	Container *init_containers;
	size_t n_init_containers;
	Volume *volumes;
	size_t n_volumes;
	RestartPolicy restart_policy;
	OptInt64 termination_grace_period_seconds;
	OptInt64 active_deadline_seconds;
	DNSPolicy dns_policy;
	bool host_network;
	bool host_pid;
	bool host_ipc;
	OptBool share_process_namespace;
	char *hostname;
	char *subdomain;
	OptInt64 priority;
	char *priority_class_name;
	char *node_name;
	PodSecurityContext *security_context;
} PodSpec;

typedef struct Pod {
	ObjectMeta metadata;
	PodSpec spec;
} Pod;

Pod *pod_new(void);
void pod_free(Pod *pod);
DEFINE_TRIVIAL_CLEANUP_FUNC(Pod *, pod_free)
#define _cleanup_pod_free_ _cleanup_(pod_freep)

/*
 * Decode a Pod object (apiVersion v1, kind Pod; kind/apiVersion are checked by the manifest
 * loader, not here). `path` prefixes every field path ("items[2]", or NULL). Type errors, bad
 * quantities and unsupported values go to diag as errors, unknown fields as warnings. The pod is
 * returned even when errors were found (-EINVAL), so validation can still report the rest.
 */
int pod_decode(json_object *obj, const char *path, Pod **ret, Diag *diag);

/* The API server's defaults (pkg/apis/core/v1/defaults.go and the declarative ones). */
void pod_apply_defaults(Pod *pod);

/* The API server's validation for a defaulted pod. Returns 0 or -EINVAL. */
int pod_validate(const Pod *pod, const char *path, Diag *diag);

/*
 * decode + defaults + validate. Validation errors under a field that already failed to decode
 * are dropped (a field of the wrong type would otherwise also be "Required"). On any error
 * returns -EINVAL with every message in diag and *ret unset.
 */
int pod_from_json(json_object *obj, const char *path, Pod **ret, Diag *diag);

/*
 * The pod as a v1 Pod object, defaults included, with status.qosClass. The agent adds its own
 * status fields to the returned object's "status" member (json_object_object_get + _add).
 */
int pod_to_json(const Pod *pod, json_object **ret);

/* Look up a container (regular or init) or a volume by name; NULL if none. */
const Container *pod_find_container(const Pod *pod, const char *name);
const Volume *pod_find_volume(const Pod *pod, const char *name);

/*
 * The port number a probe or hook port names (kubelet probe.ResolveContainerPort): a number as
 * is, a name through the container's ports, else a name that parses as a number. -ENOENT when
 * nothing matches.
 */
int container_resolve_port(const Container *c, const PortRef *port);
