/* SPDX-License-Identifier: Apache-2.0 */
/* Listening sockets: numeric addresses, the Unix socket's modes and stale-file handling. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cmocka.h>

#include "fileio.h"
#include "macro.h"
#include "http-listen.h"

static void test_parse_address(void **state) {
	struct sockaddr_storage sa;
	socklen_t len;
	char buf[INET6_ADDRSTRLEN];

	assert_int_equal(http_parse_address("127.0.0.1:10255", &sa, &len), 0);
	struct sockaddr_in *in4 = (struct sockaddr_in *)&sa;
	assert_int_equal(sa.ss_family, AF_INET);
	assert_int_equal(len, sizeof(struct sockaddr_in));
	assert_int_equal(ntohs(in4->sin_port), 10255);
	assert_string_equal(inet_ntop(AF_INET, &in4->sin_addr, buf, sizeof(buf)), "127.0.0.1");

	assert_int_equal(http_parse_address(":0", &sa, &len), 0);
	assert_int_equal(in4->sin_addr.s_addr, htonl(INADDR_ANY));
	assert_int_equal(ntohs(in4->sin_port), 0);

	assert_int_equal(http_parse_address("[::1]:65535", &sa, &len), 0);
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sa;
	assert_int_equal(sa.ss_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 65535);
	assert_string_equal(inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf)), "::1");

	const char *bad[] = { "",         "127.0.0.1",    "127.0.0.1:",   "127.0.0.1:65536",
		              "::1:80",   "[::1]80",      "[]:80",        "localhost:80",
		              "1.2.3:80", "127.0.0.1:-1", "127.0.0.1:8a", "[127.0.0.1]:80" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(http_parse_address(bad[i], &sa, &len), -EINVAL);
}

static char *tmpdir(void) {
	char t[] = "/tmp/skiff-listen-XXXXXX";
	assert_non_null(mkdtemp(t));
	return strdup(t);
}

static void test_unix_socket(void **state) {
	_cleanup_free_ char *base = tmpdir(), *dir = NULL, *path = NULL;
	HttpSocketId id, id2;
	struct stat st;
	int fd, fd2;

	assert_true(asprintf(&dir, "%s/run/skiff", base) > 0);
	assert_true(asprintf(&path, "%s/skiff.sock", dir) > 0);

	/* the directory is created 0700, the socket is 0600 */
	assert_int_equal(http_listen_unix(path, &fd, &id), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	/* a live socket is not taken over */
	assert_int_equal(http_listen_unix(path, &fd2, &id2), -EADDRINUSE);

	/* a dead agent's socket is replaced; the old owner then leaves the new one alone */
	close(fd);
	assert_int_equal(http_listen_unix(path, &fd2, &id2), 0);
	assert_int_equal(http_unlink_unix(path, &id), 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(http_unlink_unix(path, &id2), 1);
	assert_int_equal(lstat(path, &st), -1);
	close(fd2);

	/* never a regular file */
	int f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(f >= 0);
	close(f);
	assert_int_equal(http_listen_unix(path, &fd2, &id2), -EEXIST);
	unlink(path);

	/* a directory others may write to is refused */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(http_listen_unix(path, &fd2, &id2), -EPERM);
	assert_int_equal(chmod(dir, 0700), 0);

	/* sun_path bound */
	char longp[200];
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(http_listen_unix(longp, &fd2, &id2), -ENAMETOOLONG);
	assert_int_equal(http_listen_unix("relative.sock", &fd2, &id2), -EINVAL);

	assert_int_equal(rm_rf(base), 0);
}

static void test_tcp(void **state) {
	int fd, port;

	assert_int_equal(http_listen_tcp("127.0.0.1:0", &fd, &port), 0);
	assert_true(port > 0);
	close(fd);
	assert_int_equal(http_listen_tcp("localhost:0", &fd, &port), -EINVAL);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_address),
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_tcp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
