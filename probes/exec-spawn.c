/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run an argv without blocking the loop: posix_spawn (vfork+exec: safe in a process whose libcurl
 * resolver has threads, STYLE.md §6), output through a pipe on an io source, the timeout on a
 * time source (SIGKILL to the process group), the exit through a pidfd io source and
 * waitid(P_PIDFD): no SIGCHLD handling needed.
 */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/queue.h>
#include <sys/wait.h>
#include <time.h>

#include "probes.h"
#include "strbuf.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

struct ProbeSpawner {
	sd_event *event;
	LIST_HEAD(, ProbeSpawn) spawns;
};

struct ProbeSpawn {
	ProbeSpawner *spawner;
	pid_t pid;
	int pidfd;
	int out_fd;
	sd_event_source *exit_source;
	sd_event_source *out_source;
	sd_event_source *timer;
	ProbeBuf output;
	probe_spawn_done_t done; /* NULL once nobody waits (timed out, cancelled) */
	void *userdata;
	LIST_ENTRY(ProbeSpawn) link;
};

static void spawn_free(ProbeSpawn *s) {
	if (!s)
		return;
	LIST_REMOVE(s, link);
	sd_event_source_disable_unref(s->exit_source);
	sd_event_source_disable_unref(s->out_source);
	sd_event_source_disable_unref(s->timer);
	safe_close(s->pidfd);
	safe_close(s->out_fd);
	probe_buf_done(&s->output);
	free(s);
}

static void spawn_kill(ProbeSpawn *s) {
	/* The process is not reaped yet, so neither its pid nor its group id can be reused. */
	if (s->pid > 0) {
		(void)kill(-s->pid, SIGKILL);
		if (s->pidfd >= 0)
			(void)pidfd_send_signal(s->pidfd, SIGKILL, NULL, 0);
		else
			(void)kill(s->pid, SIGKILL);
	}
}

/* Read what the pipe has now; returns false at EOF or on error. Beyond the cap, output is read
 * and dropped so that the command never blocks on a full pipe. */
static bool spawn_read(ProbeSpawn *s) {
	char buf[4096];

	for (unsigned i = 0; i < 64; i++) {
		ssize_t k = read(s->out_fd, buf, sizeof(buf));
		if (k < 0)
			return errno == EAGAIN || errno == EINTR;
		if (k == 0)
			return false;
		probe_buf_append(&s->output, buf, (size_t)k);
	}
	return true;
}

static int on_output(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
	ProbeSpawn *s = userdata;

	if (!spawn_read(s)) {
		s->out_source = sd_event_source_disable_unref(s->out_source);
		s->out_fd = safe_close(s->out_fd);
	}
	return 0;
}

static void spawn_deliver(ProbeSpawn *s, ProbeExecStatus status, int exit_code) {
	probe_spawn_done_t done = s->done;
	ProbeSpawnResult r = {
		.status = status,
		.exit_code = exit_code,
		.output = probe_buf_str(&s->output),
		.output_size = s->output.len,
	};

	s->done = NULL;
	if (done)
		done(s, &r, s->userdata);
}

static void spawn_exited(ProbeSpawn *s, const siginfo_t *si) {
	int code;

	s->pid = 0;
	if (s->out_fd >= 0)
		(void)spawn_read(s); /* what is left in the pipe; a grandchild may hold it open */
	code = si->si_code == CLD_EXITED ? si->si_status : 128 + si->si_status;
	spawn_deliver(s, PROBE_EXEC_EXITED, code);
	spawn_free(s);
}

static int on_exit_ready(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
	ProbeSpawn *s = userdata;
	siginfo_t si = { 0 };

	if (waitid((idtype_t)P_PIDFD, (id_t)s->pidfd, &si, WEXITED | WNOHANG) < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		/* ECHILD: someone else reaped it (SIGCHLD set to SIG_IGN?); it is gone anyway */
	} else if (si.si_pid == 0)
		return 0; /* not yet */
	spawn_exited(s, &si);
	return 0;
}

/* Without pidfds (old kernels, valgrind): sd-event's child source, which reaps the child
 * itself; it needs SIGCHLD blocked, as the agent has it. */
static int on_child_exit(sd_event_source *src, const siginfo_t *si, void *userdata) {
	spawn_exited(userdata, si);
	return 0;
}

static int on_timeout(sd_event_source *src, uint64_t usec, void *userdata) {
	ProbeSpawn *s = userdata;

	s->timer = sd_event_source_disable_unref(s->timer);
	spawn_kill(s);
	/* Answer now; the spawner reaps the process whenever it goes (even a D-state one). */
	spawn_deliver(s, PROBE_EXEC_TIMED_OUT, -1);
	return 0;
}

int probe_spawner_new(sd_event *event, ProbeSpawner **ret) {
	ProbeSpawner *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->event = sd_event_ref(event);
	LIST_INIT(&s->spawns);
	*ret = s;
	return 0;
}

ProbeSpawner *probe_spawner_free(ProbeSpawner *s) {
	if (!s)
		return NULL;
	while (!LIST_EMPTY(&s->spawns)) {
		ProbeSpawn *p = LIST_FIRST(&s->spawns);
		siginfo_t si = { 0 };
		spawn_kill(p);
		if (p->pidfd >= 0)
			(void)waitid((idtype_t)P_PIDFD, (id_t)p->pidfd, &si, WEXITED | WNOHANG);
		else if (p->pid > 0)
			(void)waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG);
		spawn_free(p);
	}
	sd_event_unref(s->event);
	free(s);
	return NULL;
}

