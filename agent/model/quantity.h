/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource.Quantity): "500m",
 * "1.5Gi", "1e3", "128974848". Parsing, canonical printing, rounding and comparison follow
 * apimachinery exactly; the value is held exactly (a 128-bit count of nano-units, never a
 * floating point number).
 *
 * Representation and bound: apimachinery keeps any value down to 10^-9 (finer values round up,
 * away from zero) and caps BinarySI values at 2^63-1; decimal values are unbounded there.
 * skiff bounds every quantity to |value| < 10^29 (QUANTITY_MAX_UNITS): larger values are
 * rejected with -ERANGE ("quantity too large"), never wrapped. That is 10^10 times the largest
 * int64, so every value Kubernetes can turn into an int64 (Value(), MilliValue()) fits.
 *
 * A Quantity is a plain value: copy it with '=', no destructor. Treat the fields as private.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The three formats apimachinery remembers from the suffix of the parsed text. */
typedef enum QuantityFormat {
	QUANTITY_DECIMAL_SI = 0,   /* "", n u m k M G T P E: 500m, 12M */
	QUANTITY_BINARY_SI,        /* Ki Mi Gi Ti Pi Ei: 1536Mi */
	QUANTITY_DECIMAL_EXPONENT, /* e<n> / E<n>: 1e3 */
} QuantityFormat;

/* Room for any text quantity_to_string() writes, NUL included. */
#define QUANTITY_STRING_MAX 64
/* Every quantity satisfies |value| < 10^QUANTITY_MAX_DIGITS units. */
#define QUANTITY_MAX_DIGITS 29

__extension__ typedef __int128 quantity_int128;

typedef struct Quantity {
	quantity_int128 nanos; /* value * 10^9, exact */
	QuantityFormat format;
	/*
	 * apimachinery's String() returns the parsed text itself when that text is already
	 * "canonical enough" (e.g. "+1k", "100.035k", "1E3" print as written); kept here when it
	 * fits, "" otherwise. Cleared by every arithmetic operation, as in Go.
	 */
	char text[QUANTITY_STRING_MAX];
} Quantity;

/*
 * resource.ParseQuantity. Returns 0, or -EINVAL with *ret_error set to apimachinery's message
 * ("quantities must match the regular expression '...'", "unable to parse quantity's suffix",
 * "unable to parse numeric part of quantity"), or -ERANGE ("quantity too large") beyond the
 * bound above. ret_error may be NULL; the message is a static string.
 * quantity_parse_len() takes a length, for text that may contain NUL bytes.
 */
int quantity_parse(const char *s, Quantity *ret, const char **ret_error);
int quantity_parse_len(const char *s, size_t len, Quantity *ret, const char **ret_error);

/* Quantity.String(): "1536Mi", "500m", "1e3", "0". Writes and returns buf. */
const char *quantity_to_string(const Quantity *q, char buf[static QUANTITY_STRING_MAX]);
/* Quantity.CanonicalizeBytes(): the canonical text, ignoring any kept input text. */
const char *quantity_canonical(const Quantity *q, char buf[static QUANTITY_STRING_MAX]);

/* resource.NewQuantity(value, format) and resource.NewMilliQuantity(milli, format). */
Quantity quantity_from_int64(int64_t value, QuantityFormat format);
Quantity quantity_from_milli(int64_t milli, QuantityFormat format);
/*
 * resource.NewScaledQuantity(value, scale): value * 10^scale, DecimalSI. skiff keeps nano
 * precision only: scale < -9 gives -EINVAL; a result beyond the bound gives -ERANGE.
 */
int quantity_from_scaled(int64_t value, int scale, Quantity *ret);

/*
 * Value(), MilliValue() and ScaledValue(scale): the value in units of 10^scale, rounded up
 * (away from zero) to an integer. -ERANGE when it does not fit an int64 (Go overflows
 * silently there).
 */
int quantity_value(const Quantity *q, int64_t *ret);
int quantity_milli_value(const Quantity *q, int64_t *ret);
int quantity_scaled_value(const Quantity *q, int scale, int64_t *ret);

/* Approximate value as a double (AsApproximateFloat64), for ratios and percentages only. */
double quantity_as_double(const Quantity *q);

bool quantity_is_zero(const Quantity *q);
int quantity_sign(const Quantity *q);                     /* -1, 0, 1 */
int quantity_cmp(const Quantity *a, const Quantity *b);   /* -1, 0, 1 (Cmp) */
int quantity_cmp_int64(const Quantity *q, int64_t value); /* -1, 0, 1 (CmpInt64) */

/*
 * Add, Sub, Mul and Neg in place. As in Go, a zero q takes y's format on Add/Sub. Results
 * beyond the bound give -ERANGE and leave q unchanged.
 */
int quantity_add(Quantity *q, const Quantity *y);
int quantity_sub(Quantity *q, const Quantity *y);
int quantity_mul(Quantity *q, int64_t factor);
void quantity_neg(Quantity *q);

/* "DecimalSI", "BinarySI", "DecimalExponent". */
const char *quantity_format_name(QuantityFormat f);
