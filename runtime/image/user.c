/* SPDX-License-Identifier: Apache-2.0 */
/* /etc/passwd and /etc/group of an image: untrusted text, parsed in place, bounded. */
#include "image-user.h"
#include "image-util.h"

#define SPEC_MAX 256
#define FIELDS_MAX 8

void image_user_done(ImageUser *u) {
	if (!u)
		return;
	free(u->gids);
	free(u->name);
	free(u->home);
	*u = (ImageUser){};
}

/* A view of one field inside the file buffer. */
typedef struct Span {
	const char *p;
	size_t n;
} Span;

/* Decimal id 0..4294967294 (4294967295 is (uid_t)-1); false for anything else. */
static bool parse_id(const char *p, size_t n, uint32_t *ret) {
	uint64_t v = 0;
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (v >= UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* Split the next line of buf into ':' fields; returns false at the end. */
static bool next_line(const char *buf, size_t len, size_t *pos, Span *fields, size_t *n_fields) {
	while (*pos < len) {
		const char *line = buf + *pos;
		const char *nl = memchr(line, '\n', len - *pos);
		size_t ll = nl ? (size_t)(nl - line) : len - *pos;
		*pos += ll + (nl ? 1 : 0);
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0 || line[0] == '#')
			continue;
		size_t n = 0, start = 0;
		for (size_t i = 0; i <= ll && n < FIELDS_MAX; i++)
			if (i == ll || line[i] == ':') {
				fields[n++] = (Span){ line + start, i - start };
				start = i + 1;
			}
		*n_fields = n;
		return true;
	}
	return false;
}

typedef struct PasswdEntry {
	Span name, home;
	uint32_t uid, gid;
} PasswdEntry;

/* By name (name.p != NULL) or by uid: the first well-formed match. */
static bool passwd_find(const char *buf, size_t len, Span name, uint32_t uid, PasswdEntry *ret) {
	Span f[FIELDS_MAX];
	size_t pos = 0, n;

	while (buf && next_line(buf, len, &pos, f, &n)) {
		PasswdEntry e = { .name = f[0], .home = n > 5 ? f[5] : (Span){} };
		if (n < 4 || f[0].n == 0 || !parse_id(f[2].p, f[2].n, &e.uid) ||
		    !parse_id(f[3].p, f[3].n, &e.gid))
			continue;
		if (name.p ? (name.n == f[0].n && memcmp(name.p, f[0].p, name.n) == 0)
		           : e.uid == uid) {
			*ret = e;
			return true;
		}
	}
	return false;
}

static bool group_find(const char *buf, size_t len, Span name, uint32_t *ret) {
	Span f[FIELDS_MAX];
	size_t pos = 0, n;
	uint32_t gid;

	while (buf && next_line(buf, len, &pos, f, &n)) {
		if (n < 3 || !parse_id(f[2].p, f[2].n, &gid))
			continue;
		if (name.n == f[0].n && memcmp(name.p, f[0].p, name.n) == 0) {
			*ret = gid;
			return true;
		}
	}
	return false;
}

static bool member_of(Span members, Span user) {
	const char *p = members.p, *end = members.p + members.n;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t l = comma ? (size_t)(comma - p) : (size_t)(end - p);
		if (l == user.n && memcmp(p, user.p, l) == 0)
			return true;
		p += l + 1;
	}
	return false;
}

static int add_gid(ImageUser *u, uint32_t gid) {
	for (size_t i = 0; i < u->n_gids; i++)
		if (u->gids[i] == gid)
			return 0;
	if (u->n_gids >= IMAGE_USER_GROUPS_MAX + 1)
		return 0; /* bounded: extra memberships are ignored */
	uint32_t *g = realloc(u->gids, (u->n_gids + 1) * sizeof(uint32_t));
	if (!g)
		return -ENOMEM;
	g[u->n_gids++] = gid;
	u->gids = g;
	return 0;
}

static int supplementary_groups(ImageUser *u, const char *buf, size_t len) {
	Span f[FIELDS_MAX], user = { u->name, u->name ? strlen(u->name) : 0 };
	size_t pos = 0, n;
	uint32_t gid;
	int r = add_gid(u, u->gid);

	while (r >= 0 && user.n > 0 && buf && next_line(buf, len, &pos, f, &n))
		if (n >= 4 && parse_id(f[2].p, f[2].n, &gid) && member_of(f[3], user))
			r = add_gid(u, gid);
	return r;
}

static int set_from_entry(ImageUser *u, const PasswdEntry *e) {
	u->uid = e->uid;
	u->gid = e->gid;
	u->name = strndup(e->name.p, e->name.n);
	u->home = e->home.n ? strndup(e->home.p, e->home.n) : NULL;
	return u->name && (!e->home.n || u->home) ? 0 : -ENOMEM;
}

static int resolve_user_part(ImageUser *u, Span part, const char *passwd, size_t passwd_len,
                             const char *spec, Diag *diag) {
	PasswdEntry e;
	uint32_t uid;

	if (parse_id(part.p, part.n, &uid)) {
		if (passwd_find(passwd, passwd_len, (Span){}, uid, &e))
			return set_from_entry(u, &e);
		u->uid = uid;
		u->gid = 0;
		return 0;
	}
	if (!passwd_find(passwd, passwd_len, part, 0, &e)) {
		diag_error(diag, "user", "\"%s\": no user \"%.*s\" in the image's /etc/passwd%s",
		           spec, (int)part.n, part.p,
		           passwd ? "" : " (the image has no /etc/passwd)");
		return -ESRCH;
	}
	return set_from_entry(u, &e);
}

int image_user_resolve_buf(const char *spec, const char *passwd, size_t passwd_len,
                           const char *group, size_t group_len, ImageUser *ret, Diag *diag) {
	ImageUser u = {};
	Span user, grp = {};
	int r;

	spec = strempty(spec);
	if (strlen(spec) > SPEC_MAX || passwd_len > IMAGE_USER_FILE_MAX ||
	    group_len > IMAGE_USER_FILE_MAX) {
		diag_error(diag, "user", "user string or /etc/passwd, /etc/group too large");
		return -E2BIG;
	}
	const char *colon = strchr(spec, ':');
	if (colon && strchr(colon + 1, ':')) {
		diag_error(diag, "user", "\"%s\": more than one ':'", spec);
		return -EINVAL;
	}
	user = (Span){ spec, colon ? (size_t)(colon - spec) : strlen(spec) };
	if (colon)
		grp = (Span){ colon + 1, strlen(colon + 1) };
	if (user.n == 0 && (colon || *spec)) {
		diag_error(diag, "user", "\"%s\": empty user name", spec);
		return -EINVAL;
	}
	if (colon && grp.n == 0) {
		diag_error(diag, "user", "\"%s\": empty group name", spec);
		return -EINVAL;
	}
	if (user.n == 0)
		user = (Span){ "0", 1 }; /* no User: root */

	r = resolve_user_part(&u, user, passwd, passwd_len, spec, diag);
	if (r >= 0 && colon && !parse_id(grp.p, grp.n, &u.gid) &&
	    !group_find(group, group_len, grp, &u.gid)) {
		diag_error(diag, "user", "\"%s\": no group \"%.*s\" in the image's /etc/group%s",
		           spec, (int)grp.n, grp.p, group ? "" : " (the image has no /etc/group)");
		r = -ESRCH;
	}
	if (r >= 0)
		r = supplementary_groups(&u, group, group_len);
	if (r < 0) {
		image_user_done(&u);
		return r;
	}
	*ret = u;
	return 0;
}
