/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seccomp filters: a profile compiled to classic BPF with libseccomp, cached by content, and
 * loaded in the container's child with seccomp(SECCOMP_SET_MODE_FILTER) just before execve.
 *
 * Compiling containerd's ~370-rule default profile with libseccomp costs milliseconds; loading
 * a stored program costs microseconds. The monitor therefore keeps compiled programs in
 * cache_dir (default /run/skiff/seccomp: a tmpfs, so a new boot, kernel or libseccomp starts
 * afresh), one file per key. The key is the whole input of the compilation (format version,
 * libseccomp version, architecture, kernel release, bounding capabilities, the profile kind
 * and, for Localhost, the file's bytes); the file stores the key and is used only when it
 * matches byte for byte, so a hash collision can never select a wrong filter.
 */
#pragma once

#include <linux/filter.h>
#include <stdint.h>

#include "runtime.h"

typedef struct SeccompFilter {
	struct sock_filter *insns; /* NULL: no filter (Unconfined) */
	unsigned short len;
	uint32_t flags; /* SECCOMP_FILTER_FLAG_* */
	bool from_cache;
} SeccompFilter;

/* The filter for a container (cap_bounding: the effective bounding set, for RuntimeDefault's
 * and Docker profiles' capability-dependent rules). */
int seccomp_filter_prepare(const ContainerConfig *c, uint64_t cap_bounding, SeccompFilter *ret,
                           RuntimeError *error);
/* In the child: install the filter (needs no_new_privs or CAP_SYS_ADMIN). */
int seccomp_filter_load(const SeccompFilter *f);
void seccomp_filter_done(SeccompFilter *f);

/* Compile a profile without any cache (for the benchmark's comparison and tests). */
struct SeccompProfileData;
int seccomp_filter_compile(const struct SeccompProfileData *p, SeccompFilter *ret,
                           RuntimeError *error);
