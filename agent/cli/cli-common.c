/* SPDX-License-Identifier: Apache-2.0 */
/* Options every client command shares: the agent's socket and the namespace. */
#include <getopt.h>
#include <stdio.h>

#include "cli-common.h"

int cli_connect(const CliTarget *t, SkiffClient **ret) {
	int r = client_new(t->socket, ret);
	if (r == -EINVAL)
		fprintf(stderr,
		        "error: the agent's address must be an absolute socket path or an "
		        "http:// URL: \"%s\"\n",
		        t->socket);
	else if (r < 0)
		fprintf(stderr, "error: %s\n", strerror(-r));
	return r;
}

int cli_fail(const ClientError *e, int r) {
	if (e->message[0])
		fprintf(stderr, "%s\n", e->message);
	else
		fprintf(stderr, "error: %s\n", strerror(-r));
	return 1;
}

char *cli_pod_path(const CliTarget *t, const char *name, const char *suffix) {
	_cleanup_free_ char *ns = client_escape(t->namespace), *n = client_escape(name);
	char *p = NULL;
	if (!ns || !n || asprintf(&p, "/pods/%s/%s%s", ns, n, strempty(suffix)) < 0)
		return NULL;
	return p;
}

int cli_get_pod(SkiffClient *c, const CliTarget *t, const char *name, json_object **ret) {
	ClientError e = {};
	_cleanup_free_ char *path = cli_pod_path(t, name, NULL);
	if (!path)
		return -ENOMEM;
	int r = client_get_json(c, path, ret, &e);
	if (r < 0)
		cli_fail(&e, r);
	return r;
}

/* A pod's container names ("[a b]") from its JSON spec. */
char *cli_container_names(json_object *pod, const char *list) {
	json_object *spec = NULL, *a = NULL;
	size_t len = 3;
	if (!json_object_object_get_ex(pod, "spec", &spec) ||
	    !json_object_object_get_ex(spec, list, &a))
		return strdup("[]");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *n = NULL;
		json_object_object_get_ex(json_object_array_get_idx(a, i), "name", &n);
		len += strlen(json_object_get_string(n)) + 1;
	}
	char *s = calloc(1, len);
	if (!s)
		return NULL;
	strcat(s, "[");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *n = NULL;
		json_object_object_get_ex(json_object_array_get_idx(a, i), "name", &n);
		if (i)
			strcat(s, " ");
		strcat(s, json_object_get_string(n));
	}
	strcat(s, "]");
	return s;
}

size_t cli_container_count(json_object *pod) {
	json_object *spec = NULL, *a = NULL;
	if (!json_object_object_get_ex(pod, "spec", &spec) ||
	    !json_object_object_get_ex(spec, "containers", &a))
		return 0;
	return json_object_array_length(a);
}

int cli_check_pod(SkiffClient *c, const CliTarget *t, const char *name, const char *container,
                  bool exec) {
	json_object *pod = NULL, *status = NULL, *phase = NULL;
	int r = cli_get_pod(c, t, name, &pod);
	if (r < 0)
		return r;
	/* kubectl exec refuses a finished pod before anything else */
	const char *p = json_object_object_get_ex(pod, "status", &status) &&
	                                json_object_object_get_ex(status, "phase", &phase)
	                        ? json_object_get_string(phase)
	                        : NULL;
	if (exec && (streq_ptr(p, "Succeeded") || streq_ptr(p, "Failed"))) {
		fprintf(stderr,
		        "error: cannot exec into a container in a completed pod; current phase is "
		        "%s\n",
		        p);
		r = -EINVAL;
	} else if (!container && cli_container_count(pod) != 1) {
		/* kubectl: a pod of several containers needs -c */
		_cleanup_free_ char *names = cli_container_names(pod, "containers");
		fprintf(stderr,
		        "error: a container name must be specified for pod %s, choose one of: %s\n",
		        name, strempty(names));
		r = -EINVAL;
	}
	json_object_put(pod);
	return r;
}
