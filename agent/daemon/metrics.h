/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small Prometheus registry: counters, gauges and histograms with label sets, rendered in
 * the text exposition format 0.0.4 for GET /metrics. Families render in registration order,
 * series sorted by label values, so the output is stable (and testable byte for byte).
 * A family holds at most max_series label sets (-ENOSPC beyond): label values come from pod
 * names and must not grow the agent without bound. Pure: no I/O, no clock, no logging.
 */
#pragma once

#include <stddef.h>

#include "macro.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define METRICS_MAX_LABELS 8
#define METRICS_MAX_BUCKETS 32
#define METRICS_DEFAULT_MAX_SERIES 1000
#define METRICS_MAX_FAMILIES 256

/* Prometheus client default buckets (seconds). */
#define METRICS_DEFAULT_BUCKETS                                                                    \
	((const double[]){ 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 })
#define METRICS_DEFAULT_N_BUCKETS 11

typedef struct MetricsRegistry MetricsRegistry;
typedef struct Metric Metric; /* one family; owned by its registry */

typedef enum MetricType {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
} MetricType;

int metrics_registry_new(MetricsRegistry **ret);
MetricsRegistry *metrics_registry_free(MetricsRegistry *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(MetricsRegistry *, metrics_registry_free)

/*
 * Register a family. name: [a-zA-Z_:][a-zA-Z0-9_:]*; label_names: NULL-terminated (or NULL),
 * each [a-zA-Z_][a-zA-Z0-9_]*, not starting "__", "le" not on histograms. A family without
 * labels has its one series from the start, so it renders as 0 before the first update.
 * -EINVAL bad name/labels/buckets, -EEXIST name taken, -E2BIG too many families.
 */
int metrics_counter_new(MetricsRegistry *r, const char *name, const char *help,
                        const char *const *label_names, Metric **ret);
int metrics_gauge_new(MetricsRegistry *r, const char *name, const char *help,
                      const char *const *label_names, Metric **ret);
/* buckets: strictly increasing finite upper bounds; +Inf is implicit. */
int metrics_histogram_new(MetricsRegistry *r, const char *name, const char *help,
                          const char *const *label_names, const double *buckets, size_t n_buckets,
                          Metric **ret);
/* Bound on label sets for this family (default METRICS_DEFAULT_MAX_SERIES). */
void metrics_set_max_series(Metric *m, size_t max);

/*
 * Updates. values: one per label name, in order (NULL when the family has no labels); a
 * missing series is created. -EINVAL (wrong type, negative counter increment, NaN),
 * -ENOSPC (series bound).
 */
int metrics_counter_add(Metric *m, const char *const *values, double v);
int metrics_counter_inc(Metric *m, const char *const *values);
int metrics_gauge_set(Metric *m, const char *const *values, double v);
int metrics_gauge_add(Metric *m, const char *const *values, double v);
int metrics_histogram_observe(Metric *m, const char *const *values, double v);
/* Forget one series (a pod went away): 0 removed, -ENOENT none. */
int metrics_remove(Metric *m, const char *const *values);
/* Forget every series (for gauges recomputed from scratch, e.g. pods by phase). */
void metrics_clear(Metric *m);
size_t metrics_series(const Metric *m);

/* The whole registry as text format 0.0.4 (malloc'd, NUL-terminated). */
int metrics_render(const MetricsRegistry *r, char **ret, size_t *ret_size);

/* Helpers the renderer uses, exposed for tests: Go's strconv 'g' -1 style, "+Inf", "NaN". */
void metrics_format_value(double v, char *buf, size_t size);
