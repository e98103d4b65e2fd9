/* SPDX-License-Identifier: Apache-2.0 */
/* One run of a handler: start it through its ops, collect its end, deliver it from the loop. */
#include <fcntl.h>
#include <string.h>

#include "go-format.h"
#include "probe-internal.h"

static const ProbeHandlerOps *const handlers[_PROBE_KIND_MAX] = {
	[PROBE_KIND_EXEC] = &probe_handler_exec,
	[PROBE_KIND_HTTP_GET] = &probe_handler_http,
	[PROBE_KIND_TCP_SOCKET] = &probe_handler_tcp,
	[PROBE_KIND_GRPC] = &probe_handler_grpc,
};

void probe_run_free(ProbeRun *run) {
	if (!run)
		return;
	if (run->delivering) {
		/* cancelled from inside its own done callback: on_deliver frees it */
		run->done = NULL;
		return;
	}
	if (run->ops && run->ops->stop)
		run->ops->stop(run);
	run->ops = NULL;
	if (run->one_shot) {
		LIST_REMOVE(run, link);
		run->manager->one_shots--;
	}
	if (run->manager && run->manager->metrics.in_flight > 0)
		run->manager->metrics.in_flight--;
	sd_event_source_disable_unref(run->deliver);
	safe_close(run->netns_fd);
	if (run->owns_spec)
		probe_spec_done(&run->own_spec);
	free(run->container_id);
	free(run->host);
	free(run->output);
	free(run);
}

static int on_deliver(sd_event_source *s, void *userdata) {
	ProbeRun *run = userdata;
	ProbeRunResult res = {
		.outcome = run->outcome,
		.output = strempty(run->output),
		.http_status = run->http_status,
		.http_fallback = run->http_fallback,
	};
	probe_run_done_t done = run->done;
	void *ud = run->userdata;

	/* Release the handler before the owner hears of it: the owner may start the next run. */
	if (run->ops && run->ops->stop)
		run->ops->stop(run);
	run->ops = NULL;
	run->delivering = true;
	if (done)
		done(run, &res, ud);
	run->delivering = false;
	probe_run_free(run);
	return 0;
}

void probe_run_finish_http(ProbeRun *run, ProbeOutcome outcome, const char *output, int status,
                           bool fallback) {
	if (run->finished)
		return;
	run->finished = true;
	run->outcome = outcome;
	run->http_status = status;
	run->http_fallback = fallback;
	if (output) {
		size_t n = strnlen(output, PROBE_OUTPUT_MAX);
		run->output = strndup(output, n);
	}
	/* Without memory for the message the outcome still stands, with an empty output. */
	(void)sd_event_source_set_enabled(run->deliver, SD_EVENT_ONESHOT);
}

void probe_run_finish(ProbeRun *run, ProbeOutcome outcome, const char *output) {
	probe_run_finish_http(run, outcome, output, 0, false);
}

static int run_resolve_host(ProbeRun *run, const ProbeRunParams *params) {
	const char *h = run->spec->host;

	/* grpc always dials the pod IP (GRPCAction has no host); the others default to it. */
	if (run->spec->kind == PROBE_KIND_GRPC || isempty(h))
		h = params->pod_ip;
	if (run->spec->kind == PROBE_KIND_EXEC)
		return 0;
	if (isempty(h))
		return -EADDRNOTAVAIL;
	run->host = strdup(h);
	return run->host ? 0 : -ENOMEM;
}

static int run_init(ProbeRun *run, const ProbeRunParams *params) {
	int r;

	run->purpose = params->purpose;
	run->timeout_usec = params->timeout_usec
	                            ? params->timeout_usec
	                            : (uint64_t)MAX(run->spec->timeout_seconds, 1) * 1000000U;
	if (params->container_id && !(run->container_id = strdup(params->container_id)))
		return -ENOMEM;
	if (params->netns_fd > 0) {
		run->netns_fd = fcntl(params->netns_fd, F_DUPFD_CLOEXEC, 3);
		if (run->netns_fd < 0)
			return negative_errno();
	}
	r = sd_event_add_defer(run->manager->event, &run->deliver, on_deliver, run);
	if (r < 0)
		return r;
	sd_event_source_set_description(run->deliver, "probe-run-deliver");
	return sd_event_source_set_enabled(run->deliver, SD_EVENT_OFF);
}

int probe_run_new(ProbeManager *m, const ProbeSpec *spec, bool copy, const ProbeRunParams *params,
                  probe_run_done_t done, void *userdata, ProbeRun **ret) {
	static const ProbeRunParams no_params = { 0 };
	ProbeRun *run;
	int r;

	if ((unsigned)spec->kind >= _PROBE_KIND_MAX)
		return -EINVAL;
	if (!params)
		params = &no_params;
	run = calloc(1, sizeof(*run));
	if (!run)
		return -ENOMEM;
	run->manager = m;
	run->netns_fd = -EBADF;
	run->done = done;
	run->userdata = userdata;
	m->metrics.in_flight++;
	if (copy) {
		r = probe_spec_copy(spec, &run->own_spec);
		if (r < 0) {
			probe_run_free(run);
			return r;
		}
		run->owns_spec = true;
		run->spec = &run->own_spec;
	} else
		run->spec = spec;

	r = run_init(run, params);
	if (r < 0) {
		probe_run_free(run);
		return r;
	}
	m->metrics.runs_started++;
	r = run_resolve_host(run, params);
	if (r == -EADDRNOTAVAIL) {
		/* Nothing to dial: the pod has no IP (yet) and the probe names no host. */
		probe_run_finish(run, PROBE_OUTCOME_ERROR, "no host to probe: the pod has no IP");
		*ret = run;
		return 0;
	}
	if (r < 0) {
		probe_run_free(run);
		return r;
	}
	run->ops = handlers[spec->kind];
	r = run->ops->start(run);
	if (r < 0 && !run->finished) {
		ProbeBuf b;
		probe_buf_init(&b, 512);
		probe_buf_printf(&b,
		                 "%s probe could not start: ", probe_kind_to_string(spec->kind));
		probe_go_errno(&b, r);
		probe_run_finish(run, PROBE_OUTCOME_ERROR, probe_buf_str(&b));
		probe_buf_done(&b);
	}
	*ret = run;
	return 0;
}

int probe_run_start(ProbeManager *m, const ProbeSpec *spec, const ProbeRunParams *params,
                    probe_run_done_t done, void *userdata, ProbeRun **ret) {
	ProbeRun *run;
	int r;

	if (!m || !spec || !done)
		return -EINVAL;
	if (m->one_shots >= PROBE_ONE_SHOT_MAX)
		return -EBUSY;
	r = probe_run_new(m, spec, true, params, done, userdata, &run);
	if (r < 0)
		return r;
	run->one_shot = true;
	m->one_shots++;
	LIST_INSERT_HEAD(&m->runs, run, link);
	if (ret)
		*ret = run;
	return 0;
}

void probe_run_cancel(ProbeRun *run) {
	probe_run_free(run);
}
