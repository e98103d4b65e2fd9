/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff's configuration: a KubeletConfiguration (kubelet.config.k8s.io/v1beta1) with the
 * kubelet's field names, defaults and validation for the fields a standalone node agent uses,
 * plus skiff's own keys under a top-level `skiff:` map. Kubelet flags override the file, as
 * in the kubelet (cmd/kubelet/app/server.go kubeletConfigFlagPrecedence).
 *
 * The daemon calls skiff_config_load() once at start: a fully defaulted and validated
 * configuration, or every error in the Diag (each entry names the file and field path, or the
 * flag), never a silent default. Documented example: contrib/config/config.yaml.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "config-maps.h"
#include "diag.h"
#include "eviction-threshold.h"

#define KUBELET_CONFIG_API_VERSION "kubelet.config.k8s.io/v1beta1"
#define KUBELET_CONFIG_KIND "KubeletConfiguration"
#define SKIFF_CONFIG_MAX_FILE_SIZE (4U * 1024U * 1024U)

typedef enum CgroupDriver {
	CGROUP_DRIVER_CGROUPFS,
	CGROUP_DRIVER_SYSTEMD,
	_CGROUP_DRIVER_MAX,
	_CGROUP_DRIVER_INVALID = -EINVAL,
} CgroupDriver;

/* Reserved or capacity amounts, parsed from a resource map; `set` says which are present. */
typedef enum ResourceKind {
	RESOURCE_CPU,               /* milli-CPU */
	RESOURCE_MEMORY,            /* bytes */
	RESOURCE_EPHEMERAL_STORAGE, /* bytes */
	RESOURCE_PID,               /* "pid" in kubeReserved/systemReserved, "pids" in capacity */
	RESOURCE_PODS,              /* nodeCapacity only */
	_RESOURCE_MAX,
} ResourceKind;

typedef struct ResourceAmounts {
	int64_t value[_RESOURCE_MAX];
	bool set[_RESOURCE_MAX];
} ResourceAmounts;

/* Where a field's value came from, for messages ("--max-pods", "config.yaml: maxPods"). */
typedef enum FieldOrigin {
	ORIGIN_DEFAULT,
	ORIGIN_FILE,
	ORIGIN_FLAG,
} FieldOrigin;

/* Field ids: one per configuration key (kubelet-config-fields.c holds the table). */
typedef enum ConfigFieldId {
	FIELD_STATIC_POD_PATH,
	FIELD_STATIC_POD_URL,
	FIELD_STATIC_POD_URL_HEADER,
	FIELD_FILE_CHECK_FREQUENCY,
	FIELD_HTTP_CHECK_FREQUENCY,
	FIELD_ADDRESS,
	FIELD_READ_ONLY_PORT,
	FIELD_HEALTHZ_BIND_ADDRESS,
	FIELD_HEALTHZ_PORT,
	FIELD_CGROUP_ROOT,
	FIELD_CGROUP_DRIVER,
	FIELD_CGROUPS_PER_QOS,
	FIELD_MAX_PODS,
	FIELD_POD_PIDS_LIMIT,
	FIELD_KUBE_RESERVED,
	FIELD_SYSTEM_RESERVED,
	FIELD_ENFORCE_NODE_ALLOCATABLE,
	FIELD_SYSTEM_RESERVED_CGROUP,
	FIELD_KUBE_RESERVED_CGROUP,
	FIELD_EVICTION_HARD,
	FIELD_EVICTION_SOFT,
	FIELD_EVICTION_SOFT_GRACE_PERIOD,
	FIELD_EVICTION_MINIMUM_RECLAIM,
	FIELD_EVICTION_PRESSURE_TRANSITION_PERIOD,
	FIELD_EVICTION_MAX_POD_GRACE_PERIOD,
	FIELD_MERGE_DEFAULT_EVICTION_SETTINGS,
	FIELD_CONTAINER_LOG_MAX_SIZE,
	FIELD_CONTAINER_LOG_MAX_FILES,
	FIELD_CPU_CFS_QUOTA,
	FIELD_CPU_CFS_QUOTA_PERIOD,
	FIELD_MEMORY_THROTTLING_FACTOR,
	FIELD_SECCOMP_DEFAULT,
	FIELD_FEATURE_GATES,
	FIELD_POD_LOGS_DIR, /* the kubelet's podLogsDir: an alias of skiff.podLogDir */
	/* skiff: */
	FIELD_ROOT_DIR,
	FIELD_STATE_DIR,
	FIELD_IMAGE_DIR,
	FIELD_POD_LOG_DIR,
	FIELD_SECCOMP_DIR,
	FIELD_NODE_NAME,
	FIELD_NODE_CAPACITY,
	FIELD_STATIC_PODS_CRITICAL,
	FIELD_API_SOCKET,
	FIELD_POLICY,
	_FIELD_MAX,
} ConfigFieldId;

