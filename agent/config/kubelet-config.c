/* SPDX-License-Identifier: Apache-2.0 */
/* Defaults (pkg/kubelet/apis/config/v1beta1/defaults.go), derived values, free. */
#include <ctype.h>

#include "kubelet-config-fields.h"
#include "quantity.h"

#define NSEC_PER_MSEC INT64_C(1000000)
#define NSEC_PER_SEC INT64_C(1000000000)

static const char *const cgroup_driver_names[_CGROUP_DRIVER_MAX] = {
	[CGROUP_DRIVER_CGROUPFS] = "cgroupfs",
	[CGROUP_DRIVER_SYSTEMD] = "systemd",
};

const char *cgroup_driver_to_string(CgroupDriver d) {
	if (d < 0 || d >= _CGROUP_DRIVER_MAX)
		return NULL;
	return cgroup_driver_names[d];
}

CgroupDriver cgroup_driver_from_string(const char *s) {
	for (size_t i = 0; i < _CGROUP_DRIVER_MAX; i++)
		if (streq(cgroup_driver_names[i], s))
			return (CgroupDriver)i;
	return _CGROUP_DRIVER_INVALID;
}

SkiffConfig *skiff_config_free(SkiffConfig *c) {
	if (!c)
		return NULL;
	for (size_t i = 0; i < _FIELD_MAX; i++) {
		const ConfigField *f = config_field((ConfigFieldId)i);
		void *p = config_field_ptr(c, f);
		if (i == FIELD_POD_LOGS_DIR) /* alias of skiff.podLogDir */
			continue;
		switch (f->type) {
		case FT_STRING:
		case FT_PATH:
		case FT_IP:
			free(*(char **)p);
			break;
		case FT_STRING_MAP:
			strmap_done(p);
			break;
		case FT_STRING_LIST:
			strv_free(*(char ***)p);
			break;
		case FT_HEADER_MAP:
			header_map_done(p);
			break;
		default:
			break;
		}
	}
	eviction_thresholds_done(&c->thresholds);
	free(c->config_file);
	free(c->field_prefix);
	free(c);
	return NULL;
}

static int set_defaults_strings(SkiffConfig *c) {
	static const struct {
		ConfigFieldId id;
		const char *value;
	} d[] = {
		{ FIELD_STATIC_POD_PATH, "" },
		{ FIELD_STATIC_POD_URL, "" },
		{ FIELD_ADDRESS, "0.0.0.0" },
		{ FIELD_HEALTHZ_BIND_ADDRESS, "127.0.0.1" },
		{ FIELD_CGROUP_ROOT, "" },
		{ FIELD_SYSTEM_RESERVED_CGROUP, "" },
		{ FIELD_KUBE_RESERVED_CGROUP, "" },
		{ FIELD_CONTAINER_LOG_MAX_SIZE, "10Mi" },
		{ FIELD_ROOT_DIR, "/var/lib/skiff" },
		{ FIELD_STATE_DIR, "/run/skiff" },
		{ FIELD_POD_LOG_DIR, "/var/log/pods" },
		{ FIELD_POLICY, "kubelet" },
	};
	for (size_t i = 0; i < ELEMENTSOF(d); i++) {
		int r = config_set_string(config_field_ptr(c, config_field(d[i].id)), d[i].value);
		if (r < 0)
			return r;
	}
	return strv_extend(&c->enforce_node_allocatable, "pods");
}

int skiff_config_new(SkiffConfig **ret) {
	_cleanup_(skiff_config_freep) SkiffConfig *c = calloc(1, sizeof(SkiffConfig));
	if (!c)
		return -ENOMEM;
	c->file_check_frequency = 20 * NSEC_PER_SEC;
	c->http_check_frequency = 20 * NSEC_PER_SEC;
	c->healthz_port = 10248;
	c->cgroup_driver = CGROUP_DRIVER_CGROUPFS;
	c->cgroups_per_qos = true;
	c->max_pods = 110;
	c->pod_pids_limit = -1;
	c->eviction_pressure_transition_period = 5 * 60 * NSEC_PER_SEC;
	c->container_log_max_files = 5;
	c->cpu_cfs_quota = true;
	c->cpu_cfs_quota_period = 100 * NSEC_PER_MSEC;
	c->memory_throttling_factor = 0.9;
	int r = set_defaults_strings(c);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(c);
	return 0;
}

