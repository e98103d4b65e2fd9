/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <ctype.h>
#include <time.h>

#include "static-pod.h"

typedef unsigned __int128 u128;

typedef struct Fnv128 {
	u128 h;
} Fnv128;

static void fnv_init(Fnv128 *f) {
	/* offset basis 0x6c62272e07bb014262b821756295c58d */
	f->h = ((u128)0x6c62272e07bb0142ULL << 64) | 0x62b821756295c58dULL;
}

static void fnv_feed(Fnv128 *f, const void *data, size_t len) {
	/* prime 2^88 + 2^8 + 0x3b */
	const u128 prime = ((u128)1 << 88) | 0x13bULL;
	const uint8_t *p = data;
	for (size_t i = 0; i < len; i++) {
		f->h ^= p[i];
		f->h *= prime;
	}
}

static void fnv_hex(const Fnv128 *f, char out[static 33]) {
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)(f->h >> 64),
	         (unsigned long long)(uint64_t)f->h);
}

void fnv128a_hex(const void *data, size_t len, char out[static 33]) {
	Fnv128 f;
	fnv_init(&f);
	fnv_feed(&f, data, len);
	fnv_hex(&f, out);
}

/* Go's time.RFC3339Nano, as the kubelet's seen timestamp: trailing zeros of the fraction
 * trimmed, no dot for whole seconds. */
static char *rfc3339nano(uint64_t usec) {
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	char buf[64], frac[8] = "", *r = NULL;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	if (usec % 1000000) {
		snprintf(frac, sizeof(frac), ".%06llu", (unsigned long long)(usec % 1000000));
		for (size_t n = strlen(frac); frac[n - 1] == '0'; n--)
			frac[n - 1] = 0;
	}
	if (asprintf(&r, "%s%sZ", buf, frac) < 0)
		return NULL;
	return r;
}

int static_pod_apply_defaults(Pod *pod, const char *node_name, const char *source,
                              const char *origin, uint64_t seen, bool suffix_node_name) {
	ObjectMeta *m = &pod->metadata;
	int r;

	if (isempty(m->uid)) {
		/* common.go: hash of the decoded pod, then "host:<node>", then "<source>:<origin>"
		 * (the kubelet hashes its Go object dump; skiff hashes the canonical JSON). */
		json_object *o = NULL;
		if ((r = pod_to_json(pod, &o)) < 0)
			return r;
		const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		Fnv128 f;
		char hex[33];
		fnv_init(&f);
		fnv_feed(&f, text, strlen(text));
		fnv_feed(&f, "host:", 5);
		fnv_feed(&f, node_name, strlen(node_name));
		const char *kind = streq(source, "http") ? "url:" : "file:";
		fnv_feed(&f, kind, strlen(kind));
		fnv_feed(&f, origin, strlen(origin));
		fnv_hex(&f, hex);
		json_object_put(o);
		free(m->uid);
		if (!(m->uid = strdup(hex)))
			return -ENOMEM;
	}
	/* generatePodName: <name>-<lowercase node name> */
	if (suffix_node_name) {
		_cleanup_free_ char *lower = strdup(node_name), *name = NULL;
		if (!lower)
			return -ENOMEM;
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (asprintf(&name, "%s-%s", m->name, lower) < 0)
			return -ENOMEM;
		free(m->name);
		m->name = TAKE_PTR(name);
	}
	if (isempty(m->namespace)) {
		free(m->namespace);
		if (!(m->namespace = strdup("default")))
			return -ENOMEM;
	}
	free(pod->spec.node_name);
	if (!(pod->spec.node_name = strdup(node_name)))
		return -ENOMEM;
	_cleanup_free_ char *when = rfc3339nano(seen);
	if (!when)
		return -ENOMEM;
	if ((r = strmap_set(&m->annotations, ANNOTATION_CONFIG_HASH, m->uid)) < 0 ||
	    (r = strmap_set(&m->annotations, ANNOTATION_CONFIG_SEEN, when)) < 0 ||
	    (r = strmap_set(&m->annotations, ANNOTATION_CONFIG_SOURCE, source)) < 0)
		return r;
	return 0;
}
