/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The map shapes of KubeletConfiguration: map[string]string (evictionHard, kubeReserved, ...)
 * and map[string][]string (staticPodURLHeader). Keys keep their first insertion order, so the
 * effective configuration prints in the order the operator wrote it and error lists are stable.
 */
#pragma once

#include "strv.h"

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef struct StringMap {
	char **keys;
	char **values;
	size_t n;
} StringMap;

void string_map_done(StringMap *m);
/* Insert or replace (the kubelet's maps keep the last value of a key). */
int string_map_set(StringMap *m, const char *key, const char *value);
const char *string_map_get(const StringMap *m, const char *key);
int string_map_copy(StringMap *dst, const StringMap *src);

/* map[string][]string; values of one key keep their order (HTTP header semantics). */
typedef struct HeaderMap {
	char **keys;
	char ***values; /* NULL-terminated string vectors */
	size_t n;
} HeaderMap;

void header_map_done(HeaderMap *m);
int header_map_add(HeaderMap *m, const char *key, const char *value);

/* A NULL-terminated string vector helper: append a copy of s. */
