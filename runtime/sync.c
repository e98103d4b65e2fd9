/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <sys/socket.h>

#include "sync.h"
#include "util.h"

static const char *const stage_names[_SYNC_STAGE_MAX] = {
	[SYNC_STAGE_START] = "start",
	[SYNC_STAGE_CGROUP] = "cgroup",
	[SYNC_STAGE_NAMESPACES] = "namespaces",
	[SYNC_STAGE_ROOTFS] = "rootfs",
	[SYNC_STAGE_MOUNTS] = "mounts",
	[SYNC_STAGE_DEVICES] = "devices",
	[SYNC_STAGE_MASKS] = "masked paths",
	[SYNC_STAGE_PIVOT_ROOT] = "pivot_root",
	[SYNC_STAGE_PROCESS] = "process",
	[SYNC_STAGE_SECURITY] = "security",
	[SYNC_STAGE_EXEC] = "exec",
};

const char *sync_stage_to_string(SyncStage s) {
	return s < _SYNC_STAGE_MAX ? stage_names[s] : "unknown";
}

int sync_send_go(int fd) {
	SyncMessage m = { .kind = SYNC_GO };
	ssize_t n = send(fd, &m, sizeof(m), MSG_NOSIGNAL);
	if (n < 0)
		return negative_errno();
	return n == sizeof(m) ? 0 : -EIO;
}

int sync_wait_go(int fd) {
	SyncMessage m;
	for (;;) {
		ssize_t n = recv(fd, &m, sizeof(m), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		if (n == 0)
			return -EPIPE;
		if (n != sizeof(m) || m.kind != SYNC_GO)
			return -EBADMSG;
		return 0;
	}
}

void sync_send_error(int fd, SyncStage stage, const RuntimeError *e) {
	SyncMessage m = {
		.kind = SYNC_ERROR,
		.stage = stage,
		.err = e->err > 0 ? e->err : EIO,
	};
	memcpy(m.message, e->message, sizeof(m.message));
	m.message[sizeof(m.message) - 1] = 0;
	(void)send(fd, &m, sizeof(m), MSG_NOSIGNAL);
}

int sync_read_result(int fd, RuntimeError *e, SyncStage *ret_stage) {
	SyncMessage m;
	for (;;) {
		ssize_t n = recv(fd, &m, sizeof(m), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return runtime_error(e, errno, "reading the container's start-up result");
		if (n == 0)
			return 0;
		if (n != sizeof(m) || m.kind != SYNC_ERROR || m.stage >= _SYNC_STAGE_MAX ||
		    m.err <= 0 || m.err > 4095)
			return runtime_error(e, EBADMSG, "malformed message from the container");
		m.message[sizeof(m.message) - 1] = 0;
		e->err = m.err;
		snprintf(e->message, sizeof(e->message), "%s", m.message);
		if (ret_stage)
			*ret_stage = m.stage;
		return -m.err;
	}
}
