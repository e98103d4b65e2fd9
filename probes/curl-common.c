/* SPDX-License-Identifier: Apache-2.0 */
#include <limits.h>
#include <sys/socket.h>
#include <time.h>

#include "curl-common.h"

static int sockopt_cb(void *userdata, curl_socket_t fd, curlsocktype purpose) {
	/* probe.ProbeDialer: linger 1 s, so closed probe connections do not sit in TIME_WAIT */
	struct linger l = { .l_onoff = 1, .l_linger = 1 };
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	return CURL_SOCKOPT_OK;
}

static curl_socket_t opensocket_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *a) {
	int fd = probe_socket(clientp, a->family, a->socktype, a->protocol);
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

int probe_curl_easy_new(ProbeRun *run, char *errbuf, CURL **ret) {
	CURL *e = sym_curl_easy_init();

	if (!e)
		return -ENOMEM;
	errbuf[0] = 0;
	sym_curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	sym_curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(e, CURLOPT_PROXY, "");
	sym_curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	sym_curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	sym_curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
	sym_curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	sym_curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	sym_curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
	sym_curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	sym_curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	sym_curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, sockopt_cb);
	sym_curl_easy_setopt(e, CURLOPT_SOCKOPTDATA, run);
	if (run->netns_fd >= 0) {
		/* connect from the pod's network namespace */
		sym_curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, opensocket_cb);
		sym_curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, run);
	}
	*ret = e;
	return 0;
}

long probe_curl_timeout_ms(ProbeRun *run, uint64_t deadline) {
	uint64_t now;

	if (sd_event_now(run->manager->event, CLOCK_MONOTONIC, &now) < 0)
		return 1;
	if (now >= deadline)
		return 0;
	return (long)MAX((deadline - now + 999) / 1000, (uint64_t)1);
}

long probe_timeout_ms(uint64_t timeout_usec) {
	if (timeout_usec == PROBE_TIMEOUT_NONE)
		return 0;
	return (long)MIN(MAX(timeout_usec / 1000, (uint64_t)1), (uint64_t)LONG_MAX);
}

char *probe_curl_url_host(const char *url, char **ret_scheme) {
	CURLU *u = sym_curl_url();
	char *host = NULL, *scheme = NULL, *r = NULL;

	if (ret_scheme)
		*ret_scheme = NULL;
	if (!u)
		return NULL;
	if (sym_curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    sym_curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    sym_curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK) {
		r = strdup(host);
		if (ret_scheme)
			*ret_scheme = strdup(scheme);
	}
	sym_curl_free(host);
	sym_curl_free(scheme);
	sym_curl_url_cleanup(u);
	return r;
}

int probe_curl_slist(char **lines, struct curl_slist **ret) {
	struct curl_slist *l = NULL;

	for (char **p = lines; p && *p; p++) {
		struct curl_slist *n = sym_curl_slist_append(l, *p);
		if (!n) {
			sym_curl_slist_free_all(l);
			return -ENOMEM;
		}
		l = n;
	}
	*ret = l;
	return 0;
}
