/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One container of a pod across its instances: start an instance (image, translation, config,
 * monitor), learn that it runs (the monitor's notify pipe) and that it ended (the monitor's
 * pidfd, then its exit record), kill it with a grace period, and re-adopt it after an agent
 * restart. The kubelet's startContainer / killContainer (kuberuntime_container.go).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fileio.h"
#include "log.h"
#include "pod-hooks.h"
#include "pod-probes.h"
#include "pod-sandbox.h"
#include "pod-worker.h"

#define TERMINATION_MESSAGE_MAX 4096 /* kuberuntime: maxTerminationMessageLogLength */
#define FALLBACK_LOG_LINES 80
#define FALLBACK_LOG_BYTES 2048
#define MIN_KILL_GRACE_USEC (2ULL * 1000000ULL) /* minimumGracePeriodInSeconds */

static char *container_state_dir(const ContainerRun *c) {
	char *p = NULL;
	if (asprintf(&p, "%s/%s", c->pod->kubelet->containers_state_dir, c->id) < 0)
		return NULL;
	return p;
}

bool container_run_active(const ContainerRun *c) {
	return c->state == RUN_CREATING || c->state == RUN_RUNNING;
}

static void new_container_id(char id[static 65]) {
	uint8_t b[32];
	if (getrandom(b, sizeof(b), 0) != sizeof(b)) {
		/* never expected on Linux >= 3.17; fall back to the clock and the pid */
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (uint8_t)(t >> ((i % 8) * 8)) ^ (uint8_t)(i * 131);
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
}

static void set_waiting(ContainerRun *c, const char *reason, const char *message) {
	free(c->waiting_reason);
	free(c->waiting_message);
	c->waiting_reason = reason ? strdup(reason) : NULL;
	c->waiting_message = message ? strdup(message) : NULL;
}

static void sources_off(ContainerRun *c) {
	c->notify_source = sd_event_source_disable_unref(c->notify_source);
	c->monitor_source = sd_event_source_disable_unref(c->monitor_source);
	c->kill_timer = sd_event_source_disable_unref(c->kill_timer);
	runtime_monitor_close(&c->monitor);
}

/* The termination message: the file the container wrote at terminationMessagePath, else (with
 * FallbackToLogsOnError and a failure) the tail of its log (kuberuntime_container.go). */
static char *termination_message(ContainerRun *c, int exit_code) {
	PodWorker *w = c->pod;
	_cleanup_free_ char *path = NULL, *data = NULL;
	size_t size = 0;

	if (asprintf(&path, "%s/containers/%s-termination-log", w->pod_dir, c->id) < 0)
		return NULL;
	if (read_full_file(path, TERMINATION_MESSAGE_MAX, &data, &size) >= 0 && size > 0)
		return TAKE_PTR(data);
	if (c->spec->termination_message_policy != TERMINATION_MESSAGE_FALLBACK_TO_LOGS_ON_ERROR ||
	    exit_code == 0)
		return NULL;
	return pod_log_tail_text(w, c, FALLBACK_LOG_LINES, FALLBACK_LOG_BYTES);
}

/* The instance's overlay upper and work directories: nothing reads them once it ended. */
static void remove_rootfs_dirs(ContainerRun *c) {
	_cleanup_free_ char *p = NULL;
	/* the image may go now: its layers were this instance's lower directories */
	(void)image_release(c->pod->kubelet->images, c->id);
	if (asprintf(&p, "%s/%s", c->pod->kubelet->containers_root_dir, c->id) >= 0)
		(void)rm_rf(p);
}

static void record_exit(ContainerRun *c, const ExitRecord *e, bool known) {
	PodWorker *w = c->pod;

	if (c->state == RUN_EXITED || c->state == RUN_NONE)
		return;
	if (c->terminated.kind == CONTAINER_STATE_TERMINATED) {
		container_state_info_clear(&c->prev_terminated);
		c->prev_terminated = c->terminated;
		c->has_prev = true;
		c->terminated = (ContainerStateInfo){};
	}
	ContainerStateInfo *t = &c->terminated;
	t->kind = CONTAINER_STATE_TERMINATED;
	if (asprintf(&t->container_id, "skiff://%s", c->id) < 0)
		t->container_id = NULL;
	if (known) {
		t->exit_code = e->exit_code;
		t->signal = e->signal;
		t->reason = strdup(exit_reason_to_string(e->reason));
		t->started_at = e->started_at > 0 ? (uint64_t)e->started_at / 1000 : c->started_at;
		t->finished_at = e->finished_at > 0 ? (uint64_t)e->finished_at / 1000
		                                    : kubelet_now(w->kubelet);
		if (e->reason == EXIT_REASON_START_ERROR)
			t->message = e->message ? strdup(e->message) : NULL;
		else
			t->message = termination_message(c, e->exit_code);
	} else {
		/* the monitor vanished without a record (kubelet: a vanished container) */
		t->exit_code = 137;
		t->reason = strdup("ContainerStatusUnknown");
		t->message = strdup("The container could not be located when the pod was deleted.  "
		                    "The container used to be Running");
		t->started_at = c->started_at;
		t->finished_at = kubelet_now(w->kubelet);
	}
	c->state = RUN_EXITED;
	c->ready = false;
	c->pid = 0;
	pod_probes_container_stopped(c);
	if (known && e->reason == EXIT_REASON_START_ERROR)
		pod_events_add(&w->events, true, "Failed", kubelet_now(w->kubelet), "Error: %s",
		               strempty(e->message));
	log_container(LOG_INFO, w->key, c->spec->name, "container %s exited: %s (exit code %d)",
	              c->id, strempty(t->reason), t->exit_code);
}

static int on_monitor_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	ContainerRun *c = userdata;
	_cleanup_free_ char *dir = container_state_dir(c), *exit_path = NULL;
	ExitRecord e = {};
	siginfo_t si = {};

	/* reap it if it is our child (monitors of a previous agent are not) */
	(void)waitid(P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG);
	sources_off(c);
	int r = dir ? runtime_exit_record_path(dir, NULL, &exit_path) : -ENOMEM;
	if (r >= 0)
		r = exit_record_read(exit_path, &e);
	record_exit(c, &e, r >= 0);
	exit_record_done(&e);
	if (dir)
		(void)runtime_container_remove(dir);
	remove_rootfs_dirs(c);
	pod_worker_container_gone(c);
	return 0;
}

