/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field errors worded as the API server words them (apimachinery util/validation/field/errors.go):
 * "<path>: Required value", "<path>: Invalid value: \"X\": <detail>", "<path>: Unsupported value:
 * \"X\": supported values: \"A\", \"B\"", "<path>: Duplicate value: \"X\"", ... so a user who
 * knows kubectl's messages recognises skiff's.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* "parent.child" or "parent[3]" (child starting with '['), or child alone for an empty parent. */
char *pathf(const char *parent, const char *fmt, ...) _printf_(2, 3);

/* Go's strconv.Quote (the %q of the API's messages): "a\"b" for a"b. Never NULL on success. */
char *go_quote(const char *s);

void field_required(Diag *d, const char *path, const char *detail);
void field_forbidden(Diag *d, const char *path, const char *fmt, ...) _printf_(3, 4);
void field_invalid_str(Diag *d, const char *path, const char *value, const char *fmt, ...)
        _printf_(4, 5);
void field_invalid_int(Diag *d, const char *path, int64_t value, const char *fmt, ...)
        _printf_(4, 5);
void field_invalid_bool(Diag *d, const char *path, bool value, const char *fmt, ...) _printf_(4, 5);
/* The API prints a Go struct here; skiff names no value: "Invalid value: <detail>". */
void field_invalid_novalue(Diag *d, const char *path, const char *fmt, ...) _printf_(3, 4);
void field_not_supported(Diag *d, const char *path, const char *value, const char *const *valid,
                         size_t n_valid);
void field_duplicate(Diag *d, const char *path, const char *value);
void field_not_found(Diag *d, const char *path, const char *value);
void field_too_long(Diag *d, const char *path, size_t max_bytes);
void field_too_many(Diag *d, const char *path, size_t actual, size_t max_items);
