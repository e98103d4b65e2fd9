/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resource.Quantity, after k8s.io/apimachinery/pkg/api/resource (quantity.go, suffix.go,
 * amount.go, math.go). The value is kept as an exact count of nano-units in 128 bits; the
 * rules below (suffix table, rounding up to nano, the BinarySI cap, canonical form, the
 * kept input text) are apimachinery's, cited where they apply.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "macro.h"
#include "quantity.h"

typedef unsigned __int128 u128;
typedef quantity_int128 i128;

#define NANO_DIGITS 9
#define MAX_INT32 2147483647

static const char ERR_FORMAT[] = "quantities must match the regular expression "
                                 "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
static const char ERR_NUMERIC[] = "unable to parse numeric part of quantity";
static const char ERR_SUFFIX[] = "unable to parse quantity's suffix";
static const char ERR_RANGE[] = "quantity too large: skiff bounds quantities to below 1e29";

static u128 pow10_u128(unsigned n) {
	u128 r = 1;
	while (n-- > 0)
		r *= 10;
	return r;
}

/* 10^(QUANTITY_MAX_DIGITS + 9): the first count of nano-units out of bounds. */
static u128 nanos_limit(void) {
	return pow10_u128(QUANTITY_MAX_DIGITS + NANO_DIGITS);
}

static bool nanos_in_range(i128 n) {
	u128 a = n < 0 ? -(u128)n : (u128)n;
	return a < nanos_limit();
}

static bool is_digit(char c) {
	return c >= '0' && c <= '9';
}

/* The pieces parseQuantityString (quantity.go) cuts a quantity into. */
typedef struct Parts {
	bool positive;
	bool has_digits; /* the numeric part holds a digit at all */
	const char *num; /* integer digits, leading zeros stripped ("0" when none) */
	size_t num_len;
	const char *denom; /* fraction digits */
	size_t denom_len;
	const char *suffix;
	size_t suffix_len;
} Parts;

static size_t span_digits(const char *s, size_t i, size_t end) {
	while (i < end && is_digit(s[i]))
		i++;
	return i;
}

static int split_quantity(const char *s, size_t end, Parts *p) {
	size_t pos = 0, i;

	*p = (Parts){ .positive = true, .num = "0", .num_len = 1, .suffix = "" };
	if (pos < end && (s[0] == '-' || s[0] == '+')) {
		p->positive = s[0] == '+';
		pos++;
	}
	for (i = pos; i < end && s[i] == '0'; i++)
		p->has_digits = true;
	if (i >= end)
		return 0; /* only zeros (or nothing) after the sign: "0" */
	pos = i;
	i = span_digits(s, pos, end);
	if (i > pos) {
		p->num = s + pos;
		p->num_len = i - pos;
		p->has_digits = true;
	}
	pos = i;
	if (pos < end && s[pos] == '.') {
		i = span_digits(s, ++pos, end);
		p->denom = s + pos;
		p->denom_len = i - pos;
		p->has_digits = p->has_digits || i > pos;
		pos = i;
	}
	/* suffix: [eEinumkKMGTP]* [-+]? [0-9]* up to the end, anything else is malformed */
	p->suffix = s + pos;
	p->suffix_len = end - pos;
	while (pos < end && memchr("eEinumkKMGTP", s[pos], 12))
		pos++;
	if (pos < end && (s[pos] == '-' || s[pos] == '+'))
		pos++;
	return span_digits(s, pos, end) == end ? 0 : -EINVAL;
}

typedef struct Suffix {
	const char *text;
	int base, exponent;
	QuantityFormat format;
} Suffix;

/* suffix.go: newSuffixer() */
static const Suffix suffixes[] = {
	{ "", 10, 0, QUANTITY_DECIMAL_SI },   { "n", 10, -9, QUANTITY_DECIMAL_SI },
	{ "u", 10, -6, QUANTITY_DECIMAL_SI }, { "m", 10, -3, QUANTITY_DECIMAL_SI },
	{ "k", 10, 3, QUANTITY_DECIMAL_SI },  { "M", 10, 6, QUANTITY_DECIMAL_SI },
	{ "G", 10, 9, QUANTITY_DECIMAL_SI },  { "T", 10, 12, QUANTITY_DECIMAL_SI },
	{ "P", 10, 15, QUANTITY_DECIMAL_SI }, { "E", 10, 18, QUANTITY_DECIMAL_SI },
	{ "Ki", 2, 10, QUANTITY_BINARY_SI },  { "Mi", 2, 20, QUANTITY_BINARY_SI },
	{ "Gi", 2, 30, QUANTITY_BINARY_SI },  { "Ti", 2, 40, QUANTITY_BINARY_SI },
	{ "Pi", 2, 50, QUANTITY_BINARY_SI },  { "Ei", 2, 60, QUANTITY_BINARY_SI },
};

