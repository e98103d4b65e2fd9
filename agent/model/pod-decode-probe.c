/* SPDX-License-Identifier: Apache-2.0 */
/* Probes, lifecycle hooks and their handlers; seccomp profiles. */
#include "pod-internal.h"
#include "tree.h"

static void dec_port_ref(Decoder *d, json_object *v, const char *path, void *field) {
	PortRef *p = field;

	/* intstr.IntOrString: a number, or a string naming a container port. */
	if (json_object_is_type(v, json_type_string)) {
		if (dec_get_string(d, v, path, POD_MAX_STRING, &p->name))
			p->is_name = true;
	} else if (json_object_is_type(v, json_type_int)) {
		p->is_name = false;
		dec_get_int32(d, v, path, &p->number);
	} else
		dec_error(d, path, "expected integer or string, got %s", tree_type_name(v));
}

static void dec_exec_command(Decoder *d, json_object *v, const char *path, void *field) {
	Handler *h = field;
	char **l = NULL;
	size_t n = 0;

	if (dec_get_strv(d, v, path, POD_MAX_ARGS, POD_MAX_ARG_BYTES, &l, &n, NULL)) {
		h->exec.command = l;
		h->exec.n_command = n;
	}
}

static const FieldSpec exec_fields[] = {
	{ "command", dec_exec_command, 0 },
	FIELDS_END,
};

static const FieldSpec header_fields[] = {
	FIELD("name", dec_string, HTTPHeader, name),
	FIELD("value", dec_string, HTTPHeader, value),
	FIELDS_END,
};

static void dec_headers(Decoder *d, json_object *v, const char *path, void *field) {
	Handler *h = field;

	h->http_get.headers = dec_array_alloc(d, v, path, POD_MAX_SMALL_LIST, sizeof(HTTPHeader),
	                                      &h->http_get.n_headers);
	for (size_t i = 0; i < h->http_get.n_headers; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		dec_fields(d, json_object_array_get_idx(v, i), p, header_fields,
		           &h->http_get.headers[i]);
	}
}

DEFINE_ENUM_DECODER(dec_scheme, uri_scheme_table, URIScheme)

static const FieldSpec http_get_fields[] = {
	FIELD("path", dec_string, Handler, http_get.path),
	FIELD("port", dec_port_ref, Handler, http_get.port),
	FIELD("host", dec_string, Handler, http_get.host),
	FIELD("scheme", dec_scheme, Handler, http_get.scheme),
	{ "httpHeaders", dec_headers, 0 },
	FIELDS_END,
};

static const FieldSpec tcp_socket_fields[] = {
	FIELD("port", dec_port_ref, Handler, tcp_socket.port),
	FIELD("host", dec_string, Handler, tcp_socket.host),
	FIELDS_END,
};

static const FieldSpec grpc_fields[] = {
	FIELD("port", dec_int32, Handler, grpc.port),
	FIELD("service", dec_string, Handler, grpc.service),
	FIELDS_END,
};

static void dec_sleep_seconds(Decoder *d, json_object *v, const char *path, void *field) {
	Handler *h = field;
	dec_get_int64(d, v, path, &h->sleep.seconds);
}

static const FieldSpec sleep_fields[] = {
	{ "seconds", dec_sleep_seconds, 0 },
	FIELDS_END,
};

static void dec_exec(Decoder *d, json_object *v, const char *path, void *field) {
	((Handler *)field)->exec.set = true;
	dec_fields(d, v, path, exec_fields, field);
}

static void dec_http_get(Decoder *d, json_object *v, const char *path, void *field) {
	((Handler *)field)->http_get.set = true;
	dec_fields(d, v, path, http_get_fields, field);
}

static void dec_tcp_socket(Decoder *d, json_object *v, const char *path, void *field) {
	((Handler *)field)->tcp_socket.set = true;
	dec_fields(d, v, path, tcp_socket_fields, field);
}

static void dec_grpc(Decoder *d, json_object *v, const char *path, void *field) {
	((Handler *)field)->grpc.set = true;
	dec_fields(d, v, path, grpc_fields, field);
}

static void dec_sleep(Decoder *d, json_object *v, const char *path, void *field) {
	((Handler *)field)->sleep.set = true;
	dec_fields(d, v, path, sleep_fields, field);
}

/* The first action given in the API's order of checks (validateHandler). */
static void handler_pick_type(Handler *h) {
	if (h->exec.set)
		h->type = HANDLER_EXEC;
	else if (h->http_get.set)
		h->type = HANDLER_HTTP_GET;
	else if (h->tcp_socket.set)
		h->type = HANDLER_TCP_SOCKET;
	else if (h->grpc.set)
		h->type = HANDLER_GRPC;
	else if (h->sleep.set)
		h->type = HANDLER_SLEEP;
	else
		h->type = HANDLER_NONE;
}

static const FieldSpec probe_fields[] = {
	{ "exec", dec_exec, offsetof(Probe, handler) },
	{ "httpGet", dec_http_get, offsetof(Probe, handler) },
	{ "tcpSocket", dec_tcp_socket, offsetof(Probe, handler) },
	{ "grpc", dec_grpc, offsetof(Probe, handler) },
	FIELD("initialDelaySeconds", dec_int32, Probe, initial_delay_seconds),
	FIELD("timeoutSeconds", dec_int32, Probe, timeout_seconds),
	FIELD("periodSeconds", dec_int32, Probe, period_seconds),
	FIELD("successThreshold", dec_int32, Probe, success_threshold),
	FIELD("failureThreshold", dec_int32, Probe, failure_threshold),
	FIELD("terminationGracePeriodSeconds", dec_opt_int64, Probe,
	      termination_grace_period_seconds),
	FIELDS_END,
};

void dec_probe(Decoder *d, json_object *v, const char *path, void *field) {
	Probe *p = dec_optional_object(d, v, path, probe_fields, field, sizeof(Probe));
	if (p)
		handler_pick_type(&p->handler);
}

/* LifecycleHandler: tcpSocket is kept by the API for compatibility, sleep is hooks only. */
static const FieldSpec lifecycle_handler_fields[] = {
	{ "exec", dec_exec, 0 },
	{ "httpGet", dec_http_get, 0 },
	{ "tcpSocket", dec_tcp_socket, 0 },
	{ "sleep", dec_sleep, 0 },
	FIELDS_END,
};

static void dec_lifecycle_handler(Decoder *d, json_object *v, const char *path, void *field) {
	Handler *h =
	        dec_optional_object(d, v, path, lifecycle_handler_fields, field, sizeof(Handler));
	if (h)
		handler_pick_type(h);
}

static const FieldSpec lifecycle_fields[] = {
	FIELD("postStart", dec_lifecycle_handler, Lifecycle, post_start),
	FIELD("preStop", dec_lifecycle_handler, Lifecycle, pre_stop),
	IGNORED("stopSignal"),
	FIELDS_END,
};

void dec_lifecycle(Decoder *d, json_object *v, const char *path, void *field) {
	(void)dec_optional_object(d, v, path, lifecycle_fields, field, sizeof(Lifecycle));
}

DEFINE_ENUM_DECODER(dec_seccomp_type, seccomp_profile_type_table, SeccompProfileType)

static const FieldSpec seccomp_fields[] = {
	FIELD("type", dec_seccomp_type, SeccompProfile, type),
	FIELD("localhostProfile", dec_string, SeccompProfile, localhost_profile),
	FIELDS_END,
};

void dec_seccomp_profile(Decoder *d, json_object *v, const char *path, void *field) {
	(void)dec_optional_object(d, v, path, seccomp_fields, field, sizeof(SeccompProfile));
}
