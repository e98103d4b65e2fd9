/* SPDX-License-Identifier: Apache-2.0 */
/* The pod model's enum strings, allocation and freeing. */
#include "pod-internal.h"

#define TABLE(name, empty_ok, first, ...)                                                          \
	static const char *const name##_names[] = { __VA_ARGS__ };                                 \
	const EnumTable name##_table = { name##_names, ELEMENTSOF(name##_names), empty_ok, first }

/*
 * Each list is in the order the API's NotSupported error prints it: the literal order of the
 * validation code, or sorted where it uses sets.List().
 */
TABLE(restart_policy, true, 1, "", "Always", "OnFailure", "Never");
TABLE(pull_policy, true, 1, "", "Always", "IfNotPresent", "Never");
TABLE(protocol, true, 1, "", "SCTP", "TCP", "UDP");
TABLE(termination_message_policy, true, 1, "", "File", "FallbackToLogsOnError");
TABLE(dns_policy, true, 1, "", "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
TABLE(uri_scheme, true, 1, "", "HTTP", "HTTPS");
TABLE(seccomp_profile_type, true, 1, "", "Localhost", "RuntimeDefault", "Unconfined");
TABLE(proc_mount_type, false, 1, "", "Default", "Unmasked");
TABLE(host_path_type, true, 0, "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate",
      "File", "FileOrCreate", "Socket");
TABLE(container_restart_policy, false, 1, "", "Always");

int enum_from_string(const EnumTable *t, const char *s) {
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->names[i], s))
			return (int)i;
	return -EINVAL;
}

const char *enum_to_string(const EnumTable *t, int value) {
	if (value < 0 || (size_t)value >= t->n)
		return "";
	return t->names[value];
}

void enum_not_supported(Diag *d, const char *path, const EnumTable *t, const char *value) {
	field_not_supported(d, path, value, t->names + t->first_supported,
	                    t->n - t->first_supported);
}

const char *restart_policy_to_string(RestartPolicy p) {
	return enum_to_string(&restart_policy_table, (int)p);
}
const char *pull_policy_to_string(PullPolicy p) {
	return enum_to_string(&pull_policy_table, (int)p);
}
const char *protocol_to_string(Protocol p) {
	return enum_to_string(&protocol_table, (int)p);
}
const char *termination_message_policy_to_string(TerminationMessagePolicy p) {
	return enum_to_string(&termination_message_policy_table, (int)p);
}
const char *dns_policy_to_string(DNSPolicy p) {
	return enum_to_string(&dns_policy_table, (int)p);
}
const char *uri_scheme_to_string(URIScheme s) {
	return enum_to_string(&uri_scheme_table, (int)s);
}
const char *seccomp_profile_type_to_string(SeccompProfileType t) {
	return enum_to_string(&seccomp_profile_type_table, (int)t);
}
const char *proc_mount_type_to_string(ProcMountType t) {
	return enum_to_string(&proc_mount_type_table, (int)t);
}
const char *host_path_type_to_string(HostPathType t) {
	return enum_to_string(&host_path_type_table, (int)t);
}
const char *container_restart_policy_to_string(ContainerRestartPolicy p) {
	return enum_to_string(&container_restart_policy_table, (int)p);
}
const char *storage_medium_to_string(StorageMedium m) {
	return m == STORAGE_MEDIUM_MEMORY ? "Memory" : "";
}
const char *pod_qos_class_to_string(PodQOSClass c) {
	switch (c) {
	case POD_QOS_GUARANTEED:
		return "Guaranteed";
	case POD_QOS_BURSTABLE:
		return "Burstable";
	case POD_QOS_BEST_EFFORT:
		return "BestEffort";
	}
	return "";
}

