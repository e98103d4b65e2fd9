/* SPDX-License-Identifier: Apache-2.0 */
/* Shared between the tree-*.c files only; users include tree.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tree.h"

#define TREE_TAG_PREFIX "tag:yaml.org,2002:"

/* What a plain YAML scalar resolves to (go-yaml v2, resolve.go). */
typedef enum TreeScalarKind {
	TREE_SCALAR_NULL,
	TREE_SCALAR_BOOL,
	TREE_SCALAR_INT,
	TREE_SCALAR_FLOAT,
	TREE_SCALAR_STRING,
} TreeScalarKind;

TreeScalarKind tree_plain_kind(const char *s, size_t len);

/*
 * Build the json-c value of a YAML scalar: tag is the event's tag (NULL when none), implicit
 * whether the scalar may be resolved (a plain scalar without a specific tag). *ret is NULL
 * for null. A tag the text cannot satisfy gives -EINVAL and a go-yaml message in *ret_error.
 */
int tree_scalar_value(const char *s, size_t len, const char *tag, bool implicit, json_object **ret,
                      char **ret_error);

/* The mapping key text sigs.k8s.io/yaml makes of a scalar value; -EINVAL for null. */
int tree_key_text(json_object *o, char **ret); /* -EBADMSG: holds a NUL byte */

/* 1-based line and column (in characters) of a byte offset. */
void tree_position(const char *data, size_t len, size_t offset, size_t *line, size_t *column);

int tree_docs_append(TreeDocs *d, json_object *o);

int tree_parse_json(const char *data, size_t len, const TreeLimits *limits, TreeDocs *docs,
                    Diag *diag);
int tree_parse_yaml(const char *data, size_t len, const TreeLimits *limits, TreeDocs *docs,
                    Diag *diag);
