/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Follow one container instance's CRI log file as it grows (`kubectl logs -f`, `skiff run`):
 * inotify on its directory, lines rendered as `kubectl logs` prints them, rotation followed
 * (the old file is read to its end, then the new one from its start). Never blocks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

typedef struct LogFollow LogFollow;

typedef void (*log_follow_line_t)(LogFollow *f, const char *text, size_t len, void *userdata);

/* from_end: start at the current end (true) or at the file's start (false). */
int log_follow_new(sd_event *event, const char *path, bool timestamps, bool from_end,
                   log_follow_line_t line, void *userdata, LogFollow **ret);
/* Read what is there now (also done on every inotify event). */
void log_follow_poll(LogFollow *f);
LogFollow *log_follow_free(LogFollow *f);
const char *log_follow_path(const LogFollow *f);
