/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "strutil.h"
#include "strv.h"
#include "translate.h"

char *container_log_path(const PodContext *ctx, const Container *c, uint32_t restart_count) {
	char *p = NULL;
	/* kuberuntime/helpers.go BuildContainerLogsDirectory + "<restartCount>.log" */
	if (asprintf(&p, "%s/%s/%u.log", ctx->pod_log_dir, c->name, restart_count) < 0)
		return NULL;
	return p;
}

char *container_termination_log_path(const PodContext *ctx, const char *id) {
	char *p = NULL;
	if (asprintf(&p, "%s/containers/%s-termination-log", ctx->pod_dir, id) < 0)
		return NULL;
	return p;
}

char *pod_volume_path(const char *pod_dir, const Volume *v) {
	char *p = NULL;
	if (v->type == VOLUME_HOST_PATH)
		return strdup(v->host_path.path);
	/* the kubelet's layout: pods/<uid>/volumes/kubernetes.io~empty-dir/<name> */
	if (asprintf(&p, "%s/volumes/kubernetes.io~empty-dir/%s", pod_dir, v->name) < 0)
		return NULL;
	return p;
}

static MountSpec *add_mount(ContainerConfig *c) {
	MountSpec *m = realloc(c->mounts, (c->n_mounts + 1) * sizeof(MountSpec));
	if (!m)
		return NULL;
	c->mounts = m;
	m = &c->mounts[c->n_mounts++];
	*m = (MountSpec){ .type = MOUNT_BIND, .recursive = true };
	return m;
}

static bool has_mount_at(const Container *c, const char *path) {
	for (size_t i = 0; i < c->n_volume_mounts; i++)
		if (streq(c->volume_mounts[i].mount_path, path))
			return true;
	return false;
}

static int add_bind(ContainerConfig *cfg, const char *src, const char *dst, bool ro) {
	MountSpec *m = add_mount(cfg);
	if (!m || !(m->source = strdup(src)) || !(m->destination = strdup(dst)))
		return -ENOMEM;
	m->read_only = ro;
	return 0;
}

static int add_pod_file(ContainerConfig *cfg, const PodContext *ctx, const char *file,
                        const char *dst) {
	_cleanup_free_ char *src = NULL;
	if (asprintf(&src, "%s/%s", ctx->pod_dir, file) < 0)
		return -ENOMEM;
	return add_bind(cfg, src, dst, false);
}

