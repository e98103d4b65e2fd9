/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API server and the CLI's client together: test-api-server (sd-event + http-server) on a
 * Unix socket in a temporary directory and on 127.0.0.1:<any>, driven with client.c.
 *   test-api-integration PATH-TO-test-api-server
 * No root needed.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "client.h"
#include "fileio.h"

extern char **environ;

typedef struct Fixture {
	const char *server_bin;
	char *dir;
	char *socket;
	char *events;
	pid_t pid;
	int port;
	char tcp_url[64];
} Fixture;

static Fixture fx;

static uint64_t now_usec(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Start a server; returns its pid, *ret_port from its READY line (or -1 if it exited). */
static pid_t spawn_server(const char *socket, int *ret_port) {
	int pipefd[2];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	char *argv[] = {
		(char *)fx.server_bin, (char *)socket, "127.0.0.1:0", fx.events, "2", NULL
	};
	char line[64] = "";
	size_t n = 0;

	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	assert_int_equal(posix_spawn(&pid, fx.server_bin, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	/* bounded wait for "READY <port>\n" (sanitizers start slowly) */
	uint64_t deadline = now_usec() + 20 * 1000000u;
	while (n < sizeof(line) - 1 && !strchr(line, '\n') && now_usec() < deadline) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t k = read(pipefd[0], line + n, sizeof(line) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
		line[n] = '\0';
	}
	close(pipefd[0]);
	*ret_port = -1;
	if (sscanf(line, "READY %d", ret_port) != 1)
		*ret_port = -1;
	return pid;
}

static int wait_exit(pid_t pid, unsigned timeout_sec) {
	uint64_t deadline = now_usec() + timeout_sec * 1000000ull;
	int status;

	while (now_usec() < deadline) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -ETIMEDOUT;
}

static SkiffClient *client(void) {
	SkiffClient *c = NULL;
	assert_int_equal(client_new(fx.socket, &c), 0);
	return c;
}

/* --- JSON, errors, bodies */

static void test_json_get(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	json_object *pod = NULL, *meta, *v;
	ClientError err;

	assert_int_equal(client_get_json(c, "/pods/default/web", &pod, &err), 0);
	assert_true(json_object_object_get_ex(pod, "kind", &v));
	assert_string_equal(json_object_get_string(v), "Pod");
	assert_true(json_object_object_get_ex(pod, "metadata", &meta));
	assert_true(json_object_object_get_ex(meta, "namespace", &v));
	assert_string_equal(json_object_get_string(v), "default");
	json_object_put(pod);
}

static void test_errors(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	json_object *o = NULL;
	ClientError err;

	assert_int_equal(client_get_json(c, "/pods/default/x", &o, &err), -ENOENT);
	assert_null(o);
	assert_int_equal(err.http_code, 404);
	assert_string_equal(err.message, "Error from server (NotFound): pods \"x\" not found");

	assert_int_equal(client_get_json(c, "/nothing/here", &o, &err), -ENOENT);
	assert_string_equal(err.message, "Error from server (NotFound): the server could not find "
	                                 "the requested resource");

	assert_int_equal(client_request_json(c, "DELETE", "/healthz", NULL, &o, &err), -EOPNOTSUPP);
	assert_string_equal(err.reason, "MethodNotAllowed");

	assert_int_equal(client_get_json(c, "/fail", &o, &err), -EIO);
	assert_string_equal(err.message, "Error from server (InternalError): Internal error "
	                                 "occurred: Input/output error");
}

typedef struct Collected {
	char buf[256];
	size_t len;
} Collected;

static int on_data(const void *data, size_t size, void *userdata) {
	Collected *c = userdata;
	size_t n = MIN(size, sizeof(c->buf) - 1 - c->len);
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	c->buf[c->len] = '\0';
	return 0;
}

static void test_post(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	json_object *in = json_tokener_parse("{\"a\":[1,2,3]}"), *out = NULL, *v;
	ClientError err;

	assert_int_equal(client_post_json(c, "/echo", in, &out, &err), 0);
	assert_true(json_object_object_get_ex(out, "size", &v));
	assert_int_equal(json_object_get_int(v), 13);
	assert_true(json_object_object_get_ex(out, "body", &v));
	assert_true(json_object_equal(v, in));
	json_object_put(out);
	json_object_put(in);

	/* not JSON: the handler's own 400, and a stream's error reply is not streamed */
	Collected got = {};
	assert_int_equal(
	        client_post_stream(c, "/echo", "application/json", "{", 1, on_data, &got, &err),
	        -EINVAL);
	assert_int_equal(err.http_code, 400);
	assert_int_equal(got.len, 0);
	assert_non_null(strstr(err.message, "Error from server (BadRequest): body is not JSON"));
}

static void test_too_large(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	json_object *in = json_object_new_object(), *out = NULL;
	char big[2000];
	ClientError err;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	json_object_object_add(in, "big", json_object_new_string(big));
	assert_int_equal(client_post_json(c, "/echo", in, &out, &err), -EFBIG);
	assert_null(out);
	assert_int_equal(err.http_code, 413);
	assert_string_equal(err.message,
	                    "Error from server (RequestEntityTooLarge): request entity "
	                    "too large: limit is 1024 bytes");
	json_object_put(in);
}

/* A body sent chunked (no Content-Length) crosses the bound mid-upload. */
static size_t read_forever(char *buf, size_t size, size_t nitems, void *userdata) {
	size_t *left = userdata, n = MIN(size * nitems, *left);
	memset(buf, ' ', n);
	*left -= n;
	return n;
}

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata) {
	return size * nmemb;
}

static void test_too_large_chunked(void **state) {
	CURL *h = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Transfer-Encoding: chunked");
	size_t left = 64 * 1024;
	long code = 0;

	curl_easy_setopt(h, CURLOPT_URL, "http://localhost/echo");
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, fx.socket);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_forever);
	curl_easy_setopt(h, CURLOPT_READDATA, &left);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	(void)curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	assert_int_equal(code, 413);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
}

