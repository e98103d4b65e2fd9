/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The configuration pipeline, in the kubelet's order (cmd/kubelet/app/server.go
 * NewKubeletCommand): load the --config file and default it, re-apply the command line over
 * it (flags win), then fill evictionHard's defaults, derive and validate. Every stage runs even
 * after an error so that one run lists every problem.
 */
#include <libgen.h>
#include <limits.h>
#include <unistd.h>

#include "fileio.h"
#include "kubelet-config-fields.h"

/* The file's absolute directory, for relative paths inside it (the kubelet's loader). */
static char *file_base_dir(const char *file, const char *cwd) {
	_cleanup_free_ char *abs = NULL;
	if (file[0] == '/' || isempty(cwd))
		abs = strdup(file);
	else if (asprintf(&abs, "%s/%s", cwd, file) < 0)
		abs = NULL;
	if (!abs)
		return NULL;
	return strdup(dirname(abs));
}

static int load_file(SkiffConfig *c, const ConfigInputs *in, const char *file, Diag *diag) {
	_cleanup_free_ char *data = NULL, *base = file_base_dir(file, in->cwd);
	const char *text = in->file_data;
	size_t size = in->file_size;
	int r;

	if (!base)
		return -ENOMEM;
	r = config_set_string(&c->config_file, file);
	if (r < 0)
		return r;
	if (!text) {
		r = read_full_file(file, SKIFF_CONFIG_MAX_FILE_SIZE, &data, &size);
		if (r < 0) {
			diag_error(diag, file, "cannot read the configuration file: %s",
			           strerror(-r));
			return r;
		}
		text = data;
	}
	return skiff_config_decode_file(c, text, size, file, base, diag);
}

int skiff_config_build(const ConfigInputs *in, SkiffConfig **ret, Diag *diag) {
	_cleanup_(skiff_config_freep) SkiffConfig *c = NULL;
	const char *file = NULL;
	bool failed = false;
	int r;

	r = skiff_config_new(&c);
	if (r < 0)
		return r;
	if (skiff_config_find_config_flag(in->argc, in->argv, &file) > 0) {
		r = load_file(c, in, file, diag);
		if (r == -ENOMEM)
			return r;
		failed |= r < 0;
		skiff_config_apply_file_defaults(c);
	}
	r = skiff_config_apply_flags(c, in->argc, in->argv, in->cwd, diag);
	if (r == -ENOMEM)
		return r;
	failed |= r < 0;
	r = skiff_config_finish(c, in->hostname, diag);
	if (r == -ENOMEM)
		return r;
	failed |= r < 0;
	r = skiff_config_validate(c, diag);
	failed |= r < 0;
	if (failed || diag_failed(diag))
		return -EINVAL;
	*ret = TAKE_PTR(c);
	return 0;
}

int skiff_config_load(int argc, char **argv, SkiffConfig **ret, Diag *diag) {
	char hostname[HOST_NAME_MAX + 1] = {};
	_cleanup_free_ char *cwd = getcwd(NULL, 0);

	/* the kubelet reads os.Hostname(); an empty one is reported with the node name */
	if (gethostname(hostname, sizeof(hostname) - 1) < 0)
		hostname[0] = '\0';
	ConfigInputs in = { .argc = argc, .argv = argv, .hostname = hostname, .cwd = cwd };
	return skiff_config_build(&in, ret, diag);
}

int skiff_config_from_tree(json_object *o, const char *path, const char *hostname,
                           SkiffConfig **ret, Diag *diag) {
	_cleanup_(skiff_config_freep) SkiffConfig *c = NULL;
	bool failed = false;

	int r = skiff_config_new(&c);
	if (r < 0)
		return r;
	r = skiff_config_decode_tree(c, o, path, diag);
	if (r == -ENOMEM)
		return r;
	failed |= r < 0;
	skiff_config_apply_file_defaults(c);
	r = skiff_config_finish(c, hostname, diag);
	if (r == -ENOMEM)
		return r;
	failed |= r < 0;
	failed |= skiff_config_validate(c, diag) < 0;
	if (failed || diag_failed(diag))
		return -EINVAL;
	*ret = TAKE_PTR(c);
	return 0;
}
