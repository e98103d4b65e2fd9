/* SPDX-License-Identifier: Apache-2.0 */
/* What the files of probes/ share and the outside does not see. */
#pragma once

#include <sys/queue.h>

#include "curl-loop.h"
#include "probe-sm.h"
#include "probes.h"
#include "strbuf.h"

typedef struct ProbeRun ProbeRun;

/* A probe kind (STYLE.md §8: one ops struct and one file per kind). start() begins the run and
 * ends it later with probe_run_finish(); stop() releases the handler's state, after finish or
 * when the run is cancelled, and must not call back. */
typedef struct ProbeHandlerOps {
	ProbeKind kind;
	int (*start)(ProbeRun *run);
	void (*stop)(ProbeRun *run);
} ProbeHandlerOps;

extern const ProbeHandlerOps probe_handler_exec;
extern const ProbeHandlerOps probe_handler_http;
extern const ProbeHandlerOps probe_handler_tcp;
extern const ProbeHandlerOps probe_handler_grpc;

struct ProbeRun {
	ProbeManager *manager;
	const ProbeSpec *spec; /* the worker's, or own_spec */
	ProbeSpec own_spec;
	bool owns_spec;
	bool one_shot; /* probe_run_start(): on the manager's list, counted apart */
	ProbePurpose purpose;
	char *container_id;
	char *host;   /* spec host, else the pod IP */
	int netns_fd; /* our dup of the namespace to connect from, or -EBADF */
	uint64_t timeout_usec;
	const ProbeHandlerOps *ops;
	void *handler_data;

	probe_run_done_t done;
	void *userdata;

	/* The result waits for a defer source so that done never runs inside start or a handler
	 * callback. */
	sd_event_source *deliver;
	bool finished;
	bool delivering;
	ProbeOutcome outcome;
	char *output;
	int http_status;
	bool http_fallback;

	LIST_ENTRY(ProbeRun) link;
};

/* Create a run of spec (borrowed: it must outlive the run, unless copy) and start it. */
int probe_run_new(ProbeManager *m, const ProbeSpec *spec, bool copy, const ProbeRunParams *params,
                  probe_run_done_t done, void *userdata, ProbeRun **ret);
/* Stop the handler and free, no callback. */
void probe_run_free(ProbeRun *run);
/* Handlers end a run: output is copied (cut at PROBE_OUTPUT_MAX). Later calls are ignored. */
void probe_run_finish(ProbeRun *run, ProbeOutcome outcome, const char *output);
void probe_run_finish_http(ProbeRun *run, ProbeOutcome outcome, const char *output, int status,
                           bool fallback);

struct ProbeWorker;

struct ProbeManager {
	sd_event *event;
	ProbeManagerConfig config;
	unsigned max_in_flight;
	CurlLoop *curl;    /* created on first use */
	int self_netns_fd; /* the loop thread's own network namespace, to come back to */
	bool netns_broken; /* could not come back once: no more switching */
	bool curl_global;
	ProbeMetrics metrics;
	unsigned worker_slots; /* runs of workers in flight */
	unsigned one_shots;
	LIST_HEAD(, ProbeWorker) workers;
	TAILQ_HEAD(, ProbeWorker) queue; /* workers waiting for a slot, in order */
	LIST_HEAD(, ProbeRun) runs;      /* one-shot runs */
};

/* The manager's curl loop, made (and libcurl loaded) on first use. When libcurl cannot be
 * loaded, run is finished with an error that says so. */
int probe_manager_get_curl(ProbeRun *run, CurlLoop **ret);
/* socket(2) with SOCK_CLOEXEC, created in run's network namespace when it has one (setns
 * there and back on the loop thread: only this thread switches, and only for the call). */
int probe_socket(ProbeRun *run, int family, int type, int protocol);
uint64_t probe_manager_now_realtime(ProbeManager *m);
uint64_t probe_manager_random(ProbeManager *m);
/* Slots for worker runs: acquire returns false when full (then the worker queues itself). */
bool probe_manager_acquire_slot(ProbeManager *m);
void probe_manager_release_slot(ProbeManager *m);
void probe_manager_enqueue(ProbeManager *m, struct ProbeWorker *w);
void probe_manager_dequeue(ProbeManager *m, struct ProbeWorker *w);
/* Called by the worker code when a slot frees: start the next queued worker. */
void probe_worker_slot_granted(struct ProbeWorker *w);
void probe_worker_detach(struct ProbeWorker *w); /* manager going away */

/* The spec copy the engine keeps (probe-spec.c). */
int probe_spec_copy(const ProbeSpec *src, ProbeSpec *dst);
void probe_spec_done(ProbeSpec *spec);
