/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff validate [-o yaml|json] FILE...: read pod manifests as the agent would, and print each
 * pod as skiff understood it (defaults applied, status.qosClass), or every error as
 * "<file>: <path>: <message>". Exit 0 when every file is valid, 1 otherwise, 2 on usage errors.
 */
#include <stdio.h>

#include "cli.h"
#include "fileio.h"
#include "json-util.h"
#include "manifest.h"
#include "tree.h"

typedef enum OutputFormat {
	OUTPUT_YAML,
	OUTPUT_JSON,
} OutputFormat;

static void validate_usage(FILE *f) {
	fprintf(f,
	        "usage: skiff validate [-o yaml|json] FILE...\n\n"
	        "Read Pod, PodList or List manifests (JSON or YAML; \"-\" reads stdin) and print\n"
	        "each pod as skiff understood it, or every problem found.\n\n"
	        "  -o, --output FORMAT   yaml (default) or json\n"
	        "  -h, --help            show this help\n");
}

static int parse_format(const char *s, OutputFormat *ret) {
	if (streq(s, "yaml"))
		*ret = OUTPUT_YAML;
	else if (streq(s, "json"))
		*ret = OUTPUT_JSON;
	else {
		fprintf(stderr, "skiff validate: unknown output format \"%s\" (yaml, json)\n", s);
		return -EINVAL;
	}
	return 0;
}

/* Options first, then files; returns the index of the first file or -EINVAL. */
static int parse_args(int argc, char **argv, OutputFormat *format, bool *help) {
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (streq(a, "--")) {
			i++;
			break;
		}
		if (streq(a, "-h") || streq(a, "--help")) {
			*help = true;
			continue;
		}
		if (streq(a, "-o") || streq(a, "--output")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "skiff validate: %s needs a format\n", a);
				return -EINVAL;
			}
			if (parse_format(argv[++i], format) < 0)
				return -EINVAL;
			continue;
		}
		if ((v = startswith(a, "--output=")) || ((v = startswith(a, "-o")) && *v)) {
			if (parse_format(v, format) < 0)
				return -EINVAL;
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fprintf(stderr, "skiff validate: unknown option \"%s\"\n", a);
			return -EINVAL;
		}
		break;
	}
	return i;
}

static int load(const char *file, PodSet *ret, Diag *diag) {
	if (!streq(file, "-"))
		return manifest_load_file(file, ret, diag);
	return manifest_load_fd(STDIN_FILENO, ret, diag);
}

static int print_yaml(json_object *items) {
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		_cleanup_free_ char *text = NULL;
		int r = tree_to_yaml(json_object_array_get_idx(items, i), &text);

		if (r < 0)
			return r;
		/* Several pods are separate YAML documents. */
		if (i > 0)
			fputs("---\n", stdout);
		fputs(text, stdout);
	}
	return 0;
}

static int print_json(json_object *items) {
	json_object *out = items;
	int flags =
	        JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE;
	_cleanup_json_ json_object *list = NULL;

	/* One pod prints as itself; several as a v1 List, as kubectl does. */
	if (json_object_array_length(items) == 1)
		out = json_object_array_get_idx(items, 0);
	else {
		list = json_object_new_object();
		if (!list)
			return -ENOMEM;
		json_object_object_add(list, "apiVersion", json_object_new_string("v1"));
		json_object_object_add(list, "kind", json_object_new_string("List"));
		json_object_object_add(list, "items", json_object_get(items));
		out = list;
	}
	puts(json_object_to_json_string_ext(out, flags));
	return 0;
}

/* Validate one file, print its messages, and add its pods to items. Returns false on errors. */
static bool validate_file(const char *file, json_object *items) {
	const char *origin = streq(file, "-") ? "<stdin>" : file;
	PodSet set = {};
	Diag diag = {};
	bool ok;

	ok = load(file, &set, &diag) >= 0;
	diag_print(&diag, origin, stderr);
	diag_clear(&diag);
	for (size_t i = 0; ok && i < set.n_pods; i++) {
		json_object *o = NULL;
		if (pod_to_json(set.pods[i], &o) < 0 || json_object_array_add(items, o) < 0) {
			json_object_put(o);
			fprintf(stderr, "%s: out of memory\n", origin);
			ok = false;
		}
	}
	pod_set_done(&set);
	return ok;
}

int cli_validate(int argc, char **argv) {
	_cleanup_json_ json_object *items = json_object_new_array();
	OutputFormat format = OUTPUT_YAML;
	bool help = false, ok = true;
	int first, r;

	first = parse_args(argc, argv, &format, &help);
	if (first < 0) {
		validate_usage(stderr);
		return 2;
	}
	if (help) {
		validate_usage(stdout);
		return 0;
	}
	if (first >= argc) {
		fprintf(stderr, "skiff validate: no file given\n");
		validate_usage(stderr);
		return 2;
	}
	if (!items)
		return 1;
	for (int i = first; i < argc; i++)
		if (!validate_file(argv[i], items))
			ok = false;
	r = format == OUTPUT_JSON ? print_json(items) : print_yaml(items);
	if (r < 0) {
		fprintf(stderr, "skiff validate: cannot print: %s\n", strerror(-r));
		return 1;
	}
	fflush(stdout);
	return ok ? 0 : 1;
}
