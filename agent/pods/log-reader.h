/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading the CRI log format back (pkg/kubelet/kuberuntime/logs/logs.go): each record is
 * "<RFC3339Nano> <stdout|stderr> <P|F> <text>"; P records are joined with the following ones
 * into one line, F ends it. Rendering follows `kubectl logs`: --tail=N lines, --timestamps
 * prefixes each line with its time, --limit-bytes bounds the output. Pure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CriRecord {
	const char *timestamp; /* not NUL-terminated: timestamp_len bytes */
	size_t timestamp_len;
	bool is_stderr;
	bool partial;
	const char *text;
	size_t text_len;
} CriRecord;

/* Parse one record (a line without its '\n'); -EINVAL when it is not in CRI format. */
int cri_record_parse(const char *line, size_t len, CriRecord *ret);

typedef struct LogRenderOptions {
	int64_t tail; /* < 0: all lines */
	bool timestamps;
	uint64_t limit_bytes; /* 0: no limit */
} LogRenderOptions;

/* Render file contents as `kubectl logs` prints them. *ret is NUL-terminated. */
int log_render(const char *data, size_t len, const LogRenderOptions *o, char **ret,
               size_t *ret_len);

/* An incremental renderer for following a log: feed bytes as they are appended; complete
 * output lines are delivered to the callback. */
typedef struct LogFollower {
	bool timestamps;
	char *buf; /* an incomplete record */
	size_t len;
	bool line_open; /* a partial record started a line that is not finished */
} LogFollower;

typedef void (*log_line_t)(const char *text, size_t len, void *userdata);
void log_follower_feed(LogFollower *f, const char *data, size_t len, log_line_t out,
                       void *userdata);
void log_follower_done(LogFollower *f);
