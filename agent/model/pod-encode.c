/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pod as skiff understood it, as a v1 Pod object: what `skiff validate` prints and what
 * the status API will serve. Members follow the Go structs' order (as the API server writes
 * them), omitempty fields are left out when empty, quantities print canonically.
 */
#include "pod-internal.h"
#include "qos.h"

typedef struct Encoder {
	bool oom;
} Encoder;

static json_object *obj_new(Encoder *e) {
	json_object *o = json_object_new_object();
	if (!o)
		e->oom = true;
	return o;
}

static json_object *arr_new(Encoder *e) {
	json_object *o = json_object_new_array();
	if (!o)
		e->oom = true;
	return o;
}

/* Takes ownership of v (NULL records an allocation failure). */
static void put(Encoder *e, json_object *obj, const char *key, json_object *v) {
	if (!v || !obj || json_object_object_add(obj, key, v) < 0) {
		json_object_put(v);
		e->oom = true;
	}
}

static void push(Encoder *e, json_object *arr, json_object *v) {
	if (!v || !arr || json_object_array_add(arr, v) < 0) {
		json_object_put(v);
		e->oom = true;
	}
}

static void put_str(Encoder *e, json_object *o, const char *key, const char *s) {
	if (s)
		put(e, o, key, json_object_new_string(s));
}

static void put_int(Encoder *e, json_object *o, const char *key, int64_t v) {
	put(e, o, key, json_object_new_int64(v));
}

static void put_nonzero(Encoder *e, json_object *o, const char *key, int64_t v) {
	if (v != 0)
		put_int(e, o, key, v);
}

static void put_true(Encoder *e, json_object *o, const char *key, bool v) {
	if (v)
		put(e, o, key, json_object_new_boolean(true));
}

static void put_opt_int(Encoder *e, json_object *o, const char *key, const OptInt64 *v) {
	if (v->set)
		put_int(e, o, key, v->value);
}

static void put_opt_bool(Encoder *e, json_object *o, const char *key, const OptBool *v) {
	if (v->set)
		put(e, o, key, json_object_new_boolean(v->value));
}

static void put_quantity(Encoder *e, json_object *o, const char *key, const OptQuantity *q) {
	char buf[QUANTITY_STRING_MAX];
	if (q->set)
		put_str(e, o, key, quantity_to_string(&q->value, buf));
}

static void put_enum(Encoder *e, json_object *o, const char *key, const char *s) {
	if (!isempty(s))
		put_str(e, o, key, s);
}

static void put_strv(Encoder *e, json_object *o, const char *key, char *const *l, size_t n) {
	json_object *a;

	if (!l)
		return;
	a = arr_new(e);
	for (size_t i = 0; i < n; i++)
		push(e, a, json_object_new_string(l[i]));
	put(e, o, key, a);
}

static void put_strmap(Encoder *e, json_object *o, const char *key, const StrMap *m) {
	json_object *map;

	if (m->n == 0)
		return;
	map = obj_new(e);
	for (size_t i = 0; i < m->n; i++)
		put_str(e, map, m->keys[i], m->values[i]);
	put(e, o, key, map);
}

static void put_port_ref(Encoder *e, json_object *o, const PortRef *p) {
	if (p->is_name)
		put_str(e, o, "port", strempty(p->name));
	else
		put_int(e, o, "port", p->number);
}

static json_object *encode_handler(Encoder *e, const Handler *h) {
	json_object *o = obj_new(e), *x;

	if (h->exec.set) {
		x = obj_new(e);
		put_strv(e, x, "command", h->exec.command, h->exec.n_command);
		put(e, o, "exec", x);
	}
	if (h->http_get.set) {
		x = obj_new(e);
		put_str(e, x, "path", h->http_get.path);
		put_port_ref(e, x, &h->http_get.port);
		put_str(e, x, "host", h->http_get.host);
		put_enum(e, x, "scheme", uri_scheme_to_string(h->http_get.scheme));
		if (h->http_get.headers) {
			json_object *a = arr_new(e);
			for (size_t i = 0; i < h->http_get.n_headers; i++) {
				json_object *hd = obj_new(e);
				put_str(e, hd, "name", strempty(h->http_get.headers[i].name));
				put_str(e, hd, "value", strempty(h->http_get.headers[i].value));
				push(e, a, hd);
			}
			put(e, x, "httpHeaders", a);
		}
		put(e, o, "httpGet", x);
	}
	if (h->tcp_socket.set) {
		x = obj_new(e);
		put_port_ref(e, x, &h->tcp_socket.port);
		put_str(e, x, "host", h->tcp_socket.host);
		put(e, o, "tcpSocket", x);
	}
	if (h->grpc.set) {
		x = obj_new(e);
		put_int(e, x, "port", h->grpc.port);
		put_str(e, x, "service", h->grpc.service);
		put(e, o, "grpc", x);
	}
	if (h->sleep.set) {
		x = obj_new(e);
		put_int(e, x, "seconds", h->sleep.seconds);
		put(e, o, "sleep", x);
	}
	return o;
}

