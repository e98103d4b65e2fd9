/* SPDX-License-Identifier: Apache-2.0 */
/* skiff logs POD [-c C] [-f] [-p|--previous] [--tail N] [--timestamps] [-n NS] */
#include <getopt.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli.h"

static int on_line(const char *line, size_t len, void *userdata) {
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	return 0;
}

int cli_logs(int argc, char **argv) {
	enum { OPT_TAIL = 0x200, OPT_TIMESTAMPS, OPT_LIMIT };
	static const struct option options[] = {
		CLI_COMMON_LONG_OPTIONS,
		{ "container", required_argument, NULL, 'c' },
		{ "follow", no_argument, NULL, 'f' },
		{ "previous", no_argument, NULL, 'p' },
		{ "tail", required_argument, NULL, OPT_TAIL },
		{ "timestamps", no_argument, NULL, OPT_TIMESTAMPS },
		{ "limit-bytes", required_argument, NULL, OPT_LIMIT },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	CliTarget t = { .namespace = "default" };
	const char *container = NULL;
	long long tail = -1, limit = 0;
	bool follow = false, previous = false, timestamps = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:fpn:h", options, NULL)) >= 0)
		switch (c) {
		case 'c':
			container = optarg;
			break;
		case 'f':
			follow = true;
			break;
		case 'p':
			previous = true;
			break;
		case 'n':
			t.namespace = optarg;
			break;
		case OPT_TAIL:
			tail = strtoll(optarg, NULL, 10);
			break;
		case OPT_TIMESTAMPS:
			timestamps = true;
			break;
		case OPT_LIMIT:
			limit = strtoll(optarg, NULL, 10);
			break;
		case CLI_OPT_SOCKET:
			t.socket = optarg;
			break;
		case 'h':
			printf("usage: skiff logs POD [-c CONTAINER] [-f] [-p] [--tail N] "
			       "[--timestamps] [-n NAMESPACE]\n");
			return 0;
		default:
			return 2;
		}
	if (optind + 1 != argc) {
		fprintf(stderr, "error: expected 'logs POD [-c CONTAINER]'.\n");
		return 2;
	}
	const char *name = argv[optind];
	_cleanup_(client_freep) SkiffClient *cl = NULL;
	ClientError e = {};
	if (cli_connect(&t, &cl) < 0)
		return 1;
	if (cli_check_pod(cl, &t, name, container, false) < 0)
		return 1;

	_cleanup_free_ char *base = cli_pod_path(&t, name, "/log"), *esc = NULL, *path = NULL;
	esc = container ? client_escape(container) : NULL;
	if (!base ||
	    asprintf(&path, "%s?follow=%s&previous=%s&timestamps=%s%s%s", base,
	             follow ? "true" : "false", previous ? "true" : "false",
	             timestamps ? "true" : "false", esc ? "&container=" : "", strempty(esc)) < 0)
		return 1;
	if (tail >= 0) {
		char *p = NULL;
		if (asprintf(&p, "%s&tailLines=%lld", path, tail) < 0)
			return 1;
		free(path);
		path = p;
	}
	if (limit > 0) {
		char *p = NULL;
		if (asprintf(&p, "%s&limitBytes=%lld", path, limit) < 0)
			return 1;
		free(path);
		path = p;
	}
	if (follow) {
		client_set_timeout(cl, 0);
		r = client_get_lines(cl, path, on_line, NULL, &e);
	} else {
		_cleanup_free_ char *text = NULL;
		size_t size = 0;
		r = client_get_text(cl, path, &text, &size, &e);
		if (r >= 0)
			fwrite(text, 1, size, stdout);
	}
	if (r < 0)
		return cli_fail(&e, r);
	return 0;
}
