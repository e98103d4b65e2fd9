/* SPDX-License-Identifier: Apache-2.0 */
/* ContainerConfig: defaults (containerd's), privileged, validation, capability names. */
#include <ctype.h>
#include <strings.h>
#include <sys/resource.h>

#include "macro.h"
#include "runtime.h"
#include "util.h"

/* containerd oci/spec.go defaultUnixCaps(). */
uint64_t runtime_default_capabilities(void) {
	static const int caps[] = {
		0 /* CHOWN */,
		1 /* DAC_OVERRIDE */,
		4 /* FSETID */,
		3 /* FOWNER */,
		27 /* MKNOD */,
		13 /* NET_RAW */,
		6 /* SETGID */,
		7 /* SETUID */,
		31 /* SETFCAP */,
		8 /* SETPCAP */,
		10 /* NET_BIND_SERVICE */,
		18 /* SYS_CHROOT */,
		5 /* KILL */,
		29 /* AUDIT_WRITE */,
	};
	uint64_t m = 0;
	for (size_t i = 0; i < ELEMENTSOF(caps); i++)
		m |= UINT64_C(1) << caps[i];
	return m;
}

/* Kubernetes pkg/securitycontext/util.go (DefaultProcMount) as containerd applies it: files
 * are covered by /dev/null, directories by an empty read-only tmpfs; missing ones are skipped. */
static const char *const default_masked_paths[] = {
	"/proc/asound",
	"/proc/acpi",
	"/proc/interrupts",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/sys/firmware",
	"/sys/devices/virtual/powercap",
	NULL,
};

static const char *const default_readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

const char *const *runtime_default_masked_paths(void) {
	return default_masked_paths;
}

const char *const *runtime_default_readonly_paths(void) {
	return default_readonly_paths;
}

