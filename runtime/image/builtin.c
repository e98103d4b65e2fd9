/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The images the skiff binary carries. busybox: Debian's busybox-static with its applet links
 * and a minimal /etc, packed at build time by mkbusybox.sh and linked in by busybox-embed.S
 * (.incbin), so a node runs busybox pods with no network and no busybox package.
 */
#include "image-internal.h"

extern const unsigned char skiff_busybox_tar[];
extern const unsigned char skiff_busybox_tar_end[];

bool image_builtin_exists(const char *name) {
	return streq_ptr(name, IMAGE_BUILTIN_BUSYBOX);
}

int builtin_data(const char *name, const void **ret, size_t *ret_size) {
	if (!image_builtin_exists(name))
		return -ENOENT;
	*ret = skiff_busybox_tar;
	*ret_size = (size_t)(skiff_busybox_tar_end - skiff_busybox_tar);
	return 0;
}