static void put_probe(Encoder *e, json_object *o, const char *key, const Probe *p) {
	json_object *x;

	if (!p)
		return;
	x = encode_handler(e, &p->handler);
	put_nonzero(e, x, "initialDelaySeconds", p->initial_delay_seconds);
	put_nonzero(e, x, "timeoutSeconds", p->timeout_seconds);
	put_nonzero(e, x, "periodSeconds", p->period_seconds);
	put_nonzero(e, x, "successThreshold", p->success_threshold);
	put_nonzero(e, x, "failureThreshold", p->failure_threshold);
	put_opt_int(e, x, "terminationGracePeriodSeconds", &p->termination_grace_period_seconds);
	put(e, o, key, x);
}

static void put_seccomp(Encoder *e, json_object *o, const SeccompProfile *s) {
	json_object *x;

	if (!s)
		return;
	x = obj_new(e);
	put_enum(e, x, "type", seccomp_profile_type_to_string(s->type));
	put_str(e, x, "localhostProfile", s->localhost_profile);
	put(e, o, "seccompProfile", x);
}

static json_object *encode_env_var(Encoder *e, const EnvVar *v) {
	json_object *o = obj_new(e), *vf, *x;

	put_str(e, o, "name", strempty(v->name));
	put_str(e, o, "value", v->value);
	if (!v->has_value_from)
		return o;
	vf = obj_new(e);
	if (v->source == ENV_SOURCE_FIELD_REF) {
		x = obj_new(e);
		put_str(e, x, "apiVersion", v->field_ref.api_version);
		put_str(e, x, "fieldPath", v->field_ref.field_path);
		put(e, vf, "fieldRef", x);
	} else if (v->source == ENV_SOURCE_RESOURCE_FIELD) {
		x = obj_new(e);
		put_str(e, x, "containerName", v->resource_field_ref.container_name);
		put_str(e, x, "resource", v->resource_field_ref.resource);
		put_quantity(e, x, "divisor", &v->resource_field_ref.divisor);
		put(e, vf, "resourceFieldRef", x);
	}
	put(e, o, "valueFrom", vf);
	return o;
}

static json_object *encode_resource_list(Encoder *e, const ResourceList *l) {
	json_object *o = obj_new(e);

	put_quantity(e, o, "cpu", &l->cpu);
	put_quantity(e, o, "ephemeral-storage", &l->ephemeral_storage);
	put_quantity(e, o, "memory", &l->memory);
	return o;
}

static bool resource_list_empty(const ResourceList *l) {
	return !l->cpu.set && !l->memory.set && !l->ephemeral_storage.set;
}

static json_object *encode_resources(Encoder *e, const ResourceRequirements *r) {
	json_object *o = obj_new(e);

	if (r->has_limits || !resource_list_empty(&r->limits))
		put(e, o, "limits", encode_resource_list(e, &r->limits));
	if (!resource_list_empty(&r->requests))
		put(e, o, "requests", encode_resource_list(e, &r->requests));
	return o;
}

static void put_lifecycle(Encoder *e, json_object *o, const Lifecycle *l) {
	json_object *x;

	if (!l)
		return;
	x = obj_new(e);
	if (l->post_start)
		put(e, x, "postStart", encode_handler(e, l->post_start));
	if (l->pre_stop)
		put(e, x, "preStop", encode_handler(e, l->pre_stop));
	put(e, o, "lifecycle", x);
}

