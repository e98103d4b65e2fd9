/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Diagnostics: a bounded list of "<field path>: <message>" errors and warnings, so a parser
 * or validator reports every problem of an input at once, and the boundary (CLI, agent) prints
 * them with the file name in front. Library code never prints; it fills a Diag.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#define DIAG_MAX_ENTRIES 200

typedef struct Diag {
	char **errors; /* "path: message" */
	size_t n_errors;
	char **warnings;
	size_t n_warnings;
	bool truncated; /* more than DIAG_MAX_ENTRIES were reported */
} Diag;

/* Record an error at a field path (path may be NULL or "" for the document itself); a NULL d
 * records nothing, for callers that only want the return code. */
void diag_error(Diag *d, const char *path, const char *fmt, ...) _printf_(3, 4);
void diag_warning(Diag *d, const char *path, const char *fmt, ...) _printf_(3, 4);
static inline bool diag_failed(const Diag *d) {
	return d->n_errors > 0;
}
void diag_clear(Diag *d);
/* Move every entry of src to the end of dst, with an optional path prefix. */
void diag_merge(Diag *dst, Diag *src, const char *prefix);
/* Print every entry as "<origin>: <entry>" (origin may be NULL) to a stream. */
void diag_print(const Diag *d, const char *origin, FILE *f);

/* Field path helpers: "parent.key" and "parent[index]" (no leading dot when parent is empty). */
char *path_key(const char *parent, const char *key);
char *path_index(const char *parent, size_t index);
