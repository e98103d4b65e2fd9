/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff config [--config FILE] [kubelet flags] [-o yaml|json]: the effective configuration,
 * every default filled and the eviction thresholds as parsed, or every error (exit 1). The
 * same loader the daemon runs at start, so an operator can check a change before a restart.
 */
#include <stdio.h>

#include "cli.h"
#include "kubelet-config.h"
#include "tree.h"

typedef enum OutputFormat {
	OUTPUT_YAML,
	OUTPUT_JSON,
} OutputFormat;

static void config_usage(FILE *f) {
	fprintf(f, "usage: skiff config [--config FILE] [KUBELET FLAGS...] [-o yaml|json]\n\n"
	           "Print the effective configuration: the file, the flags over it, every default\n"
	           "filled in and the eviction thresholds as parsed. Exit 1 with every error.\n");
}

/* Take -o/--output out of argv (in place); the rest are configuration flags. */
static int take_output_option(int *argc, char **argv, OutputFormat *ret) {
	int n = 0;
	for (int i = 0; i < *argc; i++) {
		const char *v = NULL;
		if (streq(argv[i], "-o") || streq(argv[i], "--output")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "skiff config: %s needs an argument\n", argv[i]);
				return -EINVAL;
			}
			v = argv[++i];
		} else if ((v = startswith(argv[i], "--output=")) ||
		           (v = startswith(argv[i], "-o="))) {
		} else if (startswith(argv[i], "-o") && !startswith(argv[i], "--")) {
			v = argv[i] + 2;
		} else {
			argv[n++] = argv[i];
			continue;
		}
		if (streq(v, "yaml"))
			*ret = OUTPUT_YAML;
		else if (streq(v, "json"))
			*ret = OUTPUT_JSON;
		else {
			fprintf(stderr,
			        "skiff config: unsupported output format \"%s\" (yaml, json)\n", v);
			return -EINVAL;
		}
	}
	*argc = n;
	argv[n] = NULL;
	return 0;
}

static int print_config(const SkiffConfig *c, OutputFormat format) {
	json_object *o = NULL;
	_cleanup_free_ char *yaml = NULL;
	int r = skiff_config_to_json(c, &o);
	if (r < 0)
		return r;
	if (format == OUTPUT_JSON) {
		fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		                                                JSON_C_TO_STRING_SPACED |
		                                                JSON_C_TO_STRING_NOSLASHESCAPE),
		      stdout);
		fputc('\n', stdout);
	} else {
		r = tree_to_yaml(o, &yaml);
		if (r >= 0)
			fputs(yaml, stdout);
	}
	json_object_put(o);
	return r;
}

int cli_config(int argc, char **argv) {
	_cleanup_(diag_clear) Diag diag = {};
	_cleanup_(skiff_config_freep) SkiffConfig *c = NULL;
	OutputFormat format = OUTPUT_YAML;

	/* argv[0] is "config" */
	argc--;
	argv++;
	for (int i = 0; i < argc; i++)
		if (streq(argv[i], "-h") || streq(argv[i], "--help")) {
			config_usage(stdout);
			return 0;
		}
	if (take_output_option(&argc, argv, &format) < 0)
		return 2;

	int r = skiff_config_load(argc, argv, &c, &diag);
	diag_print(&diag, NULL, stderr);
	if (r < 0) {
		if (r != -EINVAL)
			fprintf(stderr, "skiff config: %s\n", strerror(-r));
		return 1;
	}
	r = print_config(c, format);
	if (r < 0) {
		fprintf(stderr, "skiff config: cannot print the configuration: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
