/* SPDX-License-Identifier: Apache-2.0 */
/* The manager: the loop, the curl multi handle, the bound on runs in flight, the counters. */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <time.h>

#include "probe-internal.h"

int probe_manager_new(sd_event *event, const ProbeManagerConfig *config, ProbeManager **ret) {
	ProbeManager *m;
	uint64_t now;
	int r;

	if (!event || !ret)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->event = sd_event_ref(event);
	m->self_netns_fd = -EBADF;
	if (config)
		m->config = *config;
	m->max_in_flight =
	        m->config.max_in_flight ? m->config.max_in_flight : PROBE_IN_FLIGHT_DEFAULT;
	if (m->config.agent_start_usec == 0) {
		r = sd_event_now(event, CLOCK_MONOTONIC, &now);
		if (r < 0) {
			probe_manager_free(m);
			return r;
		}
		m->config.agent_start_usec = now;
	}
	LIST_INIT(&m->workers);
	TAILQ_INIT(&m->queue);
	LIST_INIT(&m->runs);
	*ret = m;
	return 0;
}

ProbeManager *probe_manager_free(ProbeManager *m) {
	if (!m)
		return NULL;
	m->max_in_flight = 0; /* no queued worker gets a slot while we tear down */
	while (!LIST_EMPTY(&m->workers))
		probe_worker_detach(LIST_FIRST(&m->workers));
	while (!LIST_EMPTY(&m->runs))
		probe_run_free(LIST_FIRST(&m->runs));
	probe_curl_loop_free(m->curl);
	safe_close(m->self_netns_fd);
	if (m->curl_global)
		sym_curl_global_cleanup();
	sd_event_unref(m->event);
	free(m);
	return NULL;
}

const ProbeMetrics *probe_manager_get_metrics(const ProbeManager *m) {
	return &m->metrics;
}

/* Which work needs libcurl, for the message when it is missing. */
static const char *curl_user(const ProbeRun *run) {
	switch (run->spec->kind) {
	case PROBE_KIND_GRPC:
		return "gRPC probes need";
	case PROBE_KIND_TCP_SOCKET:
		return "TCP probes of a host name need";
	default:
		return run->purpose == PROBE_PURPOSE_LIFECYCLE ? "httpGet hooks need"
		                                               : "HTTP probes need";
	}
}

/* libcurl is loaded here, by the first run that needs it: an agent without HTTP, gRPC or
 * named-host TCP probes never maps it (nor OpenSSL and the rest of its dependencies). */
static int manager_load_curl(ProbeManager *m, ProbeRun *run) {
	_cleanup_free_ char *error = NULL;
	int r = curl_dl_open(&error);

	if (r < 0) {
		_cleanup_free_ char *msg = NULL;
		if (asprintf(&msg, "%s libcurl (libcurl4): %s", curl_user(run), strempty(error)) <
		    0)
			msg = NULL;
		probe_run_finish(run, PROBE_OUTCOME_ERROR, msg ?: "libcurl cannot be loaded");
		return r;
	}
	/* Once per process and reference-counted by libcurl (thread-safe since 7.84). */
	if (sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -EIO;
	m->curl_global = true;
	return 0;
}

int probe_manager_get_curl(ProbeRun *run, CurlLoop **ret) {
	ProbeManager *m = run->manager;
	int r;

	if (!m->curl_global) {
		r = manager_load_curl(m, run);
		if (r < 0)
			return r;
	}
	if (!m->curl) {
		r = probe_curl_loop_new(m->event, &m->curl);
		if (r < 0)
			return r;
	}
	*ret = m->curl;
	return 0;
}

int probe_socket(ProbeRun *run, int family, int type, int protocol) {
	ProbeManager *m = run->manager;
	int fd, r = 0;

	if (run->netns_fd < 0) {
		fd = socket(family, type | SOCK_CLOEXEC, protocol);
		return fd < 0 ? negative_errno() : fd;
	}
	if (m->netns_broken)
		return -ENOTRECOVERABLE;
	if (m->self_netns_fd < 0) {
		m->self_netns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (m->self_netns_fd < 0)
			return negative_errno();
	}
	if (setns(run->netns_fd, CLONE_NEWNET) < 0)
		return negative_errno();
	/* a socket stays in the namespace it was made in */
	fd = socket(family, type | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		r = negative_errno();
	if (setns(m->self_netns_fd, CLONE_NEWNET) < 0 &&
	    setns(m->self_netns_fd, CLONE_NEWNET) < 0) {
		/* Stuck in the pod's namespace: nothing sane is left to do from here but refuse
		 * all further namespace switches and say so. */
		safe_close(fd);
		m->netns_broken = true;
		return -ENOTRECOVERABLE;
	}
	return fd < 0 ? r : fd;
}

uint64_t probe_manager_now_realtime(ProbeManager *m) {
	uint64_t now = 0;

	if (m->config.now_realtime)
		return m->config.now_realtime(m->config.now_userdata);
	if (sd_event_now(m->event, CLOCK_REALTIME, &now) < 0)
		now = 0;
	return now;
}

uint64_t probe_manager_random(ProbeManager *m) {
	uint64_t v = 0;

	if (m->config.random_u64)
		return m->config.random_u64(m->config.random_userdata);
	/* Jitter only: getrandom without blocking, falling back to the libc PRNG. */
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
		v = ((uint64_t)random() << 31) ^ (uint64_t)random();
	return v;
}

bool probe_manager_acquire_slot(ProbeManager *m) {
	if (m->worker_slots >= m->max_in_flight)
		return false;
	m->worker_slots++;
	return true;
}

void probe_manager_release_slot(ProbeManager *m) {
	struct ProbeWorker *w;

	if (m->worker_slots > 0)
		m->worker_slots--;
	/* First come, first served. */
	while (m->worker_slots < m->max_in_flight && (w = TAILQ_FIRST(&m->queue))) {
		probe_manager_dequeue(m, w);
		m->worker_slots++;
		probe_worker_slot_granted(w);
	}
}
