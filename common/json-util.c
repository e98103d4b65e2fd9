/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "json-util.h"

int json_parse_bounded(const char *data, size_t len, size_t max_bytes, const char *what,
                       json_object **ret, Diag *diag) {
	max_bytes = MIN(max_bytes, (size_t)INT32_MAX);
	if (len > max_bytes) {
		diag_error(diag, what, "document is larger than %zu bytes", max_bytes);
		return -E2BIG;
	}
	/* NUL padding after the document is tolerated, a NUL byte inside it is not. */
	const char *nul = memchr(data, 0, len);
	size_t n = nul ? (size_t)(nul - data) : len;
	for (size_t i = n; i < len; i++)
		if (data[i] != 0) {
			diag_error(diag, what, "invalid JSON: NUL byte at offset %zu", n);
			return -EINVAL;
		}

	/* Strict: also refuses anything but whitespace after the document. */
	json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, data, (int)n);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || e != json_tokener_success) {
		json_object_put(o);
		diag_error(diag, what, "invalid JSON at offset %zu: %s", end,
		           e == json_tokener_continue ? "unexpected end of input"
		                                      : json_tokener_error_desc(e));
		return -EINVAL;
	}
	*ret = o;
	return 0;
}

static void type_error(const JsonReader *r, const char *key, const char *want, json_object *v) {
	_cleanup_free_ char *p = path_key(r->path, key);
	diag_error(r->diag, p, "expected %s, got %s", want, tree_type_name(v));
}

bool json_check_object(const JsonReader *r, const char *key, json_object *v) {
	if (!v)
		return false;
	if (!json_object_is_type(v, json_type_object)) {
		type_error(r, key, "an object", v);
		return false;
	}
	return true;
}

void json_read_string(const JsonReader *r, json_object *o, const char *key, size_t max,
                      char **dst) {
	json_object *v = tree_get(o, key);
	char *s = NULL;
	if (!v)
		return;
	if (!json_object_is_type(v, json_type_string)) {
		type_error(r, key, "a string", v);
		return;
	}
	if ((size_t)json_object_get_string_len(v) > max ||
	    strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
		_cleanup_free_ char *p = path_key(r->path, key);
		diag_error(r->diag, p, "string longer than %zu bytes or holding NUL", max);
		return;
	}
	s = strdup(json_object_get_string(v));
	if (!s)
		return;
	free(*dst);
	*dst = s;
}

void json_read_bool(const JsonReader *r, json_object *o, const char *key, bool *dst) {
	json_object *v = tree_get(o, key);
	if (!v)
		return;
	if (!json_object_is_type(v, json_type_boolean)) {
		type_error(r, key, "a boolean", v);
		return;
	}
	*dst = json_object_get_boolean(v);
}

bool json_read_int64(const JsonReader *r, json_object *o, const char *key, int64_t min, int64_t max,
                     int64_t *dst) {
	json_object *v = tree_get(o, key);
	if (!v)
		return false;
	if (!json_object_is_type(v, json_type_int)) {
		type_error(r, key, "an integer", v);
		return false;
	}
	errno = 0;
	int64_t x = json_object_get_int64(v);
	/* json-c keeps values above INT64_MAX as uint64 and clamps get_int64. */
	if (errno != 0 || x < min || x > max ||
	    (x == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX)) {
		_cleanup_free_ char *p = path_key(r->path, key);
		diag_error(r->diag, p, "out of range [%lld, %lld]", (long long)min, (long long)max);
		return false;
	}
	*dst = x;
	return true;
}

bool json_read_uint64(const JsonReader *r, json_object *o, const char *key, uint64_t max,
                      uint64_t *dst) {
	json_object *v = tree_get(o, key);
	if (!v)
		return false;
	if (!json_object_is_type(v, json_type_int)) {
		type_error(r, key, "an integer", v);
		return false;
	}
	int64_t s = json_object_get_int64(v);
	uint64_t x = json_object_get_uint64(v);
	if (s < 0 || x > max) {
		_cleanup_free_ char *p = path_key(r->path, key);
		diag_error(r->diag, p, "out of range [0, %llu]", (unsigned long long)max);
		return false;
	}
	*dst = x;
	return true;
}

void json_read_strv(const JsonReader *r, json_object *o, const char *key, size_t max_n,
                    size_t max_len, char ***dst) {
	json_object *v = tree_get(o, key);
	_cleanup_free_ char *p = NULL;
	if (!v)
		return;
	if (!json_object_is_type(v, json_type_array)) {
		type_error(r, key, "an array of strings", v);
		return;
	}
	p = path_key(r->path, key);
	size_t n = json_object_array_length(v);
	if (n > max_n) {
		diag_error(r->diag, p, "more than %zu entries", max_n);
		return;
	}
	char **l = calloc(n + 1, sizeof(char *));
	if (!l)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		if (!e || !json_object_is_type(e, json_type_string) ||
		    (size_t)json_object_get_string_len(e) > max_len ||
		    strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e)) {
			diag_error(r->diag, p, "entry %zu: expected a string of at most %zu bytes",
			           i, max_len);
			strv_free(l);
			return;
		}
		if (!(l[i] = strdup(json_object_get_string(e)))) {
			strv_free(l);
			return;
		}
	}
	strv_free(*dst);
	*dst = l;
}

int json_add(json_object *o, const char *key, json_object *v) {
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

int json_add_string(json_object *o, const char *key, const char *v) {
	if (!v)
		return 0;
	return json_add(o, key, json_object_new_string(v));
}

json_object *json_new_strv(char *const *l) {
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && l && l[i]; i++) {
		json_object *s = json_object_new_string(l[i]);
		if (!s || json_object_array_add(a, s) < 0) {
			json_object_put(s);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

int json_add_strv(json_object *o, const char *key, char *const *l) {
	if (!l)
		return 0;
	return json_add(o, key, json_new_strv(l));
}

int json_add_int64(json_object *o, const char *key, int64_t v) {
	return json_add(o, key, json_object_new_int64(v));
}

int json_add_uint64(json_object *o, const char *key, uint64_t v) {
	return json_add(o, key, json_object_new_uint64(v));
}

int json_add_bool(json_object *o, const char *key, bool v) {
	return json_add(o, key, json_object_new_boolean(v));
}

int json_to_string_dup(json_object *o, char **ret) {
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!s)
		return -ENOMEM;
	char *d = strdup(s);
	if (!d)
		return -ENOMEM;
	*ret = d;
	return 0;
}
