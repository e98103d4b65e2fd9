/* SPDX-License-Identifier: Apache-2.0 */
/* Probe names, §2.1 defaults and checks, and the deep copy the engine keeps of a spec. */
#include <string.h>

#include "macro.h"
#include "probe-internal.h"

static const char *const type_names[_PROBE_TYPE_MAX] = {
	[PROBE_LIVENESS] = "liveness",
	[PROBE_READINESS] = "readiness",
	[PROBE_STARTUP] = "startup",
};

/* prober.go probeType.String(), used in event text: "Liveness probe failed: ...". */
static const char *const type_display[_PROBE_TYPE_MAX] = {
	[PROBE_LIVENESS] = "Liveness",
	[PROBE_READINESS] = "Readiness",
	[PROBE_STARTUP] = "Startup",
};

static const char *const kind_names[_PROBE_KIND_MAX] = {
	[PROBE_KIND_EXEC] = "exec",
	[PROBE_KIND_HTTP_GET] = "httpGet",
	[PROBE_KIND_TCP_SOCKET] = "tcpSocket",
	[PROBE_KIND_GRPC] = "grpc",
};

static const char *const result_names[_PROBE_RESULT_MAX] = {
	[PROBE_RESULT_UNKNOWN] = "unknown",
	[PROBE_RESULT_SUCCESS] = "success",
	[PROBE_RESULT_FAILURE] = "failure",
};

/* prober_probe_total's result label (prober/worker.go probeResultSuccessful...). */
static const char *const result_labels[_PROBE_RESULT_MAX] = {
	[PROBE_RESULT_UNKNOWN] = "unknown",
	[PROBE_RESULT_SUCCESS] = "successful",
	[PROBE_RESULT_FAILURE] = "failed",
};

static const char *const outcome_names[_PROBE_OUTCOME_MAX] = {
	[PROBE_OUTCOME_SUCCESS] = "success",
	[PROBE_OUTCOME_WARNING] = "warning",
	[PROBE_OUTCOME_FAILURE] = "failure",
	[PROBE_OUTCOME_ERROR] = "error",
};

#define NAME_OF(table, i) ((unsigned)(i) < ELEMENTSOF(table) ? (table)[i] : NULL)

const char *probe_type_to_string(ProbeType t) {
	return NAME_OF(type_names, t);
}
const char *probe_type_to_display(ProbeType t) {
	return NAME_OF(type_display, t);
}
const char *probe_kind_to_string(ProbeKind k) {
	return NAME_OF(kind_names, k);
}
const char *probe_result_to_string(ProbeResult r) {
	return NAME_OF(result_names, r);
}
const char *probe_result_metric_label(ProbeResult r) {
	return NAME_OF(result_labels, r);
}
const char *probe_outcome_to_string(ProbeOutcome o) {
	return NAME_OF(outcome_names, o);
}

void probe_spec_init(ProbeSpec *spec, ProbeKind kind) {
	*spec = (ProbeSpec){
		.kind = kind,
		.scheme = PROBE_SCHEME_HTTP,
		.initial_delay_seconds = 0,
		.timeout_seconds = 1,
		.period_seconds = 10,
		.success_threshold = 1,
		.failure_threshold = 3,
	};
}

