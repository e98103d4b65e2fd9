/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration pipeline: defaults (pkg/kubelet/apis/config/v1beta1/defaults.go), YAML and
 * JSON decoding, flags over the file, and the validation messages of ValidateKubeletConfiguration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "duration.h"
#include "kubelet-config.h"

#define HEADER "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

typedef struct Run {
	SkiffConfig *c;
	Diag diag;
	int r;
} Run;

static void run_done(Run *r) {
	skiff_config_free(r->c);
	diag_clear(&r->diag);
}

/* Build from an in-memory file ("/etc/skiff/config.yaml" unless no_file) and flags. */
static void build(Run *out, const char *file, const char *const *flags) {
	char *argv[32] = {};
	int argc = 0;
	if (file) {
		argv[argc++] = (char *)"--config";
		argv[argc++] = (char *)"/etc/skiff/config.yaml";
	}
	for (size_t i = 0; flags && flags[i]; i++)
		argv[argc++] = (char *)flags[i];
	ConfigInputs in = {
		.argc = argc,
		.argv = argv,
		.hostname = " Test-Node.Example ",
		.cwd = "/home/op",
		.file_data = file,
		.file_size = file ? strlen(file) : 0,
	};
	out->r = skiff_config_build(&in, &out->c, &out->diag);
}

static void dump(const Diag *d) {
	for (size_t i = 0; i < d->n_errors; i++)
		fprintf(stderr, "error: %s\n", d->errors[i]);
	for (size_t i = 0; i < d->n_warnings; i++)
		fprintf(stderr, "warning: %s\n", d->warnings[i]);
}

static void expect_ok(Run *r) {
	if (r->r != 0)
		dump(&r->diag);
	assert_int_equal(r->r, 0);
	assert_non_null(r->c);
}

static bool has_entry(char **l, size_t n, const char *msg) {
	for (size_t i = 0; i < n; i++)
		if (streq(l[i], msg))
			return true;
	return false;
}

static void expect_error(Run *r, const char *msg) {
	assert_int_equal(r->r, -EINVAL);
	if (!has_entry(r->diag.errors, r->diag.n_errors, msg)) {
		dump(&r->diag);
		fail_msg("missing error: %s", msg);
	}
}

static void expect_error_prefix(Run *r, const char *prefix) {
	assert_int_equal(r->r, -EINVAL);
	for (size_t i = 0; i < r->diag.n_errors; i++)
		if (startswith(r->diag.errors[i], prefix))
			return;
	dump(&r->diag);
	fail_msg("missing error starting with: %s", prefix);
}

static void expect_warning(Run *r, const char *msg) {
	if (!has_entry(r->diag.warnings, r->diag.n_warnings, msg)) {
		dump(&r->diag);
		fail_msg("missing warning: %s", msg);
	}
}

static void test_defaults(void **state) {
	_cleanup_(run_done) Run r = {};
	build(&r, NULL, NULL);
	expect_ok(&r);
	SkiffConfig *c = r.c;
	assert_string_equal(c->static_pod_path, "");
	assert_int_equal(c->file_check_frequency, 20 * DURATION_SECOND);
	assert_int_equal(c->http_check_frequency, 20 * DURATION_SECOND);
	assert_int_equal(c->cgroup_driver, CGROUP_DRIVER_CGROUPFS);
	assert_true(c->cgroups_per_qos);
	assert_int_equal(c->max_pods, 110);
	assert_int_equal(c->pod_pids_limit, -1);
	assert_int_equal(strv_length(c->enforce_node_allocatable), 1);
	assert_string_equal(c->enforce_node_allocatable[0], "pods");
	assert_int_equal(c->eviction_pressure_transition_period, 5 * DURATION_MINUTE);
	assert_int_equal(c->eviction_max_pod_grace_period, 0);
	assert_false(c->merge_default_eviction_settings);
	assert_string_equal(c->container_log_max_size, "10Mi");
	assert_int_equal(c->container_log_max_size_bytes, 10 * 1024 * 1024);
	assert_int_equal(c->container_log_max_files, 5);
	assert_true(c->cpu_cfs_quota);
	assert_int_equal(c->cpu_cfs_quota_period, 100 * DURATION_MILLISECOND);
	assert_true(c->memory_throttling_factor == 0.9);
	assert_string_equal(c->healthz_bind_address, "127.0.0.1");
	assert_int_equal(c->healthz_port, 10248);
	assert_int_equal(c->read_only_port, 0);
	assert_string_equal(c->skiff.root_dir, "/var/lib/skiff");
	assert_string_equal(c->skiff.state_dir, "/run/skiff");
	assert_string_equal(c->skiff.image_dir, "/var/lib/skiff/images");
	assert_string_equal(c->skiff.seccomp_dir, "/var/lib/skiff/seccomp");
	assert_string_equal(c->skiff.pod_log_dir, "/var/log/pods");
	assert_string_equal(c->skiff.api_socket, "/run/skiff/skiff.sock");
	assert_string_equal(c->skiff.node_name, "test-node.example");
	assert_string_equal(c->skiff.policy, "kubelet");
	assert_false(c->skiff.static_pods_critical);
	assert_false(c->seccomp_default);
	assert_false(c->memory_qos);
	/* default evictionHard: 4 thresholds, the memory one cloned for allocatable, containerfs */
	assert_int_equal(c->eviction_hard.n, 4);
	assert_int_equal(c->thresholds.n, 4 + 1 + 2);
}

