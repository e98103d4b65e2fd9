/* SPDX-License-Identifier: Apache-2.0 */
#include "archive-dl.h"

DLSYM_FUNCTION(archive_entry_clear);
DLSYM_FUNCTION(archive_entry_filetype);
DLSYM_FUNCTION(archive_entry_free);
DLSYM_FUNCTION(archive_entry_hardlink);
DLSYM_FUNCTION(archive_entry_linkify);
DLSYM_FUNCTION(archive_entry_linkresolver_free);
DLSYM_FUNCTION(archive_entry_linkresolver_new);
DLSYM_FUNCTION(archive_entry_linkresolver_set_strategy);
DLSYM_FUNCTION(archive_entry_new);
DLSYM_FUNCTION(archive_entry_pathname);
DLSYM_FUNCTION(archive_entry_set_hardlink);
DLSYM_FUNCTION(archive_entry_set_pathname);
DLSYM_FUNCTION(archive_entry_size);
DLSYM_FUNCTION(archive_entry_sourcepath);
DLSYM_FUNCTION(archive_entry_symlink);
DLSYM_FUNCTION(archive_entry_xattr_add_entry);
DLSYM_FUNCTION(archive_entry_xattr_clear);
DLSYM_FUNCTION(archive_entry_xattr_next);
DLSYM_FUNCTION(archive_entry_xattr_reset);
DLSYM_FUNCTION(archive_error_string);
DLSYM_FUNCTION(archive_filter_code);
DLSYM_FUNCTION(archive_format);
DLSYM_FUNCTION(archive_read_data);
DLSYM_FUNCTION(archive_read_data_block);
DLSYM_FUNCTION(archive_read_data_skip);
DLSYM_FUNCTION(archive_read_disk_descend);
DLSYM_FUNCTION(archive_read_disk_new);
DLSYM_FUNCTION(archive_read_disk_open);
DLSYM_FUNCTION(archive_read_disk_set_behavior);
DLSYM_FUNCTION(archive_read_disk_set_symlink_physical);
DLSYM_FUNCTION(archive_read_free);
DLSYM_FUNCTION(archive_read_new);
DLSYM_FUNCTION(archive_read_next_header);
DLSYM_FUNCTION(archive_read_next_header2);
DLSYM_FUNCTION(archive_read_open);
DLSYM_FUNCTION(archive_read_open_filename);
DLSYM_FUNCTION(archive_read_support_filter_bzip2);
DLSYM_FUNCTION(archive_read_support_filter_gzip);
DLSYM_FUNCTION(archive_read_support_filter_xz);
DLSYM_FUNCTION(archive_read_support_filter_zstd);
DLSYM_FUNCTION(archive_read_support_format_raw);
DLSYM_FUNCTION(archive_read_support_format_tar);
DLSYM_FUNCTION(archive_set_error);
DLSYM_FUNCTION(archive_write_close);
DLSYM_FUNCTION(archive_write_data);
DLSYM_FUNCTION(archive_write_data_block);
DLSYM_FUNCTION(archive_write_disk_new);
DLSYM_FUNCTION(archive_write_disk_set_options);
DLSYM_FUNCTION(archive_write_finish_entry);
DLSYM_FUNCTION(archive_write_free);
DLSYM_FUNCTION(archive_write_header);
DLSYM_FUNCTION(archive_write_new);
DLSYM_FUNCTION(archive_write_open_filename);
DLSYM_FUNCTION(archive_write_set_format_pax_restricted);

static const DlSymbol archive_symbols[] = {
	DLSYM_ARG(archive_entry_clear),
	DLSYM_ARG(archive_entry_filetype),
	DLSYM_ARG(archive_entry_free),
	DLSYM_ARG(archive_entry_hardlink),
	DLSYM_ARG(archive_entry_linkify),
	DLSYM_ARG(archive_entry_linkresolver_free),
	DLSYM_ARG(archive_entry_linkresolver_new),
	DLSYM_ARG(archive_entry_linkresolver_set_strategy),
	DLSYM_ARG(archive_entry_new),
	DLSYM_ARG(archive_entry_pathname),
	DLSYM_ARG(archive_entry_set_hardlink),
	DLSYM_ARG(archive_entry_set_pathname),
	DLSYM_ARG(archive_entry_size),
	DLSYM_ARG(archive_entry_sourcepath),
	DLSYM_ARG(archive_entry_symlink),
	DLSYM_ARG(archive_entry_xattr_add_entry),
	DLSYM_ARG(archive_entry_xattr_clear),
	DLSYM_ARG(archive_entry_xattr_next),
	DLSYM_ARG(archive_entry_xattr_reset),
	DLSYM_ARG(archive_error_string),
	DLSYM_ARG(archive_filter_code),
	DLSYM_ARG(archive_format),
	DLSYM_ARG(archive_read_data),
	DLSYM_ARG(archive_read_data_block),
	DLSYM_ARG(archive_read_data_skip),
	DLSYM_ARG(archive_read_disk_descend),
	DLSYM_ARG(archive_read_disk_new),
	DLSYM_ARG(archive_read_disk_open),
	DLSYM_ARG(archive_read_disk_set_behavior),
	DLSYM_ARG(archive_read_disk_set_symlink_physical),
	DLSYM_ARG(archive_read_free),
	DLSYM_ARG(archive_read_new),
	DLSYM_ARG(archive_read_next_header),
	DLSYM_ARG(archive_read_next_header2),
	DLSYM_ARG(archive_read_open),
	DLSYM_ARG(archive_read_open_filename),
	DLSYM_ARG(archive_read_support_filter_bzip2),
	DLSYM_ARG(archive_read_support_filter_gzip),
	DLSYM_ARG(archive_read_support_filter_xz),
	DLSYM_ARG(archive_read_support_filter_zstd),
	DLSYM_ARG(archive_read_support_format_raw),
	DLSYM_ARG(archive_read_support_format_tar),
	DLSYM_ARG(archive_set_error),
	DLSYM_ARG(archive_write_close),
	DLSYM_ARG(archive_write_data),
	DLSYM_ARG(archive_write_data_block),
	DLSYM_ARG(archive_write_disk_new),
	DLSYM_ARG(archive_write_disk_set_options),
	DLSYM_ARG(archive_write_finish_entry),
	DLSYM_ARG(archive_write_free),
	DLSYM_ARG(archive_write_header),
	DLSYM_ARG(archive_write_new),
	DLSYM_ARG(archive_write_open_filename),
	DLSYM_ARG(archive_write_set_format_pax_restricted),
};

static DlLibrary archive_library = {
	.soname = ARCHIVE_DL_SONAME,
	.symbols = archive_symbols,
	.n_symbols = ELEMENTSOF(archive_symbols),
};

int img_archive_acquire(Diag *diag) {
	_cleanup_free_ char *error = NULL;
	int r = dl_library_acquire(&archive_library, &error);

	if (r < 0) {
		diag_error(diag, NULL, "image imports need libarchive (libarchive13): %s",
		           strempty(error));
		return r;
	}
	return 0;
}

void img_archive_release(void) {
	dl_library_release(&archive_library);
}
