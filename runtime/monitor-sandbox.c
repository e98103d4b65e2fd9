/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod sandboxes without a pause process: the monitor unshares the pod's network, IPC and UTS
 * namespaces itself, sets the hostname, brings `lo` up, and bind-mounts /proc/self/ns/<type>
 * onto DIR/ns/<type>: a bind mount holds a namespace alive with no process in it. Containers
 * join them with setns. A shared PID namespace (shareProcessNamespace) needs a living init
 * (the kernel refuses new members once its init died): a tiny `skiff-monitor pod-init`
 * process is that init; it reaps orphans and sleeps.
 * The pod's /dev/shm is a tmpfs at DIR/shm that each container bind-mounts.
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroups.h"
#include "fileio.h"
#include "json-util.h"
#include "monitor.h"
#include "util.h"

#define SANDBOX_CONFIG_MAX (64u * 1024)
#define POD_INIT_EXIT_TIMEOUT_MS 5000

static const struct {
	const char *name;
	int flag;
} sandbox_ns[] = {
	{ "net", CLONE_NEWNET },
	{ "ipc", CLONE_NEWIPC },
	{ "uts", CLONE_NEWUTS },
	{ "pid", CLONE_NEWPID },
};

static int loopback_up(RuntimeError *e) {
	struct ifreq ifr = {};
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return runtime_error(e, errno, "socket");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return runtime_error(e, errno, "get flags of lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return runtime_error(e, errno, "bring lo up");
	return 0;
}

static int bind_ns(const char *dir, const char *name, pid_t pid, RuntimeError *e) {
	char src[64], dst[RUNTIME_MAX_PATH + 16];
	snprintf(src, sizeof(src), "/proc/%d/ns/%s", (int)pid, name);
	snprintf(dst, sizeof(dst), "%s/ns/%s", dir, name);
	int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0444);
	if (fd < 0)
		return runtime_error(e, errno, "create %s", dst);
	close(fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return runtime_error(e, errno, "bind %s namespace onto %s", name, dst);
	return 0;
}

static int read_config(const char *dir, SandboxConfig *c, RuntimeError *e) {
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t n;
	Diag d = {};
	if (asprintf(&path, "%s/sandbox.json", dir) < 0)
		return runtime_error(e, ENOMEM, "sandbox.json");
	int r = read_full_file(path, SANDBOX_CONFIG_MAX, &data, &n);
	if (r < 0)
		return runtime_error(e, -r, "read %s", path);
	r = sandbox_config_from_json(data, n, c, &d);
	if (r < 0) {
		runtime_error(e, 0, "%s: %s", path, d.n_errors ? d.errors[0] : strerror(-r));
		e->err = -r;
	}
	diag_clear(&d);
	return r;
}

/* The pod's init: pid 1 of the shared pid namespace. */
static int start_pod_init(const char *dir, const SandboxConfig *c, RuntimeError *e) {
	char exe[PATH_MAX];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l < 0)
		return runtime_error(e, errno, "readlink /proc/self/exe");
	exe[l] = 0;
	sanitizer_check_leaks_now();
	if (unshare(CLONE_NEWPID) < 0)
		return runtime_error(e, errno, "unshare pid namespace");
	/* The report waits for the init's execve: EOF on a close-on-exec pipe, or its errno. */
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return runtime_error(e, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return runtime_error(e, errno, "fork the pod init");
	}
	if (pid == 0) {
		char *argv[] = { exe, (char *)"pod-init", NULL };
		char *envp[] = { NULL };
		close(p[0]);
		(void)setsid();
		(void)close_range(3, UINT32_MAX, CLOSE_RANGE_CLOEXEC);
		execve(exe, argv, envp);
		int err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	int err = 0;
	ssize_t n = read(p[0], &err, sizeof(err));
	close(p[0]);
	if (n == sizeof(err)) {
		(void)waitpid(pid, NULL, 0);
		return runtime_error(e, err, "exec the pod init %s", exe);
	}
	uint64_t start = 0;
	int r = proc_start_time(pid, &start);
	if (r >= 0 && c->cgroup_path && (r = cgroups_init()) >= 0)
		r = cgroup_attach(c->cgroup_path, pid);
	if (r >= 0)
		r = bind_ns(dir, "pid", pid, e);
	else
		runtime_error(e, -r, "pod init: cgroup %s", strempty(c->cgroup_path));
	if (r < 0) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		return r;
	}
	_cleanup_free_ char *json = NULL, *path = NULL;
	_cleanup_json_ json_object *o = json_object_new_object();
	json_add_int64(o, "initPid", pid);
	json_add_uint64(o, "initStartTime", start);
	if (json_to_string_dup(o, &json) < 0 || asprintf(&path, "%s/sandbox-state.json", dir) < 0)
		return runtime_error(e, ENOMEM, "sandbox-state.json");
	r = write_file_atomic(path, json, strlen(json), 0644);
	if (r < 0)
		return runtime_error(e, -r, "write %s", path);
	return 0;
}