static void test_yaml_file(void **state) {
	_cleanup_(run_done) Run r = {};
	build(&r,
	      HEADER "staticPodPath: manifests\n"
	             "staticPodURL: http://example.test/pods\n"
	             "staticPodURLHeader:\n  X-Token: [a, b]\n"
	             "fileCheckFrequency: 1m30s\n"
	             "cgroupDriver: systemd\n"
	             "cgroupsPerQOS: false\n"
	             "enforceNodeAllocatable: []\n"
	             "maxPods: 20\n"
	             "podPidsLimit: 1024\n"
	             "kubeReserved: {cpu: 100m, memory: 100Mi}\n"
	             "systemReserved: {ephemeral-storage: 1Gi, pid: \"100\"}\n"
	             "evictionHard: {memory.available: 200Mi}\n"
	             "evictionSoft: {memory.available: 500Mi}\n"
	             "evictionSoftGracePeriod: {memory.available: 1m}\n"
	             "evictionMinimumReclaim: {memory.available: 50Mi}\n"
	             "evictionMaxPodGracePeriod: 30\n"
	             "containerLogMaxSize: 1Mi\n"
	             "containerLogMaxFiles: 3\n"
	             "cpuCFSQuota: false\n"
	             "cpuCFSQuotaPeriod: 50ms\n"
	             "memoryThrottlingFactor: 0.5\n"
	             "skiff:\n"
	             "  rootDir: /srv/skiff\n"
	             "  nodeName: Node-A\n"
	             "  staticPodsCritical: true\n"
	             "  nodeCapacity: {cpu: 2, memory: 4Gi, pods: \"10\"}\n",
	      NULL);
	expect_ok(&r);
	SkiffConfig *c = r.c;
	/* relative paths in the file are relative to the file's directory (the kubelet's loader) */
	assert_string_equal(c->static_pod_path, "/etc/skiff/manifests");
	assert_string_equal(c->static_pod_url, "http://example.test/pods");
	assert_int_equal(c->static_pod_url_header.n, 1);
	assert_string_equal(c->static_pod_url_header.values[0][1], "b");
	assert_int_equal(c->file_check_frequency, 90 * DURATION_SECOND);
	assert_int_equal(c->cgroup_driver, CGROUP_DRIVER_SYSTEMD);
	assert_false(c->cgroups_per_qos);
	assert_int_equal(strv_length(c->enforce_node_allocatable), 0);
	assert_int_equal(c->max_pods, 20);
	assert_int_equal(c->pod_pids_limit, 1024);
	assert_int_equal(c->kube_reserved_amounts.value[RESOURCE_CPU], 100);
	assert_true(c->kube_reserved_amounts.set[RESOURCE_MEMORY]);
	assert_int_equal(c->system_reserved_amounts.value[RESOURCE_PID], 100);
	assert_int_equal(c->eviction_hard.n, 1);
	/* no "pods" enforcement: no allocatable clone; no nodefs: no containerfs copy */
	assert_int_equal(c->thresholds.n, 2);
	assert_int_equal(c->thresholds.items[1].grace_period_ns, DURATION_MINUTE);
	assert_true(c->thresholds.items[1].has_min_reclaim);
	assert_int_equal(c->eviction_max_pod_grace_period, 30);
	assert_int_equal(c->container_log_max_size_bytes, 1024 * 1024);
	assert_int_equal(c->container_log_max_files, 3);
	assert_false(c->cpu_cfs_quota);
	assert_int_equal(c->cpu_cfs_quota_period, 50 * DURATION_MILLISECOND);
	assert_true(c->memory_throttling_factor == 0.5);
	assert_string_equal(c->skiff.image_dir, "/srv/skiff/images");
	assert_string_equal(c->skiff.node_name, "node-a");
	assert_true(c->skiff.static_pods_critical);
	assert_int_equal(c->node_capacity_amounts.value[RESOURCE_CPU], 2000);
	assert_int_equal(c->node_capacity_amounts.value[RESOURCE_PODS], 10);
	assert_int_equal(r.diag.n_warnings, 0);
}

