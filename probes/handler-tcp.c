/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tcpSocket (KUBELET-BEHAVIOUR.md §2.4; pkg/probe/tcp/tcp.go DoTCPProbe): connect to host:port
 * within the timeout, close, Success; any error is a Failure with net.Dial's text
 * ("dial tcp 127.0.0.1:81: connect: connection refused", "dial tcp 10.0.0.9:81: i/o timeout").
 * An IP literal is connected here without blocking; a host name goes through curl's resolver and
 * a connect-only transfer, so no lookup ever blocks the loop.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include "curl-common.h"
#include "go-format.h"

typedef struct TcpProbe {
	ProbeRun *run;
	int fd;
	sd_event_source *io;
	sd_event_source *timer;
	/* host names */
	CurlLoop *loop;
	CurlTransfer xfer;
	char errbuf[CURL_ERROR_SIZE];
} TcpProbe;

static void tcp_probe_free(TcpProbe *t) {
	if (!t)
		return;
	sd_event_source_disable_unref(t->io);
	sd_event_source_disable_unref(t->timer);
	safe_close(t->fd);
	if (t->loop)
		probe_curl_loop_remove(t->loop, &t->xfer);
	if (t->xfer.easy)
		sym_curl_easy_cleanup(t->xfer.easy);
	free(t);
}

static void tcp_finish(TcpProbe *t, int err, bool timeout) {
	ProbeBuf b;

	if (err == 0 && !timeout) {
		/* close() at once; SO_LINGER {1,1} as probe.ProbeDialer keeps TIME_WAIT away */
		t->fd = safe_close(t->fd);
		probe_run_finish(t->run, PROBE_OUTCOME_SUCCESS, "");
		return;
	}
	probe_buf_init(&b, 1024);
	probe_buf_puts(&b, "dial tcp ");
	probe_go_join_host_port(&b, t->run->host, t->run->spec->port);
	if (timeout)
		probe_buf_puts(&b, ": i/o timeout");
	else {
		probe_buf_puts(&b, ": connect: ");
		probe_go_errno(&b, err);
	}
	probe_run_finish(t->run, PROBE_OUTCOME_FAILURE, probe_buf_str(&b));
	probe_buf_done(&b);
}

static int on_connected(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	TcpProbe *t = userdata;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	t->io = sd_event_source_disable_unref(t->io);
	t->timer = sd_event_source_disable_unref(t->timer);
	tcp_finish(t, err, false);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
	TcpProbe *t = userdata;

	t->io = sd_event_source_disable_unref(t->io);
	t->timer = sd_event_source_disable_unref(t->timer);
	tcp_finish(t, 0, true);
	return 0;
}

static int tcp_connect_ip(TcpProbe *t, int family) {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} a = { 0 };
	socklen_t alen;
	struct linger l = { .l_onoff = 1, .l_linger = 1 };
	uint64_t now;
	int r;

	if (family == AF_INET) {
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons(t->run->spec->port);
		inet_pton(AF_INET, t->run->host, &a.in.sin_addr);
		alen = sizeof(a.in);
	} else {
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons(t->run->spec->port);
		inet_pton(AF_INET6, t->run->host, &a.in6.sin6_addr);
		alen = sizeof(a.in6);
	}
	t->fd = probe_socket(t->run, family, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP);
	if (t->fd < 0)
		return t->fd;
	(void)setsockopt(t->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));

	if (connect(t->fd, &a.sa, alen) == 0) {
		tcp_finish(t, 0, false);
		return 0;
	}
	if (errno != EINPROGRESS) {
		tcp_finish(t, errno, false);
		return 0;
	}
	r = sd_event_add_io(t->run->manager->event, &t->io, t->fd, EPOLLOUT, on_connected, t);
	if (r < 0)
		return r;
	sd_event_source_set_description(t->io, "probe-tcp-connect");
	if (t->run->timeout_usec == PROBE_TIMEOUT_NONE)
		return 0;
	r = sd_event_now(t->run->manager->event, CLOCK_MONOTONIC, &now);
	if (r < 0)
		return r;
	r = sd_event_add_time(t->run->manager->event, &t->timer, CLOCK_MONOTONIC,
	                      now + t->run->timeout_usec, 1000, on_timeout, t);
	if (r < 0)
		return r;
	sd_event_source_set_description(t->timer, "probe-tcp-timeout");
	return 0;
}

static void tcp_name_done(CurlTransfer *x, CURLcode code) {
	TcpProbe *t = (TcpProbe *)((char *)x - offsetof(TcpProbe, xfer));
	long os_errno = 0;
	ProbeBuf b;

	if (code == CURLE_OK) {
		tcp_finish(t, 0, false);
		return;
	}
	sym_curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &os_errno);
	if (code == CURLE_OPERATION_TIMEDOUT) {
		tcp_finish(t, 0, true);
		return;
	}
	if (code == CURLE_COULDNT_CONNECT) {
		tcp_finish(t, os_errno ? (int)os_errno : ECONNREFUSED, false);
		return;
	}
	probe_buf_init(&b, 1024);
	if (code == CURLE_COULDNT_RESOLVE_HOST)
		probe_buf_printf(&b, "dial tcp: lookup %s: no such host", t->run->host);
	else
		probe_buf_printf(&b, "dial tcp: %s",
		                 t->errbuf[0] ? t->errbuf : sym_curl_easy_strerror(code));
	probe_run_finish(t->run, PROBE_OUTCOME_FAILURE, probe_buf_str(&b));
	probe_buf_done(&b);
}

static int tcp_connect_name(TcpProbe *t) {
	_cleanup_free_ char *url = NULL;
	long ms = probe_timeout_ms(t->run->timeout_usec);
	int r;

	if (asprintf(&url, "http://%s:%u/", t->run->host, t->run->spec->port) < 0)
		return -ENOMEM;
	r = probe_manager_get_curl(t->run, &t->loop);
	if (r < 0)
		return r;
	r = probe_curl_easy_new(t->run, t->errbuf, &t->xfer.easy);
	if (r < 0)
		return r;
	t->xfer.done = tcp_name_done;
	sym_curl_easy_setopt(t->xfer.easy, CURLOPT_URL, url);
	sym_curl_easy_setopt(t->xfer.easy, CURLOPT_CONNECT_ONLY, 1L);
	sym_curl_easy_setopt(t->xfer.easy, CURLOPT_TIMEOUT_MS, ms);
	sym_curl_easy_setopt(t->xfer.easy, CURLOPT_CONNECTTIMEOUT_MS, ms);
	return probe_curl_loop_add(t->loop, &t->xfer);
}

static int tcp_start(ProbeRun *run) {
	TcpProbe *t = calloc(1, sizeof(*t));
	int family;

	if (!t)
		return -ENOMEM;
	t->fd = -EBADF;
	t->run = run;
	run->handler_data = t;
	family = probe_ip_literal_family(run->host);
	if (family)
		return tcp_connect_ip(t, family);
	return tcp_connect_name(t);
}

static void tcp_stop(ProbeRun *run) {
	tcp_probe_free(run->handler_data);
	run->handler_data = NULL;
}

const ProbeHandlerOps probe_handler_tcp = {
	.kind = PROBE_KIND_TCP_SOCKET,
	.start = tcp_start,
	.stop = tcp_stop,
};
