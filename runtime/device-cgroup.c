/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which device nodes the container may open or create: a BPF_PROG_TYPE_CGROUP_DEVICE program
 * on the container's cgroup2 directory, built from containerd's default allow-list (deny
 * everything, then: mknod of any char/block node, and rwm on null, zero, full, random,
 * urandom, tty, console, ptmx and the pts). runc and crun generate the same kind of program.
 *
 * The kernel asks cgroup2's device programs for every device access even in the hybrid
 * layout (security/device_cgroup.c: devcgroup_check_permission runs the BPF programs, then
 * the v1 lists), so one mechanism serves pure v2 and hybrid hosts alike: the container sits in
 * the unified hierarchy in both. Privileged containers get no program (all devices).
 */
#include <linux/bpf.h>
#include <sys/syscall.h>

#include "cgroups.h"
#include "container.h"
#include "util.h"

#define ANY UINT32_MAX

typedef struct DeviceRule {
	char type; /* 'c', 'b' or 'a' */
	uint32_t major, minor;
	uint32_t access; /* BPF_DEVCG_ACC_* */
} DeviceRule;

#define RWM (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

static const DeviceRule default_rules[] = {
	{ 'c', ANY, ANY, BPF_DEVCG_ACC_MKNOD },
	{ 'b', ANY, ANY, BPF_DEVCG_ACC_MKNOD },
	{ 'c', 1, 3, RWM },
	/* null */ { 'c', 1, 8, RWM }, /* random */
	{ 'c', 1, 7, RWM },
	/* full */ { 'c', 5, 0, RWM }, /* tty */
	{ 'c', 1, 5, RWM },
	/* zero */ { 'c', 1, 9, RWM }, /* urandom */
	{ 'c', 5, 1, RWM },
	/* console */ { 'c', 136, ANY, RWM }, /* pts */
	{ 'c', 5, 2, RWM },                   /* ptmx */
};

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
	return (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
}

#define LDX_W(dst, src, off) insn(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_IMM(op, dst, imm) insn(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV32_REG(dst, src) insn(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_IMM(dst, imm) insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) insn(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Instructions of one rule: its checks, then "return 1". */
static size_t rule_length(const DeviceRule *r) {
	return (r->type != 'a') + ((r->access & RWM) != RWM) * 3 + (r->major != ANY) +
	       (r->minor != ANY) + 2;
}

static size_t build_program(const DeviceRule *rules, size_t n, struct bpf_insn *p) {
	size_t i = 0;
	/* r2 = type, r3 = access, r4 = major, r5 = minor (struct bpf_cgroup_dev_ctx). */
	p[i++] = LDX_W(2, 1, 0);
	p[i++] = ALU32_IMM(BPF_AND, 2, 0xffff);
	p[i++] = LDX_W(3, 1, 0);
	p[i++] = ALU32_IMM(BPF_RSH, 3, 16);
	p[i++] = LDX_W(4, 1, 4);
	p[i++] = LDX_W(5, 1, 8);
	for (size_t k = 0; k < n; k++) {
		const DeviceRule *r = &rules[k];
		size_t end = i + rule_length(r); /* first instruction of the next rule */
#define SKIP ((int16_t)(end - (i + 1)))
		if (r->type != 'a')
			p[i] = JNE_IMM(2, r->type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK,
			               SKIP),
			i++;
		if ((r->access & RWM) != RWM) {
			/* Asked-for access bits outside the rule's: not this rule. */
			p[i++] = MOV32_REG(1, 3);
			p[i++] = ALU32_IMM(BPF_AND, 1, (int32_t)~r->access);
			p[i] = JNE_IMM(1, 0, SKIP), i++;
		}
		if (r->major != ANY)
			p[i] = JNE_IMM(4, (int32_t)r->major, SKIP), i++;
		if (r->minor != ANY)
			p[i] = JNE_IMM(5, (int32_t)r->minor, SKIP), i++;
#undef SKIP
		p[i++] = MOV64_IMM(0, 1);
		p[i++] = EXIT();
	}
	p[i++] = MOV64_IMM(0, 0);
	p[i++] = EXIT();
	return i;
}

static int bpf(int cmd, union bpf_attr *attr) {
	long r = syscall(SYS_bpf, cmd, attr, sizeof(*attr));
	return r < 0 ? negative_errno() : (int)r;
}

int device_program_load(const ContainerConfig *c, int *ret_fd, RuntimeError *e) {
	struct bpf_insn prog[6 + ELEMENTSOF(default_rules) * 8 + 2];

	*ret_fd = -EBADF;
	if (!c->cgroup_path || c->privileged)
		return 0;
	size_t n = build_program(default_rules, ELEMENTSOF(default_rules), prog);
	union bpf_attr attr = {
		.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE,
		.insns = (uint64_t)(uintptr_t)prog,
		.insn_cnt = (uint32_t)n,
		.license = (uint64_t)(uintptr_t) "Apache-2.0",
	};
	int fd = bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		return runtime_error(e, -fd, "device cgroup: load the BPF program");
	*ret_fd = fd;
	return 0;
}

int device_program_attach(const ContainerConfig *c, int prog_fd, RuntimeError *e) {
	if (prog_fd < 0)
		return 0;
	_cleanup_close_ int cg = cgroup_open_unified(c->cgroup_path);
	if (cg < 0)
		return runtime_error(e, -cg, "device cgroup: open the cgroup2 directory of %s",
		                     c->cgroup_path);
	union bpf_attr attr = {
		.target_fd = (uint32_t)cg,
		.attach_bpf_fd = (uint32_t)prog_fd,
		.attach_type = BPF_CGROUP_DEVICE,
		.attach_flags = BPF_F_ALLOW_MULTI,
	};
	int r = bpf(BPF_PROG_ATTACH, &attr);
	if (r < 0)
		return runtime_error(e, -r, "device cgroup: attach to %s", c->cgroup_path);
	return 0;
}
