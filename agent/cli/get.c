/* SPDX-License-Identifier: Apache-2.0 */
/* skiff get pods [NAME...] [-o wide|json|yaml|name] [-n NS | -A] */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cli-common.h"
#include "cli.h"
#include "pod-print.h"
#include "table.h"
#include "tree.h"

static uint64_t now_usec(void) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static bool wanted(json_object *pod, const CliTarget *t, char **names, int n_names) {
	json_object *m = NULL, *v = NULL;
	json_object_object_get_ex(pod, "metadata", &m);
	if (!t->all_namespaces && json_object_object_get_ex(m, "namespace", &v) &&
	    !streq(json_object_get_string(v), t->namespace))
		return false;
	if (n_names == 0)
		return true;
	json_object_object_get_ex(m, "name", &v);
	for (int i = 0; i < n_names; i++)
		if (v && streq(json_object_get_string(v), names[i]))
			return true;
	return false;
}

static int print_table(json_object *items, const CliTarget *t, bool wide) {
	const char *narrow[] = { "NAME", "READY", "STATUS", "RESTARTS", "AGE", NULL };
	const char *wide_h[] = { "NAME", "READY", "STATUS",         "RESTARTS",        "AGE",
		                 "IP",   "NODE",  "NOMINATED NODE", "READINESS GATES", NULL };
	const char *all_h[] = { "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", NULL };
	const char *all_wide[] = {
		"NAMESPACE", "NAME", "READY",          "STATUS",          "RESTARTS", "AGE",
		"IP",        "NODE", "NOMINATED NODE", "READINESS GATES", NULL
	};
	_cleanup_(table_freep) Table *tb = NULL;
	uint64_t now = now_usec();
	int r = table_new(t->all_namespaces ? (wide ? all_wide : all_h) : (wide ? wide_h : narrow),
	                  &tb);
	if (r < 0)
		return r;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *pod = json_object_array_get_idx(items, i), *m = NULL, *ns = NULL;
		PodColumns c;
		char age[HUMAN_DURATION_MAX], rs[64];
		pod_print_columns(pod, &c);
		if (t->all_namespaces) {
			json_object_object_get_ex(pod, "metadata", &m);
			json_object_object_get_ex(m, "namespace", &ns);
			table_add_cell(tb, json_object_get_string(ns));
		}
		table_add_cell(tb, c.name);
		table_add_cell(tb, c.ready);
		table_add_cell(tb, c.status);
		table_add_cell(tb, human_restarts(c.restarts, c.last_restart, now, rs, sizeof(rs)));
		table_add_cell(tb, human_age(c.created, now, age, sizeof(age)));
		if (wide) {
			table_add_cell(tb, c.ip);
			table_add_cell(tb, c.node);
			table_add_cell(tb, "<none>");
			table_add_cell(tb, "<none>");
		}
	}
	return table_print(tb, stdout);
}

static void print_file_errors(SkiffClient *c) {
	json_object *a = NULL;
	ClientError e = {};
	if (client_get_json(c, "/errors", &a, &e) < 0 || !a)
		return;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i), *f = NULL, *errs = NULL;
		json_object_object_get_ex(o, "file", &f);
		json_object_object_get_ex(o, "errors", &errs);
		for (size_t j = 0; errs && j < json_object_array_length(errs); j++)
			fprintf(stderr, "Warning: static pod file %s: %s\n",
			        json_object_get_string(f),
			        json_object_get_string(json_object_array_get_idx(errs, j)));
	}
	json_object_put(a);
}

int cli_get(int argc, char **argv) {
	static const struct option options[] = { CLI_COMMON_LONG_OPTIONS,
		                                 { "output", required_argument, NULL, 'o' },
		                                 { "all-namespaces", no_argument, NULL, 'A' },
		                                 { "help", no_argument, NULL, 'h' },
		                                 {} };
	CliTarget t = { .namespace = "default" };
	const char *output = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:n:Ah", options, NULL)) >= 0)
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'n':
			t.namespace = optarg;
			break;
		case 'A':
			t.all_namespaces = true;
			break;
		case CLI_OPT_SOCKET:
			t.socket = optarg;
			break;
		case 'h':
			printf("usage: skiff get pods [NAME...] [-o wide|json|yaml|name] [-n NS | "
			       "-A]\n");
			return 0;
		default:
			return 2;
		}
	if (optind >= argc || (!streq(argv[optind], "pods") && !streq(argv[optind], "pod") &&
	                       !streq(argv[optind], "po"))) {
		fprintf(stderr, "error: the server doesn't have a resource type \"%s\"\n",
		        optind < argc ? argv[optind] : "");
		return 1;
	}
	if (output && !streq(output, "wide") && !streq(output, "json") && !streq(output, "yaml") &&
	    !streq(output, "name")) {
		fprintf(stderr,
		        "error: unable to match a printer suitable for the output format "
		        "\"%s\", allowed formats are: json,name,wide,yaml\n",
		        output);
		return 1;
	}
	char **names = argv + optind + 1;
	int n_names = argc - optind - 1;

	_cleanup_(client_freep) SkiffClient *cl = NULL;
	json_object *list = NULL, *items = NULL;
	ClientError e = {};
	if (cli_connect(&t, &cl) < 0)
		return 1;
	r = client_get_json(cl, "/pods", &list, &e);
	if (r < 0)
		return cli_fail(&e, r);
	print_file_errors(cl);
	json_object *all = NULL;
	json_object_object_get_ex(list, "items", &all);
	items = json_object_new_array();
	for (size_t i = 0; all && i < json_object_array_length(all); i++) {
		json_object *p = json_object_array_get_idx(all, i);
		if (wanted(p, &t, names, n_names))
			json_object_array_add(items, json_object_get(p));
	}
	/* a named pod that is not there */
	for (int i = 0; i < n_names; i++) {
		bool found = false;
		for (size_t j = 0; j < json_object_array_length(items) && !found; j++) {
			json_object *m = NULL, *v = NULL;
			json_object_object_get_ex(json_object_array_get_idx(items, j), "metadata",
			                          &m);
			json_object_object_get_ex(m, "name", &v);
			found = v && streq(json_object_get_string(v), names[i]);
		}
		if (!found) {
			fprintf(stderr, "Error from server (NotFound): pods \"%s\" not found\n",
			        names[i]);
			r = -ENOENT;
		}
	}

	if (output && (streq(output, "json") || streq(output, "yaml"))) {
		json_object *o = items;
		if (n_names != 1 || json_object_array_length(items) != 1) {
			json_object_object_add(list, "items", json_object_get(items));
			o = list;
		} else
			o = json_object_array_get_idx(items, 0);
		if (streq(output, "json"))
			printf("%s\n",
			       json_object_to_json_string_ext(
			               o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			                          JSON_C_TO_STRING_NOSLASHESCAPE));
		else {
			_cleanup_free_ char *y = NULL;
			if (tree_to_yaml(o, &y) >= 0)
				fputs(y, stdout);
		}
	} else if (output && streq(output, "name")) {
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			PodColumns pc;
			pod_print_columns(json_object_array_get_idx(items, i), &pc);
			printf("pod/%s\n", pc.name);
		}
	} else if (json_object_array_length(items) == 0 && n_names == 0) {
		if (t.all_namespaces)
			fprintf(stderr, "No resources found\n");
		else
			fprintf(stderr, "No resources found in %s namespace.\n", t.namespace);
	} else if (json_object_array_length(items) > 0)
		print_table(items, &t, output && streq(output, "wide"));
	json_object_put(items);
	json_object_put(list);
	return r < 0 ? 1 : 0;
}