static void test_json_file(void **state) {
	_cleanup_(run_done) Run r = {};
	build(&r,
	      "{\"apiVersion\": \"kubelet.config.k8s.io/v1beta1\", \"kind\": "
	      "\"KubeletConfiguration\", \"maxPods\": 7, \"evictionHard\": {\"nodefs.available\": "
	      "\"5%\"}, \"mergeDefaultEvictionSettings\": true, \"skiff\": {\"stateDir\": "
	      "\"/tmp/s\"}}",
	      NULL);
	expect_ok(&r);
	assert_int_equal(r.c->max_pods, 7);
	assert_int_equal(r.c->eviction_hard.n, 4);
	assert_string_equal(strmap_get(&r.c->eviction_hard, "nodefs.available"), "5%");
	assert_string_equal(strmap_get(&r.c->eviction_hard, "memory.available"), "100Mi");
	assert_string_equal(r.c->skiff.api_socket, "/tmp/s/skiff.sock");
}

static void test_zero_values_defaulted(void **state) {
	/* non-pointer fields: an explicit zero is defaulted; pointer ones keep it */
	_cleanup_(run_done) Run r = {};
	build(&r, HEADER "maxPods: 0\nfileCheckFrequency: 0s\npodPidsLimit: -7\nhealthzPort: 0\n",
	      NULL);
	expect_ok(&r);
	assert_int_equal(r.c->max_pods, 110);
	assert_int_equal(r.c->file_check_frequency, 20 * DURATION_SECOND);
	assert_int_equal(r.c->pod_pids_limit, -1);
	assert_int_equal(r.c->healthz_port, 0);
}

static void test_flags_override_file(void **state) {
	_cleanup_(run_done) Run r = {};
	static const char *const flags[] = {
		"--max-pods",
		"50",
		"--cgroups-per-qos=false",
		"--enforce-node-allocatable=",
		"--eviction-hard",
		"memory.available<1Gi,nodefs.available<5%",
		"--eviction-hard=imagefs.available<20%",
		"--kube-reserved",
		"cpu=200m",
		"--manifest-url-header",
		"a:hello,b:again",
		"--manifest-url-header=b:beautiful",
		"--pod-manifest-path",
		"rel/pods",
		"--hostname-override=Other",
		"--cpu-cfs-quota=false",
		"--cpu_cfs_quota_period=10ms",
		"--eviction-soft=memory.available<2Gi",
		"--eviction-soft-grace-period=memory.available=1m30s",
		"--eviction-minimum-reclaim",
		"memory.available=0",
		"--root-dir=/data/skiff",
		"--healthz-port=0",
		NULL,
	};
	build(&r,
	      HEADER
	      "maxPods: 20\nkubeReserved: {memory: 1Gi}\nevictionHard: {pid.available: 5%}\n",
	      flags);
	expect_ok(&r);
	SkiffConfig *c = r.c;
	assert_int_equal(c->max_pods, 50);
	assert_false(c->cgroups_per_qos);
	assert_int_equal(strv_length(c->enforce_node_allocatable), 0);
	/* the first --eviction-hard replaces the file's map, later ones add to it */
	assert_int_equal(c->eviction_hard.n, 3);
	assert_null(strmap_get(&c->eviction_hard, "pid.available"));
	assert_int_equal(c->kube_reserved.n, 1);
	assert_string_equal(strmap_get(&c->kube_reserved, "cpu"), "200m");
	assert_int_equal(c->static_pod_url_header.n, 2);
	assert_string_equal(c->static_pod_url_header.values[1][1], "beautiful");
	assert_string_equal(c->static_pod_path, "/home/op/rel/pods");
	assert_string_equal(c->skiff.node_name, "other");
	assert_false(c->cpu_cfs_quota);
	assert_int_equal(c->cpu_cfs_quota_period, 10 * DURATION_MILLISECOND);
	assert_string_equal(c->skiff.root_dir, "/data/skiff");
	assert_string_equal(c->skiff.image_dir, "/data/skiff/images");
	assert_int_equal(c->healthz_port, 0);
	/* 3 hard + 1 soft + containerfs.available (from nodefs) */
	assert_int_equal(c->thresholds.n, 5);
}

