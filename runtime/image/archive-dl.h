/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libarchive, loaded for the duration of an import (dl-util.h): only imports unpack tarballs and
 * layers, so resolving an image, listing or removing one never maps libarchive and what it
 * drags in (libxml2, ICU, libstdc++, the compressors). Call sites use sym_archive_*() with
 * libarchive's own prototypes.
 */
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "diag.h"
#include "dl-util.h"

DLSYM_PROTOTYPE(archive_entry_clear);
DLSYM_PROTOTYPE(archive_entry_filetype);
DLSYM_PROTOTYPE(archive_entry_free);
DLSYM_PROTOTYPE(archive_entry_hardlink);
DLSYM_PROTOTYPE(archive_entry_linkify);
DLSYM_PROTOTYPE(archive_entry_linkresolver_free);
DLSYM_PROTOTYPE(archive_entry_linkresolver_new);
DLSYM_PROTOTYPE(archive_entry_linkresolver_set_strategy);
DLSYM_PROTOTYPE(archive_entry_new);
DLSYM_PROTOTYPE(archive_entry_pathname);
DLSYM_PROTOTYPE(archive_entry_set_hardlink);
DLSYM_PROTOTYPE(archive_entry_set_pathname);
DLSYM_PROTOTYPE(archive_entry_size);
DLSYM_PROTOTYPE(archive_entry_sourcepath);
DLSYM_PROTOTYPE(archive_entry_symlink);
DLSYM_PROTOTYPE(archive_entry_xattr_add_entry);
DLSYM_PROTOTYPE(archive_entry_xattr_clear);
DLSYM_PROTOTYPE(archive_entry_xattr_next);
DLSYM_PROTOTYPE(archive_entry_xattr_reset);
DLSYM_PROTOTYPE(archive_error_string);
DLSYM_PROTOTYPE(archive_filter_code);
DLSYM_PROTOTYPE(archive_format);
DLSYM_PROTOTYPE(archive_read_data);
DLSYM_PROTOTYPE(archive_read_data_block);
DLSYM_PROTOTYPE(archive_read_data_skip);
DLSYM_PROTOTYPE(archive_read_disk_descend);
DLSYM_PROTOTYPE(archive_read_disk_new);
DLSYM_PROTOTYPE(archive_read_disk_open);
DLSYM_PROTOTYPE(archive_read_disk_set_behavior);
DLSYM_PROTOTYPE(archive_read_disk_set_symlink_physical);
DLSYM_PROTOTYPE(archive_read_free);
DLSYM_PROTOTYPE(archive_read_new);
DLSYM_PROTOTYPE(archive_read_next_header);
DLSYM_PROTOTYPE(archive_read_next_header2);
DLSYM_PROTOTYPE(archive_read_open);
DLSYM_PROTOTYPE(archive_read_open_filename);
DLSYM_PROTOTYPE(archive_read_support_filter_bzip2);
DLSYM_PROTOTYPE(archive_read_support_filter_gzip);
DLSYM_PROTOTYPE(archive_read_support_filter_xz);
DLSYM_PROTOTYPE(archive_read_support_filter_zstd);
DLSYM_PROTOTYPE(archive_read_support_format_raw);
DLSYM_PROTOTYPE(archive_read_support_format_tar);
DLSYM_PROTOTYPE(archive_set_error);
DLSYM_PROTOTYPE(archive_write_close);
DLSYM_PROTOTYPE(archive_write_data);
DLSYM_PROTOTYPE(archive_write_data_block);
DLSYM_PROTOTYPE(archive_write_disk_new);
DLSYM_PROTOTYPE(archive_write_disk_set_options);
DLSYM_PROTOTYPE(archive_write_finish_entry);
DLSYM_PROTOTYPE(archive_write_free);
DLSYM_PROTOTYPE(archive_write_header);
DLSYM_PROTOTYPE(archive_write_new);
DLSYM_PROTOTYPE(archive_write_open_filename);
DLSYM_PROTOTYPE(archive_write_set_format_pax_restricted);

/* The soname of Debian's libarchive13. */
#define ARCHIVE_DL_SONAME "libarchive.so.13"

/*
 * Load libarchive (counted: nested users share one load) for an import; every successful
 * img_archive_acquire() is paired with img_archive_release(), and the last release unloads it.
 * -errno with "image imports need libarchive (libarchive13): <dlerror>" in diag when it cannot
 * be loaded.
 */
int img_archive_acquire(Diag *diag);
void img_archive_release(void);
