/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/resource.h>

#include "runtime.h"

static const char *minimal =
        "{\"id\":\"c1\",\"root\":{\"lower\":[\"/l1\",\"/l0\"]},\"process\":{\"args\":[\"sh\"]}}";

static void parse_ok(const char *json, ContainerConfig *c) {
	Diag d = {};
	int r = container_config_from_json(json, strlen(json), c, &d);
	if (r < 0)
		diag_print(&d, "config", stderr);
	assert_int_equal(r, 0);
	diag_clear(&d);
}

static int parse_fails(const char *json, const char *expect) {
	ContainerConfig c;
	Diag d = {};
	int r = container_config_from_json(json, strlen(json), &c, &d);
	if (r >= 0) {
		r = container_config_validate(&c, &d);
		container_config_done(&c);
	}
	assert_true(r < 0);
	bool found = false;
	for (size_t i = 0; i < d.n_errors; i++)
		found = found || strstr(d.errors[i], expect);
	if (!found)
		diag_print(&d, "config", stderr);
	assert_true(found);
	diag_clear(&d);
	return 0;
}

static void test_defaults(void **state) {
	ContainerConfig c;
	Diag d = {};
	parse_ok(minimal, &c);
	assert_int_equal(container_config_validate(&c, &d), 0);
	/* containerd's 14 capabilities, all three sets. */
	assert_int_equal(__builtin_popcountll(c.cap_bounding), 14);
	assert_true(c.cap_bounding == runtime_default_capabilities());
	assert_true(c.cap_effective == c.cap_bounding && c.cap_permitted == c.cap_bounding);
	assert_int_equal(c.cap_ambient, 0);
	assert_true(c.cap_bounding & (1ULL << capability_from_name("CAP_NET_RAW")));
	assert_false(c.cap_bounding & (1ULL << capability_from_name("SYS_ADMIN")));
	assert_int_equal(c.seccomp, RUNTIME_SECCOMP_DEFAULT);
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		assert_int_equal(c.namespaces[t].mode, NAMESPACE_MODE_NEW);
	assert_string_equal(c.cwd, "/");
	assert_string_equal(c.masked_paths[0], "/proc/asound");
	assert_string_equal(c.readonly_paths[4], "/proc/sysrq-trigger");
	assert_string_equal(c.lower_dirs[0], "/l1");
	assert_int_equal(c.log_max_line, 16384);
	container_config_done(&c);
	diag_clear(&d);
}

