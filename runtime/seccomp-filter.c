/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "fileio.h"
#include "seccomp-profile.h"
#include "seccomp-filter.h"
#include "util.h"

#define CACHE_MAGIC "SKBPF001"
#define CACHE_KEY_MAX (SECCOMP_PROFILE_MAX_BYTES + 4096)
#define DEFAULT_CACHE_DIR "/run/skiff/seccomp"

void seccomp_filter_done(SeccompFilter *f) {
	if (!f)
		return;
	free(f->insns);
	*f = (SeccompFilter){};
}

int seccomp_filter_load(const SeccompFilter *f) {
	if (!f->insns)
		return 0;
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog) < 0)
		return negative_errno();
	return 0;
}

/* ---- compilation ---- */

static uint32_t scmp_action(ProfileAction a, bool have_errno, uint32_t eno) {
	/* runc: ERRNO and TRACE without errnoRet mean EPERM. */
	uint32_t v = have_errno ? eno : EPERM;
	switch (a) {
	case PROFILE_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case PROFILE_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case PROFILE_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case PROFILE_ACT_ERRNO:
		return SCMP_ACT_ERRNO(v);
	case PROFILE_ACT_TRACE:
		return SCMP_ACT_TRACE(v);
	case PROFILE_ACT_LOG:
		return SCMP_ACT_LOG;
	case PROFILE_ACT_ALLOW:
	default:
		return SCMP_ACT_ALLOW;
	}
}

static const enum scmp_compare scmp_ops[_PROFILE_OP_MAX] = {
	[PROFILE_OP_NOT_EQUAL] = SCMP_CMP_NE,           [PROFILE_OP_LESS_THAN] = SCMP_CMP_LT,
	[PROFILE_OP_LESS_EQUAL] = SCMP_CMP_LE,          [PROFILE_OP_EQUAL_TO] = SCMP_CMP_EQ,
	[PROFILE_OP_GREATER_EQUAL] = SCMP_CMP_GE,       [PROFILE_OP_GREATER_THAN] = SCMP_CMP_GT,
	[PROFILE_OP_MASKED_EQUAL] = SCMP_CMP_MASKED_EQ,
};

static struct scmp_arg_cmp arg_cmp(const ProfileArg *a) {
	return (struct scmp_arg_cmp){
		.arg = a->index,
		.op = scmp_ops[a->op],
		.datum_a = a->value,
		.datum_b = a->value_two,
	};
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const ProfileRule *r) {
	struct scmp_arg_cmp cmps[SECCOMP_PROFILE_MAX_ARGS];
	bool repeated = false;

	for (size_t i = 0; i < r->n_args; i++) {
		cmps[i] = arg_cmp(&r->args[i]);
		for (size_t j = 0; j < i; j++)
			repeated = repeated || r->args[i].index == r->args[j].index;
	}
	/* runc: conditions on distinct arguments are ANDed in one rule; several on the same
	 * argument become one rule each (libseccomp cannot AND those). */
	if (!repeated)
		return seccomp_rule_add_array(ctx, action, nr, (unsigned)r->n_args, cmps);
	for (size_t i = 0; i < r->n_args; i++) {
		int k = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[i]);
		if (k < 0)
			return k;
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, char **arches) {
	STRV_FOREACH (a, arches) {
		char name[40];
		const char *s = startswith(*a, "SCMP_ARCH_") ?: *a;
		size_t i = 0;
		for (; s[i] && i < sizeof(name) - 1; i++)
			name[i] = (char)tolower((unsigned char)s[i]);
		name[i] = 0;
		uint32_t token = seccomp_arch_resolve_name(name);
		if (token == 0)
			continue; /* an architecture this libseccomp does not know */
		int k = seccomp_arch_add(ctx, token);
		if (k < 0 && k != -EEXIST)
			return k;
	}
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, SeccompFilter *ret) {
	struct stat st;
	_cleanup_close_ int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	int k = seccomp_export_bpf(ctx, fd);
	if (k < 0)
		return k;
	if (fstat(fd, &st) < 0)
		return negative_errno();
	size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
	if (n == 0 || n > BPF_MAXINSNS || (size_t)st.st_size % sizeof(struct sock_filter))
		return -E2BIG;
	struct sock_filter *insns = malloc((size_t)st.st_size);
	if (!insns)
		return -ENOMEM;
	if (pread(fd, insns, (size_t)st.st_size, 0) != st.st_size) {
		free(insns);
		return -EIO;
	}
	ret->insns = insns;
	ret->len = (unsigned short)n;
	return 0;
}

