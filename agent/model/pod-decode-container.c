/* SPDX-License-Identifier: Apache-2.0 */
/* Containers: image, argv, env, ports, resources, mounts, security context. */
#include "pod-internal.h"
#include "tree.h"
#include "validation-names.h"

static void dec_argv(Decoder *d, json_object *v, const char *path, char ***ret, size_t *ret_n) {
	char **l = NULL;
	size_t n = 0;

	if (!dec_get_strv(d, v, path, POD_MAX_ARGS, POD_MAX_ARG_BYTES, &l, &n, NULL))
		return;
	*ret = l;
	*ret_n = n;
}

static void dec_command(Decoder *d, json_object *v, const char *path, void *field) {
	Container *c = field;
	dec_argv(d, v, path, &c->command, &c->n_command);
}

static void dec_args(Decoder *d, json_object *v, const char *path, void *field) {
	Container *c = field;
	dec_argv(d, v, path, &c->args, &c->n_args);
}

static void dec_value_string(Decoder *d, json_object *v, const char *path, void *field) {
	dec_get_string(d, v, path, POD_MAX_ARG_BYTES, field);
}

static const FieldSpec field_ref_fields[] = {
	FIELD("apiVersion", dec_string, EnvVar, field_ref.api_version),
	FIELD("fieldPath", dec_string, EnvVar, field_ref.field_path),
	FIELDS_END,
};

static const FieldSpec resource_field_ref_fields[] = {
	FIELD("containerName", dec_string, EnvVar, resource_field_ref.container_name),
	FIELD("resource", dec_string, EnvVar, resource_field_ref.resource),
	FIELD("divisor", dec_opt_quantity, EnvVar, resource_field_ref.divisor),
	FIELDS_END,
};

static void dec_field_ref(Decoder *d, json_object *v, const char *path, void *field) {
	EnvVar *e = field;
	if (e->n_value_from_sources++ == 0)
		e->source = ENV_SOURCE_FIELD_REF;
	dec_fields(d, v, path, field_ref_fields, e);
}

static void dec_resource_field_ref(Decoder *d, json_object *v, const char *path, void *field) {
	EnvVar *e = field;
	if (e->n_value_from_sources++ == 0)
		e->source = ENV_SOURCE_RESOURCE_FIELD;
	dec_fields(d, v, path, resource_field_ref_fields, e);
}

/* ConfigMaps and Secrets live in an API server, which skiff does not talk to. */
static void dec_key_ref(Decoder *d, json_object *v, const char *path, void *field) {
	((EnvVar *)field)->n_value_from_sources++;
	dec_error(d, path, "Forbidden: not supported by skiff (no API server to read it from)");
}

static const FieldSpec value_from_fields[] = {
	{ "fieldRef", dec_field_ref, 0 },      { "resourceFieldRef", dec_resource_field_ref, 0 },
	{ "configMapKeyRef", dec_key_ref, 0 }, { "secretKeyRef", dec_key_ref, 0 },
	{ "fileKeyRef", dec_key_ref, 0 },      FIELDS_END,
};

static void dec_value_from(Decoder *d, json_object *v, const char *path, void *field) {
	EnvVar *e = field;
	e->has_value_from = true;
	dec_fields(d, v, path, value_from_fields, e);
}

static const FieldSpec env_fields[] = {
	FIELD("name", dec_value_string, EnvVar, name),
	FIELD("value", dec_value_string, EnvVar, value),
	{ "valueFrom", dec_value_from, 0 },
	FIELDS_END,
};

static void dec_env(Decoder *d, json_object *v, const char *path, void *field) {
	Container *c = field;
	size_t bytes = 0;

	c->env = dec_array_alloc(d, v, path, POD_MAX_ENV, sizeof(EnvVar), &c->n_env);
	for (size_t i = 0; i < c->n_env; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		EnvVar *e = &c->env[i];

		dec_fields(d, json_object_array_get_idx(v, i), p, env_fields, e);
		/* What execve() will get: "NAME=value\0". */
		bytes += strlen(strempty(e->name)) + strlen(strempty(e->value)) + 2;
	}
	if (bytes > POD_MAX_ENV_BYTES) {
		field_too_long(d->diag, path, POD_MAX_ENV_BYTES);
		dec_failed(d, path);
	}
}

DEFINE_ENUM_DECODER(dec_protocol, protocol_table, Protocol)

static const FieldSpec port_fields[] = {
	FIELD("name", dec_string, ContainerPort, name),
	FIELD("containerPort", dec_int32, ContainerPort, container_port),
	FIELD("hostPort", dec_int32, ContainerPort, host_port),
	FIELD("hostIP", dec_string, ContainerPort, host_ip),
	FIELD("protocol", dec_protocol, ContainerPort, protocol),
	FIELDS_END,
};

static void dec_ports(Decoder *d, json_object *v, const char *path, void *field) {
	Container *c = field;

	c->ports = dec_array_alloc(d, v, path, POD_MAX_PORTS, sizeof(ContainerPort), &c->n_ports);
	for (size_t i = 0; i < c->n_ports; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		dec_fields(d, json_object_array_get_idx(v, i), p, port_fields, &c->ports[i]);
	}
}

