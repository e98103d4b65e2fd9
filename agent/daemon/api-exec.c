/* SPDX-License-Identifier: Apache-2.0 */
/*
 * POST /pods/{namespace}/{name}/exec  {"container": "app", "command": ["ls", "/"]}
 * Runs the command in the container through `skiff-monitor exec` (the same path as exec
 * probes) and streams its output back as frames, so stdout, stderr and the exit status arrive
 * separately over one HTTP reply:
 *   <kind:1 byte 'o'|'e'|'x'> <length: 4 bytes big endian> <payload>
 * 'x' carries the exit status as decimal text and ends the stream. A client that goes away
 * kills the command.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "daemon.h"
#include "exec-frame.h"
#include "pod-worker.h"
#include "runtime.h"

#define EXEC_MAX_ARGS 1024

typedef struct ExecStream {
	HttpStream *stream;
	pid_t pid;
	int pidfd, out_fd, err_fd;
	sd_event_source *out_source, *err_source, *exit_source;
	bool exited;
	int status;
} ExecStream;

static void exec_free(ExecStream *e) {
	sd_event_source_disable_unref(e->out_source);
	sd_event_source_disable_unref(e->err_source);
	sd_event_source_disable_unref(e->exit_source);
	if (e->pidfd >= 0 && !e->exited) {
		siginfo_t si;
		(void)syscall(SYS_pidfd_send_signal, e->pidfd, SIGKILL, NULL, 0);
		(void)waitid(P_PIDFD, (id_t)e->pidfd, &si, WEXITED);
	}
	safe_close(e->pidfd);
	safe_close(e->out_fd);
	safe_close(e->err_fd);
	free(e);
}

static void frame(ExecStream *e, char kind, const void *data, size_t len) {
	uint8_t hdr[EXEC_FRAME_HEADER];
	exec_frame_header(hdr, kind, (uint32_t)len);
	if (!e->stream)
		return;
	/* slow readers lose output rather than growing the agent's memory */
	if (http_stream_space(e->stream) < len + sizeof(hdr))
		return;
	(void)http_stream_write(e->stream, hdr, sizeof(hdr));
	(void)http_stream_write(e->stream, data, len);
}

static bool pump(ExecStream *e, int fd, char kind) {
	char buf[16384];
	for (;;) {
		ssize_t k = read(fd, buf, sizeof(buf));
		if (k > 0) {
			frame(e, kind, buf, (size_t)k);
			continue;
		}
		return k == 0; /* EOF */
	}
}

static void maybe_finish(ExecStream *e) {
	char text[16];
	if (!e->exited || e->out_source || e->err_source || !e->stream)
		return;
	int n = snprintf(text, sizeof(text), "%d", e->status);
	frame(e, 'x', text, (size_t)n);
	http_stream_close(e->stream);
}

static int on_out(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	ExecStream *e = userdata;
	bool stdout_ = s == e->out_source;
	if (pump(e, fd, stdout_ ? 'o' : 'e') || (revents & (EPOLLHUP | EPOLLERR))) {
		if (stdout_)
			e->out_source = sd_event_source_disable_unref(e->out_source);
		else
			e->err_source = sd_event_source_disable_unref(e->err_source);
		maybe_finish(e);
	}
	return 0;
}

static int on_exec_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	ExecStream *e = userdata;
	siginfo_t si = {};
	if (waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return 0;
	e->exited = true;
	e->status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	e->exit_source = sd_event_source_disable_unref(e->exit_source);
	maybe_finish(e);
	return 0;
}

static void on_closed(HttpStream *stream, HttpStreamEnd end, void *userdata) {
	ExecStream *e = userdata;
	e->stream = NULL;
	exec_free(e);
}

static const HttpStreamCallbacks callbacks = { .closed = on_closed };