int seccomp_filter_compile(const SeccompProfileData *p, SeccompFilter *ret, RuntimeError *error) {
	uint32_t def = scmp_action(p->default_action, p->have_default_errno, p->default_errno);
	scmp_filter_ctx ctx = seccomp_init(def);
	int k;

	if (!ctx)
		return runtime_error(error, ENOMEM, "seccomp: initialising libseccomp");
	/* The child sets no_new_privs itself when asked; libseccomp must not. A binary tree of
	 * syscall numbers instead of a linear list: a few comparisons per syscall instead of
	 * hundreds, which also makes the kernel's filter load (its per-syscall action cache is
	 * computed by running the filter for every syscall number) several times cheaper. */
	k = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (k >= 0)
		k = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (k >= 0)
		k = add_arches(ctx, p->arches);
	if (k < 0) {
		seccomp_release(ctx);
		return runtime_error(error, -k, "seccomp: adding architectures");
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const ProfileRule *r = &p->rules[i];
		uint32_t action = scmp_action(r->action, r->have_errno, r->errno_ret);
		if (action == def && r->n_args == 0)
			continue; /* libseccomp refuses rules that repeat the default */
		for (size_t j = 0; j < r->n_names; j++) {
			int nr = seccomp_syscall_resolve_name(r->names[j]);
			if (nr == __NR_SCMP_ERROR)
				continue; /* unknown to this libseccomp: as runc, skip it */
			k = add_rule(ctx, action, nr, r);
			if (k < 0 && k != -EEXIST) {
				seccomp_release(ctx);
				return runtime_error(error, -k, "seccomp: rule for %s",
				                     r->names[j]);
			}
		}
	}
	*ret = (SeccompFilter){ .flags = p->flags };
	k = export_bpf(ctx, ret);
	seccomp_release(ctx);
	if (k < 0)
		return runtime_error(error, -k, "seccomp: exporting the filter");
	return 0;
}

/* ---- cache ---- */

static uint64_t fnv1a(const char *s, size_t n) {
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static int make_key(const ContainerConfig *c, uint64_t caps, const char *content, size_t len,
                    char **ret, size_t *ret_len) {
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	char *head = NULL;

	if (uname(&u) < 0)
		return negative_errno();
	int n = asprintf(
	        &head, "skiff-seccomp 2\nlibseccomp %u.%u.%u\narch %s\nkernel %s\ncaps %llx\n%s\n",
	        v->major, v->minor, v->micro, u.machine, u.release, (unsigned long long)caps,
	        c->seccomp == RUNTIME_SECCOMP_LOCALHOST ? "Localhost" : "RuntimeDefault");
	if (n < 0)
		return -ENOMEM;
	char *key = realloc(head, (size_t)n + len + 1);
	if (!key) {
		free(head);
		return -ENOMEM;
	}
	memcpy(key + n, content, len);
	key[n + len] = 0;
	*ret = key;
	*ret_len = (size_t)n + len;
	return 0;
}

static int cache_path(const char *dir, const char *key, size_t key_len, char **ret) {
	return asprintf(ret, "%s/%016llx.bpf", dir, (unsigned long long)fnv1a(key, key_len)) < 0
	               ? -ENOMEM
	               : 0;
}

typedef struct CacheHeader {
	char magic[8];
	uint32_t key_len;
	uint32_t n_insns;
	uint32_t flags;
	uint32_t reserved;
} CacheHeader;

static int cache_load(const char *path, const char *key, size_t key_len, SeccompFilter *ret) {
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;
	size_t n;
	CacheHeader h;

	if (fd < 0)
		return negative_errno();
	/* A filter is only as good as its file: ours, and writable by nobody else. */
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return -EPERM;
	int r = read_full_fd(fd, sizeof(h) + CACHE_KEY_MAX + BPF_MAXINSNS * 8, &data, &n);
	if (r < 0)
		return r;
	if (n < sizeof(h))
		return -EBADMSG;
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.key_len != key_len || h.n_insns == 0 ||
	    h.n_insns > BPF_MAXINSNS ||
	    n != sizeof(h) + h.key_len + (size_t)h.n_insns * sizeof(struct sock_filter))
		return -EBADMSG;
	if (memcmp(data + sizeof(h), key, key_len) != 0)
		return -ESTALE;
	size_t bytes = (size_t)h.n_insns * sizeof(struct sock_filter);
	struct sock_filter *insns = malloc(bytes);
	if (!insns)
		return -ENOMEM;
	memcpy(insns, data + sizeof(h) + key_len, bytes);
	*ret = (SeccompFilter){ .insns = insns,
		                .len = (unsigned short)h.n_insns,
		                .flags = h.flags,
		                .from_cache = true };
	return 0;
}

