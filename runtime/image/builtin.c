/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The images the skiff binary carries. busybox: Debian's busybox-static with its applet links
 * and a minimal /etc, packed at build time by mkbusybox.sh and linked in by busybox-embed.S
 * (.incbin), so a node runs busybox pods with no network and no busybox package.
 */
#include <sys/mman.h>

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

void builtin_data_drop(const void *data, size_t size) {
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)data + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)data + size) & ~(page - 1);

	/* whole pages of the tarball only: clean read-only file pages, faulted in again from the
	 * page cache should it be read once more */
	if (end > start)
		(void)madvise((void *)start, end - start, MADV_DONTNEED);
}
