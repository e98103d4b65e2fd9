/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff-monitor: one small, fresh, single-threaded process per container (or exec, or sandbox
 * operation). The agent spawns it with posix_spawn; it never runs in a forked copy of the
 * agent (whose threads would make that unsafe).
 *
 *   skiff-monitor run DIR                      build, wait, record; stdio passed through
 *   skiff-monitor start DIR [--notify-fd N]    detached: report "started <pid>" on fd N
 *   skiff-monitor exec DIR [--timeout MS] [--env K=V]... [--tty no] -- CMD [ARG...]
 *   skiff-monitor sandbox-create DIR [--notify-fd N]
 *   skiff-monitor sandbox-destroy DIR
 *   skiff-monitor pod-init                     (internal: a pod's shared pid namespace's init)
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>

#include "config.h"
#include "monitor.h"
#include "util.h"

void monitor_notify(int *fd, const char *line) {
	if (*fd < 0)
		return;
	(void)fd_write_all(*fd, line, strlen(line));
	*fd = safe_close(*fd);
}

void monitor_notify_error(int *fd, const RuntimeError *e) {
	char buf[RUNTIME_MAX_MESSAGE + 32];
	snprintf(buf, sizeof(buf), "error %d %s\n", e->err > 0 ? e->err : EIO, e->message);
	monitor_notify(fd, buf);
}

static int usage(void) {
	fprintf(stderr,
	        "skiff-monitor %s\n"
	        "usage: skiff-monitor run DIR\n"
	        "       skiff-monitor start DIR [--notify-fd N]\n"
	        "       skiff-monitor exec DIR [--timeout MS] [--env K=V]... [--tty no] -- CMD...\n"
	        "       skiff-monitor sandbox-create DIR [--notify-fd N]\n"
	        "       skiff-monitor sandbox-destroy DIR\n",
	        SKIFF_VERSION);
	return 2;
}

static int parse_fd(const char *s) {
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 3 || v > INT_MAX || fcntl((int)v, F_GETFD) < 0)
		return -EBADF;
	return (int)v;
}

static int parse_exec(int argc, char **argv, MonitorExecArgs *a) {
	_cleanup_strv_free_ char **env = NULL;
	int i = 3;

	*a = (MonitorExecArgs){ .dir = argv[2] };
	for (; i < argc; i++) {
		if (streq(argv[i], "--")) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			return -EINVAL;
		if (streq(argv[i], "--timeout")) {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(argv[++i], &end, 10);
			if (errno || *end)
				return -EINVAL;
			a->timeout_ms = v;
		} else if (streq(argv[i], "--env")) {
			if (!strchr(argv[++i], '=') || strv_extend(&env, argv[i]) < 0)
				return -EINVAL;
		} else if (streq(argv[i], "--tty")) {
			/* Only "no": an exec with a terminal is not supported yet. */
			if (!streq(argv[++i], "no"))
				return -EOPNOTSUPP;
		} else
			return -EINVAL;
	}
	if (i >= argc)
		return -EINVAL;
	a->argv = argv + i;
	a->env = TAKE_PTR(env);
	return 0;
}

/* Only the notify descriptor (if any) and stdio survive: the agent's descriptors are none of
 * the monitor's business (they are O_CLOEXEC there, this is the belt to those braces). */
static void close_inherited(int keep) {
	if (keep < 0) {
		(void)close_range(3, UINT_MAX, 0);
		return;
	}
	if (keep > 3)
		(void)close_range(3, (unsigned)keep - 1, 0);
	(void)close_range((unsigned)keep + 1, UINT_MAX, 0);
}

int main(int argc, char **argv) {
	int notify = -EBADF;

	/* The agent may have left SIGCHLD ignored (children then vanish without a status) or
	 * signals blocked (sd-event): start from the defaults. */
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	/* Internal: a detached monitor's image once its container runs (no fd closing: the
	 * descriptors it is handed are its whole state). Its signal mask is kept: a SIGTERM that
	 * came while it re-executed itself is pending, blocked, and must reach its signalfd, not
	 * the default action (which would end the monitor and lose the exit record). */
	if (argc >= 3 && streq(argv[1], "pump"))
		return monitor_pump(argc, argv);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (argc == 2 && streq(argv[1], "pod-init"))
		return monitor_pod_init();
	if (argc < 3)
		return usage();
	const char *mode = argv[1], *dir = argv[2];
	if (streq(mode, "exec")) {
		MonitorExecArgs a;
		int r = parse_exec(argc, argv, &a);
		if (r < 0)
			return usage();
		close_inherited(-1);
		r = monitor_exec(&a);
		strv_free(a.env);
		return r;
	}
	for (int i = 3; i < argc; i++) {
		if (streq(argv[i], "--notify-fd") && i + 1 < argc) {
			notify = parse_fd(argv[++i]);
			if (notify < 0)
				return usage();
		} else
			return usage();
	}
	close_inherited(notify);
	if (notify >= 0)
		(void)fcntl(notify, F_SETFD, FD_CLOEXEC);
	if (streq(mode, "run"))
		return monitor_run(dir, false, notify);
	if (streq(mode, "start"))
		return monitor_run(dir, true, notify);
	if (streq(mode, "sandbox-create"))
		return monitor_sandbox_create(dir, notify);
	if (streq(mode, "sandbox-destroy"))
		return monitor_sandbox_destroy(dir, notify);
	return usage();
}