static void test_flag_errors(void **state) {
	_cleanup_(run_done) Run r = {};
	static const char *const flags[] = {
		"--max-pods",
		"abc",
		"--cgroups-per-qos=maybe",
		"--bogus-flag",
		"stray",
		"--eviction-hard",
		"memory.available=1Gi",
		"--file-check-frequency=10",
		"--cgroup-driver=upstart",
		"--container-log-max-files",
		NULL,
	};
	build(&r, NULL, flags);
	expect_error(&r, "--max-pods: invalid value \"abc\"");
	expect_error(&r, "--cgroups-per-qos: invalid value \"maybe\"");
	expect_error(&r, "--bogus-flag: unknown flag");
	expect_error(&r, "unexpected argument \"stray\"");
	expect_error(&r, "--eviction-hard: invalid value \"memory.available=1Gi\": malformed pair, "
	                 "expect string<string");
	expect_error(&r, "--file-check-frequency: invalid value \"10\": time: missing unit in "
	                 "duration \"10\"");
	expect_error(&r,
	             "--cgroup-driver: invalid value \"upstart\": must be one of \"cgroupfs\" or "
	             "\"systemd\"");
	expect_error(&r, "--container-log-max-files: flag needs an argument");
	/* a refused value given as the next argument is not reported again as a stray one */
	assert_int_equal(r.diag.n_errors, 8);
	assert_null(r.c);
}

static void test_file_errors(void **state) {
	_cleanup_(run_done) Run r = {};
	build(&r,
	      HEADER "maxPods: twenty\n"
	             "evictionHard: {memory.available: 12XB}\n"
	             "kubeReserved: {gpu: \"1\", memory: -1Gi}\n"
	             "cpuCFSQuotaPeriod: 2s\n"
	             "memoryThrottlingFactor: 0\n"
	             "containerLogMaxFiles: 1\n"
	             "healthzPort: 70000\n"
	             "fileCheckFrequency: 5 seconds\n"
	             "cgroupsPerQOS: \"true\"\n"
	             "enforceNodeAllocatable: [pods, pods, everything]\n"
	             "skiff: {policy: random, stateDir: run/skiff, nodeName: \"a_b\"}\n",
	      NULL);
	const char *f = "/etc/skiff/config.yaml: ";
	char buf[512];
#define E(msg)                                                                                     \
	do {                                                                                       \
		snprintf(buf, sizeof(buf), "%s%s", f, msg);                                        \
		expect_error(&r, buf);                                                             \
	} while (0)
	E("maxPods: invalid type: expected integer, got string");
	E("evictionHard[memory.available]: invalid quantity \"12XB\"");
	E("kubeReserved[gpu]: cannot reserve \"gpu\" resource");
	E("kubeReserved[memory]: resource quantity for \"memory\" cannot be negative: -1Gi");
	E("cpuCFSQuotaPeriod: invalid configuration: cpuCFSQuotaPeriod (--cpu-cfs-quota-period) 2s "
	  "must be between 1ms and 1sec, inclusive");
	E("memoryThrottlingFactor: invalid configuration: memoryThrottlingFactor 0 must be greater "
	  "than 0 and less than or equal to 1.0");
	E("containerLogMaxFiles: invalid configuration: containerLogMaxFiles must be greater than "
	  "1");
	E("healthzPort: invalid configuration: healthzPort (--healthz-port) 70000 must be between "
	  "1 "
	  "and 65535, inclusive");
	E("fileCheckFrequency: time: unknown unit \" seconds\" in duration \"5 seconds\"");
	E("cgroupsPerQOS: invalid type: expected boolean, got string");
	E("enforceNodeAllocatable: invalid configuration: duplicated enforcements \"pods\" in "
	  "enforceNodeAllocatable (--enforce-node-allocatable)");
	E("enforceNodeAllocatable: invalid configuration: option \"everything\" specified for "
	  "enforceNodeAllocatable (--enforce-node-allocatable). Valid options are \"pods\", "
	  "\"system-reserved\", \"system-reserved-compressible\", \"kube-reserved\", "
	  "\"kube-reserved-compressible\" or \"none\"");
	E("skiff.policy: unsupported value \"random\": supported values: \"kubelet\"");
#undef E
	expect_error_prefix(&r, "/etc/skiff/config.yaml: skiff.nodeName: Invalid value: \"a_b\": ");
}