static bool header_name_valid(const char *s) {
	/* RFC 9110 token, as net/http's ValidHeaderFieldName. */
	if (isempty(s))
		return false;
	for (; *s; s++)
		if (!strchr("!#$%&'*+-.^_`|~", *s) && !(*s >= '0' && *s <= '9') &&
		    !(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z'))
			return false;
	return true;
}

static bool header_value_valid(const char *s) {
	/* No CR, LF or other control byte but tab: no header injection. */
	for (; s && *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

static int check_timing(const ProbeSpec *spec, ProbeType type, const char **reason) {
	if (spec->initial_delay_seconds < 0)
		*reason = "initialDelaySeconds: must be greater than or equal to 0";
	else if (spec->timeout_seconds < 1)
		*reason = "timeoutSeconds: must be greater than or equal to 1";
	else if (spec->period_seconds < 1)
		*reason = "periodSeconds: must be greater than or equal to 1";
	else if (spec->success_threshold < 1)
		*reason = "successThreshold: must be greater than or equal to 1";
	else if (spec->failure_threshold < 1)
		*reason = "failureThreshold: must be greater than or equal to 1";
	else if (type != PROBE_READINESS && spec->success_threshold != 1)
		*reason = "successThreshold: must be 1";
	else
		return 0;
	return -EINVAL;
}

static int check_command(const ProbeSpec *spec, const char **reason) {
	size_t n = 0, bytes = 0;

	if (!spec->command || !spec->command[0] || isempty(spec->command[0])) {
		*reason = "exec.command: Required value";
		return -EINVAL;
	}
	for (; spec->command[n]; n++)
		bytes += strlen(spec->command[n]) + 1;
	if (n > PROBE_ARGV_MAX || bytes > PROBE_ARGV_BYTES_MAX) {
		*reason = "exec.command: Too long";
		return -EINVAL;
	}
	return 0;
}

static int check_http(const ProbeSpec *spec, const char **reason) {
	if (spec->scheme != PROBE_SCHEME_HTTP && spec->scheme != PROBE_SCHEME_HTTPS) {
		*reason = "httpGet.scheme: Unsupported value";
		return -EINVAL;
	}
	if (spec->path && strlen(spec->path) > PROBE_PATH_MAX) {
		*reason = "httpGet.path: Too long";
		return -EINVAL;
	}
	if (spec->n_headers > PROBE_HEADERS_MAX || (spec->n_headers > 0 && !spec->headers)) {
		*reason = "httpGet.httpHeaders: Too many";
		return -EINVAL;
	}
	for (size_t i = 0; i < spec->n_headers; i++) {
		const ProbeHeader *h = &spec->headers[i];
		if (!header_name_valid(h->name)) {
			*reason = "httpGet.httpHeaders.name: Invalid value";
			return -EINVAL;
		}
		if (!header_value_valid(h->value) ||
		    strlen(h->name) + strlen(strempty(h->value)) > PROBE_HEADER_BYTES_MAX) {
			*reason = "httpGet.httpHeaders.value: Invalid value";
			return -EINVAL;
		}
	}
	return 0;
}

int probe_spec_validate(const ProbeSpec *spec, ProbeType type, const char **ret_reason) {
	const char *reason = NULL;
	int r;

	if (!ret_reason)
		ret_reason = &reason;
	*ret_reason = NULL;
	if (!spec || (unsigned)type >= _PROBE_TYPE_MAX) {
		*ret_reason = "probe: Invalid value";
		return -EINVAL;
	}
	r = check_timing(spec, type, ret_reason);
	if (r < 0)
		return r;

	if (spec->kind != PROBE_KIND_EXEC && spec->port == 0) {
		*ret_reason = "port: must be between 1 and 65535, inclusive";
		return -EINVAL;
	}
	if (spec->host && strlen(spec->host) > PROBE_HOST_MAX) {
		*ret_reason = "host: Too long";
		return -EINVAL;
	}
	switch (spec->kind) {
	case PROBE_KIND_EXEC:
		return check_command(spec, ret_reason);
	case PROBE_KIND_HTTP_GET:
		return check_http(spec, ret_reason);
	case PROBE_KIND_TCP_SOCKET:
		return 0;
	case PROBE_KIND_GRPC:
		if (spec->grpc_service && strlen(spec->grpc_service) > PROBE_GRPC_SERVICE_MAX) {
			*ret_reason = "grpc.service: Too long";
			return -EINVAL;
		}
		return 0;
	default:
		*ret_reason = "handler: must specify a handler type";
		return -EINVAL;
	}
}

/* ---- the engine's own copy ---- */

void probe_spec_done(ProbeSpec *spec) {
	if (!spec)
		return;
	if (spec->command)
		strv_free((char **)spec->command);
	free((char *)spec->host);
	free((char *)spec->path);
	for (size_t i = 0; spec->headers && i < spec->n_headers; i++) {
		free((char *)spec->headers[i].name);
		free((char *)spec->headers[i].value);
	}
	free((ProbeHeader *)spec->headers);
	free((char *)spec->grpc_service);
	*spec = (ProbeSpec){ 0 };
}

static int dup_str(const char *s, const char **ret) {
	*ret = NULL;
	if (!s)
		return 0;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static int copy_command(const char *const *src, const char *const **ret) {
	size_t n = 0;
	char **v;

	*ret = NULL;
	if (!src)
		return 0;
	while (src[n])
		n++;
	v = calloc(n + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(v[i] = strdup(src[i]))) {
			strv_free(v);
			return -ENOMEM;
		}
	*ret = (const char *const *)v;
	return 0;
}

static int copy_headers(const ProbeSpec *src, ProbeSpec *dst) {
	ProbeHeader *h;

	if (src->n_headers == 0)
		return 0;
	h = calloc(src->n_headers, sizeof(ProbeHeader));
	if (!h)
		return -ENOMEM;
	dst->headers = h;
	dst->n_headers = src->n_headers;
	for (size_t i = 0; i < src->n_headers; i++)
		if (dup_str(src->headers[i].name, &h[i].name) < 0 ||
		    dup_str(strempty(src->headers[i].value), &h[i].value) < 0)
			return -ENOMEM;
	return 0;
}

int probe_spec_copy(const ProbeSpec *src, ProbeSpec *dst) {
	int r;

	*dst = *src;
	dst->command = NULL;
	dst->host = dst->path = dst->grpc_service = NULL;
	dst->headers = NULL;
	dst->n_headers = 0;

	r = copy_command(src->command, &dst->command);
	if (r >= 0)
		r = dup_str(isempty(src->host) ? NULL : src->host, &dst->host);
	if (r >= 0)
		r = dup_str(src->path, &dst->path);
	if (r >= 0)
		r = dup_str(src->grpc_service, &dst->grpc_service);
	if (r >= 0)
		r = copy_headers(src, dst);
	if (r < 0)
		probe_spec_done(dst);
	return r;
}
