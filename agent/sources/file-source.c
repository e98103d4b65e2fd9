/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>

#include "file-source.h"
#include "log.h"
#include "manifest.h"
#include "static-pod.h"
#include "strv.h"

#define MAX_FILES 4096 /* files considered in one directory read */

struct FileSource {
	sd_event *event;
	char *path;
	char *node_name;
	uint64_t rescan_usec;
	file_source_update_t update;
	void *userdata;
	int inotify_fd;
	sd_event_source *inotify_source, *timer_source, *defer_source;
	SourceError *errors;
	size_t n_errors;
	/* what was last reported broken, so a broken file is logged once, not per poll */
	char **reported;
	size_t n_reported;
	bool path_error_logged;
};

void source_errors_free(SourceError *e, size_t n) {
	for (size_t i = 0; e && i < n; i++) {
		free(e[i].file);
		for (size_t j = 0; j < e[i].n_messages; j++)
			free(e[i].messages[j]);
		free(e[i].messages);
	}
	free(e);
}

static int add_error(SourceError **l, size_t *n, const char *file, const Diag *d, int r) {
	SourceError *e = realloc(*l, (*n + 1) * sizeof(SourceError));
	if (!e)
		return -ENOMEM;
	*l = e;
	e = &e[(*n)++];
	*e = (SourceError){ .file = strdup(file) };
	size_t m = d->n_errors ? d->n_errors : 1;
	e->messages = calloc(m, sizeof(char *));
	if (!e->file || !e->messages)
		return -ENOMEM;
	if (d->n_errors == 0) {
		e->messages[0] = strdup(strerror(-r));
		e->n_messages = 1;
	}
	for (size_t i = 0; i < d->n_errors; i++)
		e->messages[e->n_messages++] = strdup(d->errors[i]);
	return 0;
}

