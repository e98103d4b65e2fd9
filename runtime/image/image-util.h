/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers private to the image store: JSON decoding of untrusted input, human sizes.
 * String vectors are common/strv.h's. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "json-util.h"
#include "macro.h"
#include "strv.h"

/* Typed member access that reports a wrong type. Absent or null members give 0 and NULL. */
int img_json_string(json_object *obj, const char *key, const char *what, const char **ret,
                    Diag *diag);
int img_json_strv(json_object *obj, const char *key, const char *what, size_t max, char ***ret,
                  Diag *diag);
int img_json_int64(json_object *obj, const char *key, const char *what, int64_t *ret, bool *present,
                   Diag *diag);
