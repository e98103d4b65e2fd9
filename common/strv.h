/* SPDX-License-Identifier: Apache-2.0 */
/* NULL-terminated string vectors (strv_free is in macro.h). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#ifndef STRV_FOREACH
#define STRV_FOREACH(s, l) for (char **s = (l); s && *s; s++)
#endif

/* A vector holding a copy of first (or nothing when first is NULL). */
char **strv_new(const char *first);
char **strv_copy_const(const char *const *l);
size_t strv_length(char *const *l);
/* A copy of l into *ret; NULL stays NULL. */
int strv_copy(char *const *l, char ***ret);
bool strv_contains(char *const *l, const char *s);
/* Append (taking ownership of s even on failure). */
int strv_consume(char ***l, char *s);
int strv_extend(char ***l, const char *s);
/* The same when the caller keeps the length in *n (appending many stays linear). */
int strv_consume_n(char ***l, size_t *n, char *s);
int strv_extend_n(char ***l, size_t *n, const char *s);
