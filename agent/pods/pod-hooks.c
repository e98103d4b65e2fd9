/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lifecycle hooks (pkg/kubelet/lifecycle/handlers.go, kuberuntime_container.go): postStart runs
 * right after the container starts, a failure kills it (FailedPostStartHook); preStop runs
 * before the stop signal when there is a grace period, bounded by it, its time taken out of it,
 * a hung hook abandoned. Handlers: exec (in the container), httpGet, sleep.
 */
#include "strutil.h"
#include "container-exec.h"
#include "log.h"
#include "pod-hooks.h"
#include "pod-probes.h"

#define HOOK_OUTPUT_MAX 10240

typedef struct HookCtx {
	ContainerRun *c;
	bool pre_stop;
	uint64_t started; /* monotonic µs */
	uint64_t grace;   /* preStop: the whole grace period */
	ExecRun *exec;
} HookCtx;

static HookCtx *hook_ctx(ContainerRun *c) {
	return c->hook_ctx;
}

static void hook_finish(ContainerRun *c, bool ok, const char *what) {
	PodWorker *w = c->pod;
	HookCtx *h = hook_ctx(c);
	bool pre_stop = h && h->pre_stop;
	uint64_t grace = h ? h->grace : 0, started = h ? h->started : 0;

	c->hook_run = NULL;
	c->hook_timer = sd_event_source_disable_unref(c->hook_timer);
	free(c->hook_ctx);
	c->hook_ctx = NULL;

	if (!ok)
		pod_events_add(&w->events, true,
		               pre_stop ? "FailedPreStopHook" : "FailedPostStartHook",
		               kubelet_now(w->kubelet), "%s", strempty(what));
	if (pre_stop) {
		uint64_t used = kubelet_now_monotonic(w->kubelet) - started;
		container_run_send_term(c, grace > used ? grace - used : 0);
		return;
	}
	c->post_start_done = true;
	if (!ok) {
		log_container(LOG_NOTICE, w->key, c->spec->name, "postStart hook failed: %s",
		              strempty(what));
		container_run_kill(c, KILL_POST_START,
		                   (uint64_t)(w->pod->spec.termination_grace_period_seconds.value) *
		                           1000000ULL);
	}
	pod_worker_queue_sync(w);
}

