/* SPDX-License-Identifier: Apache-2.0 */
/* Listening sockets for the API server, bound by us and handed to MHD (MHD_OPTION_LISTEN_SOCKET).
 */
#pragma once

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

/* Which file we bound: inode numbers come back at once on tmpfs, so the ctime counts too. */
typedef struct HttpSocketId {
	dev_t dev;
	ino_t ino;
	struct timespec ctime;
} HttpSocketId;

/*
 * A listening Unix stream socket at path (non-blocking, close-on-exec), mode 0600. The parent
 * directory is created 0700 when missing; an existing one must be owned by us and not writable
 * by group or others (-EPERM). An existing socket file nobody answers on is replaced; one that
 * answers gives -EADDRINUSE; a file that is not a socket is left alone (-EEXIST). *ret_id
 * identifies the socket file for http_unlink_unix().
 */
int http_listen_unix(const char *path, int *ret_fd, HttpSocketId *ret_id);
/* Remove the socket file if it is still the one we bound. */
int http_unlink_unix(const char *path, const HttpSocketId *id);

/*
 * Parse a numeric "host:port" ("127.0.0.1:10255", "[::1]:10255", ":10255" for all IPv4
 * addresses). No name resolution: that would start libc resolver work on the loop. Pure.
 */
int http_parse_address(const char *address, struct sockaddr_storage *ret, socklen_t *ret_len);
/* A listening TCP socket on address; *ret_port is the bound port (for port 0). */
int http_listen_tcp(const char *address, int *ret_fd, int *ret_port);