/*
 * SetDefaults_KubeletConfiguration runs on the decoded file: plain (non-pointer) fields at
 * their zero value take the default even when the file wrote the zero (maxPods: 0 -> 110);
 * pointer fields (cgroupsPerQOS, healthzPort, containerLogMaxFiles, ...) keep an explicit
 * zero. Fields never decoded already hold their defaults.
 */
void skiff_config_apply_file_defaults(SkiffConfig *c) {
	if (c->file_check_frequency == 0)
		c->file_check_frequency = 20 * NSEC_PER_SEC;
	if (c->http_check_frequency == 0)
		c->http_check_frequency = 20 * NSEC_PER_SEC;
	if (isempty(c->address))
		(void)config_set_string(&c->address, "0.0.0.0");
	if (isempty(c->healthz_bind_address))
		(void)config_set_string(&c->healthz_bind_address, "127.0.0.1");
	if (c->max_pods == 0)
		c->max_pods = 110;
	/* "default nil or negative value to -1 (implies node allocatable pid limit)" */
	if (c->pod_pids_limit < 0)
		c->pod_pids_limit = -1;
	if (c->eviction_pressure_transition_period == 0)
		c->eviction_pressure_transition_period = 5 * 60 * NSEC_PER_SEC;
	if (isempty(c->container_log_max_size))
		(void)config_set_string(&c->container_log_max_size, "10Mi");
	/* skiff's own strings: "" means unset */
	if (isempty(c->skiff.root_dir))
		(void)config_set_string(&c->skiff.root_dir, "/var/lib/skiff");
	if (isempty(c->skiff.state_dir))
		(void)config_set_string(&c->skiff.state_dir, "/run/skiff");
	if (isempty(c->skiff.pod_log_dir))
		(void)config_set_string(&c->skiff.pod_log_dir, "/var/log/pods");
	if (isempty(c->skiff.policy))
		(void)config_set_string(&c->skiff.policy, "kubelet");
}

static int derive_path(char **dst, const char *dir, const char *name) {
	if (!isempty(*dst))
		return 0;
	char *p = NULL;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	free(*dst);
	*dst = p;
	return 0;
}

/* nodeutil.GetHostname: trim spaces, refuse empty, lower-case (the override too). */
static int derive_node_name(SkiffConfig *c, const char *hostname, Diag *diag) {
	const char *src = isempty(c->skiff.node_name) ? hostname : c->skiff.node_name;
	_cleanup_free_ char *copy = strdup(strempty(src));
	if (!copy)
		return -ENOMEM;
	char *s = copy;
	while (isspace((unsigned char)*s))
		s++;
	size_t l = strlen(s);
	while (l > 0 && isspace((unsigned char)s[l - 1]))
		s[--l] = '\0';
	if (l == 0) {
		_cleanup_free_ char *p = skiff_config_field_path(c, FIELD_NODE_NAME);
		diag_error(diag, p, "empty hostname is invalid");
		return -EINVAL;
	}
	for (char *i = s; *i; i++)
		*i = (char)tolower((unsigned char)*i);
	return config_set_string(&c->skiff.node_name, s);
}

