/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container validation: validateContainerCommon, validateContainers, validateInitContainers and
 * what they call (ports, env, volume mounts, resources, security context), in the API's order.
 */
#include <ctype.h>
#include <inttypes.h>

#include "pod-internal.h"
#include "validation-names.h"

static void validate_ports(Validator *v, const Container *c, const char *path) {
	for (size_t i = 0; i < c->n_ports; i++) {
		const ContainerPort *port = &c->ports[i];
		_cleanup_free_ char *p = pathf(path, "[%zu]", i), *name = pathf(p, "name"),
		                    *cp = pathf(p, "containerPort"), *hp = pathf(p, "hostPort");
		const char *msgs[NAME_MSGS_MAX];
		bool dup = false;

		if (!isempty(port->name)) {
			size_t n = is_port_name(port->name, msgs);
			for (size_t j = 0; j < n; j++)
				field_invalid_str(v->diag, name, port->name, "%s", msgs[j]);
			for (size_t j = 0; j < i && n == 0 && !dup; j++)
				dup = streq_ptr(c->ports[j].name, port->name) &&
				      is_port_name(port->name, msgs) == 0;
			if (dup)
				field_duplicate(v->diag, name, port->name);
		}
		if (port->container_port == 0)
			field_required(v->diag, cp, NULL);
		else if (port->container_port < 1 || port->container_port > 65535)
			field_invalid_int(v->diag, cp, port->container_port,
			                  "must be between 1 and 65535, inclusive");
		if (port->host_port != 0 && (port->host_port < 1 || port->host_port > 65535))
			field_invalid_int(v->diag, hp, port->host_port,
			                  "must be between 1 and 65535, inclusive");
	}
}

static const char *const skiff_field_paths[] = {
	"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "status.podIP",
};

static const char *const resource_field_paths[] = {
	"limits.cpu",   "limits.ephemeral-storage",   "limits.memory",
	"requests.cpu", "requests.ephemeral-storage", "requests.memory",
};

static bool in_list(const char *s, const char *const *l, size_t n) {
	for (size_t i = 0; i < n; i++)
		if (streq(s, l[i]))
			return true;
	return false;
}

static void validate_field_ref(Diag *d, const EnvVar *e, const char *path) {
	_cleanup_free_ char *av = pathf(path, "apiVersion"), *fp = pathf(path, "fieldPath");

	if (isempty(e->field_ref.api_version)) {
		field_required(d, av, NULL);
		return;
	}
	if (isempty(e->field_ref.field_path)) {
		field_required(d, fp, NULL);
		return;
	}
	if (!streq(e->field_ref.api_version, "v1")) {
		field_invalid_str(d, fp, e->field_ref.field_path,
		                  "error converting fieldPath: unsupported pod version: %s",
		                  e->field_ref.api_version);
		return;
	}
	/* The API knows more paths (status.hostIP, labels, ...); skiff resolves these. */
	if (!in_list(e->field_ref.field_path, skiff_field_paths, ELEMENTSOF(skiff_field_paths)))
		field_not_supported(d, fp, e->field_ref.field_path, skiff_field_paths,
		                    ELEMENTSOF(skiff_field_paths));
}

static void validate_divisor(Diag *d, const char *resource, const Quantity *divisor,
                             const char *path) {
	static const char *const bytes[] = { "1",   "1k",  "1M",  "1G",  "1T",  "1P", "1E",
		                             "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei" };
	char buf[QUANTITY_STRING_MAX];
	const char *s;

	if (quantity_is_zero(divisor))
		return;
	s = quantity_to_string(divisor, buf);
	if (streq(resource, "limits.cpu") || streq(resource, "requests.cpu")) {
		if (!streq(s, "1m") && !streq(s, "1"))
			field_invalid_str(
			        d, path, resource,
			        "only divisor's values 1m and 1 are supported with the cpu "
			        "resource");
	} else if (strstr(resource, ".memory")) {
		if (!in_list(s, bytes, ELEMENTSOF(bytes)))
			field_invalid_str(
			        d, path, resource,
			        "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, "
			        "1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource");
	} else if (strstr(resource, ".ephemeral-storage")) {
		if (!in_list(s, bytes, ELEMENTSOF(bytes)))
			field_invalid_str(
			        d, path, resource,
			        "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, "
			        "1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral "
			        "storage resource");
	}
}