static void test_round_trip(void **state) {
	const char *full =
	        "{\"id\":\"web-1\",\"root\":{\"lower\":[\"/a\",\"/b\"],\"upper\":\"/"
	        "u\",\"work\":\"/w\","
	        "\"readOnly\":true},\"process\":{\"args\":[\"/bin/"
	        "sh\",\"-c\",\"x\"],\"env\":[\"A=1\"],"
	        "\"cwd\":\"/srv\",\"user\":{\"uid\":1000,\"gid\":1001,\"additionalGids\":[5,6]},"
	        "\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"NET_ADMIN\"],\"effective\":["
	        "\"kill\"],"
	        "\"permitted\":[\"CAP_KILL\"],\"ambient\":[]},\"noNewPrivileges\":true,"
	        "\"oomScoreAdj\":-997,\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,"
	        "\"hard\":4096}]},\"hostname\":\"web\",\"namespaces\":{\"network\":\"/run/p/ns/"
	        "net\","
	        "\"pid\":\"host\"},\"cgroup\":{\"path\":\"kubepods/pod1/web-1\",\"cpuShares\":512,"
	        "\"monitorPath\":\"/kubepods/skiff-monitors\","
	        "\"cpuQuotaUs\":50000,\"cpuPeriodUs\":100000,\"memoryMax\":1048576,\"pidsMax\":-1},"
	        "\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/vol\","
	        "\"subPath\":\"a/"
	        "b\",\"readOnly\":true,\"propagation\":\"rslave\"},{\"destination\":"
	        "\"/tmp\",\"type\":\"tmpfs\",\"size\":1024,\"mode\":448}],\"seccomp\":{\"profile\":"
	        "\"Localhost\",\"path\":\"/p.json\",\"cacheDir\":\"/c\"},\"maskedPaths\":[],"
	        "\"log\":{\"path\":\"/var/log/x.log\",\"maxSize\":100,\"maxFiles\":3},"
	        "\"exitRecord\":\"/r/exit.json\"}";
	ContainerConfig c, c2;
	char *json = NULL, *json2 = NULL;
	Diag d = {};

	parse_ok(full, &c);
	assert_int_equal(container_config_validate(&c, &d), 0);
	assert_true(c.read_only_root);
	assert_int_equal(c.uid, 1000);
	assert_int_equal(c.n_additional_gids, 2);
	assert_int_equal(c.additional_gids[1], 6);
	assert_int_equal(c.cap_bounding, (1ULL << 5) | (1ULL << 12));
	assert_int_equal(c.cap_effective, 1ULL << 5);
	assert_true(c.have_oom_score_adj);
	assert_int_equal(c.oom_score_adj, -997);
	assert_int_equal(c.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c.namespaces[NAMESPACE_NET].mode, NAMESPACE_MODE_JOIN);
	assert_string_equal(c.namespaces[NAMESPACE_NET].path, "/run/p/ns/net");
	assert_int_equal(c.namespaces[NAMESPACE_PID].mode, NAMESPACE_MODE_HOST);
	assert_int_equal(c.namespaces[NAMESPACE_UTS].mode, NAMESPACE_MODE_NEW);
	assert_int_equal(c.cgroup_limits.pids_max, -1);
	assert_string_equal(c.monitor_cgroup, "/kubepods/skiff-monitors");
	assert_int_equal(c.n_mounts, 2);
	assert_string_equal(c.mounts[0].sub_path, "a/b");
	assert_true(c.mounts[0].recursive);
	assert_int_equal(c.mounts[0].propagation, PROPAGATION_RSLAVE);
	assert_int_equal(c.mounts[1].type, MOUNT_TMPFS);
	assert_int_equal(c.mounts[1].mode, 0700);
	assert_int_equal(c.seccomp, RUNTIME_SECCOMP_LOCALHOST);
	assert_null(c.masked_paths[0]);
	assert_non_null(c.readonly_paths[0]); /* absent: default kept */
	assert_int_equal(c.log_max_files, 3);

	assert_int_equal(container_config_to_json(&c, &json), 0);
	parse_ok(json, &c2);
	assert_int_equal(container_config_to_json(&c2, &json2), 0);
	assert_string_equal(json, json2);
	free(json);
	free(json2);
	container_config_done(&c);
	container_config_done(&c2);
	diag_clear(&d);
}

static void test_privileged(void **state) {
	ContainerConfig c;
	parse_ok("{\"id\":\"p\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	         "\"privileged\":true}",
	         &c);
	assert_true(c.privileged);
	assert_int_equal(__builtin_popcountll(c.cap_bounding), RUNTIME_CAP_LAST + 1);
	assert_int_equal(c.seccomp, RUNTIME_SECCOMP_UNCONFINED);
	assert_null(c.masked_paths[0]);
	assert_null(c.readonly_paths[0]);
	container_config_done(&c);
}

static void test_errors(void **state) {
	parse_fails("[1]", "expected a JSON object");
	parse_fails("{\"id\":", "invalid JSON");
	parse_fails("{} x", "invalid JSON at offset 3"); /* trailing data */
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"],"
	            "\"capabilities\":{\"bounding\":[\"CAP_FLY\"]}}}",
	            "unknown capability \"CAP_FLY\"");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":\"x\"}}",
	            "process.args: expected an array of strings");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"l\"]},\"process\":{\"args\":[\"x\"]}}",
	            "root.lower");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l:x\"]},\"process\":{\"args\":[\"x\"]}}",
	            "without ':'");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"hostname\":\"h\",\"namespaces\":{\"uts\":\"host\"}}",
	            "needs a new uts namespace");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"],"
	            "\"oomScoreAdj\":5000}}",
	            "out of range");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"mounts\":[{\"destination\":\"/d\",\"source\":\"/s\",\"subPath\":\"/abs\"}]}",
	            "must be a relative path");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"mounts\":[{\"destination\":\"/a/../b\",\"source\":\"/s\"}]}",
	            "not a clean absolute path");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"namespaces\":{\"mount\":\"host\"}}",
	            "needs a new mount namespace");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"mounts\":[{\"destination\":\"//\",\"source\":\"/s\"}]}",
	            "cannot mount over the container's root");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"maskedPaths\":[\"/\"]}",
	            "clean absolute path below /");
	parse_fails("{\"id\":\"a/b\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]}}",
	            "without '/'");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"seccomp\":{\"profile\":\"Localhost\"}}",
	            "Localhost needs an absolute profile path");
	/* The monitor's cgroup apart from the container's, either way round. */
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"cgroup\":{\"path\":\"kubepods/p/a\",\"monitorPath\":\"/kubepods/p/a/\"}}",
	            "apart from the container's cgroup");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"cgroup\":{\"path\":\"kubepods/p/a\",\"monitorPath\":\"kubepods/p/a/m\"}}",
	            "apart from the container's cgroup");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"cgroup\":{\"path\":\"kubepods/p/a\",\"monitorPath\":\"kubepods\"}}",
	            "apart from the container's cgroup");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"cgroup\":{\"monitorPath\":\"a/../b\"}}",
	            "cgroup.monitorPath: not a clean path");
	parse_fails("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	            "\"cgroup\":{\"monitorPath\":\"/\"}}",
	            "cgroup.monitorPath: not a clean path");
}