static void put_security_context(Encoder *e, json_object *o, const SecurityContext *sc) {
	json_object *x;

	if (!sc)
		return;
	x = obj_new(e);
	if (sc->capabilities) {
		json_object *caps = obj_new(e);
		put_strv(e, caps, "add", sc->capabilities->add, sc->capabilities->n_add);
		put_strv(e, caps, "drop", sc->capabilities->drop, sc->capabilities->n_drop);
		put(e, x, "capabilities", caps);
	}
	put_opt_bool(e, x, "privileged", &sc->privileged);
	put_opt_int(e, x, "runAsUser", &sc->run_as_user);
	put_opt_int(e, x, "runAsGroup", &sc->run_as_group);
	put_opt_bool(e, x, "runAsNonRoot", &sc->run_as_non_root);
	put_opt_bool(e, x, "readOnlyRootFilesystem", &sc->read_only_root_filesystem);
	put_opt_bool(e, x, "allowPrivilegeEscalation", &sc->allow_privilege_escalation);
	put_enum(e, x, "procMount", proc_mount_type_to_string(sc->proc_mount));
	put_seccomp(e, x, sc->seccomp_profile);
	put(e, o, "securityContext", x);
}

static void put_ports(Encoder *e, json_object *o, const Container *c) {
	json_object *a;

	if (!c->ports)
		return;
	a = arr_new(e);
	for (size_t i = 0; i < c->n_ports; i++) {
		const ContainerPort *p = &c->ports[i];
		json_object *x = obj_new(e);
		put_str(e, x, "name", p->name);
		put_nonzero(e, x, "hostPort", p->host_port);
		put_int(e, x, "containerPort", p->container_port);
		put_enum(e, x, "protocol", protocol_to_string(p->protocol));
		put_str(e, x, "hostIP", p->host_ip);
		push(e, a, x);
	}
	put(e, o, "ports", a);
}

static void put_mounts(Encoder *e, json_object *o, const Container *c) {
	json_object *a;

	if (!c->volume_mounts)
		return;
	a = arr_new(e);
	for (size_t i = 0; i < c->n_volume_mounts; i++) {
		const VolumeMount *m = &c->volume_mounts[i];
		json_object *x = obj_new(e);
		put_str(e, x, "name", strempty(m->name));
		put_true(e, x, "readOnly", m->read_only);
		put_str(e, x, "mountPath", strempty(m->mount_path));
		put_str(e, x, "subPath", m->sub_path);
		push(e, a, x);
	}
	put(e, o, "volumeMounts", a);
}

static json_object *encode_container(Encoder *e, const Container *c) {
	json_object *o = obj_new(e);

	put_str(e, o, "name", strempty(c->name));
	put_str(e, o, "image", c->image);
	put_strv(e, o, "command", c->command, c->n_command);
	put_strv(e, o, "args", c->args, c->n_args);
	put_str(e, o, "workingDir", c->working_dir);
	put_ports(e, o, c);
	if (c->env) {
		json_object *a = arr_new(e);
		for (size_t i = 0; i < c->n_env; i++)
			push(e, a, encode_env_var(e, &c->env[i]));
		put(e, o, "env", a);
	}
	put(e, o, "resources", encode_resources(e, &c->resources));
	put_enum(e, o, "restartPolicy", container_restart_policy_to_string(c->restart_policy));
	put_mounts(e, o, c);
	put_probe(e, o, "livenessProbe", c->liveness_probe);
	put_probe(e, o, "readinessProbe", c->readiness_probe);
	put_probe(e, o, "startupProbe", c->startup_probe);
	put_lifecycle(e, o, c->lifecycle);
	put_str(e, o, "terminationMessagePath", c->termination_message_path);
	put_enum(e, o, "terminationMessagePolicy",
	         termination_message_policy_to_string(c->termination_message_policy));
	put_enum(e, o, "imagePullPolicy", pull_policy_to_string(c->image_pull_policy));
	put_security_context(e, o, c->security_context);
	return o;
}

static void put_containers(Encoder *e, json_object *o, const char *key, const Container *cs,
                           size_t n) {
	json_object *a;

	if (!cs && strcmp(key, "containers") != 0)
		return;
	a = arr_new(e);
	for (size_t i = 0; i < n; i++)
		push(e, a, encode_container(e, &cs[i]));
	put(e, o, key, a);
}

