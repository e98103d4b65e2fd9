/* SPDX-License-Identifier: Apache-2.0 */
#include <sys/epoll.h>
#include <sys/queue.h>
#include <time.h>

#include "curl-loop.h"
#include "macro.h"

/* One socket curl watches: its io source. */
typedef struct CurlSock {
	CurlLoop *loop;
	curl_socket_t fd;
	sd_event_source *source;
	LIST_ENTRY(CurlSock) link;
} CurlSock;

struct CurlLoop {
	sd_event *event;
	CURLM *multi;
	sd_event_source *timer;
	LIST_HEAD(, CurlSock) socks;
	unsigned n_transfers;
};

static void curl_sock_free(CurlSock *cs) {
	if (!cs)
		return;
	LIST_REMOVE(cs, link);
	sd_event_source_disable_unref(cs->source);
	free(cs);
}

/* Hand finished transfers to their owners. Runs outside every curl callback, so owners may
 * remove, free or re-add handles. */
static void probe_curl_loop_dispatch(CurlLoop *l) {
	CURLMsg *msg;
	int left;

	while ((msg = sym_curl_multi_info_read(l->multi, &left))) {
		CurlTransfer *t = NULL;
		CURLcode code = msg->data.result;

		if (msg->msg != CURLMSG_DONE)
			continue;
		sym_curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		sym_curl_multi_remove_handle(l->multi, msg->easy_handle);
		if (!t)
			continue;
		t->active = false;
		l->n_transfers--;
		t->done(t, code);
	}
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	CurlSock *cs = userdata;
	CurlLoop *l = cs->loop;
	int flags = 0, running = 0;

	if (revents & (EPOLLIN | EPOLLHUP))
		flags |= CURL_CSELECT_IN;
	if (revents & EPOLLOUT)
		flags |= CURL_CSELECT_OUT;
	if (revents & EPOLLERR)
		flags |= CURL_CSELECT_ERR;
	/* cs may be gone after this call (CURL_POLL_REMOVE). */
	sym_curl_multi_socket_action(l->multi, fd, flags, &running);
	probe_curl_loop_dispatch(l);
	return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
	CurlLoop *l = userdata;
	int running = 0;

	sym_curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	probe_curl_loop_dispatch(l);
	return 0;
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
	CurlLoop *l = userp;
	CurlSock *cs = socketp;
	uint32_t events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (cs) {
			sym_curl_multi_assign(l->multi, fd, NULL);
			curl_sock_free(cs);
		}
		return 0;
	}
	if (what & CURL_POLL_IN)
		events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		events |= EPOLLOUT;

	if (cs) {
		if (sd_event_source_set_io_events(cs->source, events) < 0)
			return -1;
		return sd_event_source_set_enabled(cs->source, SD_EVENT_ON) < 0 ? -1 : 0;
	}
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return -1;
	cs->loop = l;
	cs->fd = fd;
	if (sd_event_add_io(l->event, &cs->source, fd, events, on_io, cs) < 0) {
		free(cs);
		return -1;
	}
	sd_event_source_set_description(cs->source, "probe-curl-io");
	LIST_INSERT_HEAD(&l->socks, cs, link);
	sym_curl_multi_assign(l->multi, fd, cs);
	return 0;
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
	CurlLoop *l = userp;
	uint64_t now;
	int r;

	if (timeout_ms < 0)
		return l->timer ? (sd_event_source_set_enabled(l->timer, SD_EVENT_OFF) < 0 ? -1 : 0)
		                : 0;
	r = sd_event_now(l->event, CLOCK_MONOTONIC, &now);
	if (r < 0)
		return -1;
	now += (uint64_t)timeout_ms * 1000U;
	if (!l->timer) {
		/* accuracy 1 ms: curl's timeouts are in ms; the default 250 ms would stretch them
		 */
		r = sd_event_add_time(l->event, &l->timer, CLOCK_MONOTONIC, now, 1000, on_timer, l);
		if (r < 0)
			return -1;
		sd_event_source_set_description(l->timer, "probe-curl-timer");
		return 0;
	}
	if (sd_event_source_set_time(l->timer, now) < 0)
		return -1;
	return sd_event_source_set_enabled(l->timer, SD_EVENT_ONESHOT) < 0 ? -1 : 0;
}

int probe_curl_loop_new(sd_event *event, CurlLoop **ret) {
	CurlLoop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->event = sd_event_ref(event);
	LIST_INIT(&l->socks);
	l->multi = sym_curl_multi_init();
	if (!l->multi) {
		probe_curl_loop_free(l);
		return -ENOMEM;
	}
	sym_curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	sym_curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	sym_curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	sym_curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	*ret = l;
	return 0;
}

CurlLoop *probe_curl_loop_free(CurlLoop *l) {
	if (!l)
		return NULL;
	if (l->multi)
		sym_curl_multi_cleanup(l->multi);
	while (!LIST_EMPTY(&l->socks))
		curl_sock_free(LIST_FIRST(&l->socks));
	sd_event_source_disable_unref(l->timer);
	sd_event_unref(l->event);
	free(l);
	return NULL;
}

int probe_curl_loop_add(CurlLoop *l, CurlTransfer *t) {
	CURLMcode mc;

	if (t->active)
		return -EBUSY;
	sym_curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	mc = sym_curl_multi_add_handle(l->multi, t->easy);
	if (mc != CURLM_OK)
		return mc == CURLM_OUT_OF_MEMORY ? -ENOMEM : -EIO;
	t->active = true;
	l->n_transfers++;
	return 0;
}

void probe_curl_loop_remove(CurlLoop *l, CurlTransfer *t) {
	if (!t || !t->active)
		return;
	sym_curl_multi_remove_handle(l->multi, t->easy);
	t->active = false;
	l->n_transfers--;
}
