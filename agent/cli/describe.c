/* SPDX-License-Identifier: Apache-2.0 */
/* skiff describe pod NAME [-n NS]: kubectl describe's layout for a pod, with its events. */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cli-common.h"
#include "cli.h"
#include "table.h"

static json_object *get(json_object *o, const char *k) {
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, k, &v) ? v : NULL;
}

static const char *str(json_object *o, const char *k) {
	json_object *v = get(o, k);
	return v ? json_object_get_string(v) : NULL;
}

/* "Thu, 26 Nov 2026 05:37:01 +0000" (kubectl's time.RFC1123Z) */
static const char *when(const char *rfc3339, char *buf, size_t size) {
	uint64_t us;
	if (!rfc3339 || rfc3339_parse(rfc3339, &us) < 0)
		return "<unknown>";
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	return buf;
}

static int cmp_str(const void *a, const void *b) {
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* kubectl's printLabelsMultiline ("k=v") and printAnnotationsMultiline ("k: v"): sorted. */
static void map(const char *title, json_object *m, int width, const char *sep) {
	size_t n = m ? (size_t)json_object_object_length(m) : 0, i = 0;
	_cleanup_free_ const char **keys = calloc(n + 1, sizeof(char *));
	if (!keys)
		return;
	if (m) {
		json_object_object_foreach (m, k, v) {
			(void)v;
			keys[i++] = k;
		}
	}
	qsort(keys, i, sizeof(char *), cmp_str);
	for (size_t j = 0; j < i; j++)
		printf("%-*s%s%s%s\n", width, j == 0 ? title : "", keys[j], sep,
		       strempty(str(m, keys[j])));
	if (i == 0)
		printf("%-*s<none>\n", width, title);
}

/* Go's %v of a []string: "[a b c]" */
static void strv_text(json_object *a, char *buf, size_t size) {
	size_t l = 0;
	buf[0] = '\0';
	for (size_t i = 0; a && i < json_object_array_length(a) && l < size; i++)
		l += (size_t)snprintf(buf + l, size - l, "%s%s", i ? " " : "",
		                      json_object_get_string(json_object_array_get_idx(a, i)));
}

static void state(const char *title, json_object *s) {
	char b1[64], b2[64];
	json_object *x;
	if ((x = get(s, "running"))) {
		printf("    %-16s%s\n", title, "Running");
		printf("      %-14s%s\n", "Started:", when(str(x, "startedAt"), b1, sizeof(b1)));
	} else if ((x = get(s, "terminated"))) {
		printf("    %-16s%s\n", title, "Terminated");
		if (str(x, "reason"))
			printf("      %-14s%s\n", "Reason:", str(x, "reason"));
		if (str(x, "message"))
			printf("      %-14s%s\n", "Message:", str(x, "message"));
		printf("      %-14s%s\n", "Exit Code:", strempty(str(x, "exitCode")));
		if (get(x, "signal"))
			printf("      %-14s%s\n", "Signal:", str(x, "signal"));
		printf("      %-14s%s\n", "Started:", when(str(x, "startedAt"), b1, sizeof(b1)));
		printf("      %-14s%s\n", "Finished:", when(str(x, "finishedAt"), b2, sizeof(b2)));
	} else if ((x = get(s, "waiting"))) {
		printf("    %-16s%s\n", title, "Waiting");
		if (str(x, "reason"))
			printf("      %-14s%s\n", "Reason:", str(x, "reason"));
		if (str(x, "message"))
			printf("      %-14s%s\n", "Message:", str(x, "message"));
	}
}

/* kubectl: one line per element, multi-line elements indented */
static void strv_block(const char *title, json_object *a) {
	if (!a)
		return;
	printf("    %s\n", title);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(a, i));
		printf("      ");
		for (const char *p = v; p && *p; p++) {
			putchar(*p);
			if (*p == '\n' && p[1])
				printf("      ");
		}
		if (!v || !*v || v[strlen(v) - 1] != '\n')
			putchar('\n');
	}
}