static int parse_body(HttpRequest *req, char **ret_container, char ***ret_argv) {
	json_object *o = NULL, *cmd, *c;
	int r = http_request_body_json(req, &o);
	if (r < 0)
		return r;
	cmd = json_object_object_get(o, "command");
	c = json_object_object_get(o, "container");
	size_t n = cmd && json_object_is_type(cmd, json_type_array) ? json_object_array_length(cmd)
	                                                            : 0;
	if (n == 0 || n > EXEC_MAX_ARGS) {
		json_object_put(o);
		return -EINVAL;
	}
	char **argv = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; argv && i < n; i++) {
		json_object *a = json_object_array_get_idx(cmd, i);
		if (!json_object_is_type(a, json_type_string) ||
		    !(argv[i] = strdup(json_object_get_string(a)))) {
			strv_free(argv);
			argv = NULL;
		}
	}
	*ret_container = c && json_object_is_type(c, json_type_string)
	                         ? strdup(json_object_get_string(c))
	                         : NULL;
	json_object_put(o);
	if (!argv)
		return -EINVAL;
	*ret_argv = argv;
	return 0;
}

int daemon_api_exec_route(HttpRequest *req, void *userdata) {
	Daemon *d = userdata;
	PodWorker *w = daemon_find_pod(d, req);
	_cleanup_free_ char *container = NULL, *dir = NULL;
	_cleanup_strv_free_ char **argv = NULL;
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	ContainerRun *c = NULL;
	int r;

	if (!w)
		return http_reply_not_found(req, "pods", http_request_param(req, "name"));
	if (parse_body(req, &container, &argv) < 0)
		return http_reply_status(
		        req, 400, "BadRequest",
		        "the body must be {\"container\": NAME, \"command\": [...]}");
	if (isempty(container)) {
		if (w->pod->spec.n_containers != 1)
			return http_reply_status(req, 400, "BadRequest",
			                         "a container name must be specified for pod %s",
			                         w->pod->metadata.name);
		c = &w->regular[0];
	} else if (!(c = pod_worker_find_container(w, container)))
		return http_reply_status(req, 400, "BadRequest",
		                         "container %s is not valid for pod %s", container,
		                         w->pod->metadata.name);
	if (c->state != RUN_RUNNING)
		return http_reply_status(
		        req, 400, "BadRequest",
		        "unable to upgrade connection: container not found (\"%s\")",
		        c->spec->name);
	if (asprintf(&dir, "%s/%s", d->kubelet->containers_state_dir, c->id) < 0)
		return -ENOMEM;
	if (pipe2(out, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(err, O_CLOEXEC | O_NONBLOCK) < 0) {
		safe_close(out[0]);
		safe_close(out[1]);
		return negative_errno();
	}
	ExecStream *e = calloc(1, sizeof(ExecStream));
	if (!e) {
		safe_close(out[0]);
		safe_close(out[1]);
		safe_close(err[0]);
		safe_close(err[1]);
		return -ENOMEM;
	}
	e->pidfd = -EBADF;
	e->out_fd = out[0];
	e->err_fd = err[0];
	ExecOptions o = { .argv = argv, .stdin_fd = -1, .stdout_fd = out[1], .stderr_fd = err[1] };
	r = runtime_exec_spawn(dir, &o, &e->pid, &e->pidfd);
	safe_close(out[1]);
	safe_close(err[1]);
	if (r < 0) {
		exec_free(e);
		return http_reply_status(req, 500, NULL, "exec in container %s: %s", c->spec->name,
		                         strerror(-r));
	}
	sd_event *ev = d->event;
	if ((r = sd_event_add_io(ev, &e->out_source, e->out_fd, EPOLLIN, on_out, e)) < 0 ||
	    (r = sd_event_add_io(ev, &e->err_source, e->err_fd, EPOLLIN, on_out, e)) < 0 ||
	    (r = sd_event_add_io(ev, &e->exit_source, e->pidfd, EPOLLIN, on_exec_exit, e)) < 0) {
		exec_free(e);
		return r;
	}
	(void)sd_event_source_set_priority(e->exit_source, SD_EVENT_PRIORITY_NORMAL + 1);
	r = http_reply_stream(req, 200, "application/vnd.skiff.exec", &callbacks, e, &e->stream);
	if (r < 0) {
		exec_free(e);
		return r;
	}
	return 0;
}