static void strv_n_free(char **l, size_t n) {
	if (!l)
		return;
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static void handler_done(Handler *h) {
	strv_n_free(h->exec.command, h->exec.n_command);
	free(h->http_get.host);
	free(h->http_get.path);
	free(h->http_get.port.name);
	for (size_t i = 0; i < h->http_get.n_headers; i++) {
		free(h->http_get.headers[i].name);
		free(h->http_get.headers[i].value);
	}
	free(h->http_get.headers);
	free(h->tcp_socket.host);
	free(h->tcp_socket.port.name);
	free(h->grpc.service);
	*h = (Handler){};
}

void handler_free(Handler *h) {
	if (!h)
		return;
	handler_done(h);
	free(h);
}

static void probe_free(Probe *p) {
	if (!p)
		return;
	handler_done(&p->handler);
	free(p);
}

static void seccomp_profile_free(SeccompProfile *s) {
	if (!s)
		return;
	free(s->localhost_profile);
	free(s);
}

static void security_context_free(SecurityContext *sc) {
	if (!sc)
		return;
	if (sc->capabilities) {
		strv_n_free(sc->capabilities->add, sc->capabilities->n_add);
		strv_n_free(sc->capabilities->drop, sc->capabilities->n_drop);
		free(sc->capabilities);
	}
	seccomp_profile_free(sc->seccomp_profile);
	free(sc);
}

static void env_var_done(EnvVar *e) {
	free(e->name);
	free(e->value);
	free(e->field_ref.api_version);
	free(e->field_ref.field_path);
	free(e->resource_field_ref.container_name);
	free(e->resource_field_ref.resource);
}

void container_done(Container *c) {
	free(c->name);
	free(c->image);
	strv_n_free(c->command, c->n_command);
	strv_n_free(c->args, c->n_args);
	free(c->working_dir);
	for (size_t i = 0; i < c->n_env; i++)
		env_var_done(&c->env[i]);
	free(c->env);
	for (size_t i = 0; i < c->n_ports; i++) {
		free(c->ports[i].name);
		free(c->ports[i].host_ip);
	}
	free(c->ports);
	for (size_t i = 0; i < c->n_volume_mounts; i++) {
		free(c->volume_mounts[i].name);
		free(c->volume_mounts[i].mount_path);
		free(c->volume_mounts[i].sub_path);
	}
	free(c->volume_mounts);
	probe_free(c->liveness_probe);
	probe_free(c->readiness_probe);
	probe_free(c->startup_probe);
	if (c->lifecycle) {
		handler_free(c->lifecycle->post_start);
		handler_free(c->lifecycle->pre_stop);
		free(c->lifecycle);
	}
	security_context_free(c->security_context);
	free(c->termination_message_path);
	*c = (Container){};
}

static void pod_spec_done(PodSpec *s) {
	for (size_t i = 0; i < s->n_containers; i++)
		container_done(&s->containers[i]);
	free(s->containers);
	for (size_t i = 0; i < s->n_init_containers; i++)
		container_done(&s->init_containers[i]);
	free(s->init_containers);
	for (size_t i = 0; i < s->n_volumes; i++) {
		free(s->volumes[i].name);
		free(s->volumes[i].host_path.path);
	}
	free(s->volumes);
	free(s->hostname);
	free(s->subdomain);
	free(s->priority_class_name);
	free(s->node_name);
	if (s->security_context) {
		free(s->security_context->supplemental_groups);
		seccomp_profile_free(s->security_context->seccomp_profile);
		free(s->security_context);
	}
}

Pod *pod_new(void) {
	return calloc(1, sizeof(Pod));
}

void pod_free(Pod *pod) {
	if (!pod)
		return;
	free(pod->metadata.name);
	free(pod->metadata.namespace);
	free(pod->metadata.uid);
	strmap_done(&pod->metadata.labels);
	strmap_done(&pod->metadata.annotations);
	pod_spec_done(&pod->spec);
	free(pod);
}

const Container *pod_find_container(const Pod *pod, const char *name) {
	for (size_t i = 0; i < pod->spec.n_containers; i++)
		if (streq_ptr(pod->spec.containers[i].name, name))
			return &pod->spec.containers[i];
	for (size_t i = 0; i < pod->spec.n_init_containers; i++)
		if (streq_ptr(pod->spec.init_containers[i].name, name))
			return &pod->spec.init_containers[i];
	return NULL;
}

const Volume *pod_find_volume(const Pod *pod, const char *name) {
	for (size_t i = 0; i < pod->spec.n_volumes; i++)
		if (streq_ptr(pod->spec.volumes[i].name, name))
			return &pod->spec.volumes[i];
	return NULL;
}

int container_resolve_port(const Container *c, const PortRef *port) {
	char *end;
	long n;

	if (!port->is_name)
		return port->number;
	for (size_t i = 0; i < c->n_ports; i++)
		if (streq_ptr(c->ports[i].name, port->name))
			return c->ports[i].container_port;
	if (isempty(port->name))
		return -ENOENT;
	errno = 0;
	n = strtol(port->name, &end, 10);
	if (errno != 0 || *end || n < 1 || n > 65535)
		return -ENOENT;
	return (int)n;
}
