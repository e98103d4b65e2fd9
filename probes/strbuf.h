/* SPDX-License-Identifier: Apache-2.0 */
/* A bounded, always NUL-terminated string builder for probe output and messages. Appends past
 * the bound are cut (truncated = true), never an error: a probe message is best effort. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef struct Strbuf {
	char *s;
	size_t len;
	size_t alloc;
	size_t max; /* content bytes kept at most */
	bool truncated;
	bool oom;
} Strbuf;

void strbuf_init(Strbuf *b, size_t max);
void strbuf_done(Strbuf *b);
void strbuf_reset(Strbuf *b);
void strbuf_append(Strbuf *b, const void *data, size_t n);
void strbuf_puts(Strbuf *b, const char *s);
void strbuf_printf(Strbuf *b, const char *fmt, ...) _printf_(2, 3);
/* The content ("" when empty); valid until the next change. */
const char *strbuf_str(const Strbuf *b);
/* Hand the string over (a fresh "" if empty); NULL on allocation failure. */
char *strbuf_steal(Strbuf *b);