static void test_type_meta(void **state) {
	_cleanup_(run_done) Run r = {}, r2 = {};
	build(&r, "apiVersion: v1\nkind: Pod\n", NULL);
	expect_error(&r, "/etc/skiff/config.yaml: apiVersion: unsupported value \"v1\": must be "
	                 "\"kubelet.config.k8s.io/v1beta1\"");
	expect_error(&r, "/etc/skiff/config.yaml: kind: unsupported value \"Pod\": must be "
	                 "\"KubeletConfiguration\"");
	build(&r2, "maxPods: 3\n", NULL);
	expect_error(&r2, "/etc/skiff/config.yaml: apiVersion: required: must be "
	                  "\"kubelet.config.k8s.io/v1beta1\"");
}

static void test_unknown_fields_warn(void **state) {
	_cleanup_(run_done) Run r = {};
	build(&r, HEADER "syncFrequency: 1m\nskiff: {colour: blue}\n", NULL);
	expect_ok(&r);
	expect_warning(&r,
	               "/etc/skiff/config.yaml: syncFrequency: unknown field \"syncFrequency\", "
	               "ignored");
	expect_warning(&r,
	               "/etc/skiff/config.yaml: skiff.colour: unknown field \"colour\", ignored");
}

static void test_flag_validation_path(void **state) {
	_cleanup_(run_done) Run r = {};
	static const char *const flags[] = { "--max-pods=-1", "--enforce-node-allocatable",
		                             "pods,none", NULL };
	build(&r, HEADER "maxPods: 5\n", flags);
	expect_error(&r, "--max-pods: invalid configuration: maxPods (--max-pods) -1 must not be a "
	                 "negative number");
	expect_error(&r,
	             "--enforce-node-allocatable: invalid configuration: enforceNodeAllocatable "
	             "(--enforce-node-allocatable) may not contain additional enforcements when "
	             "\"none\" is specified");
}

static void test_reserved_enforcement_needs_cgroup(void **state) {
	_cleanup_(run_done) Run r = {}, ok = {};
	static const char *const flags[] = { "--enforce-node-allocatable=pods,system-reserved",
		                             NULL };
	static const char *const good[] = { "--enforce-node-allocatable=pods,kube-reserved",
		                            "--kube-reserved-cgroup=/kube.slice", NULL };
	build(&r, NULL, flags);
	expect_error(&r, "--enforce-node-allocatable: invalid configuration: systemReservedCgroup "
	                 "(--system-reserved-cgroup) must be specified when \"system-reserved\" or "
	                 "\"system-reserved-compressible\" included in enforceNodeAllocatable "
	                 "(--enforce-node-allocatable)");
	build(&ok, NULL, good);
	expect_ok(&ok);
}

static void test_pod_logs_dir_alias(void **state) {
	_cleanup_(run_done) Run r = {}, bad = {};
	build(&r, HEADER "podLogsDir: /logs\n", NULL);
	expect_ok(&r);
	assert_string_equal(r.c->skiff.pod_log_dir, "/logs");
	build(&bad, HEADER "podLogsDir: /logs\nskiff: {podLogDir: /other}\n", NULL);
	expect_error(&bad,
	             "/etc/skiff/config.yaml: skiff.podLogDir: conflicts with podLogsDir: set "
	             "only one");
}

static void test_empty_hostname(void **state) {
	_cleanup_(run_done) Run r = {};
	static const char *const flags[] = { "--node-name", "  ", NULL };
	build(&r, NULL, flags);
	expect_error(&r, "--node-name: empty hostname is invalid");
}

