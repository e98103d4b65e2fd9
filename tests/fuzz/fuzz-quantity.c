/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resource.Quantity parsing: anything parses or fails cleanly, and what parses prints a
 * canonical text that parses back to the same value and the same text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what, const char *text) {
	if (!ok) {
		fprintf(stderr, "%s: \"%s\"\n", what, text);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	char text[QUANTITY_STRING_MAX], canon[QUANTITY_STRING_MAX], again[QUANTITY_STRING_MAX];
	const char *err = NULL;
	Quantity q, r, sum;
	int64_t v;

	if (quantity_parse_len((const char *)data, size, &q, &err) < 0) {
		check(err != NULL, "error without a message", "");
		return 0;
	}
	quantity_to_string(&q, text);
	check(strlen(text) < QUANTITY_STRING_MAX, "text too long", text);
	quantity_canonical(&q, canon);
	check(quantity_parse(canon, &r, &err) == 0, "canonical text does not parse", canon);
	check(quantity_cmp(&q, &r) == 0, "canonical text changes the value", canon);
	/* BinarySI text without a binary suffix ("64000" for 62.5Ki) reads back as DecimalSI */
	check(r.format != q.format || strcmp(quantity_canonical(&r, again), canon) == 0,
	      "canonical text not stable", canon);
	check(quantity_parse(text, &r, &err) == 0 && quantity_cmp(&q, &r) == 0,
	      "String() text changes the value", text);

	(void)quantity_value(&q, &v);
	(void)quantity_milli_value(&q, &v);
	(void)quantity_scaled_value(&q, (int)(size % 64) - 32, &v);
	(void)quantity_as_double(&q);
	sum = q;
	if (quantity_add(&sum, &q) == 0) {
		check(quantity_sub(&sum, &q) == 0 && quantity_cmp(&sum, &q) == 0, "add/sub", canon);
		quantity_neg(&sum);
		check(quantity_sign(&sum) == -quantity_sign(&q), "neg", canon);
	}
	sum = q;
	(void)quantity_mul(&sum, (int64_t)size - 100);
	quantity_to_string(&sum, text);
	return 0;
}
