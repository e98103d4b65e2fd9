/* SPDX-License-Identifier: Apache-2.0 */
/* String helpers. */
#pragma once

#include "macro.h"

/* asprintf that returns the string, or NULL when out of memory. */
char *strprintf(const char *fmt, ...) _printf_(1, 2);
