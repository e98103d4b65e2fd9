/* SPDX-License-Identifier: Apache-2.0 */
/* SandboxConfig <-> JSON (DIR/sandbox.json) and the sandbox directory layout. */
#include "json-util.h"
#include "runtime.h"
#include "util.h"

#define SANDBOX_CONFIG_MAX_BYTES (64u * 1024)
#define SANDBOX_SHM_SIZE_DEFAULT (64u * 1024 * 1024)

int sandbox_config_init(SandboxConfig *c) {
	*c = (SandboxConfig){
		.new_net = true,
		.new_ipc = true,
		.new_uts = true,
		.shm_size = SANDBOX_SHM_SIZE_DEFAULT,
	};
	return 0;
}

void sandbox_config_done(SandboxConfig *c) {
	if (!c)
		return;
	free(c->hostname);
	free(c->cgroup_path);
	*c = (SandboxConfig){};
}

int sandbox_config_to_json(const SandboxConfig *c, char **ret) {
	_cleanup_json_ json_object *o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_add_string(o, "hostname", c->hostname);
	json_add_bool(o, "newNetwork", c->new_net);
	json_add_bool(o, "newIpc", c->new_ipc);
	json_add_bool(o, "newUts", c->new_uts);
	json_add_bool(o, "sharePid", c->share_pid);
	json_add_uint64(o, "shmSize", c->shm_size);
	json_add_string(o, "cgroupPath", c->cgroup_path);
	return json_to_string_dup(o, ret);
}

int sandbox_config_from_json(const char *json, size_t len, SandboxConfig *ret, Diag *diag) {
	_cleanup_json_ json_object *o = NULL;
	SandboxConfig c;
	JsonReader r = { diag, "" };
	size_t n_before = diag->n_errors;

	int k = json_parse_bounded(json, len, SANDBOX_CONFIG_MAX_BYTES, NULL, &o, diag);
	if (k < 0)
		return k;
	if (!json_object_is_type(o, json_type_object)) {
		diag_error(diag, NULL, "expected a JSON object");
		return -EINVAL;
	}
	sandbox_config_init(&c);
	json_read_string(&r, o, "hostname", 64, &c.hostname);
	json_read_bool(&r, o, "newNetwork", &c.new_net);
	json_read_bool(&r, o, "newIpc", &c.new_ipc);
	json_read_bool(&r, o, "newUts", &c.new_uts);
	json_read_bool(&r, o, "sharePid", &c.share_pid);
	json_read_uint64(&r, o, "shmSize", UINT64_MAX / 2, &c.shm_size);
	json_read_string(&r, o, "cgroupPath", RUNTIME_MAX_PATH, &c.cgroup_path);
	if (c.hostname && !c.new_uts)
		diag_error(diag, "hostname", "needs a new uts namespace");
	if (c.shm_size == 0)
		c.shm_size = SANDBOX_SHM_SIZE_DEFAULT;
	if (diag->n_errors > n_before) {
		sandbox_config_done(&c);
		return -EINVAL;
	}
	*ret = c;
	return 0;
}

static const char *const sandbox_ns_names[_NAMESPACE_MAX] = {
	[NAMESPACE_PID] = "pid",
	[NAMESPACE_NET] = "net",
	[NAMESPACE_IPC] = "ipc",
	[NAMESPACE_UTS] = "uts",
};

int runtime_sandbox_ns_path(const char *dir, NamespaceType type, char **ret) {
	if (type < 0 || type >= _NAMESPACE_MAX || !sandbox_ns_names[type])
		return -EINVAL;
	return asprintf(ret, "%s/ns/%s", dir, sandbox_ns_names[type]) < 0 ? -ENOMEM : 0;
}

int runtime_sandbox_shm_path(const char *dir, char **ret) {
	return asprintf(ret, "%s/shm", dir) < 0 ? -ENOMEM : 0;
}
