/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod validation as the API server does it on create (ValidatePodCreate ->
 * validatePodMetadataAndSpec -> ValidatePodSpec in pkg/apis/core/validation/validation.go), for
 * the fields skiff models, in the API's order and with its messages. skiff adds a few checks
 * where the kubelet would only fail later (absolute mount paths, known capabilities).
 */
#include <inttypes.h>

#include "pod-internal.h"
#include "validation-names.h"

void report_name(Diag *d, const char *path, const char *value,
                 size_t (*check)(const char *, const char **)) {
	const char *msgs[NAME_MSGS_MAX];
	size_t n = check(value, msgs);

	for (size_t i = 0; i < n; i++)
		field_invalid_str(d, path, value, "%s", msgs[i]);
}

void validate_no_backsteps(Diag *d, const char *value, const char *path) {
	const char *p = value;

	/* One error is enough, even for "../../..". */
	while (p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			field_invalid_str(d, path, value, "must not contain '..'");
			return;
		}
		p = slash ? slash + 1 : NULL;
	}
}

void validate_local_descending_path(Diag *d, const char *value, const char *path) {
	if (value[0] == '/')
		field_invalid_str(d, path, value, "must be a relative path");
	validate_no_backsteps(d, value, path);
}

void validate_id(Diag *d, int64_t id, const char *path) {
	if (id < 0 || id > INT64_C(0xffffffff))
		field_invalid_int(d, path, id, "must be between 0 and 4294967295, inclusive");
}

static void validate_labels(Diag *d, const StrMap *m, const char *path) {
	for (size_t i = 0; i < m->n; i++) {
		report_name(d, path, m->keys[i], is_qualified_name);
		report_name(d, path, m->values[i], is_label_value);
	}
}

