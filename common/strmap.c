/* SPDX-License-Identifier: Apache-2.0 */
#include "strmap.h"

#include "macro.h"

void strmap_done(StrMap *m) {
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	*m = (StrMap){};
}

static ssize_t strmap_find(const StrMap *m, const char *key) {
	for (size_t i = 0; i < m->n; i++)
		if (streq(m->keys[i], key))
			return (ssize_t)i;
	return -1;
}

const char *strmap_get(const StrMap *m, const char *key) {
	ssize_t i = strmap_find(m, key);
	return i < 0 ? NULL : m->values[i];
}

int strmap_append(StrMap *m, char *key, char *value) {
	char **keys = realloc(m->keys, (m->n + 2) * sizeof(char *));
	if (!keys)
		return -ENOMEM;
	m->keys = keys;
	char **values = realloc(m->values, (m->n + 2) * sizeof(char *));
	if (!values)
		return -ENOMEM;
	m->values = values;
	m->keys[m->n] = key;
	m->values[m->n] = value;
	m->n++;
	m->keys[m->n] = m->values[m->n] = NULL;
	return 0;
}

int strmap_set(StrMap *m, const char *key, const char *value) {
	_cleanup_free_ char *v = strdup(value);
	if (!v)
		return -ENOMEM;

	ssize_t i = strmap_find(m, key);
	if (i >= 0) {
		free(m->values[i]);
		m->values[i] = TAKE_PTR(v);
		return 0;
	}

	_cleanup_free_ char *k = strdup(key);
	if (!k)
		return -ENOMEM;
	int r = strmap_append(m, k, v);
	if (r < 0)
		return r;
	TAKE_PTR(k);
	TAKE_PTR(v);
	return 0;
}

int strmap_copy(StrMap *dst, const StrMap *src) {
	for (size_t i = 0; i < src->n; i++) {
		int r = strmap_set(dst, src->keys[i], src->values[i]);
		if (r < 0)
			return r;
	}
	return 0;
}
