/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ValidateKubeletConfiguration (pkg/kubelet/apis/config/validation/validation.go) for the
 * fields skiff has, with the kubelet's messages, each at the path of the value that broke it,
 * plus skiff's own keys. Reserved resources follow cmd/kubelet/app/server.go parseResourceList.
 */
#include <arpa/inet.h>
#include <stdarg.h>

#include "kubelet-config-fields.h"
#include "duration.h"
#include "validation-names.h"

#define NSEC_PER_MSEC INT64_C(1000000)
#define NSEC_PER_SEC INT64_C(1000000000)

typedef struct Validator {
	const SkiffConfig *c;
	Diag *diag;
	int ret;
} Validator;

static void fail(Validator *v, ConfigFieldId id, const char *fmt, ...) _printf_(3, 4);
static void fail(Validator *v, ConfigFieldId id, const char *fmt, ...) {
	_cleanup_free_ char *p = skiff_config_field_path(v->c, id), *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0)
		diag_error(v->diag, p, "%s", msg);
	v->ret = -EINVAL;
}

static void validate_ports(Validator *v) {
	const SkiffConfig *c = v->c;
	if (c->healthz_port != 0 && (c->healthz_port < 1 || c->healthz_port > 65535))
		fail(v, FIELD_HEALTHZ_PORT,
		     "invalid configuration: healthzPort (--healthz-port) %d must be between 1 and "
		     "65535, inclusive",
		     c->healthz_port);
	if (c->read_only_port != 0 && (c->read_only_port < 1 || c->read_only_port > 65535))
		fail(v, FIELD_READ_ONLY_PORT,
		     "invalid configuration: readOnlyPort (--read-only-port) %d must be between 0 "
		     "and "
		     "65535, inclusive",
		     c->read_only_port);
	static const ConfigFieldId ips[] = { FIELD_ADDRESS, FIELD_HEALTHZ_BIND_ADDRESS };
	for (size_t i = 0; i < ELEMENTSOF(ips); i++) {
		const char *s = *(char *const *)config_field_cptr(c, config_field(ips[i]));
		unsigned char buf[16];
		if (inet_pton(AF_INET, s, buf) != 1 && inet_pton(AF_INET6, s, buf) != 1)
			fail(v, ips[i], "\"%s\" is not a valid IP address", s);
	}
}

/* Go prints durations as "1.5s"; use the model's formatter for the kubelet's wording. */
static void validate_durations(Validator *v) {
	const SkiffConfig *c = v->c;
	if (c->cpu_cfs_quota_period < NSEC_PER_MSEC || c->cpu_cfs_quota_period > NSEC_PER_SEC) {
		char d[DURATION_STRING_MAX];
		fail(v, FIELD_CPU_CFS_QUOTA_PERIOD,
		     "invalid configuration: cpuCFSQuotaPeriod (--cpu-cfs-quota-period) %s must be "
		     "between 1ms and 1sec, inclusive",
		     duration_to_string(c->cpu_cfs_quota_period, d));
	}
	static const ConfigFieldId positive[] = { FIELD_FILE_CHECK_FREQUENCY,
		                                  FIELD_HTTP_CHECK_FREQUENCY,
		                                  FIELD_EVICTION_PRESSURE_TRANSITION_PERIOD };
	for (size_t i = 0; i < ELEMENTSOF(positive); i++) {
		/* the kubelet does not check these; a negative period would spin its timers */
		int64_t d = *(const int64_t *)config_field_cptr(c, config_field(positive[i]));
		if (d < 0)
			fail(v, positive[i], "must not be negative");
	}
}

static void validate_numbers(Validator *v) {
	const SkiffConfig *c = v->c;
	if (c->max_pods < 0)
		fail(v, FIELD_MAX_PODS,
		     "invalid configuration: maxPods (--max-pods) %d must not be a negative number",
		     c->max_pods);
	if (c->container_log_max_files <= 1)
		fail(v, FIELD_CONTAINER_LOG_MAX_FILES,
		     "invalid configuration: containerLogMaxFiles must be greater than 1");
	if (!(c->memory_throttling_factor > 0 && c->memory_throttling_factor <= 1.0))
		fail(v, FIELD_MEMORY_THROTTLING_FACTOR,
		     "invalid configuration: memoryThrottlingFactor %g must be greater than 0 and "
		     "less "
		     "than or equal to 1.0",
		     c->memory_throttling_factor);
}

