/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's subcommands: each takes its own argv (argv[0] = the verb) and returns an exit status.
 */
#pragma once

typedef struct CliCommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} CliCommand;

int cli_version(int argc, char **argv);
int cli_config(int argc, char **argv);
int cli_image(int argc, char **argv);
int cli_validate(int argc, char **argv);
int cli_agent(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_get(int argc, char **argv);
int cli_describe(int argc, char **argv);
int cli_logs(int argc, char **argv);
int cli_exec(int argc, char **argv);