static int spawn_process(ProbeSpawn *s, const char *const *argv, int out_w) {
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, defaults;
	int r;

	sigemptyset(&none);
	sigfillset(&defaults);
	sigdelset(&defaults, SIGKILL);
	sigdelset(&defaults, SIGSTOP);
	if (posix_spawn_file_actions_init(&fa) != 0)
		return -ENOMEM;
	if (posix_spawnattr_init(&attr) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -ENOMEM;
	}
	r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (r == 0)
		r = posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	if (r == 0)
		r = posix_spawn_file_actions_adddup2(&fa, out_w, 2);
	if (r == 0)
		r = posix_spawnattr_setsigmask(&attr, &none);
	if (r == 0)
		r = posix_spawnattr_setsigdefault(&attr, &defaults);
	if (r == 0)
		r = posix_spawnattr_setpgroup(&attr, 0);
	if (r == 0)
		r = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
		                                            POSIX_SPAWN_SETPGROUP);
	if (r == 0)
		r = (strchr(argv[0], '/') ? posix_spawn : posix_spawnp)(
		        &s->pid, argv[0], &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return -r;
}

static int spawn_watch(ProbeSpawn *s, uint64_t timeout_usec) {
	sd_event *e = s->spawner->event;
	uint64_t now;
	int r;

	s->pidfd = pidfd_open(s->pid, 0);
	if (s->pidfd >= 0)
		r = sd_event_add_io(e, &s->exit_source, s->pidfd, EPOLLIN, on_exit_ready, s);
	else
		r = sd_event_add_child(e, &s->exit_source, s->pid, WEXITED, on_child_exit, s);
	if (r < 0)
		return r;
	sd_event_source_set_description(s->exit_source, "probe-exec-exit");
	r = sd_event_add_io(e, &s->out_source, s->out_fd, EPOLLIN, on_output, s);
	if (r < 0)
		return r;
	sd_event_source_set_description(s->out_source, "probe-exec-output");
	if (timeout_usec == 0)
		return 0;
	r = sd_event_now(e, CLOCK_MONOTONIC, &now);
	if (r < 0)
		return r;
	r = sd_event_add_time(e, &s->timer, CLOCK_MONOTONIC, now + timeout_usec, 1000, on_timeout,
	                      s);
	if (r < 0)
		return r;
	sd_event_source_set_description(s->timer, "probe-exec-timeout");
	return 0;
}

int probe_spawn(ProbeSpawner *sp, const char *const *argv, uint64_t timeout_usec,
                probe_spawn_done_t done, void *userdata, ProbeSpawn **ret) {
	_cleanup_close_ int out_w = -EBADF;
	int pipefd[2];
	ProbeSpawn *s;
	int r;

	if (!sp || !argv || isempty(argv[0]) || !done)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->spawner = sp;
	s->pidfd = s->out_fd = -EBADF;
	s->done = done;
	s->userdata = userdata;
	probe_buf_init(&s->output, PROBE_OUTPUT_MAX);
	LIST_INSERT_HEAD(&sp->spawns, s, link);

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		r = negative_errno();
		spawn_free(s);
		return r;
	}
	s->out_fd = pipefd[0];
	out_w = pipefd[1];
	/* only our end is non-blocking: the two ends are separate open file descriptions */
	if (fcntl(s->out_fd, F_SETFL, O_NONBLOCK) < 0) {
		r = negative_errno();
		spawn_free(s);
		return r;
	}
	r = spawn_process(s, argv, out_w);
	if (r < 0) {
		spawn_free(s);
		return r;
	}
	out_w = safe_close(out_w);
	r = spawn_watch(s, timeout_usec);
	if (r < 0) {
		pid_t s_pid = s->pid;
		/* cannot watch it: do not leave it running; the zombie goes with the spawner */
		s->done = NULL;
		spawn_kill(s);
		spawn_free(s);
		(void)waitpid(s_pid, NULL, 0); /* just killed: returns at once */
		return r;
	}
	if (ret)
		*ret = s;
	return 0;
}

void probe_spawn_cancel(ProbeSpawn *s) {
	if (!s)
		return;
	s->done = NULL;
	s->timer = sd_event_source_disable_unref(s->timer);
	spawn_kill(s);
}

/* ---- ProbeExecOps on the host ---- */

static void host_done(ProbeSpawn *s, const ProbeSpawnResult *r, void *userdata) {
	ProbeExec *e = userdata;

	probe_exec_set_data(e, NULL);
	probe_exec_complete(e, r->status, r->exit_code, r->output, r->output_size, r->error);
}

static int host_start(void *userdata, ProbeExec *e, const ProbeExecRequest *req) {
	ProbeSpawn *s = NULL;
	int r;

	uint64_t t = req->timeout_usec == PROBE_TIMEOUT_NONE ? 0 : req->timeout_usec;
	r = probe_spawn(userdata, req->argv, t, host_done, e, &s);
	if (r < 0)
		return r;
	probe_exec_set_data(e, s);
	return 0;
}

static void host_cancel(void *userdata, ProbeExec *e) {
	probe_spawn_cancel(probe_exec_get_data(e));
	probe_exec_set_data(e, NULL);
}

const ProbeExecOps probe_exec_ops_host = {
	.start = host_start,
	.cancel = host_cancel,
};
