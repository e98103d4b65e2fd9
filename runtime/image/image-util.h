/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers private to the image store: string vectors, JSON decoding of untrusted input,
 * human sizes. Prefixed img_ so they never clash with helpers common/ may grow. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "macro.h"

size_t img_strv_length(char *const *l);
/* A deep copy; NULL stays NULL. Returns -ENOMEM. */
int img_strv_copy(char *const *l, char ***ret);
/* Append a copy of s (or take s with img_strv_consume). */
int img_strv_push(char ***l, size_t *n, const char *s);
int img_strv_consume(char ***l, size_t *n, char *s);
bool img_strv_contains(char *const *l, const char *s);

static inline void json_object_putp(json_object **o) {
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

/* Strict JSON (RFC 8259, UTF-8 validated, no trailing data, no NUL bytes, depth <= 64) of
 * untrusted input. what names the document in messages. */
int img_json_parse(const char *data, size_t len, const char *what, json_object **ret, Diag *diag);

/* Typed member access that reports a wrong type. Absent or null members give 0 and NULL. */
int img_json_string(json_object *obj, const char *key, const char *what, const char **ret,
                    Diag *diag);
int img_json_strv(json_object *obj, const char *key, const char *what, size_t max, char ***ret,
                  Diag *diag);
int img_json_int64(json_object *obj, const char *key, const char *what, int64_t *ret, bool *present,
                   Diag *diag);
json_object *img_json_new_strv(char *const *l);
