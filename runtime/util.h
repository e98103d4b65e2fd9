/* SPDX-License-Identifier: Apache-2.0 */
/* runtime/ internals: string vectors, process identity (pid + start time), pidfds, openat2. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "macro.h"
#include "runtime.h"
#include "fileio.h"
#include "strv.h"

/* Fill a RuntimeError: "<formatted>: <strerror(err)>" (err > 0) or just the text (err 0).
 * Returns -err (or -EIO for err 0) so callers can `return runtime_error(...)`. */
int runtime_error(RuntimeError *e, int err, const char *fmt, ...) _printf_(3, 4);

/* /proc/PID/stat field 22 (starttime, clock ticks after boot): with the pid it names one
 * process for ever, whatever the pid is reused for later. */
int proc_start_time(pid_t pid, uint64_t *ret);
/* A pidfd of pid that is known to be the process that started at start_time. */
int pidfd_open_checked(pid_t pid, uint64_t start_time, int *ret_pidfd);

/* Sanitized builds: LeakSanitizer checks at exit from a helper task it clones; once the
 * monitor changed the pid namespace of its children (unshare/setns CLONE_NEWPID), that task
 * cannot see its parent and the check hangs. So check now, before, and not at exit. */
void sanitizer_check_leaks_now(void);
/* For a new image of ours (execve keeps where children go): the environment entry that turns
 * the exit check off when the pid namespace changed (NULL otherwise, and when not sanitized). */
const char *sanitizer_exec_env(void);

/* Phase timing for profiling (SKIFF_MONITOR_TRACE=1): "+<ms> <what>" on stderr, relative to
 * t0 (CLOCK_MONOTONIC ns); nothing when t0 is 0. */
int64_t monotonic_ns(void);
void trace_point(int64_t t0, const char *what);

int openat2_beneath(int dirfd, const char *path, int flags, uint64_t resolve, mode_t mode);
/* A nul-terminated copy of at most max bytes; -E2BIG beyond. */
int strdup_bounded(const char *s, size_t max, char **ret);