static int create(const char *dir, const SandboxConfig *c, RuntimeError *e) {
	_cleanup_free_ char *ns = NULL, *shm = NULL;
	char data[64];
	int flags = (c->new_net ? CLONE_NEWNET : 0) | (c->new_ipc ? CLONE_NEWIPC : 0) |
	            (c->new_uts ? CLONE_NEWUTS : 0);
	int r;

	if (asprintf(&ns, "%s/ns", dir) < 0 || runtime_sandbox_shm_path(dir, &shm) < 0)
		return runtime_error(e, ENOMEM, "sandbox paths");
	if ((mkdir(ns, 0755) < 0 && errno != EEXIST) || (mkdir(shm, 0755) < 0 && errno != EEXIST))
		return runtime_error(e, errno, "mkdir in %s", dir);
	snprintf(data, sizeof(data), "mode=1777,size=%llu", (unsigned long long)c->shm_size);
	if (mount("shm", shm, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, data) < 0)
		return runtime_error(e, errno, "mount the pod's shm on %s", shm);
	if (flags && unshare(flags) < 0)
		return runtime_error(e, errno, "unshare the pod's namespaces");
	if (c->new_uts && c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		return runtime_error(e, errno, "sethostname \"%s\"", c->hostname);
	if (c->new_net && (r = loopback_up(e)) < 0)
		return r;
	for (size_t i = 0; i < 3; i++)
		if ((flags & sandbox_ns[i].flag) &&
		    (r = bind_ns(dir, sandbox_ns[i].name, getpid(), e)) < 0)
			return r;
	if (c->share_pid)
		return start_pod_init(dir, c, e);
	return 0;
}

static int teardown(const char *dir);

/* DIR/sandbox-error, for runtime_sandbox_result() (an asynchronous caller has no pipe to us):
 * the notify line's format. */
static void record_error(const char *dir, const RuntimeError *e) {
	char buf[RUNTIME_MAX_MESSAGE + 32], path[RUNTIME_MAX_PATH + 32];
	int n = snprintf(buf, sizeof(buf), "error %d %s\n", e->err > 0 ? e->err : EIO, e->message);
	snprintf(path, sizeof(path), "%s/" RUNTIME_SANDBOX_ERROR_FILE, dir);
	if (access(dir, F_OK) == 0)
		(void)write_file_atomic(path, buf, (size_t)MIN(n, (int)sizeof(buf) - 1), 0644);
}

int monitor_sandbox_create(const char *dir, int notify_fd) {
	SandboxConfig c = {};
	RuntimeError e = {};
	int r = read_config(dir, &c, &e);
	if (r >= 0)
		r = create(dir, &c, &e);
	sandbox_config_done(&c);
	if (r < 0) {
		(void)teardown(dir); /* the mounts go; the directory stays the agent's */
		record_error(dir, &e);
		monitor_notify_error(&notify_fd, &e);
		if (notify_fd < 0)
			fprintf(stderr, "skiff-monitor: sandbox-create: %s\n", e.message);
		return 1;
	}
	monitor_notify(&notify_fd, "ok\n");
	return 0;
}

static void stop_pod_init(const char *dir) {
	_cleanup_free_ char *path = NULL, *data = NULL;
	_cleanup_json_ json_object *o = NULL;
	size_t n;
	Diag d = {};
	JsonReader r = { &d, "" };
	int64_t pid = 0;
	uint64_t start = 0;

	if (asprintf(&path, "%s/sandbox-state.json", dir) < 0 ||
	    read_full_file(path, SANDBOX_CONFIG_MAX, &data, &n) < 0 ||
	    json_parse_bounded(data, n, SANDBOX_CONFIG_MAX, NULL, &o, &d) < 0) {
		diag_clear(&d);
		return;
	}
	json_read_int64(&r, o, "initPid", 1, INT32_MAX, &pid);
	json_read_uint64(&r, o, "initStartTime", UINT64_MAX, &start);
	diag_clear(&d);
	int fd;
	if (pid <= 0 || pidfd_open_checked((pid_t)pid, start, &fd) < 0)
		return;
	/* Killing a pid namespace's init kills every process in it. It is not our child:
	 * wait for its pidfd to report the exit. */
	(void)pidfd_send_signal(fd, SIGKILL, NULL, 0);
	struct pollfd p = { fd, POLLIN, 0 };
	(void)poll(&p, 1, POD_INIT_EXIT_TIMEOUT_MS);
	close(fd);
}

static int teardown(const char *dir) {
	char p[RUNTIME_MAX_PATH + 16];
	int r = 0;

	stop_pod_init(dir);
	for (size_t i = 0; i < ELEMENTSOF(sandbox_ns); i++) {
		snprintf(p, sizeof(p), "%s/ns/%s", dir, sandbox_ns[i].name);
		if (umount2(p, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
			r = -errno;
	}
	snprintf(p, sizeof(p), "%s/shm", dir);
	if (umount2(p, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		r = -errno;
	return r;
}

int monitor_sandbox_destroy(const char *dir, int notify_fd) {
	RuntimeError e = {};
	int r = 0;
	if (access(dir, F_OK) == 0) {
		r = teardown(dir);
		int k = rm_rf(dir);
		if (r == 0)
			r = k;
	}
	if (r < 0) {
		runtime_error(&e, -r, "sandbox-destroy %s", dir);
		record_error(dir, &e);
		monitor_notify_error(&notify_fd, &e);
		if (notify_fd < 0)
			fprintf(stderr, "skiff-monitor: %s\n", e.message);
		return 1;
	}
	monitor_notify(&notify_fd, "ok\n");
	return 0;
}

int monitor_pod_init(void) {
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	(void)close_range(3, UINT32_MAX, 0);
	if (chdir("/") < 0)
		return 1;
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&all, &si);
		if (sig == SIGTERM || sig == SIGINT)
			return 0;
		if (sig == SIGCHLD)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
	}
}
