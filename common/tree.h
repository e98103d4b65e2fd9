/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One object tree for JSON and YAML input: both are decoded into json-c objects, so a single
 * decoder serves manifests, configuration and scenario files, whatever their syntax.
 *
 * YAML follows what the Kubernetes tooling accepts (sigs.k8s.io/yaml over go-yaml v2): plain
 * scalars resolve to null, booleans (true/false/yes/no/on/off, any case form go-yaml knows),
 * integers and floats; quoted and block scalars stay strings; anchors and aliases expand (bounded
 * against alias bombs); multi-document streams give one tree per non-empty document. Numbers keep
 * their source text (json_object_new_double_s), so a Quantity written as `1e3` or `0.5` reaches the
 * Quantity parser unchanged. Input starting with '{' or '[' is parsed as JSON with json-c.
 */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct TreeLimits {
	size_t max_depth;     /* nesting of maps/sequences */
	size_t max_nodes;     /* total nodes after alias expansion */
	size_t max_documents; /* documents in one YAML stream */
} TreeLimits;

#define TREE_LIMITS_DEFAULT                                                                        \
	((TreeLimits){ .max_depth = 64, .max_nodes = 1000000, .max_documents = 1000 })

/* A parsed document list. */
typedef struct TreeDocs {
	json_object **docs;
	size_t n_docs;
} TreeDocs;

void tree_docs_free(TreeDocs *d);

/*
 * Parse JSON or YAML text (len bytes, need not be NUL-terminated). On a syntax error returns
 * -EINVAL and records one error with its line and column ("line 3, column 7: mapping values
 * are not allowed in this context") in diag. Exceeding a limit gives -E2BIG with a message.
 */
int tree_parse(const char *data, size_t len, const TreeLimits *limits, TreeDocs *ret, Diag *diag);

/* Serialize a tree as YAML (block style, keys in object order), for `-o yaml`. */
int tree_to_yaml(json_object *o, char **ret);

/* Lookup helpers for decoders: NULL when the key is absent or the value is JSON null. */
json_object *tree_get(json_object *obj, const char *key);
const char *tree_type_name(json_object *o); /* "string", "integer", "number", "boolean", ... */

/*
 * Same type and value everywhere, keys in the same order; numbers compare by value and, when
 * finite, by their text too ("1.50" differs from "1.5": a Quantity sees the text).
 */
bool tree_equal(json_object *a, json_object *b);