static void validate_resource_field_ref(Validator *v, const EnvVar *e, const char *path) {
	const char *res = e->resource_field_ref.resource,
	           *cname = e->resource_field_ref.container_name;
	_cleanup_free_ char *rp = pathf(path, "resource"), *dp = pathf(path, "divisor"),
	                    *cp = pathf(path, "containerName");

	if (isempty(res))
		field_required(v->diag, rp, NULL);
	else if (!in_list(res, resource_field_paths, ELEMENTSOF(resource_field_paths)))
		field_not_supported(v->diag, rp, res, resource_field_paths,
		                    ELEMENTSOF(resource_field_paths));
	else if (e->resource_field_ref.divisor.set)
		validate_divisor(v->diag, res, &e->resource_field_ref.divisor.value, dp);
	/* skiff: the kubelet would only fail when it starts the container. */
	if (!isempty(cname) && !pod_find_container(v->pod, cname))
		field_not_found(v->diag, cp, cname);
}

static void validate_value_from(Validator *v, const EnvVar *e, const char *path) {
	_cleanup_free_ char *fr = pathf(path, "fieldRef"), *rfr = pathf(path, "resourceFieldRef");

	if (!e->has_value_from)
		return;
	if (e->n_value_from_sources == 0)
		field_invalid_str(v->diag, path, "",
		                  "must specify one of: `fieldRef`, `resourceFieldRef`, "
		                  "`configMapKeyRef` or `secretKeyRef`");
	else if (!isempty(e->value))
		field_invalid_str(v->diag, path, "",
		                  "may not be specified when `value` is not empty");
	else if (e->n_value_from_sources > 1)
		field_invalid_str(v->diag, path, "",
		                  "may not have more than one field specified at a time");
	if (e->source == ENV_SOURCE_FIELD_REF)
		validate_field_ref(v->diag, e, fr);
	else if (e->source == ENV_SOURCE_RESOURCE_FIELD)
		validate_resource_field_ref(v, e, rfr);
}

static void validate_env(Validator *v, const Container *c, const char *path) {
	for (size_t i = 0; i < c->n_env; i++) {
		const EnvVar *e = &c->env[i];
		_cleanup_free_ char *p = pathf(path, "[%zu]", i), *name = pathf(p, "name"),
		                    *vf = pathf(p, "valueFrom");

		if (isempty(e->name))
			field_required(v->diag, name, NULL);
		else
			report_name(v->diag, name, e->name, is_env_var_name);
		validate_value_from(v, e, vf);
		/* pkg/api/pod/warnings.go: a later entry replaces an earlier one. */
		for (size_t j = 0; j < i && e->name; j++)
			if (streq_ptr(c->env[j].name, e->name)) {
				_cleanup_free_ char *ref = NULL, *q = go_quote(e->name);
				if (asprintf(&ref, "$(%s)", e->name) < 0 || !q)
					break;
				if (e->has_value_from || !e->value || !strstr(e->value, ref) ||
				    streq(e->value, ref))
					diag_warning(v->diag, p,
					             "hides previous definition of %s, which may "
					             "be dropped "
					             "when using apply",
					             q);
				break;
			}
	}
}

static bool volume_mountable(Validator *v, const char *name) {
	for (size_t i = 0; i < v->pod->spec.n_volumes; i++)
		if (v->volume_ok[i] && streq_ptr(v->pod->spec.volumes[i].name, name))
			return true;
	return false;
}

