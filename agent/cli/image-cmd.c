/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff image: the local image store from the command line.
 *   skiff image import [OPTIONS] NAME[:TAG] PATH     rootfs dir/tarball or OCI layout (dir/tar)
 *   skiff image import --builtin busybox [NAME[:TAG]]
 *   skiff image ls [-q] [--digests] [--no-trunc]
 *   skiff image rm NAME|ID...
 *   skiff image inspect NAME|ID
 *   skiff image resolve NAME [--user USER]           what the agent gets for a container
 *   skiff image gc
 * Every verb takes --image-dir DIR (default /var/lib/skiff/images) or --root-dir DIR (images
 * under DIR/images).
 */
#include <getopt.h>
#include <inttypes.h>
#include <time.h>

#include "cli.h"
#include "image.h"
#include "macro.h"
#include "strv.h"

typedef struct ImageCli {
	const char *image_dir;
	const char *root_dir;
	const char *oci_ref;
	const char *builtin;
	const char *format;
	const char *workdir;
	const char *user;
	char **cmd, **entrypoint, **env;
	size_t n_cmd, n_entrypoint, n_env;
	bool quiet, digests, no_trunc;
} ImageCli;

static void image_cli_done(ImageCli *c) {
	strv_free(c->cmd);
	strv_free(c->entrypoint);
	strv_free(c->env);
}

static void usage(FILE *f) {
	fputs("usage: skiff image [--image-dir DIR | --root-dir DIR] COMMAND ...\n"
	      "  import [--oci-ref REF] [--format auto|rootfs|oci] [--cmd ARG]... [--entrypoint "
	      "ARG]...\n"
	      "         [--env K=V]... [--workdir DIR] [--user USER] NAME[:TAG] PATH\n"
	      "                      import a rootfs directory or tarball (tar, tar.gz, tar.zst), "
	      "or\n"
	      "                      an OCI image layout (directory or tar)\n"
	      "  import --builtin busybox [NAME[:TAG]]\n"
	      "                      import the busybox image carried by skiff\n"
	      "  ls [-q] [--digests] [--no-trunc]\n"
	      "                      list images (IMAGE TAG IMAGE ID SIZE, like crictl images)\n"
	      "  rm NAME|ID...       remove references; unused layers are garbage-collected\n"
	      "  inspect NAME|ID     the image as JSON\n"
	      "  resolve NAME [--user USER]\n"
	      "                      the layers and config the agent uses for a container\n"
	      "  gc                  remove unused blobs, layers and stale staging\n",
	      f);
}

/* --cmd/--entrypoint: repeated, or one JSON array ('["sh","-c","echo hi"]'). */
static int push_args(char ***l, size_t *n, const char *s) {
	json_object *a;
	int r = 0;

	if (s[0] != '[')
		return strv_extend_n(l, n, s);
	a = json_tokener_parse(s);
	if (!a || !json_object_is_type(a, json_type_array)) {
		json_object_put(a);
		return -EINVAL;
	}
	for (size_t i = 0; r >= 0 && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		r = json_object_is_type(e, json_type_string)
		            ? strv_extend_n(l, n, json_object_get_string(e))
		            : -EINVAL;
	}
	json_object_put(a);
	return r;
}

enum {
	OPT_IMAGE_DIR = 0x100,
	OPT_ROOT_DIR,
	OPT_OCI_REF,
	OPT_BUILTIN,
	OPT_FORMAT,
	OPT_CMD,
	OPT_ENTRYPOINT,
	OPT_ENV,
	OPT_WORKDIR,
	OPT_USER,
	OPT_DIGESTS,
	OPT_NO_TRUNC,
};

