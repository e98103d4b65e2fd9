/* SPDX-License-Identifier: Apache-2.0 */
/* Pod, metadata, spec, volumes and the pod security context: json-c tree -> structs. */
#include "pod-internal.h"
#include "tree.h"

static const FieldSpec meta_fields[] = {
	FIELD("name", dec_string, ObjectMeta, name),
	FIELD("namespace", dec_string, ObjectMeta, namespace),
	FIELD("uid", dec_string, ObjectMeta, uid),
	FIELD("labels", dec_strmap, ObjectMeta, labels),
	FIELD("annotations", dec_strmap, ObjectMeta, annotations),
	/* Set by the API server or controllers; meaningless for a node agent. */
	IGNORED("generateName"),
	IGNORED("creationTimestamp"),
	IGNORED("deletionTimestamp"),
	IGNORED("deletionGracePeriodSeconds"),
	IGNORED("resourceVersion"),
	IGNORED("generation"),
	IGNORED("selfLink"),
	IGNORED("ownerReferences"),
	IGNORED("finalizers"),
	IGNORED("managedFields"),
	FIELDS_END,
};

static void dec_meta(Decoder *d, json_object *v, const char *path, void *field) {
	dec_fields(d, v, path, meta_fields, field);
}

DEFINE_ENUM_DECODER(dec_host_path_type, host_path_type_table, HostPathType)

static void dec_medium(Decoder *d, json_object *v, const char *path, void *field) {
	_cleanup_free_ char *s = NULL;

	if (!dec_get_string(d, v, path, POD_MAX_STRING, &s))
		return;
	if (isempty(s))
		*(StorageMedium *)field = STORAGE_MEDIUM_DEFAULT;
	else if (streq(s, "Memory"))
		*(StorageMedium *)field = STORAGE_MEDIUM_MEMORY;
	else if (startswith(s, "HugePages"))
		dec_error(d, path, "Forbidden: hugepages are not supported by skiff");
	else {
		static const char *const media[] = { "", "Memory" };
		field_not_supported(d->diag, path, s, media, ELEMENTSOF(media));
		dec_failed(d, path);
	}
}

static const FieldSpec empty_dir_fields[] = {
	FIELD("medium", dec_medium, Volume, empty_dir.medium),
	FIELD("sizeLimit", dec_opt_quantity, Volume, empty_dir.size_limit),
	FIELDS_END,
};

static const FieldSpec host_path_fields[] = {
	FIELD("path", dec_string, Volume, host_path.path),
	FIELD("type", dec_host_path_type, Volume, host_path.type),
	FIELDS_END,
};

static void dec_volume_source(Decoder *d, json_object *v, const char *path, Volume *vol,
                              VolumeType type, const FieldSpec *fields) {
	if (vol->n_sources++ > 0) {
		dec_error(d, path, "Forbidden: may not specify more than 1 volume type");
		return;
	}
	vol->type = type;
	dec_fields(d, v, path, fields, vol);
}

static void dec_empty_dir(Decoder *d, json_object *v, const char *path, void *field) {
	dec_volume_source(d, v, path, field, VOLUME_EMPTY_DIR, empty_dir_fields);
}

static void dec_host_path(Decoder *d, json_object *v, const char *path, void *field) {
	dec_volume_source(d, v, path, field, VOLUME_HOST_PATH, host_path_fields);
}

/* Volume sources of the API that need an API server, a cloud or a driver skiff does not have. */
static void dec_volume_not_supported(Decoder *d, json_object *v, const char *path, void *field) {
	if (((Volume *)field)->n_sources++ > 0) {
		dec_error(d, path, "Forbidden: may not specify more than 1 volume type");
		return;
	}
	dec_error(d, path,
	          "Forbidden: volume type not supported by skiff (supported: emptyDir, "
	          "hostPath)");
}

#define VOLUME_NOT_SUPPORTED(json)                                                                 \
	{ json, dec_volume_not_supported, 0 }

