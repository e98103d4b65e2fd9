/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resource.Quantity. The cases are facts taken from k8s.io/apimachinery's
 * pkg/api/resource/quantity_test.go (TestQuantityParse, TestQuantityParseEmit,
 * TestQuantityString, TestQuantityCmp, TestQuantityNeg, TestQuantityRoundUp, the invalid
 * list), with the String() each parse gives under apimachinery's rules (quantity.go,
 * amount.go, suffix.go): canonical form, or the input text where ParseQuantity keeps it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "quantity.h"

#define DSI QUANTITY_DECIMAL_SI
#define BSI QUANTITY_BINARY_SI
#define DEX QUANTITY_DECIMAL_EXPONENT

typedef struct ParseCase {
	const char *in;
	const char *out; /* String() */
	QuantityFormat format;
} ParseCase;

static const ParseCase parse_cases[] = {
	/* zeros keep the format of their suffix */
	{ "0", "0", DSI },
	{ "0n", "0", DSI },
	{ "0u", "0", DSI },
	{ "0m", "0", DSI },
	{ "0Ki", "0", BSI },
	{ "0k", "0", DSI },
	{ "0Mi", "0", BSI },
	{ "0M", "0", DSI },
	{ "0Gi", "0", BSI },
	{ "0G", "0", DSI },
	{ "0Ti", "0", BSI },
	{ "0T", "0", DSI },
	{ "00", "0", DSI },
	/* binary suffixes */
	{ "1", "1", DSI },
	{ "1Ki", "1Ki", BSI },
	{ "8Ki", "8Ki", BSI },
	{ "7Mi", "7Mi", BSI },
	{ "6Gi", "6Gi", BSI },
	{ "5Ti", "5Ti", BSI },
	{ "4Pi", "4Pi", BSI },
	{ "3Ei", "3Ei", BSI },
	{ "10Ti", "10Ti", BSI },
	{ "100Ti", "100Ti", BSI },
	{ "1024Mi", "1Gi", BSI },
	{ "307200Ki", "300Mi", BSI },
	{ "1025024Mi", "1001Gi", BSI },
	{ "1024Gi", "1Ti", BSI },
	{ "1500Mi", "1500Mi", BSI },
	{ "1.5Gi", "1536Mi", BSI },
	/* decimal suffixes */
	{ "5n", "5n", DSI },
	{ "4u", "4u", DSI },
	{ "3m", "3m", DSI },
	{ "9", "9", DSI },
	{ "8k", "8k", DSI },
	{ "50k", "50k", DSI },
	{ "7M", "7M", DSI },
	{ "6G", "6G", DSI },
	{ "5T", "5T", DSI },
	{ "40T", "40T", DSI },
	{ "300T", "300T", DSI },
	{ "2P", "2P", DSI },
	{ "1E", "1E", DSI },
	{ "1000", "1k", DSI },
	{ "1000M", "1G", DSI },
	{ "0.001T", "1G", DSI },
	{ "1000u", "1m", DSI },
	{ "5000m", "5", DSI },
	{ "1080000000n", "1080m", DSI },
	/* decimal exponents ("1E-3" is kept as written: canonical-looking input) */
	{ "1E-3", "1E-3", DEX },
	{ "1e3", "1e3", DEX },
	{ "1E6", "1E6", DEX },
	{ "1e9", "1e9", DEX },
	{ "1E12", "1E12", DEX },
	{ "1e15", "1e15", DEX },
	{ "1E18", "1E18", DEX },
	{ "1e14", "100e12", DEX },
	{ "1e13", "10e12", DEX },
	{ ".001e12", "1e9", DEX },
	{ "0.001e0", "1e-3", DEX },
	{ "1000e-12", "1e-9", DEX },
	{ "100.035k", "100.035k", DSI },
	/* things that look like floating point */
	{ "0.001", "1m", DSI },
	{ "0.0005k", "500m", DSI },
	{ "0.005", "5m", DSI },
	{ "0.05", "50m", DSI },
	{ "0.5", "500m", DSI },
	{ "0.00050k", "500m", DSI },
	{ "0.00500", "5m", DSI },
	{ "0.05000", "50m", DSI },
	{ "0.50000", "500m", DSI },
	{ "0.5e0", "500e-3", DEX },
	{ "0.5e-1", "50e-3", DEX },
	{ "0.5e-2", "5e-3", DEX },
	{ "10.035M", "10.035M", DSI },
	{ "1.2e3", "1200", DEX },
	{ "1.3E+6", "1300e3", DEX },
	{ "1.40e9", "1400e6", DEX },
	{ "1.53E12", "1530e9", DEX },
	{ "1.6e15", "1600e12", DEX },
	{ "1.7E18", "1700e15", DEX },
	{ "9.01", "9010m", DSI },
	{ "8.1k", "8100", DSI },
	{ "7.123456M", "7.123456M", DSI },
	{ "6.987654321G", "6.987654321G", DSI },
	{ "5.444T", "5.444T", DSI },
	{ "40.1T", "40100G", DSI },
	{ "300.2T", "300200G", DSI },
	{ "2.5P", "2500T", DSI },
	{ "1.01E", "1010P", DSI },
	{ "1.08", "1080m", DSI },
	/* things that saturate or round (up, to nano) */
	{ "3.001n", "4n", DSI },
	{ "1.1E-9", "2e-9", DEX },
	{ "0.0000000001", "1n", DSI },
	{ "0.0000000005", "1n", DSI },
	{ "0.00000000050", "1n", DSI },
	{ "0.5e-9", "1e-9", DEX },
	{ "0.9n", "1n", DSI },
	{ "0.00000012345", "124n", DSI },
	{ "0.00000012354", "124n", DSI },
	{ "9Ei", "9223372036854775807", BSI },
	{ "9223372036854775807Ki", "9223372036854775807", BSI },
	{ "12E", "12E", DSI },
	{ "1000E", "1e21", DSI },
	{ "5000E", "5e21", DSI },
	{ "1000000E", "1e24", DSI },
	/* fractional binary quantities */
	{ "100.035Ki", "102435840m", BSI },
	{ "0.5Mi", "512Ki", BSI },
	{ "0.05Gi", "53687091200m", BSI },
	{ "0.025Ti", "27487790694400m", BSI },
	{ "62.5Ki", "64000", BSI }, /* integral, but not a multiple of 1024 */
	{ ".001Ki", "1024m", BSI },
	{ ".000001Ki", "1024u", DSI },
	{ ".000000001Ki", "1024n", DSI },
	{ ".000000000001Ki", "2n", DSI },
	{ "0.000000000001Ki", "2n", DSI },
	/* things written by trolls */
	{ ".001", "1m", DSI },
	{ ".0001k", "100m", DSI },
	{ "1.", "1.", DSI },
	{ "1.G", "1.G", DSI },
	{ "+1k", "+1k", DSI },
	{ "0100m", "0100m", DSI },
	{ "1.500", "1.500", DSI },
	{ "-", "0", DSI },
	{ ".", "0", DSI },
	{ "k", "0", DSI },
	{ "Ki", "0", BSI },
	/* negative numbers */
	{ "-1Ki", "-1Ki", BSI },
	{ "-1.5Gi", "-1536Mi", BSI },
	{ "-0.5", "-500m", DSI },
	{ "-1000", "-1k", DSI },
	{ "-1023", "-1023", DSI },
	{ "-9.01", "-9010m", DSI },
	{ "-3.001n", "-4n", DSI },
	{ "-9Ei", "-9223372036854775807", BSI },
	{ "-0.000000000001Ki", "-2n", DSI },
	{ "-1e14", "-100e12", DEX },
	{ "-0", "0", DSI },
};