static void test_print_round_trip(void **state) {
	_cleanup_(run_done) Run r = {}, back = {};
	json_object *o = NULL;
	static const char *const flags[] = { "--eviction-soft=memory.available<2Gi",
		                             "--eviction-soft-grace-period=memory.available=90s",
		                             NULL };
	build(&r, HEADER "maxPods: 12\n", flags);
	expect_ok(&r);
	assert_int_equal(skiff_config_to_json(r.c, &o), 0);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	assert_non_null(strstr(s, "\"maxPods\":12"));
	assert_non_null(strstr(s, "\"evictionSoftGracePeriod\":{\"memory.available\":\"90s\"}"));
	assert_non_null(strstr(s, "{\"signal\":\"memory.available\",\"operator\":\"LessThan\","
	                          "\"value\":\"2Gi\",\"gracePeriod\":\"1m30s\"}"));
	assert_non_null(strstr(s, "\"cpuCFSQuotaPeriod\":\"100ms\""));
	assert_non_null(strstr(s, "\"memoryThrottlingFactor\":0.9"));
	/* the printed configuration reads back to the same effective configuration */
	build(&back, s, NULL);
	expect_ok(&back);
	assert_int_equal(back.r, 0);
	assert_int_equal(back.diag.n_warnings, 0);
	assert_int_equal(back.c->max_pods, 12);
	assert_int_equal(back.c->thresholds.n, r.c->thresholds.n);
	json_object_put(o);
}

static void test_seccomp_default(void **state) {
	_cleanup_(run_done) Run file = {}, flag = {}, both = {}, bad = {}, badflag = {};
	static const char *const on[] = { "--seccomp-default", NULL };
	static const char *const off[] = { "--seccomp_default=false", NULL };
	static const char *const maybe[] = { "--seccomp-default=maybe", NULL };

	build(&file, HEADER "seccompDefault: true\n", NULL);
	expect_ok(&file);
	assert_true(file.c->seccomp_default);
	/* a bool flag never takes the next argument: "--seccomp-default" alone means true */
	build(&flag, NULL, on);
	expect_ok(&flag);
	assert_true(flag.c->seccomp_default);
	build(&both, HEADER "seccompDefault: true\n", off);
	expect_ok(&both);
	assert_false(both.c->seccomp_default);
	build(&bad, HEADER "seccompDefault: \"true\"\n", NULL);
	expect_error(&bad,
	             "/etc/skiff/config.yaml: seccompDefault: invalid type: expected boolean, "
	             "got string");
	build(&badflag, NULL, maybe);
	expect_error(&badflag, "--seccomp-default: invalid value \"maybe\"");
}

static void test_feature_gates_file(void **state) {
	_cleanup_(run_done) Run yaml = {}, json = {}, off = {}, empty = {};

	build(&yaml, HEADER "featureGates:\n  MemoryQoS: true\n", NULL);
	expect_ok(&yaml);
	assert_true(yaml.c->memory_qos);
	assert_int_equal(yaml.diag.n_warnings, 0);
	build(&json,
	      "{\"apiVersion\": \"kubelet.config.k8s.io/v1beta1\", \"kind\": "
	      "\"KubeletConfiguration\", \"featureGates\": {\"MemoryQoS\": true}}",
	      NULL);
	expect_ok(&json);
	assert_true(json.c->memory_qos);
	build(&off, HEADER "featureGates: {MemoryQoS: false}\n", NULL);
	expect_ok(&off);
	assert_false(off.c->memory_qos);
	/* null leaves the gates at their defaults, as an absent key does */
	build(&empty, HEADER "featureGates: null\n", NULL);
	expect_ok(&empty);
	assert_false(empty.c->memory_qos);
}

static void test_feature_gates_all_alpha(void **state) {
	_cleanup_(run_done) Run all = {}, except = {}, beta = {}, off = {};

	/* featuregate: AllAlpha sets every alpha gate not given; MemoryQoS is alpha */
	build(&all, HEADER "featureGates: {AllAlpha: true}\n", NULL);
	expect_ok(&all);
	assert_true(all.c->memory_qos);
	/* a gate given keeps its value whatever the order (setUnsetAlphaGates) */
	build(&except, HEADER "featureGates: {MemoryQoS: false, AllAlpha: true}\n", NULL);
	expect_ok(&except);
	assert_false(except.c->memory_qos);
	build(&beta, HEADER "featureGates: {AllBeta: true}\n", NULL);
	expect_ok(&beta);
	assert_false(beta.c->memory_qos);
	build(&off, HEADER "featureGates: {AllAlpha: false, MemoryQoS: true}\n", NULL);
	expect_ok(&off);
	assert_true(off.c->memory_qos);
}