static const FieldSpec volume_fields[] = {
	FIELD("name", dec_string, Volume, name),
	{ "emptyDir", dec_empty_dir, 0 },
	{ "hostPath", dec_host_path, 0 },
	VOLUME_NOT_SUPPORTED("configMap"),
	VOLUME_NOT_SUPPORTED("secret"),
	VOLUME_NOT_SUPPORTED("downwardAPI"),
	VOLUME_NOT_SUPPORTED("projected"),
	VOLUME_NOT_SUPPORTED("persistentVolumeClaim"),
	VOLUME_NOT_SUPPORTED("ephemeral"),
	VOLUME_NOT_SUPPORTED("image"),
	VOLUME_NOT_SUPPORTED("csi"),
	VOLUME_NOT_SUPPORTED("nfs"),
	VOLUME_NOT_SUPPORTED("iscsi"),
	VOLUME_NOT_SUPPORTED("gitRepo"),
	VOLUME_NOT_SUPPORTED("gcePersistentDisk"),
	VOLUME_NOT_SUPPORTED("awsElasticBlockStore"),
	VOLUME_NOT_SUPPORTED("glusterfs"),
	VOLUME_NOT_SUPPORTED("rbd"),
	VOLUME_NOT_SUPPORTED("flexVolume"),
	VOLUME_NOT_SUPPORTED("cinder"),
	VOLUME_NOT_SUPPORTED("cephfs"),
	VOLUME_NOT_SUPPORTED("flocker"),
	VOLUME_NOT_SUPPORTED("fc"),
	VOLUME_NOT_SUPPORTED("azureFile"),
	VOLUME_NOT_SUPPORTED("azureDisk"),
	VOLUME_NOT_SUPPORTED("vsphereVolume"),
	VOLUME_NOT_SUPPORTED("quobyte"),
	VOLUME_NOT_SUPPORTED("photonPersistentDisk"),
	VOLUME_NOT_SUPPORTED("portworxVolume"),
	VOLUME_NOT_SUPPORTED("scaleIO"),
	VOLUME_NOT_SUPPORTED("storageos"),
	FIELDS_END,
};

static void dec_volumes(Decoder *d, json_object *v, const char *path, void *field) {
	PodSpec *s = field;

	s->volumes = dec_array_alloc(d, v, path, POD_MAX_VOLUMES, sizeof(Volume), &s->n_volumes);
	for (size_t i = 0; i < s->n_volumes; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		dec_fields(d, json_object_array_get_idx(v, i), p, volume_fields, &s->volumes[i]);
	}
}

static void dec_container_list(Decoder *d, json_object *v, const char *path, Container **ret,
                               size_t *ret_n, size_t max, ContainerKind kind) {
	*ret = dec_array_alloc(d, v, path, max, sizeof(Container), ret_n);
	for (size_t i = 0; i < *ret_n; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		(*ret)[i].kind = kind;
		dec_container(d, json_object_array_get_idx(v, i), p, &(*ret)[i]);
	}
}

static void dec_containers(Decoder *d, json_object *v, const char *path, void *field) {
	PodSpec *s = field;
	dec_container_list(d, v, path, &s->containers, &s->n_containers, POD_MAX_CONTAINERS,
	                   CONTAINER_REGULAR);
}

static void dec_init_containers(Decoder *d, json_object *v, const char *path, void *field) {
	PodSpec *s = field;
	dec_container_list(d, v, path, &s->init_containers, &s->n_init_containers,
	                   POD_MAX_INIT_CONTAINERS, CONTAINER_INIT);
}

static void dec_supplemental_groups(Decoder *d, json_object *v, const char *path, void *field) {
	PodSecurityContext *sc = field;

	sc->supplemental_groups = dec_array_alloc(d, v, path, POD_MAX_SMALL_LIST, sizeof(int64_t),
	                                          &sc->n_supplemental_groups);
	for (size_t i = 0; i < sc->n_supplemental_groups; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		dec_get_int64(d, json_object_array_get_idx(v, i), p, &sc->supplemental_groups[i]);
	}
}