static void test_parse_table(void **state) {
	char buf[QUANTITY_STRING_MAX];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++, n++) {
		const ParseCase *c = &parse_cases[i];
		const char *err = NULL;
		Quantity q;
		int r = quantity_parse(c->in, &q, &err);
		if (r != 0 || strcmp(quantity_to_string(&q, buf), c->out) != 0 ||
		    q.format != c->format)
			fail_msg("%s: r=%d err=%s got \"%s\" (%s), want \"%s\" (%s)", c->in, r,
			         err ? err : "-", r == 0 ? buf : "", quantity_format_name(q.format),
			         c->out, quantity_format_name(c->format));
		/* printing the canonical text and parsing it again keeps the value */
		Quantity again;
		assert_int_equal(quantity_parse(quantity_canonical(&q, buf), &again, NULL), 0);
		assert_int_equal(quantity_cmp(&q, &again), 0);
	}
	assert_true(n >= 60);
}

typedef struct ValueCase {
	const char *in;
	int value_r;
	int64_t value;
	int milli_r;
	int64_t milli;
} ValueCase;

static const ValueCase value_cases[] = {
	{ "1.5", 0, 2, 0, 1500 },
	{ "100m", 0, 1, 0, 100 },
	{ "1Ki", 0, 1024, 0, 1024000 },
	{ "1.5Gi", 0, 1610612736, 0, 1610612736000 },
	{ "0.0000000001", 0, 1, 0, 1 },
	{ "3.001n", 0, 1, 0, 1 },
	{ "-1.5", 0, -2, 0, -1500 },
	{ "-100m", 0, -1, 0, -100 },
	{ "0", 0, 0, 0, 0 },
	{ "12E", -ERANGE, 0, -ERANGE, 0 },
	{ "9Ei", 0, INT64_MAX, -ERANGE, 0 },
	{ "-9Ei", 0, -INT64_MAX, -ERANGE, 0 },
	{ "9223372036854775807", 0, INT64_MAX, -ERANGE, 0 },
	{ "9223372036854775.807k", 0, INT64_MAX, -ERANGE, 0 },
	{ "-9223372036854775808", 0, INT64_MIN, -ERANGE, 0 },
	{ "9223372036854775808", -ERANGE, 0, -ERANGE, 0 },
	{ "9223372036854775.807", 0, 9223372036854776, 0, 9223372036854775807 },
	{ "1e-100", 0, 1, 0, 1 },
	{ "18446744073709551616", -ERANGE, 0, -ERANGE, 0 },
};