static void test_header_bound(void **state) {
	CURL *h = curl_easy_init();
	char *big = malloc(40 * 1024);
	long code = 0;

	strcpy(big, "X-Big: ");
	memset(big + 7, 'b', 40 * 1024 - 8);
	big[40 * 1024 - 1] = '\0';
	struct curl_slist *hdr = curl_slist_append(NULL, big);
	curl_easy_setopt(h, CURLOPT_URL, "http://localhost/healthz");
	curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, fx.socket);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	(void)curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	assert_int_equal(code, 431); /* MHD answers itself: never reaches a handler */
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(big);
}

/* --- streams */

typedef struct Lines {
	char *line[64];
	uint64_t at[64];
	size_t n;
	size_t stop_after; /* 0: never */
	size_t bytes;
	pid_t kill_after_pid;
} Lines;

static int on_line(const char *line, size_t len, void *userdata) {
	Lines *l = userdata;

	l->bytes += len;
	if (l->n < 64) {
		l->line[l->n] = strndup(line, len);
		l->at[l->n] = now_usec();
	}
	l->n++;
	if (l->kill_after_pid > 0 && l->n == 2)
		kill(l->kill_after_pid, SIGTERM);
	if (l->stop_after > 0 && l->n >= l->stop_after)
		return -ECANCELED;
	return 0;
}

static void lines_done(Lines *l) {
	for (size_t i = 0; i < MIN(l->n, (size_t)64); i++)
		free(l->line[i]);
}

static void test_stream(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	Lines l = {};
	ClientError err;

	assert_int_equal(client_get_lines(c, "/stream?chunks=5&interval_ms=100", on_line, &l, &err),
	                 0);
	assert_int_equal(l.n, 5);
	for (size_t i = 0; i < 5; i++) {
		char want[16];
		snprintf(want, sizeof(want), "chunk %zu", i);
		assert_string_equal(l.line[i], want);
	}
	/* delivered as produced, not at the end: 4 intervals lie between first and last */
	assert_true(l.at[4] - l.at[0] >= 300000);
	lines_done(&l);
}

static bool event_seen(const char *event, unsigned timeout_ms) {
	_cleanup_(client_freep) SkiffClient *c = client();
	uint64_t deadline = now_usec() + timeout_ms * 1000ull;

	do {
		json_object *a = NULL;
		ClientError err;
		assert_int_equal(client_get_json(c, "/events", &a, &err), 0);
		for (size_t i = 0; i < json_object_array_length(a); i++)
			if (streq(json_object_get_string(json_object_array_get_idx(a, i)), event)) {
				json_object_put(a);
				return true;
			}
		json_object_put(a);
		usleep(20000);
	} while (now_usec() < deadline);
	return false;
}

