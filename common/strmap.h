/* SPDX-License-Identifier: Apache-2.0 */
/*
 * map[string]string as the Kubernetes API and KubeletConfiguration carry them (labels,
 * annotations, evictionHard, kubeReserved, ...). Keys keep their first insertion order, so
 * what skiff prints follows what the operator wrote and error lists are stable. Both vectors
 * stay NULL-terminated.
 */
#pragma once

#include <stddef.h>

typedef struct StrMap {
	char **keys;
	char **values;
	size_t n;
} StrMap;

void strmap_done(StrMap *m);
const char *strmap_get(const StrMap *m, const char *key);
/* Insert copies, or replace the value of a key already there (the last value wins). */
int strmap_set(StrMap *m, const char *key, const char *value);
/* Append a key the caller knows is new, taking key and value on success only. */
int strmap_append(StrMap *m, char *key, char *value);
int strmap_copy(StrMap *dst, const StrMap *src);
