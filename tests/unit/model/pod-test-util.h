/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for the pod model's unit tests: JSON written with single quotes, message checks. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "diag.h"
#include "pod.h"

/* Test JSON is written with ' for " to stay readable in C. */
static inline json_object *J(const char *text) {
	char *s = strdup(text);
	json_object *o;

	assert_non_null(s);
	for (char *c = s; *c; c++)
		if (*c == '\'')
			*c = '"';
	o = json_tokener_parse(s);
	if (!o)
		fail_msg("bad test JSON: %s", s);
	free(s);
	return o;
}

static inline void diag_dump(const Diag *d) {
	for (size_t i = 0; i < d->n_errors; i++)
		print_message("  error: %s\n", d->errors[i]);
	for (size_t i = 0; i < d->n_warnings; i++)
		print_message("  warning: %s\n", d->warnings[i]);
}

static inline bool diag_has(char *const *l, size_t n, const char *line) {
	for (size_t i = 0; i < n; i++)
		if (streq(l[i], line))
			return true;
	return false;
}

#define assert_error(d, line)                                                                      \
	do {                                                                                       \
		if (!diag_has((d)->errors, (d)->n_errors, (line))) {                               \
			diag_dump(d);                                                              \
			fail_msg("missing error: %s", (line));                                     \
		}                                                                                  \
	} while (0)

#define assert_warning(d, line)                                                                    \
	do {                                                                                       \
		if (!diag_has((d)->warnings, (d)->n_warnings, (line))) {                           \
			diag_dump(d);                                                              \
			fail_msg("missing warning: %s", (line));                                   \
		}                                                                                  \
	} while (0)

#define assert_n_errors(d, n)                                                                      \
	do {                                                                                       \
		if ((d)->n_errors != (size_t)(n)) {                                                \
			diag_dump(d);                                                              \
			fail_msg("expected %zu errors, got %zu", (size_t)(n), (d)->n_errors);      \
		}                                                                                  \
	} while (0)

/* A valid pod, its spec given as JSON text (single quotes), e.g. "'containers':[...]". */
#define POD_JSON(spec)                                                                             \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'web'},'spec':{" spec "}}"
#define ONE_CONTAINER(extra) "'containers':[{'name':'app','image':'busybox'" extra "}]"

/* Decode + default + validate; the pod must be valid. */
static inline Pod *load_ok(const char *text) {
	json_object *o = J(text);
	Diag d = {};
	Pod *pod = NULL;
	int r = pod_from_json(o, NULL, &pod, &d);

	if (r < 0 || d.n_errors > 0) {
		diag_dump(&d);
		fail_msg("pod rejected: %d", r);
	}
	diag_clear(&d);
	json_object_put(o);
	return pod;
}

/* Decode + default + validate; the pod must be rejected. The caller clears d. */
static inline void load_err(const char *text, Diag *d) {
	json_object *o = J(text);
	Pod *pod = NULL;
	int r = pod_from_json(o, NULL, &pod, d);

	if (r >= 0) {
		diag_dump(d);
		pod_free(pod);
		fail_msg("pod accepted");
	}
	assert_null(pod);
	json_object_put(o);
}

/* Must be valid and produce exactly this warning set (checked by the caller). */
static inline Pod *load_warn(const char *text, Diag *d) {
	json_object *o = J(text);
	Pod *pod = NULL;
	int r = pod_from_json(o, NULL, &pod, d);

	if (r < 0) {
		diag_dump(d);
		fail_msg("pod rejected: %d", r);
	}
	json_object_put(o);
	return pod;
}
