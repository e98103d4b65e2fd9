/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * agentbench: the timing helper of bench/agent/run.sh. Every time is CLOCK_MONOTONIC, taken in
 * this process right before the action it measures; a marker is seen through inotify, pods
 * through the agent's local API (GET /pods on its Unix socket, HTTP/1.0, parsed with json-c).
 *
 *   agentbench lat-rename SRC DST MARKDIR MARK TIMEOUT_MS
 *       rename(SRC, DST) and wait for MARKDIR/MARK to appear
 *       -> "<us> <CLOCK_REALTIME of the rename, us>" (to relate the agent's log times)
 *   agentbench lat-exec MARKDIR MARK TIMEOUT_MS LOG -- CMD...
 *       run CMD (output to LOG) and wait for MARKDIR/MARK, then for CMD to exit
 *       -> "<marker us> <exit us> <status>"
 *   agentbench time-exec LOG -- CMD... [--and CMD...]
 *       run the commands one after the other (the next only if the previous exited 0)
 *       -> "<us> <status>"
 *   agentbench wait-pods SOCKET running|total N TIMEOUT_MS [STAGEDIR DSTDIR]
 *       (optionally first rename every file of STAGEDIR into DSTDIR, after t0) poll GET /pods
 *       every 10 ms until N pods are Running (running) or exactly N pods are listed (total)
 *       -> "<us> <polls> <rename us> <CLOCK_REALTIME of t0, us>"
 *   agentbench snapshot SOCKET
 *       one line per container: pod container containerID restartCount startedAt phase
 *   agentbench restart OLDPID SOCKET N TIMEOUT_MS RESULT -- AGENT...
 *       SIGKILL OLDPID, wait until it is gone or a zombie, then become AGENT (exec: the agent
 *       keeps this process's pid, so the caller's $! is the agent) while a detached poller
 *       writes "<us to first answer> <us to N Running> <us kill to N Running> <polls>" to
 *       RESULT ("timeout ..." on timeout).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_NS (10 * 1000000LL)

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(int64_t t) {
	struct timespec ts = { .tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void die(const char *what) {
	fprintf(stderr, "agentbench: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* --- HTTP over the agent's Unix socket ---------------------------------------------------------
 */

/* GET path; the body (dechunked) in *ret. 0, or -1 when the agent does not answer. */
static int http_get(const char *sock, const char *path, char **ret, size_t *ret_len) {
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(sock) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	char req[512];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n", path);
	if (write(fd, req, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (len + 4096 > cap)
			buf = realloc(buf, cap *= 2);
		ssize_t k = read(fd, buf + len, cap - len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	buf[len] = 0;
	char *body = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) != 0 || !body || strncmp(buf + 9, "200", 3) != 0) {
		free(buf);
		return -1;
	}
	*body = 0;
	body += 4;
	size_t blen = len - (size_t)(body - buf);
	if (strcasestr(buf, "transfer-encoding: chunked")) {
		char *out = malloc(blen + 1), *p = body;
		size_t olen = 0;
		for (;;) {
			char *end;
			unsigned long sz = strtoul(p, &end, 16);
			char *nl = strstr(end, "\r\n");
			if (!nl || sz == 0)
				break;
			p = nl + 2;
			memcpy(out + olen, p, sz);
			olen += sz;
			p += sz + 2;
		}
		out[olen] = 0;
		*ret = out;
		*ret_len = olen;
		free(buf);
		return 0;
	}
	char *out = malloc(blen + 1);
	memcpy(out, body, blen);
	out[blen] = 0;
	*ret = out;
	*ret_len = blen;
	free(buf);
	return 0;
}

static json_object *get_pods(const char *sock) {
	char *body = NULL;
	size_t len = 0;
	if (http_get(sock, "/pods", &body, &len) < 0)
		return NULL;
	json_object *o = json_tokener_parse(body);
	free(body);
	json_object *items = NULL;
	if (!o || !json_object_object_get_ex(o, "items", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static const char *jstr(json_object *o, const char *a, const char *b, const char *c) {
	const char *keys[] = { a, b, c };
	for (int i = 0; i < 3 && keys[i] && o; i++)
		if (!json_object_object_get_ex(o, keys[i], &o))
			return "-";
	return o ? json_object_get_string(o) : "-";
}

/* Pods listed, and how many are Running; -1 if the agent does not answer. */
static int count_pods(const char *sock, int *running) {
	json_object *o = get_pods(sock), *items = NULL;
	if (!o)
		return -1;
	json_object_object_get_ex(o, "items", &items);
	int n = (int)json_object_array_length(items), r = 0;
	for (int i = 0; i < n; i++)
		if (strcmp(jstr(json_object_array_get_idx(items, i), "status", "phase", NULL),
		           "Running") == 0)
			r++;
	json_object_put(o);
	*running = r;
	return n;
}

static bool pods_done(const char *sock, bool want_running, int want) {
	int running = 0, n = count_pods(sock, &running);
	if (n < 0)
		return false;
	return want_running ? running >= want : n == want;
}

/* --- marker ------------------------------------------------------------------------------------
 */

static int marker_watch(const char *dir, const char *mark) {
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, mark);
	if (unlink(p) < 0 && errno != ENOENT)
		die("unlink marker");
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fd < 0)
		die("inotify_init1");
	if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB) < 0)
		die("inotify_add_watch");
	return fd;
}

/* Wait until the marker appears: its time, or -1 on timeout. */
static int64_t marker_wait(int fd, const char *dir, const char *mark, int64_t deadline) {
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		int64_t left = deadline - now_ns();
		if (left <= 0)
			break;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int r = poll(&pfd, 1, (int)(left / 1000000 + 1));
		int64_t t = now_ns();
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		ssize_t len;
		while ((len = read(fd, buf, sizeof(buf))) > 0)
			for (char *p = buf; p < buf + len;) {
				struct inotify_event *ev = (struct inotify_event *)p;
				if (ev->len && strcmp(ev->name, mark) == 0)
					return t;
				p += sizeof(*ev) + ev->len;
			}
	}
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, mark);
	return access(p, F_OK) == 0 ? now_ns() : -1;
}

static pid_t spawn(char **argv, const char *log) {
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (in >= 0)
			dup2(in, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int wait_status(pid_t pid) {
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* --- commands ----------------------------------------------------------------------------------
 */

static int cmd_lat_rename(int argc, char **argv) {
	if (argc != 6)
		return 2;
	int64_t timeout = atoll(argv[5]) * 1000000LL;
	int fd = marker_watch(argv[3], argv[4]);
	struct timespec rt;
	int64_t t0 = now_ns();
	clock_gettime(CLOCK_REALTIME, &rt);
	if (rename(argv[1], argv[2]) < 0)
		die("rename");
	int64_t t = marker_wait(fd, argv[3], argv[4], t0 + timeout);
	if (t < 0) {
		printf("timeout\n");
		return 1;
	}
	printf("%lld %lld\n", (long long)((t - t0) / 1000),
	       (long long)rt.tv_sec * 1000000LL + rt.tv_nsec / 1000);
	return 0;
}

static int cmd_lat_exec(int argc, char **argv) {
	if (argc < 7 || strcmp(argv[5], "--") != 0)
		return 2;
	int64_t timeout = atoll(argv[3]) * 1000000LL;
	int fd = marker_watch(argv[1], argv[2]);
	int64_t t0 = now_ns();
	pid_t pid = spawn(argv + 6, argv[4]);
	int64_t t = marker_wait(fd, argv[1], argv[2], t0 + timeout);
	int st = wait_status(pid);
	int64_t te = now_ns();
	if (t < 0) {
		printf("timeout %lld %d\n", (long long)((te - t0) / 1000), st);
		return 1;
	}
	printf("%lld %lld %d\n", (long long)((t - t0) / 1000), (long long)((te - t0) / 1000), st);
	return 0;
}

static int cmd_time_exec(int argc, char **argv) {
	if (argc < 4 || strcmp(argv[2], "--") != 0)
		return 2;
	char **cmds[8];
	int n = 0;
	cmds[n++] = argv + 3;
	for (int i = 3; i < argc && n < 8; i++)
		if (strcmp(argv[i], "--and") == 0) {
			argv[i] = NULL;
			cmds[n++] = argv + i + 1;
		}
	int64_t t0 = now_ns();
	int st = 0;
	for (int i = 0; i < n && st == 0; i++)
		st = wait_status(spawn(cmds[i], argv[1]));
	printf("%lld %d\n", (long long)((now_ns() - t0) / 1000), st);
	return st == 0 ? 0 : 1;
}

static int cmd_wait_pods(int argc, char **argv) {
	if (argc != 5 && argc != 7)
		return 2;
	const char *sock = argv[1];
	bool running = strcmp(argv[2], "running") == 0;
	int want = atoi(argv[3]);
	int64_t timeout = atoll(argv[4]) * 1000000LL;
	char *names[4096];
	int n_names = 0;
	if (argc == 7) {
		DIR *d = opendir(argv[5]);
		if (!d)
			die("opendir");
		for (struct dirent *de; (de = readdir(d)) && n_names < 4096;)
			if (de->d_name[0] != '.')
				names[n_names++] = strdup(de->d_name);
		closedir(d);
	}
	struct timespec rt;
	int64_t t0 = now_ns(), t_renamed = t0;
	clock_gettime(CLOCK_REALTIME, &rt);
	for (int i = 0; i < n_names; i++) {
		char src[PATH_MAX], dst[PATH_MAX];
		snprintf(src, sizeof(src), "%s/%s", argv[5], names[i]);
		snprintf(dst, sizeof(dst), "%s/%s", argv[6], names[i]);
		if (rename(src, dst) < 0)
			die("rename");
		t_renamed = now_ns();
	}
	long polls = 0;
	for (int64_t tick = t0;; tick += POLL_NS) {
		polls++;
		if (pods_done(sock, running, want)) {
			printf("%lld %ld %lld %lld\n", (long long)((now_ns() - t0) / 1000), polls,
			       (long long)((t_renamed - t0) / 1000),
			       (long long)rt.tv_sec * 1000000LL + rt.tv_nsec / 1000);
			return 0;
		}
		if (now_ns() - t0 > timeout) {
			int r = 0, n = count_pods(sock, &r);
			printf("timeout %d listed %d running\n", n, r);
			return 1;
		}
		if (tick + POLL_NS < now_ns())
			tick = now_ns() - POLL_NS; /* a slow poll: no burst to catch up */
		sleep_until(tick + POLL_NS);
	}
}

static int cmd_snapshot(int argc, char **argv) {
	if (argc != 2)
		return 2;
	json_object *o = get_pods(argv[1]), *items = NULL;
	if (!o)
		return 1;
	json_object_object_get_ex(o, "items", &items);
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *p = json_object_array_get_idx(items, i), *st = NULL, *cs = NULL;
		json_object_object_get_ex(p, "status", &st);
		json_object_object_get_ex(st, "containerStatuses", &cs);
		for (size_t j = 0; cs && j < json_object_array_length(cs); j++) {
			json_object *c = json_object_array_get_idx(cs, j);
			printf("%s %s %s %s %s %s\n", jstr(p, "metadata", "name", NULL),
			       jstr(c, "name", NULL, NULL), jstr(c, "containerID", NULL, NULL),
			       jstr(c, "restartCount", NULL, NULL),
			       jstr(c, "state", "running", "startedAt"),
			       jstr(p, "status", "phase", NULL));
		}
	}
	json_object_put(o);
	return 0;
}

static bool gone_or_zombie(pid_t pid) {
	char p[64], buf[512];
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = 0;
	char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

static int cmd_restart(int argc, char **argv) {
	if (argc < 8 || strcmp(argv[6], "--") != 0)
		return 2;
	pid_t old = (pid_t)atoi(argv[1]);
	const char *sock = argv[2], *result = argv[5];
	int want = atoi(argv[3]);
	int64_t timeout = atoll(argv[4]) * 1000000LL;

	int64_t tk = now_ns();
	if (kill(old, SIGKILL) < 0)
		die("kill");
	while (!gone_or_zombie(old)) {
		if (now_ns() - tk > 5000000000LL) {
			fprintf(stderr, "agentbench: pid %d does not die\n", (int)old);
			return 1;
		}
		usleep(200);
	}
	int64_t t0 = now_ns();
	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		/* the poller: detached (a grandchild reparented away from the agent) */
		if (fork() != 0)
			_exit(0);
		setsid();
		int64_t first = -1;
		long polls = 0;
		FILE *f = NULL;
		char tmp[PATH_MAX];
		snprintf(tmp, sizeof(tmp), "%s.tmp", result);
		for (int64_t tick = t0;; tick += POLL_NS) {
			polls++;
			int running = 0, n = count_pods(sock, &running);
			int64_t t = now_ns();
			if (n >= 0 && first < 0)
				first = t;
			if (n >= 0 && running >= want) {
				f = fopen(tmp, "w");
				if (f)
					fprintf(f, "%lld %lld %lld %ld\n",
					        (long long)((first - t0) / 1000),
					        (long long)((t - t0) / 1000),
					        (long long)((t - tk) / 1000), polls);
				break;
			}
			if (t - t0 > timeout) {
				f = fopen(tmp, "w");
				if (f)
					fprintf(f, "timeout %d listed %d running\n", n, running);
				break;
			}
			if (tick + POLL_NS < now_ns())
				tick = now_ns() - POLL_NS;
			sleep_until(tick + POLL_NS);
		}
		if (f) {
			fclose(f);
			rename(tmp, result);
		}
		_exit(0);
	}
	wait_status(child);
	execvp(argv[7], argv + 7);
	die("exec agent");
	return 1;
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr,
		        "usage: agentbench lat-rename|lat-exec|time-exec|wait-pods|snapshot|"
		        "restart ARGS...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *c = argv[1];
	int r = 2;
	if (strcmp(c, "lat-rename") == 0)
		r = cmd_lat_rename(argc - 1, argv + 1);
	else if (strcmp(c, "lat-exec") == 0)
		r = cmd_lat_exec(argc - 1, argv + 1);
	else if (strcmp(c, "time-exec") == 0)
		r = cmd_time_exec(argc - 1, argv + 1);
	else if (strcmp(c, "wait-pods") == 0)
		r = cmd_wait_pods(argc - 1, argv + 1);
	else if (strcmp(c, "snapshot") == 0)
		r = cmd_snapshot(argc - 1, argv + 1);
	else if (strcmp(c, "restart") == 0)
		r = cmd_restart(argc - 1, argv + 1);
	if (r == 2)
		fprintf(stderr,
		        "agentbench %s: bad arguments (see the comment at the top of "
		        "agentbench.c)\n",
		        c);
	return r;
}
