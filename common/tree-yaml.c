/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML to json-c trees, from libyaml's event parser with an explicit stack (no recursion, so
 * nesting is bounded by TreeLimits and never by the C stack). Semantics of sigs.k8s.io/yaml
 * over go-yaml v2: anchors and aliases (an alias shares the anchored tree through json-c's
 * reference count; its expanded size and depth count against the limits, so an alias bomb
 * fails at once), merge keys, scalar keys turned into strings, duplicate keys refused,
 * empty documents skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <yaml.h>

#include "macro.h"
#include "tree-internal.h"

typedef struct Anchor {
	char *name;
	json_object *value;
	size_t nodes;  /* nodes of the anchored tree */
	size_t height; /* 0 for a scalar, 1 for a flat collection, ... */
} Anchor;

typedef struct Frame {
	json_object *obj; /* the object or array being filled */
	bool is_map;
	char *key; /* pending mapping key, until its value arrives */
	bool key_is_merge;
	yaml_mark_t key_mark;
	size_t *key_lines; /* line of each key of obj, in insertion order */
	size_t n_keys, n_key_lines_alloc;
	json_object **merges; /* values of "<<" keys, applied when the mapping ends */
	size_t n_merges;
	char *anchor;
	size_t nodes_before;
	size_t height; /* tallest child */
} Frame;

typedef struct Builder {
	const TreeLimits *limits;
	Diag *diag;
	TreeDocs *docs;
	Frame *stack;
	size_t depth, n_alloc;
	json_object *root;
	size_t nodes, documents;
	Anchor *anchors;
	size_t n_anchors, n_anchors_alloc;
	json_object *anchor_index; /* name -> index into anchors (the latest definition) */
	yaml_mark_t mark;          /* of the event at hand */
} Builder;

