/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The static pod file source (pkg/kubelet/config/file.go, file_linux.go): staticPodPath is a
 * directory (every regular file not starting with '.', any extension, no recursion, sorted) or
 * one file; one Pod per file, at most 10 MiB. Read at start, on inotify events, and every
 * fileCheckFrequency. Each read yields the full SET of pods; a broken file is reported (once
 * per distinct content) and skipped, leaving every other pod alone.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-event.h>

#include "diag.h"
#include "pod.h"

typedef struct FileSource FileSource;

/* A file that could not be used, with its messages ("path: field: message"). */
typedef struct SourceError {
	char *file;
	char **messages;
	size_t n_messages;
} SourceError;

/* pods: the set, paths[i] the file of pods[i] (ownership of both arrays and their contents
 * passes to the callee). */
typedef void (*file_source_update_t)(FileSource *s, Pod **pods, char **paths, size_t n_pods,
                                     void *userdata);

int file_source_new(sd_event *event, const char *path, uint64_t rescan_usec, const char *node_name,
                    file_source_update_t update, void *userdata, FileSource **ret);
FileSource *file_source_free(FileSource *s);
/* Read now (the first read happens on the next loop iteration by itself). */
void file_source_rescan(FileSource *s);
const SourceError *file_source_errors(const FileSource *s, size_t *ret_n);
const char *file_source_path(const FileSource *s);

/* One read of path: pods and errors, no loop (skiff run and tests). now: realtime µs. */
int file_source_read(const char *path, const char *node_name, uint64_t now, Pod ***ret_pods,
                     char ***ret_paths, size_t *ret_n, SourceError **ret_errors,
                     size_t *ret_n_errors);
void source_errors_free(SourceError *e, size_t n);
