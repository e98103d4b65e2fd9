/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A User string ("", "uid", "uid:gid", "name", "name:group", "uid:group", "name:gid") resolved
 * against an image's /etc/passwd and /etc/group, as containerd's oci.WithUser and
 * WithAdditionalGIDs do:
 *   ""          -> 0:0
 *   "uid"       -> uid, the gid of its passwd entry, or 0 when it has none
 *   "name"      -> must be in passwd
 *   "u:g"       -> numeric parts taken as they are; names must exist
 * Supplementary groups: the primary gid, then every group listing the user's name (the
 * Kubernetes "Merge" supplementalGroupsPolicy); the Pod's own groups are the agent's to add.
 * The files are untrusted input: parsing is bounded and malformed lines are skipped.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define IMAGE_USER_FILE_MAX (4u << 20) /* bigger passwd/group files are refused */
#define IMAGE_USER_GROUPS_MAX 64       /* supplementary groups taken from /etc/group */

typedef struct ImageUser {
	uint32_t uid;
	uint32_t gid;
	uint32_t *gids; /* supplementary, primary first */
	size_t n_gids;
	char *name; /* the passwd name of uid, or NULL */
	char *home; /* its home directory, or NULL */
} ImageUser;

void image_user_done(ImageUser *u);

/* passwd/group: file contents (NULL: the file is absent). */
int image_user_resolve_buf(const char *spec, const char *passwd, size_t passwd_len,
                           const char *group, size_t group_len, ImageUser *ret, Diag *diag);
