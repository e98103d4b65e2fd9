/* SPDX-License-Identifier: Apache-2.0 */
/* Lookups in the reference index: names, digests, IDs and ID prefixes; insert and replace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "image-internal.h"

#define ID_A "sha256:aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111"
#define ID_B "sha256:aaaaaaaaaaaa2222222222222222222222222222222222222222222222222222"
#define MF_A "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define MF_B "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

static void put(StoreIndex *idx, const char *ref, const char *id, const char *mf,
                const char *want_old) {
	IndexImage img = { .ref = strdup(ref), .id = strdup(id), .manifest = strdup(mf) };
	char *old = NULL;
	img.layers = calloc(1, sizeof(char *));
	assert_int_equal(store_index_put(idx, &img, &old), 0);
	if (want_old)
		assert_string_equal(old, want_old);
	else
		assert_null(old);
	free(old);
}

static StoreIndex sample(void) {
	StoreIndex idx = {};
	put(&idx, "docker.io/library/busybox:latest", ID_A, MF_A, NULL);
	put(&idx, "docker.io/library/busybox:1.36", ID_A, MF_A, NULL);
	put(&idx, "registry:5000/x/y:v1", ID_B, MF_B, NULL);
	return idx;
}

static int find(const StoreIndex *idx, const char *q, size_t *ret, Diag *d) {
	return store_index_lookup(idx, q, ret, 8, NULL, d);
}

static void test_sorted_and_replace(void **state) {
	StoreIndex idx = sample();
	assert_int_equal(idx.n, 3);
	assert_string_equal(idx.images[0].ref, "docker.io/library/busybox:1.36");
	assert_string_equal(idx.images[2].ref, "registry:5000/x/y:v1");
	put(&idx, "docker.io/library/busybox:latest", ID_B, MF_B, ID_A);
	put(&idx, "docker.io/library/busybox:latest", ID_B, MF_B, NULL); /* same image again */
	assert_int_equal(idx.n, 3);
	store_index_drop(&idx, 0);
	assert_int_equal(idx.n, 2);
	assert_string_equal(idx.images[0].ref, "docker.io/library/busybox:latest");
	store_index_done(&idx);
}

static void test_lookup(void **state) {
	StoreIndex idx = sample();
	size_t found[8];
	char *ref = NULL;
	Diag d = {};

	assert_int_equal(store_index_lookup(&idx, "busybox", found, 8, &ref, &d), 1);
	assert_string_equal(idx.images[found[0]].ref, "docker.io/library/busybox:latest");
	assert_string_equal(ref, "docker.io/library/busybox:latest");
	free(ref);
	assert_int_equal(find(&idx, "library/busybox:1.36", found, &d), 1);
	assert_int_equal(find(&idx, "registry:5000/x/y:v1", found, &d), 1);
	assert_int_equal(find(&idx, "busybox:1.0", found, &d), 0);
	assert_int_equal(find(&idx, "registry:5000/x/y", found, &d), 0);
	/* by digest: every reference of the repository with that manifest */
	assert_int_equal(find(&idx, "busybox@" MF_A, found, &d), 2);
	assert_int_equal(find(&idx, "other@" MF_A, found, &d), 0);
	assert_int_equal(find(&idx, "busybox@" MF_B, found, &d), 0);
	/* by ID, whole or prefix (>= 12 hex), with or without "sha256:" */
	assert_int_equal(find(&idx, ID_B, found, &d), 1);
	assert_int_equal(find(&idx, &ID_A[7], found, &d), 2);
	assert_int_equal(find(&idx, "aaaaaaaaaaaa1", found, &d), 2);
	assert_int_equal(find(&idx, "sha256:aaaaaaaaaaaa2", found, &d), 1);
	assert_int_equal(find(&idx, "aaaaaaaaaaa", found, &d), 0); /* too short */
	assert_false(diag_failed(&d));
	assert_int_equal(find(&idx, "aaaaaaaaaaaa", found, &d), -ENOTUNIQ);
	assert_non_null(strstr(d.errors[0], "ambiguous"));
	diag_clear(&d);
	/* neither: the reference error is kept */
	assert_int_equal(find(&idx, "Not/A:Ref!", found, &d), 0);
	assert_true(diag_failed(&d));
	diag_clear(&d);
	store_index_done(&idx);
}

static void test_uses_layer(void **state) {
	StoreIndex idx = {};
	IndexImage img = { .ref = strdup("a"), .id = strdup(ID_A), .manifest = strdup(MF_A) };
	char *old = NULL;
	img.layers = calloc(2, sizeof(char *));
	img.layers[0] = strdup(MF_B);
	assert_int_equal(store_index_put(&idx, &img, &old), 0);
	assert_true(store_index_uses_layer(&idx, MF_B));
	assert_false(store_index_uses_layer(&idx, MF_A));
	store_index_done(&idx);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_and_replace),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_uses_layer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
