/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON that skiff's own parts exchange or take from image layouts and seccomp profiles
 * (config.json, sandbox.json, records, API bodies, OCI index/manifest/config): a strict bounded
 * parser, bounded diagnosing readers and writers. Manifests and configuration go through
 * tree.h instead (JSON or YAML, numbers kept as text).
 *
 * Readers: a key that is absent or null leaves the destination untouched; a key of the wrong
 * type or out of bounds records "<path>.<key>: <problem>" in the Diag and leaves it untouched.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "macro.h"
#include "tree.h" /* tree_get(): NULL if absent or null */

static inline void json_object_putp(json_object **o) {
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

typedef struct JsonReader {
	Diag *diag;
	const char *path; /* field path of the object being read, "" at the top */
} JsonReader;

#define JSON_MAX_DEPTH 64

/* Strict JSON (RFC 8259, UTF-8 validated, nesting at most JSON_MAX_DEPTH) of untrusted input:
 * len bytes, at most max_bytes, nothing but whitespace (or NUL padding) after the document.
 * what names the document in messages (NULL: none). */
int json_parse_bounded(const char *data, size_t len, size_t max_bytes, const char *what,
                       json_object **ret, Diag *diag);

bool json_check_object(const JsonReader *r, const char *key, json_object *v);

void json_read_string(const JsonReader *r, json_object *o, const char *key, size_t max, char **dst);
void json_read_bool(const JsonReader *r, json_object *o, const char *key, bool *dst);
/* Integers within [min, max]; returns true when present and valid. */
bool json_read_int64(const JsonReader *r, json_object *o, const char *key, int64_t min, int64_t max,
                     int64_t *dst);
bool json_read_uint64(const JsonReader *r, json_object *o, const char *key, uint64_t max,
                      uint64_t *dst);
/* An array of strings: at most max_n entries of at most max_len bytes each. */
void json_read_strv(const JsonReader *r, json_object *o, const char *key, size_t max_n,
                    size_t max_len, char ***dst);

/* Writers: a NULL string or vector is skipped. */
int json_add_string(json_object *o, const char *key, const char *v);
int json_add_strv(json_object *o, const char *key, char *const *l);
int json_add_int64(json_object *o, const char *key, int64_t v);
int json_add_uint64(json_object *o, const char *key, uint64_t v);
int json_add_bool(json_object *o, const char *key, bool v);
int json_add(json_object *o, const char *key, json_object *v); /* takes v */
json_object *json_new_strv(char *const *l);                    /* NULL: an empty array */
/* Serialize compactly (no slash escaping) into a malloc'ed string. */
int json_to_string_dup(json_object *o, char **ret);
