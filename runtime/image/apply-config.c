/* SPDX-License-Identifier: Apache-2.0 */
/* How a Pod's container overrides its image's defaults (see image-config.h for the rules and
 * their sources). Pure: no I/O. */
#include <inttypes.h>

#include "image-config.h"
#include "image-util.h"

void image_config_done(ImageConfig *c) {
	if (!c)
		return;
	strv_free(c->entrypoint);
	strv_free(c->cmd);
	strv_free(c->env);
	free(c->working_dir);
	free(c->user);
	strv_free(c->exposed_ports);
	free(c->stop_signal);
	*c = (ImageConfig){};
}

void image_process_done(ImageProcess *p) {
	if (!p)
		return;
	strv_free(p->argv);
	strv_free(p->env);
	free(p->cwd);
	free(p->user);
	*p = (ImageProcess){};
}

static int append_all(char ***l, size_t *n, char *const *src) {
	for (size_t i = 0; src && src[i]; i++) {
		int r = strv_extend_n(l, n, src[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The kubelet's table: command replaces Entrypoint, args replaces Cmd; a command without args
 * drops the image's Cmd too. Docker records "ENTRYPOINT []" as [""]: no entrypoint. */
static int build_argv(const ImageConfig *image, const ImageContainerSpec *c, char ***ret) {
	_cleanup_strv_free_ char **argv = NULL;
	bool has_command = strv_length(c->command) > 0;
	bool has_args = strv_length(c->args) > 0;
	size_t n = 0;
	int r;

	if (!(argv = calloc(1, sizeof(char *))))
		return -ENOMEM;
	if (has_command)
		r = append_all(&argv, &n, c->command);
	else if (strv_length(image->entrypoint) == 1 && isempty(image->entrypoint[0]))
		r = 0;
	else
		r = append_all(&argv, &n, image->entrypoint);
	if (r < 0)
		return r;
	if (has_args)
		r = append_all(&argv, &n, c->args);
	else if (!has_command)
		r = append_all(&argv, &n, image->cmd);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(argv);
	return 0;
}

static size_t env_key_len(const char *e) {
	const char *eq = strchr(e, '=');
	return eq ? (size_t)(eq - e) : strlen(e);
}

/* containerd's replaceOrAppendEnvValues: a later KEY replaces the earlier one in place. */
static int env_set(char ***env, size_t *n, const char *e) {
	size_t kl = env_key_len(e);
	for (size_t i = 0; i < *n; i++)
		if (env_key_len((*env)[i]) == kl && strneq((*env)[i], e, kl)) {
			char *c = strdup(e);
			if (!c)
				return -ENOMEM;
			free((*env)[i]);
			(*env)[i] = c;
			return 0;
		}
	return strv_extend_n(env, n, e);
}

static int build_env(const ImageConfig *image, const ImageContainerSpec *c, char ***ret) {
	_cleanup_strv_free_ char **env = NULL;
	size_t n = 0;
	int r;

	if (!(env = calloc(1, sizeof(char *))))
		return -ENOMEM;
	r = env_set(&env, &n, IMAGE_DEFAULT_PATH);
	if (r >= 0 && c->hostname) {
		_cleanup_free_ char *h = NULL;
		if (asprintf(&h, "HOSTNAME=%s", c->hostname) < 0)
			return -ENOMEM;
		r = env_set(&env, &n, h);
	}
	for (size_t i = 0; r >= 0 && image->env && image->env[i]; i++)
		r = env_set(&env, &n, image->env[i]);
	for (size_t i = 0; r >= 0 && c->env && c->env[i]; i++)
		r = env_set(&env, &n, c->env[i]);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(env);
	return 0;
}

/* containerd's generateUserString, then the image's User when the Pod sets no user. */
static int build_user(const ImageConfig *image, const ImageContainerSpec *c, char **ret) {
	const char *iu = strempty(image->user);
	char *s = NULL;
	int k;

	if (c->has_run_as_user && c->has_run_as_group)
		k = asprintf(&s, "%" PRId64 ":%" PRId64, c->run_as_user, c->run_as_group);
	else if (c->has_run_as_user)
		k = asprintf(&s, "%" PRId64, c->run_as_user);
	else if (c->has_run_as_group) {
		/* keep the image's user, replace its group */
		const char *colon = strchr(iu, ':');
		int ul = colon ? (int)(colon - iu) : (int)strlen(iu);
		if (ul == 0)
			k = asprintf(&s, "0:%" PRId64, c->run_as_group);
		else
			k = asprintf(&s, "%.*s:%" PRId64, ul, iu, c->run_as_group);
	} else
		k = (s = strdup(iu)) ? 0 : -1;
	if (k < 0)
		return -ENOMEM;
	*ret = s;
	return 0;
}

int image_apply_config(const ImageConfig *image, const ImageContainerSpec *c, ImageProcess *ret,
                       Diag *diag) {
	static const ImageConfig empty = {};
	ImageProcess p = {};
	int r;

	if (!image)
		image = &empty;
	if ((c->has_run_as_user && (c->run_as_user < 0 || c->run_as_user > UINT32_MAX - 1)) ||
	    (c->has_run_as_group && (c->run_as_group < 0 || c->run_as_group > UINT32_MAX - 1))) {
		diag_error(diag, "securityContext",
		           "runAsUser and runAsGroup must be 0..4294967294");
		return -EINVAL;
	}
	r = build_argv(image, c, &p.argv);
	if (r >= 0 && !p.argv[0]) {
		diag_error(diag, "command",
		           "no command specified: the Pod gives neither command nor "
		           "args and the image has neither Entrypoint nor Cmd");
		r = -EINVAL;
	}
	if (r >= 0)
		r = build_env(image, c, &p.env);
	if (r >= 0) {
		const char *cwd = !isempty(c->working_dir)       ? c->working_dir
		                  : !isempty(image->working_dir) ? image->working_dir
		                                                 : "/";
		if (!(p.cwd = strdup(cwd)))
			r = -ENOMEM;
	}
	if (r >= 0)
		r = build_user(image, c, &p.user);
	if (r < 0) {
		image_process_done(&p);
		return r;
	}
	*ret = p;
	return 0;
}
