/* SPDX-License-Identifier: Apache-2.0 */
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "log-follow.h"
#include "log-reader.h"
#include "macro.h"

struct LogFollow {
	char *path;
	int fd, inotify_fd;
	ino_t ino;
	sd_event_source *source;
	LogFollower render;
	log_follow_line_t line;
	void *userdata;
};

static void emit(const char *text, size_t len, void *userdata) {
	LogFollow *f = userdata;
	f->line(f, text, len, f->userdata);
}

static void drain(LogFollow *f) {
	char buf[16384];
	while (f->fd >= 0) {
		ssize_t k = read(f->fd, buf, sizeof(buf));
		if (k <= 0)
			break;
		log_follower_feed(&f->render, buf, (size_t)k, emit, f);
	}
}

static int reopen(LogFollow *f, bool from_end) {
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0) {
		safe_close(fd);
		return negative_errno();
	}
	if (from_end)
		(void)lseek(fd, 0, SEEK_END);
	safe_close(f->fd);
	f->fd = fd;
	f->ino = st.st_ino;
	return 0;
}

void log_follow_poll(LogFollow *f) {
	struct stat st;
	drain(f);
	/* rotated: the path names another file now; the old one was read to its end */
	if (stat(f->path, &st) == 0 && (f->fd < 0 || st.st_ino != f->ino)) {
		if (reopen(f, false) >= 0)
			drain(f);
	}
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	LogFollow *f = userdata;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	log_follow_poll(f);
	return 0;
}

int log_follow_new(sd_event *event, const char *path, bool timestamps, bool from_end,
                   log_follow_line_t line, void *userdata, LogFollow **ret) {
	LogFollow *f = calloc(1, sizeof(LogFollow));
	int r;
	if (!f)
		return -ENOMEM;
	f->fd = f->inotify_fd = -EBADF;
	f->line = line;
	f->userdata = userdata;
	f->render.timestamps = timestamps;
	if (!(f->path = strdup(path))) {
		log_follow_free(f);
		return -ENOMEM;
	}
	_cleanup_free_ char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (!slash) {
		log_follow_free(f);
		return -EINVAL;
	}
	*slash = 0;
	f->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (f->inotify_fd < 0 ||
	    inotify_add_watch(f->inotify_fd, dir,
	                      IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		r = negative_errno();
		log_follow_free(f);
		return r;
	}
	r = sd_event_add_io(event, &f->source, f->inotify_fd, EPOLLIN, on_inotify, f);
	if (r < 0) {
		log_follow_free(f);
		return r;
	}
	(void)sd_event_source_set_description(f->source, "log-follow");
	(void)reopen(f, from_end); /* the file may not exist yet: inotify tells when it does */
	*ret = f;
	return 0;
}

LogFollow *log_follow_free(LogFollow *f) {
	if (!f)
		return NULL;
	sd_event_source_disable_unref(f->source);
	safe_close(f->fd);
	safe_close(f->inotify_fd);
	log_follower_done(&f->render);
	free(f->path);
	free(f);
	return NULL;
}

const char *log_follow_path(const LogFollow *f) {
	return f->path;
}
