/* SPDX-License-Identifier: Apache-2.0 */
/* Probes and lifecycle hooks: validateProbe, validateHandler and the actions' checks. */
#include <inttypes.h>

#include "pod-internal.h"
#include "validation-names.h"

static void validate_port_ref(Diag *d, const PortRef *p, const char *path) {
	/* ValidatePortNumOrName */
	if (p->is_name)
		report_name(d, path, strempty(p->name), is_port_name);
	else if (p->number < 1 || p->number > 65535)
		field_invalid_int(d, path, p->number, "must be between 1 and 65535, inclusive");
}

static void validate_exec(Diag *d, const Handler *h, const char *path) {
	_cleanup_free_ char *p = pathf(path, "command");

	if (h->exec.n_command == 0)
		field_required(d, p, NULL);
}

static void validate_http_get(Diag *d, const Handler *h, const char *path) {
	_cleanup_free_ char *pp = pathf(path, "path"), *port = pathf(path, "port"),
	                    *headers = pathf(path, "httpHeaders");

	if (isempty(h->http_get.path))
		field_required(d, pp, NULL);
	validate_port_ref(d, &h->http_get.port, port);
	for (size_t i = 0; i < h->http_get.n_headers; i++)
		report_name(d, headers, strempty(h->http_get.headers[i].name), is_http_header_name);
}

static void validate_sleep(Validator *v, const Handler *h, const char *path) {
	const OptInt64 *grace = &v->pod->spec.termination_grace_period_seconds;

	/* PodLifecycleSleepActionAllowZero (GA in 1.34): 0 is allowed. */
	if (grace->set && (h->sleep.seconds < 0 || h->sleep.seconds > grace->value))
		field_invalid_int(
		        v->diag, path, h->sleep.seconds,
		        "must be non-negative and less than terminationGracePeriodSeconds "
		        "(%" PRId64 ")",
		        grace->value);
}

/* validateHandler: exactly one action, checked in the API's order. */
static void validate_handler(Validator *v, const Handler *h, const char *path) {
	_cleanup_free_ char *exec = pathf(path, "exec"), *http = pathf(path, "httpGet"),
	                    *tcp = pathf(path, "tcpSocket"), *grpc = pathf(path, "grpc"),
	                    *tcp_port = pathf(tcp, "port"), *grpc_port = pathf(grpc, "port"),
	                    *sleep = pathf(path, "sleep");
	unsigned n = 0;

#define ONE_HANDLER(set, p, check)                                                                 \
	do {                                                                                       \
		if (!(set))                                                                        \
			break;                                                                     \
		if (n++ > 0) {                                                                     \
			field_forbidden(v->diag, p, "may not specify more than 1 handler type");   \
			break;                                                                     \
		}                                                                                  \
		check;                                                                             \
	} while (0)

	ONE_HANDLER(h->exec.set, exec, validate_exec(v->diag, h, exec));
	ONE_HANDLER(h->http_get.set, http, validate_http_get(v->diag, h, http));
	ONE_HANDLER(h->tcp_socket.set, tcp,
	            validate_port_ref(v->diag, &h->tcp_socket.port, tcp_port));
	ONE_HANDLER(h->grpc.set, grpc,
	            validate_port_ref(v->diag, &(PortRef){ .number = h->grpc.port }, grpc_port));
	ONE_HANDLER(h->sleep.set, sleep, validate_sleep(v, h, sleep));
#undef ONE_HANDLER
	if (n == 0)
		field_required(v->diag, path, "must specify a handler type");
}

static void validate_nonneg(Diag *d, int64_t value, const char *path, const char *member) {
	_cleanup_free_ char *p = pathf(path, "%s", member);

	if (value < 0)
		field_invalid_int(d, p, value, "must be greater than or equal to 0");
}

void validate_probe(Validator *v, const Probe *p, const char *path, ProbeKind kind) {
	_cleanup_free_ char *tg = pathf(path, "terminationGracePeriodSeconds"),
	                    *st = pathf(path, "successThreshold");

	validate_handler(v, &p->handler, path);
	validate_nonneg(v->diag, p->initial_delay_seconds, path, "initialDelaySeconds");
	validate_nonneg(v->diag, p->timeout_seconds, path, "timeoutSeconds");
	validate_nonneg(v->diag, p->period_seconds, path, "periodSeconds");
	validate_nonneg(v->diag, p->success_threshold, path, "successThreshold");
	validate_nonneg(v->diag, p->failure_threshold, path, "failureThreshold");
	if (p->termination_grace_period_seconds.set &&
	    p->termination_grace_period_seconds.value <= 0)
		field_invalid_int(v->diag, tg, p->termination_grace_period_seconds.value,
		                  "must be greater than 0");
	switch (kind) {
	case PROBE_LIVENESS:
	case PROBE_STARTUP:
		if (p->success_threshold != 1)
			field_invalid_int(v->diag, st, p->success_threshold, "must be 1");
		break;
	case PROBE_READINESS:
		if (p->termination_grace_period_seconds.set)
			field_invalid_int(v->diag, tg, p->termination_grace_period_seconds.value,
			                  "must not be set for readinessProbes");
		break;
	}
}

/*
 * The API keeps tcpSocket hooks for compatibility, but the kubelet's hook runner has no such
 * action (pkg/kubelet/lifecycle/handlers.go): the hook fails when it runs.
 */
static void validate_hook(Validator *v, const Handler *h, const char *path) {
	_cleanup_free_ char *tcp = pathf(path, "tcpSocket");

	validate_handler(v, h, path);
	if (h->type == HANDLER_TCP_SOCKET)
		diag_warning(v->diag, tcp, "a tcpSocket hook is not run: the hook fails");
}

void validate_lifecycle(Validator *v, const Lifecycle *l, const char *path) {
	_cleanup_free_ char *post = pathf(path, "postStart"), *pre = pathf(path, "preStop");

	if (l->post_start)
		validate_hook(v, l->post_start, post);
	if (l->pre_stop)
		validate_hook(v, l->pre_stop, pre);
}
