/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The library face the agent drives (runtime.h), against the real kernel: root only (meson
 * suite "root", skipped otherwise). A busybox root file system is made in a temporary
 * directory; SKIFF_MONITOR names the monitor (set by meson).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "runtime.h"

static char tmp[] = "/tmp/skiff-test-api.XXXXXX";
static char rootfs[256];

static int make_rootfs(void) {
	static const char *const applets[] = { "sh",       "sleep", "true", "cat",
		                               "hostname", "echo",  "id" };
	char p[512];
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp);
	snprintf(p, sizeof(p), "%s/bin", rootfs);
	if (mkdir_p(p, 0755) < 0)
		return -1;
	snprintf(p, sizeof(p), "cp /bin/busybox %s/bin/busybox", rootfs);
	if (system(p) != 0)
		return -1;
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
		snprintf(p, sizeof(p), "%s/bin/%s", rootfs, applets[i]);
		if (symlink("busybox", p) < 0)
			return -1;
	}
	return 0;
}

static int setup(void **state) {
	if (geteuid() != 0 || access("/bin/busybox", X_OK) < 0 || !getenv("SKIFF_MONITOR"))
		return 0; /* each test skips */
	if (!mkdtemp(tmp) || make_rootfs() < 0)
		return -1;
	return 0;
}

static int teardown(void **state) {
	if (tmp[strlen(tmp) - 1] != 'X')
		(void)rm_rf(tmp);
	return 0;
}

#define SKIP_UNLESS_READY()                                                                        \
	do {                                                                                       \
		if (geteuid() != 0 || tmp[strlen(tmp) - 1] == 'X')                                 \
			skip();                                                                    \
	} while (0)

