/* SPDX-License-Identifier: Apache-2.0 */
#include "image-util.h"
#include "image.h"

#define JSON_MAX_DEPTH 64

size_t img_strv_length(char *const *l) {
	size_t n = 0;
	while (l && l[n])
		n++;
	return n;
}

int img_strv_copy(char *const *l, char ***ret) {
	size_t n = img_strv_length(l);
	char **c;

	if (!l) {
		*ret = NULL;
		return 0;
	}
	c = calloc(n + 1, sizeof(char *));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(c[i] = strdup(l[i]))) {
			strv_free(c);
			return -ENOMEM;
		}
	*ret = c;
	return 0;
}

int img_strv_consume(char ***l, size_t *n, char *s) {
	char **nl;

	if (!s)
		return -ENOMEM;
	nl = realloc(*l, (*n + 2) * sizeof(char *));
	if (!nl) {
		free(s);
		return -ENOMEM;
	}
	nl[(*n)++] = s;
	nl[*n] = NULL;
	*l = nl;
	return 0;
}

int img_strv_push(char ***l, size_t *n, const char *s) {
	return img_strv_consume(l, n, strdup(s));
}

bool img_strv_contains(char *const *l, const char *s) {
	for (size_t i = 0; l && l[i]; i++)
		if (streq(l[i], s))
			return true;
	return false;
}

int img_json_parse(const char *data, size_t len, const char *what, json_object **ret, Diag *diag) {
	struct json_tokener *tok;
	json_object *o;

	if (len > INT32_MAX || memchr(data, 0, len)) {
		diag_error(diag, what, "not a JSON document (NUL byte or too large)");
		return -EINVAL;
	}
	tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, data, (int)len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || e != json_tokener_success) {
		json_object_put(o);
		diag_error(diag, what, "invalid JSON: %s",
		           e == json_tokener_continue ? "unexpected end of input"
		                                      : json_tokener_error_desc(e));
		return -EINVAL;
	}
	/* the strict tokener stops after one value: only whitespace may follow */
	for (size_t i = used; i < len; i++)
		if (!strchr(" \t\r\n", data[i])) {
			json_object_put(o);
			diag_error(diag, what, "invalid JSON: data after the document");
			return -EINVAL;
		}
	*ret = o;
	return 0;
}

int img_json_string(json_object *obj, const char *key, const char *what, const char **ret,
                    Diag *diag) {
	json_object *v = NULL;

	*ret = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		diag_error(diag, what, "%s: must be a string", key);
		return -EINVAL;
	}
	if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v)) {
		diag_error(diag, what, "%s: contains a NUL byte", key);
		return -EINVAL;
	}
	*ret = json_object_get_string(v);
	return 0;
}

int img_json_strv(json_object *obj, const char *key, const char *what, size_t max, char ***ret,
                  Diag *diag) {
	_cleanup_strv_free_ char **l = NULL;
	json_object *v = NULL;
	size_t n = 0, len;
	int r;

	*ret = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_array)) {
		diag_error(diag, what, "%s: must be an array of strings", key);
		return -EINVAL;
	}
	len = json_object_array_length(v);
	if (len > max) {
		diag_error(diag, what, "%s: more than %zu items", key, max);
		return -E2BIG;
	}
	if (!(l = calloc(1, sizeof(char *))))
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string) ||
		    strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e)) {
			diag_error(diag, what, "%s[%zu]: must be a string without NUL bytes", key,
			           i);
			return -EINVAL;
		}
		r = img_strv_push(&l, &n, json_object_get_string(e));
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

int img_json_int64(json_object *obj, const char *key, const char *what, int64_t *ret, bool *present,
                   Diag *diag) {
	json_object *v = NULL;

	*ret = 0;
	if (present)
		*present = false;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		diag_error(diag, what, "%s: must be an integer", key);
		return -EINVAL;
	}
	errno = 0;
	*ret = json_object_get_int64(v);
	if (errno == ERANGE) {
		diag_error(diag, what, "%s: out of range", key);
		return -ERANGE;
	}
	if (present)
		*present = true;
	return 0;
}

json_object *img_json_new_strv(char *const *l) {
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && l && l[i]; i++)
		if (json_object_array_add(a, json_object_new_string(l[i])) < 0) {
			json_object_put(a);
			return NULL;
		}
	return a;
}

void image_format_size(uint64_t bytes, char *buf, size_t size) {
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	size_t i = 0;

	while (v >= 1000.0 && i + 1 < ELEMENTSOF(units)) {
		v /= 1000.0;
		i++;
	}
	snprintf(buf, size, "%.4g%s", v, units[i]);
}
