/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "fileio.h"
#include "http-listen.h"
#include "macro.h"

#define LISTEN_BACKLOG 128

/* Open the socket's directory, creating it 0700; refuse one others could swap files in. */
static int open_socket_dir(const char *dir) {
	struct stat st;

	if (mkdir(dir, 0700) < 0) {
		if (errno == ENOENT) {
			int r = mkdir_p(dir, 0700);
			if (r < 0)
				return r;
		} else if (errno != EEXIST)
			return -errno;
	}
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return -EPERM;
	return TAKE_FD(fd);
}

static int unix_address(const char *path, struct sockaddr_un *ret, socklen_t *ret_len) {
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(ret->sun_path))
		return -ENAMETOOLONG;
	*ret = (struct sockaddr_un){ .sun_family = AF_UNIX };
	memcpy(ret->sun_path, path, n);
	*ret_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

/* Somebody is serving on the socket file? Only a refused connection means it is stale. */
static int socket_is_live(const struct sockaddr_un *sa, socklen_t len) {
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, len) == 0)
		return 1;
	if (errno == ECONNREFUSED || errno == ENOENT)
		return 0;
	if (errno == EAGAIN) /* backlog full: alive and busy */
		return 1;
	return -errno;
}

static int remove_stale(int dir_fd, const char *name, const struct sockaddr_un *sa, socklen_t len) {
	struct stat st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	int r = socket_is_live(sa, len);
	if (r < 0)
		return r;
	if (r > 0)
		return -EADDRINUSE;
	if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int http_listen_unix(const char *path, int *ret_fd, HttpSocketId *ret_id) {
	struct sockaddr_un sa;
	socklen_t len;
	struct stat st;

	if (!path || path[0] != '/' || !ret_fd || !ret_id)
		return -EINVAL;
	int r = unix_address(path, &sa, &len);
	if (r < 0)
		return r;
	_cleanup_free_ char *d = strdup(path), *b = strdup(path);
	if (!d || !b)
		return -ENOMEM;
	const char *dir = dirname(d), *name = basename(b);
	if (isempty(name) || streq(name, "/") || streq(name, ".") || streq(name, ".."))
		return -EINVAL;

	_cleanup_close_ int dir_fd = open_socket_dir(dir);
	if (dir_fd < 0)
		return dir_fd;
	r = remove_stale(dir_fd, name, &sa, len);
	if (r < 0)
		return r;

	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)&sa, len) < 0)
		return -errno;
	/* bind() honours the umask; the 0700 directory keeps others out until this narrows it. */
	if (fchmodat(dir_fd, name, 0600, 0) < 0 ||
	    fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		r = -errno;
		(void)unlinkat(dir_fd, name, 0);
		return r;
	}
	*ret_id = (HttpSocketId){ .dev = st.st_dev, .ino = st.st_ino, .ctime = st.st_ctim };
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int http_unlink_unix(const char *path, const HttpSocketId *id) {
	struct stat st;

	if (!path || !id)
		return -EINVAL;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode) || st.st_dev != id->dev || st.st_ino != id->ino ||
	    st.st_ctim.tv_sec != id->ctime.tv_sec || st.st_ctim.tv_nsec != id->ctime.tv_nsec)
		return 0; /* a newer agent's socket: not ours to remove */
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 1;
}

static int parse_port(const char *s, uint16_t *ret) {
	if (isempty(s) || strlen(s) > 5)
		return -EINVAL;
	unsigned v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

int http_parse_address(const char *address, struct sockaddr_storage *ret, socklen_t *ret_len) {
	char host[INET6_ADDRSTRLEN + 1];
	const char *port;
	uint16_t p;
	size_t n;

	if (!address || !ret || !ret_len)
		return -EINVAL;
	if (address[0] == '[') {
		const char *end = strchr(address, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		n = (size_t)(end - address - 1);
		port = end + 2;
		if (n == 0 || n >= sizeof(host))
			return -EINVAL;
		memcpy(host, address + 1, n);
	} else {
		const char *colon = strrchr(address, ':');
		if (!colon || memchr(address, ':', (size_t)(colon - address)))
			return -EINVAL; /* IPv6 needs brackets */
		n = (size_t)(colon - address);
		port = colon + 1;
		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, address, n);
	}
	host[n] = '\0';
	if (parse_port(port, &p) < 0)
		return -EINVAL;

	*ret = (struct sockaddr_storage){};
	struct sockaddr_in *in4 = (struct sockaddr_in *)ret;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ret;
	if (address[0] != '[' && (n == 0 || inet_pton(AF_INET, host, &in4->sin_addr) == 1)) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(p);
		if (n == 0)
			in4->sin_addr.s_addr = htonl(INADDR_ANY);
		*ret_len = sizeof(*in4);
		return 0;
	}
	if (address[0] == '[' && inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		*ret_len = sizeof(*in6);
		return 0;
	}
	return -EINVAL;
}

int http_listen_tcp(const char *address, int *ret_fd, int *ret_port) {
	struct sockaddr_storage sa;
	socklen_t len;
	int one = 1;

	int r = http_parse_address(address, &sa, &len);
	if (r < 0)
		return r;
	_cleanup_close_ int fd =
	        socket(sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* A restarted agent must rebind while old connections sit in TIME_WAIT. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, LISTEN_BACKLOG) < 0)
		return -errno;
	len = sizeof(sa);
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -errno;
	*ret_port = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
	                                           : ((struct sockaddr_in *)&sa)->sin_port);
	*ret_fd = TAKE_FD(fd);
	return 0;
}
