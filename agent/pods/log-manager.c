/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <zlib.h>

#include "fileio.h"
#include "log-manager.h"
#include "log.h"
#include "pod-worker.h"
#include "strv.h"

#define LOG_MONITOR_INTERVAL_USEC (10ULL * 1000000ULL) /* containerLogMonitorInterval */
#define LOG_GZIP_STEP_BYTES (1u << 20)                 /* ~6 ms of zlib level 1 */

/* "<restart>.log.<YYYYMMDD-HHMMSS>[-N]": a rotated file not compressed yet */
static bool rotated_plain(const char *name) {
	const char *p = strstr(name, ".log.");
	size_t l = strlen(name);
	if (!p || p == name)
		return false;
	if (l > 3 && streq(name + l - 3, ".gz"))
		return false;
	return strstr(name, ".tmp") == NULL;
}

/* By the stamp after ".log.", then by the "-N" of several rotations within one second
 * (strcmp would put "-10" before "-2" and take the newest file for an old one). */
static int cmp(const void *a, const void *b) {
	const char *x = strstr(*(char *const *)a, ".log.") + 5,
	           *y = strstr(*(char *const *)b, ".log.") + 5;
	int c = strncmp(x, y, 15);
	if (c != 0)
		return c;
	unsigned long i = strlen(x) > 15 && x[15] == '-' ? strtoul(x + 16, NULL, 10) : 0;
	unsigned long j = strlen(y) > 15 && y[15] == '-' ? strtoul(y + 16, NULL, 10) : 0;
	return i < j ? -1 : i > j;
}

struct LogGzip {
	char *src, *tmp, *dst;
	int in;
	gzFile gz;
};

LogGzip *log_gzip_free(LogGzip *g) {
	if (!g)
		return NULL;
	if (g->gz) {
		(void)gzclose(g->gz);
		(void)unlink(g->tmp);
	}
	safe_close(g->in);
	free(g->src);
	free(g->tmp);
	free(g->dst);
	free(g);
	return NULL;
}