static int parse_options(int argc, char **argv, ImageCli *c) {
	static const struct option opts[] = {
		{ "image-dir", required_argument, NULL, OPT_IMAGE_DIR },
		{ "root-dir", required_argument, NULL, OPT_ROOT_DIR },
		{ "oci-ref", required_argument, NULL, OPT_OCI_REF },
		{ "builtin", required_argument, NULL, OPT_BUILTIN },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "cmd", required_argument, NULL, OPT_CMD },
		{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
		{ "env", required_argument, NULL, OPT_ENV },
		{ "workdir", required_argument, NULL, OPT_WORKDIR },
		{ "user", required_argument, NULL, OPT_USER },
		{ "digests", no_argument, NULL, OPT_DIGESTS },
		{ "no-trunc", no_argument, NULL, OPT_NO_TRUNC },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int o, r = 0;

	optind = 0;
	while (r >= 0 && (o = getopt_long(argc, argv, "qh", opts, NULL)) >= 0) {
		switch (o) {
		case OPT_IMAGE_DIR:
			c->image_dir = optarg;
			break;
		case OPT_ROOT_DIR:
			c->root_dir = optarg;
			break;
		case OPT_OCI_REF:
			c->oci_ref = optarg;
			break;
		case OPT_BUILTIN:
			c->builtin = optarg;
			break;
		case OPT_FORMAT:
			c->format = optarg;
			break;
		case OPT_CMD:
			r = push_args(&c->cmd, &c->n_cmd, optarg);
			break;
		case OPT_ENTRYPOINT:
			r = push_args(&c->entrypoint, &c->n_entrypoint, optarg);
			break;
		case OPT_ENV:
			r = strchr(optarg, '=') ? strv_extend_n(&c->env, &c->n_env, optarg)
			                        : -EINVAL;
			break;
		case OPT_WORKDIR:
			c->workdir = optarg;
			break;
		case OPT_USER:
			c->user = optarg;
			break;
		case OPT_DIGESTS:
			c->digests = true;
			break;
		case OPT_NO_TRUNC:
			c->no_trunc = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			return -EINVAL;
		}
	}
	if (r < 0)
		fprintf(stderr, "skiff image: invalid --cmd, --entrypoint or --env value\n");
	return r;
}

static int open_store(const ImageCli *c, ImageStore **ret) {
	_cleanup_free_ char *dir = NULL;
	Diag d = {};
	int r;

	if (!c->image_dir && c->root_dir && asprintf(&dir, "%s/images", c->root_dir) < 0)
		return -ENOMEM;
	r = image_store_open(c->image_dir ?: dir, ret, &d);
	diag_print(&d, "skiff image", stderr);
	diag_clear(&d);
	return r;
}

static int finish(int r, Diag *d) {
	diag_print(d, "skiff image", stderr);
	if (r < 0 && !diag_failed(d))
		fprintf(stderr, "skiff image: %s\n", strerror(-r));
	diag_clear(d);
	return r < 0 ? 1 : 0;
}

static double elapsed_ms(const struct timespec *t0) {
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int do_import(ImageStore *s, const ImageCli *c, int argc, char **argv) {
	ImageImportOptions o = IMAGE_IMPORT_OPTIONS_DEFAULT;
	ImageImportResult res = {};
	struct timespec t0;
	char size[32];
	Diag d = {};
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (c->builtin) {
		if (argc > 1) {
			usage(stderr);
			return 2;
		}
		r = image_import_builtin(s, c->builtin, argc > 0 ? argv[0] : NULL, &res, &d);
	} else {
		if (argc != 2) {
			usage(stderr);
			return 2;
		}
		if (streq_ptr(c->format, "rootfs"))
			o.kind = IMAGE_SOURCE_ROOTFS;
		else if (streq_ptr(c->format, "oci"))
			o.kind = IMAGE_SOURCE_OCI;
		else if (c->format && !streq(c->format, "auto")) {
			fprintf(stderr, "skiff image: --format is auto, rootfs or oci\n");
			return 2;
		}
		o.oci_ref = c->oci_ref;
		o.cmd = c->cmd;
		o.entrypoint = c->entrypoint;
		o.env = c->env;
		o.working_dir = c->workdir;
		o.user = c->user;
		r = image_import(s, argv[0], argv[1], &o, &res, &d);
	}
	if (r >= 0) {
		image_format_size(res.size, size, sizeof(size));
		if (c->quiet)
			printf("%s\n", res.id);
		else
			printf("imported %s %s (%zu layer%s, %zu new, %s) in %.0f ms\n", res.ref,
			       res.id, res.n_layers, res.n_layers == 1 ? "" : "s", res.n_layers_new,
			       size, elapsed_ms(&t0));
	}
	image_import_result_done(&res);
	return finish(r, &d);
}

static const char *short_id(const char *id, bool no_trunc) {
	return no_trunc ? id : id + 7;
}

static int do_ls(ImageStore *s, const ImageCli *c) {
	ImageEntry *l = NULL;
	size_t n = 0, wr = strlen("IMAGE"), wt = strlen("TAG"), wd = strlen("DIGEST");
	int idw = c->no_trunc ? 71 : 13;
	Diag d = {};
	int r = image_list(s, &l, &n, &d);

	if (r < 0)
		return finish(r, &d);
	for (size_t i = 0; i < n; i++) {
		wr = MAX(wr, strlen(l[i].repository));
		wt = MAX(wt, strlen(l[i].tag));
		wd = MAX(wd, c->no_trunc ? strlen(l[i].manifest_digest) : (size_t)13);
	}
	if (!c->quiet) {
		printf("%-*s   %-*s   ", (int)wr, "IMAGE", (int)wt, "TAG");
		if (c->digests)
			printf("%-*s   ", (int)wd, "DIGEST");
		printf("%-*s   %s\n", idw, "IMAGE ID", "SIZE");
	}
	for (size_t i = 0; i < n; i++) {
		char size[32];
		if (c->quiet) {
			/* one line per image, as crictl images -q */
			bool seen = false;
			for (size_t k = 0; k < i; k++)
				seen = seen || streq(l[k].id, l[i].id);
			if (!seen)
				printf("%s\n", l[i].id);
			continue;
		}
		image_format_size(l[i].size, size, sizeof(size));
		printf("%-*s   %-*s   ", (int)wr, l[i].repository, (int)wt, l[i].tag);
		if (c->digests)
			printf("%-*.*s   ", (int)wd, c->no_trunc ? 71 : 13,
			       short_id(l[i].manifest_digest, c->no_trunc));
		printf("%-*.*s   %s\n", idw, idw, short_id(l[i].id, c->no_trunc), size);
	}
	image_entries_free(l, n);
	return finish(0, &d);
}

static int do_rm(ImageStore *s, int argc, char **argv) {
	int ret = 0;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		Diag d = {};
		int r = image_remove(s, argv[i], &d);
		if (r >= 0)
			printf("Deleted: %s\n", argv[i]);
		ret |= finish(r, &d);
	}
	return ret;
}

static int do_inspect(ImageStore *s, int argc, char **argv) {
	json_object *o = NULL;
	Diag d = {};
	int r;

	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	r = image_inspect(s, argv[0], &o, &d);
	if (r >= 0)
		printf("%s\n", json_object_to_json_string_ext(
		                       o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		                                  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return finish(r, &d);
}

static json_object *strv_json(char **l) {
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && l && l[i]; i++)
		json_object_array_add(a, json_object_new_string(l[i]));
	return a;
}

/* What the agent receives: layers top first, the config, and a resolved user. */
static int do_resolve(ImageStore *s, const ImageCli *c, int argc, char **argv) {
	ImageInfo info = {};
	ImageUser u = {};
	Diag d = {};
	int r;

	if (argc != 1) {
		usage(stderr);
		return 2;
	}
	r = image_resolve(s, argv[0], IMAGE_RESOLVE_BUILTIN, &info, &d);
	if (r >= 0)
		r = image_resolve_user(&info, c->user ?: info.config.user, &u, &d);
	if (r >= 0) {
		json_object *o = json_object_new_object(), *user = json_object_new_object();
		json_object *gids = json_object_new_array();
		json_object_object_add(o, "id", json_object_new_string(info.id));
		json_object_object_add(o, "layers", strv_json(info.layers));
		json_object_object_add(o, "entrypoint", strv_json(info.config.entrypoint));
		json_object_object_add(o, "cmd", strv_json(info.config.cmd));
		json_object_object_add(o, "env", strv_json(info.config.env));
		json_object_object_add(o, "workingDir",
		                       json_object_new_string(strempty(info.config.working_dir)));
		json_object_object_add(o, "user", user);
		json_object_object_add(user, "uid", json_object_new_int64(u.uid));
		json_object_object_add(user, "gid", json_object_new_int64(u.gid));
		json_object_object_add(user, "gids", gids);
		for (size_t i = 0; i < u.n_gids; i++)
			json_object_array_add(gids, json_object_new_int64(u.gids[i]));
		if (u.name)
			json_object_object_add(user, "name", json_object_new_string(u.name));
		printf("%s\n", json_object_to_json_string_ext(
		                       o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
		                                  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	image_user_done(&u);
	image_info_done(&info);
	return finish(r, &d);
}

static int do_gc(ImageStore *s) {
	ImageGcStats st = {};
	Diag d = {};
	int r = image_gc(s, &st, &d);
	if (r >= 0)
		printf("removed %zu blobs, %zu layers, %zu stale staging directories\n",
		       st.blobs_removed, st.layers_removed, st.staging_removed);
	return finish(r, &d);
}

int cli_image(int argc, char **argv) {
	_cleanup_image_store_ ImageStore *s = NULL;
	_cleanup_(image_cli_done) ImageCli c = {};
	const char *verb;
	int r;

	r = parse_options(argc, argv, &c);
	if (r != 0)
		return r > 0 ? 0 : 2;
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	verb = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;
	if (!streq(verb, "import") && !streq(verb, "ls") && !streq(verb, "list") &&
	    !streq(verb, "rm") && !streq(verb, "rmi") && !streq(verb, "inspect") &&
	    !streq(verb, "resolve") && !streq(verb, "gc")) {
		fprintf(stderr, "skiff image: unknown command \"%s\"\n", verb);
		usage(stderr);
		return 2;
	}
	if (open_store(&c, &s) < 0)
		return 1;
	if (streq(verb, "import"))
		return do_import(s, &c, argc, argv);
	if (streq(verb, "ls") || streq(verb, "list"))
		return do_ls(s, &c);
	if (streq(verb, "rm") || streq(verb, "rmi"))
		return do_rm(s, argc, argv);
	if (streq(verb, "inspect"))
		return do_inspect(s, argc, argv);
	if (streq(verb, "resolve"))
		return do_resolve(s, &c, argc, argv);
	return do_gc(s);
}
