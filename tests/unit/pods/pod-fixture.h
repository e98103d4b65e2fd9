/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper: a validated, defaulted Pod from JSON text. */
#pragma once

#include <json-c/json.h>

#include "pod.h"

static inline Pod *fixture_pod(const char *json) {
	json_object *o = json_tokener_parse(json);
	Diag d = {};
	Pod *p = NULL;
	if (!o)
		return NULL;
	if (pod_from_json(o, NULL, &p, &d) < 0) {
		diag_print(&d, "fixture", stderr);
		p = NULL;
	}
	diag_clear(&d);
	json_object_put(o);
	return p;
}
