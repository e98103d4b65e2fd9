/* SPDX-License-Identifier: Apache-2.0 */
/* sha256 digests ("sha256:<64 hex>") through OpenSSL's EVP interface. */
#pragma once

#include <openssl/evp.h>
#include <stddef.h>

#include "macro.h"

#define DIGEST_STRING_MAX (sizeof("sha256:") + 64)

static inline void img_md_ctx_freep(EVP_MD_CTX **c) {
	EVP_MD_CTX_free(*c);
}
#define _cleanup_md_ctx_ _cleanup_(img_md_ctx_freep)

int img_sha256_new(EVP_MD_CTX **ret);
int img_sha256_update(EVP_MD_CTX *c, const void *data, size_t size);
/* Writes "sha256:<hex>" to ret. */
int img_sha256_final(EVP_MD_CTX *c, char ret[DIGEST_STRING_MAX]);
int img_sha256_buf(const void *data, size_t size, char ret[DIGEST_STRING_MAX]);
/* The 64 hex digits of a valid digest (image_digest_valid()). */
const char *img_digest_hex(const char *digest);
