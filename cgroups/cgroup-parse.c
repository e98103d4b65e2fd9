/* SPDX-License-Identifier: Apache-2.0 */
/* Pure parsers of cgroupfs contents and of caller paths: no I/O, unit-tested. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>

#include "cgroup-internal.h"
#include "macro.h"

int cgroup_parse_u64(const char *s, uint64_t *ret) {
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (strneq(s, "max", 3) && (s[3] == 0 || isspace((unsigned char)s[3]))) {
		*ret = UINT64_MAX;
		return 0;
	}
	/* -1 is how v1 spells "no limit" in a few files (cfs_quota_us). */
	if (strneq(s, "-1", 2) && (s[2] == 0 || isspace((unsigned char)s[2]))) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end != 0 && !isspace((unsigned char)*end))
		return -EINVAL;
	*ret = v;
	return 0;
}

bool cgroup_list_contains(const char *list, const char *word) {
	size_t l = strlen(word);

	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\n' && *e != '\t')
			e++;
		if ((size_t)(e - p) == l && strneq(p, word, l))
			return true;
		p = e;
	}
	return false;
}

int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret) {
	size_t l = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strneq(p, key, l) && (p[l] == ' ' || p[l] == '\t'))
			return cgroup_parse_u64(p + l + 1, ret);
	return -ENOENT;
}

/* "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" */
static int parse_pressure_line(const char *p, CgroupPressureLine *ret) {
	CgroupPressureLine l = { 0 };
	unsigned long long total;

	if (sscanf(p, "avg10=%lf avg60=%lf avg300=%lf total=%llu", &l.avg10, &l.avg60, &l.avg300,
	           &total) != 4)
		return -EINVAL;
	l.total_us = total;
	*ret = l;
	return 0;
}

int cgroup_parse_pressure(const char *text, CgroupPressure *ret) {
	CgroupPressure p = { 0 };
	bool some = false;
	int r;

	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		const char *v;
		if ((v = startswith(s, "some "))) {
			r = parse_pressure_line(v, &p.some);
			some = true;
		} else if ((v = startswith(s, "full "))) {
			r = parse_pressure_line(v, &p.full);
		} else {
			continue;
		}
		if (r < 0)
			return r;
	}
	/* Kernels before 5.13 have no "full" line for cpu: it stays zero. */
	if (!some)
		return -EINVAL;
	p.available = true;
	*ret = p;
	return 0;
}

int cgroup_path_normalize(const char *path, bool allow_root, char *buf, size_t size) {
	size_t n = 0;

	if (!path || size == 0)
		return -EINVAL;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t l = (size_t)(e - p);
		if ((l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		if (n + (n > 0) + l + 1 > size)
			return -ENAMETOOLONG;
		if (n > 0)
			buf[n++] = '/';
		memcpy(buf + n, p, l);
		n += l;
		p = e;
	}
	buf[n] = 0;
	if (n == 0 && !allow_root)
		return -EINVAL;
	return 0;
}

uint64_t cgroup_v1_limit(uint64_t v) {
	/* PAGE_COUNTER_MAX * page size, rounded: anything at or above 2^62 is "no limit". */
	return v >= (UINT64_C(1) << 62) ? UINT64_MAX : v;
}
