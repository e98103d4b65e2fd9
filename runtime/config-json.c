/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ContainerConfig <-> JSON (DIR/config.json). The layout follows the OCI runtime spec's names
 * where one exists (process.args, process.user.additionalGids, maskedPaths ...) so that a
 * reader who knows config.json of runc feels at home; see docs in runtime.h.
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "fileio.h"
#include "json-util.h"
#include "runtime.h"
#include "util.h"

static const char *const namespace_names[_NAMESPACE_MAX] = {
	[NAMESPACE_MOUNT] = "mount", [NAMESPACE_PID] = "pid", [NAMESPACE_NET] = "network",
	[NAMESPACE_IPC] = "ipc",     [NAMESPACE_UTS] = "uts", [NAMESPACE_CGROUP] = "cgroup",
};

const char *namespace_type_to_string(NamespaceType t) {
	return t >= 0 && t < _NAMESPACE_MAX ? namespace_names[t] : NULL;
}

int namespace_type_from_string(const char *s) {
	for (int t = 0; t < _NAMESPACE_MAX; t++)
		if (streq_ptr(namespace_names[t], s))
			return t;
	return -EINVAL;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

static const char *rlimit_to_name(int r) {
	for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
		if (rlimit_names[i].resource == r)
			return rlimit_names[i].name;
	return NULL;
}

static int rlimit_from_name(const char *s) {
	for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
		if (streq(rlimit_names[i].name, s))
			return rlimit_names[i].resource;
	return -EINVAL;
}

static const char *const seccomp_names[] = {
	[RUNTIME_SECCOMP_DEFAULT] = "RuntimeDefault",
	[RUNTIME_SECCOMP_UNCONFINED] = "Unconfined",
	[RUNTIME_SECCOMP_LOCALHOST] = "Localhost",
};
static const char *const propagation_names[] = {
	[PROPAGATION_PRIVATE] = "private",
	[PROPAGATION_RSLAVE] = "rslave",
	[PROPAGATION_RSHARED] = "rshared",
};

static int name_index(const char *const *names, size_t n, const char *s) {
	for (size_t i = 0; i < n; i++)
		if (streq_ptr(names[i], s))
			return (int)i;
	return -EINVAL;
}

/* ---- writing ---- */

static json_object *caps_to_json(uint64_t mask) {
	json_object *a = json_object_new_array();
	for (int i = 0; a && i <= RUNTIME_CAP_LAST; i++)
		if (mask & (UINT64_C(1) << i))
			json_object_array_add(a, json_object_new_string(capability_to_name(i)));
	return a;
}

static json_object *mount_to_json(const MountSpec *m) {
	json_object *o = json_object_new_object();
	if (!o)
		return NULL;
	json_add_string(o, "destination", m->destination);
	json_add_string(o, "type", m->type == MOUNT_TMPFS ? "tmpfs" : "bind");
	json_add_string(o, "source", m->source);
	json_add_string(o, "subPath", m->sub_path);
	json_add_bool(o, "readOnly", m->read_only);
	if (m->type == MOUNT_BIND)
		json_add_bool(o, "recursive", m->recursive);
	json_add_bool(o, "nosuid", m->nosuid);
	json_add_bool(o, "nodev", m->nodev);
	json_add_bool(o, "noexec", m->noexec);
	json_add_string(o, "propagation", propagation_names[m->propagation]);
	if (m->size)
		json_add_uint64(o, "size", m->size);
	if (m->mode)
		json_add_int64(o, "mode", m->mode);
	return o;
}

static json_object *process_to_json(const ContainerConfig *c) {
	json_object *p = json_object_new_object(), *u, *caps, *rl;
	if (!p)
		return NULL;
	json_add_strv(p, "args", c->argv);
	json_add_strv(p, "env", c->env);
	json_add_string(p, "cwd", c->cwd);
	u = json_object_new_object();
	json_add_int64(u, "uid", c->uid);
	json_add_int64(u, "gid", c->gid);
	json_object *g = json_object_new_array();
	for (size_t i = 0; g && i < c->n_additional_gids; i++)
		json_object_array_add(g, json_object_new_int64(c->additional_gids[i]));
	json_add(u, "additionalGids", g);
	json_add(p, "user", u);
	caps = json_object_new_object();
	json_add(caps, "bounding", caps_to_json(c->cap_bounding));
	json_add(caps, "effective", caps_to_json(c->cap_effective));
	json_add(caps, "permitted", caps_to_json(c->cap_permitted));
	json_add(caps, "ambient", caps_to_json(c->cap_ambient));
	json_add(p, "capabilities", caps);
	json_add_bool(p, "noNewPrivileges", c->no_new_privileges);
	if (c->have_oom_score_adj)
		json_add_int64(p, "oomScoreAdj", c->oom_score_adj);
	rl = json_object_new_array();
	for (size_t i = 0; rl && i < c->n_rlimits; i++) {
		json_object *e = json_object_new_object();
		json_add_string(e, "type", rlimit_to_name(c->rlimits[i].resource));
		json_add_uint64(e, "soft", c->rlimits[i].soft);
		json_add_uint64(e, "hard", c->rlimits[i].hard);
		json_object_array_add(rl, e);
	}
	json_add(p, "rlimits", rl);
	return p;
}

static json_object *cgroup_to_json(const ContainerConfig *c) {
	const CgroupLimits *l = &c->cgroup_limits;
	json_object *o = json_object_new_object();
	json_add_string(o, "path", c->cgroup_path);
	json_add_string(o, "monitorPath", c->monitor_cgroup);
	if (l->cpu_shares)
		json_add_uint64(o, "cpuShares", l->cpu_shares);
	if (l->cpu_quota_us)
		json_add_int64(o, "cpuQuotaUs", l->cpu_quota_us);
	if (l->cpu_period_us)
		json_add_uint64(o, "cpuPeriodUs", l->cpu_period_us);
	if (l->memory_max)
		json_add_int64(o, "memoryMax", l->memory_max);
	if (l->memory_min)
		json_add_int64(o, "memoryMin", l->memory_min);
	if (l->memory_high)
		json_add_int64(o, "memoryHigh", l->memory_high);
	if (l->pids_max)
		json_add_int64(o, "pidsMax", l->pids_max);
	return o;
}

int container_config_to_json(const ContainerConfig *c, char **ret) {
	_cleanup_json_ json_object *o = json_object_new_object();
	json_object *root, *ns, *mounts, *sc, *log;

	if (!o)
		return -ENOMEM;
	json_add_string(o, "id", c->id);
	root = json_object_new_object();
	json_add_strv(root, "lower", c->lower_dirs);
	json_add_string(root, "upper", c->upper_dir);
	json_add_string(root, "work", c->work_dir);
	json_add_bool(root, "readOnly", c->read_only_root);
	json_add(o, "root", root);
	json_add(o, "process", process_to_json(c));
	json_add_string(o, "hostname", c->hostname);
	ns = json_object_new_object();
	for (int t = 0; t < _NAMESPACE_MAX; t++) {
		const NamespaceSpec *n = &c->namespaces[t];
		json_add_string(ns, namespace_names[t],
		                n->mode == NAMESPACE_MODE_JOIN  ? n->path
		                : n->mode == NAMESPACE_MODE_NEW ? "new"
		                                                : "host");
	}
	json_add(o, "namespaces", ns);
	json_add(o, "cgroup", cgroup_to_json(c));
	mounts = json_object_new_array();
	for (size_t i = 0; mounts && i < c->n_mounts; i++)
		json_object_array_add(mounts, mount_to_json(&c->mounts[i]));
	json_add(o, "mounts", mounts);
	json_add_bool(o, "privileged", c->privileged);
	sc = json_object_new_object();
	json_add_string(sc, "profile", seccomp_names[c->seccomp]);
	json_add_string(sc, "path", c->seccomp_profile_path);
	json_add_string(sc, "cacheDir", c->seccomp_cache_dir);
	json_add(o, "seccomp", sc);
	json_add_strv(o, "maskedPaths", c->masked_paths);
	json_add_strv(o, "readonlyPaths", c->readonly_paths);
	log = json_object_new_object();
	json_add_string(log, "path", c->log_path);
	json_add_uint64(log, "maxSize", c->log_max_size);
	json_add_uint64(log, "maxFiles", c->log_max_files);
	json_add_uint64(log, "maxLine", c->log_max_line);
	json_add(o, "log", log);
	json_add_string(o, "exitRecord", c->exit_record_path);
	return json_to_string_dup(o, ret);
}

/* ---- reading ---- */

static void read_caps(const JsonReader *r, json_object *o, const char *key, uint64_t *dst) {
	_cleanup_strv_free_ char **names = NULL;
	json_read_strv(r, o, key, 64, 64, &names);
	if (!names)
		return;
	uint64_t m = 0;
	STRV_FOREACH (n, names) {
		int c = capability_from_name(*n);
		if (c < 0) {
			_cleanup_free_ char *p = path_key(r->path, key);
			diag_error(r->diag, p, "unknown capability \"%s\"", *n);
			return;
		}
		m |= UINT64_C(1) << c;
	}
	*dst = m;
}

static void read_user(const JsonReader *pr, json_object *p, ContainerConfig *c) {
	json_object *u = tree_get(p, "user"), *g;
	JsonReader r = { pr->diag, "process.user" };
	int64_t v;

	if (!json_check_object(pr, "user", u))
		return;
	if (json_read_int64(&r, u, "uid", 0, UINT32_MAX - 1, &v))
		c->uid = (uid_t)v;
	if (json_read_int64(&r, u, "gid", 0, UINT32_MAX - 1, &v))
		c->gid = (gid_t)v;
	g = tree_get(u, "additionalGids");
	if (!g)
		return;
	size_t n = json_object_is_type(g, json_type_array) ? json_object_array_length(g) : 0;
	if (!json_object_is_type(g, json_type_array) || n > RUNTIME_MAX_GIDS) {
		diag_error(pr->diag, "process.user.additionalGids",
		           "expected an array of at most %d gids", RUNTIME_MAX_GIDS);
		return;
	}
	gid_t *gids = calloc(n ? n : 1, sizeof(gid_t));
	if (!gids)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(g, i);
		int64_t x = json_object_is_type(e, json_type_int) ? json_object_get_int64(e) : -1;
		if (x < 0 || x >= UINT32_MAX) {
			diag_error(pr->diag, "process.user.additionalGids", "entry %zu: not a gid",
			           i);
			free(gids);
			return;
		}
		gids[i] = (gid_t)x;
	}
	free(c->additional_gids);
	c->additional_gids = gids;
	c->n_additional_gids = n;
}