static json_object *find_status(json_object *list, const char *name) {
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		json_object *s = json_object_array_get_idx(list, i);
		if (streq_ptr(str(s, "name"), name))
			return s;
	}
	return NULL;
}

static void probe(const char *title, json_object *p) {
	json_object *h;
	char what[512] = "";
	if (!p)
		return;
	if ((h = get(p, "httpGet")))
		snprintf(what, sizeof(what), "http-get %s://%s:%s%s",
		         streq_ptr(str(h, "scheme"), "HTTPS") ? "https" : "http",
		         strempty(str(h, "host")), strempty(str(h, "port")),
		         strempty(str(h, "path")));
	else if ((h = get(p, "tcpSocket")))
		snprintf(what, sizeof(what), "tcp-socket %s:%s", strempty(str(h, "host")),
		         strempty(str(h, "port")));
	else if ((h = get(p, "grpc")))
		snprintf(what, sizeof(what), "grpc <pod>:%s %s", strempty(str(h, "port")),
		         strempty(str(h, "service")));
	else if ((h = get(p, "exec"))) {
		char cmd[400];
		strv_text(get(h, "command"), cmd, sizeof(cmd));
		snprintf(what, sizeof(what), "exec [%s]", cmd);
	}
	printf("    %-16s%s delay=%ss timeout=%ss period=%ss #success=%s #failure=%s\n", title,
	       what, str(p, "initialDelaySeconds") ?: "0", strempty(str(p, "timeoutSeconds")),
	       strempty(str(p, "periodSeconds")), strempty(str(p, "successThreshold")),
	       strempty(str(p, "failureThreshold")));
}

static void containers(const char *title, json_object *specs, json_object *statuses) {
	if (!specs || json_object_array_length(specs) == 0)
		return;
	printf("%s:\n", title);
	for (size_t i = 0; i < json_object_array_length(specs); i++) {
		json_object *c = json_object_array_get_idx(specs, i);
		json_object *s = find_status(statuses, str(c, "name")), *res = get(c, "resources");
		printf("  %s:\n", strempty(str(c, "name")));
		printf("    %-16s%s\n", "Container ID:", str(s, "containerID") ?: "");
		printf("    %-16s%s\n", "Image:", strempty(str(c, "image")));
		printf("    %-16s%s\n", "Image ID:", str(s, "imageID") ?: "");
		json_object *ports = get(c, "ports");
		for (size_t j = 0; ports && j < json_object_array_length(ports); j++) {
			json_object *p = json_object_array_get_idx(ports, j);
			printf("    %-16s%s/%s\n", "Port:", str(p, "containerPort"),
			       str(p, "protocol") ?: "TCP");
		}
		strv_block("Command:", get(c, "command"));
		strv_block("Args:", get(c, "args"));
		if (s) {
			state("State:", get(s, "state"));
			if (get(get(s, "lastState"), "terminated"))
				state("Last State:", get(s, "lastState"));
			printf("    %-16s%s\n", "Ready:",
			       json_object_get_boolean(get(s, "ready")) ? "True" : "False");
			printf("    %-16s%s\n", "Restart Count:", strempty(str(s, "restartCount")));
		}
		json_object *lim = get(res, "limits"), *req = get(res, "requests");
		if (lim) {
			printf("    Limits:\n");
			json_object_object_foreach (lim, k, v)
				printf("      %s:  %s\n", k, json_object_get_string(v));
		}
		if (req) {
			printf("    Requests:\n");
			json_object_object_foreach (req, k2, v2)
				printf("      %s:  %s\n", k2, json_object_get_string(v2));
		}
		probe("Liveness:", get(c, "livenessProbe"));
		probe("Readiness:", get(c, "readinessProbe"));
		probe("Startup:", get(c, "startupProbe"));
		json_object *env = get(c, "env");
		printf("    %-16s%s\n", "Environment:", env ? "" : "<none>");
		for (size_t j = 0; env && j < json_object_array_length(env); j++) {
			json_object *e = json_object_array_get_idx(env, j);
			printf("      %s:  %s\n", str(e, "name"),
			       str(e, "value") ?: "(set from the pod's fields)");
		}
		json_object *mounts = get(c, "volumeMounts");
		printf("    %-16s%s\n", "Mounts:", mounts ? "" : "<none>");
		for (size_t j = 0; mounts && j < json_object_array_length(mounts); j++) {
			json_object *m = json_object_array_get_idx(mounts, j);
			printf("      %s from %s (%s)\n", str(m, "mountPath"), str(m, "name"),
			       json_object_get_boolean(get(m, "readOnly")) ? "ro" : "rw");
		}
	}
}