/* The enforceNodeAllocatable loop of ValidateKubeletConfiguration. */
static void validate_enforce_one(Validator *v, const char *val, size_t n) {
	static const char *const valid[] = { "pods",
		                             "system-reserved",
		                             "system-reserved-compressible",
		                             "kube-reserved",
		                             "kube-reserved-compressible",
		                             "none" };
	if (streq(val, "none")) {
		if (n > 1)
			fail(v, FIELD_ENFORCE_NODE_ALLOCATABLE,
			     "invalid configuration: enforceNodeAllocatable "
			     "(--enforce-node-allocatable) "
			     "may not contain additional enforcements when \"none\" is specified");
		return;
	}
	bool known = false;
	for (size_t i = 0; i < ELEMENTSOF(valid); i++)
		known = known || streq(val, valid[i]);
	if (known && startswith(val, "system-reserved") && isempty(v->c->system_reserved_cgroup))
		fail(v, FIELD_ENFORCE_NODE_ALLOCATABLE,
		     "invalid configuration: systemReservedCgroup (--system-reserved-cgroup) must "
		     "be "
		     "specified when \"system-reserved\" or \"system-reserved-compressible\" "
		     "included in "
		     "enforceNodeAllocatable (--enforce-node-allocatable)");
	if (known && startswith(val, "kube-reserved") && isempty(v->c->kube_reserved_cgroup))
		fail(v, FIELD_ENFORCE_NODE_ALLOCATABLE,
		     "invalid configuration: kubeReservedCgroup (--kube-reserved-cgroup) must be "
		     "specified when \"kube-reserved\" or \"kube-reserved-compressible\" included "
		     "in "
		     "enforceNodeAllocatable (--enforce-node-allocatable)");
	if (known) {
		if (!v->c->cgroups_per_qos)
			fail(v, FIELD_ENFORCE_NODE_ALLOCATABLE,
			     "invalid configuration: cgroupsPerQOS (--cgroups-per-qos) must be set "
			     "to true "
			     "when \"%s\" contained in enforceNodeAllocatable "
			     "(--enforce-node-allocatable)",
			     val);
		return;
	}
	fail(v, FIELD_ENFORCE_NODE_ALLOCATABLE,
	     "invalid configuration: option \"%s\" specified for enforceNodeAllocatable "
	     "(--enforce-node-allocatable). Valid options are \"pods\", \"system-reserved\", "
	     "\"system-reserved-compressible\", \"kube-reserved\", \"kube-reserved-compressible\" "
	     "or "
	     "\"none\"",
	     val);
}

static void validate_enforce(Validator *v) {
	char *const *l = v->c->enforce_node_allocatable;
	size_t n = strv_length(l);
	bool has[4] = {};
	static const char *const pairs[2][2] = {
		{ "system-reserved", "system-reserved-compressible" },
		{ "kube-reserved", "kube-reserved-compressible" }
	};
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < 4; k++)
			has[k] = has[k] || streq(l[i], pairs[k / 2][k % 2]);
	for (size_t k = 0; k < 2; k++)
		if (has[2 * k] && has[2 * k + 1])
			fail(v, FIELD_ENFORCE_NODE_ALLOCATABLE,
			     "invalid configuration: both \"%s\" and \"%s\" cannot be specified "
			     "together in "
			     "enforceNodeAllocatable (--enforce-node-allocatable)",
			     pairs[k][0], pairs[k][1]);
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup = dup || streq(l[i], l[j]);
		if (dup) {
			fail(v, FIELD_ENFORCE_NODE_ALLOCATABLE,
			     "invalid configuration: duplicated enforcements \"%s\" in "
			     "enforceNodeAllocatable (--enforce-node-allocatable)",
			     l[i]);
			continue;
		}
		validate_enforce_one(v, l[i], n);
	}
}

static void validate_absolute(Validator *v, ConfigFieldId id, bool allow_empty) {
	const char *s = *(char *const *)config_field_cptr(v->c, config_field(id));
	if (isempty(s) ? !allow_empty : s[0] != '/')
		fail(v, id, "path \"%s\" must be absolute", strempty(s));
}

static void validate_skiff(Validator *v) {
	static const ConfigFieldId dirs[] = {
		FIELD_ROOT_DIR,    FIELD_STATE_DIR,   FIELD_IMAGE_DIR,
		FIELD_POD_LOG_DIR, FIELD_SECCOMP_DIR, FIELD_API_SOCKET
	};
	const char *msgs[NAME_MSGS_MAX];
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		ConfigFieldId id = dirs[i];
		/* name the key that set it: the kubelet's podLogsDir or skiff.podLogDir */
		if (id == FIELD_POD_LOG_DIR && v->c->origin[FIELD_POD_LOGS_DIR] != ORIGIN_DEFAULT)
			id = FIELD_POD_LOGS_DIR;
		validate_absolute(v, id, false);
	}
	validate_absolute(v, FIELD_STATIC_POD_PATH, true);
	if (!streq(v->c->skiff.policy, "kubelet"))
		fail(v, FIELD_POLICY, "unsupported value \"%s\": supported values: \"kubelet\"",
		     v->c->skiff.policy);
	/* static pods are named <name>-<nodeName>, and the node is an API object */
	size_t n = is_dns1123_subdomain(v->c->skiff.node_name, msgs);
	for (size_t i = 0; i < n; i++)
		fail(v, FIELD_NODE_NAME, "Invalid value: \"%s\": %s", v->c->skiff.node_name,
		     msgs[i]);
	if (!isempty(v->c->static_pod_url) && !startswith(v->c->static_pod_url, "http://") &&
	    !startswith(v->c->static_pod_url, "https://"))
		fail(v, FIELD_STATIC_POD_URL, "unsupported URL \"%s\": must be http:// or https://",
		     v->c->static_pod_url);
}

int skiff_config_validate(const SkiffConfig *c, Diag *diag) {
	Validator v = { .c = c, .diag = diag };
	validate_ports(&v);
	validate_durations(&v);
	validate_numbers(&v);
	validate_enforce(&v);
	validate_skiff(&v);
	return v.ret;
}