static void read_rlimits(const JsonReader *pr, json_object *p, ContainerConfig *c) {
	json_object *a = tree_get(p, "rlimits");
	if (!a)
		return;
	size_t n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
	if (!json_object_is_type(a, json_type_array) || n > RUNTIME_MAX_RLIMITS) {
		diag_error(pr->diag, "process.rlimits", "expected an array of at most %d",
		           RUNTIME_MAX_RLIMITS);
		return;
	}
	RlimitSpec *l = calloc(n ? n : 1, sizeof(RlimitSpec));
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		_cleanup_free_ char *path = path_index("process.rlimits", i);
		_cleanup_free_ char *type = NULL;
		JsonReader r = { pr->diag, path };
		json_read_string(&r, e, "type", 32, &type);
		int res = type ? rlimit_from_name(type) : -EINVAL;
		if (res < 0)
			diag_error(pr->diag, path, "unknown type \"%s\"", strempty(type));
		l[i].resource = res;
		json_read_uint64(&r, e, "soft", UINT64_MAX, &l[i].soft);
		json_read_uint64(&r, e, "hard", UINT64_MAX, &l[i].hard);
	}
	free(c->rlimits);
	c->rlimits = l;
	c->n_rlimits = n;
}

static void read_process(const JsonReader *top, json_object *o, ContainerConfig *c) {
	json_object *p = tree_get(o, "process"), *caps;
	JsonReader r = { top->diag, "process" };
	int64_t v;

	if (!json_check_object(top, "process", p))
		return;
	json_read_strv(&r, p, "args", RUNTIME_MAX_ARGS, RUNTIME_MAX_STRING, &c->argv);
	json_read_strv(&r, p, "env", RUNTIME_MAX_ENV, RUNTIME_MAX_STRING, &c->env);
	json_read_string(&r, p, "cwd", RUNTIME_MAX_PATH, &c->cwd);
	read_user(&r, p, c);
	caps = tree_get(p, "capabilities");
	if (json_check_object(&r, "capabilities", caps)) {
		JsonReader cr = { top->diag, "process.capabilities" };
		read_caps(&cr, caps, "bounding", &c->cap_bounding);
		read_caps(&cr, caps, "effective", &c->cap_effective);
		read_caps(&cr, caps, "permitted", &c->cap_permitted);
		read_caps(&cr, caps, "ambient", &c->cap_ambient);
	}
	json_read_bool(&r, p, "noNewPrivileges", &c->no_new_privileges);
	if (json_read_int64(&r, p, "oomScoreAdj", -1000, 1000, &v)) {
		c->have_oom_score_adj = true;
		c->oom_score_adj = (int)v;
	}
	read_rlimits(&r, p, c);
}

