/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "container-exec.h"
#include "macro.h"
#include "runtime.h"

struct ExecRun {
	pid_t pid;
	int pidfd, out_fd;
	sd_event_source *out_source, *exit_source;
	char *buf;
	size_t size, max;
	exec_done_t done;
	void *userdata;
};

static void run_free(ExecRun *r) {
	if (!r)
		return;
	sd_event_source_disable_unref(r->out_source);
	sd_event_source_disable_unref(r->exit_source);
	safe_close(r->out_fd);
	safe_close(r->pidfd);
	free(r->buf);
	free(r);
}

static void drain(ExecRun *r) {
	char tmp[4096];
	for (;;) {
		ssize_t k = read(r->out_fd, tmp, sizeof(tmp));
		if (k <= 0)
			break;
		size_t take = MIN((size_t)k, r->max - r->size);
		if (take > 0) {
			memcpy(r->buf + r->size, tmp, take);
			r->size += take;
			r->buf[r->size] = 0;
		}
	}
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	ExecRun *r = userdata;
	drain(r);
	if (revents & (EPOLLHUP | EPOLLERR))
		r->out_source = sd_event_source_disable_unref(r->out_source);
	return 0;
}

static int on_exec_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	ExecRun *r = userdata;
	siginfo_t si = {};
	ExecResult res = {};

	if (waitid(P_PIDFD, (id_t)r->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return 0;
	drain(r);
	if (si.si_code == CLD_EXITED)
		res.exit_code = si.si_status;
	else
		res.exit_code = 128 + si.si_status;
	res.timed_out = si.si_code == CLD_EXITED && si.si_status == RUNTIME_EXEC_TIMEOUT_STATUS;
	res.output = r->buf;
	res.output_size = r->size;
	r->done(r, &res, r->userdata);
	run_free(r);
	return 0;
}

int container_exec_start(sd_event *event, const char *dir, char *const *argv, uint64_t timeout_usec,
                         size_t max_output, exec_done_t done, void *userdata, ExecRun **ret) {
	ExecRun *r = calloc(1, sizeof(ExecRun));
	int pipefd[2] = { -1, -1 };
	int q;

	if (!r)
		return -ENOMEM;
	r->pidfd = r->out_fd = -EBADF;
	r->max = max_output;
	r->done = done;
	r->userdata = userdata;
	if (!(r->buf = calloc(1, max_output + 1))) {
		run_free(r);
		return -ENOMEM;
	}
	if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0) {
		run_free(r);
		return negative_errno();
	}
	r->out_fd = pipefd[0];
	ExecOptions o = {
		.argv = (char **)argv,
		.timeout_ms = (timeout_usec + 999) / 1000,
		.stdin_fd = -1,
		.stdout_fd = pipefd[1],
		.stderr_fd = pipefd[1],
	};
	q = runtime_exec_spawn(dir, &o, &r->pid, &r->pidfd);
	safe_close(pipefd[1]);
	if (q < 0) {
		run_free(r);
		return q;
	}
	if ((q = sd_event_add_io(event, &r->out_source, r->out_fd, EPOLLIN, on_output, r)) < 0 ||
	    (q = sd_event_add_io(event, &r->exit_source, r->pidfd, EPOLLIN, on_exec_exit, r)) < 0) {
		container_exec_cancel(r);
		return q;
	}
	(void)sd_event_source_set_description(r->out_source, "exec-output");
	(void)sd_event_source_set_description(r->exit_source, "exec-exit");
	/* the output drains before the exit is handled */
	(void)sd_event_source_set_priority(r->exit_source, SD_EVENT_PRIORITY_NORMAL + 1);
	if (ret)
		*ret = r;
	return 0;
}

void container_exec_cancel(ExecRun *r) {
	siginfo_t si;
	if (!r)
		return;
	if (r->pidfd >= 0) {
		(void)syscall(SYS_pidfd_send_signal, r->pidfd, SIGKILL, NULL, 0);
		/* the exec monitor dies at once; reap it so no zombie stays */
		(void)waitid(P_PIDFD, (id_t)r->pidfd, &si, WEXITED);
	}
	run_free(r);
}