static void events(SkiffClient *cl, const CliTarget *t, const char *name) {
	_cleanup_free_ char *path = cli_pod_path(t, name, "/events");
	json_object *list = NULL;
	ClientError e = {};
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;

	if (!path || client_get_json(cl, path, &list, &e) < 0) {
		printf("Events:          <unknown>\n");
		return;
	}
	json_object *items = get(list, "items");
	if (!items || json_object_array_length(items) == 0) {
		printf("Events:          <none>\n");
		json_object_put(list);
		return;
	}
	printf("Events:\n");
	/* kubectl describe's event table: mixed-case headers, dashes under them */
	size_t w_type = 4, w_reason = 6, w_age = 3;
	size_t n = json_object_array_length(items);
	_cleanup_free_ char(*ages)[64] = calloc(n + 1, 64);
	if (!ages)
		return;
	for (size_t i = 0; i < n; i++) {
		json_object *ev = json_object_array_get_idx(items, i);
		uint64_t first = 0, lastt = 0;
		char a1[HUMAN_DURATION_MAX], a2[HUMAN_DURATION_MAX];
		(void)rfc3339_parse(strempty(str(ev, "firstTimestamp")), &first);
		(void)rfc3339_parse(strempty(str(ev, "lastTimestamp")), &lastt);
		int count = json_object_get_int(get(ev, "count"));
		if (count > 1)
			snprintf(ages[i], 64, "%s (x%d over %s)",
			         human_age(lastt, now, a1, sizeof(a1)), count,
			         human_age(first, now, a2, sizeof(a2)));
		else
			snprintf(ages[i], 64, "%s", human_age(first, now, a1, sizeof(a1)));
		w_type = MAX(w_type, strlen(strempty(str(ev, "type"))));
		w_reason = MAX(w_reason, strlen(strempty(str(ev, "reason"))));
		w_age = MAX(w_age, strlen(ages[i]));
	}
	printf("  %-*s  %-*s  %-*s  %-7s  %s\n", (int)w_type, "Type", (int)w_reason, "Reason",
	       (int)w_age, "Age", "From", "Message");
	printf("  %-*s  %-*s  %-*s  %-7s  %s\n", (int)w_type, "----", (int)w_reason, "------",
	       (int)w_age, "----", "----", "-------");
	for (size_t i = 0; i < n; i++) {
		json_object *ev = json_object_array_get_idx(items, i);
		printf("  %-*s  %-*s  %-*s  %-7s  %s\n", (int)w_type, strempty(str(ev, "type")),
		       (int)w_reason, strempty(str(ev, "reason")), (int)w_age, ages[i], "kubelet",
		       strempty(str(ev, "message")));
	}
	json_object_put(list);
}

static void conditions(json_object *status) {
	json_object *conds = get(status, "conditions");
	if (!conds)
		return;
	printf("Conditions:\n  %-28s%s\n", "Type", "Status");
	for (size_t i = 0; i < json_object_array_length(conds); i++) {
		json_object *c = json_object_array_get_idx(conds, i);
		printf("  %-28s%s \n", str(c, "type"), str(c, "status"));
	}
}

