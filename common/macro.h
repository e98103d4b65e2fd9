/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small macros shared by every layer: ownership (_cleanup_, TAKE_PTR, TAKE_FD),
 * array sizes and the negative-errno convention helpers. Header only.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
/* The monitor's steady state (pumping output, waiting): the linker gathers these functions in
 * .text.hot, so the pages a long-lived monitor keeps mapped are few (see monitor-run.c). */
#define _hot_ __attribute__((hot))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _noreturn_ __attribute__((noreturn))
#define _fallthrough_ __attribute__((fallthrough))
#define _likely_(x) (__builtin_expect(!!(x), 1))
#define _unlikely_(x) (__builtin_expect(!!(x), 0))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Hand ownership on: returns the value and clears the variable so its cleanup does nothing. */
#define TAKE_GENERIC(var, type, nullvalue)                                                         \
	({                                                                                         \
		type *_pvar_ = &(var);                                                             \
		type _var_ = *_pvar_;                                                              \
		*_pvar_ = (nullvalue);                                                             \
		_var_;                                                                             \
	})
#define TAKE_PTR(p) TAKE_GENERIC(p, __typeof__(p), NULL)
#define TAKE_FD(fd) TAKE_GENERIC(fd, int, -EBADF)

/* Define a cleanup function for a pointer type from its destructor (which must accept NULL). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                    \
	static inline void func##p(type *p) {                                                      \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

static inline void *mfree(void *p) {
	free(p);
	return NULL;
}

static inline void freep(void *p) {
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd) {
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return -EBADF;
}
static inline void closep(int *fd) {
	*fd = safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

#include <dirent.h>
static inline void closedirp(DIR **d) {
	if (*d)
		closedir(*d);
}

/* A NULL-terminated string vector. */
static inline void strv_free(char **l) {
	if (!l)
		return;
	for (char **i = l; *i; i++)
		free(*i);
	free(l);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free)
#define _cleanup_strv_free_ _cleanup_(strv_freep)

/* Returns -errno of the last libc failure, never 0 (some libc paths forget errno). */
static inline int negative_errno(void) {
	return errno > 0 ? -errno : -EIO;
}

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)

static inline bool streq_ptr(const char *a, const char *b) {
	if (!a || !b)
		return a == b;
	return streq(a, b);
}

static inline const char *strempty(const char *s) {
	return s ? s : "";
}

static inline bool isempty(const char *s) {
	return !s || !*s;
}

static inline const char *startswith(const char *s, const char *prefix) {
	size_t l = strlen(prefix);
	return strncmp(s, prefix, l) == 0 ? s + l : NULL;
}
