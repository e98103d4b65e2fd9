/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor and the container's child talk over a SOCK_SEQPACKET socketpair in named stages
 * (LXC's START_SYNC_*, crun's sync socket):
 *
 *   parent -> child   SYNC_GO        the child's cgroup is made (v1/hybrid: after clone); with
 *                                    it (SCM_RIGHTS) the files through which the child moves
 *                                    itself there (cgroup_join_open: v1 `tasks`)
 *   child  -> parent  SYNC_ERROR     a setup step failed: stage, errno and "what: why"; the
 *                                    child then _exit()s
 *   (EOF)                            the child's end is O_CLOEXEC: EOF without a message means
 *                                    execve succeeded and the container's process runs
 *
 * Every message has one fixed size and is checked on receipt.
 */
#pragma once

#include <stdint.h>

#include "runtime.h"

typedef enum SyncStage {
	SYNC_STAGE_START,
	SYNC_STAGE_CGROUP,
	SYNC_STAGE_NAMESPACES,
	SYNC_STAGE_ROOTFS,
	SYNC_STAGE_MOUNTS,
	SYNC_STAGE_DEVICES,
	SYNC_STAGE_MASKS,
	SYNC_STAGE_PIVOT_ROOT,
	SYNC_STAGE_PROCESS,  /* hostname, rlimits, oom_score_adj, cwd */
	SYNC_STAGE_SECURITY, /* user, capabilities, no_new_privs, seccomp */
	SYNC_STAGE_EXEC,
	_SYNC_STAGE_MAX,
} SyncStage;

typedef enum SyncKind {
	SYNC_GO = 0x534b4f47,    /* "SKOG" */
	SYNC_ERROR = 0x534b4552, /* "SKER" */
} SyncKind;

typedef struct SyncMessage {
	uint32_t kind;
	uint32_t stage;
	int32_t err;
	char message[RUNTIME_MAX_MESSAGE];
} SyncMessage;

const char *sync_stage_to_string(SyncStage s);

/* Parent: SYNC_GO with n_fds descriptors attached (at most SYNC_MAX_FDS). */
#define SYNC_MAX_FDS 16
int sync_send_go(int fd, const int *fds, size_t n_fds);
/* Child: block until SYNC_GO; the descriptors that came with it (O_CLOEXEC) go to fds (at most
 * max; more is -EBADMSG). -EPIPE when the parent went away. */
int sync_wait_go(int fd, int *fds, size_t max, size_t *ret_n);
/* Child: report a failure (best effort). */
void sync_send_error(int fd, SyncStage stage, const RuntimeError *e);
/* Parent: 0 on EOF (the child exec'd), or the child's -errno with e filled. */
int sync_read_result(int fd, RuntimeError *e, SyncStage *ret_stage);