static int cmp_str(const void *a, const void *b) {
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a static pod directory: sorted, dot-files skipped, regular files only. */
static int list_files(const char *path, char ***ret, size_t *ret_n) {
	struct stat st;
	char **l = NULL;
	size_t n = 0;

	if (stat(path, &st) < 0)
		return negative_errno();
	if (!S_ISDIR(st.st_mode)) {
		l = calloc(2, sizeof(char *));
		if (!l || !(l[0] = strdup(path))) {
			free(l);
			return -ENOMEM;
		}
		*ret = l;
		*ret_n = 1;
		return 0;
	}
	_cleanup_(closedirp) DIR *d = opendir(path);
	if (!d)
		return negative_errno();
	for (struct dirent *de; (de = readdir(d)) && n < MAX_FILES;) {
		_cleanup_free_ char *p = NULL;
		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s", path, de->d_name) < 0 || stat(p, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (strv_consume_n(&l, &n, TAKE_PTR(p)) < 0)
			break;
	}
	if (n > 0)
		qsort(l, n, sizeof(char *), cmp_str);
	*ret = l;
	*ret_n = n;
	return 0;
}

static int read_one(const char *file, const char *node_name, uint64_t now, Pod **ret, Diag *d) {
	PodSet set = {};
	int r = manifest_load_file(file, &set, d);
	if (r < 0)
		return r;
	if (set.n_pods != 1) {
		/* file.go: one Pod per file */
		diag_error(d, NULL, "a static pod file must hold exactly one Pod, found %zu",
		           set.n_pods);
		pod_set_done(&set);
		return -EINVAL;
	}
	Pod *pod = set.pods[0];
	set.pods[0] = NULL;
	pod_set_done(&set);
	r = static_pod_apply_defaults(pod, node_name, "file", file, now, true);
	if (r < 0) {
		pod_free(pod);
		return r;
	}
	*ret = pod;
	return 0;
}

int file_source_read(const char *path, const char *node_name, uint64_t now, Pod ***ret_pods,
                     char ***ret_paths, size_t *ret_n, SourceError **ret_errors,
                     size_t *ret_n_errors) {
	_cleanup_strv_free_ char **files = NULL;
	size_t n_files = 0, n = 0, n_err = 0;
	SourceError *errs = NULL;
	Pod **pods = NULL;
	char **paths = NULL;

	int r = list_files(path, &files, &n_files);
	if (r < 0)
		return r;
	pods = calloc(n_files + 1, sizeof(Pod *));
	paths = calloc(n_files + 1, sizeof(char *));
	if (!pods || !paths) {
		free(pods);
		free(paths);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_files; i++) {
		Diag d = {};
		Pod *p = NULL;
		r = read_one(files[i], node_name, now, &p, &d);
		if (r < 0 && access(files[i], F_OK) < 0 && errno == ENOENT)
			; /* removed between the listing and the read: not broken, just gone */
		else if (r < 0)
			(void)add_error(&errs, &n_err, files[i], &d, r);
		else {
			paths[n] = files[i];
			files[i] = strdup(""); /* moved; keep the vector freeable */
			pods[n++] = p;
		}
		diag_clear(&d);
	}
	*ret_pods = pods;
	*ret_paths = paths;
	*ret_n = n;
	*ret_errors = errs;
	*ret_n_errors = n_err;
	return 0;
}

static bool was_reported(FileSource *s, const char *key) {
	for (size_t i = 0; i < s->n_reported; i++)
		if (streq(s->reported[i], key))
			return true;
	return false;
}

/* Log each broken file once per distinct message set; forget what is fixed. */
static void report(FileSource *s) {
	char **now = calloc(s->n_errors + 1, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; now && i < s->n_errors; i++) {
		SourceError *e = &s->errors[i];
		char *key = NULL;
		if (asprintf(&key, "%s\n%s", e->file, e->n_messages ? e->messages[0] : "") < 0)
			continue;
		if (!was_reported(s, key))
			for (size_t j = 0; j < e->n_messages; j++)
				log_error("%s: %s", e->file, strempty(e->messages[j]));
		now[n++] = key;
	}
	for (size_t i = 0; i < s->n_reported; i++)
		free(s->reported[i]);
	free(s->reported);
	s->reported = now;
	s->n_reported = n;
}

static void rescan(FileSource *s) {
	Pod **pods = NULL;
	char **paths = NULL;
	size_t n = 0, n_err = 0;
	SourceError *errs = NULL;
	uint64_t now = 0;

	sd_event_now(s->event, CLOCK_REALTIME, &now);
	int r = file_source_read(s->path, s->node_name, now, &pods, &paths, &n, &errs, &n_err);
	if (r < 0) {
		/* a missing directory is an empty set, as for the kubelet (it logs once) */
		if (!s->path_error_logged)
			log_warning("static pod path %s: %s", s->path, strerror(-r));
		s->path_error_logged = true;
		pods = calloc(1, sizeof(Pod *));
		paths = calloc(1, sizeof(char *));
		n = 0;
	}
	if (r >= 0)
		s->path_error_logged = false;
	source_errors_free(s->errors, s->n_errors);
	s->errors = errs;
	s->n_errors = n_err;
	report(s);
	if (pods && paths)
		s->update(s, pods, paths, n, s->userdata);
	else {
		free(pods);
		free(paths);
	}
}

static int on_defer(sd_event_source *es, void *userdata) {
	rescan(userdata);
	return 0;
}

void file_source_rescan(FileSource *s) {
	(void)sd_event_source_set_enabled(s->defer_source, SD_EVENT_ONESHOT);
}

static int on_inotify(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
	FileSource *s = userdata;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	file_source_rescan(s);
	return 0;
}

static int on_timer(sd_event_source *es, uint64_t usec, void *userdata) {
	FileSource *s = userdata;
	file_source_rescan(s);
	(void)sd_event_source_set_time_relative(es, s->rescan_usec);
	(void)sd_event_source_set_enabled(es, SD_EVENT_ON);
	return 0;
}

static int watch(FileSource *s) {
	struct stat st;
	/* a directory: watch it; one file: watch its directory */
	_cleanup_free_ char *dir = strdup(s->path);
	if (!dir)
		return -ENOMEM;
	if (stat(s->path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = 0;
		else
			strcpy(dir, ".");
	}
	s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify_fd < 0)
		return negative_errno();
	if (inotify_add_watch(s->inotify_fd, dir,
	                      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB |
	                              IN_DELETE_SELF | IN_MOVE_SELF) < 0)
		return negative_errno(); /* the directory may appear later: the timer covers it */
	int r = sd_event_add_io(s->event, &s->inotify_source, s->inotify_fd, EPOLLIN, on_inotify,
	                        s);
	if (r >= 0)
		(void)sd_event_source_set_description(s->inotify_source, "static-pods-inotify");
	return r;
}

int file_source_new(sd_event *event, const char *path, uint64_t rescan_usec, const char *node_name,
                    file_source_update_t update, void *userdata, FileSource **ret) {
	FileSource *s = calloc(1, sizeof(FileSource));
	int r;
	if (!s)
		return -ENOMEM;
	s->event = sd_event_ref(event);
	s->inotify_fd = -EBADF;
	s->path = strdup(path);
	s->node_name = strdup(node_name);
	s->rescan_usec = rescan_usec > 0 ? rescan_usec : 20ULL * 1000000ULL;
	s->update = update;
	s->userdata = userdata;
	if (!s->path || !s->node_name) {
		file_source_free(s);
		return -ENOMEM;
	}
	r = watch(s);
	if (r < 0)
		log_warning("static pod path %s: not watched (%s), read every %llus", path,
		            strerror(-r), (unsigned long long)(s->rescan_usec / 1000000));
	if ((r = sd_event_add_defer(event, &s->defer_source, on_defer, s)) < 0 ||
	    (r = sd_event_add_time_relative(event, &s->timer_source, CLOCK_MONOTONIC,
	                                    s->rescan_usec, 0, on_timer, s)) < 0) {
		file_source_free(s);
		return r;
	}
	(void)sd_event_source_set_description(s->defer_source, "static-pods-read");
	(void)sd_event_source_set_description(s->timer_source, "static-pods-rescan");
	(void)sd_event_source_set_enabled(s->defer_source, SD_EVENT_ONESHOT);
	*ret = s;
	return 0;
}

FileSource *file_source_free(FileSource *s) {
	if (!s)
		return NULL;
	sd_event_source_disable_unref(s->inotify_source);
	sd_event_source_disable_unref(s->timer_source);
	sd_event_source_disable_unref(s->defer_source);
	safe_close(s->inotify_fd);
	source_errors_free(s->errors, s->n_errors);
	for (size_t i = 0; i < s->n_reported; i++)
		free(s->reported[i]);
	free(s->reported);
	free(s->path);
	free(s->node_name);
	sd_event_unref(s->event);
	free(s);
	return NULL;
}

const SourceError *file_source_errors(const FileSource *s, size_t *ret_n) {
	*ret_n = s->n_errors;
	return s->errors;
}

const char *file_source_path(const FileSource *s) {
	return s->path;
}