/* argv joined by spaces, in brackets as Go prints a []string or bare as strings.Join. */
static char *argv_text(char *const *argv, bool brackets) {
	size_t l = 3;
	for (size_t i = 0; argv && argv[i]; i++)
		l += strlen(argv[i]) + 1;
	char *s = calloc(1, l);
	if (!s)
		return NULL;
	if (brackets)
		strcat(s, "[");
	for (size_t i = 0; argv && argv[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	if (brackets)
		strcat(s, "]");
	return s;
}

static void exec_done(ExecRun *run, const ExecResult *r, void *userdata) {
	ContainerRun *c = userdata;
	HookCtx *h = hook_ctx(c);
	const Handler *hd =
	        h && h->pre_stop ? c->spec->lifecycle->pre_stop : c->spec->lifecycle->post_start;
	_cleanup_free_ char *cmd = argv_text(hd->exec.command, true),
	                    *joined = argv_text(hd->exec.command, false), *msg = NULL;
	if (h)
		h->exec = NULL;
	if (r->exit_code == 0 && !r->error) {
		hook_finish(c, true, NULL);
		return;
	}
	/* handlers.go: "Exec lifecycle hook (%v) for Container %q in Pod %q failed - error: %v,
	 * message: %q"; the error is ExecSync's "command '<argv joined>' exited with N: ..." */
	msg = strprintf(
	        "Exec lifecycle hook (%s) for Container \"%s\" in Pod \"%s\" failed - error: "
	        "command '%s' exited with %d: %.*s, message: \"%.*s\"",
	        strempty(cmd), c->spec->name, c->pod->full_name, strempty(joined), r->exit_code,
	        (int)MIN(r->output_size, 512), strempty(r->output), (int)MIN(r->output_size, 512),
	        strempty(r->output));
	hook_finish(c, false, msg);
}

static void http_done(ProbeRun *run, const ProbeRunResult *r, void *userdata) {
	ContainerRun *c = userdata;
	_cleanup_free_ char *msg = NULL;
	c->hook_run = NULL;
	if (r->outcome == PROBE_OUTCOME_SUCCESS || r->outcome == PROBE_OUTCOME_WARNING) {
		hook_finish(c, true, NULL);
		return;
	}
	msg = strprintf("HTTP lifecycle hook for Container \"%s\" in Pod \"%s\" failed - error: %s",
	                c->spec->name, c->pod->full_name, strempty(r->output));
	hook_finish(c, false, msg);
}

static int on_hook_timer(sd_event_source *s, uint64_t usec, void *userdata) {
	ContainerRun *c = userdata;
	HookCtx *h = hook_ctx(c);
	c->hook_timer = sd_event_source_disable_unref(c->hook_timer);
	if (h && h->exec) {
		container_exec_cancel(h->exec);
		h->exec = NULL;
	}
	if (c->hook_run) {
		probe_run_cancel(c->hook_run);
		c->hook_run = NULL;
	}
	/* sleep hooks end here; exec/http hooks that hang are abandoned */
	bool sleeping = h && (h->pre_stop ? c->spec->lifecycle->pre_stop->type == HANDLER_SLEEP
	                                  : c->spec->lifecycle->post_start->type == HANDLER_SLEEP);
	hook_finish(c, sleeping,
	            sleeping ? NULL : "the hook did not finish within the grace period");
	return 0;
}

static int arm_timer(ContainerRun *c, uint64_t usec) {
	Kubelet *k = c->pod->kubelet;
	int r = sd_event_add_time_relative(k->event, &c->hook_timer, CLOCK_MONOTONIC, usec, 0,
	                                   on_hook_timer, c);
	if (r >= 0)
		(void)sd_event_source_set_description(c->hook_timer, "container-hook");
	return r;
}

static int run_hook(ContainerRun *c, const Handler *hd, bool pre_stop, uint64_t budget_usec) {
	PodWorker *w = c->pod;
	Kubelet *k = w->kubelet;
	HookCtx *h = calloc(1, sizeof(HookCtx));
	int r = 0;

	if (!h)
		return -ENOMEM;
	*h = (HookCtx){ .c = c,
		        .pre_stop = pre_stop,
		        .started = kubelet_now_monotonic(k),
		        .grace = budget_usec };
	c->hook_ctx = h;

	switch (hd->type) {
	case HANDLER_EXEC: {
		_cleanup_free_ char *dir = NULL;
		if (asprintf(&dir, "%s/%s", k->containers_state_dir, c->id) < 0)
			r = -ENOMEM;
		else
			r = container_exec_start(k->event, dir, hd->exec.command, budget_usec,
			                         HOOK_OUTPUT_MAX, exec_done, c, &h->exec);
		break;
	}
	case HANDLER_HTTP_GET: {
		ProbeSpec spec;
		ProbeHeader headers[64];
		r = pod_probe_spec(c->spec, hd, NULL, &spec, headers, ELEMENTSOF(headers));
		if (r >= 0) {
			ProbeRunParams p = { .purpose = PROBE_PURPOSE_LIFECYCLE,
				             .container_id = c->id,
				             .pod_ip = pod_probe_host(w),
				             .netns_fd = pod_probe_netns(w),
				             .timeout_usec = budget_usec ? budget_usec
				                                         : PROBE_TIMEOUT_NONE };
			r = probe_run_start(k->probes, &spec, &p, http_done, c, &c->hook_run);
		}
		break;
	}
	case HANDLER_SLEEP:
		r = arm_timer(c, (uint64_t)hd->sleep.seconds * 1000000ULL);
		if (r >= 0)
			return 0;
		break;
	default:
		r = -EOPNOTSUPP;
	}
	if (r < 0) {
		free(h);
		c->hook_ctx = NULL;
		return r;
	}
	if (budget_usec > 0)
		(void)arm_timer(c, budget_usec);
	return 0;
}

int pod_hook_post_start(ContainerRun *c) {
	int r = run_hook(c, c->spec->lifecycle->post_start, false, 0);
	if (r < 0)
		c->post_start_done = true;
	return r;
}

int pod_hook_pre_stop(ContainerRun *c, uint64_t grace_usec) {
	if (c->hook_ctx) /* a postStart still runs: abandon it */
		pod_hooks_cancel(c);
	return run_hook(c, c->spec->lifecycle->pre_stop, true, grace_usec);
}

bool pod_hook_pre_stop_running(const ContainerRun *c) {
	const HookCtx *h = c->hook_ctx;
	return h && h->pre_stop;
}

void pod_hooks_cancel(ContainerRun *c) {
	HookCtx *h = hook_ctx(c);
	if (h && h->exec)
		container_exec_cancel(h->exec);
	probe_run_cancel(c->hook_run);
	c->hook_run = NULL;
	c->hook_timer = sd_event_source_disable_unref(c->hook_timer);
	free(h);
	c->hook_ctx = NULL;
}
