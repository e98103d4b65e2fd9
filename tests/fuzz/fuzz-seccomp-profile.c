/* SPDX-License-Identifier: Apache-2.0 */
/*
 * seccomp_profile_parse on any bytes: the Localhost profiles Kubernetes hands over come from
 * the node's disk, written by whoever manages it. Bounded, no crash, no leak; an accepted
 * profile stays within its bounds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../runtime/seccomp-profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	SeccompProfileData p = {};
	Diag d = {};
	/* Half the inputs with every capability (Docker's includes/excludes), half with none. */
	uint64_t caps = size && (data[0] & 1) ? UINT64_MAX : 0;

	if (seccomp_profile_parse((const char *)data, size, caps, "amd64", "6.1.0", &p, &d) >= 0) {
		if (p.n_rules > SECCOMP_PROFILE_MAX_RULES || p.n_names > SECCOMP_PROFILE_MAX_NAMES)
			abort();
		for (size_t i = 0; i < p.n_rules; i++)
			if (p.rules[i].n_args > SECCOMP_PROFILE_MAX_ARGS ||
			    p.rules[i].action >= _PROFILE_ACT_MAX)
				abort();
		seccomp_profile_done(&p);
	}
	diag_clear(&d);
	return 0;
}
