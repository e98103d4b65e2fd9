/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seccomp profiles as data: the OCI runtime-spec `linux.seccomp` / Docker JSON format parsed from
 * untrusted input (Kubernetes `Localhost` profiles), and containerd's RuntimeDefault built in.
 * Pure: no libseccomp here (seccomp.c compiles a profile into BPF).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Bounds on a parsed profile. */
#define SECCOMP_PROFILE_MAX_BYTES (1024u * 1024)
#define SECCOMP_PROFILE_MAX_RULES 1024
#define SECCOMP_PROFILE_MAX_NAMES 4096 /* over all rules */
#define SECCOMP_PROFILE_MAX_ARGS 6
#define SECCOMP_PROFILE_MAX_ARCHES 16
#define SECCOMP_PROFILE_MAX_NAME 64

typedef enum ProfileAction {
	PROFILE_ACT_KILL_THREAD,
	PROFILE_ACT_KILL_PROCESS,
	PROFILE_ACT_TRAP,
	PROFILE_ACT_ERRNO,
	PROFILE_ACT_TRACE,
	PROFILE_ACT_ALLOW,
	PROFILE_ACT_LOG,
	_PROFILE_ACT_MAX,
} ProfileAction;

typedef enum ProfileOp {
	PROFILE_OP_NOT_EQUAL,
	PROFILE_OP_LESS_THAN,
	PROFILE_OP_LESS_EQUAL,
	PROFILE_OP_EQUAL_TO,
	PROFILE_OP_GREATER_EQUAL,
	PROFILE_OP_GREATER_THAN,
	PROFILE_OP_MASKED_EQUAL,
	_PROFILE_OP_MAX,
} ProfileOp;

typedef struct ProfileArg {
	unsigned index;
	uint64_t value, value_two;
	ProfileOp op;
} ProfileArg;

typedef struct ProfileRule {
	char **names;
	size_t n_names;
	ProfileAction action;
	bool have_errno;
	uint32_t errno_ret; /* ERRNO (and TRACE: the value) */
	ProfileArg args[SECCOMP_PROFILE_MAX_ARGS];
	size_t n_args;
} ProfileRule;

typedef struct SeccompProfileData {
	ProfileAction default_action;
	bool have_default_errno;
	uint32_t default_errno;
	char **arches; /* "SCMP_ARCH_X86_64" ...; empty = native only */
	ProfileRule *rules;
	size_t n_rules;
	size_t n_names;
	uint32_t flags; /* SECCOMP_FILTER_FLAG_* from "flags" */
} SeccompProfileData;

void seccomp_profile_done(SeccompProfileData *p);

/* Parse an OCI or Docker profile. Docker's per-rule "includes"/"excludes" are evaluated here:
 * caps against cap_bounding (bit mask), arches against native_arch ("amd64", "arm64" ...),
 * minKernel against kernel_release ("6.1.0-18-amd64"; NULL = assume new enough). Docker's
 * "archMap" expands into the architecture list. */
int seccomp_profile_parse(const char *json, size_t len, uint64_t cap_bounding,
                          const char *native_arch, const char *kernel_release,
                          SeccompProfileData *ret, Diag *diag);

/* containerd's contrib/seccomp DefaultProfile(): the allow-list, personality's argument rules,
 * the capability-dependent extras, clone without namespace flags and clone3 -> ENOSYS unless
 * CAP_SYS_ADMIN. Default action ERRNO(EPERM). For x86_64 (and its x86/x32 sub-arches). */
int seccomp_profile_runtime_default(uint64_t cap_bounding, SeccompProfileData *ret);

const char *profile_action_to_string(ProfileAction a);

/* The profile as OCI JSON (linux.seccomp of a runtime-spec config): what seccomp_profile_parse
 * reads back to the same rules. For peers in benchmarks and for showing what a container
 * gets. */
int seccomp_profile_to_json(const SeccompProfileData *p, char **ret);
