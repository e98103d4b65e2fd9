/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Probes against real servers on 127.0.0.1, started by this test (servers.py beside it): every
 * handler (httpGet, tcpSocket, grpc, exec through the posix_spawn helper), the one-shot hook
 * run, and workers on a real sd-event loop. No root needed; no traffic leaves loopback.
 *
 *   PROBE_SERVERS_PY  path of servers.py (default: the source tree's)
 *   PROBE_PYTHON      interpreter (default /usr/bin/python3, which sees Debian's python3-grpcio)
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "macro.h"
#include "probes.h"

#ifndef SERVERS_PY
#define SERVERS_PY "tests/integration/probes/servers.py"
#endif

extern char **environ;

static struct {
	pid_t pid;
	int stdin_w;
	unsigned http, closed, grpc, grpc_nohealth, garbage, full, https;
} srv = { .stdin_w = -1 };

static sd_event *event;
static ProbeManager *manager;
static ProbeSpawner *spawner;

static uint64_t now_usec(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000U + (uint64_t)ts.tv_nsec / 1000U;
}

static uint64_t zero_random(void *userdata) {
	return 0; /* no start-up jitter: first tick at once */
}

static int start_servers(void **state) {
	const char *py = getenv("PROBE_PYTHON") ?: "/usr/bin/python3";
	const char *script = getenv("PROBE_SERVERS_PY") ?: SERVERS_PY;
	char *argv[] = { (char *)py, (char *)script, NULL };
	int in[2], out[2];
	posix_spawn_file_actions_t fa;
	char line[512] = { 0 };
	FILE *f;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (posix_spawn(&srv.pid, py, &fa, NULL, argv, environ) != 0) {
		fprintf(stderr, "cannot run %s %s\n", py, script);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	srv.stdin_w = in[1];
	f = fdopen(out[0], "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		fprintf(stderr, "servers.py said nothing\n");
		return -1;
	}
	fclose(f);
	if (sscanf(line, "http=%u closed=%u grpc=%u grpc_nohealth=%u garbage=%u full=%u https=%u",
	           &srv.http, &srv.closed, &srv.grpc, &srv.grpc_nohealth, &srv.garbage, &srv.full,
	           &srv.https) != 7) {
		fprintf(stderr, "servers.py: %s\n", line);
		return -1;
	}
	fprintf(stderr, "servers: %s", line);

	ProbeManagerConfig cfg = {
		.random_u64 = zero_random,
		.exec_ops = &probe_exec_ops_host,
	};
	if (sd_event_default(&event) < 0 || probe_spawner_new(event, &spawner) < 0)
		return -1;
	cfg.exec_userdata = spawner;
	return probe_manager_new(event, &cfg, &manager) < 0 ? -1 : 0;
}

static int stop_servers(void **state) {
	manager = probe_manager_free(manager);
	spawner = probe_spawner_free(spawner);
	event = sd_event_unref(event);
	if (srv.pid > 0) {
		close(srv.stdin_w); /* servers.py exits when its stdin closes */
		kill(srv.pid, SIGTERM);
		waitpid(srv.pid, NULL, 0);
	}
	return 0;
}

static void run_until(bool *flag, uint64_t timeout_usec) {
	uint64_t end = now_usec() + timeout_usec;
	while (!*flag && now_usec() < end)
		assert_true(sd_event_run(event, 100000) >= 0);
}

/* ---- one-shot runs ---- */

typedef struct Once {
	bool done;
	ProbeOutcome outcome;
	char *output;
	int http_status;
	bool fallback;
	uint64_t elapsed;
} Once;

static void once_done(ProbeRun *run, const ProbeRunResult *r, void *userdata) {
	Once *o = userdata;
	o->done = true;
	o->outcome = r->outcome;
	o->output = strdup(r->output);
	o->http_status = r->http_status;
	o->fallback = r->http_fallback;
}

static Once run_once(const ProbeSpec *spec, ProbePurpose purpose) {
	Once o = { 0 };
	ProbeRunParams p = { .purpose = purpose, .pod_ip = "127.0.0.1", .container_id = "c1" };
	uint64_t t0 = now_usec();
	ProbeRun *run = NULL;

	assert_int_equal(probe_run_start(manager, spec, &p, once_done, &o, &run), 0);
	assert_false(o.done); /* never inside the call */
	run_until(&o.done, 15000000);
	assert_true(o.done);
	o.elapsed = now_usec() - t0;
	return o;
}

static void once_free(Once *o) {
	free(o->output);
}

static ProbeSpec http_spec(const char *path, unsigned port) {
	ProbeSpec s;
	probe_spec_init(&s, PROBE_KIND_HTTP_GET);
	s.port = (uint16_t)port;
	s.path = path;
	return s;
}

static void expect(const ProbeSpec *s, ProbeOutcome outcome, const char *output) {
	Once o = run_once(s, PROBE_PURPOSE_PROBE);
	if (o.outcome != outcome || (output && strcmp(o.output, output) != 0))
		fprintf(stderr, "got %s: %s\n", probe_outcome_to_string(o.outcome), o.output);
	assert_int_equal(o.outcome, outcome);
	if (output)
		assert_string_equal(o.output, output);
	once_free(&o);
}

static char *fmt(const char *f, ...) _printf_(1, 2);
static char *fmt(const char *f, ...) {
	static char buf[8][1024];
	static unsigned i;
	va_list ap;
	char *b = buf[i++ % 8];
	va_start(ap, f);
	vsnprintf(b, sizeof(buf[0]), f, ap);
	va_end(ap);
	return b;
}

static void test_http_status(void **state) {
	ProbeSpec s = http_spec("/ok", srv.http);
	expect(&s, PROBE_OUTCOME_SUCCESS, "ok");
	s.path = "/status/204";
	expect(&s, PROBE_OUTCOME_SUCCESS, "");
	s.path = "/status/500";
	expect(&s, PROBE_OUTCOME_FAILURE, "HTTP probe failed with statuscode: 500");
	s.path = "/nothing";
	expect(&s, PROBE_OUTCOME_FAILURE, "HTTP probe failed with statuscode: 404");
	/* a 3xx that ends the request is a warning that counts as success */
	s.path = "/status/304";
	expect(&s, PROBE_OUTCOME_WARNING, "Probe terminated redirects, Response body: ");
	/* the body is read up to 10 KiB only */
	s.path = "/big";
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_int_equal(strlen(o.output), PROBE_OUTPUT_MAX);
	once_free(&o);
}

static void test_http_headers(void **state) {
	ProbeSpec s = http_spec("/headers", srv.http);
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_non_null(strstr(o.output, "GET /headers HTTP/1.1\n"));
	assert_non_null(strstr(o.output, "User-Agent: kube-probe/1.31\n"));
	assert_non_null(strstr(o.output, "Accept: */*\n"));
	assert_non_null(strstr(o.output, "Connection: close\n"));
	assert_non_null(strstr(o.output, fmt("Host: 127.0.0.1:%u\n", srv.http)));
	assert_null(strstr(o.output, "Accept-Encoding")); /* no compression */
	once_free(&o);

	ProbeHeader h[] = { { "Accept", "" }, { "user-agent", "mine/2" }, { "X-Probe", "yes" } };
	s.headers = h;
	s.n_headers = 3;
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_null(strstr(o.output, "Accept:"));
	assert_non_null(strstr(o.output, "User-Agent: mine/2\n"));
	assert_non_null(strstr(o.output, "X-Probe: yes\n"));
	once_free(&o);

	/* a Host header replaces the request's host */
	ProbeHeader host[] = { { "Host", "probe.example" } };
	s = http_spec("/hostecho", srv.http);
	s.headers = host;
	s.n_headers = 1;
	expect(&s, PROBE_OUTCOME_SUCCESS, "probe.example");
	/* ... and survives a redirect to a relative Location (net/http) */
	s.path = "/redirect/hostecho";
	expect(&s, PROBE_OUTCOME_SUCCESS, "probe.example");
	/* the path's query goes along */
	s = http_spec("/headers?x=1&y=2", srv.http);
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_non_null(strstr(o.output, "GET /headers?x=1&y=2 HTTP/1.1\n"));
	once_free(&o);
}

static void test_http_redirects(void **state) {
	ProbeSpec s = http_spec("/redirect/relative", srv.http);
	expect(&s, PROBE_OUTCOME_SUCCESS, "ok");
	s.path = "/redirect/absolute";
	expect(&s, PROBE_OUTCOME_SUCCESS, "ok");
	/* another host name: not followed, the 302 stands as a warning */
	s.path = "/redirect/other";
	expect(&s, PROBE_OUTCOME_WARNING, "Probe terminated redirects, Response body: elsewhere");
	s.path = "/redirect/nolocation";
	expect(&s, PROBE_OUTCOME_WARNING, "Probe terminated redirects, Response body: nowhere");
	/* 10 followed, the 11th refused */
	s.path = "/redirect/loop/0";
	expect(&s, PROBE_OUTCOME_FAILURE,
	       fmt("Get \"http://127.0.0.1:%u/redirect/loop/11\": stopped after 10 redirects",
	           srv.http));
	/* a redirect to another scheme on the same host is followed, and fails */
	s.path = "/redirect/ftp";
	expect(&s, PROBE_OUTCOME_FAILURE,
	       fmt("Get \"ftp://127.0.0.1:%u/x\": unsupported protocol scheme \"ftp\"", srv.http));
	/* a hook follows the other host */
	s.path = "/redirect/other";
	Once o = run_once(&s, PROBE_PURPOSE_LIFECYCLE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_string_equal(o.output, "ok");
	assert_int_equal(o.http_status, 200);
	once_free(&o);
}

static void test_http_errors(void **state) {
	ProbeSpec s = http_spec("/healthz", srv.closed);
	expect(&s, PROBE_OUTCOME_FAILURE,
	       fmt("Get \"http://127.0.0.1:%u/healthz\": dial tcp 127.0.0.1:%u: connect: "
	           "connection refused",
	           srv.closed, srv.closed));
	/* no answer within timeoutSeconds */
	s = http_spec("/slow", srv.http);
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	assert_string_equal(o.output, fmt("Get \"http://127.0.0.1:%u/slow\": context deadline "
	                                  "exceeded (Client.Timeout exceeded while awaiting "
	                                  "headers)",
	                                  srv.http));
	assert_true(o.elapsed >= 900000 && o.elapsed < 2500000);
	once_free(&o);
	/* headers came, the body did not: the probe errored (retried, then discarded) */
	s.path = "/slowbody";
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_ERROR);
	assert_non_null(strstr(o.output, "while reading body"));
	once_free(&o);
	/* not HTTP at all */
	s = http_spec("/", srv.garbage);
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	assert_true(strncmp(o.output, fmt("Get \"http://127.0.0.1:%u/\": ", srv.garbage),
	                    strlen(fmt("Get \"http://127.0.0.1:%u/\": ", srv.garbage))) == 0);
	once_free(&o);
	/* no host and no pod IP: nothing to dial */
	ProbeRunParams p = { .purpose = PROBE_PURPOSE_PROBE };
	Once none = { 0 };
	assert_int_equal(probe_run_start(manager, &s, &p, once_done, &none, NULL), 0);
	run_until(&none.done, 1000000);
	assert_int_equal(none.outcome, PROBE_OUTCOME_ERROR);
	once_free(&none);
}

static void test_http_lifecycle(void **state) {
	/* a hook succeeds on any response */
	ProbeSpec s = http_spec("/status/500", srv.http);
	Once o = run_once(&s, PROBE_PURPOSE_LIFECYCLE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_int_equal(o.http_status, 500);
	once_free(&o);
	/* ... with kube-lifecycle as its agent */
	s.path = "/headers";
	o = run_once(&s, PROBE_PURPOSE_LIFECYCLE);
	assert_non_null(strstr(o.output, "User-Agent: kube-lifecycle/1.31\n"));
	once_free(&o);
	/* an https hook answered in plain HTTP is retried as http (LifecycleHTTPFallback) */
	s.path = "/ok";
	s.scheme = PROBE_SCHEME_HTTPS;
	o = run_once(&s, PROBE_PURPOSE_LIFECYCLE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_true(o.fallback);
	once_free(&o);
	/* a probe does not fall back */
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	assert_string_equal(o.output, fmt("Get \"https://127.0.0.1:%u/ok\": http: server gave HTTP "
	                                  "response to HTTPS client",
	                                  srv.http));
	once_free(&o);
	/* postStart has no timeout: a slow hook is waited for */
	s = http_spec("/slow", srv.http);
	Once slow = { 0 };
	ProbeRunParams p = { .purpose = PROBE_PURPOSE_LIFECYCLE,
		             .pod_ip = "127.0.0.1",
		             .timeout_usec = PROBE_TIMEOUT_NONE };
	assert_int_equal(probe_run_start(manager, &s, &p, once_done, &slow, NULL), 0);
	run_until(&slow.done, 10000000);
	assert_int_equal(slow.outcome, PROBE_OUTCOME_SUCCESS);
	assert_string_equal(slow.output, "late");
	once_free(&slow);
	/* a hook that cannot connect fails */
	s = http_spec("/", srv.closed);
	o = run_once(&s, PROBE_PURPOSE_LIFECYCLE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	once_free(&o);
}

static void test_https(void **state) {
	if (srv.https == 0) {
		fprintf(stderr, "no openssl: HTTPS server tests skipped\n");
		skip();
	}
	/* a self-signed certificate: the kubelet does not verify */
	ProbeSpec s = http_spec("/ok", srv.https);
	s.scheme = PROBE_SCHEME_HTTPS;
	s.timeout_seconds = 5; /* a TLS handshake under valgrind takes its time */
	expect(&s, PROBE_OUTCOME_SUCCESS, "ok");
	s.path = "/status/503";
	expect(&s, PROBE_OUTCOME_FAILURE, "HTTP probe failed with statuscode: 503");
	/* same host, https -> https */
	s.path = "/redirect/relative";
	expect(&s, PROBE_OUTCOME_SUCCESS, "ok");
	/* plain HTTP to a TLS port: the server's TLS alert is no HTTP */
	s.scheme = PROBE_SCHEME_HTTP;
	s.path = "/ok";
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	fprintf(stderr, "http to https: %s\n", o.output);
	once_free(&o);
}

static void test_tcp(void **state) {
	ProbeSpec s;
	probe_spec_init(&s, PROBE_KIND_TCP_SOCKET);
	s.port = (uint16_t)srv.http;
	expect(&s, PROBE_OUTCOME_SUCCESS, "");
	s.port = (uint16_t)srv.closed;
	expect(&s, PROBE_OUTCOME_FAILURE,
	       fmt("dial tcp 127.0.0.1:%u: connect: connection refused", srv.closed));
	/* a host name goes through curl's resolver */
	s.host = "localhost";
	s.port = (uint16_t)srv.http;
	expect(&s, PROBE_OUTCOME_SUCCESS, "");
	s.port = (uint16_t)srv.closed;
	expect(&s, PROBE_OUTCOME_FAILURE,
	       fmt("dial tcp localhost:%u: connect: connection refused", srv.closed));
	/* SYNs dropped by a full accept queue: timeout */
	s.host = NULL;
	s.port = (uint16_t)srv.full;
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	if (o.outcome == PROBE_OUTCOME_FAILURE) {
		assert_string_equal(o.output, fmt("dial tcp 127.0.0.1:%u: i/o timeout", srv.full));
		assert_true(o.elapsed >= 900000 && o.elapsed < 2500000);
	} else
		fprintf(stderr, "note: the full listener accepted (%s)\n", o.output);
	once_free(&o);
}

static ProbeSpec grpc_spec(unsigned port, const char *service) {
	ProbeSpec s;
	probe_spec_init(&s, PROBE_KIND_GRPC);
	s.port = (uint16_t)port;
	s.grpc_service = service;
	return s;
}

static void test_grpc(void **state) {
	if (srv.grpc == 0) {
		fprintf(stderr, "no python3-grpcio: gRPC server tests skipped\n");
		skip();
	}
	ProbeSpec s = grpc_spec(srv.grpc, NULL);
	expect(&s, PROBE_OUTCOME_SUCCESS, "service healthy");
	s.grpc_service = "down";
	expect(&s, PROBE_OUTCOME_FAILURE, "service unhealthy (responded with \"NOT_SERVING\")");
	s.grpc_service = "nosuch";
	expect(&s, PROBE_OUTCOME_FAILURE,
	       "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service");
	s.grpc_service = "slow";
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	assert_string_equal(o.output, "timeout: health rpc did not complete within 1s");
	assert_true(o.elapsed >= 900000 && o.elapsed < 2500000);
	once_free(&o);
	s = grpc_spec(srv.grpc_nohealth, NULL);
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	assert_non_null(strstr(o.output, "error: this server does not implement the grpc health "
	                                 "protocol (grpc.health.v1.Health)"));
	once_free(&o);
}

static void test_grpc_no_server(void **state) {
	ProbeSpec s = grpc_spec(srv.closed, NULL);
	expect(&s, PROBE_OUTCOME_FAILURE,
	       fmt("timeout: failed to connect service \"127.0.0.1:%u\" within 1s: context "
	           "deadline exceeded",
	           srv.closed));
	/* an HTTP/1 server never sends the HTTP/2 preface */
	s = grpc_spec(srv.http, NULL);
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	fprintf(stderr, "grpc to http/1: %s\n", o.output);
	once_free(&o);
	s = grpc_spec(srv.garbage, NULL);
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	fprintf(stderr, "grpc to garbage: %s\n", o.output);
	once_free(&o);
}

static ProbeSpec exec_spec(const char *const *argv) {
	ProbeSpec s;
	probe_spec_init(&s, PROBE_KIND_EXEC);
	s.command = argv;
	return s;
}

static void test_exec(void **state) {
	const char *t[] = { "/bin/true", NULL };
	ProbeSpec s = exec_spec(t);
	expect(&s, PROBE_OUTCOME_SUCCESS, "");
	const char *f[] = { "false", NULL }; /* found in PATH */
	s = exec_spec(f);
	expect(&s, PROBE_OUTCOME_FAILURE, "");
	const char *out[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	s = exec_spec(out);
	expect(&s, PROBE_OUTCOME_FAILURE, "out\nerr\n");
	/* timeoutSeconds 1 */
	const char *slp[] = { "sleep", "5", NULL };
	s = exec_spec(slp);
	Once o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	assert_string_equal(o.output, "command \"sleep 5\" timed out");
	assert_true(o.elapsed >= 900000 && o.elapsed < 2500000);
	once_free(&o);
	/* the output is capped at 10 KiB, and the command still runs to its end */
	const char *big[] = { "/bin/sh", "-c", "head -c 50000 /dev/zero | tr '\\0' x", NULL };
	s = exec_spec(big);
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_int_equal(strlen(o.output), PROBE_OUTPUT_MAX);
	once_free(&o);
	/* a background grandchild holding the pipe does not hold the probe */
	const char *bg[] = { "/bin/sh", "-c", "sleep 3 & echo done", NULL };
	s = exec_spec(bg);
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_string_equal(o.output, "done\n");
	assert_true(o.elapsed < 1500000);
	once_free(&o);
	/* a command that cannot run: the probe errored */
	const char *missing[] = { "/nonexistent/probe", NULL };
	s = exec_spec(missing);
	o = run_once(&s, PROBE_PURPOSE_PROBE);
	/* glibc reports the failed exec from posix_spawn; where it cannot (valgrind turns the
	 * vfork into a fork) the child exits 127: a Failure */
	if (o.outcome == PROBE_OUTCOME_ERROR)
		assert_string_equal(o.output,
		                    "exec probe could not start: no such file or directory");
	else
		assert_int_equal(o.outcome, PROBE_OUTCOME_FAILURE);
	once_free(&o);
}

static void test_cancel(void **state) {
	/* abandoning a run (a hung preStop hook): no callback, nothing left behind */
	const char *slp[] = { "sleep", "5", NULL };
	ProbeSpec s = exec_spec(slp);
	ProbeRun *run = NULL, *run2 = NULL;
	Once o = { 0 }, o2 = { 0 };
	ProbeRunParams p = { .purpose = PROBE_PURPOSE_LIFECYCLE };
	assert_int_equal(probe_run_start(manager, &s, &p, once_done, &o, &run), 0);
	s = http_spec("/slow", srv.http);
	p.pod_ip = "127.0.0.1";
	assert_int_equal(probe_run_start(manager, &s, &p, once_done, &o2, &run2), 0);
	bool never = false;
	run_until(&never, 300000);
	/* both still running (a finished run is freed after its callback: never cancel it) */
	assert_false(o.done);
	assert_false(o2.done);
	probe_run_cancel(run);
	probe_run_cancel(run2);
	run_until(&never, 300000);
	assert_false(o.done);
	assert_false(o2.done);
	assert_int_equal(probe_manager_get_metrics(manager)->in_flight, 0);
}

/* ---- workers on the loop ---- */

typedef struct Target {
	ProbeContainerState st;
	ProbeResult results[16];
	char *messages[16];
	unsigned n_results;
	char *events[16];
	unsigned n_events;
	bool exited;
	bool free_on_result;
	ProbeWorker *w;
} Target;

static int get_state(void *userdata, ProbeContainerState *ret) {
	Target *t = userdata;
	*ret = t->st;
	return 0;
}

static void on_result(void *userdata, const ProbeUpdate *u) {
	Target *t = userdata;
	if (t->n_results < ELEMENTSOF(t->results)) {
		t->messages[t->n_results] = u->message ? strdup(u->message) : NULL;
		t->results[t->n_results++] = u->result;
	}
	if (t->free_on_result)
		t->w = probe_worker_free(t->w);
}

static void on_event(void *userdata, const ProbeEvent *e) {
	Target *t = userdata;
	if (t->n_events < ELEMENTSOF(t->events))
		t->events[t->n_events++] = strdup(e->message);
}

static void on_exit_cb(void *userdata) {
	Target *t = userdata;
	t->exited = true;
}

static const ProbeWorkerOps ops = {
	.get_state = get_state,
	.on_result = on_result,
	.on_event = on_event,
	.on_exit = on_exit_cb,
};

static void target_init(Target *t) {
	*t = (Target){
		.st = {
			.has_status = true,
			.container_id = "c1",
			.running = true,
			.started = true,
			.restartable = true,
			.pod_ip = "127.0.0.1",
		},
	};
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	t->st.started_at_usec = (uint64_t)ts.tv_sec * 1000000U;
}

static void target_done(Target *t) {
	t->w = probe_worker_free(t->w);
	for (unsigned i = 0; i < t->n_results; i++)
		free(t->messages[i]);
	for (unsigned i = 0; i < t->n_events; i++)
		free(t->events[i]);
}

static bool wait_results(Target *t, unsigned n, uint64_t timeout) {
	uint64_t end = now_usec() + timeout;
	while (t->n_results < n && now_usec() < end)
		assert_true(sd_event_run(event, 100000) >= 0);
	return t->n_results >= n;
}

static void idle(uint64_t usec) {
	bool never = false;
	run_until(&never, usec);
}

static void test_worker_readiness(void **state) {
	Target t;
	target_init(&t);
	ProbeSpec s = http_spec("/ok", srv.http);
	s.period_seconds = 1;
	assert_int_equal(probe_worker_new(manager, PROBE_READINESS, &s, &ops, &t, "ns/pod/c", &t.w),
	                 0);
	assert_int_equal(probe_worker_start(t.w), 0);
	/* the initial Failure, then Success after one run */
	assert_true(wait_results(&t, 2, 3000000));
	assert_int_equal(t.results[0], PROBE_RESULT_FAILURE);
	assert_int_equal(t.results[1], PROBE_RESULT_SUCCESS);
	assert_string_equal(t.messages[1], "ok");
	assert_int_equal(probe_worker_get_result(t.w), PROBE_RESULT_SUCCESS);
	/* more successes: no more updates, but counted */
	idle(1500000);
	assert_int_equal(t.n_results, 2);
	assert_true(probe_worker_get_counters(t.w)->total[PROBE_RESULT_SUCCESS] >= 2);
	const ProbeMetrics *m = probe_manager_get_metrics(manager);
	assert_true(m->probe_total[PROBE_READINESS][PROBE_RESULT_SUCCESS] >= 2);

	/* the container goes away: Failure at once (not running) */
	t.st.running = false;
	assert_int_equal(probe_worker_trigger(t.w), 0);
	assert_true(wait_results(&t, 3, 2000000));
	assert_int_equal(t.results[2], PROBE_RESULT_FAILURE);
	/* terminated for good (restartPolicy Never): the worker exits */
	t.st.terminated = true;
	t.st.restartable = false;
	probe_worker_trigger(t.w);
	run_until(&t.exited, 2000000);
	assert_true(t.exited);
	assert_false(probe_worker_is_running(t.w));
	target_done(&t);
}

static void test_worker_liveness_threshold(void **state) {
	Target t;
	target_init(&t);
	ProbeSpec s = http_spec("/status/500", srv.http);
	s.period_seconds = 1;
	s.failure_threshold = 2;
	assert_int_equal(probe_worker_new(manager, PROBE_LIVENESS, &s, &ops, &t, "ns/pod/c", &t.w),
	                 0);
	assert_int_equal(probe_worker_start(t.w), 0);
	/* Success (initial), then Failure after two failed runs */
	assert_true(wait_results(&t, 2, 4000000));
	assert_int_equal(t.results[0], PROBE_RESULT_SUCCESS);
	assert_int_equal(t.results[1], PROBE_RESULT_FAILURE);
	assert_string_equal(t.messages[1], "HTTP probe failed with statuscode: 500");
	assert_int_equal(t.n_events, 2);
	assert_string_equal(t.events[0],
	                    "Liveness probe failed: HTTP probe failed with statuscode: "
	                    "500");
	/* on hold until a new container: no more runs */
	uint64_t failed = probe_worker_get_counters(t.w)->total[PROBE_RESULT_FAILURE];
	idle(2200000);
	assert_int_equal(probe_worker_get_counters(t.w)->total[PROBE_RESULT_FAILURE], failed);
	/* a restarted container: Success again, probing again */
	t.st.container_id = "c2";
	probe_worker_trigger(t.w);
	assert_true(wait_results(&t, 3, 2000000));
	assert_int_equal(t.results[2], PROBE_RESULT_SUCCESS);
	idle(1200000);
	assert_true(probe_worker_get_counters(t.w)->total[PROBE_RESULT_FAILURE] > failed);
	target_done(&t);
}

static void test_worker_startup_gates(void **state) {
	Target live, start;
	target_init(&live);
	target_init(&start);
	live.st.started = start.st.started = false;
	const char *t[] = { "true", NULL };
	ProbeSpec s = exec_spec(t);
	s.period_seconds = 1;
	assert_int_equal(probe_worker_new(manager, PROBE_LIVENESS, &s, &ops, &live, "l", &live.w),
	                 0);
	assert_int_equal(probe_worker_new(manager, PROBE_STARTUP, &s, &ops, &start, "s", &start.w),
	                 0);
	probe_worker_start(live.w);
	probe_worker_start(start.w);
	/* startup: Unknown, then Success; liveness only its initial value, no runs */
	assert_true(wait_results(&start, 2, 3000000));
	assert_int_equal(start.results[0], PROBE_RESULT_UNKNOWN);
	assert_int_equal(start.results[1], PROBE_RESULT_SUCCESS);
	assert_int_equal(probe_worker_get_counters(live.w)->total[PROBE_RESULT_SUCCESS], 0);
	/* the agent marks the container started: liveness runs */
	live.st.started = true;
	idle(1500000);
	assert_true(probe_worker_get_counters(live.w)->total[PROBE_RESULT_SUCCESS] >= 1);
	target_done(&live);
	target_done(&start);
}

static void test_worker_initial_delay(void **state) {
	Target t;
	target_init(&t);
	ProbeSpec s = http_spec("/ok", srv.http);
	s.period_seconds = 1;
	s.initial_delay_seconds = 2;
	assert_int_equal(probe_worker_new(manager, PROBE_READINESS, &s, &ops, &t, "d", &t.w), 0);
	probe_worker_start(t.w);
	assert_true(wait_results(&t, 1, 1000000));
	idle(900000);
	assert_int_equal(probe_worker_get_counters(t.w)->total[PROBE_RESULT_SUCCESS], 0);
	assert_true(wait_results(&t, 2, 3500000));
	assert_int_equal(t.results[1], PROBE_RESULT_SUCCESS);
	target_done(&t);
}

static void test_worker_pause_and_free_in_callback(void **state) {
	Target t;
	target_init(&t);
	ProbeSpec s = http_spec("/ok", srv.http);
	s.period_seconds = 1;
	assert_int_equal(probe_worker_new(manager, PROBE_READINESS, &s, &ops, &t, "p", &t.w), 0);
	probe_worker_start(t.w);
	assert_true(wait_results(&t, 2, 3000000));
	probe_worker_pause(t.w);
	uint64_t n = probe_worker_get_counters(t.w)->total[PROBE_RESULT_SUCCESS];
	idle(1500000);
	assert_int_equal(probe_worker_get_counters(t.w)->total[PROBE_RESULT_SUCCESS], n);
	assert_int_equal(probe_worker_resume(t.w), 0);
	idle(500000);
	assert_true(probe_worker_get_counters(t.w)->total[PROBE_RESULT_SUCCESS] > n);
	/* the owner frees the worker from inside its result callback */
	t.free_on_result = true;
	t.st.container_id = "c9";
	probe_worker_trigger(t.w);
	uint64_t end = now_usec() + 2000000;
	while (t.w && now_usec() < end)
		sd_event_run(event, 100000);
	assert_null(t.w);
	target_done(&t);
}

static void test_worker_exec_events_and_queue(void **state) {
	/* one slot, three workers: they queue and all get their turn */
	ProbeManager *m1;
	ProbeManagerConfig cfg = {
		.random_u64 = zero_random,
		.max_in_flight = 1,
		.exec_ops = &probe_exec_ops_host,
		.exec_userdata = spawner,
	};
	assert_int_equal(probe_manager_new(event, &cfg, &m1), 0);
	Target t[3];
	const char *cmd[] = { "/bin/sh", "-c", "sleep 0.3; echo not ready; exit 1", NULL };
	ProbeSpec s = exec_spec(cmd);
	s.period_seconds = 5;
	s.failure_threshold = 1;
	for (int i = 0; i < 3; i++) {
		target_init(&t[i]);
		assert_int_equal(
		        probe_worker_new(m1, PROBE_READINESS, &s, &ops, &t[i], "q", &t[i].w), 0);
		probe_worker_start(t[i].w);
	}
	idle(150000);
	assert_int_equal(probe_manager_get_metrics(m1)->in_flight, 1);
	assert_int_equal(probe_manager_get_metrics(m1)->queued, 2);
	uint64_t end = now_usec() + 4000000;
	while (now_usec() < end && (t[0].n_events < 1 || t[1].n_events < 1 || t[2].n_events < 1))
		sd_event_run(event, 100000);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(t[i].n_events, 1);
		assert_string_equal(t[i].events[0], "Readiness probe failed: not ready\n");
		target_done(&t[i]);
	}
	assert_int_equal(probe_manager_get_metrics(m1)->workers, 0);
	probe_manager_free(m1);
}

/* ---- a pod network namespace: a server only reachable from inside it ---- */

static int on_ns_conn(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	static const char resp[] =
	        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nns";
	char buf[4096];
	ssize_t k = read(fd, buf, sizeof(buf));

	if (k < 0 && errno == EAGAIN)
		return 0;
	if (k > 0 && memmem(buf, (size_t)k, "\r\n\r\n", 4)) {
		assert_int_equal(write(fd, resp, sizeof(resp) - 1), (ssize_t)sizeof(resp) - 1);
		shutdown(fd, SHUT_WR);
		return 0;
	}
	if (k <= 0)
		sd_event_source_disable_unref(s); /* owns fd: closes it */
	return 0;
}

static int on_ns_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	sd_event_source *c = NULL;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0)
		return 0;
	assert_int_equal(sd_event_add_io(event, &c, cfd, EPOLLIN, on_ns_conn, NULL), 0);
	sd_event_source_set_io_fd_own(c, true);
	sd_event_source_set_floating(c, true);
	sd_event_source_unref(c);
	return 0;
}

/* Enter a new network namespace, bring its loopback up, listen there, come back. */
static int make_netns(int *ret_ns, unsigned *ret_port) {
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	struct ifreq ifr = { 0 };
	int l, u;

	if (self < 0 || unshare(CLONE_NEWNET) < 0)
		return -errno;
	*ret_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	strcpy(ifr.ifr_name, "lo");
	assert_int_equal(ioctl(u, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(u, SIOCSIFFLAGS, &ifr), 0);
	close(u);
	l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 16), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	*ret_port = ntohs(a.sin_port);
	assert_int_equal(setns(self, CLONE_NEWNET), 0);
	return l;
}

static void test_netns(void **state) {
	sd_event_source *src = NULL;
	unsigned port = 0;
	int ns = -1, l = make_netns(&ns, &port);

	if (l < 0) {
		fprintf(stderr, "no network namespace (%s): skipped\n", strerror(-l));
		skip();
	}
	assert_int_equal(sd_event_add_io(event, &src, l, EPOLLIN, on_ns_accept, NULL), 0);
	sd_event_source_set_io_fd_own(src, true);

	/* one-shot runs from inside the namespace: TCP by IP, TCP by name, HTTP */
	ProbeSpec s;
	probe_spec_init(&s, PROBE_KIND_TCP_SOCKET);
	s.port = (uint16_t)port;
	ProbeRunParams p = { .pod_ip = "127.0.0.1", .netns_fd = ns };
	Once o = { 0 };
	assert_int_equal(probe_run_start(manager, &s, &p, once_done, &o, NULL), 0);
	run_until(&o.done, 3000000);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	once_free(&o);
	s.host = "localhost";
	o = (Once){ 0 };
	assert_int_equal(probe_run_start(manager, &s, &p, once_done, &o, NULL), 0);
	run_until(&o.done, 3000000);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	once_free(&o);
	s = http_spec("/", port);
	o = (Once){ 0 };
	assert_int_equal(probe_run_start(manager, &s, &p, once_done, &o, NULL), 0);
	run_until(&o.done, 3000000);
	assert_int_equal(o.outcome, PROBE_OUTCOME_SUCCESS);
	assert_string_equal(o.output, "ns");
	once_free(&o);

	/* a worker whose state names the namespace */
	Target t;
	target_init(&t);
	t.st.netns_fd = ns;
	s.period_seconds = 1;
	assert_int_equal(probe_worker_new(manager, PROBE_READINESS, &s, &ops, &t, "ns", &t.w), 0);
	probe_worker_start(t.w);
	assert_true(wait_results(&t, 2, 3000000));
	assert_int_equal(t.results[1], PROBE_RESULT_SUCCESS);
	target_done(&t);

	/* and we are back in our own namespace: the listener is not reachable from here */
	s = http_spec("/ok", srv.http);
	expect(&s, PROBE_OUTCOME_SUCCESS, "ok");
	sd_event_source_disable_unref(src);
	close(ns);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_status),
		cmocka_unit_test(test_http_headers),
		cmocka_unit_test(test_http_redirects),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_http_lifecycle),
		cmocka_unit_test(test_https),
		cmocka_unit_test(test_tcp),
		cmocka_unit_test(test_grpc),
		cmocka_unit_test(test_grpc_no_server),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_worker_readiness),
		cmocka_unit_test(test_worker_liveness_threshold),
		cmocka_unit_test(test_worker_startup_gates),
		cmocka_unit_test(test_worker_initial_delay),
		cmocka_unit_test(test_worker_pause_and_free_in_callback),
		cmocka_unit_test(test_worker_exec_events_and_queue),
		cmocka_unit_test(test_netns),
	};
	sigset_t ss;
	/* as in the agent: SIGCHLD blocked (sd-event child sources need it where pidfds are
	 * missing, e.g. under valgrind), SIGPIPE ignored */
	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, start_servers, stop_servers);
}
