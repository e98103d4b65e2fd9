/* SPDX-License-Identifier: Apache-2.0 */
#include "image-util.h"
#include "image.h"

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
		r = strv_extend_n(&l, &n, json_object_get_string(e));
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
