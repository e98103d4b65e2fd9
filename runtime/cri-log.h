/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CRI log file the kubelet reads (`kubectl logs`): one record per line,
 *   <RFC3339Nano> <stdout|stderr> <P|F> <text>\n
 * F for a full line (its newline is not part of the text, nor a trailing "\r"), P for a chunk
 * of a longer line cut at max_line bytes, or for what is left without newline at EOF — the
 * behaviour of containerd's pkg/cri/io/logger.go redirectLogs.
 *
 * Rotation (the monitor does it itself, the agent may be away): when the live file reaches
 * max_size it is renamed to "<path>.<YYYYMMDD-HHMMSS>" (UTC; "-N" appended on a clash) and a new
 * one opened; rotated files beyond max_files - 1 are removed oldest first, so at most max_files
 * files exist, as with the kubelet's containerLogMaxFiles. Rotated files stay uncompressed:
 * gzip is left to the agent (the kubelet compresses all but the newest rotated file); files it
 * compressed ("<path>.<stamp>.gz") count and are pruned the same way.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum CriStream {
	CRI_STDOUT,
	CRI_STDERR,
	_CRI_STREAM_MAX,
} CriStream;

typedef struct CriLogPending {
	char *buf; /* grown on demand up to max_line + 1: untouched pages cost nothing */
	size_t len, alloc;
} CriLogPending;

typedef struct CriLog {
	char *path;
	int fd;
	uint64_t size;
	uint64_t max_size; /* 0 = never rotate */
	uint32_t max_files;
	uint32_t max_line;
	CriLogPending pending[_CRI_STREAM_MAX];
	uint64_t write_errors;  /* writes that failed (disk full ...): the output is dropped */
	int64_t rotated_second; /* the second of the last rotation and its "-N" there */
	int rotated_seq;
} CriLog;

/* Format one record's header ("<time> <stream> <tag> ") into buf; returns its length. */
size_t cri_log_format_header(char *buf, size_t size, int64_t now_ns, CriStream s, bool partial);

int cri_log_open(CriLog *l, const char *path, uint64_t max_size, uint32_t max_files,
                 uint32_t max_line);
/* Feed bytes read from a stream: complete lines are written at once, the rest waits. */
int cri_log_feed(CriLog *l, CriStream s, const char *data, size_t len, int64_t now_ns);
/* The stream ended: what waits is written as a partial record. */
int cri_log_flush(CriLog *l, CriStream s, int64_t now_ns);
/* Rotate now (also called by feed when max_size is reached). */
int cri_log_rotate(CriLog *l, int64_t now_ns);
void cri_log_close(CriLog *l);