/* strconv.ParseInt(s, 10, 64): an optional sign, then at least one digit. */
static int parse_int64_base10(const char *s, size_t len, int64_t *ret) {
	bool neg = false;
	u128 v = 0;
	size_t i = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == len)
		return -EINVAL;
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
		if (v > (u128)INT64_MAX + 1)
			return -ERANGE;
	}
	if (!neg && v > INT64_MAX)
		return -ERANGE;
	*ret = neg ? (int64_t)-v : (int64_t)v;
	return 0;
}

/*
 * suffixHandler.interpret: a table suffix, or "e"/"E" with a base-10 int64 exponent. Newer
 * apimachinery rejects an exponent outside [-MaxInt32, MaxInt32] instead of truncating it.
 */
static int interpret_suffix(const char *s, size_t len, Suffix *ret) {
	int64_t e;

	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
		if (strlen(suffixes[i].text) == len && memcmp(suffixes[i].text, s, len) == 0) {
			*ret = suffixes[i];
			return 0;
		}
	if (len < 2 || (s[0] != 'e' && s[0] != 'E'))
		return -EINVAL;
	if (parse_int64_base10(s + 1, len - 1, &e) < 0 || e > MAX_INT32 || e < -MAX_INT32)
		return -EINVAL;
	*ret = (Suffix){
		.text = NULL, .base = 10, .exponent = (int)e, .format = QUANTITY_DECIMAL_EXPONENT
	};
	return 0;
}

/* The i-th digit of the numeric part: the integer digits, then the fraction digits. */
static unsigned digit_at(const Parts *p, size_t i) {
	return (unsigned)((i < p->num_len ? p->num[i] : p->denom[i - p->num_len]) - '0');
}

/*
 * Decimal value in nano-units: the digits times 10^k, where k already holds the exponent, the
 * fraction length and the 9 nano digits. apimachinery keeps values only down to nano and
 * rounds a finer non-zero value up, away from zero ("0.9n" is "1n"): quantity.go,
 * amount.Round(amount, Nano.infScale(), inf.RoundUp).
 */
static int decimal_nanos(const Parts *p, int64_t k, u128 *ret) {
	size_t total = p->num_len + p->denom_len, first = 0;
	const int max = QUANTITY_MAX_DIGITS + NANO_DIGITS;
	u128 v = 0;

	while (first < total && digit_at(p, first) == 0)
		first++;
	if (first == total) {
		*ret = 0;
		return 0;
	}
	int64_t sig = (int64_t)(total - first); /* significant digits, the first non-zero */
	int64_t keep = k >= 0 ? sig : sig + k;  /* digits left of the nano point */
	if (keep + (k > 0 ? k : 0) > max)
		return -ERANGE;
	for (int64_t i = 0; i < keep; i++)
		v = v * 10 + digit_at(p, first + (size_t)i);
	if (k > 0)
		v *= pow10_u128((unsigned)k);
	for (int64_t i = keep < 0 ? 0 : keep; i < sig; i++)
		if (digit_at(p, first + (size_t)i) != 0) {
			v++; /* round up the dropped non-zero digits */
			break;
		}
	if (v >= nanos_limit())
		return -ERANGE;
	*ret = v;
	return 0;
}

/* (2^63-1) units: "The max is just a simple cap" for BinarySI (quantity.go, maxAllowed). */
static u128 binary_cap_nanos(void) {
	return (u128)INT64_MAX * pow10_u128(NANO_DIGITS);
}

