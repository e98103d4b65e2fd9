/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sha256 digests ("sha256:<64 hex>") with nettle: the agent has libnettle mapped already
 * (libmicrohttpd -> gnutls -> nettle), so hashing costs it no library of its own (OpenSSL's
 * libcrypto was 3 MB of the agent's RSS for this alone).
 */
#pragma once

#include <nettle/sha2.h>
#include <stddef.h>

#include "macro.h"

#define DIGEST_STRING_MAX (sizeof("sha256:") + 64)

typedef struct sha256_ctx ImgSha256;

static inline void img_sha256_free(ImgSha256 *c) {
	free(c);
}
DEFINE_TRIVIAL_CLEANUP_FUNC(ImgSha256 *, img_sha256_free)
#define _cleanup_sha256_ _cleanup_(img_sha256_freep)

int img_sha256_new(ImgSha256 **ret);
int img_sha256_update(ImgSha256 *c, const void *data, size_t size);
/* Writes "sha256:<hex>" to ret. */
int img_sha256_final(ImgSha256 *c, char ret[DIGEST_STRING_MAX]);
int img_sha256_buf(const void *data, size_t size, char ret[DIGEST_STRING_MAX]);
/* The 64 hex digits of a valid digest (image_digest_valid()). */
const char *img_digest_hex(const char *digest);