/* Room for n + 1 elements in *p, growing geometrically. */
static int grow(void **p, size_t *alloc, size_t n, size_t size) {
	if (n < *alloc)
		return 0;
	size_t a = MAX(*alloc * 2, (size_t)16);
	void *q = reallocarray(*p, a, size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*alloc = a;
	return 0;
}

static int fail(Builder *b, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(Builder *b, int r, const char *fmt, ...) {
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	diag_error(b->diag, NULL, "line %zu, column %zu: %s", b->mark.line + 1, b->mark.column + 1,
	           msg ? msg : "out of memory");
	return r;
}

static void frame_done(Frame *f) {
	json_object_put(f->obj);
	free(f->key);
	free(f->key_lines);
	for (size_t i = 0; i < f->n_merges; i++)
		json_object_put(f->merges[i]);
	free(f->merges);
	free(f->anchor);
	*f = (Frame){};
}

static void anchors_clear(Builder *b) {
	for (size_t i = 0; i < b->n_anchors; i++) {
		free(b->anchors[i].name);
		json_object_put(b->anchors[i].value);
	}
	free(b->anchors);
	b->anchors = NULL;
	b->n_anchors = b->n_anchors_alloc = 0;
	json_object_put(b->anchor_index);
	b->anchor_index = NULL;
}

static int count_nodes(Builder *b, size_t n) {
	if (n > b->limits->max_nodes || b->nodes > b->limits->max_nodes - n)
		return fail(b, -E2BIG, "the document expands to more than %zu nodes",
		            b->limits->max_nodes);
	b->nodes += n;
	return 0;
}

static int check_depth(Builder *b, size_t height) {
	if (b->depth + height > b->limits->max_depth)
		return fail(b, -E2BIG, "nesting deeper than %zu levels", b->limits->max_depth);
	return 0;
}

static int anchor_add(Builder *b, const char *name, json_object *value, size_t nodes,
                      size_t height) {
	if (!b->anchor_index && !(b->anchor_index = json_object_new_object()))
		return -ENOMEM;
	if (grow((void **)&b->anchors, &b->n_anchors_alloc, b->n_anchors, sizeof(Anchor)) < 0)
		return -ENOMEM;
	Anchor *a = b->anchors;
	json_object *idx = json_object_new_int64((int64_t)b->n_anchors);
	char *n = strdup(name);
	if (!idx || !n || json_object_object_add(b->anchor_index, name, idx) < 0) {
		json_object_put(idx);
		free(n);
		return -ENOMEM;
	}
	a[b->n_anchors++] = (Anchor){ n, json_object_get(value), nodes, height };
	return 0;
}

static const Anchor *anchor_find(Builder *b, const char *name) {
	json_object *idx;
	if (!b->anchor_index || !json_object_object_get_ex(b->anchor_index, name, &idx))
		return NULL;
	return &b->anchors[json_object_get_int64(idx)];
}

/* The merge value must be a mapping or a sequence of mappings (decode.go, merge). */
static bool merge_value_ok(json_object *v) {
	if (json_object_is_type(v, json_type_object))
		return true;
	if (!json_object_is_type(v, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_object))
			return false;
	return true;
}

static int map_add(Builder *b, Frame *f, json_object *v) {
	_cleanup_free_ char *key = TAKE_PTR(f->key);

	if (f->key_is_merge) {
		if (!merge_value_ok(v)) {
			json_object_put(v);
			return fail(b, -EINVAL,
			            "map merge requires map or sequence of maps as the value");
		}
		json_object **m = realloc(f->merges, (f->n_merges + 1) * sizeof(json_object *));
		if (!m) {
			json_object_put(v);
			return -ENOMEM;
		}
		f->merges = m;
		f->merges[f->n_merges++] = v;
		return 0;
	}
	if (json_object_object_get_ex(f->obj, key, NULL)) {
		size_t i = 0;
		json_object_put(v);
		json_object_object_foreach (f->obj, k, val) {
			(void)val;
			if (streq(k, key))
				break;
			i++;
		}
		b->mark = f->key_mark;
		return fail(b, -EINVAL, "mapping key \"%s\" already defined at line %zu", key,
		            f->key_lines[i]);
	}
	if (json_object_object_add(f->obj, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	f->n_keys++;
	return 0;
}

/* A finished value (owned) goes to its parent, or becomes the document. */
static int add_value(Builder *b, json_object *v, size_t height) {
	if (b->depth == 0) {
		b->root = v;
		return 0;
	}
	Frame *f = &b->stack[b->depth - 1];
	f->height = MAX(f->height, height);
	if (f->is_map)
		return map_add(b, f, v);
	if (json_object_array_add(f->obj, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int set_key(Builder *b, Frame *f, char *key, bool is_merge) {
	if (grow((void **)&f->key_lines, &f->n_key_lines_alloc, f->n_keys, sizeof(size_t)) < 0) {
		free(key);
		return -ENOMEM;
	}
	f->key_lines[f->n_keys] = b->mark.line + 1;
	f->key_mark = b->mark;
	f->key = key;
	f->key_is_merge = is_merge;
	return 0;
}

/* A scalar (or an alias to one) in key position becomes the key's text. */
static int key_from_value(Builder *b, Frame *f, json_object *v) {
	char *key = NULL;
	int r = tree_key_text(v, &key);
	if (r == -EINVAL)
		return fail(b, r, "invalid map key: %s", v ? "a mapping or sequence" : "null");
	if (r == -EBADMSG)
		return fail(b, -EINVAL, "invalid map key: it contains a NUL character");
	if (r < 0)
		return r;
	return set_key(b, f, key, false);
}

static bool expecting_key(Builder *b) {
	return b->depth > 0 && b->stack[b->depth - 1].is_map && !b->stack[b->depth - 1].key;
}

static int on_scalar(Builder *b, const yaml_event_t *e) {
	const char *s = (const char *)e->data.scalar.value, *tag = (const char *)e->data.scalar.tag;
	const char *anchor = (const char *)e->data.scalar.anchor;
	size_t len = e->data.scalar.length;
	bool implicit = e->data.scalar.plain_implicit;
	_cleanup_free_ char *err = NULL;
	json_object *v = NULL;
	int r;

	if ((r = count_nodes(b, 1)) < 0)
		return r;
	/* decode.go isMerge: a plain "<<" (or one tagged !!merge) in key position */
	if (expecting_key(b) && len == 2 && memcmp(s, "<<", 2) == 0 && !anchor &&
	    (implicit || streq_ptr(tag, TREE_TAG_PREFIX "merge"))) {
		char *key = strdup("<<");
		return key ? set_key(b, &b->stack[b->depth - 1], key, true) : -ENOMEM;
	}
	r = tree_scalar_value(s, len, implicit && tag ? NULL : tag, implicit && !tag, &v, &err);
	if (r == -EINVAL)
		return fail(b, r, "%s", err ? err : "invalid scalar");
	if (r < 0)
		return r;
	if (anchor && (r = anchor_add(b, anchor, v, 1, 0)) < 0) {
		json_object_put(v);
		return r;
	}
	if (expecting_key(b)) {
		r = key_from_value(b, &b->stack[b->depth - 1], v);
		json_object_put(v);
		return r;
	}
	return add_value(b, v, 0);
}

static int on_alias(Builder *b, const yaml_event_t *e) {
	const char *name = (const char *)e->data.alias.anchor;
	const Anchor *a = anchor_find(b, name);
	int r;

	if (!a) {
		for (size_t i = 0; i < b->depth; i++)
			if (streq_ptr(b->stack[i].anchor, name))
				return fail(b, -EINVAL, "anchor '%s' value contains itself", name);
		return fail(b, -EINVAL, "unknown anchor '%s' referenced", name);
	}
	if ((r = count_nodes(b, a->nodes)) < 0 || (r = check_depth(b, a->height)) < 0)
		return r;
	if (expecting_key(b))
		return key_from_value(b, &b->stack[b->depth - 1], a->value);
	return add_value(b, json_object_get(a->value), a->height);
}

static int on_start(Builder *b, const yaml_event_t *e, bool is_map) {
	const yaml_char_t *anchor =
	        is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
	int r;

	if (expecting_key(b))
		return fail(b, -EINVAL, "invalid map key: a mapping or sequence");
	if ((r = check_depth(b, 1)) < 0 || (r = count_nodes(b, 1)) < 0)
		return r;
	if (b->depth == b->n_alloc) {
		size_t n = b->n_alloc ? b->n_alloc * 2 : 16;
		Frame *s = realloc(b->stack, n * sizeof(Frame));
		if (!s)
			return -ENOMEM;
		b->stack = s;
		b->n_alloc = n;
	}
	Frame *f = &b->stack[b->depth];
	*f = (Frame){ .is_map = is_map, .nodes_before = b->nodes - 1 };
	f->obj = is_map ? json_object_new_object() : json_object_new_array();
	if (!f->obj || (anchor && !(f->anchor = strdup((const char *)anchor)))) {
		frame_done(f);
		return -ENOMEM;
	}
	b->depth++;
	return 0;
}

/*
 * Keys of "<<" values join the mapping unless it defines them itself; among several merged
 * mappings the earlier wins (the YAML merge rule, and go-yaml's for the usual layout with
 * "<<" first). Merged keys come first in the result.
 */
static int apply_merges(Frame *f) {
	json_object *out = json_object_new_object();

	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < f->n_merges; i++) {
		json_object *m = f->merges[i];
		bool seq = json_object_is_type(m, json_type_array);
		size_t n = seq ? json_object_array_length(m) : 1;
		for (size_t j = 0; j < n; j++) {
			json_object *src = seq ? json_object_array_get_idx(m, j) : m;
			json_object_object_foreach (src, k, v) {
				if (json_object_object_get_ex(f->obj, k, NULL) ||
				    json_object_object_get_ex(out, k, NULL))
					continue;
				if (json_object_object_add(out, k, json_object_get(v)) < 0)
					goto oom;
			}
		}
	}
	json_object_object_foreach (f->obj, k, v) {
		if (json_object_object_add(out, k, json_object_get(v)) < 0)
			goto oom;
	}
	json_object_put(f->obj);
	f->obj = out;
	return 0;
oom:
	json_object_put(out);
	return -ENOMEM;
}

static int on_end(Builder *b) {
	Frame f = b->stack[--b->depth];
	int r = 0;

	if (f.n_merges > 0)
		r = apply_merges(&f);
	if (r >= 0 && f.anchor)
		r = anchor_add(b, f.anchor, f.obj, b->nodes - f.nodes_before, f.height + 1);
	if (r < 0) {
		frame_done(&f);
		return r;
	}
	json_object *obj = TAKE_PTR(f.obj);
	size_t height = f.height + 1;
	frame_done(&f);
	return add_value(b, obj, height);
}

static int on_document_end(Builder *b) {
	json_object *root = TAKE_PTR(b->root);
	anchors_clear(b);
	if (!root) /* an empty or null document: skipped, as the kubelet's decoder does */
		return 0;
	return tree_docs_append(b->docs, root);
}

static int on_event(Builder *b, const yaml_event_t *e) {
	b->mark = e->start_mark;
	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->documents > b->limits->max_documents)
			return fail(b, -E2BIG, "more than %zu documents in one stream",
			            b->limits->max_documents);
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return on_document_end(b);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, e);
	case YAML_ALIAS_EVENT:
		return on_alias(b, e);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return on_start(b, e, e->type == YAML_MAPPING_START_EVENT);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b);
	default:
		return 0;
	}
}

static int parser_error(Builder *b, const yaml_parser_t *p, const char *data, size_t len) {
	size_t line = p->problem_mark.line + 1, column = p->problem_mark.column + 1;

	if (p->error == YAML_READER_ERROR) /* the reader knows only the byte offset */
		tree_position(data, len, p->problem_offset, &line, &column);
	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	diag_error(b->diag, NULL, "line %zu, column %zu: %s", line, column,
	           p->problem ? p->problem : "unknown problem parsing YAML content");
	return -EINVAL;
}

int tree_parse_yaml(const char *data, size_t len, const TreeLimits *limits, TreeDocs *docs,
                    Diag *diag) {
	Builder b = { .limits = limits, .diag = diag, .docs = docs };
	yaml_parser_t parser;
	bool done = false;
	int r = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (!done && r >= 0) {
		yaml_event_t e;
		if (!yaml_parser_parse(&parser, &e)) {
			r = parser_error(&b, &parser, data, len);
			break;
		}
		done = e.type == YAML_STREAM_END_EVENT;
		r = on_event(&b, &e);
		yaml_event_delete(&e);
	}
	while (b.depth > 0)
		frame_done(&b.stack[--b.depth]);
	free(b.stack);
	json_object_put(b.root);
	anchors_clear(&b);
	yaml_parser_delete(&parser);
	if (r == -ENOMEM)
		diag_error(diag, NULL, "out of memory");
	return r;
}