/* ceil(0.<fraction digits> * 2^exponent * 10^9): exact, on a copy of the digits. */
static int binary_fraction_nanos(const Parts *p, int exponent, u128 *ret) {
	size_t n = p->denom_len;
	u128 whole = 0, v = 0;

	while (n > 0 && p->denom[n - 1] == '0')
		n--;
	if (n == 0) {
		*ret = 0;
		return 0;
	}
	_cleanup_free_ unsigned char *d = malloc(n);
	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		d[i] = (unsigned char)(p->denom[i] - '0');
	for (int e = 0; e < exponent; e += 10) { /* times 1024, right to left */
		unsigned carry = 0;
		for (size_t i = n; i-- > 0;) {
			unsigned x = d[i] * 1024u + carry;
			d[i] = (unsigned char)(x % 10);
			carry = x / 10;
		}
		whole = whole * 1024 + carry;
	}
	for (size_t i = 0; i < NANO_DIGITS; i++)
		v = v * 10 + (i < n ? d[i] : 0);
	for (size_t i = NANO_DIGITS; i < n; i++)
		if (d[i] != 0) {
			v++;
			break;
		}
	*ret = whole * pow10_u128(NANO_DIGITS) + v;
	return 0;
}

static int binary_nanos(const Parts *p, int exponent, u128 *ret) {
	u128 num = 0, frac;
	int r;

	if (p->num_len > 19)
		goto cap;
	for (size_t i = 0; i < p->num_len; i++)
		num = num * 10 + (unsigned)(p->num[i] - '0');
	if ((num << exponent) > (u128)INT64_MAX)
		goto cap;
	r = binary_fraction_nanos(p, exponent, &frac);
	if (r < 0)
		return r;
	*ret = (num << exponent) * pow10_u128(NANO_DIGITS) + frac;
	if (*ret > binary_cap_nanos())
		goto cap;
	return 0;
cap:
	*ret = binary_cap_nanos();
	return 0;
}

