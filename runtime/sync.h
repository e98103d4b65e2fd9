/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monitor and the container's child talk over a SOCK_SEQPACKET socketpair in named stages
 * (LXC's START_SYNC_*, crun's sync socket):
 *
 *   parent -> child   SYNC_GO        the child's cgroup is set (v1/hybrid: attached after clone)
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

int sync_send_go(int fd);
/* Child: block until SYNC_GO; -EPIPE when the parent went away. */
int sync_wait_go(int fd);
/* Child: report a failure (best effort). */
void sync_send_error(int fd, SyncStage stage, const RuntimeError *e);
/* Parent: 0 on EOF (the child exec'd), or the child's -errno with e filled. */
int sync_read_result(int fd, RuntimeError *e, SyncStage *ret_stage);
