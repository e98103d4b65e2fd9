/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

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

int sync_send_go(int fd, const int *fds, size_t n_fds) {
	SyncMessage m = { .kind = SYNC_GO };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
	} control = {};
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n_fds > SYNC_MAX_FDS)
		return -E2BIG;
	if (n_fds > 0) {
		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
	}
	ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	if (n < 0)
		return negative_errno();
	return n == sizeof(m) ? 0 : -EIO;
}

/* Take the descriptors of an SCM_RIGHTS message; what does not fit is closed. */
static int take_fds(struct msghdr *mh, int *fds, size_t max, size_t *ret_n) {
	int r = (mh->msg_flags & MSG_CTRUNC) ? -EBADMSG : 0;

	*ret_n = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int k;
			memcpy(&k, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*ret_n < max)
				fds[(*ret_n)++] = k;
			else {
				close(k);
				r = -EBADMSG;
			}
		}
	}
	return r;
}

int sync_wait_go(int fd, int *fds, size_t max, size_t *ret_n) {
	SyncMessage m;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
	} control;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };

	*ret_n = 0;
	for (;;) {
		struct msghdr mh = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		int r = take_fds(&mh, fds, max, ret_n);
		if (r >= 0 && n == 0)
			r = -EPIPE;
		if (r >= 0 && (n != sizeof(m) || m.kind != SYNC_GO))
			r = -EBADMSG;
		if (r < 0) {
			for (size_t i = 0; i < *ret_n; i++)
				close(fds[i]);
			*ret_n = 0;
		}
		return r;
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
