/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Errors in the shape of the Kubernetes API's Status object, so the CLI (and anything that
 * speaks to the API server) reports them the way kubectl does:
 *   {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
 *    "message":"pods \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},
 *    "code":404}
 * Pure: no I/O, unit-tested.
 */
#pragma once

#include <json-c/json.h>

/* The StatusReason the API server uses for an HTTP code ("NotFound" for 404), "" if none. */
const char *http_status_reason(unsigned code);

/* The reason phrase of the HTTP status line ("Not Found"), "Unknown" if not known. */
const char *http_status_phrase(unsigned code);

/*
 * A new Status object (reference owned by the caller). reason NULL: from the code. kind and
 * name (may be NULL) fill "details", as the API server does for a named object. NULL on OOM.
 */
json_object *http_status_new(unsigned code, const char *reason, const char *message,
                             const char *kind, const char *name);

/* Serialized Status (malloc'd, NUL-terminated), NULL on OOM. */
char *http_status_json(unsigned code, const char *reason, const char *message, const char *kind,
                       const char *name);
