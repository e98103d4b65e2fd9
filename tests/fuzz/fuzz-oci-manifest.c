/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the image store's parsers of untrusted input. The first byte picks one:
 *   0 oci-layout   1 index.json / image index   2 manifest   3 image config (+ the Kubernetes
 *   command/args/env rules over it)   4 a User string against /etc/passwd and /etc/group
 *   ("spec\0passwd\0group")   5 an image reference
 * Beyond "no crash, no leak": what a parser accepts satisfies the store's invariants (digests
 * well formed, lists bounded), and normalising a reference is idempotent.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../runtime/image/image-ref.h"
#include "../../runtime/image/image-user.h"
#include "../../runtime/image/oci.h"

#define MAX_LIST 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_descriptor(const OciDescriptor *d) {
	if (!image_digest_valid(d->digest) || d->size < 0 || !d->media_type)
		abort();
}

static void fuzz_config(const char *s, size_t n) {
	OciImageConfig c = {};
	Diag d = {};
	if (oci_parse_config(s, n, MAX_LIST, &c, &d) >= 0) {
		if (c.n_diff_ids > MAX_LIST)
			abort();
		for (size_t i = 0; i < c.n_diff_ids; i++)
			if (!image_digest_valid(c.diff_ids[i]))
				abort();
		char *args[] = { (char *)"a", NULL }, *env[] = { (char *)"PATH=/x", NULL };
		ImageContainerSpec specs[] = {
			{},
			{ .args = args },
			{ .command = args, .env = env, .hostname = "h" },
			{ .has_run_as_group = true, .run_as_group = 7 },
		};
		for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
			ImageProcess p = {};
			if (image_apply_config(&c.config, &specs[i], &p, &d) >= 0 && !p.argv[0])
				abort(); /* an accepted process has a command */
			image_process_done(&p);
		}
	}
	oci_image_config_done(&c);
	diag_clear(&d);
}

static void fuzz_user(const char *s, size_t n) {
	const char *passwd = memchr(s, 0, n), *group = NULL;
	size_t pl = 0, gl = 0;
	ImageUser u = {};
	Diag d = {};

	if (!passwd)
		return;
	passwd++;
	pl = n - (size_t)(passwd - s);
	group = memchr(passwd, 0, pl);
	if (group) {
		pl = (size_t)(group - passwd);
		group++;
		gl = n - (size_t)(group - s);
	}
	if (image_user_resolve_buf(s, passwd, pl, group, gl, &u, &d) >= 0 &&
	    (u.n_gids == 0 || u.n_gids > IMAGE_USER_GROUPS_MAX + 1 || u.gids[0] != u.gid))
		abort();
	image_user_done(&u);
	diag_clear(&d);
}

static void fuzz_ref(const char *s) {
	char *once = NULL, *twice = NULL;
	Diag d = {};
	if (image_ref_normalize(s, &once, &d) >= 0) {
		if (image_ref_normalize(once, &twice, &d) < 0 || strcmp(once, twice) != 0)
			abort();
	}
	free(once);
	free(twice);
	diag_clear(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	char *s;
	Diag d = {};

	if (size < 1)
		return 0;
	/* a NUL-terminated copy (the reference and User parsers take C strings) */
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	switch (data[0] % 6) {
	case 0:
		(void)oci_parse_layout(s, size - 1, &d);
		break;
	case 1: {
		OciIndex idx = {};
		if (oci_parse_index(s, size - 1, MAX_LIST, &idx, &d) >= 0)
			for (size_t i = 0; i < idx.n_manifests; i++)
				check_descriptor(&idx.manifests[i]);
		oci_index_done(&idx);
		break;
	}
	case 2: {
		OciManifest m = {};
		if (oci_parse_manifest(s, size - 1, MAX_LIST, &m, &d) >= 0) {
			check_descriptor(&m.config);
			for (size_t i = 0; i < m.n_layers; i++)
				check_descriptor(&m.layers[i]);
		}
		oci_manifest_done(&m);
		break;
	}
	case 3:
		fuzz_config(s, size - 1);
		break;
	case 4:
		fuzz_user(s, size - 1);
		break;
	default:
		fuzz_ref(s);
		break;
	}
	diag_clear(&d);
	free(s);
	return 0;
}
