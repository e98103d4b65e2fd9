/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building a container: what the monitor prepares before clone (ContainerBuild) and the steps
 * its child runs, one file per kernel concern. Child-side functions run in the fresh child of
 * clone3 (no threads, no allocation-heavy work), fill a RuntimeError and return -errno; the
 * child reports the first failure over the sync socket and exits.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime.h"
#include "seccomp-filter.h"
#include "sync.h"

#define CONTAINER_MAX_CGROUP_MOUNTS 16

/* A cgroup hierarchy of the host to mount again inside the container's cgroup namespace. */
typedef struct CgroupMount {
	char name[64];    /* directory under /sys/fs/cgroup, "" for the top (pure v2) */
	char fstype[8];   /* "cgroup" or "cgroup2" */
	char options[96]; /* "memory", "none,name=systemd" ... */
} CgroupMount;

typedef struct ContainerBuild {
	const ContainerConfig *config;
	const char *dir;
	char *rootfs_mountpoint; /* DIR/rootfs */
	int sync_fd;             /* the child's end */
	SeccompFilter seccomp;
	uint64_t cap_bounding;      /* what stays in the bounding set */
	unsigned cap_last;          /* /proc/sys/kernel/cap_last_cap */
	int stdio[3];               /* dup2'ed onto 0, 1, 2 in the child; -1 = keep */
	bool wait_for_cgroup;       /* v1/hybrid: the parent makes the cgroup after clone, the
	                               child then moves itself in (SYNC_GO) */
	bool join_unified;          /* no CLONE_INTO_CGROUP: the child joins cgroup2 by "0" too */
	int ns_fds[_NAMESPACE_MAX]; /* namespaces to join (opened by the parent) */
	CgroupMount cgroup_mounts[CONTAINER_MAX_CGROUP_MOUNTS];
	size_t n_cgroup_mounts;
	bool cgroup_v1_layout; /* a tmpfs at /sys/fs/cgroup with one mount per hierarchy */
	int64_t trace_t0;      /* SKIFF_MONITOR_TRACE: phase timing base, 0 = off */
	bool cgroup_created;   /* out: container_spawn made the cgroup (the caller removes it) */
	int device_prog_fd;    /* the device program, loaded before clone */
	/* Called once the child is on its way (its cgroup set), while it finishes its set-up:
	 * what the caller would do anyway right after execve is done in that time. */
	int (*on_released)(void *userdata, pid_t pid, RuntimeError *e);
	void *userdata;
} ContainerBuild;

/* The child's whole life: set everything up and execve, or report and _exit. */
_noreturn_ void container_child_main(ContainerBuild *b);

/* namespaces.c */
int namespaces_open(const ContainerConfig *c, int fds[_NAMESPACE_MAX], RuntimeError *e);
void namespaces_close(int fds[_NAMESPACE_MAX]);
uint64_t namespaces_clone_flags(const ContainerConfig *c); /* CLONE_NEW* created by clone */
int namespaces_join_pid(const int fds[_NAMESPACE_MAX], RuntimeError *e); /* parent, pre-clone */
int namespaces_join(const ContainerBuild *b, RuntimeError *e);           /* child */
/* Child, once in its cgroup: a cgroup namespace of its own (its root is where we are). */
int namespaces_unshare_cgroup(const ContainerBuild *b, RuntimeError *e);

/* rootfs.c: the container's root, from mount propagation to pivot_root. */
int rootfs_mount(const ContainerBuild *b, int *ret_rootfd, RuntimeError *e);
int rootfs_pivot(const ContainerBuild *b, int rootfd, RuntimeError *e);

/* mounts.c */
int mounts_defaults(const ContainerBuild *b, int rootfd, RuntimeError *e); /* all but cgroup */
int mounts_cgroup(const ContainerBuild *b, int rootfd, RuntimeError *e);   /* /sys/fs/cgroup */
int mounts_user(const ContainerBuild *b, int rootfd, RuntimeError *e);
int mounts_masks(const ContainerBuild *b, int rootfd, RuntimeError *e);
/* Resolve path inside rootfd (openat2 RESOLVE_* flags: symlinks stay inside, or none at all),
 * creating what is missing (a directory, or an empty file when !dir); an O_PATH fd of it. */
int mount_target(int rootfd, const char *path, bool dir, uint64_t resolve, int *ret_fd,
                 RuntimeError *e);
int mkdir_beneath(int rootfd, const char *path, RuntimeError *e);
int cgroup_mounts_discover(ContainerBuild *b, RuntimeError *e); /* parent */

/* devices.c: /dev inside the container. */
int devices_setup(const ContainerBuild *b, int devfd, RuntimeError *e);

/* device-cgroup.c: which devices the container may open (eBPF on the cgroup2 directory).
 * Loaded before clone (no cgroup needed), attached once the cgroup exists; -EBADF: none. */
int device_program_load(const ContainerConfig *c, int *ret_fd, RuntimeError *e);
int device_program_attach(const ContainerConfig *c, int prog_fd, RuntimeError *e);

/* user.c: identity and process attributes. */
int process_setup(const ContainerBuild *b, RuntimeError *e);
int user_switch(const ContainerConfig *c, RuntimeError *e);

/* capabilities.c */
int capabilities_drop_bounding(uint64_t keep, unsigned cap_last, RuntimeError *e);
int capabilities_apply(const ContainerConfig *c, unsigned cap_last, RuntimeError *e);
uint64_t capabilities_effective_bounding(const ContainerConfig *c, unsigned cap_last);
int capabilities_last_cap(unsigned *ret);

/* security: user, capabilities, no_new_privs and seccomp in runc's order (container.c). */
int security_apply(const ContainerBuild *b, RuntimeError *e);

/* Look argv[0] up in the PATH of env and execve it; returns only on failure. Shared with exec. */
int exec_command(char **argv, char **env, RuntimeError *e);

/* spawn.c: the parent's side. */
typedef struct ContainerProcess {
	pid_t pid;
	int pidfd;
} ContainerProcess;

int container_build_init(ContainerBuild *b, const ContainerConfig *c, const char *dir,
                         RuntimeError *e);
void container_build_done(ContainerBuild *b);
/* Create the container's cgroup (limits, device program), clone the child into it (cgroup2:
 * CLONE_INTO_CGROUP; v1: the child moves itself in), wait for execve. */
int container_spawn(ContainerBuild *b, ContainerProcess *ret, RuntimeError *e);
