/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff run [kubelet flags] FILE...: the standalone pod runner, in the foreground like
 * `podman kube play`: the same pod workers as the agent, no daemon. Streams every container's
 * log prefixed by pod/container, stops the pods gracefully on Ctrl-C or SIGTERM (a second one
 * stops them at once), and exits 0 when every pod Succeeded, 1 otherwise.
 *
 * Its state (and cgroups) sit in a private area, <stateDir>/run/<pid> and
 * <cgroupRoot>/skiff-run-<pid>, so it never mixes with a running agent; all of it is removed
 * on exit.
 */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "kubelet-config-fields.h"
#include "log-follow.h"
#include "log.h"
#include "manifest.h"
#include "pod-manager.h"
#include "pod-worker.h"
#include "static-pod.h"
#include "strutil.h"
#include "translate.h"

typedef struct Follow {
	struct Follow *next;
	LogFollow *follow;
	char *prefix;
	char *uid;
	char *container;
	char *path;
} Follow;

typedef struct Runner {
	sd_event *event;
	SkiffConfig *config;
	Kubelet *kubelet;
	Follow *follows;
	unsigned signals;
	bool all_done;
	bool color;
} Runner;

static void on_line(LogFollow *f, const char *text, size_t len, void *userdata) {
	Follow *fo = userdata;
	printf("%s%.*s", fo->prefix, (int)len, text);
	if (len == 0 || text[len - 1] != '\n')
		putchar('\n');
	fflush(stdout);
}

static void follow_free(Follow *f) {
	log_follow_free(f->follow);
	free(f->prefix);
	free(f->uid);
	free(f->container);
	free(f->path);
	free(f);
}

static void hook_container_started(Kubelet *k, PodWorker *w, const char *container,
                                   const char *log_path, void *userdata) {
	Runner *r = userdata;
	Follow *f = calloc(1, sizeof(Follow));
	if (!f)
		return;
	f->prefix = strprintf("%s/%s: ", w->pod->metadata.name, container);
	f->uid = strdup(w->uid);
	f->container = strdup(container);
	f->path = strdup(log_path);
	if (!f->prefix || !f->uid || !f->container || !f->path ||
	    log_follow_new(r->event, log_path, false, false, on_line, f, &f->follow) < 0) {
		follow_free(f);
		return;
	}
	f->next = r->follows;
	r->follows = f;
}

/* Drain and drop followers of instances that ended. */
static void reap_follows(Runner *r) {
	for (Follow **p = &r->follows; *p;) {
		Follow *f = *p;
		PodWorker *w = kubelet_find_uid(r->kubelet, f->uid);
		ContainerRun *c = w ? pod_worker_find_container(w, f->container) : NULL;
		bool live = false;
		if (c && container_run_active(c)) {
			PodContext ctx;
			pod_worker_context(w, &ctx);
			_cleanup_free_ char *cur =
			        container_log_path(&ctx, c->spec, c->restart_count);
			live = cur && streq(cur, f->path);
		}
		if (live) {
			p = &f->next;
			continue;
		}
		log_follow_poll(f->follow);
		*p = f->next;
		follow_free(f);
	}
}

static bool finished(Kubelet *k) {
	for (size_t i = 0; i < k->n_workers; i++) {
		PodWorkerState s = k->workers[i]->state;
		if (s != POD_WORKER_TERMINATED && s != POD_WORKER_REJECTED)
			return false;
	}
	return true;
}

static void hook_pod_changed(Kubelet *k, PodWorker *w, void *userdata) {
	Runner *r = userdata;
	reap_follows(r);
	if (!r->all_done && finished(k)) {
		r->all_done = true;
		sd_event_exit(r->event, 0);
	}
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
	Runner *r = userdata;
	Kubelet *k = r->kubelet;
	r->signals++;
	fprintf(stderr, "%s: stopping the pods%s\n", strsignal((int)si->ssi_signo),
	        r->signals > 1 ? " now" : " (again to stop them at once)");
	for (size_t i = 0; i < k->n_workers; i++)
		/* a second signal: the shortest grace there is (SIGKILL after 2 s at most) */
		pod_worker_terminate(k->workers[i], r->signals > 1 ? 1 : 0, false, NULL, NULL);
	return 0;
}

/* Split argv into kubelet flags (with their values) and manifest files. */
static int split_args(int argc, char **argv, char ***flags, int *n_flags, char ***files,
                      int *n_files) {
	*flags = calloc((size_t)argc + 1, sizeof(char *));
	*files = calloc((size_t)argc + 1, sizeof(char *));
	*n_flags = *n_files = 0;
	if (!*flags || !*files)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!startswith(a, "--") || streq(a, "--")) {
			if (!streq(a, "--"))
				(*files)[(*n_files)++] = argv[i];
			continue;
		}
		(*flags)[(*n_flags)++] = argv[i];
		if (strchr(a, '=') || i + 1 >= argc)
			continue;
		_cleanup_free_ char *name = strdup(a + 2);
		for (char *p = name; p && *p; p++)
			if (*p == '_')
				*p = '-';
		ConfigFieldId id;
		const ConfigField *f = name ? config_field_by_flag(name, &id, NULL) : NULL;
		if (streq_ptr(name, "config") || (f && f->type != FT_BOOL))
			(*flags)[(*n_flags)++] = argv[++i];
	}
	return 0;
}