static void validate_annotations(Diag *d, const StrMap *m, const char *path) {
	size_t total = 0;

	for (size_t i = 0; i < m->n; i++) {
		_cleanup_free_ char *lower = strdup(m->keys[i]);
		const char *msgs[NAME_MSGS_MAX];
		size_t n;

		if (!lower)
			return;
		/* A qualified name, except that case does not matter. */
		for (char *c = lower; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		n = is_qualified_name(lower, msgs);
		for (size_t j = 0; j < n; j++)
			field_invalid_str(d, path, m->keys[i], "%s", msgs[j]);
		total += strlen(m->keys[i]) + strlen(m->values[i]);
	}
	if (total > POD_MAX_ANNOTATIONS_BYTES)
		field_too_long(d, path, POD_MAX_ANNOTATIONS_BYTES);
}

static void validate_meta(Diag *d, const ObjectMeta *m, const char *path) {
	_cleanup_free_ char *name = pathf(path, "name"), *ns = pathf(path, "namespace"),
	                    *labels = pathf(path, "labels"),
	                    *annotations = pathf(path, "annotations");

	if (isempty(m->name))
		field_required(d, name, "name or generateName is required");
	else
		report_name(d, name, m->name, is_dns1123_subdomain);
	if (isempty(m->namespace))
		field_required(d, ns, NULL);
	else
		report_name(d, ns, m->namespace, is_dns1123_label);
	validate_labels(d, &m->labels, labels);
	validate_annotations(d, &m->annotations, annotations);
}

static void validate_host_path(Diag *d, const Volume *vol, const char *path) {
	_cleanup_free_ char *p = pathf(path, "path");

	if (isempty(vol->host_path.path)) {
		field_required(d, p, NULL);
		return;
	}
	validate_no_backsteps(d, vol->host_path.path, p);
	/* skiff: a relative host path would be resolved against the agent's cwd. */
	if (vol->host_path.path[0] != '/')
		field_invalid_str(d, p, vol->host_path.path, "must be an absolute path");
	else if (strlen(vol->host_path.path) > POD_MAX_PATH)
		field_too_long(d, p, POD_MAX_PATH);
}

static void validate_volume_source(Diag *d, const Volume *vol, const char *path) {
	_cleanup_free_ char *ed = pathf(path, "emptyDir"), *hp = pathf(path, "hostPath"),
	                    *limit = pathf(ed, "sizeLimit");

	switch (vol->type) {
	case VOLUME_EMPTY_DIR:
		if (vol->empty_dir.size_limit.set &&
		    quantity_sign(&vol->empty_dir.size_limit.value) < 0)
			field_forbidden(d, limit,
			                "SizeLimit field must be a valid resource quantity");
		break;
	case VOLUME_HOST_PATH:
		validate_host_path(d, vol, hp);
		break;
	case VOLUME_NONE:
		/* Unsupported sources were rejected by the decoder already. */
		if (vol->n_sources == 0)
			field_required(d, path, "must specify a volume type");
		break;
	}
}

static void validate_volumes(Validator *v) {
	const PodSpec *s = &v->pod->spec;
	_cleanup_free_ char *base = pathf(v->spec_path, "volumes");

	for (size_t i = 0; i < s->n_volumes; i++) {
		const Volume *vol = &s->volumes[i];
		_cleanup_free_ char *p = pathf(base, "[%zu]", i), *name = pathf(p, "name");
		size_t before = v->diag->n_errors;
		bool dup = false;

		validate_volume_source(v->diag, vol, p);
		if (isempty(vol->name))
			field_required(v->diag, name, NULL);
		else
			report_name(v->diag, name, vol->name, is_dns1123_label);
		for (size_t j = 0; j < i && !dup; j++)
			dup = v->volume_ok[j] && streq_ptr(s->volumes[j].name, vol->name);
		if (dup)
			field_duplicate(v->diag, name, vol->name);
		/* ValidateVolumes: only a volume without errors can be mounted. */
		v->volume_ok[i] = v->diag->n_errors == before && vol->type != VOLUME_NONE;
	}
}

static void validate_host_network_ports(Validator *v) {
	const PodSpec *s = &v->pod->spec;

	if (!s->host_network)
		return;
	for (size_t i = 0; i < s->n_containers; i++)
		for (size_t j = 0; j < s->containers[i].n_ports; j++) {
			const ContainerPort *port = &s->containers[i].ports[j];
			_cleanup_free_ char *p =
			        pathf(v->spec_path, "containers[%zu].ports[%zu].hostPort", i, j);
			if (port->host_port != port->container_port)
				field_invalid_int(
				        v->diag, p, port->host_port,
				        "must match `containerPort` when `hostNetwork` is true");
		}
}

static void validate_pod_security_context(Validator *v) {
	const PodSpec *s = &v->pod->spec;
	const PodSecurityContext *sc = s->security_context;
	_cleanup_free_ char *base = pathf(v->spec_path, "securityContext"),
	                    *fs = pathf(base, "fsGroup"), *user = pathf(base, "runAsUser"),
	                    *group = pathf(base, "runAsGroup"),
	                    *groups = pathf(base, "supplementalGroups"),
	                    *seccomp = pathf(base, "seccompProfile"),
	                    *share = pathf(v->spec_path, "shareProcessNamespace");

	if (s->share_process_namespace.set && s->share_process_namespace.value && s->host_pid)
		field_invalid_bool(v->diag, share, true,
		                   "ShareProcessNamespace and HostPID cannot both be enabled");
	if (!sc)
		return;
	if (sc->fs_group.set)
		validate_id(v->diag, sc->fs_group.value, fs);
	if (sc->run_as_user.set)
		validate_id(v->diag, sc->run_as_user.value, user);
	if (sc->run_as_group.set)
		validate_id(v->diag, sc->run_as_group.value, group);
	for (size_t i = 0; i < sc->n_supplemental_groups; i++) {
		_cleanup_free_ char *p = pathf(groups, "[%zu]", i);
		validate_id(v->diag, sc->supplemental_groups[i], p);
	}
	validate_seccomp_profile(v->diag, sc->seccomp_profile, seccomp);
}

static void validate_optional_name(Diag *d, const char *spec_path, const char *field,
                                   const char *value,
                                   size_t (*check)(const char *, const char **)) {
	_cleanup_free_ char *p = pathf(spec_path, "%s", field);

	if (!isempty(value))
		report_name(d, p, value, check);
}

/* ValidatePodSpec checks the grace period first (Required; the API defaults it). */
static void validate_grace_period(Validator *v) {
	const OptInt64 *grace = &v->pod->spec.termination_grace_period_seconds;
	_cleanup_free_ char *p = pathf(v->spec_path, "terminationGracePeriodSeconds");

	if (!grace->set)
		field_required(v->diag, p, NULL);
	/* The API only warns and treats a negative grace period as 1; skiff refuses it. */
	else if (grace->value < 0)
		field_invalid_int(v->diag, p, grace->value, "must be greater than or equal to 0");
}

static void validate_spec_scalars(Validator *v) {
	const PodSpec *s = &v->pod->spec;
	_cleanup_free_ char *deadline = pathf(v->spec_path, "activeDeadlineSeconds"),
	                    *dns = pathf(v->spec_path, "dnsPolicy");

	/* dnsPolicy None needs a dnsConfig, which skiff does not model. */
	if (s->dns_policy == DNS_POLICY_NONE)
		field_forbidden(v->diag, dns, "dnsPolicy None is not supported by skiff");
	validate_optional_name(v->diag, v->spec_path, "nodeName", s->node_name,
	                       is_dns1123_subdomain);
	if (s->active_deadline_seconds.set &&
	    (s->active_deadline_seconds.value < 1 || s->active_deadline_seconds.value > INT32_MAX))
		field_invalid_int(v->diag, deadline, s->active_deadline_seconds.value,
		                  "must be between 1 and 2147483647, inclusive");
	validate_optional_name(v->diag, v->spec_path, "hostname", s->hostname, is_dns1123_label);
	validate_optional_name(v->diag, v->spec_path, "subdomain", s->subdomain, is_dns1123_label);
	validate_optional_name(v->diag, v->spec_path, "priorityClassName", s->priority_class_name,
	                       is_dns1123_subdomain);
	if (s->priority.set && (s->priority.value < INT32_MIN || s->priority.value > INT32_MAX)) {
		_cleanup_free_ char *p = pathf(v->spec_path, "priority");
		field_invalid_int(v->diag, p, s->priority.value, "must fit in a 32-bit integer");
	}
}

int pod_validate(const Pod *pod, const char *path, Diag *diag) {
	_cleanup_free_ char *meta = pathf(path, "metadata"), *spec = pathf(path, "spec");
	_cleanup_free_ bool *volume_ok = calloc(pod->spec.n_volumes + 1, sizeof(bool));
	size_t before = diag->n_errors;
	Validator v = { .diag = diag, .pod = pod, .spec_path = spec, .volume_ok = volume_ok };

	if (!meta || !spec || !volume_ok)
		return -ENOMEM;
	validate_meta(diag, &pod->metadata, meta);
	validate_grace_period(&v);
	validate_volumes(&v);
	validate_containers(&v);
	validate_init_containers(&v);
	validate_host_network_ports(&v);
	validate_pod_security_context(&v);
	validate_spec_scalars(&v);
	validate_port_warnings(&v);
	return diag->n_errors > before || diag->truncated ? -EINVAL : 0;
}
