/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the configuration file: the input is the --config file's contents (YAML,
 * or JSON when it starts with '{'), run through the whole pipeline (decode, defaults, derive,
 * validate). Beyond "no crash, no leak": a refused file always says why, and what `skiff config`
 * prints for an accepted one, as JSON and as YAML, is itself accepted and prints the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kubelet-config.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, const char *text, const Diag *diag) {
	if (ok)
		return;
	fprintf(stderr, "%s\n", what);
	for (size_t i = 0; diag && i < diag->n_errors; i++)
		fprintf(stderr, "error: %s\n", diag->errors[i]);
	if (text)
		fprintf(stderr, "--- input\n%s\n", text);
	abort();
}

/* skiff config --config /etc/skiff/config.yaml, with the file's contents in memory. */
static int build(const char *text, size_t size, SkiffConfig **ret, Diag *diag) {
	char *argv[] = { (char *)"--config", (char *)"/etc/skiff/config.yaml", NULL };
	ConfigInputs in = {
		.argc = 2,
		.argv = argv,
		.hostname = "fuzz-node",
		.cwd = "/",
		.file_data = text,
		.file_size = size,
	};
	return skiff_config_build(&in, ret, diag);
}

static char *print_json(const SkiffConfig *c) {
	json_object *o = NULL;
	char *s = NULL;
	if (skiff_config_to_json(c, &o) < 0)
		return NULL;
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

/* `printed` (a configuration skiff printed) must load and print as `printed` again. */
static void check_reads_back(const char *text, const char *printed) {
	SkiffConfig *c = NULL;
	Diag diag = {};
	char *again = NULL;

	int r = build(text, strlen(text), &c, &diag);
	if (r == -ENOMEM)
		goto done;
	check(r == 0, "printed configuration refused", text, &diag);
	again = print_json(c);
	if (again)
		check(streq(again, printed), "printed configuration changed on reading back", text,
		      NULL);
done:
	free(again);
	skiff_config_free(c);
	diag_clear(&diag);
}

static void check_printed(const SkiffConfig *c) {
	json_object *o = NULL;
	char *json = print_json(c), *yaml = NULL;

	if (!json)
		return;
	check_reads_back(json, json);
	o = json_tokener_parse(json);
	if (o && tree_to_yaml(o, &yaml) == 0)
		check_reads_back(yaml, json);
	json_object_put(o);
	free(yaml);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	SkiffConfig *c = NULL;
	Diag diag = {};

	/* the decoder reads the file from disk without contents: never let it */
	int r = build(data ? (const char *)data : "", size, &c, &diag);
	check(r == 0 || r == -ENOMEM || diag.n_errors > 0, "refused without a message", NULL, NULL);
	check(r != 0 || c, "accepted without a configuration", NULL, NULL);
	if (r == 0)
		check_printed(c);
	skiff_config_free(c);
	diag_clear(&diag);
	return 0;
}
