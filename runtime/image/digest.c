/* SPDX-License-Identifier: Apache-2.0 */
#include "digest.h"
#include "image-ref.h"

int img_sha256_new(EVP_MD_CTX **ret) {
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c)
		return -ENOMEM;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		return -EIO;
	}
	*ret = c;
	return 0;
}

int img_sha256_update(EVP_MD_CTX *c, const void *data, size_t size) {
	return EVP_DigestUpdate(c, data, size) == 1 ? 0 : -EIO;
}

int img_sha256_final(EVP_MD_CTX *c, char ret[DIGEST_STRING_MAX]) {
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(c, md, &n) != 1 || n != 32)
		return -EIO;
	memcpy(ret, "sha256:", 7);
	for (unsigned i = 0; i < n; i++)
		snprintf(ret + 7 + 2 * i, 3, "%02x", md[i]);
	return 0;
}

int img_sha256_buf(const void *data, size_t size, char ret[DIGEST_STRING_MAX]) {
	_cleanup_md_ctx_ EVP_MD_CTX *c = NULL;
	int r = img_sha256_new(&c);
	if (r >= 0)
		r = img_sha256_update(c, data, size);
	if (r >= 0)
		r = img_sha256_final(c, ret);
	return r;
}

const char *img_digest_hex(const char *digest) {
	return image_digest_valid(digest) ? digest + 7 : NULL;
}
