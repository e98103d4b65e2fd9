/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probes/: container probes (liveness, readiness, startup) and the httpGet lifecycle hook, run
 * on the agent's sd-event loop. No threads, no blocking call: HTTP and gRPC go through libcurl's
 * multi interface wired to sd-event io/time sources, TCP is a non-blocking connect, exec is
 * handed to the caller (ProbeExecOps) or to the posix_spawn helper below.
 *
 * probes/ knows nothing of the Pod model. The agent gives it a plain ProbeSpec (the port already
 * resolved to a number) and, on every tick, the container's state through a callback; it gets
 * back results (only on change, like the kubelet's results manager), Unhealthy/ProbeWarning
 * events with the kubelet's message text, and counters (prober_probe_total{probe_type,result}).
 *
 * The rules are the kubelet's (docs KUBELET-BEHAVIOUR.md §2, pkg/kubelet/prober/, pkg/probe/):
 * §2.1 defaults, §2.2 worker state machine (probe-sm.h, pure and unit-tested), §2.4 handlers.
 * Library code: nothing here logs. Errors are -errno; the messages a human reads are strings.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-event.h>

/* The kube version the User-Agent claims: "kube-probe/1.31", "kube-lifecycle/1.31"
 * (pkg/probe/http/request.go userAgent; skiff follows the 1.31 kubelet). */
#define PROBE_KUBE_VERSION_MAJOR "1"
#define PROBE_KUBE_VERSION_MINOR "31"
#define PROBE_USER_AGENT "kube-probe/" PROBE_KUBE_VERSION_MAJOR "." PROBE_KUBE_VERSION_MINOR
#define PROBE_LIFECYCLE_USER_AGENT                                                                 \
	"kube-lifecycle/" PROBE_KUBE_VERSION_MAJOR "." PROBE_KUBE_VERSION_MINOR

/* Bounds (STYLE.md §10). Output/body cap is the kubelet's maxReadLength (10 KiB). */
#define PROBE_OUTPUT_MAX (10U * 1024U)
#define PROBE_HEADERS_MAX 64U
#define PROBE_HEADER_BYTES_MAX 4096U /* one name + value */
#define PROBE_ARGV_MAX 256U
#define PROBE_ARGV_BYTES_MAX (64U * 1024U)
#define PROBE_HOST_MAX 255U
#define PROBE_PATH_MAX 2048U
#define PROBE_GRPC_SERVICE_MAX 1024U
#define PROBE_CONTAINER_ID_MAX 255U
#define PROBE_IN_FLIGHT_DEFAULT 64U   /* worker probe runs at once; more wait in a queue */
#define PROBE_ONE_SHOT_MAX 256U       /* one-shot runs (hooks) at once; more: -EBUSY */
#define PROBE_MAX_RETRIES 3           /* maxProbeRetries (pkg/kubelet/prober/prober.go) */
#define PROBE_MAX_REDIRECTS 10        /* net/http default, kept by the probe's redirect checker */
#define PROBE_TIMEOUT_NONE UINT64_MAX /* ProbeRunParams/ProbeExecRequest: no timeout at all */

typedef enum ProbeType {
	PROBE_LIVENESS,
	PROBE_READINESS,
	PROBE_STARTUP,
	_PROBE_TYPE_MAX,
} ProbeType;

typedef enum ProbeKind {
	PROBE_KIND_EXEC,
	PROBE_KIND_HTTP_GET,
	PROBE_KIND_TCP_SOCKET,
	PROBE_KIND_GRPC,
	_PROBE_KIND_MAX,
} ProbeKind;

/* The cached result of a worker (pkg/kubelet/prober/results). */
typedef enum ProbeResult {
	PROBE_RESULT_UNKNOWN,
	PROBE_RESULT_SUCCESS,
	PROBE_RESULT_FAILURE,
	_PROBE_RESULT_MAX,
} ProbeResult;

/* What one run of a handler said (pkg/probe Result plus the error path). A Warning counts as
 * Success (a 3xx that ended the request); an Error is retried and then discarded. */
typedef enum ProbeOutcome {
	PROBE_OUTCOME_SUCCESS,
	PROBE_OUTCOME_WARNING,
	PROBE_OUTCOME_FAILURE,
	PROBE_OUTCOME_ERROR,
	_PROBE_OUTCOME_MAX,
} ProbeOutcome;

typedef enum ProbeScheme {
	PROBE_SCHEME_HTTP,
	PROBE_SCHEME_HTTPS,
} ProbeScheme;

typedef struct ProbeHeader {
	const char *name;
	const char *value; /* NULL or "" = empty value */
} ProbeHeader;

/* One probe (or httpGet/exec hook) as the Pod spec has it, the port already a number.
 * The engine copies what it keeps: the caller's memory may go after the call. */
typedef struct ProbeSpec {
	ProbeKind kind;
	/* exec: argv, NULL-terminated; run without a shell */
	const char *const *command;
	/* httpGet, tcpSocket: host; NULL or "" = the pod IP given in ProbeContainerState.
	 * grpc always dials the pod IP (GRPCAction has no host). */
	const char *host;
	uint16_t port; /* httpGet, tcpSocket, grpc: 1..65535 */
	/* httpGet */
	ProbeScheme scheme;
	const char *path; /* may carry a query; NULL = "/" */
	const ProbeHeader *headers;
	size_t n_headers;
	/* grpc: NULL = "" (the server's overall health) */
	const char *grpc_service;
	/* timing (§2.1); probe_spec_init() fills the defaults */
	int32_t initial_delay_seconds;
	int32_t timeout_seconds;
	int32_t period_seconds;
	int32_t success_threshold;
	int32_t failure_threshold;
} ProbeSpec;

/* Kubelet defaults (§2.1): initialDelay 0, timeout 1, period 10, success 1, failure 3. */
void probe_spec_init(ProbeSpec *spec, ProbeKind kind);
/* Checks a spec against §2.1 and the bounds above. On -EINVAL, *ret_reason (if given) points to a
 * static "field: message" string. successThreshold must be 1 for liveness and startup. */
int probe_spec_validate(const ProbeSpec *spec, ProbeType type, const char **ret_reason);

const char *probe_type_to_string(ProbeType t);        /* "liveness" (metrics label) */
const char *probe_type_to_display(ProbeType t);       /* "Liveness" (event text) */
const char *probe_kind_to_string(ProbeKind k);        /* "exec", "httpGet", ... */
const char *probe_result_to_string(ProbeResult r);    /* "success", "failure", "unknown" */
const char *probe_outcome_to_string(ProbeOutcome o);  /* "success", "warning", ... */
const char *probe_result_metric_label(ProbeResult r); /* "successful", "failed", "unknown" */

/* ---- exec: the caller runs the command (the agent: `skiff-monitor exec ... --timeout`) ---- */

typedef struct ProbeExec ProbeExec; /* one exec the engine waits for */

typedef struct ProbeExecRequest {
	const char *container_id;
	const char *const *argv;
	uint64_t timeout_usec; /* timeoutSeconds; kill the command after it. PROBE_TIMEOUT_NONE:
	                          never */
} ProbeExecRequest;

typedef enum ProbeExecStatus {
	PROBE_EXEC_EXITED,    /* exit_code: 0 Success, else Failure */
	PROBE_EXEC_TIMED_OUT, /* Failure: `command "<argv>" timed out` (ExecProbeTimeout) */
	PROBE_EXEC_ERROR,     /* could not run: the probe errored (retried, then discarded) */
} ProbeExecStatus;

typedef struct ProbeExecOps {
	/* Start req->argv for req->container_id. Return < 0 if it could not start (then never call
	 * probe_exec_complete). Otherwise call probe_exec_complete(exec, ...) exactly once, from
	 * the loop, later or even before returning. req is valid during the call only. */
	int (*start)(void *userdata, ProbeExec *exec, const ProbeExecRequest *req);
	/* The engine gives up on a started exec (worker stopped): kill it; from now on
	 * probe_exec_complete must not be called for it. */
	void (*cancel)(void *userdata, ProbeExec *exec);
} ProbeExecOps;

/* Report the end of an exec. output: combined stdout+stderr, only the first PROBE_OUTPUT_MAX
 * bytes are kept. error: a message for PROBE_EXEC_ERROR (may be NULL). */
void probe_exec_complete(ProbeExec *exec, ProbeExecStatus status, int exit_code, const void *output,
                         size_t output_size, const char *error);
/* A slot for the implementation's own state of this exec (e.g. its spawn handle). */
void probe_exec_set_data(ProbeExec *exec, void *data);
void *probe_exec_get_data(ProbeExec *exec);

/* ---- the default exec helper: posix_spawn a host argv, output on an io source, timeout by
 * SIGKILL of its process group, reaped through a pidfd io source (no SIGCHLD needed). ---- */

typedef struct ProbeSpawner ProbeSpawner;
typedef struct ProbeSpawn ProbeSpawn;

typedef struct ProbeSpawnResult {
	ProbeExecStatus status;
	int exit_code;      /* EXITED: the exit status, or 128 + signal */
	const char *output; /* NUL-terminated, at most PROBE_OUTPUT_MAX bytes */
	size_t output_size;
	const char *error; /* ERROR: what went wrong */
} ProbeSpawnResult;

typedef void (*probe_spawn_done_t)(ProbeSpawn *spawn, const ProbeSpawnResult *result,
                                   void *userdata);

int probe_spawner_new(sd_event *event, ProbeSpawner **ret);
/* Kills (SIGKILL) and forgets whatever still runs; reaps what already exited. */
ProbeSpawner *probe_spawner_free(ProbeSpawner *s);
/* Spawn argv[0] (looked up in PATH if it has no '/') with stdin /dev/null, stdout+stderr into
 * one pipe, a default signal mask, its own process group. done is called once from the loop;
 * the spawn is freed after it returns. timeout_usec 0 = none. */
int probe_spawn(ProbeSpawner *s, const char *const *argv, uint64_t timeout_usec,
                probe_spawn_done_t done, void *userdata, ProbeSpawn **ret);
/* Kill an unfinished spawn; done is not called. The process is still reaped by the spawner. */
void probe_spawn_cancel(ProbeSpawn *spawn);

/* ProbeExecOps that run the argv on the host with the spawner (userdata: a ProbeSpawner).
 * container_id is ignored: for tests and host-level commands. */
extern const ProbeExecOps probe_exec_ops_host;

/* ---- the manager: one per agent, on the agent's loop ---- */

typedef struct ProbeManager ProbeManager;

typedef struct ProbeManagerConfig {
	/* The agent's start on CLOCK_MONOTONIC (µs); 0 = now. A worker created less than one
	 * period after it waits a random [0, period) before its first tick (worker.go run). */
	uint64_t agent_start_usec;
	/* Randomness for that jitter; NULL = random_u64() of the libc. */
	uint64_t (*random_u64)(void *userdata);
	void *random_userdata;
	/* Wall clock for initialDelaySeconds (µs since the epoch); NULL = the loop's
	 * CLOCK_REALTIME. */
	uint64_t (*now_realtime)(void *userdata);
	void *now_userdata;
	unsigned max_in_flight; /* 0 = PROBE_IN_FLIGHT_DEFAULT */
	/* exec probes; NULL = exec probes error out ("exec is not available") */
	const ProbeExecOps *exec_ops;
	void *exec_userdata;
} ProbeManagerConfig;

/* Counters the agent exports (prober_probe_total{probe_type,result}, kubelet metrics). */
typedef struct ProbeMetrics {
	uint64_t probe_total[_PROBE_TYPE_MAX][_PROBE_RESULT_MAX]; /* [type][result] */
	uint64_t probe_errors[_PROBE_TYPE_MAX]; /* runs that errored after all retries */
	uint64_t warnings;                      /* ProbeWarning events */
	uint64_t runs_started;                  /* handler runs, retries and one-shots included */
	unsigned in_flight;                     /* runs now */
	unsigned queued;                        /* workers waiting for a slot */
	unsigned workers;
} ProbeMetrics;

int probe_manager_new(sd_event *event, const ProbeManagerConfig *config, ProbeManager **ret);
/* Frees one-shot runs still there and stops every worker (no callbacks): a worker stays
 * allocated, inert, until its owner calls probe_worker_free(). */
ProbeManager *probe_manager_free(ProbeManager *m);
const ProbeMetrics *probe_manager_get_metrics(const ProbeManager *m);

/* ---- workers: one per container x probe type ---- */

typedef struct ProbeWorker ProbeWorker;

/* What the worker reads at each tick (the kubelet's status manager view). Strings need to live
 * only during the get_state call. */
typedef struct ProbeContainerState {
	bool has_status;          /* false: the pod has no status yet (wait) */
	bool pod_terminal;        /* phase Succeeded or Failed: the worker exits */
	bool pod_deleting;        /* deletionTimestamp set */
	const char *container_id; /* NULL/"": not created yet (wait) */
	bool running;
	uint64_t started_at_usec; /* running: startedAt, µs since the epoch */
	bool started;             /* containerStatus.started */
	bool terminated;          /* not running and terminated (vs waiting) */
	bool restartable;   /* if terminated, will it be restarted (policy != Never, sidecar) */
	const char *pod_ip; /* host for httpGet/tcpSocket without host, and for grpc */
	/* > 0: connect from this network namespace (the pod's, when its IP is not reachable
	 * from the agent's); 0 or < 0: from the agent's own. Borrowed during the call only. */
	int netns_fd;
} ProbeContainerState;

typedef struct ProbeUpdate {
	ProbeType type;
	const char *container_id;
	ProbeResult result;
	const char *message; /* output of the run that decided it, or NULL */
} ProbeUpdate;

typedef enum ProbeEventKind {
	PROBE_EVENT_UNHEALTHY, /* reason "Unhealthy" (failed or errored run) */
	PROBE_EVENT_WARNING,   /* reason "ProbeWarning" (redirect ended the request) */
} ProbeEventKind;

typedef struct ProbeEvent {
	ProbeType type;
	const char *container_id;
	ProbeEventKind kind;
	const char *reason;  /* "Unhealthy" or "ProbeWarning" (event type Warning) */
	const char *message; /* "Liveness probe failed: <output>", "Readiness probe warning: ..." */
} ProbeEvent;

typedef struct ProbeWorkerOps {
	/* Fill *ret for this tick. Return < 0 to skip the tick. Required. */
	int (*get_state)(void *userdata, ProbeContainerState *ret);
	/* The cached result changed (or a new container ID got its initial value). */
	void (*on_result)(void *userdata, const ProbeUpdate *update);
	/* Each failed, errored or warning run, as the kubelet records events. */
	void (*on_event)(void *userdata, const ProbeEvent *event);
	/* The worker stopped by itself (pod terminal, container not restarted, pod deleting). */
	void (*on_exit)(void *userdata);
} ProbeWorkerOps;

typedef struct ProbeWorkerCounters {
	uint64_t total[_PROBE_RESULT_MAX];
	uint64_t errors;
} ProbeWorkerCounters;

/* name: for source descriptions and nothing else, e.g. "default/web/app". Callbacks may free
 * the worker (probe_worker_free) from inside themselves. */
int probe_worker_new(ProbeManager *m, ProbeType type, const ProbeSpec *spec,
                     const ProbeWorkerOps *ops, void *userdata, const char *name,
                     ProbeWorker **ret);
/* Arm the ticker: first tick at once, or after the random start-up jitter. */
int probe_worker_start(ProbeWorker *w);
/* Stop ticking and cancel a run in flight; the state (counts, hold, cache) is kept. */
void probe_worker_pause(ProbeWorker *w);
/* Tick again: at once, then every period. */
int probe_worker_resume(ProbeWorker *w);
/* Run a tick now and restart the period from here (the kubelet's manual trigger). */
int probe_worker_trigger(ProbeWorker *w);
/* Stop for good and free (NULL-safe). No callback follows. */
ProbeWorker *probe_worker_free(ProbeWorker *w);

ProbeType probe_worker_get_type(const ProbeWorker *w);
ProbeResult probe_worker_get_result(const ProbeWorker *w); /* cached value; UNKNOWN if none */
bool probe_worker_is_running(const ProbeWorker *w);        /* started, not paused or exited */
const ProbeWorkerCounters *probe_worker_get_counters(const ProbeWorker *w);

/* ---- one-shot runs: lifecycle hooks (httpGet, exec) and anything that wants one probe ---- */

typedef struct ProbeRun ProbeRun;

typedef enum ProbePurpose {
	/* a probe: User-Agent kube-probe, 200..399 success, redirects to the same host only */
	PROBE_PURPOSE_PROBE,
	/* a lifecycle hook (pkg/kubelet/lifecycle/handlers.go): User-Agent kube-lifecycle, any
	 * HTTP response is success (only a transport error fails), redirects followed to any host
	 * up to 10, HTTPS answered in plain HTTP is retried as HTTP (LifecycleHTTPFallback) */
	PROBE_PURPOSE_LIFECYCLE,
} ProbePurpose;

typedef struct ProbeRunParams {
	ProbePurpose purpose;
	const char *container_id; /* for exec */
	const char *pod_ip;       /* host when the spec has none */
	int netns_fd;             /* as in ProbeContainerState; borrowed during the call only */
	/* 0 = spec->timeout_seconds. A hook has no timeoutSeconds: give the grace period left
	 * (preStop), or PROBE_TIMEOUT_NONE (postStart runs until it ends, as in the kubelet). */
	uint64_t timeout_usec;
} ProbeRunParams;

typedef struct ProbeRunResult {
	ProbeOutcome outcome;
	const char *output; /* body, command output or the failure/error message */
	int http_status;    /* httpGet: the final status code, 0 if none */
	bool http_fallback; /* lifecycle httpGet was retried over plain HTTP */
} ProbeRunResult;

typedef void (*probe_run_done_t)(ProbeRun *run, const ProbeRunResult *result, void *userdata);

/* Start one run of spec's handler. done is called once, from the loop, never from inside this
 * call; the run is freed after done returns. -EBUSY past PROBE_ONE_SHOT_MAX. */
int probe_run_start(ProbeManager *m, const ProbeSpec *spec, const ProbeRunParams *params,
                    probe_run_done_t done, void *userdata, ProbeRun **ret);
/* Abandon a run (a hung preStop hook): done is not called. NULL-safe. */
void probe_run_cancel(ProbeRun *run);
