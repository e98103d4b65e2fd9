/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the manifest loader: bytes -> YAML/JSON tree -> Pods (decode, defaults,
 * validation) -> v1 Pod JSON -> YAML. Beyond "no crash, no leak", it checks the model's
 * round-trip property: what skiff prints for a valid pod reads back as a valid pod that prints
 * the same.
 */
#include <stdint.h>
#include <stdlib.h>

#include "manifest.h"
#include "tree.h"

static void check_round_trip(json_object *o) {
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	json_object *again = NULL;
	Pod *pod = NULL;
	Diag diag = {};

	if (pod_from_json(o, NULL, &pod, &diag) < 0)
		abort(); /* skiff's own output must be a valid pod */
	if (pod_to_json(pod, &again) == 0) {
		if (!streq(text, json_object_to_json_string_ext(again, JSON_C_TO_STRING_PLAIN)))
			abort(); /* and read back as the same pod */
		json_object_put(again);
	}
	pod_free(pod);
	diag_clear(&diag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	PodSet set = {};
	Diag diag = {};

	if (manifest_parse((const char *)data, size, &set, &diag) == 0)
		for (size_t i = 0; i < set.n_pods; i++) {
			json_object *o = NULL;
			char *yaml = NULL;

			if (pod_to_json(set.pods[i], &o) < 0)
				continue;
			check_round_trip(o);
			if (tree_to_yaml(o, &yaml) == 0)
				free(yaml);
			json_object_put(o);
		}
	pod_set_done(&set);
	diag_clear(&diag);
	return 0;
}
