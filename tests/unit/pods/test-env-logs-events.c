/* SPDX-License-Identifier: Apache-2.0 */
/* $(VAR) expansion and env building, CRI log reading, events, static pod defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "env.h"
#include "log-reader.h"
#include "pod-events.h"
#include "pod-fixture.h"
#include "static-pod.h"

static void test_expand(void **state) {
	char *env[] = { "A=1", "B=two", "A=3", NULL };
	struct {
		const char *in, *out;
	} t[] = {
		{ "$(A)", "3" },                           /* the last definition wins */
		{ "x$(B)y", "xtwoy" }, { "$(C)", "$(C)" }, /* unknown references stay as written */
		{ "$$(A)", "$(A)" },                       /* escaped */
		{ "$$", "$" },         { "$(A", "$(A" },   /* unterminated */
		{ "$A", "$A" },        { "cost: 5$", "cost: 5$" }, { "", "" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		_cleanup_free_ char *o = env_expand(t[i].in, env, 3);
		assert_string_equal(o, t[i].out);
	}
}

static void test_env_build(void **state) {
	_cleanup_pod_free_ Pod *p = fixture_pod(
	        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"e\",\"uid\":"
	        "\"u1\"},"
	        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\",\"env\":["
	        "{\"name\":\"A\",\"value\":\"x\"},{\"name\":\"B\",\"value\":\"$(A)-$(Z)\"},"
	        "{\"name\":\"N\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}},"
	        "{\"name\":\"NODE\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.nodeName\"}}}"
	        ","
	        "{\"name\":\"CPU\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":\"limits."
	        "cpu\"}}},"
	        "{\"name\":\"MEM\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":"
	        "\"requests.memory\",\"divisor\":\"1Mi\"}}}],"
	        "\"resources\":{\"requests\":{\"memory\":\"1536Ki\"},\"limits\":{\"cpu\":\"1500m\"}"
	        "}}]}}");
	assert_non_null(p);
	EnvContext ctx = { .pod = p, .node_name = "n1", .node_allocatable_cpu_milli = 4000 };
	_cleanup_strv_free_ char **env = NULL;
	_cleanup_free_ char *err = NULL;
	assert_int_equal(env_build(&ctx, &p->spec.containers[0], &env, &err), 0);
	assert_string_equal(env[0], "A=x");
	assert_string_equal(env[1], "B=x-$(Z)");
	assert_string_equal(env[2], "N=e");
	assert_string_equal(env[3], "NODE=n1");
	assert_string_equal(env[4], "CPU=2"); /* ceil(1.5 cores) */
	assert_string_equal(env[5], "MEM=2"); /* ceil(1.5Mi / 1Mi) */
	assert_null(env[6]);
}

static void test_cri_parse(void **state) {
	CriRecord r;
	const char *l = "2026-11-26T05:37:01.123456789Z stderr P half";
	assert_int_equal(cri_record_parse(l, strlen(l), &r), 0);
	assert_true(r.is_stderr);
	assert_true(r.partial);
	assert_int_equal(r.text_len, 4);
	l = "2026-11-26T05:37:01Z stdout F:x ";
	assert_int_equal(cri_record_parse(l, strlen(l), &r), 0);
	assert_false(r.partial);
	assert_int_equal(r.text_len, 0);
	l = "2026 stdin F x";
	assert_int_equal(cri_record_parse(l, strlen(l), &r), -EINVAL);
	l = "garbage";
	assert_int_equal(cri_record_parse(l, strlen(l), &r), -EINVAL);
}

static void test_render(void **state) {
	const char *log = "T1 stdout F one\n"
	                  "T2 stdout P tw\n"
	                  "T3 stdout F o\n"
	                  "bad line\n"
	                  "T4 stderr F three\n";
	_cleanup_free_ char *all = NULL, *tail = NULL, *ts = NULL, *lim = NULL;
	LogRenderOptions o = { .tail = -1 };
	assert_int_equal(log_render(log, strlen(log), &o, &all, NULL), 0);
	assert_string_equal(all, "one\ntwo\nthree\n");
	o.tail = 2;
	assert_int_equal(log_render(log, strlen(log), &o, &tail, NULL), 0);
	assert_string_equal(tail, "two\nthree\n");
	o = (LogRenderOptions){ .tail = 1, .timestamps = true };
	assert_int_equal(log_render(log, strlen(log), &o, &ts, NULL), 0);
	assert_string_equal(ts, "T4 three\n");
	o = (LogRenderOptions){ .tail = -1, .limit_bytes = 6 };
	assert_int_equal(log_render(log, strlen(log), &o, &lim, NULL), 0);
	assert_string_equal(lim, "one\ntw");
}

typedef struct Lines {
	char buf[256];
} Lines;