static void dec_sysctls(Decoder *d, json_object *v, const char *path, void *field) {
	if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0)
		return;
	dec_error(d, path, "Forbidden: sysctls are not supported by skiff");
}

/* Linux-only settings skiff cannot apply; ignoring them silently would hide a weaker setup. */
static const FieldSpec pod_security_context_fields[] = {
	FIELD("runAsUser", dec_opt_int64, PodSecurityContext, run_as_user),
	FIELD("runAsGroup", dec_opt_int64, PodSecurityContext, run_as_group),
	FIELD("runAsNonRoot", dec_opt_bool, PodSecurityContext, run_as_non_root),
	{ "supplementalGroups", dec_supplemental_groups, 0 },
	FIELD("fsGroup", dec_opt_int64, PodSecurityContext, fs_group),
	FIELD("seccompProfile", dec_seccomp_profile, PodSecurityContext, seccomp_profile),
	{ "sysctls", dec_sysctls, 0 },
	{ "seLinuxOptions", dec_warn_ignored, 0 },
	{ "appArmorProfile", dec_warn_ignored, 0 },
	IGNORED("fsGroupChangePolicy"),
	IGNORED("windowsOptions"),
	IGNORED("supplementalGroupsPolicy"),
	IGNORED("seLinuxChangePolicy"),
	FIELDS_END,
};

static void dec_pod_security_context(Decoder *d, json_object *v, const char *path, void *field) {
	(void)dec_optional_object(d, v, path, pod_security_context_fields, field,
	                          sizeof(PodSecurityContext));
}

static void dec_host_users(Decoder *d, json_object *v, const char *path, void *field) {
	/* hostUsers: false asks for a user namespace, which skiff does not create. */
	if (dec_expect(d, v, json_type_boolean, path) && !json_object_get_boolean(v))
		dec_error(d, path, "Forbidden: user namespaces are not supported by skiff");
}

static void dec_ephemeral_containers(Decoder *d, json_object *v, const char *path, void *f) {
	if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0)
		return;
	dec_error(d, path, "Forbidden: cannot be set on create");
}

DEFINE_ENUM_DECODER(dec_restart_policy, restart_policy_table, RestartPolicy)
DEFINE_ENUM_DECODER(dec_dns_policy, dns_policy_table, DNSPolicy)

static const FieldSpec spec_fields[] = {
	{ "containers", dec_containers, 0 },
	{ "initContainers", dec_init_containers, 0 },
	{ "volumes", dec_volumes, 0 },
	FIELD("restartPolicy", dec_restart_policy, PodSpec, restart_policy),
	FIELD("terminationGracePeriodSeconds", dec_opt_int64, PodSpec,
	      termination_grace_period_seconds),
	FIELD("activeDeadlineSeconds", dec_opt_int64, PodSpec, active_deadline_seconds),
	FIELD("dnsPolicy", dec_dns_policy, PodSpec, dns_policy),
	FIELD("hostNetwork", dec_bool, PodSpec, host_network),
	FIELD("hostPID", dec_bool, PodSpec, host_pid),
	FIELD("hostIPC", dec_bool, PodSpec, host_ipc),
	FIELD("shareProcessNamespace", dec_opt_bool, PodSpec, share_process_namespace),
	FIELD("hostname", dec_string, PodSpec, hostname),
	FIELD("subdomain", dec_string, PodSpec, subdomain),
	FIELD("priority", dec_opt_int64, PodSpec, priority),
	FIELD("priorityClassName", dec_string, PodSpec, priority_class_name),
	FIELD("nodeName", dec_string, PodSpec, node_name),
	FIELD("securityContext", dec_pod_security_context, PodSpec, security_context),
	{ "hostUsers", dec_host_users, 0 },
	{ "ephemeralContainers", dec_ephemeral_containers, 0 },
	/* Pod-level resources change the pod cgroup's limits; skiff sets them per container. */
	{ "resources", dec_not_supported, 0 },
	/* Scheduling and API-server concerns: a node agent has nothing to do with them. */
	IGNORED("nodeSelector"),
	IGNORED("tolerations"),
	IGNORED("affinity"),
	IGNORED("schedulerName"),
	IGNORED("serviceAccountName"),
	IGNORED("serviceAccount"),
	IGNORED("automountServiceAccountToken"),
	IGNORED("imagePullSecrets"),
	IGNORED("hostAliases"),
	IGNORED("dnsConfig"),
	IGNORED("readinessGates"),
	IGNORED("runtimeClassName"),
	IGNORED("enableServiceLinks"),
	IGNORED("preemptionPolicy"),
	IGNORED("overhead"),
	IGNORED("topologySpreadConstraints"),
	IGNORED("setHostnameAsFQDN"),
	IGNORED("os"),
	IGNORED("schedulingGates"),
	IGNORED("resourceClaims"),
	IGNORED("hostnameOverride"),
	FIELDS_END,
};