static void read_root(const JsonReader *top, json_object *o, ContainerConfig *c) {
	json_object *root = tree_get(o, "root");
	JsonReader r = { top->diag, "root" };
	if (!json_check_object(top, "root", root))
		return;
	json_read_strv(&r, root, "lower", RUNTIME_MAX_LOWER_DIRS, RUNTIME_MAX_PATH, &c->lower_dirs);
	json_read_string(&r, root, "upper", RUNTIME_MAX_PATH, &c->upper_dir);
	json_read_string(&r, root, "work", RUNTIME_MAX_PATH, &c->work_dir);
	json_read_bool(&r, root, "readOnly", &c->read_only_root);
}

static void read_namespaces(const JsonReader *top, json_object *o, ContainerConfig *c) {
	json_object *ns = tree_get(o, "namespaces");
	JsonReader r = { top->diag, "namespaces" };
	if (!json_check_object(top, "namespaces", ns))
		return;
	json_object_object_foreach (ns, key, val) {
		int t = namespace_type_from_string(key);
		_cleanup_free_ char *s = NULL;
		if (t < 0) {
			diag_error(top->diag, "namespaces", "unknown namespace \"%s\"", key);
			continue;
		}
		(void)val;
		json_read_string(&r, ns, key, RUNTIME_MAX_PATH, &s);
		if (!s)
			continue;
		NamespaceSpec *n = &c->namespaces[t];
		free(n->path);
		n->path = NULL;
		if (streq(s, "new"))
			n->mode = NAMESPACE_MODE_NEW;
		else if (streq(s, "host"))
			n->mode = NAMESPACE_MODE_HOST;
		else {
			n->mode = NAMESPACE_MODE_JOIN;
			n->path = TAKE_PTR(s);
		}
	}
}