static void volumes(json_object *spec) {
	json_object *vols = get(spec, "volumes");
	printf("Volumes:%s\n",
	       vols && json_object_array_length(vols) > 0 ? "" : "                     <none>");
	for (size_t i = 0; vols && i < json_object_array_length(vols); i++) {
		json_object *v = json_object_array_get_idx(vols, i), *x;
		printf("  %s:\n", strempty(str(v, "name")));
		if ((x = get(v, "hostPath")))
			printf("    Type:          HostPath (bare host directory volume)\n"
			       "    Path:          %s\n    HostPathType:  %s\n",
			       str(x, "path"), strempty(str(x, "type")));
		else if ((x = get(v, "emptyDir")))
			printf("    Type:       EmptyDir (a temporary directory that shares a "
			       "pod's "
			       "lifetime)\n    Medium:     %s\n    SizeLimit:  %s\n",
			       strempty(str(x, "medium")), str(x, "sizeLimit") ?: "<unset>");
	}
}

int cli_describe(int argc, char **argv) {
	static const struct option options[] = { CLI_COMMON_LONG_OPTIONS,
		                                 { "help", no_argument, NULL, 'h' },
		                                 {} };
	CliTarget t = { .namespace = "default" };
	char b[64];
	int c;
	while ((c = getopt_long(argc, argv, "n:h", options, NULL)) >= 0)
		switch (c) {
		case 'n':
			t.namespace = optarg;
			break;
		case CLI_OPT_SOCKET:
			t.socket = optarg;
			break;
		case 'h':
			printf("usage: skiff describe pod NAME [-n NAMESPACE]\n");
			return 0;
		default:
			return 2;
		}
	if (optind + 2 != argc || (!streq(argv[optind], "pod") && !streq(argv[optind], "pods") &&
	                           !streq(argv[optind], "po"))) {
		fprintf(stderr, "error: expected 'describe pod NAME'.\n");
		return 2;
	}
	const char *name = argv[optind + 1];
	_cleanup_(client_freep) SkiffClient *cl = NULL;
	json_object *pod = NULL;
	if (cli_connect(&t, &cl) < 0 || cli_get_pod(cl, &t, name, &pod) < 0)
		return 1;
	json_object *m = get(pod, "metadata"), *spec = get(pod, "spec"), *st = get(pod, "status");
	printf("%-18s%s\n", "Name:", strempty(str(m, "name")));
	printf("%-18s%s\n", "Namespace:", str(m, "namespace"));
	printf("%-18s%s\n", "Priority:", str(spec, "priority") ?: "0");
	if (str(spec, "priorityClassName"))
		printf("%-18s%s\n", "Priority Class Name:", str(spec, "priorityClassName"));
	printf("%-18s%s/%s\n", "Node:", strempty(str(spec, "nodeName")),
	       strempty(str(st, "hostIP")));
	printf("%-18s%s\n", "Start Time:", when(str(st, "startTime"), b, sizeof(b)));
	map("Labels:", get(m, "labels"), 18, "=");
	map("Annotations:", get(m, "annotations"), 18, ": ");
	printf("%-18s%s\n",
	       "Status:", get(m, "deletionTimestamp") ? "Terminating" : strempty(str(st, "phase")));
	if (str(st, "reason"))
		printf("%-18s%s\n", "Reason:", str(st, "reason"));
	if (str(st, "message"))
		printf("%-18s%s\n", "Message:", str(st, "message"));
	printf("%-18s%s\n", "IP:", strempty(str(st, "podIP")));
	containers("Init Containers", get(spec, "initContainers"),
	           get(st, "initContainerStatuses"));
	containers("Containers", get(spec, "containers"), get(st, "containerStatuses"));
	conditions(st);
	volumes(spec);
	printf("%-29s%s\n", "QoS Class:", strempty(str(st, "qosClass")));
	printf("%-29s%s\n", "Node-Selectors:", "<none>");
	printf("%-29s%s\n", "Tolerations:", "<none>");
	events(cl, &t, name);
	json_object_put(pod);
	return 0;
}
