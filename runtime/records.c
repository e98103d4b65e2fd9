/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor's records (DIR/state.json, DIR/exit.json), exit reasons and RFC 3339 timestamps.
 * Pure functions except the *_read() helpers.
 */
#include <time.h>

#include "fileio.h"
#include "json-util.h"
#include "runtime.h"
#include "util.h"

#define RECORD_MAX_BYTES (64u * 1024)

_hot_ int64_t runtime_now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Days since 1970-01-01 -> civil date (Howard Hinnant's days_from_civil, inverted): no libc
 * time zone machinery, which a monitor that formats a timestamp per log line would otherwise
 * keep resident. */
_hot_ void runtime_civil_from_ns(int64_t ns, RuntimeCivilTime *ret) {
	int64_t secs = ns / 1000000000;
	int64_t frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*ret = (RuntimeCivilTime){
		.year = (int)(yoe + era * 400 + (m <= 2)),
		.month = (int)m,
		.day = (int)d,
		.hour = (int)(rem / 3600),
		.minute = (int)(rem / 60 % 60),
		.second = (int)(rem % 60),
		.nanosecond = (long)frac,
	};
}

static char *put_digits(char *p, long v, int width) {
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

_hot_ int runtime_format_timestamp(int64_t ns, char buf[static RUNTIME_TIMESTAMP_MAX]) {
	RuntimeCivilTime t;
	char *p = buf;

	runtime_civil_from_ns(ns, &t);
	if (t.year < 0 || t.year > 9999)
		return -EINVAL;
	p = put_digits(p, t.year, 4);
	*p++ = '-';
	p = put_digits(p, t.month, 2);
	*p++ = '-';
	p = put_digits(p, t.day, 2);
	*p++ = 'T';
	p = put_digits(p, t.hour, 2);
	*p++ = ':';
	p = put_digits(p, t.minute, 2);
	*p++ = ':';
	p = put_digits(p, t.second, 2);
	/* Go's RFC3339Nano (".999999999"): trailing zeros trimmed, no dot for whole seconds. */
	if (t.nanosecond > 0) {
		long f = t.nanosecond;
		int digits = 9;
		while (f % 10 == 0) {
			f /= 10;
			digits--;
		}
		*p++ = '.';
		p = put_digits(p, f, digits);
	}
	*p++ = 'Z';
	*p = 0;
	return (int)(p - buf);
}

/* ---- exit reasons ---- */

static const char *const exit_reason_names[_EXIT_REASON_MAX] = {
	[EXIT_REASON_COMPLETED] = "Completed",
	[EXIT_REASON_ERROR] = "Error",
	[EXIT_REASON_OOM_KILLED] = "OOMKilled",
	[EXIT_REASON_START_ERROR] = "StartError",
};

ExitReason exit_reason_derive(bool started, int exit_code, bool oom_killed) {
	/* containerd pkg/cri: the TaskOOM event sets OOMKilled whatever the exit code;
	 * otherwise Completed for 0 and Error for the rest. */
	if (!started)
		return EXIT_REASON_START_ERROR;
	if (oom_killed)
		return EXIT_REASON_OOM_KILLED;
	return exit_code == 0 ? EXIT_REASON_COMPLETED : EXIT_REASON_ERROR;
}

const char *exit_reason_to_string(ExitReason r) {
	return r >= 0 && r < _EXIT_REASON_MAX ? exit_reason_names[r] : NULL;
}

int exit_reason_from_string(const char *s) {
	for (int i = 0; i < _EXIT_REASON_MAX; i++)
		if (streq_ptr(exit_reason_names[i], s))
			return i;
	return -EINVAL;
}

/* ---- records ---- */

void container_state_done(ContainerState *s) {
	if (!s)
		return;
	free(s->id);
	free(s->cgroup_path);
	free(s->monitor_cgroup_error);
	*s = (ContainerState){};
}

void exit_record_done(ExitRecord *e) {
	if (!e)
		return;
	free(e->message);
	*e = (ExitRecord){};
}

static void add_time(json_object *o, const char *key, const char *key_ns, int64_t ns) {
	char buf[RUNTIME_TIMESTAMP_MAX];
	if (ns == 0)
		return;
	if (runtime_format_timestamp(ns, buf) > 0)
		json_add_string(o, key, buf);
	json_add_int64(o, key_ns, ns);
}

int container_state_to_json(const ContainerState *s, char **ret) {
	_cleanup_json_ json_object *o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_add_string(o, "id", s->id);
	json_add_int64(o, "monitorPid", s->monitor_pid);
	json_add_uint64(o, "monitorStartTime", s->monitor_start_time);
	json_add_int64(o, "pid", s->pid);
	json_add_uint64(o, "startTime", s->start_time);
	add_time(o, "startedAt", "startedAtUnixNano", s->started_at);
	json_add_string(o, "cgroupPath", s->cgroup_path);
	json_add_string(o, "monitorCgroupError", s->monitor_cgroup_error);
	return json_to_string_dup(o, ret);
}

int container_state_from_json(const char *json, size_t len, ContainerState *ret) {
	_cleanup_json_ json_object *o = NULL;
	ContainerState s = {};
	Diag d = {};
	JsonReader r = { &d, "" };
	int64_t v;

	int k = json_parse_bounded(json, len, RECORD_MAX_BYTES, NULL, &o, &d);
	if (k >= 0) {
		json_read_string(&r, o, "id", 256, &s.id);
		if (json_read_int64(&r, o, "monitorPid", 1, INT32_MAX, &v))
			s.monitor_pid = (pid_t)v;
		json_read_uint64(&r, o, "monitorStartTime", UINT64_MAX, &s.monitor_start_time);
		if (json_read_int64(&r, o, "pid", 1, INT32_MAX, &v))
			s.pid = (pid_t)v;
		json_read_uint64(&r, o, "startTime", UINT64_MAX, &s.start_time);
		json_read_int64(&r, o, "startedAtUnixNano", INT64_MIN, INT64_MAX, &s.started_at);
		json_read_string(&r, o, "cgroupPath", RUNTIME_MAX_PATH, &s.cgroup_path);
		json_read_string(&r, o, "monitorCgroupError", RUNTIME_MAX_MESSAGE,
		                 &s.monitor_cgroup_error);
		if (d.n_errors > 0 || s.monitor_pid == 0)
			k = -EINVAL;
	}
	diag_clear(&d);
	if (k < 0) {
		container_state_done(&s);
		return k;
	}
	*ret = s;
	return 0;
}

int exit_record_to_json(const ExitRecord *e, char **ret) {
	_cleanup_json_ json_object *o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	json_add_int64(o, "exitCode", e->exit_code);
	json_add_int64(o, "signal", e->signal);
	json_add_bool(o, "oomKilled", e->oom_killed);
	json_add_string(o, "reason", exit_reason_to_string(e->reason));
	json_add_string(o, "message", e->message);
	add_time(o, "startedAt", "startedAtUnixNano", e->started_at);
	add_time(o, "finishedAt", "finishedAtUnixNano", e->finished_at);
	return json_to_string_dup(o, ret);
}

int exit_record_from_json(const char *json, size_t len, ExitRecord *ret) {
	_cleanup_json_ json_object *o = NULL;
	_cleanup_free_ char *reason = NULL;
	ExitRecord e = {};
	Diag d = {};
	JsonReader r = { &d, "" };
	int64_t v;

	int k = json_parse_bounded(json, len, RECORD_MAX_BYTES, NULL, &o, &d);
	if (k >= 0) {
		if (json_read_int64(&r, o, "exitCode", INT32_MIN, INT32_MAX, &v))
			e.exit_code = (int)v;
		if (json_read_int64(&r, o, "signal", 0, 128, &v))
			e.signal = (int)v;
		json_read_bool(&r, o, "oomKilled", &e.oom_killed);
		json_read_string(&r, o, "reason", 32, &reason);
		json_read_string(&r, o, "message", 64 * 1024, &e.message);
		json_read_int64(&r, o, "startedAtUnixNano", INT64_MIN, INT64_MAX, &e.started_at);
		json_read_int64(&r, o, "finishedAtUnixNano", INT64_MIN, INT64_MAX, &e.finished_at);
		int x = exit_reason_from_string(reason);
		if (d.n_errors > 0 || x < 0)
			k = -EINVAL;
		else
			e.reason = x;
	}
	diag_clear(&d);
	if (k < 0) {
		exit_record_done(&e);
		return k;
	}
	*ret = e;
	return 0;
}

int container_state_read(const char *dir, ContainerState *ret) {
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t n;
	if (asprintf(&path, "%s/state.json", dir) < 0)
		return -ENOMEM;
	int r = read_full_file(path, RECORD_MAX_BYTES, &data, &n);
	if (r < 0)
		return r;
	return container_state_from_json(data, n, ret);
}

int exit_record_read(const char *path, ExitRecord *ret) {
	_cleanup_free_ char *data = NULL;
	size_t n;
	int r = read_full_file(path, RECORD_MAX_BYTES, &data, &n);
	if (r < 0)
		return r;
	return exit_record_from_json(data, n, ret);
}

int runtime_exit_record_path(const char *dir, const ContainerConfig *c, char **ret) {
	char *p;
	if (c && c->exit_record_path)
		p = strdup(c->exit_record_path);
	else if (asprintf(&p, "%s/exit.json", dir) < 0)
		p = NULL;
	if (!p)
		return -ENOMEM;
	*ret = p;
	return 0;
}
