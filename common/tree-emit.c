/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tree_to_yaml: block-style YAML through libyaml's emitter, keys in object order. A string is
 * quoted only when its plain form would read back as something else (go-yaml v2's encoder:
 * "true", "123", "1e3", "", "null", "<<" as a key, base-60 "1:20"), or when libyaml itself
 * finds plain style impossible (": ", leading "- ", "*", "&", ...). Numbers print their text.
 */
#include <errno.h>
#include <math.h>
#include <yaml.h>

#include "macro.h"
#include "tree-internal.h"

/* Trees from tree_parse are far shallower; this only stops cycles and runaway recursion. */
#define EMIT_MAX_DEPTH 10000

static bool is_digit(char c) {
	return c >= '0' && c <= '9';
}

/* encode.go isBase60Float: ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool base60_float(const char *s) {
	bool groups = false;

	if (*s == '+' || *s == '-')
		s++;
	if (!is_digit(*s))
		return false;
	while (is_digit(*s) || *s == '_')
		s++;
	while (*s == ':') {
		s++;
		if (*s >= '0' && *s <= '5' && is_digit(s[1]))
			s += 2;
		else if (is_digit(*s))
			s++;
		else
			return false;
		groups = true;
	}
	if (groups && *s == '.')
		while (is_digit(*++s) || *s == '_')
			;
	return groups && *s == 0;
}

static int emit(yaml_emitter_t *e, yaml_event_t *ev, bool ok) {
	if (!ok)
		return -ENOMEM;
	return yaml_emitter_emit(e, ev) ? 0 : (e->error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL);
}

static int emit_scalar(yaml_emitter_t *e, const char *s, size_t len, const char *tag,
                       yaml_scalar_style_t style) {
	yaml_event_t ev;
	bool implicit = !tag;
	if (len > INT32_MAX)
		return -E2BIG;
	return emit(e, &ev,
	            yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag, (yaml_char_t *)s,
	                                         (int)len, implicit, implicit, style));
}

static int emit_string(yaml_emitter_t *e, const char *s, size_t len, bool is_key) {
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	if (memchr(s, '\n', len))
		style = YAML_LITERAL_SCALAR_STYLE; /* libyaml falls back to quotes when it must */
	else if (tree_plain_kind(s, len) != TREE_SCALAR_STRING || base60_float(s) ||
	         (is_key && len == 2 && memcmp(s, "<<", 2) == 0))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return emit_scalar(e, s, len, NULL, style);
}

static int emit_number(yaml_emitter_t *e, json_object *o) {
	double d = json_object_get_double(o);
	const char *text = json_object_get_string(o);

	if (json_object_is_type(o, json_type_int))
		return emit_scalar(e, text, strlen(text), NULL, YAML_PLAIN_SCALAR_STYLE);
	if (isnan(d) || isinf(d))
		text = isnan(d) ? ".nan" : d > 0 ? ".inf" : "-.inf";
	/* a text that would not read back as a float (e.g. "1" from !!float 1) keeps its tag */
	bool tagged = tree_plain_kind(text, strlen(text)) != TREE_SCALAR_FLOAT;
	return emit_scalar(e, text, strlen(text), tagged ? TREE_TAG_PREFIX "float" : NULL,
	                   YAML_PLAIN_SCALAR_STYLE);
}

static int emit_node(yaml_emitter_t *e, json_object *o, size_t depth);

static int emit_object(yaml_emitter_t *e, json_object *o, size_t depth) {
	yaml_event_t ev;
	bool flow = json_object_object_length(o) == 0; /* {} */
	int r = emit(e, &ev,
	             yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	                                                 flow ? YAML_FLOW_MAPPING_STYLE
	                                                      : YAML_BLOCK_MAPPING_STYLE));
	json_object_object_foreach (o, k, v) {
		if (r >= 0)
			r = emit_string(e, k, strlen(k), true);
		if (r >= 0)
			r = emit_node(e, v, depth + 1);
	}
	return r < 0 ? r : emit(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

static int emit_array(yaml_emitter_t *e, json_object *o, size_t depth) {
	yaml_event_t ev;
	size_t n = json_object_array_length(o);
	int r = emit(e, &ev,
	             yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	                                                  n == 0 ? YAML_FLOW_SEQUENCE_STYLE
	                                                         : YAML_BLOCK_SEQUENCE_STYLE));
	for (size_t i = 0; i < n && r >= 0; i++)
		r = emit_node(e, json_object_array_get_idx(o, i), depth + 1);
	return r < 0 ? r : emit(e, &ev, yaml_sequence_end_event_initialize(&ev));
}

static int emit_node(yaml_emitter_t *e, json_object *o, size_t depth) {
	if (depth > EMIT_MAX_DEPTH)
		return -E2BIG;
	switch (json_object_get_type(o)) {
	case json_type_null:
		return emit_scalar(e, "null", 4, NULL, YAML_PLAIN_SCALAR_STYLE);
	case json_type_boolean:
		return emit_scalar(e, json_object_get_boolean(o) ? "true" : "false",
		                   json_object_get_boolean(o) ? 4 : 5, NULL,
		                   YAML_PLAIN_SCALAR_STYLE);
	case json_type_int:
	case json_type_double:
		return emit_number(e, o);
	case json_type_string:
		return emit_string(e, json_object_get_string(o),
		                   (size_t)json_object_get_string_len(o), false);
	case json_type_object:
		return emit_object(e, o, depth);
	case json_type_array:
		return emit_array(e, o, depth);
	}
	return -EINVAL;
}

static int emit_document(yaml_emitter_t *e, json_object *o) {
	yaml_event_t ev;
	int r = emit(e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	if (r >= 0)
		r = emit(e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	if (r >= 0)
		r = emit_node(e, o, 0);
	if (r >= 0)
		r = emit(e, &ev, yaml_document_end_event_initialize(&ev, 1));
	if (r >= 0)
		r = emit(e, &ev, yaml_stream_end_event_initialize(&ev));
	return r;
}

int tree_to_yaml(json_object *o, char **ret) {
	_cleanup_free_ char *buf = NULL;
	yaml_emitter_t e;
	size_t size = 0;
	int r;

	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	if (!yaml_emitter_initialize(&e)) {
		fclose(f);
		return -ENOMEM;
	}
	yaml_emitter_set_output_file(&e, f);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);
	yaml_emitter_set_indent(&e, 2);
	r = emit_document(&e, o);
	if (r >= 0 && !yaml_emitter_flush(&e))
		r = -EIO;
	yaml_emitter_delete(&e);
	if (fclose(f) != 0 && r >= 0)
		r = -ENOMEM;
	if (r < 0)
		return r;
	if (!buf)
		return -ENOMEM;
	*ret = TAKE_PTR(buf);
	return 0;
}