static int count_events(const char *event) {
	_cleanup_(client_freep) SkiffClient *c = client();
	json_object *a = NULL;
	ClientError err;
	int n = 0;

	assert_int_equal(client_get_json(c, "/events", &a, &err), 0);
	for (size_t i = 0; i < json_object_array_length(a); i++)
		if (streq(json_object_get_string(json_object_array_get_idx(a, i)), event))
			n++;
	json_object_put(a);
	return n;
}

static void test_stream_done_event(void **state) {
	assert_true(event_seen("stream:done", 5000));
}

static void test_client_gone_while_writing(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	Lines l = { .stop_after = 3 };
	ClientError err;
	int before = count_events("follow:client-gone");

	assert_int_equal(client_get_lines(c, "/follow?interval_ms=20", on_line, &l, &err),
	                 -ECANCELED);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.line[0], "tick 0");
	lines_done(&l);
	uint64_t deadline = now_usec() + 5000000;
	while (count_events("follow:client-gone") == before && now_usec() < deadline)
		usleep(20000);
	assert_int_equal(count_events("follow:client-gone"), before + 1);
}

static void test_client_gone_while_idle(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	Lines l = { .stop_after = 1 };
	ClientError err;
	int before = count_events("follow:client-gone");

	/* one line, then nothing for an hour: only the hang-up watch can notice the client left */
	assert_int_equal(
	        client_get_lines(c, "/follow?first=1&interval_ms=3600000", on_line, &l, &err),
	        -ECANCELED);
	assert_string_equal(l.line[0], "first");
	lines_done(&l);
	uint64_t deadline = now_usec() + 5000000;
	while (count_events("follow:client-gone") == before && now_usec() < deadline)
		usleep(20000);
	assert_int_equal(count_events("follow:client-gone"), before + 1);
}

static void test_backpressure(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	Lines l = {};
	ClientError err;

	/* 4 MiB through a 64 KiB stream buffer: the writer waits for drained() */
	assert_int_equal(client_get_lines(c, "/big", on_line, &l, &err), 0);
	assert_int_equal(l.bytes, 4u * 1024u * 1024u);
	lines_done(&l);
	assert_true(event_seen("big:done", 5000));
}

static void test_post_stream(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	Collected out = {};
	ClientError err;

	assert_int_equal(client_post_stream(c, "/exec", "text/plain", "hi", 2, on_data, &out, &err),
	                 0);
	assert_string_equal(out.buf, "out0: hi\nout1: hi\nout2: hi\n");
	assert_true(event_seen("exec:done", 5000));
}

/* Wait until the server has n open connections (counting the asking one). */
static int wait_connections(int want) {
	_cleanup_(client_freep) SkiffClient *c = client();
	json_object *o = NULL, *v;
	ClientError err;
	uint64_t deadline = now_usec() + 5000000;
	int n;

	do {
		assert_int_equal(client_get_json(c, "/stats", &o, &err), 0);
		assert_true(json_object_object_get_ex(o, "connections", &v));
		n = json_object_get_int(v);
		json_object_put(o);
		if (n == want)
			break;
		usleep(20000);
	} while (now_usec() < deadline);
	return n;
}

/* --- connection bounds (the test server: 16 connections, 2 s timeout) */