static void test_values(void **state) {
	for (size_t i = 0; i < sizeof(value_cases) / sizeof(value_cases[0]); i++) {
		const ValueCase *c = &value_cases[i];
		int64_t v = 0, m = 0;
		Quantity q;
		assert_int_equal(quantity_parse(c->in, &q, NULL), 0);
		int r = quantity_value(&q, &v), rm = quantity_milli_value(&q, &m);
		if (r != c->value_r || (r == 0 && v != c->value) || rm != c->milli_r ||
		    (rm == 0 && m != c->milli))
			fail_msg("%s: value %d/%lld milli %d/%lld", c->in, r, (long long)v, rm,
			         (long long)m);
	}
}

static void expect_error(const char *in, int want, const char *msg) {
	const char *err = NULL;
	Quantity q;
	int r = quantity_parse(in, &q, &err);
	if (r != want || !err || strcmp(err, msg) != 0)
		fail_msg("\"%s\": r=%d err=%s", in, r, err ? err : "(none)");
}

static void test_rejections(void **state) {
	static const char format[] = "quantities must match the regular expression "
	                             "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
	static const char suffix[] = "unable to parse quantity's suffix";
	static const char numeric[] = "unable to parse numeric part of quantity";

	expect_error("", -EINVAL, format);
	expect_error("1.1.M", -EINVAL, format);
	expect_error("1+1.0M", -EINVAL, format);
	expect_error("0.1am", -EINVAL, format);
	expect_error("aoeu", -EINVAL, format);
	expect_error(" 1", -EINVAL, format);
	expect_error("1 ", -EINVAL, format);
	expect_error("1Gi ", -EINVAL, format);
	expect_error("0x10", -EINVAL, format);
	expect_error("0.1mi", -EINVAL, suffix);
	expect_error(".5i", -EINVAL, suffix);
	expect_error("1i", -EINVAL, suffix);
	expect_error("-3.01i", -EINVAL, suffix);
	expect_error("-3.01e-", -EINVAL, suffix);
	expect_error("1e4294967297", -EINVAL, suffix);
	expect_error("1E2147483648", -EINVAL, suffix);
	expect_error("1KI", -EINVAL, format);
	expect_error("1kM", -EINVAL, suffix);
	expect_error("1e", -EINVAL, suffix);
	expect_error(".e-10", -EINVAL, numeric);
	expect_error("-e-10", -EINVAL, numeric);
	/* beyond skiff's bound: rejected, never wrapped */
	expect_error("1e29", -ERANGE, "quantity too large: skiff bounds quantities to below 1e29");
	expect_error("-100000000000000000000000000000", -ERANGE,
	             "quantity too large: skiff bounds quantities to below 1e29");
	expect_error("1e2147483647", -ERANGE,
	             "quantity too large: skiff bounds quantities to below 1e29");
	expect_error("123456789012345678901234567890123456789012345678901234567890", -ERANGE,
	             "quantity too large: skiff bounds quantities to below 1e29");

	/* embedded NUL */
	Quantity q;
	const char *err = NULL;
	assert_int_equal(quantity_parse_len("1\0k", 3, &q, &err), -EINVAL);
	assert_string_equal(err, format);

	/* just below the bound, and far below nano */
	char buf[QUANTITY_STRING_MAX];
	assert_int_equal(quantity_parse("99999999999999999999999999999", &q, NULL), 0);
	assert_string_equal(quantity_to_string(&q, buf), "99999999999999999999999999999");
	assert_int_equal(quantity_parse("0e2147483647", &q, NULL), 0);
	assert_string_equal(quantity_to_string(&q, buf), "0");
	assert_int_equal(quantity_parse("1e-2147483647", &q, NULL), 0);
	assert_string_equal(quantity_to_string(&q, buf), "1e-9");
}