static int on_notify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
	ContainerRun *c = userdata;
	PodWorker *w = c->pod;
	RuntimeError e = {};
	pid_t pid = 0;

	c->notify_source = sd_event_source_disable_unref(c->notify_source);
	int r = runtime_notify_read(fd, &pid, &e);
	c->monitor.notify_fd = safe_close(c->monitor.notify_fd);
	if (r < 0)
		return 0; /* the monitor exits and leaves a StartError record: on_monitor_exit */
	c->pid = pid;
	c->state = RUN_RUNNING;
	c->started_at = kubelet_now(w->kubelet);
	/* the monitor's own record of the start: what a re-adopting agent will read too */
	_cleanup_free_ char *dir = container_state_dir(c);
	ContainerState st = {};
	if (dir && container_state_read(dir, &st) >= 0 && st.started_at > 0)
		c->started_at = (uint64_t)st.started_at / 1000;
	container_state_done(&st);
	pod_events_add(&w->events, false, "Created", c->started_at, "Created container: %s",
	               c->spec->name);
	pod_events_add(&w->events, false, "Started", c->started_at, "Started container %s",
	               c->spec->name);
	log_container(LOG_INFO, w->key, c->spec->name, "started container %s (pid %d)", c->id,
	              (int)pid);
	pod_worker_container_started(c);
	if (c->kill_reason != KILL_NONE) /* a kill was asked while it was being created */
		container_run_kill(c, c->kill_reason, c->kill_grace_usec);
	return 0;
}

static int watch_monitor(ContainerRun *c) {
	sd_event *e = c->pod->kubelet->event;
	int r = sd_event_add_io(e, &c->monitor_source, c->monitor.pidfd, EPOLLIN, on_monitor_exit,
	                        c);
	if (r < 0)
		return r;
	(void)sd_event_source_set_description(c->monitor_source, "container-monitor");
	if (c->monitor.notify_fd >= 0) {
		r = sd_event_add_io(e, &c->notify_source, c->monitor.notify_fd, EPOLLIN, on_notify,
		                    c);
		if (r < 0)
			return r;
		(void)sd_event_source_set_description(c->notify_source, "container-notify");
	}
	return 0;
}

