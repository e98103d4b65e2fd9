/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tree_parse on any bytes (JSON or YAML), and the round trip: every document it accepts
 * prints as YAML that parses back to the same tree.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(json_object *doc) {
	const TreeLimits big = { .max_depth = 64, .max_nodes = 400000, .max_documents = 2 };
	TreeDocs again = {};
	Diag diag = {};
	char *y = NULL;

	if (tree_to_yaml(doc, &y) < 0) {
		fprintf(stderr, "cannot print: %s\n", json_object_to_json_string(doc));
		abort();
	}
	if (tree_parse(y, strlen(y), &big, &again, &diag) < 0 || again.n_docs != 1 ||
	    !tree_equal(doc, again.docs[0])) {
		fprintf(stderr, "round trip failed (%s):\n%s\n--- from\n%s\n",
		        diag.n_errors ? diag.errors[0] : "different tree", y,
		        json_object_to_json_string(doc));
		abort();
	}
	tree_docs_free(&again);
	diag_clear(&diag);
	free(y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	const TreeLimits limits = { .max_depth = 64, .max_nodes = 200000, .max_documents = 16 };
	TreeDocs docs = {};
	Diag diag = {};

	int r = tree_parse((const char *)data, size, &limits, &docs, &diag);
	if (r < 0 && r != -ENOMEM && diag.n_errors == 0) {
		fprintf(stderr, "error %d without a message\n", r);
		abort();
	}
	for (size_t i = 0; i < docs.n_docs; i++)
		round_trip(docs.docs[i]);
	tree_docs_free(&docs);
	diag_clear(&diag);
	return 0;
}