static int translate_mounts(const PodContext *ctx, const Container *c, const char *id,
                            ContainerConfig *cfg) {
	const PodSpec *spec = &ctx->pod->spec;
	int r;

	for (size_t i = 0; i < c->n_volume_mounts; i++) {
		const VolumeMount *vm = &c->volume_mounts[i];
		const Volume *v = pod_find_volume(ctx->pod, vm->name);
		_cleanup_free_ char *src = v ? pod_volume_path(ctx->pod_dir, v) : NULL;
		if (!src)
			return -ENOMEM;
		r = add_bind(cfg, src, vm->mount_path, vm->read_only);
		if (r < 0)
			return r;
		if (!isempty(vm->sub_path)) {
			MountSpec *m = &cfg->mounts[cfg->n_mounts - 1];
			if (!(m->sub_path = strdup(vm->sub_path)))
				return -ENOMEM;
		}
	}
	/* The kubelet manages /etc/hosts unless the container mounts its own; containerd adds
	 * /etc/hostname, /etc/resolv.conf and the sandbox's /dev/shm. */
	if (!has_mount_at(c, "/etc/hosts") &&
	    (r = add_pod_file(cfg, ctx, "etc-hosts", "/etc/hosts")) < 0)
		return r;
	if (!has_mount_at(c, "/etc/hostname") &&
	    (r = add_pod_file(cfg, ctx, "hostname", "/etc/hostname")) < 0)
		return r;
	if (!has_mount_at(c, "/etc/resolv.conf") &&
	    (r = add_pod_file(cfg, ctx, "resolv.conf", "/etc/resolv.conf")) < 0)
		return r;
	if (!spec->host_ipc && !has_mount_at(c, "/dev/shm")) {
		_cleanup_free_ char *shm = NULL;
		if ((r = runtime_sandbox_shm_path(ctx->sandbox_dir, &shm)) < 0 ||
		    (r = add_bind(cfg, shm, "/dev/shm", false)) < 0)
			return r;
	}
	if (!isempty(c->termination_message_path) &&
	    !has_mount_at(c, c->termination_message_path)) {
		_cleanup_free_ char *tl = container_termination_log_path(ctx, id);
		if (!tl || (r = add_bind(cfg, tl, c->termination_message_path, false)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int cap_bits(char *const *names, size_t n, uint64_t *ret, char **ret_error) {
	uint64_t bits = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(names[i], "ALL") == 0 || strcasecmp(names[i], "CAP_ALL") == 0) {
			bits = UINT64_MAX;
			continue;
		}
		int cap = capability_from_name(names[i]);
		if (cap < 0) {
			*ret_error = strprintf("unknown capability \"%s\"", names[i]);
			return -EINVAL;
		}
		bits |= 1ULL << cap;
	}
	*ret = bits;
	return 0;
}

static int translate_security(const PodContext *ctx, const Container *c, ContainerConfig *cfg,
                              char **ret_error) {
	const SecurityContext *sc = c->security_context;
	const PodSecurityContext *psc = ctx->pod->spec.security_context;
	const SeccompProfile *prof = NULL;
	int r;

	if (sc && sc->privileged.set && sc->privileged.value) {
		container_config_set_privileged(cfg);
		return 0;
	}
	if (sc && sc->capabilities) {
		uint64_t add = 0, drop = 0, all = 0;
		for (int i = 0; i <= RUNTIME_CAP_LAST; i++)
			all |= 1ULL << i;
		if ((r = cap_bits(sc->capabilities->add, sc->capabilities->n_add, &add,
		                  ret_error)) < 0 ||
		    (r = cap_bits(sc->capabilities->drop, sc->capabilities->n_drop, &drop,
		                  ret_error)) < 0)
			return r;
		/* containerd: start from the defaults, add, then drop (drop ALL wins over adds
		 * only for what was not added explicitly, as WithCapabilities does). */
		uint64_t caps = runtime_default_capabilities();
		if (drop == UINT64_MAX)
			caps = 0;
		else
			caps &= ~drop;
		caps |= add & all;
		cfg->cap_bounding = cfg->cap_effective = cfg->cap_permitted = caps;
	}
	/* allowPrivilegeEscalation: false sets no_new_privs (kubelet's
	 * AddNoNewPrivileges: only when explicitly false, not privileged, no CAP_SYS_ADMIN). */
	if (sc && sc->allow_privilege_escalation.set && !sc->allow_privilege_escalation.value)
		cfg->no_new_privileges = true;
	if (sc && sc->proc_mount == PROC_MOUNT_UNMASKED) {
		strv_free(cfg->masked_paths);
		strv_free(cfg->readonly_paths);
		cfg->masked_paths = calloc(1, sizeof(char *));
		cfg->readonly_paths = calloc(1, sizeof(char *));
		if (!cfg->masked_paths || !cfg->readonly_paths)
			return -ENOMEM;
	}
	if (sc && sc->read_only_root_filesystem.set)
		cfg->read_only_root = sc->read_only_root_filesystem.value;

	/* seccomp: the container's profile, else the pod's, else the kubelet's default
	 * (Unconfined, or RuntimeDefault with seccompDefault). */
	prof = sc && sc->seccomp_profile ? sc->seccomp_profile : psc ? psc->seccomp_profile : NULL;
	if (!prof)
		cfg->seccomp =
		        ctx->seccomp_default ? RUNTIME_SECCOMP_DEFAULT : RUNTIME_SECCOMP_UNCONFINED;
	else if (prof->type == SECCOMP_PROFILE_UNCONFINED)
		cfg->seccomp = RUNTIME_SECCOMP_UNCONFINED;
	else if (prof->type == SECCOMP_PROFILE_LOCALHOST) {
		cfg->seccomp = RUNTIME_SECCOMP_LOCALHOST;
		if (asprintf(&cfg->seccomp_profile_path, "%s/%s", ctx->seccomp_dir,
		             prof->localhost_profile) < 0)
			return -ENOMEM;
		if (access(cfg->seccomp_profile_path, R_OK) < 0) {
			*ret_error = strprintf("failed to load seccomp profile \"%s\": %m",
			                       cfg->seccomp_profile_path);
			return -EINVAL;
		}
	} else
		cfg->seccomp = RUNTIME_SECCOMP_DEFAULT;
	if (ctx->seccomp_cache_dir && !(cfg->seccomp_cache_dir = strdup(ctx->seccomp_cache_dir)))
		return -ENOMEM;
	return 0;
}

static const OptInt64 *pick(const OptInt64 *container, const OptInt64 *pod) {
	if (container && container->set)
		return container;
	if (pod && pod->set)
		return pod;
	return NULL;
}

/* runAsNonRoot (kuberuntime_container_linux.go verifyRunAsNonRoot) */
static int verify_non_root(const PodContext *ctx, const Container *c, const ImageUser *u,
                           const char *image_user, bool uid_from_spec, char **ret_error) {
	const SecurityContext *sc = c->security_context;
	const PodSecurityContext *psc = ctx->pod->spec.security_context;
	const OptBool *nr = sc && sc->run_as_non_root.set     ? &sc->run_as_non_root
	                    : psc && psc->run_as_non_root.set ? &psc->run_as_non_root
	                                                      : NULL;
	if (!nr || !nr->value)
		return 0;
	if (!uid_from_spec && !isempty(image_user)) {
		/* a user name in the image cannot be verified */
		const char *p = image_user;
		while (*p && *p != ':' && *p >= '0' && *p <= '9')
			p++;
		if (*p && *p != ':') {
			*ret_error = strprintf(
			        "container has runAsNonRoot and image has non-numeric user (%s), "
			        "cannot verify user is non-root (pod: \"%s\", container: %s)",
			        image_user, ctx->full_name, c->name);
			return -EINVAL;
		}
	}
	if (u->uid == 0) {
		*ret_error = strprintf(
		        "container has runAsNonRoot and image will run as root (pod: \"%s\", "
		        "container: %s)",
		        ctx->full_name, c->name);
		return -EINVAL;
	}
	return 0;
}

static int translate_process(const PodContext *ctx, const Container *c, const ImageInfo *image,
                             ContainerConfig *cfg, char **ret_error) {
	const SecurityContext *sc = c->security_context;
	const PodSecurityContext *psc = ctx->pod->spec.security_context;
	_cleanup_strv_free_ char **env = NULL, **command = NULL, **args = NULL;
	_cleanup_(image_process_done) ImageProcess proc = {};
	_cleanup_(image_user_done) ImageUser user = {};
	Diag d = {};
	int r;

	r = env_build(&ctx->env, c, &env, ret_error);
	if (r < 0)
		return r;
	command = env_expand_strv(c->command, c->n_command, env);
	args = env_expand_strv(c->args, c->n_args, env);
	if ((c->command && !command) || (c->args && !args))
		return -ENOMEM;

	const OptInt64 *uid = pick(sc ? &sc->run_as_user : NULL, psc ? &psc->run_as_user : NULL);
	const OptInt64 *gid = pick(sc ? &sc->run_as_group : NULL, psc ? &psc->run_as_group : NULL);
	ImageContainerSpec spec = {
		.command = command,
		.args = args,
		.env = env,
		.working_dir = c->working_dir,
		.hostname = cfg->hostname,
		.has_run_as_user = uid != NULL,
		.run_as_user = uid ? uid->value : 0,
		.has_run_as_group = gid != NULL,
		.run_as_group = gid ? gid->value : 0,
	};
	r = image_apply_config(&image->config, &spec, &proc, &d);
	if (r >= 0)
		r = image_resolve_user(image, proc.user, &user, &d);
	if (r < 0) {
		if (d.n_errors > 0)
			*ret_error = strdup(d.errors[0]);
		diag_clear(&d);
		return r == -ENOMEM ? r : -EINVAL;
	}
	diag_clear(&d);
	r = verify_non_root(ctx, c, &user, image->config.user, uid != NULL, ret_error);
	if (r < 0)
		return r;

	cfg->argv = TAKE_PTR(proc.argv);
	strv_free(cfg->env);
	cfg->env = TAKE_PTR(proc.env);
	free(cfg->cwd);
	cfg->cwd = TAKE_PTR(proc.cwd);
	cfg->uid = user.uid;
	cfg->gid = user.gid;

	/* groups: the user's from the image, then the pod's supplementalGroups and fsGroup */
	size_t n = user.n_gids + (psc ? psc->n_supplemental_groups + 1 : 0);
	cfg->additional_gids = calloc(n + 1, sizeof(gid_t));
	if (!cfg->additional_gids)
		return -ENOMEM;
	for (size_t i = 0; i < user.n_gids; i++)
		cfg->additional_gids[cfg->n_additional_gids++] = user.gids[i];
	if (psc) {
		for (size_t i = 0; i < psc->n_supplemental_groups; i++)
			cfg->additional_gids[cfg->n_additional_gids++] =
			        (gid_t)psc->supplemental_groups[i];
		if (psc->fs_group.set)
			cfg->additional_gids[cfg->n_additional_gids++] = (gid_t)psc->fs_group.value;
	}
	return 0;
}

static int translate_namespaces(const PodContext *ctx, ContainerConfig *cfg) {
	const PodSpec *spec = &ctx->pod->spec;
	struct {
		NamespaceType type;
		bool host;
		bool join;
	} table[] = {
		{ NAMESPACE_NET, spec->host_network, true },
		{ NAMESPACE_IPC, spec->host_ipc, true },
		{ NAMESPACE_UTS, spec->host_network, true },
		{ NAMESPACE_PID, spec->host_pid,
		  spec->share_process_namespace.set && spec->share_process_namespace.value },
	};
	for (size_t i = 0; i < ELEMENTSOF(table); i++) {
		NamespaceSpec *ns = &cfg->namespaces[table[i].type];
		free(ns->path);
		ns->path = NULL;
		if (table[i].host)
			ns->mode = NAMESPACE_MODE_HOST;
		else if (table[i].join) {
			ns->mode = NAMESPACE_MODE_JOIN;
			int r = runtime_sandbox_ns_path(ctx->sandbox_dir, table[i].type, &ns->path);
			if (r < 0)
				return r;
		} else
			ns->mode = NAMESPACE_MODE_NEW;
	}
	return 0;
}

static int pod_hostname(const Pod *pod, char **ret) {
	/* kubelet GeneratePodHostNameAndDomain: spec.hostname, else the pod name, truncated to
	 * 63 characters with trailing '-' and '.' removed */
	const char *h = !isempty(pod->spec.hostname) ? pod->spec.hostname : pod->metadata.name;
	size_t l = MIN(strlen(h), (size_t)63);
	while (l > 0 && (h[l - 1] == '-' || h[l - 1] == '.'))
		l--;
	*ret = strndup(h, l);
	return *ret ? 0 : -ENOMEM;
}

int container_translate(const PodContext *ctx, const Container *c, const ImageInfo *image,
                        const char *id, uint32_t restart_count, ContainerConfig *ret,
                        char **ret_error) {
	_cleanup_(container_config_done) ContainerConfig cfg = {};
	int r;

	*ret_error = NULL;
	if ((r = container_config_init(&cfg)) < 0)
		return r;
	if (!(cfg.id = strdup(id)))
		return -ENOMEM;
	if (!ctx->pod->spec.host_network && (r = pod_hostname(ctx->pod, &cfg.hostname)) < 0)
		return r;
	if ((r = translate_namespaces(ctx, &cfg)) < 0)
		return r;

	/* rootfs: the image's layers under a per-instance upper directory */
	cfg.lower_dirs = calloc(strv_length(image->layers) + 1, sizeof(char *));
	if (!cfg.lower_dirs)
		return -ENOMEM;
	for (int i = 0; image->layers[i]; i++)
		if (!(cfg.lower_dirs[i] = strdup(image->layers[i])))
			return -ENOMEM;
	if (asprintf(&cfg.upper_dir, "%s/%s/upper", ctx->containers_dir, id) < 0 ||
	    asprintf(&cfg.work_dir, "%s/%s/work", ctx->containers_dir, id) < 0)
		return -ENOMEM;

	if ((r = translate_process(ctx, c, image, &cfg, ret_error)) < 0)
		return r;
	/* the hostname is the sandbox's UTS namespace's; it only named HOSTNAME in the env */
	if (cfg.namespaces[NAMESPACE_UTS].mode != NAMESPACE_MODE_NEW) {
		free(cfg.hostname);
		cfg.hostname = NULL;
	}
	if ((r = translate_mounts(ctx, c, id, &cfg)) < 0)
		return r;
	if ((r = translate_security(ctx, c, &cfg, ret_error)) < 0)
		return r;

	cfg.have_oom_score_adj = true;
	cfg.oom_score_adj = container_oom_score_adj(ctx->pod, c, ctx->node_critical,
	                                            ctx->resources.machine_memory);
	if (ctx->resources.restrict_oom_score_adj)
		cfg.oom_score_adj = MAX(cfg.oom_score_adj, ctx->resources.oom_score_adj_floor);
	if (asprintf(&cfg.cgroup_path, "%s/%s", ctx->pod_cgroup, id) < 0)
		return -ENOMEM;
	cfg.cgroup_limits = container_cgroup_limits(ctx->pod, c, &ctx->resources);
	if (ctx->monitor_cgroup && !(cfg.monitor_cgroup = strdup(ctx->monitor_cgroup)))
		return -ENOMEM;

	if (!(cfg.log_path = container_log_path(ctx, c, restart_count)))
		return -ENOMEM;
	cfg.log_max_size = ctx->log_max_size;
	cfg.log_max_files = ctx->log_max_files;

	*ret = cfg;
	cfg = (ContainerConfig){};
	return 0;
}
