/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "strutil.h"

char *strprintf(const char *fmt, ...) {
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}