static void read_cgroup(const JsonReader *top, json_object *o, ContainerConfig *c) {
	json_object *cg = tree_get(o, "cgroup");
	JsonReader r = { top->diag, "cgroup" };
	CgroupLimits *l = &c->cgroup_limits;
	uint64_t u;
	if (!json_check_object(top, "cgroup", cg))
		return;
	json_read_string(&r, cg, "path", RUNTIME_MAX_PATH, &c->cgroup_path);
	json_read_string(&r, cg, "monitorPath", RUNTIME_MAX_PATH, &c->monitor_cgroup);
	json_read_uint64(&r, cg, "cpuShares", 262144, &l->cpu_shares);
	json_read_int64(&r, cg, "cpuQuotaUs", -1, INT64_MAX / 2, &l->cpu_quota_us);
	if (json_read_uint64(&r, cg, "cpuPeriodUs", 1000000, &u))
		l->cpu_period_us = u;
	json_read_int64(&r, cg, "memoryMax", -1, INT64_MAX, &l->memory_max);
	json_read_int64(&r, cg, "memoryMin", 0, INT64_MAX, &l->memory_min);
	json_read_int64(&r, cg, "memoryHigh", -1, INT64_MAX, &l->memory_high);
	json_read_int64(&r, cg, "pidsMax", -1, INT64_MAX, &l->pids_max);
}

