/* SPDX-License-Identifier: Apache-2.0 */
/* The Prometheus registry, rendered byte for byte as text format 0.0.4. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics.h"

static char *render(MetricsRegistry *r) {
	char *s = NULL;
	size_t n;
	assert_int_equal(metrics_render(r, &s, &n), 0);
	assert_int_equal(strlen(s), n);
	return s;
}

static void test_counter_gauge(void **state) {
	_cleanup_(metrics_registry_freep) MetricsRegistry *r = NULL;
	Metric *pods, *restarts, *evictions;

	assert_int_equal(metrics_registry_new(&r), 0);
	assert_int_equal(metrics_gauge_new(r, "skiff_pods", "Pods by phase.",
	                                   (const char *[]){ "phase", NULL }, &pods),
	                 0);
	assert_int_equal(
	        metrics_counter_new(r, "skiff_container_restarts_total", "Container restarts.",
	                            (const char *[]){ "namespace", "pod", "container", NULL },
	                            &restarts),
	        0);
	assert_int_equal(
	        metrics_counter_new(r, "skiff_evictions_total", "Pods evicted.", NULL, &evictions),
	        0);

	/* a labelled family with no series is omitted; one without labels shows 0 */
	_cleanup_free_ char *empty = render(r);
	assert_string_equal(empty, "# HELP skiff_evictions_total Pods evicted.\n"
	                           "# TYPE skiff_evictions_total counter\n"
	                           "skiff_evictions_total 0\n");

	assert_int_equal(metrics_gauge_set(pods, (const char *[]){ "Running" }, 3), 0);
	assert_int_equal(metrics_gauge_set(pods, (const char *[]){ "Pending" }, 1), 0);
	assert_int_equal(metrics_gauge_add(pods, (const char *[]){ "Running" }, -1), 0);
	assert_int_equal(metrics_counter_inc(restarts, (const char *[]){ "default", "web", "app" }),
	                 0);
	assert_int_equal(
	        metrics_counter_add(restarts, (const char *[]){ "default", "web", "app" }, 2), 0);
	assert_int_equal(
	        metrics_counter_inc(restarts, (const char *[]){ "default", "db", "pg\"sql\\\n" }),
	        0);
	assert_int_equal(metrics_counter_add(evictions, NULL, 0.5), 0);

	_cleanup_free_ char *text = render(r);
	assert_string_equal(text,
	                    "# HELP skiff_pods Pods by phase.\n"
	                    "# TYPE skiff_pods gauge\n"
	                    "skiff_pods{phase=\"Pending\"} 1\n"
	                    "skiff_pods{phase=\"Running\"} 2\n"
	                    "# HELP skiff_container_restarts_total Container restarts.\n"
	                    "# TYPE skiff_container_restarts_total counter\n"
	                    "skiff_container_restarts_total{namespace=\"default\",pod=\"db\","
	                    "container=\"pg\\\"sql\\\\\\n\"} 1\n"
	                    "skiff_container_restarts_total{namespace=\"default\",pod=\"web\","
	                    "container=\"app\"} 3\n"
	                    "# HELP skiff_evictions_total Pods evicted.\n"
	                    "# TYPE skiff_evictions_total counter\n"
	                    "skiff_evictions_total 0.5\n");

	/* removing and clearing series */
	assert_int_equal(metrics_remove(restarts, (const char *[]){ "default", "web", "app" }), 0);
	assert_int_equal(metrics_remove(restarts, (const char *[]){ "default", "web", "app" }),
	                 -ENOENT);
	assert_int_equal(metrics_series(restarts), 1);
	metrics_clear(pods);
	assert_int_equal(metrics_series(pods), 0);
}

static void test_histogram(void **state) {
	_cleanup_(metrics_registry_freep) MetricsRegistry *r = NULL;
	Metric *h, *d;

	assert_int_equal(metrics_registry_new(&r), 0);
	assert_int_equal(metrics_histogram_new(r, "skiff_pod_sync_duration_seconds",
	                                       "Pod sync latency.\nIn seconds \\ s.",
	                                       (const char *[]){ "operation", NULL },
	                                       (const double[]){ 0.01, 0.1, 1, 2.5 }, 4, &h),
	                 0);
	assert_int_equal(metrics_histogram_observe(h, (const char *[]){ "sync" }, 0.01), 0);
	assert_int_equal(metrics_histogram_observe(h, (const char *[]){ "sync" }, 0.05), 0);
	assert_int_equal(metrics_histogram_observe(h, (const char *[]){ "sync" }, 2), 0);
	assert_int_equal(metrics_histogram_observe(h, (const char *[]){ "sync" }, 30), 0);

	assert_int_equal(metrics_histogram_new(r, "skiff_probe_duration_seconds", "", NULL,
	                                       METRICS_DEFAULT_BUCKETS, METRICS_DEFAULT_N_BUCKETS,
	                                       &d),
	                 0);
	assert_int_equal(metrics_histogram_observe(d, NULL, 0.003), 0);

	_cleanup_free_ char *text = render(r);
	assert_string_equal(
	        text,
	        "# HELP skiff_pod_sync_duration_seconds Pod sync latency.\\nIn seconds \\\\ s.\n"
	        "# TYPE skiff_pod_sync_duration_seconds histogram\n"
	        "skiff_pod_sync_duration_seconds_bucket{operation=\"sync\",le=\"0.01\"} 1\n"
	        "skiff_pod_sync_duration_seconds_bucket{operation=\"sync\",le=\"0.1\"} 2\n"
	        "skiff_pod_sync_duration_seconds_bucket{operation=\"sync\",le=\"1\"} 2\n"
	        "skiff_pod_sync_duration_seconds_bucket{operation=\"sync\",le=\"2.5\"} 3\n"
	        "skiff_pod_sync_duration_seconds_bucket{operation=\"sync\",le=\"+Inf\"} 4\n"
	        "skiff_pod_sync_duration_seconds_sum{operation=\"sync\"} 32.06\n"
	        "skiff_pod_sync_duration_seconds_count{operation=\"sync\"} 4\n"
	        "# TYPE skiff_probe_duration_seconds histogram\n"
	        "skiff_probe_duration_seconds_bucket{le=\"0.005\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"0.01\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"0.025\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"0.05\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"0.1\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"0.25\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"0.5\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"1\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"2.5\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"5\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"10\"} 1\n"
	        "skiff_probe_duration_seconds_bucket{le=\"+Inf\"} 1\n"
	        "skiff_probe_duration_seconds_sum 0.003\n"
	        "skiff_probe_duration_seconds_count 1\n");
}

