/* SPDX-License-Identifier: Apache-2.0 */
/* skiff exec POD [-c C] [-n NS] -- CMD [ARGS...] */
#include <getopt.h>
#include <stdio.h>

#include "cli-common.h"
#include "cli.h"
#include "exec-frame.h"

typedef struct ExecDecode {
	uint8_t hdr[EXEC_FRAME_HEADER];
	size_t have_hdr;
	uint32_t left;
	char kind;
	char exit_text[16];
	size_t exit_len;
	int status;
	bool done;
} ExecDecode;

static int on_data(const void *data, size_t size, void *userdata) {
	ExecDecode *d = userdata;
	const uint8_t *p = data;
	while (size > 0) {
		if (d->have_hdr < EXEC_FRAME_HEADER) {
			d->hdr[d->have_hdr++] = *p++;
			size--;
			if (d->have_hdr == EXEC_FRAME_HEADER) {
				d->kind = (char)d->hdr[0];
				d->left = exec_frame_length(d->hdr);
				if (d->left > EXEC_FRAME_MAX)
					return -EBADMSG;
				if (d->left == 0)
					d->have_hdr = 0;
			}
			continue;
		}
		size_t n = MIN(size, (size_t)d->left);
		if (d->kind == 'o')
			fwrite(p, 1, n, stdout);
		else if (d->kind == 'e')
			fwrite(p, 1, n, stderr);
		else if (d->kind == 'x') {
			size_t m = MIN(n, sizeof(d->exit_text) - 1 - d->exit_len);
			memcpy(d->exit_text + d->exit_len, p, m);
			d->exit_len += m;
		}
		p += n;
		size -= n;
		d->left -= (uint32_t)n;
		if (d->left == 0) {
			if (d->kind == 'x') {
				d->exit_text[d->exit_len] = 0;
				d->status = atoi(d->exit_text);
				d->done = true;
			}
			d->have_hdr = 0;
		}
	}
	fflush(stdout);
	return 0;
}

int cli_exec(int argc, char **argv) {
	static const struct option options[] = { CLI_COMMON_LONG_OPTIONS,
		                                 { "container", required_argument, NULL, 'c' },
		                                 { "help", no_argument, NULL, 'h' },
		                                 {} };
	CliTarget t = { .namespace = "default" };
	const char *container = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:n:h", options, NULL)) >= 0)
		switch (c) {
		case 'c':
			container = optarg;
			break;
		case 'n':
			t.namespace = optarg;
			break;
		case CLI_OPT_SOCKET:
			t.socket = optarg;
			break;
		case 'h':
			printf("usage: skiff exec POD [-c CONTAINER] [-n NAMESPACE] -- COMMAND "
			       "[ARGS...]\n");
			return 0;
		default:
			return 2;
		}
	if (optind >= argc) {
		fprintf(stderr, "error: expected 'exec POD -- COMMAND [ARGS...]'.\n");
		return 2;
	}
	const char *name = argv[optind++];
	if (optind < argc && streq(argv[optind], "--"))
		optind++;
	if (optind >= argc) {
		fprintf(stderr, "error: you must specify at least one command for the container\n");
		return 2;
	}
	_cleanup_(client_freep) SkiffClient *cl = NULL;
	ClientError e = {};
	if (cli_connect(&t, &cl) < 0)
		return 1;
	if (cli_check_pod(cl, &t, name, container, true) < 0)
		return 1;

	json_object *body = json_object_new_object(), *cmd = json_object_new_array();
	for (int i = optind; i < argc; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));
	json_object_object_add(body, "command", cmd);
	if (container)
		json_object_object_add(body, "container", json_object_new_string(container));
	const char *text = json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN);
	_cleanup_free_ char *path = cli_pod_path(&t, name, "/exec");
	ExecDecode d = {};
	client_set_timeout(cl, 0);
	r = path ? client_post_stream(cl, path, "application/json", text, strlen(text), on_data, &d,
	                              &e)
	         : -ENOMEM;
	json_object_put(body);
	if (r < 0)
		return cli_fail(&e, r);
	if (!d.done) {
		fprintf(stderr, "error: the exec stream ended early\n");
		return 1;
	}
	if (d.status != 0)
		fprintf(stderr, "command terminated with exit code %d\n", d.status);
	return d.status;
}