int container_config_init(ContainerConfig *c) {
	*c = (ContainerConfig){
		.cwd = strdup("/"),
		.cap_bounding = runtime_default_capabilities(),
		.cap_effective = runtime_default_capabilities(),
		.cap_permitted = runtime_default_capabilities(),
		.seccomp = RUNTIME_SECCOMP_DEFAULT,
		.log_max_size = RUNTIME_LOG_MAX_SIZE_DEFAULT,
		.log_max_files = RUNTIME_LOG_MAX_FILES_DEFAULT,
		.log_max_line = RUNTIME_LOG_MAX_LINE_DEFAULT,
	};
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		c->namespaces[t].mode = NAMESPACE_MODE_NEW;
	c->env = strv_new("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	c->masked_paths = strv_copy_const(default_masked_paths);
	c->readonly_paths = strv_copy_const(default_readonly_paths);
	if (!c->cwd || !c->env || !c->masked_paths || !c->readonly_paths) {
		container_config_done(c);
		return -ENOMEM;
	}
	return 0;
}

static void mount_spec_done(MountSpec *m) {
	free(m->destination);
	free(m->source);
	free(m->sub_path);
}

void container_config_done(ContainerConfig *c) {
	if (!c)
		return;
	free(c->id);
	strv_free(c->lower_dirs);
	free(c->upper_dir);
	free(c->work_dir);
	strv_free(c->argv);
	strv_free(c->env);
	free(c->cwd);
	free(c->additional_gids);
	free(c->hostname);
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		free(c->namespaces[t].path);
	free(c->cgroup_path);
	free(c->monitor_cgroup);
	for (size_t i = 0; i < c->n_mounts; i++)
		mount_spec_done(&c->mounts[i]);
	free(c->mounts);
	free(c->seccomp_profile_path);
	free(c->seccomp_cache_dir);
	strv_free(c->masked_paths);
	strv_free(c->readonly_paths);
	free(c->rlimits);
	free(c->log_path);
	free(c->exit_record_path);
	*c = (ContainerConfig){};
}

void container_config_set_privileged(ContainerConfig *c) {
	uint64_t all = (UINT64_C(1) << (RUNTIME_CAP_LAST + 1)) - 1;
	c->privileged = true;
	c->cap_bounding = c->cap_effective = c->cap_permitted = all;
	c->seccomp = RUNTIME_SECCOMP_UNCONFINED;
	strv_free(c->masked_paths);
	strv_free(c->readonly_paths);
	c->masked_paths = strv_new(NULL);
	c->readonly_paths = strv_new(NULL);
}

/* ---- capability names (include/uapi/linux/capability.h) ---- */

static const char *const cap_names[RUNTIME_CAP_LAST + 1] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int capability_from_name(const char *name) {
	if (!name)
		return -EINVAL;
	/* Kubernetes writes "NET_ADMIN", OCI "CAP_NET_ADMIN"; both, in any case. */
	const char *n = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
	for (int i = 0; i <= RUNTIME_CAP_LAST; i++)
		if (strcasecmp(cap_names[i] + 4, n) == 0)
			return i;
	return -EINVAL;
}

const char *capability_to_name(int cap) {
	if (cap < 0 || cap > RUNTIME_CAP_LAST)
		return NULL;
	return cap_names[cap];
}

/* ---- validation ---- */

static bool path_is_sane_absolute(const char *p) {
	if (isempty(p) || p[0] != '/' || strlen(p) >= RUNTIME_MAX_PATH)
		return false;
	/* No ".." component: destinations are resolved inside the root anyway, but a config
	 * that says ".." is a bug we would rather report. */
	for (const char *s = p; (s = strstr(s, "..")); s += 2) {
		bool start = s == p || s[-1] == '/';
		bool end = s[2] == 0 || s[2] == '/';
		if (start && end)
			return false;
	}
	return true;
}

static bool is_root(const char *p) {
	return p && p[strspn(p, "/")] == 0;
}

static void validate_paths(char **l, const char *what, Diag *diag) {
	size_t i = 0;
	STRV_FOREACH (p, l) {
		if (!path_is_sane_absolute(*p) || is_root(*p))
			diag_error(diag, what,
			           "entry %zu: \"%s\" is not a clean absolute path below /", i, *p);
		i++;
	}
	if (i > RUNTIME_MAX_PATH_LIST)
		diag_error(diag, what, "more than %d entries", RUNTIME_MAX_PATH_LIST);
}

static void validate_mount(const MountSpec *m, size_t i, Diag *diag) {
	_cleanup_free_ char *path = path_index("mounts", i);
	if (!path_is_sane_absolute(m->destination))
		diag_error(diag, path, "destination \"%s\" is not a clean absolute path",
		           strempty(m->destination));
	else if (is_root(m->destination))
		diag_error(diag, path, "cannot mount over the container's root");
	if (m->type == MOUNT_BIND) {
		if (!path_is_sane_absolute(m->source))
			diag_error(diag, path, "bind source \"%s\" is not a clean absolute path",
			           strempty(m->source));
		if (m->sub_path &&
		    (m->sub_path[0] == '/' || strlen(m->sub_path) >= RUNTIME_MAX_PATH))
			diag_error(diag, path, "subPath \"%s\" must be a relative path",
			           m->sub_path);
	} else if (m->source || m->sub_path)
		diag_error(diag, path, "a tmpfs mount takes no source or subPath");
	if (m->mode > 07777)
		diag_error(diag, path, "mode %o out of range", m->mode);
}

static bool cgroup_path_is_clean(const char *p) {
	return strlen(p) < RUNTIME_MAX_PATH && !strstr(p, "..") && p[strspn(p, "/")];
}

/* Whether cgroup path a is b or below it (slashes at either end do not count). */
static bool cgroup_path_within(const char *a, const char *b) {
	a += strspn(a, "/");
	b += strspn(b, "/");
	size_t lb = strlen(b);
	while (lb > 0 && b[lb - 1] == '/')
		lb--;
	return strncmp(a, b, lb) == 0 && (a[lb] == 0 || a[lb] == '/');
}

int container_config_validate(const ContainerConfig *c, Diag *diag) {
	size_t n_before = diag->n_errors;

	if (isempty(c->id) || strlen(c->id) > 256 || strchr(c->id, '/'))
		diag_error(diag, "id", "must be 1-256 characters without '/'");
	if (strv_length(c->lower_dirs) == 0)
		diag_error(diag, "root.lower", "at least one lower directory is needed");
	if (strv_length(c->lower_dirs) > RUNTIME_MAX_LOWER_DIRS)
		diag_error(diag, "root.lower", "more than %d layers", RUNTIME_MAX_LOWER_DIRS);
	STRV_FOREACH (l, c->lower_dirs)
		if (!path_is_sane_absolute(*l) || strchr(*l, ':') || strchr(*l, ','))
			diag_error(diag, "root.lower", "\"%s\": absolute, without ':' or ','", *l);
	if (!c->upper_dir != !c->work_dir)
		diag_error(diag, "root", "upper and work go together");
	if (c->upper_dir && (!path_is_sane_absolute(c->upper_dir) || strchr(c->upper_dir, ',')))
		diag_error(diag, "root.upper", "not a clean absolute path");
	if (c->work_dir && (!path_is_sane_absolute(c->work_dir) || strchr(c->work_dir, ',')))
		diag_error(diag, "root.work", "not a clean absolute path");

	if (strv_length(c->argv) == 0 || isempty(c->argv[0]))
		diag_error(diag, "process.args", "a command is needed");
	if (strv_length(c->argv) > RUNTIME_MAX_ARGS)
		diag_error(diag, "process.args", "more than %d arguments", RUNTIME_MAX_ARGS);
	if (strv_length(c->env) > RUNTIME_MAX_ENV)
		diag_error(diag, "process.env", "more than %d variables", RUNTIME_MAX_ENV);
	STRV_FOREACH (e, c->env)
		if (!strchr(*e, '=') || **e == '=')
			diag_error(diag, "process.env", "\"%s\" is not NAME=VALUE", *e);
	if (!path_is_sane_absolute(c->cwd))
		diag_error(diag, "process.cwd", "not a clean absolute path");
	if (c->n_additional_gids > RUNTIME_MAX_GIDS)
		diag_error(diag, "process.user.additionalGids", "more than %d", RUNTIME_MAX_GIDS);
	if (c->uid == (uid_t)-1 || c->gid == (gid_t)-1)
		diag_error(diag, "process.user", "uid/gid -1 is not a user");

	if (c->hostname) {
		if (strlen(c->hostname) > 64 || !*c->hostname)
			diag_error(diag, "hostname", "1-64 characters");
		if (c->namespaces[NAMESPACE_UTS].mode != NAMESPACE_MODE_NEW)
			diag_error(diag, "hostname", "needs a new uts namespace");
	}
	for (int t = 0; t < _NAMESPACE_MAX; t++) {
		const NamespaceSpec *n = &c->namespaces[t];
		if (n->mode == NAMESPACE_MODE_JOIN && !path_is_sane_absolute(n->path))
			diag_error(diag, "namespaces", "%s: join needs an absolute path",
			           namespace_type_to_string(t));
	}
	/* The container's root and its mounts live in a mount namespace of its own. */
	if (c->namespaces[NAMESPACE_MOUNT].mode != NAMESPACE_MODE_NEW)
		diag_error(diag, "namespaces.mount", "a container needs a new mount namespace");

	if (c->cgroup_path && !cgroup_path_is_clean(c->cgroup_path))
		diag_error(diag, "cgroup.path", "not a clean path");
	if (c->monitor_cgroup && !cgroup_path_is_clean(c->monitor_cgroup))
		diag_error(diag, "cgroup.monitorPath", "not a clean path");
	else if (c->monitor_cgroup && c->cgroup_path &&
	         (cgroup_path_within(c->monitor_cgroup, c->cgroup_path) ||
	          cgroup_path_within(c->cgroup_path, c->monitor_cgroup)))
		/* The container's cgroup is killed and removed when it ends (with a monitor
		 * inside), and cgroup v2 keeps processes out of a cgroup with children. */
		diag_error(diag, "cgroup.monitorPath", "must be apart from the container's cgroup");

	if (c->n_mounts > RUNTIME_MAX_MOUNTS)
		diag_error(diag, "mounts", "more than %d", RUNTIME_MAX_MOUNTS);
	for (size_t i = 0; i < c->n_mounts; i++)
		validate_mount(&c->mounts[i], i, diag);

	if (c->seccomp == RUNTIME_SECCOMP_LOCALHOST &&
	    !path_is_sane_absolute(c->seccomp_profile_path))
		diag_error(diag, "seccomp.path", "Localhost needs an absolute profile path");
	if (c->seccomp_cache_dir && !path_is_sane_absolute(c->seccomp_cache_dir))
		diag_error(diag, "seccomp.cacheDir", "not a clean absolute path");
	validate_paths(c->masked_paths, "maskedPaths", diag);
	validate_paths(c->readonly_paths, "readonlyPaths", diag);

	if (c->have_oom_score_adj && (c->oom_score_adj < -1000 || c->oom_score_adj > 1000))
		diag_error(diag, "process.oomScoreAdj", "%d out of [-1000, 1000]",
		           c->oom_score_adj);
	if (c->n_rlimits > RUNTIME_MAX_RLIMITS)
		diag_error(diag, "process.rlimits", "more than %d", RUNTIME_MAX_RLIMITS);
	for (size_t i = 0; i < c->n_rlimits; i++)
		if (c->rlimits[i].soft > c->rlimits[i].hard)
			diag_error(diag, "process.rlimits", "entry %zu: soft above hard", i);

	if (c->log_path && !path_is_sane_absolute(c->log_path))
		diag_error(diag, "log.path", "not a clean absolute path");
	if (c->log_path && c->log_max_size > 0 && c->log_max_files < 1)
		diag_error(diag, "log.maxFiles", "must be at least 1");
	if (c->log_max_line < 256 || c->log_max_line > 1024 * 1024)
		diag_error(diag, "log.maxLine", "must be within [256, 1 MiB]");
	if (c->exit_record_path && !path_is_sane_absolute(c->exit_record_path))
		diag_error(diag, "exitRecord", "not a clean absolute path");

	return diag->n_errors > n_before ? -EINVAL : 0;
}