/*
 * The feature gates skiff knows: k8s.io/component-base/featuregate's AllAlpha/AllBeta and the
 * kubelet gates skiff acts on (pkg/features/kube_features.go). Any other name is refused, as
 * the kubelet refuses a gate it does not know.
 */
typedef enum FeatureGateId {
	FEATURE_ALL_ALPHA, /* AllAlpha: the value of every alpha gate not given */
	FEATURE_ALL_BETA,  /* AllBeta: the same for beta gates */
	FEATURE_MEMORY_QOS,
	_FEATURE_GATE_MAX,
	_FEATURE_GATE_INVALID = -EINVAL,
} FeatureGateId;

/* The featureGates map as given: the file's, with --feature-gates winning gate by gate. */
typedef struct FeatureGates {
	bool set[_FEATURE_GATE_MAX];
	bool value[_FEATURE_GATE_MAX];
} FeatureGates;

typedef struct SkiffSection {
	char *root_dir;       /* /var/lib/skiff */
	char *state_dir;      /* /run/skiff */
	char *image_dir;      /* <rootDir>/images */
	char *pod_log_dir;    /* /var/log/pods */
	char *seccomp_dir;    /* <rootDir>/seccomp */
	char *node_name;      /* lowercased hostname */
	StrMap node_capacity; /* cpu, memory, ephemeral-storage, pods, pids (as written) */
	bool static_pods_critical;
	char *api_socket; /* <stateDir>/skiff.sock */
	char *policy;     /* eviction ranking policy: "kubelet" */
} SkiffSection;

typedef struct SkiffConfig {
	/* --- KubeletConfiguration fields, kubelet names in comments --- */
	char *static_pod_path;           /* staticPodPath ("" = none) */
	char *static_pod_url;            /* staticPodURL ("" = none) */
	HeaderMap static_pod_url_header; /* staticPodURLHeader */
	int64_t file_check_frequency;    /* fileCheckFrequency, ns (20s) */
	int64_t http_check_frequency;    /* httpCheckFrequency, ns (20s) */
	char *address;                   /* address of the read-only listener (0.0.0.0) */
	int32_t read_only_port;          /* readOnlyPort (0 = disabled) */
	char *healthz_bind_address;      /* healthzBindAddress (127.0.0.1) */
	int32_t healthz_port;            /* healthzPort (10248; 0 = disabled) */
	char *cgroup_root;               /* cgroupRoot ("" = runtime default, "/") */
	CgroupDriver cgroup_driver;      /* cgroupDriver (cgroupfs) */
	bool cgroups_per_qos;            /* cgroupsPerQOS (true) */
	int32_t max_pods;                /* maxPods (110) */
	int64_t pod_pids_limit;          /* podPidsLimit (-1 = none) */
	StrMap kube_reserved;            /* kubeReserved, as written */
	StrMap system_reserved;          /* systemReserved, as written */
	char **enforce_node_allocatable; /* enforceNodeAllocatable (["pods"]), strv */
	char *system_reserved_cgroup;    /* systemReservedCgroup ("") */
	char *kube_reserved_cgroup;      /* kubeReservedCgroup ("") */
	StrMap eviction_hard;            /* evictionHard, effective (defaults / merge applied) */
	StrMap eviction_soft;
	StrMap eviction_soft_grace_period;
	StrMap eviction_minimum_reclaim;
	int64_t eviction_pressure_transition_period; /* ns (5m) */
	int32_t eviction_max_pod_grace_period;       /* seconds (0) */
	bool merge_default_eviction_settings;        /* false */
	char *container_log_max_size;                /* "10Mi" as written */
	int32_t container_log_max_files;             /* 5 */
	bool cpu_cfs_quota;                          /* true */
	int64_t cpu_cfs_quota_period;                /* ns (100ms) */
	double memory_throttling_factor;             /* 0.9 */
	bool seccomp_default;                        /* seccompDefault (false) */
	FeatureGates feature_gates;                  /* featureGates, as given */

	SkiffSection skiff;

	/* --- derived, filled by skiff_config_finish() --- */
	EvictionThresholds thresholds; /* parsed as the kubelet does */
	ResourceAmounts kube_reserved_amounts;
	ResourceAmounts system_reserved_amounts;
	ResourceAmounts node_capacity_amounts;
	int64_t container_log_max_size_bytes;
	bool memory_qos; /* feature gate MemoryQoS (alpha, default false) */

	/* --- bookkeeping for messages --- */
	char *config_file;  /* --config as given, NULL without one */
	char *field_prefix; /* path of the object the fields sit in ("config"), NULL at top */
	FieldOrigin origin[_FIELD_MAX];
	const char *origin_flag[_FIELD_MAX]; /* the flag name that set it (static string) */
	bool eviction_hard_set;              /* evictionHard given (file or flag) */
} SkiffConfig;

