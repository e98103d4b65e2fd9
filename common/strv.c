/* SPDX-License-Identifier: Apache-2.0 */
#include "strv.h"

char **strv_new(const char *first) {
	char **l = calloc(2, sizeof(char *));
	if (!l)
		return NULL;
	if (first && !(l[0] = strdup(first))) {
		free(l);
		return NULL;
	}
	return l;
}

char **strv_copy_const(const char *const *l) {
	size_t n = strv_length((char *const *)l);
	char **r = calloc(n + 1, sizeof(char *));
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!(r[i] = strdup(l[i]))) {
			strv_free(r);
			return NULL;
		}
	return r;
}

size_t strv_length(char *const *l) {
	size_t n = 0;
	while (l && l[n])
		n++;
	return n;
}

int strv_copy(char *const *l, char ***ret) {
	if (!l) {
		*ret = NULL;
		return 0;
	}
	char **c = strv_copy_const((const char *const *)l);
	if (!c)
		return -ENOMEM;
	*ret = c;
	return 0;
}

bool strv_contains(char *const *l, const char *s) {
	for (size_t i = 0; l && l[i]; i++)
		if (streq(l[i], s))
			return true;
	return false;
}

int strv_consume_n(char ***l, size_t *n, char *s) {
	if (!s)
		return -ENOMEM;
	char **m = realloc(*l, (*n + 2) * sizeof(char *));
	if (!m) {
		free(s);
		return -ENOMEM;
	}
	m[(*n)++] = s;
	m[*n] = NULL;
	*l = m;
	return 0;
}

int strv_extend_n(char ***l, size_t *n, const char *s) {
	return strv_consume_n(l, n, strdup(s));
}

int strv_consume(char ***l, char *s) {
	size_t n = strv_length(*l);
	return strv_consume_n(l, &n, s);
}

int strv_extend(char ***l, const char *s) {
	return strv_consume(l, strdup(s));
}
