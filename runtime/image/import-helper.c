/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A builtin import in a process of its own: `<helper> image import --quiet --image-dir <store>
 * --builtin <name>`, the helper being the skiff binary (the agent passes /proc/self/exe). The
 * agent imports busybox once and then runs for months: done here, libarchive, the tarball's
 * pages and the allocator's high-water mark stay in the child, and so do libstdc++ and ICU
 * (libxml2's, through libarchive), which dlclose cannot unload (GNU unique symbols pin them).
 *
 * posix_spawn (vfork + exec: safe in a process with threads, STYLE.md §6); the child's stderr
 * becomes the diagnostics. The caller waits, as it waited for an import in process: the store
 * lock orders it with any other import.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include "image-internal.h"

#define HELPER_OUTPUT_MAX 4096
#define HELPER_TIMEOUT_MS (10 * 60 * 1000)

extern char **environ;

static int spawn_helper(const char *exe, char *const argv[], int err_fd, pid_t *ret) {
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, def;
	int r;

	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	/* the agent blocks the signals sd-event handles */
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	r = -posix_spawn(ret, exe, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

/* Collect the child's stderr until it closes it (it exits), bounded in bytes and time. */
static int read_output(int fd, char *buf, size_t size) {
	size_t len = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, HELPER_TIMEOUT_MS);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? negative_errno() : -ETIMEDOUT;
		char tmp[512];
		ssize_t k = read(fd, tmp, sizeof(tmp));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		size_t take = MIN((size_t)k, size - 1 - len);
		memcpy(buf + len, tmp, take);
		len += take;
	}
	buf[len] = '\0';
	return 0;
}

static void report(const char *output, int status, Diag *diag) {
	_cleanup_free_ char *copy = strdup(output);
	char *save = NULL;
	bool any = false;

	for (char *l = copy ? strtok_r(copy, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		/* the CLI's lines: "skiff image: <diagnostic>" */
		diag_error(diag, NULL, "%s", startswith(l, "skiff image: ") ?: l);
		any = true;
	}
	if (!any)
		diag_error(diag, NULL, "the import process %s %d",
		           WIFSIGNALED(status) ? "was killed by signal" : "exited with",
		           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

int import_builtin_with_helper(ImageStore *s, const char *builtin, Diag *diag) {
	char *const argv[] = { (char *)"skiff",     (char *)"image",       (char *)"import",
		               (char *)"--quiet",   (char *)"--image-dir", s->dir,
		               (char *)"--builtin", (char *)builtin,       NULL };
	_cleanup_close_ int rd = -EBADF, wr = -EBADF;
	char output[HELPER_OUTPUT_MAX];
	int pipefd[2], status = 0, r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return negative_errno();
	rd = pipefd[0];
	wr = pipefd[1];
	r = spawn_helper(s->import_helper, argv, wr, &pid);
	if (r < 0) {
		diag_error(diag, NULL, "cannot run %s to import %s: %s", s->import_helper, builtin,
		           strerror(-r));
		return r;
	}
	wr = safe_close(wr);
	r = read_output(rd, output, sizeof(output));
	if (r == -ETIMEDOUT)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return negative_errno();
	if (r < 0) {
		diag_error(diag, NULL, "importing %s: %s", builtin, strerror(-r));
		return r;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	report(output, status, diag);
	return -EIO;
}
