/* SPDX-License-Identifier: Apache-2.0 */
#include "config-maps.h"

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