static json_object *encode_volume(Encoder *e, const Volume *v) {
	json_object *o = obj_new(e), *x;

	put_str(e, o, "name", strempty(v->name));
	if (v->type == VOLUME_HOST_PATH) {
		x = obj_new(e);
		put_str(e, x, "path", strempty(v->host_path.path));
		put_str(e, x, "type", host_path_type_to_string(v->host_path.type));
		put(e, o, "hostPath", x);
	} else if (v->type == VOLUME_EMPTY_DIR) {
		x = obj_new(e);
		put_enum(e, x, "medium", storage_medium_to_string(v->empty_dir.medium));
		put_quantity(e, x, "sizeLimit", &v->empty_dir.size_limit);
		put(e, o, "emptyDir", x);
	}
	return o;
}

static json_object *encode_pod_security_context(Encoder *e, const PodSecurityContext *sc) {
	json_object *o = obj_new(e);

	if (!sc)
		return o;
	put_opt_int(e, o, "runAsUser", &sc->run_as_user);
	put_opt_int(e, o, "runAsGroup", &sc->run_as_group);
	put_opt_bool(e, o, "runAsNonRoot", &sc->run_as_non_root);
	if (sc->supplemental_groups) {
		json_object *a = arr_new(e);
		for (size_t i = 0; i < sc->n_supplemental_groups; i++)
			push(e, a, json_object_new_int64(sc->supplemental_groups[i]));
		put(e, o, "supplementalGroups", a);
	}
	put_opt_int(e, o, "fsGroup", &sc->fs_group);
	put_seccomp(e, o, sc->seccomp_profile);
	return o;
}

static json_object *encode_spec(Encoder *e, const PodSpec *s) {
	json_object *o = obj_new(e);

	if (s->volumes) {
		json_object *a = arr_new(e);
		for (size_t i = 0; i < s->n_volumes; i++)
			push(e, a, encode_volume(e, &s->volumes[i]));
		put(e, o, "volumes", a);
	}
	put_containers(e, o, "initContainers", s->init_containers, s->n_init_containers);
	put_containers(e, o, "containers", s->containers, s->n_containers);
	put_enum(e, o, "restartPolicy", restart_policy_to_string(s->restart_policy));
	put_opt_int(e, o, "terminationGracePeriodSeconds", &s->termination_grace_period_seconds);
	put_opt_int(e, o, "activeDeadlineSeconds", &s->active_deadline_seconds);
	put_enum(e, o, "dnsPolicy", dns_policy_to_string(s->dns_policy));
	put_str(e, o, "nodeName", s->node_name);
	put_true(e, o, "hostNetwork", s->host_network);
	put_true(e, o, "hostPID", s->host_pid);
	put_true(e, o, "hostIPC", s->host_ipc);
	put_opt_bool(e, o, "shareProcessNamespace", &s->share_process_namespace);
	put(e, o, "securityContext", encode_pod_security_context(e, s->security_context));
	put_str(e, o, "hostname", s->hostname);
	put_str(e, o, "subdomain", s->subdomain);
	put_str(e, o, "priorityClassName", s->priority_class_name);
	put_opt_int(e, o, "priority", &s->priority);
	return o;
}

int pod_to_json(const Pod *pod, json_object **ret) {
	Encoder e = {};
	json_object *o = obj_new(&e), *meta = obj_new(&e), *status = obj_new(&e);

	put_str(&e, o, "apiVersion", "v1");
	put_str(&e, o, "kind", "Pod");
	put_str(&e, meta, "name", pod->metadata.name);
	put_str(&e, meta, "namespace", pod->metadata.namespace);
	put_str(&e, meta, "uid", pod->metadata.uid);
	put_strmap(&e, meta, "labels", &pod->metadata.labels);
	put_strmap(&e, meta, "annotations", &pod->metadata.annotations);
	put(&e, o, "metadata", meta);
	put(&e, o, "spec", encode_spec(&e, &pod->spec));
	put_str(&e, status, "qosClass", pod_qos_class_to_string(pod_qos_class(pod)));
	put(&e, o, "status", status);
	if (e.oom) {
		json_object_put(o);
		return -ENOMEM;
	}
	*ret = o;
	return 0;
}