static int derive_thresholds(SkiffConfig *c, Diag *diag) {
	_cleanup_(strmap_done) StrMap hard = {};
	_cleanup_free_ char *hp = skiff_config_field_path(c, FIELD_EVICTION_HARD);
	_cleanup_free_ char *sp = skiff_config_field_path(c, FIELD_EVICTION_SOFT);
	_cleanup_free_ char *gp = skiff_config_field_path(c, FIELD_EVICTION_SOFT_GRACE_PERIOD);
	_cleanup_free_ char *rp = skiff_config_field_path(c, FIELD_EVICTION_MINIMUM_RECLAIM);
	int r;

	if (!hp || !sp || !gp || !rp)
		return -ENOMEM;
	r = eviction_hard_effective(c->eviction_hard_set ? &c->eviction_hard : NULL,
	                            c->merge_default_eviction_settings, &hard);
	if (r < 0)
		return r;
	strmap_done(&c->eviction_hard);
	c->eviction_hard = hard;
	hard = (StrMap){};

	EvictionConfig ec = {
		.hard = &c->eviction_hard,
		.soft = &c->eviction_soft,
		.soft_grace_period = &c->eviction_soft_grace_period,
		.minimum_reclaim = &c->eviction_minimum_reclaim,
		.enforce_node_allocatable = c->enforce_node_allocatable,
		.hard_path = hp,
		.soft_path = sp,
		.grace_path = gp,
		.reclaim_path = rp,
	};
	eviction_thresholds_done(&c->thresholds);
	r = eviction_thresholds_parse(&ec, &c->thresholds, diag);
	if (r < 0)
		return r;
	/* skiff keeps images and containers under rootDir: one file system as the kubelet sees it
	 */
	return eviction_thresholds_update_containerfs(&c->thresholds, false, false, diag, hp);
}

static int derive_amounts(SkiffConfig *c, Diag *diag) {
	static const struct {
		ConfigFieldId id;
		size_t offset;
		bool capacity;
	} maps[] = {
		{ FIELD_KUBE_RESERVED, offsetof(SkiffConfig, kube_reserved_amounts), false },
		{ FIELD_SYSTEM_RESERVED, offsetof(SkiffConfig, system_reserved_amounts), false },
		{ FIELD_NODE_CAPACITY, offsetof(SkiffConfig, node_capacity_amounts), true },
	};
	int ret = 0;
	for (size_t i = 0; i < ELEMENTSOF(maps); i++) {
		_cleanup_free_ char *p = skiff_config_field_path(c, maps[i].id);
		if (!p)
			return -ENOMEM;
		int r = resource_amounts_parse(
		        config_field_ptr(c, config_field(maps[i].id)), maps[i].capacity, p,
		        (ResourceAmounts *)((char *)c + maps[i].offset), diag);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			ret = r;
	}

	/* pkg/kubelet/logs: resource.ParseQuantity(containerLogMaxSize); negative disables */
	Quantity q;
	if (quantity_parse(c->container_log_max_size, &q, NULL) < 0 ||
	    quantity_value(&q, &c->container_log_max_size_bytes) < 0) {
		_cleanup_free_ char *p = skiff_config_field_path(c, FIELD_CONTAINER_LOG_MAX_SIZE);
		diag_error(diag, p, "invalid quantity \"%s\"", c->container_log_max_size);
		return -EINVAL;
	}
	return ret;
}

int skiff_config_finish(SkiffConfig *c, const char *hostname, Diag *diag) {
	int r, ret = 0;

	if (c->pod_pids_limit < 0)
		c->pod_pids_limit = -1;
	r = derive_path(&c->skiff.image_dir, c->skiff.root_dir, "images");
	if (r >= 0)
		r = derive_path(&c->skiff.seccomp_dir, c->skiff.root_dir, "seccomp");
	if (r >= 0)
		r = derive_path(&c->skiff.api_socket, c->skiff.state_dir, "skiff.sock");
	if (r < 0)
		return r;
	feature_gates_resolve(c);
	r = derive_node_name(c, hostname, diag);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		ret = r;
	r = derive_thresholds(c, diag);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		ret = r;
	r = derive_amounts(c, diag);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		ret = r;
	return ret;
}

char *skiff_config_field_path(const SkiffConfig *c, ConfigFieldId id) {
	const ConfigField *f = config_field(id);
	char *p = NULL;
	int r;

	const char *pre = strempty(c->field_prefix), *dot = isempty(c->field_prefix) ? "" : ".";
	const char *sk = f->skiff ? "skiff." : "";

	if (c->origin[id] == ORIGIN_FLAG && c->origin_flag[id])
		r = asprintf(&p, "--%s", c->origin_flag[id]);
	else if (c->origin[id] == ORIGIN_FILE && c->config_file)
		r = asprintf(&p, "%s: %s%s%s%s", c->config_file, pre, dot, sk, f->name);
	else
		r = asprintf(&p, "%s%s%s%s", pre, dot, sk, f->name);
	return r < 0 ? NULL : p;
}
