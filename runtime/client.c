/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's side: spawn monitors (posix_spawn, never a fork of the agent), read what they
 * report and record, signal containers safely, remove what is left.
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "config.h"
#include "fileio.h"
#include "util.h"

#define NOTIFY_MAX 1024
#define REMOVE_EXIT_TIMEOUT_MS 5000

extern char **environ;

void runtime_monitor_close(RuntimeMonitor *m) {
	if (!m)
		return;
	m->pidfd = safe_close(m->pidfd);
	m->notify_fd = safe_close(m->notify_fd);
}

static bool executable(const char *p) {
	return p && access(p, X_OK) == 0;
}

int runtime_monitor_path(char **ret) {
	const char *env = getenv("SKIFF_MONITOR");
	char self[PATH_MAX];
	char *p = NULL;

	if (!isempty(env)) {
		if (!executable(env))
			return -ENOENT;
		p = strdup(env);
		goto done;
	}
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l > 0) {
		self[l] = 0;
		if (asprintf(&p, "%s/skiff-monitor", dirname(self)) < 0)
			return -ENOMEM;
		if (executable(p))
			goto done;
		free(p);
		p = NULL;
	}
	if (executable(SKIFF_LIBEXECDIR "/skiff-monitor"))
		p = strdup(SKIFF_LIBEXECDIR "/skiff-monitor");
	else if (executable(SKIFF_BUILDDIR "/runtime/skiff-monitor"))
		p = strdup(SKIFF_BUILDDIR "/runtime/skiff-monitor");
	else
		return -ENOENT;
done:
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}

/* posix_spawn the monitor: notify_w becomes fd 3, stdio as given (-1: /dev/null). The agent's
 * blocked signals and handlers are reset (sd-event blocks many). */
static int spawn(char *const argv[], int notify_w, const int stdio[3], pid_t *ret) {
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	for (int i = 0; i < 3; i++) {
		if (stdio && stdio[i] >= 0)
			posix_spawn_file_actions_adddup2(&fa, stdio[i], i);
		else
			posix_spawn_file_actions_addopen(&fa, i, "/dev/null",
			                                 i == 0 ? O_RDONLY : O_WRONLY, 0);
	}
	if (notify_w >= 0)
		posix_spawn_file_actions_adddup2(&fa, notify_w, 3);
	r = -posix_spawn(ret, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return r;
}

/* Spawn `skiff-monitor <mode> DIR --notify-fd 3`; returns the read end of the notify pipe. */
static int spawn_notifying(const char *mode, const char *dir, pid_t *ret_pid, int *ret_notify) {
	_cleanup_free_ char *path = NULL;
	int p[2], r;

	r = runtime_monitor_path(&path);
	if (r < 0)
		return r;
	if (pipe2(p, O_CLOEXEC) < 0)
		return negative_errno();
	char *argv[] = {
		path, (char *)mode, (char *)dir, (char *)"--notify-fd", (char *)"3", NULL
	};
	r = spawn(argv, p[1], NULL, ret_pid);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return r;
	}
	*ret_notify = p[0];
	return 0;
}

int runtime_container_spawn(const char *dir, RuntimeMonitor *ret) {
	RuntimeMonitor m = { .pidfd = -EBADF, .notify_fd = -EBADF };
	int r = spawn_notifying("start", dir, &m.pid, &m.notify_fd);
	if (r < 0)
		return r;
	/* Our unreaped child: its pid cannot be recycled before we open the pidfd. */
	m.pidfd = pidfd_open(m.pid, 0);
	if (m.pidfd < 0) {
		r = negative_errno();
		runtime_monitor_close(&m);
		return r;
	}
	*ret = m;
	return 0;
}

int runtime_notify_parse(const char *text, size_t len, pid_t *ret_pid, RuntimeError *error) {
	char buf[NOTIFY_MAX + 1];
	len = MIN(len, (size_t)NOTIFY_MAX);
	memcpy(buf, text, len);
	buf[len] = 0;
	buf[strcspn(buf, "\n")] = 0;

	if (ret_pid)
		*ret_pid = 0;
	if (streq(buf, "ok"))
		return 0;
	if (startswith(buf, "started ")) {
		char *end;
		errno = 0;
		long pid = strtol(buf + 8, &end, 10);
		if (errno || *end || pid <= 0 || pid > INT32_MAX)
			return runtime_error(error, EBADMSG, "monitor: malformed \"%s\"", buf);
		if (ret_pid)
			*ret_pid = (pid_t)pid;
		return (int)pid;
	}
	if (startswith(buf, "error ")) {
		char *end;
		errno = 0;
		long err = strtol(buf + 6, &end, 10);
		if (errno || *end != ' ' || err <= 0 || err > 4095)
			return runtime_error(error, EBADMSG, "monitor: malformed \"%s\"", buf);
		if (error) {
			error->err = (int)err;
			snprintf(error->message, sizeof(error->message), "%s", end + 1);
		}
		return -(int)err;
	}
	if (buf[0] == 0)
		return runtime_error(error, EPIPE, "the monitor exited without reporting");
	return runtime_error(error, EBADMSG, "monitor: malformed \"%s\"", buf);
}

