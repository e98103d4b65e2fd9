/* SPDX-License-Identifier: Apache-2.0 */
#include <limits.h>

#include "kubelet-config-fields.h"

#define K(id, json, t, member, syn, ...)                                                           \
	[id] = { .name = json,                                                                     \
		 .skiff = false,                                                                   \
		 .type = t,                                                                        \
		 .offset = offsetof(SkiffConfig, member),                                          \
		 .flag_syntax = syn,                                                               \
		 .flags = { __VA_ARGS__ } }
#define S(id, json, t, member, syn, ...)                                                           \
	[id] = { .name = json,                                                                     \
		 .skiff = true,                                                                    \
		 .type = t,                                                                        \
		 .offset = offsetof(SkiffConfig, skiff.member),                                    \
		 .flag_syntax = syn,                                                               \
		 .flags = { __VA_ARGS__ } }

/* Flag names and syntaxes: cmd/kubelet/app/options/options.go AddKubeletConfigFlags. */
static const ConfigField fields[_FIELD_MAX] = {
	K(FIELD_STATIC_POD_PATH, "staticPodPath", FT_PATH, static_pod_path, FLAG_SCALAR,
	  "pod-manifest-path"),
	K(FIELD_STATIC_POD_URL, "staticPodURL", FT_STRING, static_pod_url, FLAG_SCALAR,
	  "manifest-url"),
	K(FIELD_STATIC_POD_URL_HEADER, "staticPodURLHeader", FT_HEADER_MAP, static_pod_url_header,
	  FLAG_MULTIMAP_COLON, "manifest-url-header"),
	K(FIELD_FILE_CHECK_FREQUENCY, "fileCheckFrequency", FT_DURATION, file_check_frequency,
	  FLAG_SCALAR, "file-check-frequency"),
	K(FIELD_HTTP_CHECK_FREQUENCY, "httpCheckFrequency", FT_DURATION, http_check_frequency,
	  FLAG_SCALAR, "http-check-frequency"),
	K(FIELD_ADDRESS, "address", FT_IP, address, FLAG_SCALAR, "address"),
	K(FIELD_READ_ONLY_PORT, "readOnlyPort", FT_INT32, read_only_port, FLAG_SCALAR,
	  "read-only-port"),
	K(FIELD_HEALTHZ_BIND_ADDRESS, "healthzBindAddress", FT_IP, healthz_bind_address,
	  FLAG_SCALAR, "healthz-bind-address"),
	K(FIELD_HEALTHZ_PORT, "healthzPort", FT_INT32, healthz_port, FLAG_SCALAR, "healthz-port"),
	K(FIELD_CGROUP_ROOT, "cgroupRoot", FT_STRING, cgroup_root, FLAG_SCALAR, "cgroup-root"),
	K(FIELD_CGROUP_DRIVER, "cgroupDriver", FT_CGROUP_DRIVER, cgroup_driver, FLAG_SCALAR,
	  "cgroup-driver"),
	K(FIELD_CGROUPS_PER_QOS, "cgroupsPerQOS", FT_BOOL, cgroups_per_qos, FLAG_SCALAR,
	  "cgroups-per-qos"),
	K(FIELD_MAX_PODS, "maxPods", FT_INT32, max_pods, FLAG_SCALAR, "max-pods"),
	K(FIELD_POD_PIDS_LIMIT, "podPidsLimit", FT_INT64, pod_pids_limit, FLAG_SCALAR,
	  "pod-max-pids"),
	K(FIELD_KUBE_RESERVED, "kubeReserved", FT_STRING_MAP, kube_reserved, FLAG_MAP_EQUALS,
	  "kube-reserved"),
	K(FIELD_SYSTEM_RESERVED, "systemReserved", FT_STRING_MAP, system_reserved, FLAG_MAP_EQUALS,
	  "system-reserved"),
	K(FIELD_ENFORCE_NODE_ALLOCATABLE, "enforceNodeAllocatable", FT_STRING_LIST,
	  enforce_node_allocatable, FLAG_LIST_COMMA, "enforce-node-allocatable"),
	K(FIELD_SYSTEM_RESERVED_CGROUP, "systemReservedCgroup", FT_STRING, system_reserved_cgroup,
	  FLAG_SCALAR, "system-reserved-cgroup"),
	K(FIELD_KUBE_RESERVED_CGROUP, "kubeReservedCgroup", FT_STRING, kube_reserved_cgroup,
	  FLAG_SCALAR, "kube-reserved-cgroup"),
	K(FIELD_EVICTION_HARD, "evictionHard", FT_STRING_MAP, eviction_hard, FLAG_MAP_LANGLE,
	  "eviction-hard"),
	K(FIELD_EVICTION_SOFT, "evictionSoft", FT_STRING_MAP, eviction_soft, FLAG_MAP_LANGLE,
	  "eviction-soft"),
	K(FIELD_EVICTION_SOFT_GRACE_PERIOD, "evictionSoftGracePeriod", FT_STRING_MAP,
	  eviction_soft_grace_period, FLAG_MAP_EQUALS, "eviction-soft-grace-period"),
	K(FIELD_EVICTION_MINIMUM_RECLAIM, "evictionMinimumReclaim", FT_STRING_MAP,
	  eviction_minimum_reclaim, FLAG_MAP_EQUALS, "eviction-minimum-reclaim"),
	K(FIELD_EVICTION_PRESSURE_TRANSITION_PERIOD, "evictionPressureTransitionPeriod",
	  FT_DURATION, eviction_pressure_transition_period, FLAG_SCALAR,
	  "eviction-pressure-transition-period"),
	K(FIELD_EVICTION_MAX_POD_GRACE_PERIOD, "evictionMaxPodGracePeriod", FT_INT32,
	  eviction_max_pod_grace_period, FLAG_SCALAR, "eviction-max-pod-grace-period"),
	/* no kubelet flag exists for mergeDefaultEvictionSettings */
	K(FIELD_MERGE_DEFAULT_EVICTION_SETTINGS, "mergeDefaultEvictionSettings", FT_BOOL,
	  merge_default_eviction_settings, FLAG_SCALAR, NULL),
	K(FIELD_CONTAINER_LOG_MAX_SIZE, "containerLogMaxSize", FT_STRING, container_log_max_size,
	  FLAG_SCALAR, "container-log-max-size"),
	K(FIELD_CONTAINER_LOG_MAX_FILES, "containerLogMaxFiles", FT_INT32, container_log_max_files,
	  FLAG_SCALAR, "container-log-max-files"),
	K(FIELD_CPU_CFS_QUOTA, "cpuCFSQuota", FT_BOOL, cpu_cfs_quota, FLAG_SCALAR, "cpu-cfs-quota"),
	K(FIELD_CPU_CFS_QUOTA_PERIOD, "cpuCFSQuotaPeriod", FT_DURATION, cpu_cfs_quota_period,
	  FLAG_SCALAR, "cpu-cfs-quota-period"),
	K(FIELD_MEMORY_THROTTLING_FACTOR, "memoryThrottlingFactor", FT_FLOAT,
	  memory_throttling_factor, FLAG_SCALAR, NULL),
	K(FIELD_SECCOMP_DEFAULT, "seccompDefault", FT_BOOL, seccomp_default, FLAG_SCALAR,
	  "seccomp-default"),
	/* per gate, the flag wins over the file (kubeletConfigFlagPrecedence) */
	K(FIELD_FEATURE_GATES, "featureGates", FT_FEATURE_GATES, feature_gates, FLAG_MAP_BOOL,
	  "feature-gates"),
	K(FIELD_POD_LOGS_DIR, "podLogsDir", FT_PATH, skiff.pod_log_dir, FLAG_SCALAR, NULL),
	S(FIELD_ROOT_DIR, "rootDir", FT_PATH, root_dir, FLAG_SCALAR, "root-dir"),
	/* skiff extension, so tests need no config file for a private state directory */
	S(FIELD_STATE_DIR, "stateDir", FT_PATH, state_dir, FLAG_SCALAR, "state-dir"),
	S(FIELD_IMAGE_DIR, "imageDir", FT_PATH, image_dir, FLAG_SCALAR, NULL),
	S(FIELD_POD_LOG_DIR, "podLogDir", FT_PATH, pod_log_dir, FLAG_SCALAR, NULL),
	S(FIELD_SECCOMP_DIR, "seccompDir", FT_PATH, seccomp_dir, FLAG_SCALAR, NULL),
	/* --hostname-override is the kubelet's; --node-name is skiff's plainer spelling */
	S(FIELD_NODE_NAME, "nodeName", FT_STRING, node_name, FLAG_SCALAR, "node-name",
	  "hostname-override"),
	S(FIELD_NODE_CAPACITY, "nodeCapacity", FT_STRING_MAP, node_capacity, FLAG_MAP_EQUALS, NULL),
	S(FIELD_STATIC_PODS_CRITICAL, "staticPodsCritical", FT_BOOL, static_pods_critical,
	  FLAG_SCALAR, NULL),
	S(FIELD_API_SOCKET, "apiSocket", FT_PATH, api_socket, FLAG_SCALAR, NULL),
	S(FIELD_POLICY, "policy", FT_STRING, policy, FLAG_SCALAR, NULL),
};

