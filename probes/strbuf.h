/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded, always NUL-terminated string builder for probe output and messages. Appends past
 * the bound are cut (truncated = true), never an error: a probe message is best effort. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef struct ProbeBuf {
	char *s;
	size_t len;
	size_t alloc;
	size_t max; /* content bytes kept at most */
	bool truncated;
	bool oom;
} ProbeBuf;

void probe_buf_init(ProbeBuf *b, size_t max);
void probe_buf_done(ProbeBuf *b);
void probe_buf_reset(ProbeBuf *b);
void probe_buf_append(ProbeBuf *b, const void *data, size_t n);
void probe_buf_puts(ProbeBuf *b, const char *s);
void probe_buf_printf(ProbeBuf *b, const char *fmt, ...) _printf_(2, 3);
/* The content ("" when empty); valid until the next change. */
const char *probe_buf_str(const ProbeBuf *b);
/* Hand the string over (a fresh "" if empty); NULL on allocation failure. */
char *probe_buf_steal(ProbeBuf *b);