static void test_feature_gates_flags(void **state) {
	_cleanup_(run_done) Run on = {}, merged = {}, over = {}, twice = {}, blank = {};
	static const char *const f_on[] = { "--feature-gates=MemoryQoS=true", NULL };
	static const char *const f_other[] = { "--feature-gates", "AllBeta=false", NULL };
	static const char *const f_over[] = { "--feature-gates", " MemoryQoS = False ,", NULL };
	static const char *const f_twice[] = { "--feature-gates=MemoryQoS=false",
		                               "--feature_gates=AllAlpha=true,MemoryQoS=1", NULL };
	static const char *const f_blank[] = { "--feature-gates=", NULL };

	build(&on, NULL, f_on);
	expect_ok(&on);
	assert_true(on.c->memory_qos);
	/* kubeletConfigFlagPrecedence: the file's gates not named by the flag stay */
	build(&merged, HEADER "featureGates: {MemoryQoS: true}\n", f_other);
	expect_ok(&merged);
	assert_true(merged.c->memory_qos);
	/* ... and a gate the flag names takes the flag's value (pairs trimmed, ParseBool) */
	build(&over, HEADER "featureGates: {MemoryQoS: true}\n", f_over);
	expect_ok(&over);
	assert_false(over.c->memory_qos);
	/* later uses of the flag add to the earlier ones; the last value of a gate wins */
	build(&twice, NULL, f_twice);
	expect_ok(&twice);
	assert_true(twice.c->memory_qos);
	assert_true(twice.c->feature_gates.set[FEATURE_ALL_ALPHA]);
	build(&blank, HEADER "featureGates: {MemoryQoS: true}\n", f_blank);
	expect_ok(&blank);
	assert_true(blank.c->memory_qos);
}

static void test_feature_gate_errors(void **state) {
	_cleanup_(run_done) Run file = {}, flags = {}, shape = {};
	static const char *const f[] = { "--feature-gates", "Foo=false,MemoryQoS=maybe,Bare",
		                         "--feature-gates=memoryqos=true", NULL };

	build(&file,
	      HEADER "featureGates:\n  Foo: true\n  MemoryQoS: \"true\"\n  Bar: 1\n  Baz: null\n"
	             "  AllAlpha: false\n",
	      NULL);
	expect_error(&file, "/etc/skiff/config.yaml: featureGates[Foo]: unrecognized feature gate: "
	                    "Foo");
	expect_error(&file, "/etc/skiff/config.yaml: featureGates[MemoryQoS]: invalid type: "
	                    "expected boolean, got string");
	expect_error(&file, "/etc/skiff/config.yaml: featureGates[Bar]: invalid type: expected "
	                    "boolean, got integer");
	expect_error(&file, "/etc/skiff/config.yaml: featureGates[Baz]: invalid type: expected "
	                    "boolean, got null");
	assert_int_equal(file.diag.n_errors, 4);
	assert_null(file.c);

	build(&flags, NULL, f);
	expect_error(&flags, "--feature-gates: unrecognized feature gate: Foo");
	expect_error(&flags, "--feature-gates: invalid value \"MemoryQoS=maybe\": invalid value of "
	                     "MemoryQoS: maybe, err: strconv.ParseBool: parsing \"maybe\": invalid "
	                     "syntax");
	expect_error(&flags,
	             "--feature-gates: invalid value \"Bare\": malformed pair, expect string=bool");
	/* gate names are case-sensitive, as in the kubelet */
	expect_error(&flags, "--feature-gates: unrecognized feature gate: memoryqos");
	assert_int_equal(flags.diag.n_errors, 4);

	build(&shape, HEADER "featureGates: [MemoryQoS]\n", NULL);
	expect_error(&shape, "/etc/skiff/config.yaml: featureGates: invalid type: expected map of "
	                     "booleans, got array");
}