static void dec_resource_list(Decoder *d, json_object *v, const char *path, void *field) {
	ResourceList *l = field;
	const char *msgs[NAME_MSGS_MAX];

	if (!dec_expect(d, v, json_type_object, path))
		return;
	json_object_object_foreach (v, name, val) {
		_cleanup_free_ char *p = pathf(path, "%s", name);
		OptQuantity *q = NULL;
		Quantity parsed;

		if (!val)
			continue;
		if (!dec_get_quantity(d, val, p, &parsed))
			continue;
		if (streq(name, "cpu"))
			q = &l->cpu;
		else if (streq(name, "memory"))
			q = &l->memory;
		else if (streq(name, "ephemeral-storage"))
			q = &l->ephemeral_storage;
		else if (startswith(name, "hugepages-"))
			dec_error(d, p, "Forbidden: hugepages are not supported by skiff");
		else if (strchr(name, '/') && is_qualified_name(name, msgs) == 0)
			dec_error(d, p, "Forbidden: extended resources are not supported by skiff");
		else {
			/* validateContainerResourceName: the API's own messages for a bad name. */
			size_t n = is_qualified_name(name, msgs);
			for (size_t i = 0; i < n; i++)
				field_invalid_str(d->diag, p, name, "%s", msgs[i]);
			if (n == 0)
				field_invalid_str(d->diag, p, name,
				                  "must be a standard resource for containers");
			dec_failed(d, p);
		}
		if (q) {
			q->set = true;
			q->value = parsed;
		}
	}
}

static void dec_limits(Decoder *d, json_object *v, const char *path, void *field) {
	ResourceRequirements *r = field;
	r->has_limits = true;
	dec_resource_list(d, v, path, &r->limits);
}

static void dec_claims(Decoder *d, json_object *v, const char *path, void *field) {
	if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0)
		return;
	dec_error(d, path, "Forbidden: resource claims are not supported by skiff");
}

static const FieldSpec resources_fields[] = {
	{ "limits", dec_limits, 0 },
	FIELD("requests", dec_resource_list, ResourceRequirements, requests),
	{ "claims", dec_claims, 0 },
	FIELDS_END,
};

static void dec_resources(Decoder *d, json_object *v, const char *path, void *field) {
	dec_fields(d, v, path, resources_fields, field);
}

static void dec_mount_propagation(Decoder *d, json_object *v, const char *path, void *field) {
	_cleanup_free_ char *s = NULL;

	/* skiff's mounts are private: only "None" means what it says. */
	if (dec_get_string(d, v, path, POD_MAX_STRING, &s) && !streq(s, "None"))
		dec_error(d, path, "Forbidden: mount propagation is not supported by skiff");
}

static void dec_recursive_read_only(Decoder *d, json_object *v, const char *path, void *field) {
	_cleanup_free_ char *s = NULL;

	/* "Enabled" must fail where recursive read-only is impossible; skiff does not do it. */
	if (dec_get_string(d, v, path, POD_MAX_STRING, &s) && streq(s, "Enabled"))
		dec_error(d, path,
		          "Forbidden: recursive read-only mounts are not supported by skiff");
}

static const FieldSpec mount_fields[] = {
	FIELD("name", dec_string, VolumeMount, name),
	FIELD("mountPath", dec_string, VolumeMount, mount_path),
	FIELD("readOnly", dec_bool, VolumeMount, read_only),
	FIELD("subPath", dec_string, VolumeMount, sub_path),
	{ "subPathExpr", dec_not_supported, 0 },
	{ "mountPropagation", dec_mount_propagation, 0 },
	{ "recursiveReadOnly", dec_recursive_read_only, 0 },
	FIELDS_END,
};

static void dec_mounts(Decoder *d, json_object *v, const char *path, void *field) {
	Container *c = field;

	c->volume_mounts = dec_array_alloc(d, v, path, POD_MAX_MOUNTS, sizeof(VolumeMount),
	                                   &c->n_volume_mounts);
	for (size_t i = 0; i < c->n_volume_mounts; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		dec_fields(d, json_object_array_get_idx(v, i), p, mount_fields,
		           &c->volume_mounts[i]);
	}
}

/* skiff has no attach (kubectl attach/exec -it), so a container cannot get a stdin or a tty. */
static void dec_no_attach(Decoder *d, json_object *v, const char *path, void *field) {
	if (dec_expect(d, v, json_type_boolean, path) && json_object_get_boolean(v))
		dec_error(d, path, "Forbidden: not supported by skiff (no attach)");
}

static void dec_empty_list_only(Decoder *d, json_object *v, const char *path, void *field) {
	if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 0)
		return;
	dec_not_supported(d, v, path, field);
}

DEFINE_ENUM_DECODER(dec_pull_policy, pull_policy_table, PullPolicy)
DEFINE_ENUM_DECODER(dec_termination_message_policy, termination_message_policy_table,
                    TerminationMessagePolicy)
