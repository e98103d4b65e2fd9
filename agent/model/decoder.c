/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decoder's primitives: type checks with the JSON type named ("expected integer, got
 * string"), bounded strings and arrays, unknown-field warnings. The kubelet's decoder is
 * lenient about unknown fields, so skiff warns ("unknown field \"spec.foo\"") and goes on.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "pod-internal.h"
#include "tree.h"

void dec_failed(Decoder *d, const char *path) {
	char **l;

	if (d->n_failed >= DIAG_MAX_ENTRIES)
		return;
	l = realloc(d->failed, (d->n_failed + 1) * sizeof(char *));
	if (!l)
		return;
	d->failed = l;
	d->failed[d->n_failed] = strdup(strempty(path));
	if (d->failed[d->n_failed])
		d->n_failed++;
}

void dec_error(Decoder *d, const char *path, const char *fmt, ...) {
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0)
		diag_error(d->diag, path, "%s", msg);
	dec_failed(d, path);
}

void decoder_done(Decoder *d) {
	for (size_t i = 0; i < d->n_failed; i++)
		free(d->failed[i]);
	free(d->failed);
	d->failed = NULL;
	d->n_failed = 0;
}

bool dec_expect(Decoder *d, json_object *v, json_type type, const char *path) {
	if (json_object_is_type(v, type))
		return true;
	dec_error(d, path, "expected %s, got %s", tree_json_type_name(type), tree_type_name(v));
	return false;
}

void dec_fields(Decoder *d, json_object *obj, const char *path, const FieldSpec *fields,
                void *target) {
	if (!dec_expect(d, obj, json_type_object, path))
		return;
	json_object_object_foreach (obj, key, val) {
		const FieldSpec *f = fields;
		_cleanup_free_ char *p = pathf(path, "%s", key);

		while (f->name && !streq(f->name, key))
			f++;
		if (!f->name) {
			diag_warning(d->diag, NULL, "unknown field \"%s\"", strempty(p));
			continue;
		}
		/* JSON null is the API's "not set". */
		if (!f->fn || !val)
			continue;
		f->fn(d, val, p, (char *)target + f->offset);
	}
}

void *dec_array_alloc(Decoder *d, json_object *v, const char *path, size_t max, size_t item_size,
                      size_t *ret_n) {
	size_t n;
	void *items;

	*ret_n = 0;
	if (!dec_expect(d, v, json_type_array, path))
		return NULL;
	n = json_object_array_length(v);
	if (n > max) {
		field_too_many(d->diag, path, n, max);
		dec_failed(d, path);
		return NULL;
	}
	if (n == 0)
		return NULL;
	items = calloc(n, item_size);
	if (!items) {
		dec_error(d, path, "out of memory");
		return NULL;
	}
	*ret_n = n;
	return items;
}

bool dec_get_string(Decoder *d, json_object *v, const char *path, size_t max, char **ret) {
	const char *s;
	size_t len;

	if (!dec_expect(d, v, json_type_string, path))
		return false;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (len > max) {
		field_too_long(d->diag, path, max);
		dec_failed(d, path);
		return false;
	}
	/* A NUL inside a JSON string ("\u0000") would silently cut a path or a name short. */
	if (strlen(s) != len) {
		dec_error(d, path, "Invalid value: must not contain a NUL character");
		return false;
	}
	free(*ret);
	*ret = strdup(s);
	if (!*ret) {
		dec_error(d, path, "out of memory");
		return false;
	}
	return true;
}

bool dec_get_int64(Decoder *d, json_object *v, const char *path, int64_t *ret) {
	int64_t x;

	if (!dec_expect(d, v, json_type_int, path))
		return false;
	x = json_object_get_int64(v);
	/* json-c keeps integers above INT64_MAX as uint64 and saturates the int64 view. */
	if (x == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX) {
		dec_error(d, path, "Invalid value: %s: must fit in a 64-bit integer",
		          json_object_to_json_string(v));
		return false;
	}
	*ret = x;
	return true;
}

bool dec_get_int32(Decoder *d, json_object *v, const char *path, int32_t *ret) {
	int64_t x;

	if (!dec_get_int64(d, v, path, &x))
		return false;
	if (x < INT32_MIN || x > INT32_MAX) {
		dec_error(d, path, "Invalid value: %" PRId64 ": must fit in a 32-bit integer", x);
		return false;
	}
	*ret = (int32_t)x;
	return true;
}

bool dec_get_enum(Decoder *d, json_object *v, const char *path, const EnumTable *t, int *ret) {
	_cleanup_free_ char *s = NULL;
	int r;

	if (!dec_get_string(d, v, path, POD_MAX_STRING, &s))
		return false;
	r = enum_from_string(t, s);
	if (r < 0 || (r == 0 && !t->empty_ok)) {
		enum_not_supported(d->diag, path, t, s);
		dec_failed(d, path);
		return false;
	}
	*ret = r;
	return true;
}