int log_gzip_open(const char *dir, const char *name, LogGzip **ret) {
	_cleanup_(log_gzip_freep) LogGzip *g = calloc(1, sizeof(LogGzip));
	if (!g)
		return -ENOMEM;
	g->in = -1;
	if (asprintf(&g->src, "%s/%s", dir, name) < 0 ||
	    asprintf(&g->tmp, "%s/%s.gz.tmp", dir, name) < 0 ||
	    asprintf(&g->dst, "%s/%s.gz", dir, name) < 0)
		return -ENOMEM;
	g->in = open(g->src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (g->in < 0)
		return negative_errno();
	int out = open(g->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (out < 0)
		return negative_errno();
	g->gz = gzdopen(out, "wb1");
	if (!g->gz) {
		safe_close(out);
		(void)unlink(g->tmp);
		return -ENOMEM;
	}
	*ret = TAKE_PTR(g);
	return 0;
}

int log_gzip_step(LogGzip *g, size_t max) {
	char buf[65536];

	for (size_t done = 0; done < max;) {
		ssize_t k = read(g->in, buf, MIN(sizeof(buf), max - done));
		if (k < 0)
			return negative_errno();
		if (k == 0) {
			gzFile gz = TAKE_PTR(g->gz);
			if (gzclose(gz) != Z_OK) {
				(void)unlink(g->tmp);
				return -EIO;
			}
			if (rename(g->tmp, g->dst) < 0) {
				int r = negative_errno();
				(void)unlink(g->tmp);
				return r;
			}
			(void)unlink(g->src);
			return 0;
		}
		if (gzwrite(g->gz, buf, (unsigned)k) != (int)k)
			return -EIO;
		done += (size_t)k;
	}
	return 1;
}

int log_manager_next_rotated(const char *dir, char **ret_name) {
	_cleanup_(closedirp) DIR *d = opendir(dir);
	_cleanup_strv_free_ char **names = NULL;
	size_t n = 0;

	*ret_name = NULL;
	if (!d)
		return negative_errno();
	for (struct dirent *de; (de = readdir(d));)
		if (rotated_plain(de->d_name) && strv_extend_n(&names, &n, de->d_name) < 0)
			return -ENOMEM;
	if (n < 2)
		return 0;
	qsort(names, n, sizeof(char *), cmp);
	/* all but the newest rotated file (it may still be read by `logs --previous` users) */
	*ret_name = TAKE_PTR(names[0]);
	names[0] = names[n - 1]; /* keep the vector whole for the free */
	names[n - 1] = NULL;
	return 1;
}

/* A step at idle priority: a large file never holds up container exits, probes or the API. */
static int on_gzip_step(sd_event_source *s, void *userdata) {
	Kubelet *k = userdata;
	int r = log_gzip_step(k->log_gzip, LOG_GZIP_STEP_BYTES);
	if (r > 0)
		return 0;
	if (r < 0 && r != -ENOENT) /* ENOENT: the pod and its logs went meanwhile */
		log_warning("compressing rotated log %s: %s", strempty(k->log_gzip_name),
		            strerror(-r));
	k->log_gzip = log_gzip_free(k->log_gzip);
	k->log_gzip_name = mfree(k->log_gzip_name);
	return sd_event_source_set_enabled(s, SD_EVENT_OFF);
}

static int start_gzip(Kubelet *k, const char *dir, char *name) {
	_cleanup_free_ char *n = name;
	int r = log_gzip_open(dir, n, &k->log_gzip);
	if (r < 0)
		return r;
	if (asprintf(&k->log_gzip_name, "%s/%s", dir, n) < 0)
		k->log_gzip_name = NULL;
	r = sd_event_source_set_enabled(k->log_gzip_step, SD_EVENT_ON);
	if (r < 0) {
		k->log_gzip = log_gzip_free(k->log_gzip);
		k->log_gzip_name = mfree(k->log_gzip_name);
	}
	return r;
}

/* Every interval, the next rotated file of a running container, compressed in steps. */
static int on_tick(sd_event_source *s, uint64_t usec, void *userdata) {
	Kubelet *k = userdata;
	for (size_t i = 0; i < k->n_workers && !k->log_gzip; i++) {
		PodWorker *w = k->workers[i];
		for (size_t j = 0;
		     j < w->pod->spec.n_containers + w->pod->spec.n_init_containers && !k->log_gzip;
		     j++) {
			ContainerRun *c = j < w->pod->spec.n_containers
			                          ? &w->regular[j]
			                          : &w->init[j - w->pod->spec.n_containers];
			if (!container_run_active(c))
				continue;
			_cleanup_free_ char *dir = NULL;
			char *name = NULL;
			if (asprintf(&dir, "%s/%s", w->log_dir, c->spec->name) < 0)
				continue;
			int r = log_manager_next_rotated(dir, &name);
			if (r > 0)
				r = start_gzip(k, dir, name);
			if (r < 0 && r != -ENOENT)
				log_container(LOG_WARNING, w->key, c->spec->name,
				              "compressing rotated logs: %s", strerror(-r));
		}
	}
	(void)sd_event_source_set_time_relative(s, LOG_MONITOR_INTERVAL_USEC);
	(void)sd_event_source_set_enabled(s, SD_EVENT_ON);
	return 0;
}

int log_manager_start(Kubelet *k) {
	int r = sd_event_add_time_relative(k->event, &k->log_manager, CLOCK_MONOTONIC,
	                                   LOG_MONITOR_INTERVAL_USEC, 0, on_tick, k);
	if (r < 0)
		return r;
	(void)sd_event_source_set_description(k->log_manager, "container-log-manager");
	r = sd_event_add_defer(k->event, &k->log_gzip_step, on_gzip_step, k);
	if (r < 0)
		return r;
	(void)sd_event_source_set_description(k->log_gzip_step, "container-log-gzip");
	(void)sd_event_source_set_priority(k->log_gzip_step, SD_EVENT_PRIORITY_IDLE);
	return sd_event_source_set_enabled(k->log_gzip_step, SD_EVENT_OFF);
}

void log_manager_stop(Kubelet *k) {
	k->log_manager = sd_event_source_disable_unref(k->log_manager);
	k->log_gzip_step = sd_event_source_disable_unref(k->log_gzip_step);
	k->log_gzip = log_gzip_free(k->log_gzip); /* the plain file stays for the next agent */
	k->log_gzip_name = mfree(k->log_gzip_name);
}
