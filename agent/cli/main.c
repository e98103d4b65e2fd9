/* SPDX-License-Identifier: Apache-2.0 */
/* skiff: one binary, subcommands like kubectl's verbs. */
#include <stdio.h>

#include "cli.h"
#include "config.h"
#include "macro.h"

static const CliCommand commands[] = {
	{ "agent", cli_agent, "run the node agent (static pods, local API; a systemd service)" },
	{ "run", cli_run, "run pods from manifest files in the foreground, like podman kube play" },
	{ "get", cli_get, "list pods (kubectl get pods)" },
	{ "describe", cli_describe, "show a pod in detail, with its events" },
	{ "logs", cli_logs, "print or follow a container's log" },
	{ "exec", cli_exec, "run a command in a running container" },
	{ "version", cli_version, "print the version" },
	{ "config", cli_config, "print the effective configuration, or every error in it" },
	{ "image", cli_image, "manage the local image store (import, ls, rm, inspect)" },
	{ "validate", cli_validate, "check pod manifests and print them as skiff reads them" },
};

int cli_version(int argc, char **argv) {
	printf("skiff %s\n", SKIFF_VERSION);
	return 0;
}

static void usage(FILE *f) {
	fprintf(f, "usage: skiff COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(f, "  %-20s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv) {
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (streq(argv[1], "-h") || streq(argv[1], "--help") || streq(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (streq(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "skiff: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return 2;
}