static int prepare_files(ContainerRun *c, const ContainerConfig *cfg) {
	_cleanup_free_ char *tl = NULL, *dir = NULL;
	int r;
	if ((r = mkdir_p(cfg->upper_dir, 0755)) < 0 || (r = mkdir_p(cfg->work_dir, 0755)) < 0)
		return r;
	if (asprintf(&tl, "%s/containers/%s-termination-log", c->pod->pod_dir, c->id) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = open(tl, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return negative_errno();
	(void)fchmod(fd, 0666);
	if (!(dir = strdup(cfg->log_path)))
		return -ENOMEM;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	return mkdir_p(dir, 0755);
}

/* Image present? ErrImageNeverPull / ErrImagePull as the kubelet reports them. */
static int resolve_image(ContainerRun *c, ImageInfo *ret) {
	PodWorker *w = c->pod;
	Diag d = {};
	int r = image_resolve(w->kubelet->images, c->spec->image, IMAGE_RESOLVE_BUILTIN, ret, &d);
	if (r >= 0) {
		diag_clear(&d);
		_cleanup_free_ char *msg = image_present_message(c->spec->image);
		pod_events_add(&w->events, false, "Pulled", kubelet_now(w->kubelet), "%s",
		               strempty(msg));
		return 0;
	}
	ImageMissing m = {};
	ImagePullPolicy p = c->spec->image_pull_policy == PULL_POLICY_NEVER ? IMAGE_PULL_NEVER
	                    : c->spec->image_pull_policy == PULL_POLICY_ALWAYS
	                            ? IMAGE_PULL_ALWAYS
	                            : IMAGE_PULL_IF_NOT_PRESENT;
	if (r == -ENOENT && image_missing(c->spec->image, p, &m) >= 0) {
		set_waiting(c, m.reason, m.message);
		pod_events_add(&w->events, true, m.event_reason, kubelet_now(w->kubelet), "%s",
		               strempty(m.event_message));
		image_missing_done(&m);
	} else /* the store's word, e.g. the builtin's import failing: libarchive missing */
		set_waiting(c, "ErrImagePull",
		            d.n_errors ? d.errors[0] : "the local image store could not be read");
	diag_clear(&d);
	return -ENOENT;
}

int container_run_start(ContainerRun *c) {
	PodWorker *w = c->pod;
	Kubelet *k = w->kubelet;
	_cleanup_(image_info_done) ImageInfo image = {};
	_cleanup_(container_config_done) ContainerConfig cfg = {};
	_cleanup_free_ char *error = NULL, *dir = NULL;
	PodContext ctx;
	char id[65];
	int r;

	if (resolve_image(c, &image) < 0) {
		log_container(LOG_WARNING, w->key, c->spec->name, "%s: %s",
		              strempty(c->waiting_reason), strempty(c->waiting_message));
		return -ENOENT;
	}
	new_container_id(id);
	pod_worker_context(w, &ctx);
	r = container_translate(&ctx, c->spec, &image, id, c->instances, &cfg, &error);
	if (r < 0) {
		set_waiting(c, "CreateContainerConfigError", error ? error : strerror(-r));
		log_container(LOG_WARNING, w->key, c->spec->name, "CreateContainerConfigError: %s",
		              error ? error : strerror(-r));
		pod_events_add(&w->events, true, "Failed", kubelet_now(k), "Error: %s",
		               error ? error : strerror(-r));
		return r;
	}
	memcpy(c->id, id, sizeof(id));
	if (!(dir = container_state_dir(c)))
		return -ENOMEM;
	Diag d = {};
	if (container_config_validate(&cfg, &d) < 0) {
		/* a translation bug, not the user's: say exactly what the runtime refused */
		_cleanup_free_ char *msg =
		        strdup(d.n_errors ? d.errors[0] : "invalid configuration");
		diag_clear(&d);
		set_waiting(c, "CreateContainerConfigError", msg);
		log_container(LOG_ERR, w->key, c->spec->name, "container config refused: %s",
		              strempty(msg));
		return -EINVAL;
	}
	diag_clear(&d);
	if ((r = prepare_files(c, &cfg)) < 0 || (r = mkdir_p(dir, 0700)) < 0 ||
	    (r = container_config_write(&cfg, dir)) < 0 ||
	    (r = runtime_container_spawn(dir, &c->monitor)) < 0) {
		set_waiting(c, "RunContainerError", strerror(-r));
		log_container(LOG_WARNING, w->key, c->spec->name, "RunContainerError: %s",
		              strerror(-r));
		pod_events_add(&w->events, true, "Failed", kubelet_now(k),
		               "Error: failed to start container \"%s\": %s", c->spec->name,
		               strerror(-r));
		return r;
	}
	/* keep the image's layers through `skiff image rm` while the instance uses them */
	Diag hd = {};
	if (image_hold(k->images, c->id, image.id, &hd) < 0)
		log_container(LOG_WARNING, w->key, c->spec->name, "could not hold image %s: %s",
		              image.id, hd.n_errors ? hd.errors[0] : "error");
	diag_clear(&hd);
	free(c->image_id);
	c->image_id = TAKE_PTR(image.id);
	c->restart_count = c->instances;
	c->instances++;
	c->state = RUN_CREATING;
	c->kill_reason = KILL_NONE;
	c->kill_sent_term = c->kill_sent_kill = false;
	c->post_start_done = false;
	c->started = c->ready = false;
	set_waiting(c, NULL, NULL);
	if (c->restart_count > 0)
		k->counters.container_restarts++;
	r = watch_monitor(c);
	if (r < 0)
		return r;
	if (k->hooks.container_started)
		k->hooks.container_started(k, w, c->spec->name, cfg.log_path, k->hooks.userdata);
	return 0;
}

static int signal_container(ContainerRun *c, int sig) {
	_cleanup_free_ char *dir = container_state_dir(c);
	if (!dir)
		return -ENOMEM;
	int r = runtime_container_signal(dir, sig);
	if (r == -ESRCH)
		return 0;
	return r;
}

static int on_kill_timer(sd_event_source *s, uint64_t usec, void *userdata) {
	ContainerRun *c = userdata;
	c->kill_timer = sd_event_source_disable_unref(c->kill_timer);
	if (!container_run_active(c))
		return 0;
	c->kill_sent_kill = true;
	(void)signal_container(c, SIGKILL);
	return 0;
}

/* After preStop (or without one): the stop signal, then SIGKILL at the grace period's end,
 * never sooner than 2 s (killContainer's minimumGracePeriodInSeconds). */
void container_run_send_term(ContainerRun *c, uint64_t remaining_usec) {
	Kubelet *k = c->pod->kubelet;
	if (!container_run_active(c) || c->kill_sent_term)
		return;
	c->kill_sent_term = true;
	if (c->state == RUN_RUNNING)
		(void)signal_container(c, SIGTERM);
	uint64_t grace = MAX(remaining_usec, MIN_KILL_GRACE_USEC);
	c->kill_timer = sd_event_source_disable_unref(c->kill_timer);
	if (sd_event_add_time_relative(k->event, &c->kill_timer, CLOCK_MONOTONIC, grace, 0,
	                               on_kill_timer, c) >= 0)
		(void)sd_event_source_set_description(c->kill_timer, "container-kill");
}

/* Already stopping: a shorter grace (a second stop request) brings SIGKILL forward, never
 * sooner than the 2 s floor (StopContainer again with the smaller timeout). */
static void kill_sooner(ContainerRun *c, uint64_t grace_usec) {
	uint64_t now, at;
	if (!c->kill_timer || c->kill_sent_kill ||
	    sd_event_now(c->pod->kubelet->event, CLOCK_MONOTONIC, &now) < 0 ||
	    sd_event_source_get_time(c->kill_timer, &at) < 0)
		return;
	if (now + MAX(grace_usec, MIN_KILL_GRACE_USEC) < at)
		(void)sd_event_source_set_time(c->kill_timer,
		                               now + MAX(grace_usec, MIN_KILL_GRACE_USEC));
}

void container_run_kill(ContainerRun *c, KillReason reason, uint64_t grace_usec) {
	PodWorker *w = c->pod;
	if (!container_run_active(c))
		return;
	bool first = c->kill_reason == KILL_NONE || c->state == RUN_CREATING;
	if (!first && c->kill_sent_term) {
		kill_sooner(c, grace_usec);
		return;
	}
	if (!first && pod_hook_pre_stop_running(c)) {
		/* preStop runs once; a shorter grace (a second stop request) cuts it short */
		if (grace_usec < c->kill_grace_usec) {
			pod_hooks_cancel(c);
			container_run_send_term(c, grace_usec);
		}
		return;
	}
	c->kill_reason = reason;
	c->kill_grace_usec = grace_usec;
	if (c->state == RUN_CREATING)
		return; /* on_notify kills it once it runs */
	pod_probes_container_stopping(c);
	pod_events_add(&w->events, false, "Killing", kubelet_now(w->kubelet),
	               reason == KILL_LIVENESS
	                       ? "Container %s failed liveness probe, will be restarted"
	               : reason == KILL_POST_START ? "FailedPostStartHook"
	                                           : "Stopping container %s",
	               c->spec->name);
	/* preStop runs when there is a grace period; its time comes out of the grace */
	if (grace_usec > 0 && c->spec->lifecycle && c->spec->lifecycle->pre_stop &&
	    pod_hook_pre_stop(c, grace_usec) >= 0)
		return; /* pod_hook_pre_stop calls container_run_send_term when done */
	container_run_send_term(c, grace_usec);
}

/* Re-adopt an instance of a previous agent: its monitor by pid + start time (state.json). */
int container_run_adopt(ContainerRun *c) {
	_cleanup_free_ char *dir = container_state_dir(c);
	ContainerState st = {};
	int r;

	if (!dir)
		return -ENOMEM;
	c->monitor = (RuntimeMonitor){ .pid = 0, .pidfd = -EBADF, .notify_fd = -EBADF };
	r = runtime_monitor_open(dir, &c->monitor.pidfd);
	if (r < 0) {
		/* gone while we were away: fold in its exit record */
		_cleanup_free_ char *exit_path = NULL;
		ExitRecord e = {};
		int q = runtime_exit_record_path(dir, NULL, &exit_path);
		if (q >= 0)
			q = exit_record_read(exit_path, &e);
		record_exit(c, &e, q >= 0);
		exit_record_done(&e);
		(void)runtime_container_remove(dir);
		remove_rootfs_dirs(c);
		return 0;
	}
	if (container_state_read(dir, &st) >= 0) {
		c->pid = st.pid;
		c->state = RUN_RUNNING;
		if (st.started_at > 0)
			c->started_at = (uint64_t)st.started_at / 1000;
		container_state_done(&st);
	}
	r = watch_monitor(c);
	if (r < 0)
		return r;
	if (c->state == RUN_RUNNING)
		pod_probes_container_started(c);
	return 1;
}

void container_run_release(ContainerRun *c) {
	sources_off(c);
	c->retry_timer = sd_event_source_disable_unref(c->retry_timer);
	pod_hooks_cancel(c);
	pod_probes_free(c);
	container_state_info_clear(&c->terminated);
	container_state_info_clear(&c->prev_terminated);
	free(c->waiting_reason);
	free(c->waiting_message);
	free(c->image_id);
	c->waiting_reason = c->waiting_message = c->image_id = NULL;
}

static int dup_state(ContainerStateInfo *dst, const ContainerStateInfo *src) {
	return container_state_info_copy(dst, src);
}

void container_run_status(const ContainerRun *c, ContainerStatus *s) {
	PodWorker *w = c->pod;
	bool has_init = w->pod->spec.n_init_containers > 0;

	*s = (ContainerStatus){ .spec = c->spec, .known = true };
	s->restart_count = c->restart_count;
	s->image = strdup(strempty(c->spec->image));
	s->image_id = c->image_id ? strdup(c->image_id) : NULL;
	if (c->instances > 0 && asprintf(&s->container_id, "skiff://%s", c->id) < 0)
		s->container_id = NULL;

	/* convertToAPIContainerStatuses' default waiting state, for init containers too, until
	 * the runtime reports the container */
	const char *creating = has_init ? "PodInitializing" : "ContainerCreating";
	switch (c->state) {
	case RUN_NONE:
		s->state.kind = CONTAINER_STATE_WAITING;
		s->state.reason = strdup(c->waiting_reason ? c->waiting_reason : creating);
		s->state.message = c->waiting_message ? strdup(c->waiting_message) : NULL;
		break;
	case RUN_CREATING:
		s->state.kind = CONTAINER_STATE_WAITING;
		s->state.reason = strdup(creating);
		break;
	case RUN_RUNNING:
		s->state.kind = CONTAINER_STATE_RUNNING;
		s->state.started_at = c->started_at;
		s->ready = c->ready;
		s->started = c->started;
		break;
	case RUN_EXITED:
		if (c->waiting_reason) { /* due for a restart: waiting, last state = this end */
			s->state.kind = CONTAINER_STATE_WAITING;
			s->state.reason = strdup(c->waiting_reason);
			s->state.message = c->waiting_message ? strdup(c->waiting_message) : NULL;
			s->has_last_state = dup_state(&s->last_state, &c->terminated) >= 0;
			return;
		}
		(void)dup_state(&s->state, &c->terminated);
		s->restart_count = c->restart_count;
		break;
	}
	/* lastState: the previous instance's end */
	const ContainerStateInfo *last = c->state == RUN_EXITED ? &c->prev_terminated
	                                 : c->terminated.kind == CONTAINER_STATE_TERMINATED
	                                         ? &c->terminated
	                                         : NULL;
	bool have = c->state == RUN_EXITED ? c->has_prev : last != NULL;
	if (have && last)
		s->has_last_state = dup_state(&s->last_state, last) >= 0;
}