const ConfigField *config_field(ConfigFieldId id) {
	if (id < 0 || id >= _FIELD_MAX)
		return NULL;
	return &fields[id];
}

const ConfigField *config_field_by_name(const char *name, bool skiff, ConfigFieldId *ret_id) {
	for (size_t i = 0; i < _FIELD_MAX; i++)
		if (fields[i].skiff == skiff && streq(fields[i].name, name)) {
			if (ret_id)
				*ret_id = (ConfigFieldId)i;
			return &fields[i];
		}
	return NULL;
}

const ConfigField *config_field_by_flag(const char *flag, ConfigFieldId *ret_id,
                                        const char **ret_canonical) {
	for (size_t i = 0; i < _FIELD_MAX; i++)
		for (size_t j = 0; j < ELEMENTSOF(fields[i].flags) && fields[i].flags[j]; j++)
			if (streq(fields[i].flags[j], flag)) {
				if (ret_id)
					*ret_id = (ConfigFieldId)i;
				if (ret_canonical)
					*ret_canonical = fields[i].flags[j];
				return &fields[i];
			}
	return NULL;
}

int config_parse_bool(const char *s, bool *ret) {
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < ELEMENTSOF(yes); i++)
		if (streq(s, yes[i])) {
			*ret = true;
			return 0;
		}
	for (size_t i = 0; i < ELEMENTSOF(no); i++)
		if (streq(s, no[i])) {
			*ret = false;
			return 0;
		}
	return -EINVAL;
}

/* strconv.ParseInt(s, 0, bits) as pflag uses it: base prefixes allowed, no spaces. */
int config_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret) {
	char *end = NULL;
	if (isempty(s) || s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno != 0 || !end || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

int config_set_string(char **dst, const char *s) {
	char *c = strdup(s);
	if (!c)
		return -ENOMEM;
	free(*dst);
	*dst = c;
	return 0;
}

int config_resolve_path(const char *base, const char *p, char **ret) {
	if (isempty(base) || isempty(p) || p[0] == '/')
		return config_set_string(ret, p);
	char *j = NULL;
	if (asprintf(&j, "%s/%s", base, p) < 0)
		return -ENOMEM;
	free(*ret);
	*ret = j;
	return 0;
}