static void validate_mounts(Validator *v, const Container *c, const char *path) {
	for (size_t i = 0; i < c->n_volume_mounts; i++) {
		const VolumeMount *m = &c->volume_mounts[i];
		_cleanup_free_ char *p = pathf(path, "[%zu]", i), *name = pathf(p, "name"),
		                    *mp = pathf(p, "mountPath"), *sp = pathf(p, "subPath");
		bool dup = false;

		if (isempty(m->name))
			field_required(v->diag, name, NULL);
		if (!volume_mountable(v, m->name))
			field_not_found(v->diag, name, strempty(m->name));
		if (isempty(m->mount_path))
			field_required(v->diag, mp, NULL);
		for (size_t j = 0; j < i && !dup; j++)
			dup = streq_ptr(c->volume_mounts[j].mount_path, m->mount_path);
		if (dup)
			field_invalid_str(v->diag, mp, m->mount_path, "must be unique");
		/* skiff: the kubelet would refuse a relative mount path when it starts the
		 * container. */
		if (!isempty(m->mount_path)) {
			if (m->mount_path[0] != '/')
				field_invalid_str(v->diag, mp, m->mount_path,
				                  "must be an absolute path");
			else if (strlen(m->mount_path) > POD_MAX_PATH)
				field_too_long(v->diag, mp, POD_MAX_PATH);
		}
		/* The API reports subPath errors without the mount's index; skiff names it. */
		if (!isempty(m->sub_path))
			validate_local_descending_path(v->diag, m->sub_path, sp);
	}
}

static void validate_quantity_nonneg(Diag *d, const OptQuantity *q, const char *path) {
	char buf[QUANTITY_STRING_MAX];

	if (q->set && quantity_sign(&q->value) < 0)
		field_invalid_str(d, path, quantity_to_string(&q->value, buf),
		                  "must be greater than or equal to 0");
}

static void validate_request(Diag *d, const char *name, const OptQuantity *req,
                             const OptQuantity *lim, const char *req_path) {
	char rbuf[QUANTITY_STRING_MAX], lbuf[QUANTITY_STRING_MAX];

	if (!req->set || !lim->set || quantity_cmp(&req->value, &lim->value) <= 0)
		return;
	/* The API reports it on "requests", not on the resource's own key. */
	field_invalid_str(d, req_path, quantity_to_string(&req->value, rbuf),
	                  "must be less than or equal to %s limit of %s", name,
	                  quantity_to_string(&lim->value, lbuf));
}

static void validate_resources(Validator *v, const ResourceRequirements *r, const char *path) {
	_cleanup_free_ char *lim = pathf(path, "limits"), *req = pathf(path, "requests"),
	                    *lc = pathf(lim, "cpu"), *lm = pathf(lim, "memory"),
	                    *le = pathf(lim, "ephemeral-storage"), *rc = pathf(req, "cpu"),
	                    *rm = pathf(req, "memory"), *re = pathf(req, "ephemeral-storage");

	validate_quantity_nonneg(v->diag, &r->limits.cpu, lc);
	validate_quantity_nonneg(v->diag, &r->limits.memory, lm);
	validate_quantity_nonneg(v->diag, &r->limits.ephemeral_storage, le);
	validate_quantity_nonneg(v->diag, &r->requests.cpu, rc);
	validate_request(v->diag, "cpu", &r->requests.cpu, &r->limits.cpu, req);
	validate_quantity_nonneg(v->diag, &r->requests.memory, rm);
	validate_request(v->diag, "memory", &r->requests.memory, &r->limits.memory, req);
	validate_quantity_nonneg(v->diag, &r->requests.ephemeral_storage, re);
	validate_request(v->diag, "ephemeral-storage", &r->requests.ephemeral_storage,
	                 &r->limits.ephemeral_storage, req);
}