bool dec_get_quantity(Decoder *d, json_object *v, const char *path, Quantity *ret) {
	const char *text;
	size_t len;

	/*
	 * A Quantity unmarshals from a JSON string or number ("cpu: 1", "cpu: 0.5"). The tree keeps
	 * a number's source text, so "1e3" or a value beyond int64 is parsed as written.
	 */
	if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
		text = json_object_to_json_string(v);
		len = strlen(text);
	} else if (json_object_is_type(v, json_type_string)) {
		text = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
	} else {
		dec_error(d, path, "expected quantity (string or number), got %s",
		          tree_type_name(v));
		return false;
	}
	if (len > 256 || quantity_parse_len(text, len, ret, NULL) < 0) {
		_cleanup_free_ char *q = go_quote(len > 256 ? "(too long)" : text);
		dec_error(d, path, "invalid quantity %s", strempty(q));
		return false;
	}
	return true;
}

bool dec_get_strv(Decoder *d, json_object *v, const char *path, size_t max_items,
                  size_t max_bytes_each, char ***ret, size_t *ret_n, size_t *bytes) {
	size_t n;
	char **l;

	if (!dec_expect(d, v, json_type_array, path))
		return false;
	n = json_object_array_length(v);
	if (n > max_items) {
		field_too_many(d->diag, path, n, max_items);
		dec_failed(d, path);
		return false;
	}
	l = calloc(n + 1, sizeof(char *));
	if (!l) {
		dec_error(d, path, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *p = pathf(path, "[%zu]", i);
		if (!dec_get_string(d, json_object_array_get_idx(v, i), p, max_bytes_each, &l[i])) {
			for (size_t j = 0; j < i; j++)
				free(l[j]);
			free(l);
			return false;
		}
		if (bytes)
			*bytes += strlen(l[i]) + 1;
	}
	*ret = l;
	*ret_n = n;
	return true;
}

void dec_string(Decoder *d, json_object *v, const char *path, void *field) {
	dec_get_string(d, v, path, POD_MAX_STRING, field);
}

void dec_int32(Decoder *d, json_object *v, const char *path, void *field) {
	dec_get_int32(d, v, path, field);
}

void dec_opt_int64(Decoder *d, json_object *v, const char *path, void *field) {
	OptInt64 *o = field;
	if (dec_get_int64(d, v, path, &o->value))
		o->set = true;
}

void dec_bool(Decoder *d, json_object *v, const char *path, void *field) {
	if (dec_expect(d, v, json_type_boolean, path))
		*(bool *)field = json_object_get_boolean(v);
}

void dec_opt_bool(Decoder *d, json_object *v, const char *path, void *field) {
	OptBool *o = field;
	if (dec_expect(d, v, json_type_boolean, path)) {
		o->set = true;
		o->value = json_object_get_boolean(v);
	}
}

void dec_opt_quantity(Decoder *d, json_object *v, const char *path, void *field) {
	OptQuantity *o = field;
	if (dec_get_quantity(d, v, path, &o->value))
		o->set = true;
}

void dec_strmap(Decoder *d, json_object *v, const char *path, void *field) {
	StrMap *m = field;
	size_t bytes = 0;

	if (!dec_expect(d, v, json_type_object, path))
		return;
	if ((size_t)json_object_object_length(v) > POD_MAX_MAP_ENTRIES) {
		field_too_many(d->diag, path, (size_t)json_object_object_length(v),
		               POD_MAX_MAP_ENTRIES);
		dec_failed(d, path);
		return;
	}
	json_object_object_foreach (v, key, val) {
		_cleanup_free_ char *p = pathf(path, "[%s]", key), *k = strdup(key), *s = NULL;

		if (!k)
			return;
		if (!val) /* null: not set */
			continue;
		if (!dec_get_string(d, val, p, POD_MAX_ANNOTATIONS_BYTES, &s))
			continue;
		bytes += strlen(k) + strlen(s);
		if (bytes > POD_MAX_ANNOTATIONS_BYTES) {
			field_too_long(d->diag, path, POD_MAX_ANNOTATIONS_BYTES);
			dec_failed(d, path);
			return;
		}
		if (strmap_append(m, k, s) < 0)
			return;
		TAKE_PTR(k);
		TAKE_PTR(s);
	}
}

void dec_not_supported(Decoder *d, json_object *v, const char *path, void *field) {
	dec_error(d, path, "Forbidden: not supported by skiff");
}

void dec_warn_ignored(Decoder *d, json_object *v, const char *path, void *field) {
	diag_warning(d->diag, path, "ignored: not supported by skiff");
}

void *dec_optional_object(Decoder *d, json_object *v, const char *path, const FieldSpec *fields,
                          void *field, size_t size) {
	void **obj = field;

	if (!*obj) {
		*obj = calloc(1, size);
		if (!*obj) {
			dec_error(d, path, "out of memory");
			return NULL;
		}
	}
	dec_fields(d, v, path, fields, *obj);
	return *obj;
}
