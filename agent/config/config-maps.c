/* SPDX-License-Identifier: Apache-2.0 */
#include "config-maps.h"

void string_map_done(StringMap *m) {
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	*m = (StringMap){};
}

static ssize_t string_map_find(const StringMap *m, const char *key) {
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->keys[i], key))
			return (ssize_t)i;
	return -1;
}

const char *string_map_get(const StringMap *m, const char *key) {
	ssize_t i = string_map_find(m, key);
	return i < 0 ? NULL : m->values[i];
}

int string_map_set(StringMap *m, const char *key, const char *value) {
	_cleanup_free_ char *v = strdup(value);
	if (!v)
		return -ENOMEM;

	ssize_t i = string_map_find(m, key);
	if (i >= 0) {
		free(m->values[i]);
		m->values[i] = TAKE_PTR(v);
		return 0;
	}

	_cleanup_free_ char *k = strdup(key);
	if (!k)
		return -ENOMEM;
	char **keys = realloc(m->keys, (m->n + 1) * sizeof(char *));
	if (!keys)
		return -ENOMEM;
	m->keys = keys;
	char **values = realloc(m->values, (m->n + 1) * sizeof(char *));
	if (!values)
		return -ENOMEM;
	m->values = values;
	m->keys[m->n] = TAKE_PTR(k);
	m->values[m->n] = TAKE_PTR(v);
	m->n++;
	return 0;
}

int string_map_copy(StringMap *dst, const StringMap *src) {
	for (size_t i = 0; i < src->n; i++) {
		int r = string_map_set(dst, src->keys[i], src->values[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

void header_map_done(HeaderMap *m) {
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		strv_free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	*m = (HeaderMap){};
}

int header_map_add(HeaderMap *m, const char *key, const char *value) {
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->keys[i], key))
			return strv_extend(&m->values[i], value);

	_cleanup_free_ char *k = strdup(key);
	if (!k)
		return -ENOMEM;
	char **keys = realloc(m->keys, (m->n + 1) * sizeof(char *));
	if (!keys)
		return -ENOMEM;
	m->keys = keys;
	char ***values = realloc(m->values, (m->n + 1) * sizeof(char **));
	if (!values)
		return -ENOMEM;
	m->values = values;
	m->values[m->n] = NULL;
	int r = strv_extend(&m->values[m->n], value);
	if (r < 0)
		return r;
	m->keys[m->n++] = TAKE_PTR(k);
	return 0;
}