static int raw_connect(void) {
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	strncpy(sa.sun_path, fx.socket, sizeof(sa.sun_path) - 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Milliseconds until fd is readable, -1 if not within timeout_ms. */
static int wait_readable(int fd, int timeout_ms) {
	uint64_t start = now_usec();
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return (int)((now_usec() - start) / 1000);
}

static void test_connection_limit(void **state) {
	static const char request[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	int idle[16], fd;
	char buf[64] = "";

	assert_int_equal(wait_connections(1), 1);
	for (size_t i = 0; i < 16; i++)
		idle[i] = raw_connect();
	/* the 17th waits in the backlog... */
	fd = raw_connect();
	assert_int_equal(write(fd, request, strlen(request)), (ssize_t)strlen(request));
	assert_int_equal(wait_readable(fd, 300), -1);
	/* ...and is served as soon as a slot frees up */
	close(idle[0]);
	assert_true(wait_readable(fd, 1500) >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) > 0);
	assert_true(strneq(buf, "HTTP/1.1 200 OK", 15));
	close(fd);
	for (size_t i = 1; i < 16; i++)
		close(idle[i]);
}

static void test_idle_timeout(void **state) {
	char c;
	int fd = raw_connect();

	/* nothing sent: the server hangs up after its 2 s timeout */
	int ms = wait_readable(fd, 6000);
	assert_true(ms >= 1000);
	assert_int_equal(read(fd, &c, 1), 0);
	close(fd);
}

/* --- the TCP listener serves only its allow-list */

static void test_tcp(void **state) {
	_cleanup_(client_freep) SkiffClient *c = NULL;
	_cleanup_free_ char *text = NULL, *metrics = NULL;
	json_object *o = NULL;
	ClientError err;
	size_t n;

	assert_int_equal(client_new(fx.tcp_url, &c), 0);
	assert_int_equal(client_get_text(c, "/healthz", &text, &n, &err), 0);
	assert_string_equal(text, "ok");
	assert_int_equal(client_get_text(c, "/metrics", &metrics, &n, &err), 0);
	assert_non_null(strstr(metrics, "# TYPE test_requests_total counter\n"));
	assert_non_null(strstr(metrics, "test_requests_total{route=\"healthz\"} "));

	assert_int_equal(client_get_json(c, "/pods/default/web", &o, &err), -EACCES);
	assert_string_equal(err.message, "Error from server (Forbidden): forbidden: path "
	                                 "\"/pods/default/web\" is not served on the TCP port");
	assert_int_equal(client_get_json(c, "/events", &o, &err), -EACCES);
	assert_int_equal(client_request_json(c, "POST", "/healthz", NULL, &o, &err), -EOPNOTSUPP);
	assert_null(o);
}

static void test_no_connection_left(void **state) {
	/* every finished, failed or abandoned request has let go of its connection */
	assert_int_equal(wait_connections(1), 1);
}

static void test_second_server_refused(void **state) {
	int port;
	pid_t pid = spawn_server(fx.socket, &port);

	assert_int_equal(port, -1);
	assert_int_equal(wait_exit(pid, 20), 1); /* EADDRINUSE: the live socket stays */
	struct stat st;
	assert_int_equal(lstat(fx.socket, &st), 0);
}

/* Last: SIGTERM with a stream open ends it (closed(SHUTDOWN)) and exits cleanly. */
static void test_shutdown(void **state) {
	_cleanup_(client_freep) SkiffClient *c = client();
	_cleanup_free_ char *events = NULL;
	Lines l = { .kill_after_pid = fx.pid };
	ClientError err;
	struct stat st;

	int r = client_get_lines(c, "/follow?interval_ms=20", on_line, &l, &err);
	assert_int_equal(r, -ECONNRESET);
	assert_true(l.n >= 2);
	lines_done(&l);
	assert_int_equal(wait_exit(fx.pid, 20), 0); /* also: no leak under ASan */
	fx.pid = 0;
	assert_int_equal(read_full_file(fx.events, 65536, &events, NULL), 0);
	assert_non_null(strstr(events, "follow:shutdown\n"));
	assert_int_equal(lstat(fx.socket, &st), -1); /* the socket file went with it */

	json_object *o = NULL;
	assert_int_equal(client_get_json(c, "/healthz", &o, &err), -ECONNREFUSED);
	assert_non_null(strstr(err.message, "was refused - is the agent running?"));
}

static int setup(void **state) {
	char t[] = "/tmp/skiff-api-XXXXXX";

	if (!mkdtemp(t))
		return -1;
	fx.dir = strdup(t);
	if (asprintf(&fx.socket, "%s/run/skiff.sock", t) < 0 ||
	    asprintf(&fx.events, "%s/events", t) < 0)
		return -1;
	fx.pid = spawn_server(fx.socket, &fx.port);
	if (fx.port <= 0)
		return -1;
	snprintf(fx.tcp_url, sizeof(fx.tcp_url), "http://127.0.0.1:%d", fx.port);
	return 0;
}

static int teardown(void **state) {
	if (fx.pid > 0) {
		kill(fx.pid, SIGTERM);
		(void)wait_exit(fx.pid, 20);
	}
	if (fx.dir)
		(void)rm_rf(fx.dir);
	free(fx.dir);
	free(fx.socket);
	free(fx.events);
	return 0;
}

int main(int argc, char **argv) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_get),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_post),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_too_large_chunked),
		cmocka_unit_test(test_header_bound),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_stream_done_event),
		cmocka_unit_test(test_client_gone_while_writing),
		cmocka_unit_test(test_client_gone_while_idle),
		cmocka_unit_test(test_backpressure),
		cmocka_unit_test(test_post_stream),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_connection_limit),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_no_connection_left),
		cmocka_unit_test(test_second_server_refused),
		cmocka_unit_test(test_shutdown),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH-TO-test-api-server\n", argv[0]);
		return 2;
	}
	fx.server_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, teardown);
}