static void read_mount(const JsonReader *top, json_object *e, size_t i, MountSpec *m) {
	_cleanup_free_ char *path = path_index("mounts", i);
	_cleanup_free_ char *type = NULL, *prop = NULL;
	JsonReader r = { top->diag, path };
	uint64_t u;

	*m = (MountSpec){ .recursive = true };
	if (!e || !json_object_is_type(e, json_type_object)) {
		diag_error(top->diag, path, "expected an object");
		return;
	}
	json_read_string(&r, e, "destination", RUNTIME_MAX_PATH, &m->destination);
	json_read_string(&r, e, "type", 16, &type);
	if (!type || streq(type, "bind"))
		m->type = MOUNT_BIND;
	else if (streq(type, "tmpfs"))
		m->type = MOUNT_TMPFS;
	else
		diag_error(top->diag, path, "unknown type \"%s\" (bind or tmpfs)", type);
	json_read_string(&r, e, "source", RUNTIME_MAX_PATH, &m->source);
	json_read_string(&r, e, "subPath", RUNTIME_MAX_PATH, &m->sub_path);
	json_read_bool(&r, e, "readOnly", &m->read_only);
	json_read_bool(&r, e, "recursive", &m->recursive);
	json_read_bool(&r, e, "nosuid", &m->nosuid);
	json_read_bool(&r, e, "nodev", &m->nodev);
	json_read_bool(&r, e, "noexec", &m->noexec);
	json_read_string(&r, e, "propagation", 16, &prop);
	if (prop) {
		int p = name_index(propagation_names, ELEMENTSOF(propagation_names), prop);
		if (p < 0)
			diag_error(top->diag, path, "unknown propagation \"%s\"", prop);
		else
			m->propagation = p;
	}
	json_read_uint64(&r, e, "size", UINT64_MAX / 2, &m->size);
	if (json_read_uint64(&r, e, "mode", 07777, &u))
		m->mode = (uint32_t)u;
}

static void read_mounts(const JsonReader *top, json_object *o, ContainerConfig *c) {
	json_object *a = tree_get(o, "mounts");
	if (!a)
		return;
	size_t n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
	if (!json_object_is_type(a, json_type_array) || n > RUNTIME_MAX_MOUNTS) {
		diag_error(top->diag, "mounts", "expected an array of at most %d",
		           RUNTIME_MAX_MOUNTS);
		return;
	}
	MountSpec *l = calloc(n ? n : 1, sizeof(MountSpec));
	if (!l)
		return;
	for (size_t i = 0; i < n; i++)
		read_mount(top, json_object_array_get_idx(a, i), i, &l[i]);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].destination);
		free(c->mounts[i].source);
		free(c->mounts[i].sub_path);
	}
	free(c->mounts);
	c->mounts = l;
	c->n_mounts = n;
}