static uint64_t small_digits_value(const char *s, size_t n) {
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

/*
 * Whether ParseQuantity keeps the input as the String() text: only on its int64 fast path,
 * and only when the number "is in canonical form" by its test (quantity.go: BinarySI with
 * value&0x07 != 0; otherwise scale%3 == 0, no "000" at the end of the digits, no leading 0).
 */
static bool keeps_text(const Parts *p, const Suffix *suf) {
	if (suf->base == 2) {
		int64_t precision = 15 - (int64_t)p->num_len - suf->exponent * 3 / 10 - 1;
		if (p->denom_len > 0 || precision < 0)
			return false;
		return (small_digits_value(p->num, p->num_len) & 0x07) != 0;
	}
	int64_t scale = (int64_t)suf->exponent - (int64_t)p->denom_len;
	size_t n = p->num_len + p->denom_len;
	if (n > 18 || scale < -9 || scale % 3 != 0 || p->num[0] == '0')
		return false;
	bool zeros = n >= 3;
	for (size_t i = n >= 3 ? n - 3 : n; i < n; i++)
		zeros = zeros && digit_at(p, i) == 0;
	return !zeros;
}

/* The int64 fast path of ParseQuantity (no rounding there); else inf.Dec parses the number. */
static bool fast_path(const Parts *p, const Suffix *suf) {
	if (suf->base == 2)
		return p->denom_len == 0 &&
		       15 - (int64_t)p->num_len - suf->exponent * 3 / 10 - 1 >= 0;
	return p->num_len + p->denom_len <= 18 &&
	       (int64_t)suf->exponent - (int64_t)p->denom_len >= -9;
}

static int parse_fail(int r, const char *msg, const char **ret_error) {
	if (ret_error)
		*ret_error = msg;
	return r;
}

int quantity_parse_len(const char *s, size_t len, Quantity *ret, const char **ret_error) {
	Quantity q = { .format = QUANTITY_DECIMAL_SI };
	Suffix suf;
	Parts p;
	u128 v;
	int r;

	if (len == 0)
		return parse_fail(-EINVAL, ERR_FORMAT, ret_error);
	if (len == 1 && s[0] == '0') {
		q.text[0] = '0';
		*ret = q;
		return 0;
	}
	if (split_quantity(s, len, &p) < 0)
		return parse_fail(-EINVAL, ERR_FORMAT, ret_error);
	if (interpret_suffix(p.suffix, p.suffix_len, &suf) < 0)
		return parse_fail(-EINVAL, ERR_SUFFIX, ret_error);
	if (!p.has_digits && !fast_path(&p, &suf)) /* inf.Dec.SetString finds no digit */
		return parse_fail(-EINVAL, ERR_NUMERIC, ret_error);
	if (len > INT64_MAX / 4)
		return parse_fail(-ERANGE, ERR_RANGE, ret_error);

	if (suf.base == 10)
		r = decimal_nanos(&p, (int64_t)suf.exponent - (int64_t)p.denom_len + NANO_DIGITS,
		                  &v);
	else
		r = binary_nanos(&p, suf.exponent, &v);
	if (r == -ERANGE)
		return parse_fail(r, ERR_RANGE, ret_error);
	if (r < 0)
		return r;

	q.nanos = p.positive ? (i128)v : -(i128)v;
	q.format = suf.format;
	/* "This avoids rounding and hopefully confusion, too": a BinarySI value in (0, 1). */
	if (q.format == QUANTITY_BINARY_SI && v > 0 && v < pow10_u128(NANO_DIGITS))
		q.format = QUANTITY_DECIMAL_SI;
	if (fast_path(&p, &suf) && keeps_text(&p, &suf) && len < sizeof(q.text))
		memcpy(q.text, s, len);
	*ret = q;
	return 0;
}

int quantity_parse(const char *s, Quantity *ret, const char **ret_error) {
	return quantity_parse_len(s, strlen(s), ret, ret_error);
}

/* Writes the decimal digits of v at p, returns the position after them. */
static char *put_u128(char *p, u128 v) {
	char tmp[48];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + (unsigned)(v % 10));
		v /= 10;
	} while (v > 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* The DecimalSI suffix for a power of ten, or NULL (suffix.go: decSuffixes). */
static const char *decimal_si_suffix(int exponent) {
	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
		if (suffixes[i].base == 10 && suffixes[i].exponent == exponent)
			return suffixes[i].text;
	return NULL;
}

/*
 * AsCanonicalBytes + constructBytes (amount.go, suffix.go): move every factor of 10 into the
 * exponent, then lower the exponent to a multiple of 3. DecimalSI has no suffix beyond "E" or
 * below "n": newer apimachinery falls back to exponent notation there ("1e21", not "1000E").
 */
static void format_decimal(i128 n, QuantityFormat format, char *buf) {
	u128 m = n < 0 ? -(u128)n : (u128)n;
	int exponent = -NANO_DIGITS;
	const char *suffix;
	char *p = buf;

	while (m >= 10 && m % 10 == 0) {
		m /= 10;
		exponent++;
	}
	while (exponent % 3 != 0) {
		m *= 10;
		exponent--;
	}
	if (n < 0)
		*p++ = '-';
	p = put_u128(p, m);
	suffix = format == QUANTITY_DECIMAL_SI ? decimal_si_suffix(exponent) : NULL;
	if (suffix)
		strcpy(p, suffix);
	else if (exponent == 0)
		*p = 0;
	else
		sprintf(p, "e%d", exponent);
}

/*
 * CanonicalizeBytes for BinarySI: values in (-1024, 1024) and values with a fraction print as
 * DecimalSI; otherwise the largest power of 1024 becomes the suffix. A value past "Ei" has no
 * binary suffix and prints as DecimalSI (newer apimachinery: 2^70 is "1180591620717411303424").
 */
static void format_binary(i128 n, char *buf) {
	static const char *const bin[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	u128 m = n < 0 ? -(u128)n : (u128)n, unit = pow10_u128(NANO_DIGITS);
	size_t times = 0;
	char *p = buf;

	if (m < 1024 * unit || m % unit != 0) {
		format_decimal(n, QUANTITY_DECIMAL_SI, buf);
		return;
	}
	m /= unit;
	while (m >= 1024 && m % 1024 == 0) {
		m /= 1024;
		times++;
	}
	if (times >= ELEMENTSOF(bin)) {
		format_decimal(n, QUANTITY_DECIMAL_SI, buf);
		return;
	}
	if (n < 0)
		*p++ = '-';
	p = put_u128(p, m);
	strcpy(p, bin[times]);
}

const char *quantity_canonical(const Quantity *q, char buf[static QUANTITY_STRING_MAX]) {
	if (q->nanos == 0)
		strcpy(buf, "0");
	else if (q->format == QUANTITY_BINARY_SI)
		format_binary(q->nanos, buf);
	else
		format_decimal(q->nanos, q->format, buf);
	return buf;
}

const char *quantity_to_string(const Quantity *q, char buf[static QUANTITY_STRING_MAX]) {
	if (q->text[0] != 0 && strnlen(q->text, sizeof(q->text)) < sizeof(q->text)) {
		strcpy(buf, q->text);
		return buf;
	}
	return quantity_canonical(q, buf);
}

Quantity quantity_from_int64(int64_t value, QuantityFormat format) {
	return (Quantity){ .nanos = (i128)value * (i128)pow10_u128(NANO_DIGITS), .format = format };
}

Quantity quantity_from_milli(int64_t milli, QuantityFormat format) {
	return (Quantity){ .nanos = (i128)milli * (i128)pow10_u128(NANO_DIGITS - 3),
		           .format = format };
}

int quantity_from_scaled(int64_t value, int scale, Quantity *ret) {
	i128 n = value;

	if (scale < -NANO_DIGITS)
		return -EINVAL;
	if (value != 0 &&
	    (scale > QUANTITY_MAX_DIGITS ||
	     __builtin_mul_overflow(n, (i128)pow10_u128((unsigned)(scale + NANO_DIGITS)), &n)))
		return -ERANGE;
	if (!nanos_in_range(n))
		return -ERANGE;
	*ret = (Quantity){ .nanos = n, .format = QUANTITY_DECIMAL_SI };
	return 0;
}

/* ScaledValue: ceil(q / 10^scale), rounded away from zero as int64Amount.AsScaledInt64 does. */
int quantity_scaled_value(const Quantity *q, int scale, int64_t *ret) {
	u128 m = q->nanos < 0 ? -(u128)q->nanos : (u128)q->nanos;
	int64_t shift = (int64_t)scale + NANO_DIGITS;

	if (m == 0) {
		*ret = 0;
		return 0;
	}
	if (shift <= 0) {
		if (-shift > QUANTITY_MAX_DIGITS + NANO_DIGITS)
			return -ERANGE;
		u128 f = pow10_u128((unsigned)-shift);
		if (m > ((u128)INT64_MAX + 1) / f)
			return -ERANGE;
		m *= f;
	} else if (shift > QUANTITY_MAX_DIGITS + NANO_DIGITS) {
		m = 1; /* any non-zero value rounds up to one unit */
	} else {
		u128 d = pow10_u128((unsigned)shift);
		m = m / d + (m % d != 0);
	}
	if (q->nanos > 0 ? m > INT64_MAX : m > (u128)INT64_MAX + 1)
		return -ERANGE;
	*ret = q->nanos > 0 ? (int64_t)m : (int64_t)-m;
	return 0;
}

int quantity_value(const Quantity *q, int64_t *ret) {
	return quantity_scaled_value(q, 0, ret);
}

int quantity_milli_value(const Quantity *q, int64_t *ret) {
	return quantity_scaled_value(q, -3, ret);
}

double quantity_as_double(const Quantity *q) {
	return (double)q->nanos / 1e9;
}

bool quantity_is_zero(const Quantity *q) {
	return q->nanos == 0;
}

int quantity_sign(const Quantity *q) {
	return (q->nanos > 0) - (q->nanos < 0);
}

int quantity_cmp(const Quantity *a, const Quantity *b) {
	return (a->nanos > b->nanos) - (a->nanos < b->nanos);
}

int quantity_cmp_int64(const Quantity *q, int64_t value) {
	i128 v = (i128)value * (i128)pow10_u128(NANO_DIGITS);
	return (q->nanos > v) - (q->nanos < v);
}

static int set_result(Quantity *q, i128 n, QuantityFormat format) {
	if (!nanos_in_range(n))
		return -ERANGE;
	q->nanos = n;
	q->format = format;
	q->text[0] = 0;
	return 0;
}

int quantity_add(Quantity *q, const Quantity *y) {
	i128 n;
	if (__builtin_add_overflow(q->nanos, y->nanos, &n))
		return -ERANGE;
	return set_result(q, n, q->nanos == 0 ? y->format : q->format);
}

int quantity_sub(Quantity *q, const Quantity *y) {
	i128 n;
	if (__builtin_sub_overflow(q->nanos, y->nanos, &n))
		return -ERANGE;
	return set_result(q, n, q->nanos == 0 ? y->format : q->format);
}

int quantity_mul(Quantity *q, int64_t factor) {
	i128 n;
	if (__builtin_mul_overflow(q->nanos, (i128)factor, &n))
		return -ERANGE;
	return set_result(q, n, q->format);
}

void quantity_neg(Quantity *q) {
	q->nanos = -q->nanos;
	q->text[0] = 0;
}

const char *quantity_format_name(QuantityFormat f) {
	switch (f) {
	case QUANTITY_DECIMAL_SI:
		return "DecimalSI";
	case QUANTITY_BINARY_SI:
		return "BinarySI";
	case QUANTITY_DECIMAL_EXPONENT:
		return "DecimalExponent";
	}
	return "DecimalSI";
}
