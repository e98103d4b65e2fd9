/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "log.h"

/* The process-wide log target is the one piece of global state the agent keeps: it is set
 * once at start and read by every log call, as systemd's log.c does. */
static bool journal;
static int max_level = LOG_INFO;

void log_setup(void) {
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	/* systemd sets JOURNAL_STREAM=<dev>:<ino> of the stream it connected to stderr. */
	journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
	          st.st_dev == dev && st.st_ino == ino;
}

void log_set_max_level(int level) {
	max_level = level;
}

int log_get_max_level(void) {
	return max_level;
}

bool log_to_journal(void) {
	return journal;
}

static const char level_char[] = { 'E', 'E', 'E', 'E', 'W', 'N', 'I', 'D' };

int log_full(int level, int error, const char *pod, const char *container, const char *fmt, ...) {
	char msg[2048];
	va_list ap;
	int saved = errno;

	if (error < 0)
		error = -error;
	if (level > max_level)
		return -error;

	if (error)
		errno = error; /* for %m */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	if (journal) {
		_cleanup_free_ char *m = NULL, *p = NULL, *c = NULL, *pr = NULL;
		struct iovec iov[5];
		size_t n = 0;
		if (asprintf(&m, "MESSAGE=%s", msg) < 0 || asprintf(&pr, "PRIORITY=%i", level) < 0)
			return -error;
		iov[n++] = (struct iovec){ m, strlen(m) };
		iov[n++] = (struct iovec){ pr, strlen(pr) };
		iov[n++] = (struct iovec){ (char *)"SYSLOG_IDENTIFIER=skiff", 23 };
		if (pod && asprintf(&p, "SKIFF_POD=%s", pod) >= 0)
			iov[n++] = (struct iovec){ p, strlen(p) };
		if (container && asprintf(&c, "SKIFF_CONTAINER=%s", container) >= 0)
			iov[n++] = (struct iovec){ c, strlen(c) };
		sd_journal_sendv(iov, (int)n);
	} else {
		struct timespec ts;
		struct tm tm;
		char when[32];
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%06ldZ %c %s%s%s%s%s\n", when, ts.tv_nsec / 1000,
		        level_char[level & 7], strempty(pod), container ? "/" : "",
		        strempty(container), pod || container ? ": " : "", msg);
	}
	errno = saved;
	return -error;
}