static void test_print_feature_gates(void **state) {
	_cleanup_(run_done) Run r = {}, back = {}, plain = {};
	json_object *o = NULL, *p = NULL;
	static const char *const flags[] = { "--feature-gates=AllAlpha=true", "--seccomp-default",
		                             NULL };

	build(&r, NULL, flags);
	expect_ok(&r);
	assert_int_equal(skiff_config_to_json(r.c, &o), 0);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	/* the effective value of each gate; AllAlpha is resolved into them */
	assert_non_null(strstr(s, "\"featureGates\":{\"MemoryQoS\":true}"));
	assert_non_null(strstr(s, "\"seccompDefault\":true"));
	build(&back, s, NULL);
	expect_ok(&back);
	assert_int_equal(back.diag.n_warnings, 0);
	assert_true(back.c->memory_qos);
	assert_true(back.c->seccomp_default);
	assert_false(back.c->feature_gates.set[FEATURE_ALL_ALPHA]);

	build(&plain, NULL, NULL);
	expect_ok(&plain);
	assert_int_equal(skiff_config_to_json(plain.c, &p), 0);
	s = json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN);
	assert_non_null(strstr(s, "\"featureGates\":{\"MemoryQoS\":false}"));
	assert_non_null(strstr(s, "\"seccompDefault\":false"));
	json_object_put(o);
	json_object_put(p);
}

static void test_decode_tree_prefix(void **state) {
	_cleanup_(skiff_config_freep) SkiffConfig *c = NULL;
	_cleanup_(diag_clear) Diag d = {};
	json_object *o = json_tokener_parse("{\"evictionHard\": {\"memory.available\": \"1Gi\"}, "
	                                    "\"maxPods\": \"x\"}");
	assert_non_null(o);
	assert_int_equal(skiff_config_new(&c), 0);
	assert_int_equal(skiff_config_decode_tree(c, o, "config", &d), -EINVAL);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.errors[0],
	                    "config.maxPods: invalid type: expected integer, got string");
	assert_true(c->eviction_hard_set);
	json_object_put(o);
}

static void test_from_tree(void **state) {
	_cleanup_(skiff_config_freep) SkiffConfig *c = NULL, *bad = NULL;
	_cleanup_(diag_clear) Diag d = {}, d2 = {};
	json_object *o = json_tokener_parse(
	        "{\"evictionHard\": {\"memory.available\": \"1Gi\"}, \"evictionSoft\": "
	        "{\"memory.available\": \"2Gi\"}, \"evictionSoftGracePeriod\": "
	        "{\"memory.available\": \"2m\"}, \"evictionMaxPodGracePeriod\": 5, \"skiff\": "
	        "{\"staticPodsCritical\": true}}");
	json_object *b = json_tokener_parse("{\"evictionSoft\": {\"memory.available\": \"2Gi\"}}");
	assert_non_null(o);
	assert_non_null(b);
	assert_int_equal(skiff_config_from_tree(o, "config", "sim", &c, &d), 0);
	assert_int_equal(c->eviction_max_pod_grace_period, 5);
	assert_true(c->skiff.static_pods_critical);
	assert_string_equal(c->skiff.node_name, "sim");
	/* hard 1Gi, soft 2Gi, allocatable clone; no nodefs threshold: no containerfs one */
	assert_int_equal(c->thresholds.n, 3);
	assert_int_equal(skiff_config_from_tree(b, "config", "sim", &bad, &d2), -EINVAL);
	assert_string_equal(d2.errors[0],
	                    "config.evictionSoft[memory.available]: grace period must "
	                    "be specified for the soft eviction threshold "
	                    "memory.available");
	json_object_put(o);
	json_object_put(b);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_yaml_file),
		cmocka_unit_test(test_json_file),
		cmocka_unit_test(test_zero_values_defaulted),
		cmocka_unit_test(test_flags_override_file),
		cmocka_unit_test(test_flag_errors),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_type_meta),
		cmocka_unit_test(test_unknown_fields_warn),
		cmocka_unit_test(test_flag_validation_path),
		cmocka_unit_test(test_reserved_enforcement_needs_cgroup),
		cmocka_unit_test(test_pod_logs_dir_alias),
		cmocka_unit_test(test_empty_hostname),
		cmocka_unit_test(test_print_round_trip),
		cmocka_unit_test(test_seccomp_default),
		cmocka_unit_test(test_feature_gates_file),
		cmocka_unit_test(test_feature_gates_all_alpha),
		cmocka_unit_test(test_feature_gates_flags),
		cmocka_unit_test(test_feature_gate_errors),
		cmocka_unit_test(test_print_feature_gates),
		cmocka_unit_test(test_decode_tree_prefix),
		cmocka_unit_test(test_from_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
