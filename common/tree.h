/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One object tree for JSON and YAML input: both are decoded into json-c objects, so a single
 * decoder serves manifests, configuration and scenario files, whatever their syntax.
 *
 * YAML follows what the Kubernetes tooling accepts (sigs.k8s.io/yaml over go-yaml v2): plain
 * scalars resolve to null, booleans (true/false/yes/no/on/off/y/n, the case forms go-yaml
 * knows), integers (decimal, 0x, 0o, 0b, leading-0 octal, '_' ignored) and floats; quoted and
 * block scalars stay strings; explicit !!str !!int !!float !!bool !!null tags are honoured (any
 * other tag keeps a string; !!binary is not decoded); anchors and aliases expand (bounded
 * against alias bombs); merge keys ("<<") merge; scalar keys become strings ("1", "true",
 * "1.5"); a repeated key is an error, as in go-yaml; multi-document streams give one tree per
 * non-empty document.
 *
 * Numbers: integers within int64 are json_type_int; other numbers (floats, integers beyond
 * int64) are json_type_double created with json_object_new_double_s, so their text is kept and
 * a Quantity written as `1e3`, `0.5` or `99999999999999999999` reaches the Quantity parser digit
 * for digit. YAML float text is normalised to JSON number syntax (`+.5` -> `0.5`, `1.` -> `1`).
 * (sigs.k8s.io/yaml instead goes through float64 and re-prints, so the kubelet would see
 * `1e9` as "1000000000": same value, other Quantity format.) `.inf`, `-.inf`, `.nan` give
 * non-finite doubles.
 *
 * Input starting (after whitespace and a UTF-8 BOM) with '{' or '[' is one JSON document,
 * parsed by json-c as encoding/json would (strict; NaN, "1.", single quotes and raw control
 * characters refused; the last of repeated keys wins). A YAML flow sequence or mapping as the
 * whole document therefore needs a leading "---".
 *
 * Aliases share the anchored json-c objects (reference counts), so treat trees as read-only,
 * or json_object_deep_copy() a subtree before changing it.
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
 * Parse JSON or YAML text (len bytes, need not be NUL-terminated); limits may be NULL for
 * TREE_LIMITS_DEFAULT, diag may be NULL. Returns 0 and the documents in *ret (free with
 * tree_docs_free). On a syntax error returns -EINVAL and records one error with its line and column
 * ("line 3, column 7: mapping values are not allowed in this context") in diag. Exceeding a limit
 * gives -E2BIG with a message ("nesting deeper than 64 levels", "the document expands to more than
 * 1000000 nodes"). *ret is untouched on failure.
 */
int tree_parse(const char *data, size_t len, const TreeLimits *limits, TreeDocs *ret, Diag *diag);

/*
 * Serialize a tree as one YAML document (block style, keys in object order), for `-o yaml`:
 * strings are quoted only where plain text would read back as another type or cannot be
 * written plain, numbers print their text. tree_parse(tree_to_yaml(x)) is tree_equal to x.
 * *ret is malloc'd.
 */
int tree_to_yaml(json_object *o, char **ret);

/* Lookup helpers for decoders: NULL when the key is absent or the value is JSON null. */
json_object *tree_get(json_object *obj, const char *key);
const char *tree_type_name(json_object *o);   /* "string", "integer", "number", "boolean", ... */
const char *tree_json_type_name(json_type t); /* the same word for a type */

/*
 * Same type and value everywhere, keys in the same order; numbers compare by value and, when
 * finite, by their text too ("1.50" differs from "1.5": a Quantity sees the text).
 */
bool tree_equal(json_object *a, json_object *b);
