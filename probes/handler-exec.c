/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec (KUBELET-BEHAVIOUR.md §2.4; pkg/probe/exec/exec.go): the command runs in the container
 * through the caller's ProbeExecOps (the agent: `skiff-monitor exec ... --timeout`). Exit 0
 * Success, non-zero Failure with the output, timeout Failure (ExecProbeTimeout) with
 * `command "<argv joined>" timed out`, anything else an error (retried, then discarded).
 */
#include "go-format.h"
#include "probe-internal.h"

struct ProbeExec {
	ProbeRun *run;
	void *data;
	bool started;
	bool completed;
};

void probe_exec_set_data(ProbeExec *exec, void *data) {
	exec->data = data;
}

void *probe_exec_get_data(ProbeExec *exec) {
	return exec->data;
}

static void format_timeout(ProbeBuf *b, const char *const *argv) {
	ProbeBuf joined;

	/* remote_runtime.go: fmt.Errorf("command %q timed out", strings.Join(cmd, " ")) */
	probe_buf_init(&joined, PROBE_ARGV_BYTES_MAX);
	for (size_t i = 0; argv && argv[i]; i++) {
		if (i > 0)
			probe_buf_puts(&joined, " ");
		probe_buf_puts(&joined, argv[i]);
	}
	probe_buf_puts(b, "command ");
	probe_go_quote(b, probe_buf_str(&joined), joined.len);
	probe_buf_puts(b, " timed out");
	probe_buf_done(&joined);
}

void probe_exec_complete(ProbeExec *exec, ProbeExecStatus status, int exit_code, const void *output,
                         size_t output_size, const char *error) {
	ProbeBuf b;

	if (!exec || exec->completed)
		return;
	exec->completed = true;
	probe_buf_init(&b, PROBE_OUTPUT_MAX);
	switch (status) {
	case PROBE_EXEC_EXITED:
		/* combined output, capped at 10 KiB (LimitWriter maxReadLength) */
		if (output)
			probe_buf_append(&b, output, output_size);
		probe_run_finish(exec->run,
		                 exit_code == 0 ? PROBE_OUTCOME_SUCCESS : PROBE_OUTCOME_FAILURE,
		                 probe_buf_str(&b));
		break;
	case PROBE_EXEC_TIMED_OUT:
		format_timeout(&b, exec->run->spec->command);
		probe_run_finish(exec->run, PROBE_OUTCOME_FAILURE, probe_buf_str(&b));
		break;
	default:
		probe_buf_puts(&b, isempty(error) ? "exec failed" : error);
		probe_run_finish(exec->run, PROBE_OUTCOME_ERROR, probe_buf_str(&b));
		break;
	}
	probe_buf_done(&b);
}

static int exec_start(ProbeRun *run) {
	const ProbeManagerConfig *c = &run->manager->config;
	ProbeExec *e;
	int r;

	if (!c->exec_ops || !c->exec_ops->start) {
		probe_run_finish(run, PROBE_OUTCOME_ERROR, "exec probes are not available");
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->run = run;
	run->handler_data = e;

	ProbeExecRequest req = {
		.container_id = run->container_id,
		.argv = run->spec->command,
		.timeout_usec = run->timeout_usec,
	};
	r = c->exec_ops->start(c->exec_userdata, e, &req);
	if (r < 0)
		return r;
	e->started = true;
	return 0;
}

static void exec_stop(ProbeRun *run) {
	const ProbeManagerConfig *c = &run->manager->config;
	ProbeExec *e = run->handler_data;

	if (!e)
		return;
	if (e->started && !e->completed && c->exec_ops->cancel)
		c->exec_ops->cancel(c->exec_userdata, e);
	free(e);
	run->handler_data = NULL;
}

const ProbeHandlerOps probe_handler_exec = {
	.kind = PROBE_KIND_EXEC,
	.start = exec_start,
	.stop = exec_stop,
};
