/* SPDX-License-Identifier: Apache-2.0 */
/* tree_parse: JSON or YAML by the first character; the document list; lookup helpers. */
#include <errno.h>
#include <math.h>

#include "macro.h"
#include "tree-internal.h"

void tree_docs_free(TreeDocs *d) {
	if (!d)
		return;
	for (size_t i = 0; i < d->n_docs; i++)
		json_object_put(d->docs[i]);
	free(d->docs);
	*d = (TreeDocs){};
}

int tree_docs_append(TreeDocs *d, json_object *o) {
	json_object **l = realloc(d->docs, (d->n_docs + 1) * sizeof(json_object *));
	if (!l) {
		json_object_put(o);
		return -ENOMEM;
	}
	l[d->n_docs++] = o;
	d->docs = l;
	return 0;
}

void tree_position(const char *data, size_t len, size_t offset, size_t *line, size_t *column) {
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset && i < len; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*column = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80) /* count characters */
			(*column)++;
	}
}

int tree_parse(const char *data, size_t len, const TreeLimits *limits, TreeDocs *ret, Diag *diag) {
	const TreeLimits def = TREE_LIMITS_DEFAULT;
	TreeDocs docs = {};
	Diag ignored = {};
	size_t i = 0;
	int r;

	if (!limits)
		limits = &def;
	if (!diag)
		diag = &ignored;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	size_t skip = i;
	while (i < len && strchr(" \t\r\n", data[i]) && data[i])
		i++;
	/* JSON is YAML too, but json-c decodes it the way encoding/json does (numbers, escapes) */
	if (i < len && (data[i] == '{' || data[i] == '[')) {
		r = tree_parse_json(data + skip, len - skip, limits, &docs, diag);
	} else
		r = tree_parse_yaml(data, len, limits, &docs, diag);
	diag_clear(&ignored);
	if (r < 0) {
		tree_docs_free(&docs);
		return r;
	}
	*ret = docs;
	return 0;
}

json_object *tree_get(json_object *obj, const char *key) {
	json_object *v = NULL;
	if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v; /* JSON null is a NULL json_object */
}

const char *tree_type_name(json_object *o) {
	return tree_json_type_name(json_object_get_type(o));
}

const char *tree_json_type_name(json_type t) {
	switch (t) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_double:
		return "number";
	case json_type_int:
		return "integer";
	case json_type_object:
		return "object";
	case json_type_array:
		return "array";
	case json_type_string:
		return "string";
	}
	return "null";
}

static bool number_equal(json_object *a, json_object *b) {
	double x = json_object_get_double(a), y = json_object_get_double(b);
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	return x == y && (isinf(x) || streq(json_object_get_string(a), json_object_get_string(b)));
}

static bool object_equal(json_object *a, json_object *b) {
	struct lh_entry *ea = json_object_get_object(a)->head,
	                *eb = json_object_get_object(b)->head;

	for (; ea && eb; ea = ea->next, eb = eb->next)
		if (!streq((const char *)ea->k, (const char *)eb->k) ||
		    !tree_equal((json_object *)ea->v, (json_object *)eb->v))
			return false;
	return !ea && !eb;
}

bool tree_equal(json_object *a, json_object *b) {
	enum json_type t = json_object_get_type(a);

	if (t != json_object_get_type(b))
		return false;
	switch (t) {
	case json_type_null:
		return true;
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_int:
		return json_object_get_int64(a) == json_object_get_int64(b) &&
		       json_object_get_uint64(a) == json_object_get_uint64(b);
	case json_type_double:
		return number_equal(a, b);
	case json_type_string:
		return json_object_get_string_len(a) == json_object_get_string_len(b) &&
		       memcmp(json_object_get_string(a), json_object_get_string(b),
		              (size_t)json_object_get_string_len(a)) == 0;
	case json_type_object:
		return object_equal(a, b);
	case json_type_array:
		if (json_object_array_length(a) != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < json_object_array_length(a); i++)
			if (!tree_equal(json_object_array_get_idx(a, i),
			                json_object_array_get_idx(b, i)))
				return false;
		return true;
	}
	return false;
}