static int private_area(SkiffConfig *c) {
	/* nest state and cgroups under names of our own */
	char *state = strprintf("%s/run/%d", c->skiff.state_dir, (int)getpid());
	const char *root = isempty(c->cgroup_root) ? "/" : c->cgroup_root;
	bool slash = root[strlen(root) - 1] == '/';
	char *cg = strprintf("%s%sskiff-run-%d", root, slash ? "" : "/", (int)getpid());
	if (!state || !cg) {
		free(state);
		free(cg);
		return -ENOMEM;
	}
	free(c->skiff.state_dir);
	c->skiff.state_dir = state;
	free(c->cgroup_root);
	c->cgroup_root = cg;
	return 0;
}

static int load_pods(Runner *r, char **files, int n_files) {
	Pod **all = NULL;
	char **paths = NULL;
	size_t n = 0;
	int bad = 0;
	for (int i = 0; i < n_files; i++) {
		PodSet set = {};
		Diag d = {};
		int q = manifest_load_file(files[i], &set, &d);
		diag_print(&d, files[i], stderr);
		diag_clear(&d);
		if (q < 0) {
			bad++;
			continue;
		}
		Pod **na = realloc(all, (n + set.n_pods + 1) * sizeof(Pod *));
		char **np = realloc(paths, (n + set.n_pods + 1) * sizeof(char *));
		if (na)
			all = na;
		if (np)
			paths = np;
		for (size_t j = 0; na && np && j < set.n_pods; j++) {
			if (static_pod_apply_defaults(set.pods[j], r->kubelet->node_name, "file",
			                              files[i], kubelet_now(r->kubelet), false) < 0)
				continue;
			all[n] = set.pods[j];
			paths[n++] = strdup(files[i]);
			set.pods[j] = NULL;
		}
		pod_set_done(&set);
	}
	if (bad > 0 || n == 0) {
		for (size_t i = 0; i < n; i++) {
			pod_free(all[i]);
			free(paths[i]);
		}
		free(all);
		free(paths);
		if (n == 0 && bad == 0)
			fprintf(stderr, "skiff run: no pods in %d file(s)\n", n_files);
		return -EINVAL;
	}
	kubelet_apply_source(r->kubelet, "file", all, paths, n);
	return 0;
}

static int summary(Runner *r) {
	int failed = 0;
	for (size_t i = 0; i < r->kubelet->n_workers; i++) {
		PodWorker *w = r->kubelet->workers[i];
		PodPhase p = pod_worker_phase(w);
		if (w->reason)
			fprintf(stderr, "pod %s: %s (%s)\n", w->key, pod_phase_to_string(p),
			        w->reason);
		else
			fprintf(stderr, "pod %s: %s\n", w->key, pod_phase_to_string(p));
		if (p != POD_PHASE_SUCCEEDED)
			failed++;
	}
	return failed > 0 ? 1 : 0;
}

static void cleanup_private(Runner *r) {
	Kubelet *k = r->kubelet;
	for (size_t i = 0; i < k->n_workers; i++)
		(void)rm_rf(k->workers[i]->log_dir);
	if (k->cgroups_enabled) {
		_cleanup_free_ char *root = strdup(k->kubepods_cgroup);
		char *slash = root ? strrchr(root, '/') : NULL;
		(void)cgroup_destroy(k->kubepods_cgroup);
		if (k->monitors_cgroup)
			(void)cgroup_destroy(k->monitors_cgroup);
		if (slash) {
			*slash = 0;
			(void)cgroup_destroy(root);
		}
	}
	(void)rm_rf(r->config->skiff.state_dir);
}

int cli_run(int argc, char **argv) {
	_cleanup_free_ char **flags = NULL, **files = NULL;
	_cleanup_free_ char *error = NULL;
	Runner r = {};
	int n_flags, n_files, ret = 1;
	Diag d = {};
	sigset_t mask;

	log_setup();
	if (argc > 1 && (streq(argv[1], "-h") || streq(argv[1], "--help"))) {
		printf("usage: skiff run [kubelet flags] FILE...\n\n"
		       "Runs the pods of FILE (Pod, PodList or List; YAML or JSON) in the "
		       "foreground,\n"
		       "streams their logs, stops them on Ctrl-C; exits 0 when every pod "
		       "Succeeded.\n");
		return 0;
	}
	if (split_args(argc - 1, argv + 1, &flags, &n_flags, &files, &n_files) < 0)
		return 1;
	if (n_files == 0) {
		fprintf(stderr, "usage: skiff run [kubelet flags] FILE...\n");
		return 2;
	}
	int q = skiff_config_load(n_flags, flags, &r.config, &d);
	diag_print(&d, NULL, stderr);
	diag_clear(&d);
	if (q < 0 || private_area(r.config) < 0)
		goto out;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sd_event_new(&r.event) < 0)
		goto out;
	(void)sd_event_add_signal(r.event, NULL, SIGTERM, on_signal, &r);
	(void)sd_event_add_signal(r.event, NULL, SIGINT, on_signal, &r);

	KubeletHooks hooks = { .pod_changed = hook_pod_changed,
		               .container_started = hook_container_started,
		               .userdata = &r };
	if (kubelet_new(r.event, r.config, &hooks, &r.kubelet, &error) < 0) {
		fprintf(stderr, "skiff run: %s\n", strempty(error));
		goto out;
	}
	if (load_pods(&r, files, n_files) < 0)
		goto out;
	if (sd_event_loop(r.event) < 0)
		goto out;
	reap_follows(&r);
	ret = summary(&r);
out:
	while (r.follows) {
		Follow *f = r.follows;
		r.follows = f->next;
		follow_free(f);
	}
	if (r.kubelet) {
		cleanup_private(&r);
		kubelet_free(r.kubelet);
	}
	sd_event_unref(r.event);
	skiff_config_free(r.config);
	return ret;
}