/* Inputs of the pure part; skiff_config_load() fills them from the process. */
typedef struct ConfigInputs {
	char **argv; /* flags only (after the subcommand), NULL-terminated or argc-bounded */
	int argc;
	const char *hostname; /* for the default node name */
	const char *cwd;      /* to make relative flag paths absolute */
	/* the --config file's contents, when the caller read it (tests); else read from disk */
	const char *file_data;
	size_t file_size;
} ConfigInputs;

SkiffConfig *skiff_config_free(SkiffConfig *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(SkiffConfig *, skiff_config_free)

/* Every field at its kubelet/skiff default (before the file and flags). */
int skiff_config_new(SkiffConfig **ret);

/*
 * The whole pipeline, as the kubelet runs it: decode the --config file (if any), apply the
 * v1beta1 defaults, re-apply the flags on top, fill the evictionHard defaults, derive and
 * validate. -EINVAL with every problem in diag; warnings (unknown fields) are kept in diag too.
 */
int skiff_config_build(const ConfigInputs *in, SkiffConfig **ret, Diag *diag);

/* skiff_config_build() with hostname and cwd of this process (the daemon's entry point). */
int skiff_config_load(int argc, char **argv, SkiffConfig **ret, Diag *diag);

/*
 * Decode one KubeletConfiguration document (file contents, YAML or JSON) into c. `origin` is
 * the file name put in front of messages; relative paths in the file are resolved against
 * base_dir (the file's absolute directory, as the kubelet's loader does; NULL keeps them).
 * Requires apiVersion/kind; unknown fields are warnings.
 */
int skiff_config_decode_file(SkiffConfig *c, const char *data, size_t size, const char *origin,
                             const char *base_dir, Diag *diag);
/*
 * Decode an already parsed object of KubeletConfiguration fields (the eviction testbed's
 * `config:` block). `path` prefixes every message ("config"); apiVersion/kind are optional.
 */
int skiff_config_decode_tree(SkiffConfig *c, json_object *o, const char *path, Diag *diag);

/*
 * The whole pipeline for an already parsed object of fields (no flags): decode, default,
 * derive, validate. For the eviction testbed's `config:` block; hostname names the node when
 * the block sets no skiff.nodeName.
 */
int skiff_config_from_tree(json_object *o, const char *path, const char *hostname,
                           SkiffConfig **ret, Diag *diag);

/* kubelet flags (cmd/kubelet/app/options/options.go): --flag value, --flag=value, --bool. */
int skiff_config_apply_flags(SkiffConfig *c, int argc, char **argv, const char *cwd, Diag *diag);
/* Find --config FILE / --config=FILE in argv: 1 and *ret (borrowed) when present. */
int skiff_config_find_config_flag(int argc, char **argv, const char **ret);

/* SetDefaults_KubeletConfiguration for values decoded from a file (zero/unset -> default). */
void skiff_config_apply_file_defaults(SkiffConfig *c);
/* Derived defaults (imageDir from rootDir, ...), effective evictionHard, parsed thresholds. */
int skiff_config_finish(SkiffConfig *c, const char *hostname, Diag *diag);
/* ValidateKubeletConfiguration for these fields, plus skiff's own keys. */
int skiff_config_validate(const SkiffConfig *c, Diag *diag);

/* The effective configuration as a KubeletConfiguration object (for -o yaml|json). */
int skiff_config_to_json(const SkiffConfig *c, json_object **ret);

const char *feature_gate_to_string(FeatureGateId id);
FeatureGateId feature_gate_from_string(const char *s); /* case-sensitive, as the kubelet */
/* AllAlpha / AllBeta: they set other gates and are not features themselves. */
bool feature_gate_is_special(FeatureGateId id);
/* featuregate Enabled(): the value given, else AllAlpha/AllBeta for its stage, else default. */
bool feature_gate_enabled(const FeatureGates *g, FeatureGateId id);

const char *cgroup_driver_to_string(CgroupDriver d);
CgroupDriver cgroup_driver_from_string(const char *s);

/* Parse a resource map (kubeReserved, systemReserved, nodeCapacity) into amounts. */
int resource_amounts_parse(const StrMap *m, bool capacity, const char *path, ResourceAmounts *ret,
                           Diag *diag);

/* "<file>: <json path>", "--flag" or "<json path>": where a field's value came from. */
char *skiff_config_field_path(const SkiffConfig *c, ConfigFieldId id);