static void dec_spec(Decoder *d, json_object *v, const char *path, void *field) {
	dec_fields(d, v, path, spec_fields, field);
}

static const FieldSpec pod_fields[] = {
	IGNORED("apiVersion"), /* checked by the manifest loader */
	IGNORED("kind"),
	FIELD("metadata", dec_meta, Pod, metadata),
	FIELD("spec", dec_spec, Pod, spec),
	IGNORED("status"), /* written by the node agent, never read from a manifest */
	FIELDS_END,
};

static int pod_decode_full(json_object *obj, const char *path, Pod **ret, Diag *diag, Decoder *d) {
	_cleanup_pod_free_ Pod *pod = pod_new();

	if (!pod)
		return -ENOMEM;
	*d = (Decoder){ .diag = diag };
	dec_fields(d, obj, path, pod_fields, pod);
	*ret = TAKE_PTR(pod);
	return d->n_failed > 0 ? -EINVAL : 0;
}

int pod_decode(json_object *obj, const char *path, Pod **ret, Diag *diag) {
	Decoder d;
	int r = pod_decode_full(obj, path, ret, diag, &d);
	decoder_done(&d);
	return r;
}

/* Does an entry "path: message" lie at or below one of the failed paths? */
static bool below_failed(const Decoder *d, const char *entry) {
	for (size_t i = 0; i < d->n_failed; i++) {
		const char *rest = startswith(entry, d->failed[i]);
		if (rest && (*rest == ':' || *rest == '.' || *rest == '['))
			return true;
	}
	return false;
}

int pod_from_json(json_object *obj, const char *path, Pod **ret, Diag *diag) {
	_cleanup_pod_free_ Pod *pod = NULL;
	Diag vdiag = {};
	Decoder d;
	bool failed;
	int r;

	r = pod_decode_full(obj, path, &pod, diag, &d);
	if (r == -ENOMEM)
		return r;
	failed = r < 0;
	pod_apply_defaults(pod);
	if (pod_validate(pod, path, &vdiag) < 0 || vdiag.truncated)
		failed = true;
	for (size_t i = 0; i < vdiag.n_errors; i++)
		if (!below_failed(&d, vdiag.errors[i]))
			diag_error(diag, NULL, "%s", vdiag.errors[i]);
	for (size_t i = 0; i < vdiag.n_warnings; i++)
		diag_warning(diag, NULL, "%s", vdiag.warnings[i]);
	diag->truncated = diag->truncated || vdiag.truncated;
	diag_clear(&vdiag);
	decoder_done(&d);
	if (failed)
		return -EINVAL;
	*ret = TAKE_PTR(pod);
	return 0;
}