static void test_monitor_cgroup(void **state) {
	ContainerConfig c;
	Diag d = {};
	/* A sibling whose name starts like the container's is apart from it; no container
	 * cgroup at all is fine too. */
	parse_ok("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	         "\"cgroup\":{\"path\":\"kubepods/p/a\",\"monitorPath\":\"kubepods/p/ab\"}}",
	         &c);
	assert_int_equal(container_config_validate(&c, &d), 0);
	container_config_done(&c);
	parse_ok("{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[\"x\"]},"
	         "\"cgroup\":{\"monitorPath\":\"skiff-monitors\"}}",
	         &c);
	assert_int_equal(container_config_validate(&c, &d), 0);
	assert_null(c.cgroup_path);
	assert_string_equal(c.monitor_cgroup, "skiff-monitors");
	container_config_done(&c);
	parse_ok(minimal, &c);
	assert_null(c.monitor_cgroup);
	container_config_done(&c);
	diag_clear(&d);
}

static void test_bounds(void **state) {
	/* More arguments than allowed. */
	size_t n = RUNTIME_MAX_ARGS + 2;
	char *json = malloc(n * 4 + 200), *p = json;
	p += sprintf(p, "{\"id\":\"a\",\"root\":{\"lower\":[\"/l\"]},\"process\":{\"args\":[");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s\"x\"", i ? "," : "");
	sprintf(p, "]}}");
	parse_fails(json, "more than 4096 entries");
	free(json);
}

static void test_capability_names(void **state) {
	assert_int_equal(capability_from_name("CAP_CHOWN"), 0);
	assert_int_equal(capability_from_name("sys_admin"), 21);
	assert_int_equal(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
	assert_int_equal(capability_from_name("CAP_"), -EINVAL);
	assert_int_equal(capability_from_name(NULL), -EINVAL);
	assert_string_equal(capability_to_name(29), "CAP_AUDIT_WRITE");
	assert_null(capability_to_name(41));
}

static void test_sandbox_config(void **state) {
	SandboxConfig c;
	Diag d = {};
	char *json = NULL;
	const char *in = "{\"hostname\":\"pod\",\"sharePid\":true,\"newNetwork\":false}";
	assert_int_equal(sandbox_config_from_json(in, strlen(in), &c, &d), 0);
	assert_true(c.share_pid);
	assert_false(c.new_net);
	assert_true(c.new_uts);
	assert_int_equal(c.shm_size, 64 * 1024 * 1024);
	assert_int_equal(sandbox_config_to_json(&c, &json), 0);
	assert_non_null(strstr(json, "\"hostname\":\"pod\""));
	free(json);
	sandbox_config_done(&c);
	const char *bad = "{\"hostname\":\"pod\",\"newUts\":false}";
	assert_int_equal(sandbox_config_from_json(bad, strlen(bad), &c, &d), -EINVAL);
	diag_clear(&d);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),       cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_privileged),     cmocka_unit_test(test_errors),
		cmocka_unit_test(test_bounds),         cmocka_unit_test(test_capability_names),
		cmocka_unit_test(test_sandbox_config), cmocka_unit_test(test_monitor_cgroup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
