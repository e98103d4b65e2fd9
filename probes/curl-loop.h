/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl's multi interface on sd-event: curl's socket callback maps to io sources, its timer
 * callback to one CLOCK_MONOTONIC time source, finished transfers to a callback per transfer.
 * Nothing here blocks; one CurlLoop per ProbeManager.
 */
#pragma once

#include "curl-dl.h"
#include <stdbool.h>
#include <systemd/sd-event.h>

typedef struct CurlLoop CurlLoop;
typedef struct CurlTransfer CurlTransfer;

struct CurlTransfer {
	CURL *easy;
	/* The transfer ended (it is no longer in the multi handle). May free or re-add it. */
	void (*done)(CurlTransfer *t, CURLcode code);
	bool active;
};

int probe_curl_loop_new(sd_event *event, CurlLoop **ret);
/* Every transfer must have been removed first. */
CurlLoop *probe_curl_loop_free(CurlLoop *l);
/* Start t->easy (CURLOPT_PRIVATE is taken). */
int probe_curl_loop_add(CurlLoop *l, CurlTransfer *t);
/* Stop t->easy if it runs; done is not called. */
void probe_curl_loop_remove(CurlLoop *l, CurlTransfer *t);