static void validate_container_common(Validator *v, const Container *c, const char *path) {
	_cleanup_free_ char *name = pathf(path, "name"), *image = pathf(path, "image"),
	                    *ports = pathf(path, "ports"), *env = pathf(path, "env"),
	                    *mounts = pathf(path, "volumeMounts"),
	                    *resources = pathf(path, "resources"),
	                    *sc = pathf(path, "securityContext"), *wd = pathf(path, "workingDir"),
	                    *tmp = pathf(path, "terminationMessagePath");

	if (isempty(c->name))
		field_required(v->diag, name, NULL);
	else
		report_name(v->diag, name, c->name, is_dns1123_label);
	if (isempty(c->image))
		field_required(v->diag, image, NULL);
	else if (isspace((unsigned char)c->image[0]) ||
	         isspace((unsigned char)c->image[strlen(c->image) - 1]))
		field_invalid_str(v->diag, image, c->image,
		                  "must not have leading or trailing whitespace");
	/* skiff: both are resolved inside the container's root, from "/". */
	if (!isempty(c->working_dir) && c->working_dir[0] != '/')
		field_invalid_str(v->diag, wd, c->working_dir, "must be an absolute path");
	if (!isempty(c->termination_message_path) && c->termination_message_path[0] != '/')
		field_invalid_str(v->diag, tmp, c->termination_message_path,
		                  "must be an absolute path");
	validate_ports(v, c, ports);
	validate_env(v, c, env);
	validate_mounts(v, c, mounts);
	validate_resources(v, &c->resources, resources);
	validate_security_context(v, c->security_context, sc);
}

/* AccumulateUniqueHostPorts: one host port per protocol and host IP. */
static void check_host_ports(Validator *v, const Container *cs, size_t from, size_t to,
                             const char *base) {
	for (size_t i = from; i < to; i++)
		for (size_t j = 0; j < cs[i].n_ports; j++) {
			const ContainerPort *a = &cs[i].ports[j];
			bool dup = false;

			if (a->host_port == 0)
				continue;
			for (size_t k = from; k <= i && !dup; k++)
				for (size_t l = 0; l < (k == i ? j : cs[k].n_ports) && !dup; l++) {
					const ContainerPort *b = &cs[k].ports[l];
					dup = b->host_port == a->host_port &&
					      b->protocol == a->protocol &&
					      streq(strempty(b->host_ip), strempty(a->host_ip));
				}
			if (dup) {
				_cleanup_free_ char *p = pathf(base, "[%zu].ports[%zu].hostPort", i,
				                               j),
				                    *key = NULL;
				if (asprintf(&key, "%s/%s/%" PRId32,
				             protocol_to_string(a->protocol), strempty(a->host_ip),
				             a->host_port) >= 0)
					field_duplicate(v->diag, p, key);
			}
		}
}

static void validate_container_probes(Validator *v, const Container *c, const char *path) {
	_cleanup_free_ char *lc = pathf(path, "lifecycle"), *lp = pathf(path, "livenessProbe"),
	                    *rp = pathf(path, "readinessProbe"), *sp = pathf(path, "startupProbe");

	if (c->lifecycle)
		validate_lifecycle(v, c->lifecycle, lc);
	if (c->liveness_probe)
		validate_probe(v, c->liveness_probe, lp, PROBE_LIVENESS);
	if (c->readiness_probe)
		validate_probe(v, c->readiness_probe, rp, PROBE_READINESS);
	if (c->startup_probe)
		validate_probe(v, c->startup_probe, sp, PROBE_STARTUP);
}

void validate_containers(Validator *v) {
	const PodSpec *s = &v->pod->spec;
	_cleanup_free_ char *base = pathf(v->spec_path, "containers");

	if (s->n_containers == 0) {
		field_required(v->diag, base, NULL);
		return;
	}
	for (size_t i = 0; i < s->n_containers; i++) {
		const Container *c = &s->containers[i];
		_cleanup_free_ char *p = pathf(base, "[%zu]", i), *name = pathf(p, "name"),
		                    *rp = pathf(p, "restartPolicy");
		bool dup = false;

		validate_container_common(v, c, p);
		for (size_t j = 0; j < i && !dup; j++)
			dup = streq_ptr(s->containers[j].name, c->name);
		if (dup)
			field_duplicate(v->diag, name, strempty(c->name));
		validate_container_probes(v, c, p);
		if (c->restart_policy != CONTAINER_RESTART_POLICY_UNSET)
			field_forbidden(v->diag, rp, "may not be set for non-init containers");
	}
	check_host_ports(v, s->containers, 0, s->n_containers, base);
}

