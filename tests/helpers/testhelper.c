/* SPDX-License-Identifier: Apache-2.0 */
/*
 * skiff-testhelper: a tiny static program the integration tests run inside containers (crun's
 * tests/init.c in spirit). One command per invocation; output is "key: value" lines that the
 * shell tests grep.
 *
 *   exit N                      exit with status N
 *   sleep SECONDS               sleep (fractions allowed)
 *   id                          uid, gid, groups
 *   caps                        CapInh/CapPrm/CapEff/CapBnd/CapAmb, NoNewPrivs, Seccomp
 *   hostname                    the uts hostname
 *   mounts                      /proc/self/mountinfo
 *   cgroup                      /proc/self/cgroup
 *   pid                         pid and ppid
 *   memhog MIB                  allocate and touch MIB mebibytes, then sleep
 *   forkbomb N                  try to fork N children (they sleep), report how many worked
 *   try unshare|mount|keyctl|ptrace PID|sysrq|chroot|mknod PATH
 *                               attempt the operation, print "<op>: ok" or "<op>: <ERRNO>"
 *   read PATH / write PATH TEXT print a file / write text to it (errors as with try)
 *   print stdout|stderr N TEXT  print N lines "TEXT i"
 *   printraw TEXT               print TEXT to stdout without newline
 *   longline N                  print one line of N 'x' and a newline
 *   http PORT                   answer every HTTP request on 127.0.0.1:PORT with 200 "ok"
 *   env                         the environment
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int e) {
	switch (e) {
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case ESRCH:
		return "ESRCH";
	case EACCES:
		return "EACCES";
	case EROFS:
		return "EROFS";
	case EINVAL:
		return "EINVAL";
	case ENOSYS:
		return "ENOSYS";
	case EAGAIN:
		return "EAGAIN";
	case EXDEV:
		return "EXDEV";
	case ENOTDIR:
		return "ENOTDIR";
	case EBUSY:
		return "EBUSY";
	default:
		return "EOTHER";
	}
}

static int report(const char *op, int r) {
	if (r < 0)
		printf("%s: %s (%d)\n", op, errname(errno), errno);
	else
		printf("%s: ok\n", op);
	return 0;
}

static int cat(const char *path) {
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report(path, -1), 1;
	for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return 0;
}

static int grep_status(const char *const keys[]) {
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f))
		for (int i = 0; keys[i]; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0 &&
			    line[strlen(keys[i])] == ':')
				fputs(line, stdout);
	fclose(f);
	return 0;
}

static int cmd_sleep(const char *s) {
	double d = atof(s);
	struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

static int cmd_id(void) {
	gid_t groups[256];
	int n = getgroups(256, groups);
	printf("uid: %u\ngid: %u\ngroups:", (unsigned)getuid(), (unsigned)getgid());
	for (int i = 0; i < n; i++)
		printf(" %u", (unsigned)groups[i]);
	printf("\n");
	return 0;
}

static int cmd_memhog(const char *mib) {
	size_t n = (size_t)atol(mib) << 20;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return report("mmap", -1), 1;
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	printf("memhog: touched %s MiB\n", mib);
	fflush(stdout);
	pause();
	return 0;
}

static int cmd_forkbomb(const char *count) {
	int n = atoi(count), ok = 0, err = 0;
	for (int i = 0; i < n; i++) {
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			err = errno;
			break;
		}
		ok++;
	}
	printf("forked: %d\nfork error: %s\n", ok, err ? errname(err) : "none");
	fflush(stdout);
	kill(0, SIGKILL);
	return 0;
}

static int cmd_try(int argc, char **argv) {
	const char *op = argv[0];
	if (!strcmp(op, "unshare"))
		return report(op, unshare(CLONE_NEWNS | CLONE_NEWUSER));
	if (!strcmp(op, "unshare-ns"))
		return report(op, unshare(CLONE_NEWNS));
	if (!strcmp(op, "mount"))
		return report(op, mount("tmpfs", "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(op, "keyctl"))
		return report(op, (int)syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL));
	if (!strcmp(op, "ptrace") && argc > 1)
		return report(op, (int)ptrace(PTRACE_ATTACH, atoi(argv[1]), NULL, NULL));
	if (!strcmp(op, "sysrq")) {
		int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return report(op, -1);
		int r = write(fd, "h", 1) == 1 ? 0 : -1;
		close(fd);
		return report(op, r);
	}
	if (!strcmp(op, "chroot"))
		return report(op, chroot("/"));
	if (!strcmp(op, "mknod") && argc > 1)
		return report(op, mknod(argv[1], S_IFBLK | 0600, makedev(8, 0)));
	if (!strcmp(op, "open") && argc > 1) {
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		return report(op, fd);
	}
	fprintf(stderr, "unknown try %s\n", op);
	return 2;
}

static int cmd_write(const char *path, const char *text) {
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return report("write", -1);
	int r = write(fd, text, strlen(text)) < 0 ? -1 : 0;
	close(fd);
	return report("write", r);
}

static int cmd_print(const char *stream, const char *count, const char *text) {
	FILE *f = strcmp(stream, "stderr") ? stdout : stderr;
	for (int i = 0, n = atoi(count); i < n; i++)
		fprintf(f, "%s %d\n", text, i);
	return 0;
}

static int cmd_http(const char *port) {
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 16) < 0)
		return report("http", -1), 1;
	printf("http: listening on %s\n", port);
	fflush(stdout);
	for (;;) {
		char buf[2048];
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		(void)!read(c, buf, sizeof(buf));
		static const char resp[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
		(void)!write(c, resp, sizeof(resp) - 1);
		close(c);
	}
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: skiff-testhelper COMMAND [ARGS]\n");
		return 2;
	}
	const char *c = argv[1];
	if (!strcmp(c, "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(c, "sleep") && argc > 2)
		return cmd_sleep(argv[2]);
	if (!strcmp(c, "id"))
		return cmd_id();
	if (!strcmp(c, "caps")) {
		static const char *const keys[] = { "CapInh", "CapPrm",     "CapEff",  "CapBnd",
			                            "CapAmb", "NoNewPrivs", "Seccomp", NULL };
		return grep_status(keys);
	}
	if (!strcmp(c, "hostname")) {
		char h[256] = "";
		gethostname(h, sizeof(h) - 1);
		printf("hostname: %s\n", h);
		return 0;
	}
	if (!strcmp(c, "mounts"))
		return cat("/proc/self/mountinfo");
	if (!strcmp(c, "cgroup"))
		return cat("/proc/self/cgroup");
	if (!strcmp(c, "pid"))
		return printf("pid: %d\nppid: %d\n", (int)getpid(), (int)getppid()) < 0;
	if (!strcmp(c, "memhog") && argc > 2)
		return cmd_memhog(argv[2]);
	if (!strcmp(c, "forkbomb") && argc > 2)
		return cmd_forkbomb(argv[2]);
	if (!strcmp(c, "try") && argc > 2)
		return cmd_try(argc - 2, argv + 2);
	if (!strcmp(c, "read") && argc > 2)
		return cat(argv[2]);
	if (!strcmp(c, "write") && argc > 3)
		return cmd_write(argv[2], argv[3]);
	if (!strcmp(c, "print") && argc > 4)
		return cmd_print(argv[2], argv[3], argv[4]);
	if (!strcmp(c, "printraw") && argc > 2)
		return fputs(argv[2], stdout) < 0;
	if (!strcmp(c, "longline") && argc > 2) {
		for (long i = 0, n = atol(argv[2]); i < n; i++)
			putchar('x');
		putchar('\n');
		return 0;
	}
	if (!strcmp(c, "http") && argc > 2)
		return cmd_http(argv[2]);
	if (!strcmp(c, "env")) {
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	fprintf(stderr, "skiff-testhelper: unknown command %s\n", c);
	return 2;
}
