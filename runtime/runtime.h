/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runtime/: skiff's container runtime, the face the agent drives.
 *
 * The runtime knows nothing of Kubernetes. The agent fills a ContainerConfig (the way the kubelet
 * fills a CRI ContainerConfig and containerd an OCI spec), writes it to DIR/config.json and asks
 * for a monitor. A monitor (`skiff-monitor`, a small static binary spawned with posix_spawn) is
 * one fresh single-threaded process per container: it builds the container, is its parent, pumps
 * its stdout/stderr into the CRI log, and on exit writes DIR/exit.json. The agent may stop, crash
 * or be upgraded meanwhile: it re-reads DIR/state.json and re-adopts the monitor by pid and
 * start time (conmon's role for podman, the shim's for containerd).
 *
 * Directory of a container (DIR, chosen by the agent, e.g. /run/skiff/containers/<id>):
 *   config.json   written by the agent (container_config_write)
 *   state.json    written by the monitor once the container runs (ContainerState)
 *   exit.json     written by the monitor when it is over (ExitRecord)
 *   rootfs/       the (empty, host-side) mount point of the container's root file system
 * Records are written to a temporary name and renamed: a crash never leaves half a record.
 *
 * Directory of a sandbox (pod-level namespaces, see SandboxConfig): ns/{net,ipc,uts,pid} (bind
 * mounts of the namespace files), shm/ (the pod's /dev/shm tmpfs), sandbox.json,
 * sandbox-state.json, sandbox-error (a failed helper's report).
 *
 * All functions return >= 0 on success or -errno. Library code never logs: where a human must
 * read the cause, a RuntimeError carries a message.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroups/cgroups.h"
#include "diag.h"

/* Bounds on what a config may hold (checked on write and on read). */
#define RUNTIME_CONFIG_MAX_BYTES (4u * 1024 * 1024)
#define RUNTIME_MAX_ARGS 4096
#define RUNTIME_MAX_ENV 16384
#define RUNTIME_MAX_STRING (128u * 1024)
#define RUNTIME_MAX_PATH 4096
#define RUNTIME_MAX_LOWER_DIRS 128
#define RUNTIME_MAX_MOUNTS 512
#define RUNTIME_MAX_GIDS 1024
#define RUNTIME_MAX_PATH_LIST 256 /* masked / read-only paths */
#define RUNTIME_MAX_RLIMITS 32
#define RUNTIME_MAX_MESSAGE 512 /* StartError messages, RuntimeError */
#define RUNTIME_CAP_LAST 40     /* CAP_CHECKPOINT_RESTORE; newer kernel bits are dropped */

/* Default CRI log line cut (containerd's max_container_log_line_size) and rotation
 * (kubelet's containerLogMaxSize / containerLogMaxFiles). */
#define RUNTIME_LOG_MAX_LINE_DEFAULT 16384
#define RUNTIME_LOG_MAX_SIZE_DEFAULT (10u * 1024 * 1024)
#define RUNTIME_LOG_MAX_FILES_DEFAULT 5

typedef struct RuntimeError {
	int err; /* positive errno, 0 = none */
	char message[RUNTIME_MAX_MESSAGE];
} RuntimeError;

/* ---------------------------------------------------------------------------------------------
 * Container configuration
 */

typedef enum NamespaceType {
	NAMESPACE_MOUNT,
	NAMESPACE_PID,
	NAMESPACE_NET,
	NAMESPACE_IPC,
	NAMESPACE_UTS,
	NAMESPACE_CGROUP,
	_NAMESPACE_MAX,
} NamespaceType;

typedef enum NamespaceMode {
	NAMESPACE_MODE_HOST, /* stay in the monitor's (hostNetwork, hostPID, hostIPC) */
	NAMESPACE_MODE_NEW,  /* a fresh one for this container */
	NAMESPACE_MODE_JOIN, /* setns to path (the pod's, from a sandbox) */
} NamespaceMode;

typedef struct NamespaceSpec {
	NamespaceMode mode;
	char *path; /* JOIN only */
} NamespaceSpec;

typedef enum MountType {
	MOUNT_BIND,
	MOUNT_TMPFS,
} MountType;

/* Kubernetes mountPropagation: None -> private, HostToContainer -> rslave,
 * Bidirectional -> rshared (which also makes the container's root rshared, as runc does). */
typedef enum MountPropagation {
	PROPAGATION_PRIVATE,
	PROPAGATION_RSLAVE,
	PROPAGATION_RSHARED,
} MountPropagation;

typedef struct MountSpec {
	char *destination; /* absolute, inside the container */
	MountType type;
	char *source;   /* BIND: host path (file or directory) */
	char *sub_path; /* BIND: relative path beneath source; resolved without leaving source
	                   (no "..", no symlink out of it), then the resolved object is mounted */
	bool read_only;
	bool recursive; /* BIND: rbind (default) */
	bool nosuid, nodev, noexec;
	MountPropagation propagation;
	uint64_t size; /* TMPFS: bytes, 0 = kernel default */
	uint32_t mode; /* TMPFS: 0 = 01777 */
} MountSpec;

typedef enum RuntimeSeccomp {
	RUNTIME_SECCOMP_DEFAULT, /* containerd's default profile */
	RUNTIME_SECCOMP_UNCONFINED,
	RUNTIME_SECCOMP_LOCALHOST, /* an OCI/Docker JSON profile at seccomp_profile_path */
} RuntimeSeccomp;

typedef struct RlimitSpec {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
} RlimitSpec;

typedef struct ContainerConfig {
	char *id;

	/* Root file system: overlay of lower_dirs (top first) under upper_dir/work_dir; without
	 * an upper dir a tmpfs inside the container's mount namespace holds the upper layer. */
	char **lower_dirs;
	char *upper_dir;
	char *work_dir;
	bool read_only_root; /* readOnlyRootFilesystem */

	/* Process */
	char **argv; /* argv[0] is looked up in the container's PATH when it has no '/' */
	char **env;  /* "K=V" */
	char *cwd;   /* created if missing, as runc does */
	uid_t uid;
	gid_t gid;
	gid_t *additional_gids;
	size_t n_additional_gids;
	char *hostname; /* needs a NEW uts namespace */

	NamespaceSpec namespaces[_NAMESPACE_MAX];

	/* cgroup: the monitor creates cgroup_path (absolute from each hierarchy root, e.g.
	 * "kubepods/burstable/pod<uid>/<id>") with these limits, puts the container in it and
	 * removes it when the container is over. NULL = no cgroup of its own. */
	char *cgroup_path;
	CgroupLimits cgroup_limits;
	/* The monitor's own cgroup (same path form; JSON cgroup.monitorPath), made beforehand by
	 * the caller in every hierarchy (cgroup_create). Once the monitor reported "started" it
	 * moves itself there, in each v1 hierarchy (name=systemd's too) and the unified one, so it
	 * leaves the caller's cgroup (a systemd unit's: `systemctl kill`, KillMode) and outlives
	 * it. Not the container's cgroup nor one inside it, or the other way round. A failure
	 * does not stop the container: state.json then says why (monitorCgroupError). NULL: the
	 * monitor stays where it was started. */
	char *monitor_cgroup;

	MountSpec *mounts; /* after the default ones (/proc, /dev, /sys ...); a mount on
	                      /dev/shm replaces the container's own */
	size_t n_mounts;

	/* Capability sets as bit masks (1ULL << CAP_*); inheritable is always empty (containerd
	 * after CVE-2022-24769). */
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_ambient;
	bool privileged; /* all capabilities, no seccomp, no masks, /sys rw, all host devices */
	bool no_new_privileges;
	RuntimeSeccomp seccomp;
	char *seccomp_profile_path; /* LOCALHOST */
	char *seccomp_cache_dir;    /* compiled filters by hash; NULL = no cache */

	char **masked_paths;   /* procMount Unmasked: empty */
	char **readonly_paths; /* procMount Unmasked: empty */

	bool have_oom_score_adj;
	int oom_score_adj;
	RlimitSpec *rlimits;
	size_t n_rlimits;

	/* CRI log (kubelet's /var/log/pods/<ns>_<pod>_<uid>/<container>/<restart>.log); NULL =
	 * none. The monitor rotates it itself at log_max_size keeping log_max_files files in all.
	 */
	char *log_path;
	uint64_t log_max_size; /* 0 = never rotate */
	uint32_t log_max_files;
	uint32_t log_max_line;

	char *exit_record_path; /* NULL = DIR/exit.json */
} ContainerConfig;

/* containerd's defaults: new mount/pid/net/ipc/uts/cgroup namespaces, its 14 capabilities
 * (bounding = effective = permitted), RuntimeDefault seccomp, the masked and read-only path
 * lists of Kubernetes' DefaultProcMount, cwd "/", PATH in env, RLIMIT_NOFILE untouched. */
int container_config_init(ContainerConfig *c);
void container_config_done(ContainerConfig *c);

/* What containerd puts in a default spec (for the agent and for tests). */
uint64_t runtime_default_capabilities(void);
const char *const *runtime_default_masked_paths(void);
const char *const *runtime_default_readonly_paths(void);

/* Makes the config privileged the way Kubernetes defines it: every capability, Unconfined
 * seccomp, no masked or read-only paths. */
void container_config_set_privileged(ContainerConfig *c);

/* Check a config (bounds, absolute paths, consistent namespaces). Every problem goes to diag. */
int container_config_validate(const ContainerConfig *c, Diag *diag);

/* JSON (json-c). from_json starts from container_config_init() defaults: a missing key keeps
 * its default, a present one replaces it. Bounded: see RUNTIME_MAX_*. */
int container_config_to_json(const ContainerConfig *c, char **ret);
int container_config_from_json(const char *json, size_t len, ContainerConfig *ret, Diag *diag);
/* DIR/config.json, written atomically; load also validates. */
int container_config_write(const ContainerConfig *c, const char *dir);
int container_config_load(const char *dir, ContainerConfig *ret, Diag *diag);

/* Capability names ("CAP_CHOWN" or "CHOWN", any case) <-> bits. */
int capability_from_name(const char *name);
const char *capability_to_name(int cap);

/* ---------------------------------------------------------------------------------------------
 * Records written by the monitor
 */

typedef struct ContainerState {
	char *id;
	pid_t monitor_pid;
	uint64_t monitor_start_time; /* /proc/PID/stat field 22, clock ticks since boot */
	pid_t pid;                   /* the container's init, in the monitor's pid namespace */
	uint64_t start_time;
	int64_t started_at; /* CLOCK_REALTIME, ns: once the child is released, ~1 ms before execve
	                     */
	char *cgroup_path;
	/* Set (and state.json written again) when the monitor could not move into
	 * ContainerConfig.monitor_cgroup; it then stays in its starter's cgroup. */
	char *monitor_cgroup_error;
} ContainerState;

typedef enum ExitReason {
	EXIT_REASON_COMPLETED,
	EXIT_REASON_ERROR,
	EXIT_REASON_OOM_KILLED,
	EXIT_REASON_START_ERROR,
	_EXIT_REASON_MAX,
} ExitReason;

typedef struct ExitRecord {
	int exit_code; /* 128 + signal when killed; 128 for StartError */
	int signal;    /* 0 unless killed by a signal */
	bool oom_killed;
	ExitReason reason;
	char *message; /* StartError: what failed, e.g. "mount /proc: Operation not permitted" */
	int64_t started_at, finished_at; /* ns; started_at 0 when it never started */
} ExitRecord;

/* containerd's CRI: OOMKilled when the container's cgroup saw an OOM kill, else Completed for
 * exit code 0, Error otherwise; StartError when the process never ran. */
ExitReason exit_reason_derive(bool started, int exit_code, bool oom_killed);
const char *exit_reason_to_string(ExitReason r);
int exit_reason_from_string(const char *s);

void container_state_done(ContainerState *s);
void exit_record_done(ExitRecord *e);
int container_state_to_json(const ContainerState *s, char **ret);
int container_state_from_json(const char *json, size_t len, ContainerState *ret);
int exit_record_to_json(const ExitRecord *e, char **ret);
int exit_record_from_json(const char *json, size_t len, ExitRecord *ret);
/* DIR/state.json, DIR/exit.json (-ENOENT while absent). */
int container_state_read(const char *dir, ContainerState *ret);
int exit_record_read(const char *path, ExitRecord *ret);
int runtime_exit_record_path(const char *dir, const ContainerConfig *c, char **ret);

/* ---------------------------------------------------------------------------------------------
 * Driving monitors (the agent's side)
 */

/* The monitor binary: $SKIFF_MONITOR, else skiff-monitor next to the running binary, else
 * SKIFF_LIBEXECDIR/skiff-monitor, else the build tree's. */
int runtime_monitor_path(char **ret);

typedef struct RuntimeMonitor {
	pid_t pid;     /* the monitor, a child of the caller (reap it: pidfd / waitid) */
	int pidfd;     /* for sd_event_add_child_pidfd */
	int notify_fd; /* readable once: "started <pid>" or "error <errno> <message>", then EOF */
} RuntimeMonitor;

void runtime_monitor_close(RuntimeMonitor *m);

/* Spawn `skiff-monitor start DIR` (posix_spawn; DIR/config.json must exist). The monitor
 * detaches (setsid) and outlives the caller. Returns at once: watch notify_fd. */
int runtime_container_spawn(const char *dir, RuntimeMonitor *ret);
/* Parse a notify message: >= 0 (the container's pid) or -errno with the message. Pure. */
int runtime_notify_parse(const char *text, size_t len, pid_t *ret_pid, RuntimeError *error);
/* Read notify_fd to the end (blocking) and parse it. */
int runtime_notify_read(int notify_fd, pid_t *ret_pid, RuntimeError *error);
/* spawn + notify_read: returns when the container runs or failed to start. */
int runtime_container_start(const char *dir, RuntimeMonitor *ret, pid_t *ret_pid,
                            RuntimeError *error);

/* A pidfd of the live monitor of DIR, checked against its recorded start time (re-adoption
 * after an agent restart): -ESRCH when it is gone, -ENOENT without state. */
int runtime_monitor_open(const char *dir, int *ret_pidfd);
/* Send sig to the container's init through a pidfd checked against its start time (never a
 * recycled pid): -ESRCH when it is gone. */
int runtime_container_signal(const char *dir, int sig);
/* After the monitor is gone: kill what is left in the container's cgroup, remove the cgroup,
 * and DIR. -EBUSY while the monitor still runs. */
int runtime_container_remove(const char *dir);

/* ---------------------------------------------------------------------------------------------
 * Exec: `skiff-monitor exec DIR [--timeout MS] -- argv...` joins a running container
 */

#define RUNTIME_EXEC_TIMEOUT_STATUS 124 /* the monitor's exit status when the timeout hit */

typedef struct ExecOptions {
	char **argv;
	char **env;                         /* extra "K=V" on top of the container's; may be NULL */
	uint64_t timeout_ms;                /* 0 = none */
	int stdin_fd, stdout_fd, stderr_fd; /* -1 = /dev/null */
} ExecOptions;

/* Spawn the exec monitor; its exit status is the command's (128 + signal when killed,
 * RUNTIME_EXEC_TIMEOUT_STATUS on timeout, 126/127 when it could not run). */
int runtime_exec_spawn(const char *dir, const ExecOptions *o, pid_t *ret_pid, int *ret_pidfd);

/* ---------------------------------------------------------------------------------------------
 * Sandboxes: pod-level namespaces held by bind mounts, no pause process
 */

typedef struct SandboxConfig {
	char *hostname;
	bool new_net, new_ipc, new_uts; /* false: hostNetwork / hostIPC */
	bool share_pid;                 /* shareProcessNamespace: a tiny pod init holds it */
	uint64_t shm_size;              /* 0 = 64 MiB (containerd's default) */
	char *cgroup_path;              /* the pod cgroup, for the pod init; may be NULL */
} SandboxConfig;

int sandbox_config_init(SandboxConfig *c);
void sandbox_config_done(SandboxConfig *c);
int sandbox_config_to_json(const SandboxConfig *c, char **ret);
int sandbox_config_from_json(const char *json, size_t len, SandboxConfig *ret, Diag *diag);

/* Create: writes DIR/sandbox.json and runs `skiff-monitor sandbox-create DIR`; destroy
 * (idempotent): `skiff-monitor sandbox-destroy DIR`, which removes DIR.
 *
 * Asynchronous (the agent's loop, ~3 ms of helper per pod): *_spawn start the helper with
 * posix_spawn and return at once with its pid and a pidfd (for sd_event_add_child_pidfd; reap
 * it). When it ended, runtime_sandbox_result() says how: status is its end as waitid reported
 * it, folded the usual way (si_code == CLD_EXITED ? si_status : 128 + si_status); 0 means
 * done, else -errno with the helper's message (it leaves "error <errno> <message>" in
 * DIR/sandbox-error; a spawn removes one left by an earlier attempt), or a generic one when
 * there is none (killed, or it could not write it). A failed create leaves DIR with its
 * mounts undone; destroy it like a created one. Destroy of a missing DIR succeeds. */
#define RUNTIME_SANDBOX_ERROR_FILE "sandbox-error"
int runtime_sandbox_spawn(const char *dir, const SandboxConfig *c, pid_t *ret_pid, int *ret_pidfd);
int runtime_sandbox_destroy_spawn(const char *dir, pid_t *ret_pid, int *ret_pidfd);
int runtime_sandbox_result(const char *dir, int status, RuntimeError *error);
/* Blocking: spawn, wait, result (the CLI, tests). */
int runtime_sandbox_create(const char *dir, const SandboxConfig *c, RuntimeError *error);
int runtime_sandbox_destroy(const char *dir, RuntimeError *error);
/* DIR/ns/<net|ipc|uts|pid>, for ContainerConfig.namespaces[].path; DIR/shm for /dev/shm. */
int runtime_sandbox_ns_path(const char *dir, NamespaceType type, char **ret);
int runtime_sandbox_shm_path(const char *dir, char **ret);

/* ---------------------------------------------------------------------------------------------
 * Small pure helpers shared with the monitor
 */

/* RFC 3339 with nanoseconds, UTC, trailing zeros trimmed like Go's time.RFC3339Nano. */
#define RUNTIME_TIMESTAMP_MAX 40
int runtime_format_timestamp(int64_t ns, char buf[static RUNTIME_TIMESTAMP_MAX]);
typedef struct RuntimeCivilTime {
	int year, month, day, hour, minute, second;
	long nanosecond;
} RuntimeCivilTime;
void runtime_civil_from_ns(int64_t ns, RuntimeCivilTime *ret); /* UTC */
int64_t runtime_now_ns(void);

const char *namespace_type_to_string(NamespaceType t); /* OCI names: "mount", "pid", "network" */
int namespace_type_from_string(const char *s);