static void test_values(void **state) {
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0, "0" },
		{ 1, "1" },
		{ -1, "-1" },
		{ 0.1, "0.1" },
		{ 1.5, "1.5" },
		{ 100000, "100000" },
		{ 999999, "999999" },
		{ 1e6, "1e+06" },
		{ 1234567, "1.234567e+06" },
		{ 24576000, "2.4576e+07" },
		{ 0.0001, "0.0001" },
		{ 0.00001, "1e-05" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 1e21, "1e+21" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		metrics_format_value(cases[i].v, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	metrics_format_value(INFINITY, buf, sizeof(buf));
	assert_string_equal(buf, "+Inf");
	metrics_format_value(-INFINITY, buf, sizeof(buf));
	assert_string_equal(buf, "-Inf");
	metrics_format_value(NAN, buf, sizeof(buf));
	assert_string_equal(buf, "NaN");
}

static void test_errors(void **state) {
	_cleanup_(metrics_registry_freep) MetricsRegistry *r = NULL;
	Metric *c, *g, *h;

	assert_int_equal(metrics_registry_new(&r), 0);
	assert_int_equal(metrics_counter_new(r, "1bad", "", NULL, NULL), -EINVAL);
	assert_int_equal(metrics_counter_new(r, "bad-name", "", NULL, NULL), -EINVAL);
	assert_int_equal(metrics_counter_new(r, "x", "", (const char *[]){ "__x", NULL }, NULL),
	                 -EINVAL);
	assert_int_equal(metrics_counter_new(r, "x", "", (const char *[]){ "a", "a", NULL }, NULL),
	                 -EINVAL);
	assert_int_equal(metrics_histogram_new(r, "h", "", (const char *[]){ "le", NULL },
	                                       (const double[]){ 1 }, 1, NULL),
	                 -EINVAL);
	assert_int_equal(metrics_histogram_new(r, "h", "", NULL, (const double[]){ 2, 1 }, 2, NULL),
	                 -EINVAL);
	assert_int_equal(metrics_histogram_new(r, "h", "", NULL, NULL, 0, NULL), -EINVAL);

	assert_int_equal(metrics_counter_new(r, "c_total", "", (const char *[]){ "pod", NULL }, &c),
	                 0);
	assert_int_equal(metrics_counter_new(r, "c_total", "", NULL, NULL), -EEXIST);
	assert_int_equal(metrics_gauge_new(r, "g", "", NULL, &g), 0);
	assert_int_equal(metrics_histogram_new(r, "h", "", NULL, (const double[]){ 1 }, 1, &h), 0);

	assert_int_equal(metrics_counter_add(c, (const char *[]){ "a" }, -1), -EINVAL);
	assert_int_equal(metrics_counter_add(c, (const char *[]){ "a" }, NAN), -EINVAL);
	assert_int_equal(metrics_counter_inc(c, NULL), -EINVAL);
	assert_int_equal(metrics_counter_inc(c, (const char *[]){ NULL }), -EINVAL);
	assert_int_equal(metrics_gauge_set(c, (const char *[]){ "a" }, 1), -EINVAL);
	assert_int_equal(metrics_histogram_observe(g, NULL, 1), -EINVAL);
	assert_int_equal(metrics_histogram_observe(h, NULL, NAN), -EINVAL);

	/* the series bound */
	metrics_set_max_series(c, 2);
	assert_int_equal(metrics_counter_inc(c, (const char *[]){ "a" }), 0);
	assert_int_equal(metrics_counter_inc(c, (const char *[]){ "b" }), 0);
	assert_int_equal(metrics_counter_inc(c, (const char *[]){ "c" }), -ENOSPC);
	assert_int_equal(metrics_counter_inc(c, (const char *[]){ "a" }), 0);
	assert_int_equal(metrics_series(c), 2);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_gauge),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
