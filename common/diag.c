/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>

#include "diag.h"

static _printf_(5, 0) void diag_add(char ***list, size_t *n, bool *truncated, const char *path,
                                    const char *fmt, va_list ap) {
	_cleanup_free_ char *msg = NULL;
	char *entry = NULL;

	if (*n >= DIAG_MAX_ENTRIES) {
		*truncated = true;
		return;
	}
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	if (isempty(path))
		entry = TAKE_PTR(msg);
	else if (asprintf(&entry, "%s: %s", path, msg) < 0)
		return;

	char **l = realloc(*list, (*n + 1) * sizeof(char *));
	if (!l) {
		free(entry);
		return;
	}
	l[(*n)++] = entry;
	*list = l;
}

void diag_error(Diag *d, const char *path, const char *fmt, ...) {
	va_list ap;
	if (!d)
		return;
	va_start(ap, fmt);
	diag_add(&d->errors, &d->n_errors, &d->truncated, path, fmt, ap);
	va_end(ap);
}

void diag_warning(Diag *d, const char *path, const char *fmt, ...) {
	va_list ap;
	if (!d)
		return;
	va_start(ap, fmt);
	diag_add(&d->warnings, &d->n_warnings, &d->truncated, path, fmt, ap);
	va_end(ap);
}

void diag_clear(Diag *d) {
	for (size_t i = 0; i < d->n_errors; i++)
		free(d->errors[i]);
	for (size_t i = 0; i < d->n_warnings; i++)
		free(d->warnings[i]);
	free(d->errors);
	free(d->warnings);
	*d = (Diag){};
}

static void move_entries(char ***dst, size_t *n_dst, bool *truncated, char **src, size_t n_src,
                         const char *prefix) {
	for (size_t i = 0; i < n_src; i++) {
		char *entry = src[i];
		if (*n_dst >= DIAG_MAX_ENTRIES) {
			*truncated = true;
			free(entry);
			continue;
		}
		if (!isempty(prefix)) {
			char *p = NULL;
			if (asprintf(&p, "%s: %s", prefix, entry) >= 0) {
				free(entry);
				entry = p;
			}
		}
		char **l = realloc(*dst, (*n_dst + 1) * sizeof(char *));
		if (!l) {
			free(entry);
			continue;
		}
		l[(*n_dst)++] = entry;
		*dst = l;
	}
}

void diag_merge(Diag *dst, Diag *src, const char *prefix) {
	move_entries(&dst->errors, &dst->n_errors, &dst->truncated, src->errors, src->n_errors,
	             prefix);
	move_entries(&dst->warnings, &dst->n_warnings, &dst->truncated, src->warnings,
	             src->n_warnings, prefix);
	dst->truncated = dst->truncated || src->truncated;
	free(src->errors);
	free(src->warnings);
	*src = (Diag){};
}

void diag_print(const Diag *d, const char *origin, FILE *f) {
	const char *sep = origin ? ": " : "";
	origin = strempty(origin);
	for (size_t i = 0; i < d->n_warnings; i++)
		fprintf(f, "warning: %s%s%s\n", origin, sep, d->warnings[i]);
	for (size_t i = 0; i < d->n_errors; i++)
		fprintf(f, "%s%s%s\n", origin, sep, d->errors[i]);
	if (d->truncated)
		fprintf(f, "%s%stoo many errors, the rest were not reported\n", origin, sep);
}

char *path_key(const char *parent, const char *key) {
	char *p = NULL;
	if (isempty(parent))
		return strdup(key);
	if (asprintf(&p, "%s.%s", parent, key) < 0)
		return NULL;
	return p;
}

char *path_index(const char *parent, size_t index) {
	char *p = NULL;
	if (asprintf(&p, "%s[%zu]", strempty(parent), index) < 0)
		return NULL;
	return p;
}