static void read_seccomp_log(const JsonReader *top, json_object *o, ContainerConfig *c) {
	json_object *sc = tree_get(o, "seccomp"), *log = tree_get(o, "log");
	if (json_check_object(top, "seccomp", sc)) {
		JsonReader r = { top->diag, "seccomp" };
		_cleanup_free_ char *profile = NULL;
		json_read_string(&r, sc, "profile", 32, &profile);
		if (profile) {
			int p = name_index(seccomp_names, ELEMENTSOF(seccomp_names), profile);
			if (p < 0)
				diag_error(top->diag, "seccomp.profile", "unknown profile \"%s\"",
				           profile);
			else
				c->seccomp = p;
		}
		json_read_string(&r, sc, "path", RUNTIME_MAX_PATH, &c->seccomp_profile_path);
		json_read_string(&r, sc, "cacheDir", RUNTIME_MAX_PATH, &c->seccomp_cache_dir);
	}
	if (json_check_object(top, "log", log)) {
		JsonReader r = { top->diag, "log" };
		uint64_t u;
		json_read_string(&r, log, "path", RUNTIME_MAX_PATH, &c->log_path);
		json_read_uint64(&r, log, "maxSize", UINT64_MAX / 2, &c->log_max_size);
		if (json_read_uint64(&r, log, "maxFiles", 1000, &u))
			c->log_max_files = (uint32_t)u;
		if (json_read_uint64(&r, log, "maxLine", 1024 * 1024, &u))
			c->log_max_line = (uint32_t)u;
	}
}

int container_config_from_json(const char *json, size_t len, ContainerConfig *ret, Diag *diag) {
	_cleanup_json_ json_object *o = NULL;
	ContainerConfig c;
	JsonReader r = { diag, "" };
	bool privileged = false;
	int k;

	k = json_parse_bounded(json, len, RUNTIME_CONFIG_MAX_BYTES, NULL, &o, diag);
	if (k < 0)
		return k;
	if (!json_object_is_type(o, json_type_object)) {
		diag_error(diag, NULL, "expected a JSON object");
		return -EINVAL;
	}
	k = container_config_init(&c);
	if (k < 0)
		return k;
	size_t n_before = diag->n_errors;

	/* privileged first: it sets capabilities, seccomp and masks that explicit keys may
	 * still override. */
	json_read_bool(&r, o, "privileged", &privileged);
	if (privileged)
		container_config_set_privileged(&c);
	json_read_string(&r, o, "id", 256, &c.id);
	read_root(&r, o, &c);
	read_process(&r, o, &c);
	json_read_string(&r, o, "hostname", 64, &c.hostname);
	read_namespaces(&r, o, &c);
	read_cgroup(&r, o, &c);
	read_mounts(&r, o, &c);
	read_seccomp_log(&r, o, &c);
	json_read_strv(&r, o, "maskedPaths", RUNTIME_MAX_PATH_LIST, RUNTIME_MAX_PATH,
	               &c.masked_paths);
	json_read_strv(&r, o, "readonlyPaths", RUNTIME_MAX_PATH_LIST, RUNTIME_MAX_PATH,
	               &c.readonly_paths);
	json_read_string(&r, o, "exitRecord", RUNTIME_MAX_PATH, &c.exit_record_path);

	if (diag->n_errors > n_before) {
		container_config_done(&c);
		return -EINVAL;
	}
	*ret = c;
	return 0;
}

int container_config_write(const ContainerConfig *c, const char *dir) {
	_cleanup_free_ char *json = NULL, *path = NULL;
	Diag d = {};
	int r = container_config_validate(c, &d);
	diag_clear(&d);
	if (r < 0)
		return r;
	r = container_config_to_json(c, &json);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/config.json", dir) < 0)
		return -ENOMEM;
	return write_file_atomic(path, json, strlen(json), 0600);
}

int container_config_load(const char *dir, ContainerConfig *ret, Diag *diag) {
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t size;
	int r;

	if (asprintf(&path, "%s/config.json", dir) < 0)
		return -ENOMEM;
	r = read_full_file(path, RUNTIME_CONFIG_MAX_BYTES, &data, &size);
	if (r < 0) {
		diag_error(diag, NULL, "reading %s: %s", path, strerror(-r));
		return r;
	}
	r = container_config_from_json(data, size, ret, diag);
	if (r < 0)
		return r;
	r = container_config_validate(ret, diag);
	if (r < 0)
		container_config_done(ret);
	return r;
}
