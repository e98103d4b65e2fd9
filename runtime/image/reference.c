/* SPDX-License-Identifier: Apache-2.0 */
/* Reference parsing after distribution/reference (normalize.go, regexp.go, reference.go). */
#include <ctype.h>

#include "image-ref.h"
#include "macro.h"

#define NAME_TOTAL_LENGTH_MAX 255 /* reference.NameTotalLengthMax */
#define TAG_LENGTH_MAX 128
#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DEFAULT_DOMAIN "index.docker.io"
#define OFFICIAL_REPO_PREFIX "library/"

void image_ref_done(ImageRef *r) {
	if (!r)
		return;
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	*r = (ImageRef){};
}

static bool is_lower_alnum(char c) {
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_lower_hex(char c) {
	return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9');
}

bool image_digest_valid(const char *digest) {
	const char *hex = digest ? startswith(digest, "sha256:") : NULL;
	if (!hex || strlen(hex) != 64)
		return false;
	for (const char *p = hex; *p; p++)
		if (!is_lower_hex(*p))
			return false;
	return true;
}

/* pathComponent = [a-z0-9]+ ((?:[._]|__|[-]+) [a-z0-9]+)* over s[0..n) */
static bool path_component_valid(const char *s, size_t n) {
	size_t i = 0;
	if (n == 0 || !is_lower_alnum(s[0]))
		return false;
	while (i < n) {
		while (i < n && is_lower_alnum(s[i]))
			i++;
		if (i == n)
			return true;
		/* a separator, then at least one alphanumeric */
		if (s[i] == '.')
			i++;
		else if (s[i] == '_')
			i += (i + 1 < n && s[i + 1] == '_') ? 2 : 1;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
		if (i == n || !is_lower_alnum(s[i]))
			return false;
	}
	return true;
}

static bool path_valid(const char *p) {
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!path_component_valid(p, n))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

/* domainNameComponent = [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static bool domain_component_valid(const char *s, size_t n) {
	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/* host (domain name or [ipv6]) with an optional :port */
static bool domain_valid(const char *d) {
	const char *port = NULL, *end;

	if (d[0] == '[') {
		const char *close = strchr(d, ']');
		if (!close || close == d + 1)
			return false;
		for (const char *p = d + 1; p < close; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return false;
		end = close + 1;
		if (*end == ':')
			port = end + 1;
		else if (*end)
			return false;
	} else {
		const char *colon = strchr(d, ':');
		end = colon ? colon : d + strlen(d);
		if (colon)
			port = colon + 1;
		for (const char *p = d; p < end;) {
			const char *dot = memchr(p, '.', (size_t)(end - p));
			size_t n = dot ? (size_t)(dot - p) : (size_t)(end - p);
			if (!domain_component_valid(p, n))
				return false;
			p += n + (dot ? 1 : 0);
			if (dot && p == end)
				return false; /* trailing dot */
		}
	}
	if (port) {
		if (!*port)
			return false;
		for (const char *p = port; *p; p++)
			if (!isdigit((unsigned char)*p))
				return false;
	}
	return true;
}

/* tag = [\w][\w.-]{0,127} */
static bool tag_valid(const char *t) {
	size_t n = strlen(t);
	if (n == 0 || n > TAG_LENGTH_MAX || t[0] == '.' || t[0] == '-')
		return false;
	for (const char *p = t; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return false;
	return true;
}

static bool is_64_hex(const char *s) {
	if (strlen(s) != 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!is_lower_hex(*p))
			return false;
	return true;
}

/* splitDockerDomain: the first component is a domain only if it looks like one. */
static int split_domain(const char *s, char **ret_domain, char **ret_rest) {
	const char *slash = strchr(s, '/');
	_cleanup_free_ char *domain = NULL, *rest = NULL;
	bool is_domain = false;

	if (slash) {
		size_t n = (size_t)(slash - s);
		bool upper = false;
		for (size_t i = 0; i < n; i++)
			upper = upper || isupper((unsigned char)s[i]);
		is_domain = memchr(s, '.', n) || memchr(s, ':', n) ||
		            (n == strlen("localhost") && strneq(s, "localhost", n)) || upper;
	}
	if (is_domain) {
		domain = strndup(s, (size_t)(slash - s));
		rest = strdup(slash + 1);
	} else {
		domain = strdup(DEFAULT_DOMAIN);
		rest = strdup(s);
	}
	if (!domain || !rest)
		return -ENOMEM;
	if (streq(domain, LEGACY_DEFAULT_DOMAIN)) {
		free(domain);
		if (!(domain = strdup(DEFAULT_DOMAIN)))
			return -ENOMEM;
	}
	if (streq(domain, DEFAULT_DOMAIN) && !strchr(rest, '/')) {
		char *r = NULL;
		if (asprintf(&r, OFFICIAL_REPO_PREFIX "%s", rest) < 0)
			return -ENOMEM;
		free(rest);
		rest = r;
	}
	*ret_domain = TAKE_PTR(domain);
	*ret_rest = TAKE_PTR(rest);
	return 0;
}

static int fail(Diag *diag, const char *s, const char *why) {
	diag_error(diag, NULL, "invalid image reference \"%s\": %s", s, why);
	return -EINVAL;
}

int image_ref_parse(const char *s, ImageRef *ret, Diag *diag) {
	_cleanup_free_ char *domain = NULL, *rest = NULL;
	ImageRef r = {};
	int k;

	if (isempty(s))
		return fail(diag, strempty(s), "empty");
	if (strlen(s) > 4096)
		return fail(diag, "...", "longer than 4096 bytes");
	if (is_64_hex(s))
		return fail(diag, s, "cannot specify 64-byte hexadecimal strings");
	k = split_domain(s, &domain, &rest);
	if (k < 0)
		return k;

	char *at = strchr(rest, '@');
	if (at) {
		*at = 0;
		if (!image_digest_valid(at + 1)) {
			return fail(diag, s,
			            startswith(at + 1, "sha256:")
			                    ? "a sha256 digest is 64 lowercase hexadecimal digits"
			                    : "unsupported digest algorithm (only sha256)");
		}
	}
	char *last_slash = strrchr(rest, '/');
	char *colon = strchr(last_slash ? last_slash : rest, ':');
	if (colon) {
		*colon = 0;
		if (!tag_valid(colon + 1))
			return fail(diag, s, "a tag is [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
	}
	for (const char *p = rest; *p; p++)
		if (isupper((unsigned char)*p))
			return fail(diag, s, "repository name must be lowercase");
	if (!domain_valid(domain))
		return fail(diag, s, "invalid registry host");
	if (!path_valid(rest))
		return fail(diag, s,
		            "path components are lowercase letters and digits separated by "
		            "'.', '_', '__' or dashes");
	if (strlen(domain) + 1 + strlen(rest) > NAME_TOTAL_LENGTH_MAX)
		return fail(diag, s, "repository name must not be more than 255 characters");

	r.domain = TAKE_PTR(domain);
	r.path = strdup(rest);
	r.tag = colon ? strdup(colon + 1) : (at ? NULL : strdup("latest"));
	r.digest = at ? strdup(at + 1) : NULL;
	if (!r.path || (colon && !r.tag) || (!colon && !at && !r.tag) || (at && !r.digest)) {
		image_ref_done(&r);
		return -ENOMEM;
	}
	*ret = r;
	return 0;
}

char *image_ref_repository(const ImageRef *r) {
	char *s = NULL;
	if (asprintf(&s, "%s/%s", r->domain, r->path) < 0)
		return NULL;
	return s;
}

char *image_ref_string(const ImageRef *r) {
	char *s = NULL;
	if (asprintf(&s, "%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "", strempty(r->tag),
	             r->digest ? "@" : "", strempty(r->digest)) < 0)
		return NULL;
	return s;
}

int image_ref_normalize(const char *s, char **ret, Diag *diag) {
	ImageRef r = {};
	int k = image_ref_parse(s, &r, diag);
	if (k < 0)
		return k;
	*ret = image_ref_string(&r);
	image_ref_done(&r);
	return *ret ? 0 : -ENOMEM;
}