int runtime_notify_read(int notify_fd, pid_t *ret_pid, RuntimeError *error) {
	char buf[NOTIFY_MAX];
	size_t n = 0;
	while (n < sizeof(buf)) {
		ssize_t k = read(notify_fd, buf + n, sizeof(buf) - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return runtime_error(error, errno, "read the monitor's report");
		if (k == 0)
			break;
		n += (size_t)k;
	}
	return runtime_notify_parse(buf, n, ret_pid, error);
}

int runtime_container_start(const char *dir, RuntimeMonitor *ret, pid_t *ret_pid,
                            RuntimeError *error) {
	RuntimeMonitor m;
	int r = runtime_container_spawn(dir, &m);
	if (r < 0)
		return runtime_error(error, -r, "spawn skiff-monitor");
	r = runtime_notify_read(m.notify_fd, ret_pid, error);
	m.notify_fd = safe_close(m.notify_fd);
	*ret = m;
	return r < 0 ? r : 0;
}

int runtime_monitor_open(const char *dir, int *ret_pidfd) {
	ContainerState s = {};
	int r = container_state_read(dir, &s);
	if (r >= 0)
		r = pidfd_open_checked(s.monitor_pid, s.monitor_start_time, ret_pidfd);
	container_state_done(&s);
	return r;
}

int runtime_container_signal(const char *dir, int sig) {
	ContainerState s = {};
	int fd = -EBADF;
	int r = container_state_read(dir, &s);
	if (r == -ENOENT)
		r = -ESRCH;
	if (r >= 0)
		r = pidfd_open_checked(s.pid, s.start_time, &fd);
	container_state_done(&s);
	if (r < 0)
		return r;
	r = pidfd_send_signal(fd, sig, NULL, 0) < 0 ? negative_errno() : 0;
	close(fd);
	return r;
}

static void kill_and_wait(int pidfd) {
	struct pollfd p = { pidfd, POLLIN, 0 };
	(void)pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
	(void)poll(&p, 1, REMOVE_EXIT_TIMEOUT_MS);
}

int runtime_container_remove(const char *dir) {
	ContainerState s = {};
	ContainerConfig c = {};
	Diag d = {};
	int fd, r;

	if (access(dir, F_OK) < 0)
		return 0;
	r = runtime_monitor_open(dir, &fd);
	if (r >= 0) {
		/* a pidfd polls readable once the process exited: an unreaped monitor (a zombie
		 * of a previous agent, not reaped by its new parent yet) is gone too */
		struct pollfd p = { .fd = fd, .events = POLLIN };
		bool exited = poll(&p, 1, 0) > 0;
		close(fd);
		if (!exited)
			return -EBUSY;
	}
	/* The monitor is gone (it ended, or was killed): its container may still run. */
	if (container_state_read(dir, &s) >= 0 &&
	    pidfd_open_checked(s.pid, s.start_time, &fd) >= 0) {
		kill_and_wait(fd);
		close(fd);
	}
	container_state_done(&s);
	if (container_config_load(dir, &c, &d) >= 0 && c.cgroup_path && cgroups_init() >= 0) {
		if (cgroup_is_populated(c.cgroup_path) > 0) {
			(void)cgroup_kill(c.cgroup_path);
			(void)cgroup_wait_empty(c.cgroup_path, REMOVE_EXIT_TIMEOUT_MS);
		}
		r = cgroup_destroy(c.cgroup_path);
		if (r < 0 && r != -ENOENT) {
			container_config_done(&c);
			diag_clear(&d);
			return r;
		}
	}
	container_config_done(&c);
	diag_clear(&d);
	return rm_rf(dir);
}

/* A pidfd of our fresh, unreaped child (its pid cannot be recycled meanwhile); on failure the
 * child is reaped. */
static int take_pidfd(pid_t pid, pid_t *ret_pid, int *ret_pidfd) {
	int fd = pidfd_open(pid, 0);
	if (fd < 0) {
		int r = negative_errno();
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return r;
	}
	*ret_pid = pid;
	*ret_pidfd = fd;
	return 0;
}

int runtime_exec_spawn(const char *dir, const ExecOptions *o, pid_t *ret_pid, int *ret_pidfd) {
	_cleanup_free_ char *path = NULL;
	_cleanup_strv_free_ char **argv = NULL;
	char timeout[32];
	pid_t pid;
	int r;

	if (strv_length(o->argv) == 0)
		return -EINVAL;
	r = runtime_monitor_path(&path);
	if (r < 0)
		return r;
	if (strv_extend(&argv, path) < 0 || strv_extend(&argv, "exec") < 0 ||
	    strv_extend(&argv, dir) < 0)
		return -ENOMEM;
	if (o->timeout_ms) {
		snprintf(timeout, sizeof(timeout), "%llu", (unsigned long long)o->timeout_ms);
		if (strv_extend(&argv, "--timeout") < 0 || strv_extend(&argv, timeout) < 0)
			return -ENOMEM;
	}
	STRV_FOREACH (e, o->env)
		if (strv_extend(&argv, "--env") < 0 || strv_extend(&argv, *e) < 0)
			return -ENOMEM;
	if (strv_extend(&argv, "--") < 0)
		return -ENOMEM;
	STRV_FOREACH (a, o->argv)
		if (strv_extend(&argv, *a) < 0)
			return -ENOMEM;
	int stdio[3] = { o->stdin_fd, o->stdout_fd, o->stderr_fd };
	r = spawn(argv, -1, stdio, &pid);
	return r < 0 ? r : take_pidfd(pid, ret_pid, ret_pidfd);
}

/* `skiff-monitor <mode> DIR`, returning at once. A failing helper leaves its report ("error
 * <errno> <message>") in DIR/sandbox-error; one left by an earlier attempt goes first. */
static int spawn_sandbox_helper(const char *mode, const char *dir, pid_t *ret_pid, int *ret_pidfd) {
	_cleanup_free_ char *path = NULL, *report = NULL;
	pid_t pid;
	int r = runtime_monitor_path(&path);

	if (r < 0)
		return r;
	if (asprintf(&report, "%s/" RUNTIME_SANDBOX_ERROR_FILE, dir) < 0)
		return -ENOMEM;
	if (unlink(report) < 0 && errno != ENOENT && errno != ENOTDIR)
		return negative_errno();
	char *argv[] = { path, (char *)mode, (char *)dir, NULL };
	r = spawn(argv, -1, NULL, &pid);
	return r < 0 ? r : take_pidfd(pid, ret_pid, ret_pidfd);
}

int runtime_sandbox_spawn(const char *dir, const SandboxConfig *c, pid_t *ret_pid, int *ret_pidfd) {
	_cleanup_free_ char *json = NULL, *path = NULL;
	int r = mkdir_p(dir, 0755);

	if (r < 0)
		return r;
	r = sandbox_config_to_json(c, &json);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/sandbox.json", dir) < 0)
		return -ENOMEM;
	r = write_file_atomic(path, json, strlen(json), 0644);
	if (r < 0)
		return r;
	return spawn_sandbox_helper("sandbox-create", dir, ret_pid, ret_pidfd);
}

int runtime_sandbox_destroy_spawn(const char *dir, pid_t *ret_pid, int *ret_pidfd) {
	return spawn_sandbox_helper("sandbox-destroy", dir, ret_pid, ret_pidfd);
}

int runtime_sandbox_result(const char *dir, int status, RuntimeError *error) {
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t n;

	if (status == 0)
		return 0;
	/* Killed (128 + signal): whatever report is there is not from this run's end. */
	if (status < 128 && asprintf(&path, "%s/" RUNTIME_SANDBOX_ERROR_FILE, dir) >= 0 &&
	    read_full_file(path, NOTIFY_MAX, &data, &n) >= 0) {
		RuntimeError e = {};
		int r = startswith(data, "error ") ? runtime_notify_parse(data, n, NULL, &e) : 0;
		if (r < 0) {
			if (error)
				*error = e;
			return r;
		}
	}
	if (status > 128)
		return runtime_error(error, EIO, "the sandbox helper was killed by signal %d",
		                     status - 128);
	return runtime_error(error, EIO, "the sandbox helper failed (exit status %d)", status);
}

/* Run a sandbox helper to its end (the CLI, tests). */
static int run_to_end(const char *dir, const SandboxConfig *c, RuntimeError *error) {
	const char *mode = c ? "sandbox-create" : "sandbox-destroy";
	siginfo_t si = {};
	pid_t pid;
	int pidfd, r;

	r = c ? runtime_sandbox_spawn(dir, c, &pid, &pidfd)
	      : runtime_sandbox_destroy_spawn(dir, &pid, &pidfd);
	if (r < 0)
		return runtime_error(error, -r, "skiff-monitor %s %s", mode, dir);
	while ((r = waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED)) < 0 && errno == EINTR)
		;
	if (r < 0)
		r = runtime_error(error, errno, "wait for skiff-monitor %s", mode);
	close(pidfd);
	if (r < 0)
		return r;
	return runtime_sandbox_result(
	        dir, si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status, error);
}

int runtime_sandbox_create(const char *dir, const SandboxConfig *c, RuntimeError *error) {
	return run_to_end(dir, c, error);
}

int runtime_sandbox_destroy(const char *dir, RuntimeError *error) {
	if (access(dir, F_OK) < 0)
		return 0;
	return run_to_end(dir, NULL, error);
}