static bool init_name_taken(const PodSpec *s, size_t i) {
	const char *name = s->init_containers[i].name;

	for (size_t j = 0; j < s->n_containers; j++)
		if (streq_ptr(s->containers[j].name, name))
			return true;
	for (size_t j = 0; j < i; j++)
		if (!isempty(s->init_containers[j].name) &&
		    streq_ptr(s->init_containers[j].name, name))
			return true;
	return false;
}

static void forbid_for_init(Validator *v, const void *field, const char *path, const char *member) {
	_cleanup_free_ char *p = pathf(path, "%s", member);

	if (field)
		field_forbidden(v->diag, p,
		                "may not be set for init containers without "
		                "restartPolicy=Always");
}

void validate_init_containers(Validator *v) {
	const PodSpec *s = &v->pod->spec;
	_cleanup_free_ char *base = pathf(v->spec_path, "initContainers");

	for (size_t i = 0; i < s->n_init_containers; i++) {
		const Container *c = &s->init_containers[i];
		_cleanup_free_ char *p = pathf(base, "[%zu]", i), *name = pathf(p, "name");

		validate_container_common(v, c, p);
		if (init_name_taken(s, i))
			field_duplicate(v->diag, name, strempty(c->name));
		/* Init containers run one by one: host ports are checked per container. */
		check_host_ports(v, s->init_containers, i, i + 1, base);
		if (container_is_sidecar(c)) {
			validate_container_probes(v, c, p);
			continue;
		}
		forbid_for_init(v, c->lifecycle, p, "lifecycle");
		forbid_for_init(v, c->liveness_probe, p, "livenessProbe");
		forbid_for_init(v, c->readiness_probe, p, "readinessProbe");
		forbid_for_init(v, c->startup_probe, p, "startupProbe");
	}
}

typedef struct PortSeen {
	const ContainerPort *port;
	char *path;
} PortSeen;

static void port_warning(Validator *v, const ContainerPort *a, const char *path,
                         const PortSeen *seen, size_t n_seen) {
	for (size_t k = 0; k < n_seen; k++) {
		const ContainerPort *b = seen[k].port;
		bool ip_same = streq(strempty(a->host_ip), strempty(b->host_ip));

		if (a->container_port != b->container_port || a->protocol != b->protocol)
			continue;
		if (ip_same && a->host_port == b->host_port)
			diag_warning(v->diag, path, "duplicate port definition with %s",
			             seen[k].path);
		else if (a->host_port == 0 || b->host_port == 0)
			diag_warning(v->diag, path, "overlapping port definition with %s",
			             seen[k].path);
		else if (a->host_port == b->host_port &&
		         (isempty(a->host_ip) != isempty(b->host_ip)))
			diag_warning(v->diag, path, "dangerously ambiguous port definition with %s",
			             seen[k].path);
	}
}

static void port_warnings_of(Validator *v, const Container *cs, size_t n, const char *base,
                             PortSeen *seen, size_t *n_seen) {
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < cs[i].n_ports; j++) {
			char *p = pathf(base, "[%zu].ports[%zu]", i, j);
			if (!p)
				return;
			port_warning(v, &cs[i].ports[j], p, seen, *n_seen);
			seen[(*n_seen)++] = (PortSeen){ &cs[i].ports[j], p };
		}
}

/* pkg/api/pod/warnings.go: the same port twice is legal but almost always a mistake. */
void validate_port_warnings(Validator *v) {
	const PodSpec *s = &v->pod->spec;
	_cleanup_free_ char *init = pathf(v->spec_path, "initContainers"),
	                    *regular = pathf(v->spec_path, "containers");
	size_t total = 0, n_seen = 0;
	PortSeen *seen;

	for (size_t i = 0; i < s->n_init_containers; i++)
		total += s->init_containers[i].n_ports;
	for (size_t i = 0; i < s->n_containers; i++)
		total += s->containers[i].n_ports;
	seen = calloc(total + 1, sizeof(PortSeen));
	if (!seen)
		return;
	port_warnings_of(v, s->init_containers, s->n_init_containers, init, seen, &n_seen);
	port_warnings_of(v, s->containers, s->n_containers, regular, seen, &n_seen);
	for (size_t i = 0; i < n_seen; i++)
		free(seen[i].path);
	free(seen);
}