static void collect(const char *text, size_t len, void *userdata) {
	Lines *l = userdata;
	strncat(l->buf, text, len);
	strcat(l->buf, "|");
}

static void test_follower(void **state) {
	LogFollower f = { .timestamps = false };
	Lines l = {};
	log_follower_feed(&f, "T1 stdout F a\nT2 std", 20, collect, &l);
	assert_string_equal(l.buf, "a\n|");
	log_follower_feed(&f, "out P b\nT3 stdout F c\n", 22, collect, &l);
	assert_string_equal(l.buf, "a\n|b|c\n|");
	log_follower_done(&f);
}

static void test_events(void **state) {
	PodEvents e = {};
	pod_events_add(&e, false, "Pulled", 1, "image %s", "busybox");
	pod_events_add(&e, true, "BackOff", 2, "Back-off");
	pod_events_add(&e, true, "BackOff", 5, "Back-off");
	assert_int_equal(e.n, 2);
	assert_int_equal(pod_events_get(&e, 1)->count, 2);
	assert_int_equal(pod_events_get(&e, 1)->first, 2);
	assert_int_equal(pod_events_get(&e, 1)->last, 5);
	for (int i = 0; i < POD_EVENTS_MAX + 10; i++)
		pod_events_add(&e, false, "Started", (uint64_t)i, "n %d", i);
	assert_int_equal(e.n, POD_EVENTS_MAX);
	assert_string_equal(pod_events_get(&e, 0)->message, "n 10"); /* the oldest fell off */
	json_object *j = pod_events_to_json(&e, "default", "p", "u", "node");
	assert_int_equal(json_object_array_length(j), POD_EVENTS_MAX);
	json_object_put(j);
	pod_events_done(&e);
}

static void test_fnv(void **state) {
	char out[33];
	/* FNV-128a test vectors (offset basis for "", and "a") */
	fnv128a_hex("", 0, out);
	assert_string_equal(out, "6c62272e07bb014262b821756295c58d");
	fnv128a_hex("a", 1, out);
	assert_string_equal(out, "d228cb696f1a8caf78912b704e4a8964");
}

static void test_static_defaults(void **state) {
	const char *j = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\"},"
	                "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
	_cleanup_pod_free_ Pod *a = fixture_pod(j), *b = fixture_pod(j), *c = fixture_pod(j);
	assert_int_equal(static_pod_apply_defaults(a, "Node1", "file", "/p/web.yaml", 1, true), 0);
	assert_int_equal(static_pod_apply_defaults(b, "Node1", "file", "/p/web.yaml", 99, true), 0);
	assert_int_equal(static_pod_apply_defaults(c, "Node1", "file", "/p/other.yaml", 1, false),
	                 0);
	assert_string_equal(a->metadata.name, "web-node1");
	assert_string_equal(c->metadata.name, "web");
	assert_string_equal(a->metadata.namespace, "default");
	assert_string_equal(a->spec.node_name, "Node1");
	assert_int_equal(strlen(a->metadata.uid), 32);
	assert_string_equal(a->metadata.uid, b->metadata.uid);     /* same content, same UID */
	assert_string_not_equal(a->metadata.uid, c->metadata.uid); /* another file */
	assert_string_equal(strmap_get(&a->metadata.annotations, ANNOTATION_CONFIG_HASH),
	                    a->metadata.uid);
	assert_string_equal(strmap_get(&a->metadata.annotations, ANNOTATION_CONFIG_SOURCE), "file");
	/* Go's RFC3339Nano: trailing zeros trimmed, no dot for whole seconds. */
	assert_string_equal(strmap_get(&a->metadata.annotations, ANNOTATION_CONFIG_SEEN),
	                    "1970-01-01T00:00:00.000001Z");
	_cleanup_pod_free_ Pod *d = fixture_pod(j), *e = fixture_pod(j);
	assert_int_equal(static_pod_apply_defaults(d, "n", "file", "/p/web.yaml", 1500000, true),
	                 0);
	assert_int_equal(static_pod_apply_defaults(e, "n", "file", "/p/web.yaml", 2000000, true),
	                 0);
	assert_string_equal(strmap_get(&d->metadata.annotations, ANNOTATION_CONFIG_SEEN),
	                    "1970-01-01T00:00:01.5Z");
	assert_string_equal(strmap_get(&e->metadata.annotations, ANNOTATION_CONFIG_SEEN),
	                    "1970-01-01T00:00:02Z");
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expand),    cmocka_unit_test(test_env_build),
		cmocka_unit_test(test_cri_parse), cmocka_unit_test(test_render),
		cmocka_unit_test(test_follower),  cmocka_unit_test(test_events),
		cmocka_unit_test(test_fnv),       cmocka_unit_test(test_static_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
