/* SPDX-License-Identifier: Apache-2.0 */
/* Settings every probe transfer shares (httpGet and grpc), and small curl helpers. */
#pragma once

#include "curl-dl.h"

#include "probe-internal.h"

/* A fresh easy handle set up as the kubelet's probe transport: no proxy, no keep-alive (a fresh
 * connection, closed after), no TLS verification, no compression, http/https only, SO_LINGER
 * {1, 1} like probe.ProbeDialer (no TIME_WAIT pile-up), no signals. */
int probe_curl_easy_new(ProbeRun *run, char *errbuf, CURL **ret);
/* Time left before deadline (CLOCK_MONOTONIC µs), at least 1 ms; 0 if already past. */
long probe_curl_timeout_ms(ProbeRun *run, uint64_t deadline);
/* A run's timeout for curl: ms, at least 1; 0 (curl: none) for PROBE_TIMEOUT_NONE. */
long probe_timeout_ms(uint64_t timeout_usec);
/* The host part of an absolute URL (curl's parser), or NULL. */
char *probe_curl_url_host(const char *url, char **ret_scheme);
/* Build a curl_slist from a NULL-terminated vector. */
int probe_curl_slist(char **lines, struct curl_slist **ret);
