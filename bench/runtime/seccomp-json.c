/* SPDX-License-Identifier: Apache-2.0 */
/* Prints skiff's RuntimeDefault seccomp profile (containerd's default, for containerd's default
 * capabilities) as OCI JSON, so that the peers in bench.sh run under the same filter. */
#include <stdio.h>
#include <stdlib.h>

#include "runtime.h"
#include "seccomp-profile.h"

int main(void) {
	SeccompProfileData p;
	char *json = NULL;
	if (seccomp_profile_runtime_default(runtime_default_capabilities(), &p) < 0 ||
	    seccomp_profile_to_json(&p, &json) < 0)
		return 1;
	puts(json);
	free(json);
	seccomp_profile_done(&p);
	return 0;
}