static int cache_store(const char *dir, const char *path, const char *key, size_t key_len,
                       const SeccompFilter *f) {
	size_t bytes = (size_t)f->len * sizeof(struct sock_filter);
	size_t total = sizeof(CacheHeader) + key_len + bytes;
	CacheHeader h = { .key_len = (uint32_t)key_len, .n_insns = f->len, .flags = f->flags };
	_cleanup_free_ char *buf = malloc(total);

	if (!buf)
		return -ENOMEM;
	memcpy(h.magic, CACHE_MAGIC, 8);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), key, key_len);
	memcpy(buf + sizeof(h) + key_len, f->insns, bytes);
	int r = mkdir_p(dir, 0700);
	if (r < 0)
		return r;
	return write_file_atomic(path, buf, total, 0600);
}

static int build_profile(const ContainerConfig *c, uint64_t caps, const char *content, size_t len,
                         SeccompProfileData *ret, RuntimeError *error) {
	struct utsname u;
	Diag d = {};

	if (c->seccomp == RUNTIME_SECCOMP_DEFAULT) {
		int r = seccomp_profile_runtime_default(caps, ret);
		return r < 0 ? runtime_error(error, -r, "seccomp: building RuntimeDefault") : 0;
	}
	uname(&u);
	int r = seccomp_profile_parse(content, len, caps, "amd64", u.release, ret, &d);
	if (r < 0) {
		runtime_error(error, 0, "seccomp profile %s: %s", c->seccomp_profile_path,
		              d.n_errors > 0 ? d.errors[0] : strerror(-r));
		error->err = -r;
	}
	diag_clear(&d);
	return r;
}

int seccomp_filter_prepare(const ContainerConfig *c, uint64_t cap_bounding, SeccompFilter *ret,
                           RuntimeError *error) {
	_cleanup_free_ char *content = NULL, *key = NULL, *path = NULL;
	size_t len = 0, key_len = 0;
	const char *dir = c->seccomp_cache_dir ?: DEFAULT_CACHE_DIR;
	SeccompProfileData p = {};
	int r;

	*ret = (SeccompFilter){};
	if (c->seccomp == RUNTIME_SECCOMP_UNCONFINED)
		return 0;
	if (c->seccomp == RUNTIME_SECCOMP_LOCALHOST) {
		r = read_full_file(c->seccomp_profile_path, SECCOMP_PROFILE_MAX_BYTES, &content,
		                   &len);
		if (r < 0)
			return runtime_error(error, -r, "seccomp profile %s",
			                     c->seccomp_profile_path);
	}
	r = make_key(c, cap_bounding, strempty(content), len, &key, &key_len);
	if (r < 0)
		return runtime_error(error, -r, "seccomp: cache key");
	r = cache_path(dir, key, key_len, &path);
	if (r < 0)
		return runtime_error(error, -r, "seccomp: cache path");
	if (cache_load(path, key, key_len, ret) >= 0)
		return 0;

	r = build_profile(c, cap_bounding, content, len, &p, error);
	if (r < 0)
		return r;
	r = seccomp_filter_compile(&p, ret, error);
	seccomp_profile_done(&p);
	if (r < 0)
		return r;
	/* A cache that cannot be written (read-only /run ...) only costs time. */
	(void)cache_store(dir, path, key, key_len, ret);
	return 0;
}