DEFINE_ENUM_DECODER(dec_container_restart_policy, container_restart_policy_table,
                    ContainerRestartPolicy)

static const FieldSpec container_fields[] = {
	FIELD("name", dec_string, Container, name),
	FIELD("image", dec_string, Container, image),
	FIELD("imagePullPolicy", dec_pull_policy, Container, image_pull_policy),
	{ "command", dec_command, 0 },
	{ "args", dec_args, 0 },
	FIELD("workingDir", dec_string, Container, working_dir),
	{ "env", dec_env, 0 },
	{ "ports", dec_ports, 0 },
	FIELD("resources", dec_resources, Container, resources),
	{ "volumeMounts", dec_mounts, 0 },
	FIELD("livenessProbe", dec_probe, Container, liveness_probe),
	FIELD("readinessProbe", dec_probe, Container, readiness_probe),
	FIELD("startupProbe", dec_probe, Container, startup_probe),
	FIELD("lifecycle", dec_lifecycle, Container, lifecycle),
	FIELD("securityContext", dec_security_context, Container, security_context),
	FIELD("terminationMessagePath", dec_string, Container, termination_message_path),
	FIELD("terminationMessagePolicy", dec_termination_message_policy, Container,
	      termination_message_policy),
	FIELD("restartPolicy", dec_container_restart_policy, Container, restart_policy),
	{ "stdin", dec_no_attach, 0 },
	{ "stdinOnce", dec_no_attach, 0 },
	{ "tty", dec_no_attach, 0 },
	/* envFrom reads ConfigMaps/Secrets; volumeDevices needs block PVCs. */
	{ "envFrom", dec_empty_list_only, 0 },
	{ "volumeDevices", dec_empty_list_only, 0 },
	IGNORED("resizePolicy"),
	IGNORED("restartPolicyRules"),
	FIELDS_END,
};

void dec_container(Decoder *d, json_object *v, const char *path, Container *c) {
	size_t argv_bytes = 0;

	dec_fields(d, v, path, container_fields, c);
	for (size_t i = 0; i < c->n_command; i++)
		argv_bytes += strlen(c->command[i]) + 1;
	for (size_t i = 0; i < c->n_args; i++)
		argv_bytes += strlen(c->args[i]) + 1;
	if (argv_bytes > POD_MAX_ARGV_BYTES) {
		_cleanup_free_ char *p = pathf(path, "args");
		dec_error(d, p, "Too long: command and args must have at most %d bytes together",
		          POD_MAX_ARGV_BYTES);
	}
}

static void dec_capability_list(Decoder *d, json_object *v, const char *path, char ***ret,
                                size_t *ret_n) {
	char **l = NULL;
	size_t n = 0;

	if (dec_get_strv(d, v, path, POD_MAX_SMALL_LIST, 64, &l, &n, NULL)) {
		*ret = l;
		*ret_n = n;
	}
}

static void dec_cap_add(Decoder *d, json_object *v, const char *path, void *field) {
	Capabilities *c = field;
	dec_capability_list(d, v, path, &c->add, &c->n_add);
}

static void dec_cap_drop(Decoder *d, json_object *v, const char *path, void *field) {
	Capabilities *c = field;
	dec_capability_list(d, v, path, &c->drop, &c->n_drop);
}

static const FieldSpec capabilities_fields[] = {
	{ "add", dec_cap_add, 0 },
	{ "drop", dec_cap_drop, 0 },
	FIELDS_END,
};

static void dec_capabilities(Decoder *d, json_object *v, const char *path, void *field) {
	(void)dec_optional_object(d, v, path, capabilities_fields, field, sizeof(Capabilities));
}

DEFINE_ENUM_DECODER(dec_proc_mount, proc_mount_type_table, ProcMountType)

static const FieldSpec security_context_fields[] = {
	FIELD("runAsUser", dec_opt_int64, SecurityContext, run_as_user),
	FIELD("runAsGroup", dec_opt_int64, SecurityContext, run_as_group),
	FIELD("runAsNonRoot", dec_opt_bool, SecurityContext, run_as_non_root),
	FIELD("readOnlyRootFilesystem", dec_opt_bool, SecurityContext, read_only_root_filesystem),
	FIELD("privileged", dec_opt_bool, SecurityContext, privileged),
	FIELD("allowPrivilegeEscalation", dec_opt_bool, SecurityContext,
	      allow_privilege_escalation),
	FIELD("capabilities", dec_capabilities, SecurityContext, capabilities),
	FIELD("seccompProfile", dec_seccomp_profile, SecurityContext, seccomp_profile),
	FIELD("procMount", dec_proc_mount, SecurityContext, proc_mount),
	{ "seLinuxOptions", dec_warn_ignored, 0 },
	{ "appArmorProfile", dec_warn_ignored, 0 },
	IGNORED("windowsOptions"),
	FIELDS_END,
};

void dec_security_context(Decoder *d, json_object *v, const char *path, void *field) {
	(void)dec_optional_object(d, v, path, security_context_fields, field,
	                          sizeof(SecurityContext));
}
