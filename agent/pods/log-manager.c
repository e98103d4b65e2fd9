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

static int gzip_file(const char *dir, const char *name) {
	_cleanup_free_ char *src = NULL, *tmp = NULL, *dst = NULL;
	char buf[65536];
	int r = 0;

	if (asprintf(&src, "%s/%s", dir, name) < 0 ||
	    asprintf(&tmp, "%s/%s.gz.tmp", dir, name) < 0 ||
	    asprintf(&dst, "%s/%s.gz", dir, name) < 0)
		return -ENOMEM;
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return negative_errno();
	int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (out < 0)
		return negative_errno();
	gzFile gz = gzdopen(out, "wb1");
	if (!gz) {
		safe_close(out);
		(void)unlink(tmp);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t k = read(in, buf, sizeof(buf));
		if (k < 0) {
			r = negative_errno();
			break;
		}
		if (k == 0)
			break;
		if (gzwrite(gz, buf, (unsigned)k) != (int)k) {
			r = -EIO;
			break;
		}
	}
	if (gzclose(gz) != Z_OK && r == 0)
		r = -EIO;
	if (r >= 0 && rename(tmp, dst) < 0)
		r = negative_errno();
	if (r < 0) {
		(void)unlink(tmp);
		return r;
	}
	(void)unlink(src);
	return 0;
}

int log_manager_compress_dir(const char *dir, unsigned max) {
	_cleanup_(closedirp) DIR *d = opendir(dir);
	_cleanup_strv_free_ char **names = NULL;
	unsigned done = 0;

	if (!d)
		return negative_errno();
	for (struct dirent *de; (de = readdir(d));)
		if (rotated_plain(de->d_name) && strv_extend(&names, de->d_name) < 0)
			return -ENOMEM;
	size_t n = strv_length(names);
	if (n < 2)
		return 0;
	qsort(names, n, sizeof(char *), cmp);
	/* all but the newest rotated file (it may still be read by `logs --previous` users) */
	for (size_t i = 0; i + 1 < n && done < max; i++) {
		int r = gzip_file(dir, names[i]);
		if (r < 0)
			return r;
		done++;
	}
	return (int)done;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata) {
	Kubelet *k = userdata;
	unsigned budget = 1;
	for (size_t i = 0; i < k->n_workers && budget > 0; i++) {
		PodWorker *w = k->workers[i];
		for (size_t j = 0; j < w->pod->spec.n_containers + w->pod->spec.n_init_containers;
		     j++) {
			ContainerRun *c = j < w->pod->spec.n_containers
			                          ? &w->regular[j]
			                          : &w->init[j - w->pod->spec.n_containers];
			if (!container_run_active(c) || budget == 0)
				continue;
			_cleanup_free_ char *dir = NULL;
			if (asprintf(&dir, "%s/%s", w->log_dir, c->spec->name) < 0)
				continue;
			int r = log_manager_compress_dir(dir, budget);
			if (r > 0)
				budget -= (unsigned)r;
			else if (r < 0 && r != -ENOENT)
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
	return 0;
}

void log_manager_stop(Kubelet *k) {
	k->log_manager = sd_event_source_disable_unref(k->log_manager);
}