static void config_for(const char *dir, const char *cmd, ContainerConfig *c) {
	char p[512];
	assert_int_equal(container_config_init(c), 0);
	c->id = strdup(strrchr(dir, '/') + 1);
	c->lower_dirs = calloc(2, sizeof(char *));
	c->lower_dirs[0] = strdup(rootfs);
	snprintf(p, sizeof(p), "%s/upper", dir);
	c->upper_dir = strdup(p);
	assert_int_equal(mkdir_p(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/work", dir);
	c->work_dir = strdup(p);
	assert_int_equal(mkdir_p(p, 0755), 0);
	c->argv = calloc(4, sizeof(char *));
	c->argv[0] = strdup("/bin/sh");
	c->argv[1] = strdup("-c");
	c->argv[2] = strdup(cmd);
	c->hostname = strdup("api-box");
	snprintf(p, sizeof(p), "%s/seccomp", tmp);
	c->seccomp_cache_dir = strdup(p);
	snprintf(p, sizeof(p), "%s/0.log", dir);
	c->log_path = strdup(p);
}

static void wait_pidfd(int pidfd, int timeout_ms) {
	struct pollfd p = { pidfd, POLLIN, 0 };
	assert_int_equal(poll(&p, 1, timeout_ms), 1);
}

static void test_start_signal_record_remove(void **state) {
	char dir[512];
	ContainerConfig c;
	RuntimeMonitor m;
	RuntimeError e = {};
	ExitRecord x;
	ContainerState s;
	char *exit_path = NULL;
	pid_t pid;

	SKIP_UNLESS_READY();
	snprintf(dir, sizeof(dir), "%s/c1", tmp);
	assert_int_equal(mkdir_p(dir, 0755), 0);
	config_for(dir, "trap 'exit 7' TERM; echo hello; sleep 60 & wait", &c);
	assert_int_equal(container_config_write(&c, dir), 0);

	assert_int_equal(runtime_container_start(dir, &m, &pid, &e), 0);
	assert_true(pid > 0);
	assert_int_equal(container_state_read(dir, &s), 0);
	assert_int_equal(s.pid, pid);
	assert_int_equal(s.monitor_pid, m.pid);
	container_state_done(&s);

	int fd;
	assert_int_equal(runtime_monitor_open(dir, &fd), 0);
	close(fd);
	assert_int_equal(runtime_container_remove(dir), -EBUSY); /* still running */

	usleep(200000);
	assert_int_equal(runtime_container_signal(dir, SIGTERM), 0);
	wait_pidfd(m.pidfd, 10000);
	assert_int_equal(waitpid(m.pid, NULL, 0), m.pid);
	runtime_monitor_close(&m);

	assert_int_equal(runtime_exit_record_path(dir, &c, &exit_path), 0);
	assert_int_equal(exit_record_read(exit_path, &x), 0);
	assert_int_equal(x.exit_code, 7);
	assert_int_equal(x.reason, EXIT_REASON_ERROR);
	assert_true(x.finished_at >= x.started_at && x.started_at > 0);
	exit_record_done(&x);
	free(exit_path);

	/* The log holds the container's line in CRI format. */
	char p[600], *log = NULL;
	snprintf(p, sizeof(p), "%s/0.log", dir);
	assert_int_equal(read_full_file(p, 1 << 20, &log, NULL), 0);
	assert_non_null(strstr(log, " stdout F hello\n"));
	free(log);

	/* Gone: signals say so, removal cleans. */
	assert_int_equal(runtime_container_signal(dir, SIGTERM), -ESRCH);
	assert_int_equal(runtime_container_remove(dir), 0);
	assert_int_equal(access(dir, F_OK), -1);
	container_config_done(&c);
}

static void test_start_error(void **state) {
	char dir[512];
	ContainerConfig c;
	RuntimeMonitor m;
	RuntimeError e = {};
	pid_t pid;

	SKIP_UNLESS_READY();
	snprintf(dir, sizeof(dir), "%s/c2", tmp);
	assert_int_equal(mkdir_p(dir, 0755), 0);
	config_for(dir, "true", &c);
	free(c.argv[0]);
	c.argv[0] = strdup("/does/not/exist");
	assert_int_equal(container_config_write(&c, dir), 0);
	assert_int_equal(runtime_container_start(dir, &m, &pid, &e), -ENOENT);
	assert_string_equal(e.message, "exec: \"/does/not/exist\": No such file or directory");
	wait_pidfd(m.pidfd, 10000);
	assert_int_equal(waitpid(m.pid, NULL, 0), m.pid);
	runtime_monitor_close(&m);
	assert_int_equal(runtime_container_remove(dir), 0);
	container_config_done(&c);
}

static void test_exec_and_sandbox(void **state) {
	char dir[512], sdir[512], *net = NULL, *uts = NULL;
	ContainerConfig c;
	SandboxConfig sc;
	RuntimeMonitor m;
	RuntimeError e = {};
	pid_t pid;

	SKIP_UNLESS_READY();
	snprintf(sdir, sizeof(sdir), "%s/pod", tmp);
	assert_int_equal(sandbox_config_init(&sc), 0);
	sc.hostname = strdup("pod-host");
	assert_int_equal(runtime_sandbox_create(sdir, &sc, &e), 0);
	sandbox_config_done(&sc);

	snprintf(dir, sizeof(dir), "%s/c3", tmp);
	assert_int_equal(mkdir_p(dir, 0755), 0);
	config_for(dir, "sleep 60", &c);
	free(c.hostname);
	c.hostname = NULL; /* the pod's */
	assert_int_equal(runtime_sandbox_ns_path(sdir, NAMESPACE_NET, &net), 0);
	assert_int_equal(runtime_sandbox_ns_path(sdir, NAMESPACE_UTS, &uts), 0);
	c.namespaces[NAMESPACE_NET] = (NamespaceSpec){ NAMESPACE_MODE_JOIN, net };
	c.namespaces[NAMESPACE_UTS] = (NamespaceSpec){ NAMESPACE_MODE_JOIN, uts };
	assert_int_equal(container_config_write(&c, dir), 0);
	assert_int_equal(runtime_container_start(dir, &m, &pid, &e), 0);

	/* exec: the pod's hostname, output on a pipe, the command's status. */
	int out[2];
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	char *argv[] = { (char *)"hostname", NULL };
	ExecOptions o = { .argv = argv,
		          .stdin_fd = -1,
		          .stdout_fd = out[1],
		          .stderr_fd = -1,
		          .timeout_ms = 10000 };
	pid_t epid;
	int epidfd, status;
	assert_int_equal(runtime_exec_spawn(dir, &o, &epid, &epidfd), 0);
	close(out[1]);
	char buf[64] = "";
	assert_true(read(out[0], buf, sizeof(buf) - 1) > 0);
	close(out[0]);
	assert_string_equal(buf, "pod-host\n");
	assert_int_equal(waitpid(epid, &status, 0), epid);
	assert_int_equal(WEXITSTATUS(status), 0);
	close(epidfd);

	char *fail[] = { (char *)"sh", (char *)"-c", (char *)"exit 3", NULL };
	o = (ExecOptions){ .argv = fail, .stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1 };
	assert_int_equal(runtime_exec_spawn(dir, &o, &epid, &epidfd), 0);
	assert_int_equal(waitpid(epid, &status, 0), epid);
	assert_int_equal(WEXITSTATUS(status), 3);
	close(epidfd);

	assert_int_equal(runtime_container_signal(dir, SIGKILL), 0);
	wait_pidfd(m.pidfd, 10000);
	assert_int_equal(waitpid(m.pid, NULL, 0), m.pid);
	runtime_monitor_close(&m);
	assert_int_equal(runtime_container_remove(dir), 0);
	assert_int_equal(runtime_sandbox_destroy(sdir, &e), 0);
	assert_int_equal(access(sdir, F_OK), -1);
	assert_int_equal(runtime_sandbox_destroy(sdir, &e), 0); /* idempotent */
	container_config_done(&c);
}

/* Wait for a helper through its pidfd, fold its end as the agent does, ask for the result. */
static int helper_result(const char *dir, pid_t pid, int pidfd, RuntimeError *e) {
	siginfo_t si = {};
	assert_int_equal(waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED), 0);
	assert_int_equal(si.si_pid, pid);
	close(pidfd);
	return runtime_sandbox_result(
	        dir, si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status, e);
}

#define N_PODS 12

/* Many sandboxes at once, as an agent's loop starts them: spawned without waiting, reaped
 * through their pidfds afterwards. */
static void test_sandbox_async(void **state) {
	char dirs[N_PODS][512], p[600];
	pid_t pids[N_PODS];
	int fds[N_PODS];
	RuntimeError e = {};
	SandboxConfig sc;

	SKIP_UNLESS_READY();
	for (int i = 0; i < N_PODS; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "%s/apod%d", tmp, i);
		assert_int_equal(sandbox_config_init(&sc), 0);
		sc.hostname = strdup("apod");
		sc.share_pid = i % 3 == 0;
		assert_int_equal(runtime_sandbox_spawn(dirs[i], &sc, &pids[i], &fds[i]), 0);
		sandbox_config_done(&sc);
	}
	for (int i = 0; i < N_PODS; i++) {
		assert_int_equal(helper_result(dirs[i], pids[i], fds[i], &e), 0);
		snprintf(p, sizeof(p), "%.511s/ns/%s", dirs[i], i % 3 == 0 ? "pid" : "net");
		assert_int_equal(access(p, F_OK), 0);
		snprintf(p, sizeof(p), "%.511s/%s", dirs[i], RUNTIME_SANDBOX_ERROR_FILE);
		assert_int_equal(access(p, F_OK), -1);
	}
	for (int i = 0; i < N_PODS; i++)
		assert_int_equal(runtime_sandbox_destroy_spawn(dirs[i], &pids[i], &fds[i]), 0);
	for (int i = 0; i < N_PODS; i++) {
		assert_int_equal(helper_result(dirs[i], pids[i], fds[i], &e), 0);
		assert_int_equal(access(dirs[i], F_OK), -1);
	}
	/* Destroying what is not there is done. */
	assert_int_equal(runtime_sandbox_destroy_spawn(dirs[0], &pids[0], &fds[0]), 0);
	assert_int_equal(helper_result(dirs[0], pids[0], fds[0], &e), 0);

	/* A helper that fails leaves its reason: a hostname without a uts namespace of its own
	 * is refused when the helper reads sandbox.json. */
	assert_int_equal(sandbox_config_init(&sc), 0);
	sc.hostname = strdup("bad");
	sc.new_uts = false;
	assert_int_equal(runtime_sandbox_spawn(dirs[1], &sc, &pids[1], &fds[1]), 0);
	sandbox_config_done(&sc);
	assert_int_equal(helper_result(dirs[1], pids[1], fds[1], &e), -EINVAL);
	assert_non_null(strstr(e.message, "needs a new uts namespace"));
	/* The blocking form says the same. */
	assert_int_equal(sandbox_config_init(&sc), 0);
	sc.hostname = strdup("bad");
	sc.new_uts = false;
	e = (RuntimeError){};
	assert_int_equal(runtime_sandbox_create(dirs[1], &sc, &e), -EINVAL);
	assert_non_null(strstr(e.message, "needs a new uts namespace"));
	sandbox_config_done(&sc);
	assert_int_equal(runtime_sandbox_destroy(dirs[1], &e), 0);
	assert_int_equal(access(dirs[1], F_OK), -1);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_signal_record_remove),
		cmocka_unit_test(test_start_error),
		cmocka_unit_test(test_exec_and_sandbox),
		cmocka_unit_test(test_sandbox_async),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