static void test_kept_text_is_bounded(void **state) {
	char in[200], buf[QUANTITY_STRING_MAX];
	Quantity q;

	/* canonical-looking, but too long to keep: printed canonically */
	memset(in, '0', 100);
	strcpy(in + 100, "1k");
	assert_int_equal(quantity_parse(in, &q, NULL), 0);
	assert_string_equal(quantity_to_string(&q, buf), "1k");
	/* a long fraction of a binary quantity is exact */
	strcpy(in, "0.");
	memset(in + 2, '0', 150);
	strcpy(in + 152, "1Ei");
	assert_int_equal(quantity_parse(in, &q, NULL), 0);
	assert_string_equal(quantity_to_string(&q, buf), "1n");
}

static void test_format_from_values(void **state) {
	char buf[QUANTITY_STRING_MAX];
	Quantity q;

	/* TestQuantityString, TestBinarySIZeroExponentString */
	q = quantity_from_int64(1024 * 1024 * 1024, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "1Gi");
	q = quantity_from_int64(6 * 1024, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "6Ki");
	q = quantity_from_int64(5, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "5");
	q = quantity_from_milli(500, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "500m");
	q = quantity_from_milli(1234567, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "1234567m");
	q = quantity_from_int64(1025, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "1025");
	q = quantity_from_int64(2000, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "2000");
	q = quantity_from_int64(-2000, BSI);
	assert_string_equal(quantity_to_string(&q, buf), "-2000");
	q = quantity_from_int64(1000000000, DSI);
	assert_string_equal(quantity_to_string(&q, buf), "1G");
	q = quantity_from_milli(1080, DSI);
	assert_string_equal(quantity_to_string(&q, buf), "1080m");
	q = quantity_from_milli(80, DEX);
	assert_string_equal(quantity_to_string(&q, buf), "80e-3");
	q = quantity_from_int64(0, DEX);
	assert_string_equal(quantity_to_string(&q, buf), "0");
	assert_int_equal(quantity_from_scaled(1234567, 6, &q), 0);
	assert_string_equal(quantity_to_string(&q, buf), "1234567M");
	assert_int_equal(quantity_from_scaled(108, -8, &q), 0);
	assert_string_equal(quantity_to_string(&q, buf), "1080n");
	assert_int_equal(quantity_from_scaled(1, 21, &q), 0);
	assert_string_equal(quantity_to_string(&q, buf), "1e21");
	assert_int_equal(quantity_from_scaled(1, -12, &q), -EINVAL);
	assert_int_equal(quantity_from_scaled(1, 29, &q), -ERANGE);
	assert_int_equal(quantity_from_scaled(INT64_MAX, 29, &q), -ERANGE);
	assert_int_equal(quantity_from_scaled(INT64_MIN, 20, &q), -ERANGE);
	assert_int_equal(quantity_from_scaled(-99, 26, &q), 0);
	assert_string_equal(quantity_to_string(&q, buf), "-9900e24");
	assert_int_equal(quantity_from_scaled(0, 1000, &q), 0);

	/* TestBinarySIPastEiArithmeticRoundTrip: 2^70 has no binary suffix */
	assert_int_equal(quantity_parse("1Ei", &q, NULL), 0);
	assert_int_equal(quantity_mul(&q, 1024), 0);
	assert_string_equal(quantity_to_string(&q, buf), "1180591620717411303424");
	assert_int_equal(quantity_mul(&q, INT64_MAX), -ERANGE);
	assert_string_equal(quantity_to_string(&q, buf), "1180591620717411303424");
}

