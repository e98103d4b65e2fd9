/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The map shapes of KubeletConfiguration: map[string]string (evictionHard, kubeReserved, ...)
 * is common/strmap.h's StrMap; map[string][]string (staticPodURLHeader) is here. Keys keep
 * their first insertion order, so the effective configuration prints in the order the
 * operator wrote it and error lists are stable.
 */
#pragma once

#include "strv.h"

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"
#include "strmap.h"

/* map[string][]string; values of one key keep their order (HTTP header semantics). */
typedef struct HeaderMap {
	char **keys;
	char ***values; /* NULL-terminated string vectors */
	size_t n;
} HeaderMap;

void header_map_done(HeaderMap *m);
int header_map_add(HeaderMap *m, const char *key, const char *value);
