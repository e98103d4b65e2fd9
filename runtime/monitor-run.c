/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `run` and `start`: build the container, record it, pump its output into the CRI log, wait
 * for it, record the exit, clean up. Once the container runs, the monitor keeps only what it
 * still needs (paths, descriptors, the log's line buffers) and returns the rest to the kernel:
 * its footprint is what a node pays per container.
 */
#include <fcntl.h>
#include <link.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "container.h"
#include "cri-log.h"
#include "fileio.h"
#include "monitor.h"
#include "util.h"

#define PUMP_CHUNK 8192
#define DRAIN_TIMEOUT_MS 2000
#define CGROUP_EMPTY_TIMEOUT_MS 5000

typedef struct Monitor {
	const char *dir;
	bool detach;
	int notify_fd;
	char *exit_path;
	char *cgroup_path;
	bool cgroup_created;
	char *monitor_cgroup;       /* where the monitor moves once the container runs */
	char *monitor_cgroup_error; /* why it could not (recorded in state.json) */
	CriLog log;
	bool have_log;
	bool passthrough;           /* run mode with a log: the caller sees the output too */
	int pipes[_CRI_STREAM_MAX]; /* read ends */
	ContainerProcess proc;
	int64_t started_at;
	int sigfd;
	int64_t trace_t0; /* SKIFF_MONITOR_TRACE=1: phase timing on stderr */
	const char *id;
	bool state_written;
} Monitor;

static void monitor_done(Monitor *m) {
	free(m->exit_path);
	free(m->cgroup_path);
	free(m->monitor_cgroup);
	free(m->monitor_cgroup_error);
	if (m->have_log)
		cri_log_close(&m->log);
	for (int s = 0; s < _CRI_STREAM_MAX; s++)
		safe_close(m->pipes[s]);
	safe_close(m->proc.pidfd);
	safe_close(m->sigfd);
	safe_close(m->notify_fd);
}

static int write_record(const char *path, const char *json) {
	return write_file_atomic(path, json, strlen(json), 0644);
}

static int write_state(Monitor *m, const char *id) {
	_cleanup_free_ char *json = NULL, *path = NULL;
	ContainerState s = {
		.id = (char *)id,
		.monitor_pid = getpid(),
		.pid = m->proc.pid,
		.started_at = m->started_at,
		.cgroup_path = m->cgroup_path,
		.monitor_cgroup_error = m->monitor_cgroup_error,
	};
	int r = proc_start_time(s.monitor_pid, &s.monitor_start_time);
	if (r >= 0)
		r = proc_start_time(s.pid, &s.start_time);
	/* The container may already be gone (/bin/true): its record still names it. */
	if (r == -ESRCH)
		r = 0;
	if (r < 0)
		return r;
	r = container_state_to_json(&s, &json);
	if (r < 0)
		return r;
	if (asprintf(&path, "%s/state.json", m->dir) < 0)
		return -ENOMEM;
	return write_record(path, json);
}

static void write_exit(Monitor *m, const ExitRecord *e) {
	_cleanup_free_ char *json = NULL;
	if (exit_record_to_json(e, &json) >= 0)
		(void)write_record(m->exit_path, json);
}

static void cleanup_cgroup(Monitor *m) {
	/* (A start that failed early may have made the unified directory only, before the
	 * library's start-up.) */
	if (!m->cgroup_created || cgroups_init() < 0)
		return;
	/* Usually empty by now (the init of a pid namespace takes its processes along): try
	 * at once. Leftovers (a shared pid namespace keeps them alive past our init, an exec's
	 * monitor sits in the cgroup) die first: a cgroup with processes cannot go. */
	if (cgroup_destroy(m->cgroup_path) == -EBUSY) {
		(void)cgroup_kill(m->cgroup_path);
		(void)cgroup_wait_empty(m->cgroup_path, CGROUP_EMPTY_TIMEOUT_MS);
		(void)cgroup_destroy(m->cgroup_path);
	}
	m->cgroup_created = false;
}

/* The container never ran: record why, tell the caller, clean up. */
static int start_failed(Monitor *m, const RuntimeError *err) {
	ExitRecord e = {
		.exit_code = 128,
		.reason = EXIT_REASON_START_ERROR,
		.message = (char *)err->message,
		.finished_at = runtime_now_ns(),
	};
	cleanup_cgroup(m);
	write_exit(m, &e);
	monitor_notify_error(&m->notify_fd, err);
	if (!m->detach)
		fprintf(stderr, "skiff-monitor: %s\n", err->message);
	return 128;
}

static int open_devnull(int flags) {
	return open("/dev/null", flags | O_CLOEXEC | O_NOCTTY);
}

static int setup_stdio(Monitor *m, const ContainerConfig *c, int stdio[3], int child_ends[2],
                       RuntimeError *e) {
	if (c->log_path) {
		_cleanup_free_ char *parent = strdup(c->log_path);
		char *slash = parent ? strrchr(parent, '/') : NULL;
		if (slash && slash != parent) {
			*slash = 0;
			(void)mkdir_p(parent, 0755);
		}
		int r = cri_log_open(&m->log, c->log_path, c->log_max_size, c->log_max_files,
		                     c->log_max_line);
		if (r < 0)
			return runtime_error(e, -r, "open log %s", c->log_path);
		m->have_log = true;
		m->passthrough = !m->detach;
		for (int s = 0; s < _CRI_STREAM_MAX; s++) {
			int p[2];
			if (pipe2(p, O_CLOEXEC) < 0)
				return runtime_error(e, errno, "pipe");
			m->pipes[s] = p[0];
			child_ends[s] = p[1];
			(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
			stdio[1 + s] = p[1];
		}
	} else if (m->detach) {
		/* Nobody reads: the output goes nowhere (the agent always gives a log). */
		child_ends[0] = open_devnull(O_WRONLY);
		if (child_ends[0] < 0)
			return runtime_error(e, errno, "open /dev/null");
		stdio[1] = stdio[2] = child_ends[0];
	}
	return 0;
}

/* state.json while the child finishes: the record's start is then a millisecond or two before
 * the container's execve, which costs nobody a wait. Removed again if the start fails. */
static int state_early(void *userdata, pid_t pid, RuntimeError *e) {
	Monitor *m = userdata;
	m->proc.pid = pid;
	m->started_at = runtime_now_ns();
	int r = write_state(m, m->id);
	if (r < 0)
		return runtime_error(e, -r, "write state.json");
	m->state_written = true;
	trace_point(m->trace_t0, "state written");
	return 0;
}

/* Out of the starter's cgroup (the agent's systemd unit: `systemctl kill` signals every
 * process in it) into the one the agent made for monitors, once the container runs: off the
 * start's critical path. We are single-threaded: "0" to each v1 hierarchy's `tasks` moves us
 * without cgroup_threadgroup_rwsem; cgroup2's cgroup.procs takes it (a grace period after a
 * quiet spell, paid here by the monitor alone). Not fatal: the container runs either way. */
static void leave_starter_cgroup(Monitor *m) {
	RuntimeError e = {};
	int r = cgroups_init();

	if (r < 0)
		runtime_error(&e, -r, "monitor cgroup %s: cgroups", m->monitor_cgroup);
	else if ((r = cgroup_enter(m->monitor_cgroup)) < 0)
		runtime_error(&e, -r, "move the monitor into cgroup %s", m->monitor_cgroup);
	trace_point(m->trace_t0, r < 0 ? "monitor cgroup: failed" : "monitor moved to its cgroup");
	if (r >= 0)
		return;
	m->monitor_cgroup_error = strdup(e.message);
	if (m->monitor_cgroup_error)
		(void)write_state(m, m->id);
}

/* Everything up to a running container; on failure the caller records a StartError. */
static int start_container(Monitor *m, const ContainerConfig *c, RuntimeError *e) {
	ContainerBuild b = {};
	int child_ends[2] = { -EBADF, -EBADF }, stdio[3] = { -1, -1, -1 };
	int r;

	r = setup_stdio(m, c, stdio, child_ends, e);
	if (r >= 0) {
		r = container_build_init(&b, c, m->dir, e);
		memcpy(b.stdio, stdio, sizeof(stdio));
		b.trace_t0 = m->trace_t0;
		b.on_released = state_early;
		b.userdata = m;
		trace_point(m->trace_t0, b.seccomp.from_cache ? "prepared (seccomp from cache)"
		                                              : "prepared (seccomp compiled)");
	}
	if (r >= 0)
		r = container_spawn(&b, &m->proc, e);
	m->cgroup_created = b.cgroup_created;
	trace_point(m->trace_t0, "container exec'd");
	container_build_done(&b);
	for (int s = 0; s < 2; s++)
		safe_close(child_ends[s]);
	return r;
}

_hot_ static void pump(Monitor *m, CriStream s) {
	char buf[PUMP_CHUNK];
	for (;;) {
		ssize_t n = read(m->pipes[s], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			(void)cri_log_flush(&m->log, s, runtime_now_ns());
			m->pipes[s] = safe_close(m->pipes[s]);
			return;
		}
		(void)cri_log_feed(&m->log, s, buf, (size_t)n, runtime_now_ns());
		if (m->passthrough)
			(void)fd_write_all(s == CRI_STDOUT ? STDOUT_FILENO : STDERR_FILENO, buf,
			                   (size_t)n);
		if ((size_t)n < sizeof(buf))
			return;
	}
}

_hot_ static void forward_signal(Monitor *m, bool exited) {
	struct signalfd_siginfo si;
	while (read(m->sigfd, &si, sizeof(si)) == sizeof(si))
		if (!exited)
			(void)pidfd_send_signal(m->proc.pidfd, (int)si.ssi_signo, NULL, 0);
}

static int setup_signals(Monitor *m) {
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (!m->detach)
		sigaddset(&set, SIGHUP);
	else
		signal(SIGHUP, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return negative_errno();
	m->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return m->sigfd < 0 ? negative_errno() : 0;
}

/* Wait for the container's init while pumping its output; then drain what is left. */
_hot_ static void wait_loop(Monitor *m, siginfo_t *si, int64_t *finished_at) {
	bool exited = false;
	int64_t deadline = 0;

	for (;;) {
		struct pollfd p[4];
		int n = 0, ip = -1, is = -1, io[2] = { -1, -1 };
		if (!exited) {
			ip = n;
			p[n++] = (struct pollfd){ m->proc.pidfd, POLLIN, 0 };
		}
		if (m->sigfd >= 0) {
			is = n;
			p[n++] = (struct pollfd){ m->sigfd, POLLIN, 0 };
		}
		for (int s = 0; s < _CRI_STREAM_MAX; s++)
			if (m->pipes[s] >= 0) {
				io[s] = n;
				p[n++] = (struct pollfd){ m->pipes[s], POLLIN, 0 };
			}
		if (exited && io[0] < 0 && io[1] < 0)
			return;
		int timeout = -1;
		if (exited) {
			int64_t left = (deadline - runtime_now_ns()) / 1000000;
			if (left <= 0)
				return; /* writers outside the cgroup: stop waiting for them */
			timeout = (int)left;
		}
		if (poll(p, (nfds_t)n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (int s = 0; s < _CRI_STREAM_MAX; s++)
			if (io[s] >= 0 && p[io[s]].revents)
				pump(m, s);
		if (is >= 0 && p[is].revents)
			forward_signal(m, exited);
		if (ip >= 0 && p[ip].revents) {
			*si = (siginfo_t){};
			if (waitid(P_PIDFD, (id_t)m->proc.pidfd, si, WEXITED | WNOHANG) == 0 &&
			    si->si_pid != 0) {
				exited = true;
				*finished_at = runtime_now_ns();
				deadline = *finished_at + (int64_t)DRAIN_TIMEOUT_MS * 1000000;
				/* Whatever else still writes to our pipes goes now. (After a
				 * re-exec into pump mode the cgroup library starts here.) */
				if ((io[0] >= 0 || io[1] >= 0) && m->cgroup_created &&
				    cgroups_init() >= 0 && cgroup_is_populated(m->cgroup_path) > 0)
					(void)cgroup_kill(m->cgroup_path);
			}
		}
	}
}

static int finish(Monitor *m, const siginfo_t *si, int64_t finished_at) {
	ExitRecord e = { .started_at = m->started_at, .finished_at = finished_at };
	if (si->si_code == CLD_EXITED)
		e.exit_code = si->si_status;
	else {
		e.signal = si->si_status;
		e.exit_code = 128 + si->si_status;
	}
	if (m->cgroup_created && cgroups_init() >= 0) {
		CgroupStats st;
		if (cgroup_get_stats(m->cgroup_path, &st) >= 0)
			e.oom_killed = st.oom_kills > 0;
	}
	e.reason = exit_reason_derive(true, e.exit_code, e.oom_killed);
	trace_point(m->trace_t0, "exit status collected");
	/* The cgroup goes before the record appears: whoever reads exit.json may remove the
	 * pod's cgroup at once. */
	cleanup_cgroup(m);
	trace_point(m->trace_t0, "cgroup removed");
	write_exit(m, &e);
	trace_point(m->trace_t0, "exit record written");
	return e.exit_code & 0xff;
}

static void detach_stdio(void) {
	int fd = open_devnull(O_RDWR);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		(void)dup2(fd, i);
	if (fd > 2)
		close(fd);
}

/* A detached monitor lives as long as its container: once it runs, the monitor replaces its
 * own image with a fresh one in `pump` mode. Everything the set-up touched (the config parser,
 * libcgroup's init, libseccomp, the mount code) leaves the address space; what stays resident
 * is what pumping and waiting touch. The pid, the child (the container), the descriptors
 * handed over and the blocked signals survive execve. On failure, the monitor just goes on. */
static void exec_pump(Monitor *m) {
	char exe[PATH_MAX], pidfd[16], pid[16], started[24], out[16], err[16], size[24], files[16],
	        line[16];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l <= 0)
		return;
	exe[l] = 0;
	snprintf(pidfd, sizeof(pidfd), "%d", m->proc.pidfd);
	snprintf(pid, sizeof(pid), "%d", (int)m->proc.pid);
	snprintf(started, sizeof(started), "%lld", (long long)m->started_at);
	snprintf(out, sizeof(out), "%d", m->pipes[CRI_STDOUT]);
	snprintf(err, sizeof(err), "%d", m->pipes[CRI_STDERR]);
	const char *argv[24] = { exe, "pump",         m->dir,  "--pidfd", pidfd,       "--pid",
		                 pid, "--started-at", started, "--exit",  m->exit_path };
	size_t n = 11;
	if (m->cgroup_created) {
		argv[n++] = "--cgroup";
		argv[n++] = m->cgroup_path;
	}
	if (m->have_log) {
		snprintf(size, sizeof(size), "%llu", (unsigned long long)m->log.max_size);
		snprintf(files, sizeof(files), "%u", m->log.max_files);
		snprintf(line, sizeof(line), "%u", m->log.max_line);
		argv[n++] = "--log";
		argv[n++] = m->log.path;
		argv[n++] = size;
		argv[n++] = files;
		argv[n++] = line;
		argv[n++] = out;
		argv[n++] = err;
	}
	argv[n] = NULL;
	int keep[] = { m->proc.pidfd, m->pipes[0], m->pipes[1] };
	for (size_t i = 0; i < ELEMENTSOF(keep); i++)
		if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, 0) < 0)
			return;
	char *envp[] = { (char *)sanitizer_exec_env(), NULL };
	execve(exe, (char **)argv, envp);
	for (size_t i = 0; i < ELEMENTSOF(keep); i++)
		if (keep[i] >= 0)
			(void)fcntl(keep[i], F_SETFD, FD_CLOEXEC);
}

typedef struct CodeRanges {
	uintptr_t start[8], end[8];
	size_t n;
} CodeRanges;

static int find_code(struct dl_phdr_info *info, size_t size, void *userdata) {
	CodeRanges *c = userdata;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	for (int i = 0; i < info->dlpi_phnum && c->n < ELEMENTSOF(c->start); i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		/* Never a writable segment: its pages hold our data (and RELRO's relocations). */
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		c->start[c->n] = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
		c->end[c->n] = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		c->n++;
	}
	return 1; /* the executable only */
}

/* Unmap the pages of our own code and read-only data from the page tables (they stay in the
 * page cache, shared): the pump's steady state faults back in only what it runs. The kernel
 * maps file pages 64 KiB around each fault, so what start-up touched would otherwise stay
 * resident: most of the binary. The ranges are collected first: reading the program headers
 * after zapping them would fault them back. */
static void release_code_pages(void) {
	CodeRanges c = {};
	(void)dl_iterate_phdr(find_code, &c);
	for (size_t i = 0; i < c.n; i++)
		(void)madvise((void *)c.start[i], c.end[i] - c.start[i], MADV_DONTNEED);
}

static int parse_int(const char *s, long long min, long long max, long long *ret) {
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* skiff-monitor pump DIR --pidfd N --pid P --started-at NS --exit PATH [--cgroup PATH]
 *                        [--log PATH MAXSIZE MAXFILES MAXLINE STDOUT-FD STDERR-FD] */
int monitor_pump(int argc, char **argv) {
	Monitor m = {
		.dir = argc > 2 ? argv[2] : NULL,
		.detach = true,
		.notify_fd = -EBADF,
		.pipes = { -EBADF, -EBADF },
		.proc = { .pidfd = -EBADF },
		.sigfd = -EBADF,
	};
	long long v[7];
	int r = m.dir ? 0 : -EINVAL;

	for (int i = 3; i < argc && r >= 0; i++) {
		const char *a = argv[i];
		if (streq(a, "--pidfd") && i + 1 < argc &&
		    (r = parse_int(argv[++i], 0, INT_MAX, v)) >= 0)
			m.proc.pidfd = (int)v[0];
		else if (streq(a, "--pid") && i + 1 < argc &&
		         (r = parse_int(argv[++i], 1, INT_MAX, v)) >= 0)
			m.proc.pid = (pid_t)v[0];
		else if (streq(a, "--started-at") && i + 1 < argc &&
		         (r = parse_int(argv[++i], 0, INT64_MAX, v)) >= 0)
			m.started_at = v[0];
		else if (streq(a, "--exit") && i + 1 < argc)
			r = (m.exit_path = strdup(argv[++i])) ? 0 : -ENOMEM;
		else if (streq(a, "--cgroup") && i + 1 < argc) {
			r = (m.cgroup_path = strdup(argv[++i])) ? 0 : -ENOMEM;
			m.cgroup_created = true;
		} else if (streq(a, "--log") && i + 6 < argc) {
			const char *path = argv[++i];
			r = parse_int(argv[++i], 0, INT64_MAX, &v[1]);
			if (r >= 0)
				r = parse_int(argv[++i], 1, 1000, &v[2]);
			if (r >= 0)
				r = parse_int(argv[++i], 256, 1024 * 1024, &v[3]);
			if (r >= 0)
				r = parse_int(argv[++i], 0, INT_MAX, &v[4]);
			if (r >= 0)
				r = parse_int(argv[++i], 0, INT_MAX, &v[5]);
			if (r >= 0)
				r = cri_log_open(&m.log, path, (uint64_t)v[1], (uint32_t)v[2],
				                 (uint32_t)v[3]);
			if (r >= 0) {
				m.have_log = true;
				m.pipes[0] = (int)v[4];
				m.pipes[1] = (int)v[5];
			}
		} else
			r = -EINVAL;
	}
	if (r < 0 || m.proc.pidfd < 0 || !m.exit_path) {
		monitor_done(&m);
		return 125;
	}
	for (int s = 0; s < _CRI_STREAM_MAX; s++)
		if (m.pipes[s] >= 0)
			(void)fcntl(m.pipes[s], F_SETFD, FD_CLOEXEC);
	(void)fcntl(m.proc.pidfd, F_SETFD, FD_CLOEXEC);
	(void)setup_signals(&m);
	release_code_pages();

	siginfo_t si = {};
	int64_t finished_at = 0;
	wait_loop(&m, &si, &finished_at);
	r = finish(&m, &si, finished_at);
	monitor_done(&m);
	return r;
}

int monitor_run(const char *dir, bool detach, int notify_fd) {
	Monitor m = {
		.dir = dir,
		.detach = detach,
		.notify_fd = notify_fd,
		.pipes = { -EBADF, -EBADF },
		.proc = { .pidfd = -EBADF },
		.sigfd = -EBADF,
	};
	ContainerConfig c = {};
	RuntimeError err = {};
	Diag d = {};
	int r;

	if (!isempty(getenv("SKIFF_MONITOR_TRACE")))
		m.trace_t0 = monotonic_ns();
	if (detach) {
		/* The agent may stop or die: the monitor and its container live on. */
		(void)setsid();
		detach_stdio();
	}
	/* A state.json of an earlier run is replaced by rename once this one runs (and names
	 * processes that are gone); an exit.json must go now, or it would say this run ended. */
	if (runtime_exit_record_path(dir, NULL, &m.exit_path) < 0)
		return 125;

	r = container_config_load(dir, &c, &d);
	if (r < 0) {
		runtime_error(&err, 0, "config: %s", d.n_errors ? d.errors[0] : strerror(-r));
		err.err = -r;
		diag_clear(&d);
		r = start_failed(&m, &err);
		monitor_done(&m);
		return r;
	}
	diag_clear(&d);
	trace_point(m.trace_t0, "config loaded");
	if (c.exit_record_path) {
		free(m.exit_path);
		m.exit_path = strdup(c.exit_record_path);
	}
	if (access(m.exit_path, F_OK) == 0)
		(void)unlink(m.exit_path);
	m.cgroup_path = c.cgroup_path ? strdup(c.cgroup_path) : NULL;
	m.monitor_cgroup = c.monitor_cgroup ? strdup(c.monitor_cgroup) : NULL;
	if (!m.exit_path || (c.cgroup_path && !m.cgroup_path) ||
	    (c.monitor_cgroup && !m.monitor_cgroup)) {
		container_config_done(&c);
		monitor_done(&m);
		return 125;
	}
	(void)setup_signals(&m);

	m.id = c.id;
	r = start_container(&m, &c, &err);
	if (r < 0) {
		if (m.state_written) {
			_cleanup_free_ char *state = NULL;
			if (asprintf(&state, "%s/state.json", dir) >= 0)
				(void)unlink(state);
		}
		m.id = NULL;
		container_config_done(&c);
		r = start_failed(&m, &err);
		monitor_done(&m);
		return r;
	}
	char line[64];
	snprintf(line, sizeof(line), "started %d\n", (int)m.proc.pid);
	monitor_notify(&m.notify_fd, line);
	if (m.monitor_cgroup)
		leave_starter_cgroup(&m);
	m.id = NULL;
	container_config_done(&c);
	if (detach && r >= 0) {
		/* Keep the signals blocked across execve: the new image takes them over. */
		m.sigfd = safe_close(m.sigfd);
		exec_pump(&m);
		(void)setup_signals(&m);
	}
	/* Hand the set-up's memory back: a monitor lives as long as its container. */
	malloc_trim(0);

	siginfo_t si = {};
	int64_t finished_at = 0;
	wait_loop(&m, &si, &finished_at);
	r = finish(&m, &si, finished_at);
	monitor_done(&m);
	return r;
}
