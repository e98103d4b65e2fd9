/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's log, written at the boundary only (STYLE.md §2). Under journald (JOURNAL_STREAM
 * names our stderr) every line goes to the journal with structured fields SKIFF_POD= and
 * SKIFF_CONTAINER= and its priority; otherwise plain lines on stderr with a timestamp.
 * One line per decision, never per poll.
 */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

void log_setup(void);
void log_set_max_level(int level);
int log_get_max_level(void);
bool log_to_journal(void);

/* pod: "namespace/name" or NULL; container: name or NULL. Returns -abs(error) when error != 0,
 * so callers can `return log_error_errno(r, ...)`. */
int log_full(int level, int error, const char *pod, const char *container, const char *fmt, ...)
        _printf_(5, 6);

#define log_debug(...) log_full(LOG_DEBUG, 0, NULL, NULL, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, 0, NULL, NULL, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, 0, NULL, NULL, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, 0, NULL, NULL, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, 0, NULL, NULL, __VA_ARGS__)
#define log_error_errno(e, ...) log_full(LOG_ERR, (e), NULL, NULL, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full(LOG_WARNING, (e), NULL, NULL, __VA_ARGS__)
#define log_pod(level, pod, ...) log_full((level), 0, (pod), NULL, __VA_ARGS__)
#define log_container(level, pod, ctr, ...) log_full((level), 0, (pod), (ctr), __VA_ARGS__)
