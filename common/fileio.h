/* SPDX-License-Identifier: Apache-2.0 */
/* Small file helpers: bounded reads, atomic writes (temp file + rename), directory creation. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Read a whole file, at most max_size bytes (-EFBIG beyond). *ret is NUL-terminated. */
int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_size);
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size);
/* All of data, retrying short writes and EINTR. */
int fd_write_all(int fd, const void *data, size_t size);
/* Write data to path through "<path>.tmp-XXXXXX" + fsync-less rename: readers see old or new. */
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);
/* Write a string to an existing file (sysfs, cgroupfs, procfs): one write(2). */
int write_string_file(const char *path, const char *s);
/* mkdir -p with mode for each created component. */
int mkdir_p(const char *path, mode_t mode);
/* rm -rf that never crosses into another file system or follows symlinks. */
int rm_rf(const char *path);