static void test_arithmetic(void **state) {
	char buf[QUANTITY_STRING_MAX];
	Quantity a, b, zero;
	int64_t v;

	/* TestQuantityCmp */
	assert_int_equal(quantity_parse("100m", &a, NULL), 0);
	assert_int_equal(quantity_parse("50m", &b, NULL), 0);
	assert_int_equal(quantity_cmp(&a, &b), 1);
	assert_int_equal(quantity_cmp(&b, &a), -1);
	assert_int_equal(quantity_parse("10000T", &a, NULL), 0);
	assert_int_equal(quantity_parse("100Gi", &b, NULL), 0);
	assert_int_equal(quantity_cmp(&a, &b), 1);
	assert_int_equal(quantity_cmp_int64(&b, 100LL << 30), 0);
	assert_int_equal(quantity_cmp_int64(&b, (100LL << 30) + 1), -1);

	/* TestQuantityAddZeroPreservesSuffix / SubZero */
	assert_int_equal(quantity_parse("0", &zero, NULL), 0);
	assert_int_equal(quantity_parse("1Gi", &b, NULL), 0);
	a = zero;
	assert_int_equal(quantity_add(&a, &b), 0);
	assert_string_equal(quantity_to_string(&a, buf), "1Gi");
	a = b;
	assert_int_equal(quantity_add(&a, &zero), 0);
	assert_string_equal(quantity_to_string(&a, buf), "1Gi");
	assert_int_equal(quantity_parse("100m", &b, NULL), 0);
	a = zero;
	assert_int_equal(quantity_sub(&a, &b), 0);
	assert_string_equal(quantity_to_string(&a, buf), "-100m");

	/* sums of requests */
	assert_int_equal(quantity_parse("250m", &a, NULL), 0);
	assert_int_equal(quantity_parse("0.75", &b, NULL), 0);
	assert_int_equal(quantity_add(&a, &b), 0);
	assert_string_equal(quantity_to_string(&a, buf), "1");
	assert_int_equal(quantity_parse("+1k", &a, NULL), 0);
	assert_int_equal(quantity_add(&a, &zero), 0);
	assert_string_equal(quantity_to_string(&a, buf), "1k");

	/* TestQuantityNeg */
	assert_int_equal(quantity_parse("9.01", &a, NULL), 0);
	quantity_neg(&a);
	assert_string_equal(quantity_to_string(&a, buf), "-9010m");
	assert_int_equal(quantity_sign(&a), -1);
	assert_false(quantity_is_zero(&a));

	/* overflow past the bound is refused and leaves the value alone */
	assert_int_equal(quantity_parse("99999999999999999999999999999", &a, NULL), 0);
	assert_int_equal(quantity_parse("1", &b, NULL), 0);
	assert_int_equal(quantity_add(&a, &b), -ERANGE);
	assert_string_equal(quantity_to_string(&a, buf), "99999999999999999999999999999");
	quantity_neg(&a);
	assert_int_equal(quantity_sub(&a, &b), -ERANGE);

	/* ScaledValue */
	assert_int_equal(quantity_parse("1.5Gi", &a, NULL), 0);
	assert_int_equal(quantity_scaled_value(&a, 6, &v), 0);
	assert_int_equal(v, 1611);
	assert_int_equal(quantity_scaled_value(&a, -9, &v), 0);
	assert_int_equal(v, 1610612736000000000LL);
	assert_int_equal(quantity_scaled_value(&a, 100, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(quantity_scaled_value(&a, -12, &v), -ERANGE);
	assert_true(quantity_as_double(&a) == 1610612736.0);
	assert_string_equal(quantity_format_name(a.format), "BinarySI");
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_kept_text_is_bounded),
		cmocka_unit_test(test_format_from_values),
		cmocka_unit_test(test_arithmetic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
