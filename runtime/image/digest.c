/* SPDX-License-Identifier: Apache-2.0 */
#include "digest.h"
#include "image-ref.h"

int img_sha256_new(ImgSha256 **ret) {
	ImgSha256 *c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	sha256_init(c);
	*ret = c;
	return 0;
}

int img_sha256_update(ImgSha256 *c, const void *data, size_t size) {
	sha256_update(c, size, data);
	return 0;
}

int img_sha256_final(ImgSha256 *c, char ret[DIGEST_STRING_MAX]) {
	static const char hex[] = "0123456789abcdef";
	uint8_t md[SHA256_DIGEST_SIZE];

	sha256_digest(c, sizeof(md), md);
	memcpy(ret, "sha256:", 7);
	for (size_t i = 0; i < sizeof(md); i++) {
		ret[7 + 2 * i] = hex[md[i] >> 4];
		ret[7 + 2 * i + 1] = hex[md[i] & 15];
	}
	ret[7 + 2 * sizeof(md)] = '\0';
	return 0;
}

int img_sha256_buf(const void *data, size_t size, char ret[DIGEST_STRING_MAX]) {
	ImgSha256 c;

	sha256_init(&c);
	sha256_update(&c, size, data);
	return img_sha256_final(&c, ret);
}

const char *img_digest_hex(const char *digest) {
	return image_digest_valid(digest) ? digest + 7 : NULL;
}
