/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>

#include "metrics.h"

typedef struct Series {
	char **values;           /* one per label name */
	double value;            /* counter, gauge */
	uint64_t *bucket_counts; /* histogram: per bucket, not cumulative; [n_buckets] is +Inf */
	double sum;
	uint64_t count;
} Series;

struct Metric {
	MetricType type;
	char *name;
	char *help;
	char **label_names;
	size_t n_labels;
	double *buckets;
	size_t n_buckets;
	Series **series; /* sorted by label values */
	size_t n_series;
	size_t max_series;
};

struct MetricsRegistry {
	Metric **metrics;
	size_t n_metrics;
};

static void series_free(Series *s, size_t n_labels) {
	if (!s)
		return;
	for (size_t i = 0; s->values && i < n_labels; i++)
		free(s->values[i]);
	free(s->values);
	free(s->bucket_counts);
	free(s);
}

static void metric_free(Metric *m) {
	if (!m)
		return;
	metrics_clear(m);
	free(m->series);
	for (size_t i = 0; i < m->n_labels; i++)
		free(m->label_names[i]);
	free(m->label_names);
	free(m->buckets);
	free(m->name);
	free(m->help);
	free(m);
}

MetricsRegistry *metrics_registry_free(MetricsRegistry *r) {
	if (!r)
		return NULL;
	for (size_t i = 0; i < r->n_metrics; i++)
		metric_free(r->metrics[i]);
	free(r->metrics);
	free(r);
	return NULL;
}

int metrics_registry_new(MetricsRegistry **ret) {
	MetricsRegistry *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*ret = r;
	return 0;
}

static bool metric_name_valid(const char *s) {
	if (isempty(s) || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != ':')
			return false;
	return strlen(s) <= 200;
}

static bool label_name_valid(const char *s) {
	if (isempty(s) || !(isalpha((unsigned char)s[0]) || s[0] == '_') || startswith(s, "__"))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return strlen(s) <= 100;
}

static int metric_set_labels(Metric *m, const char *const *names) {
	size_t n = 0;

	while (names && names[n])
		n++;
	if (n > METRICS_MAX_LABELS)
		return -EINVAL;
	m->label_names = calloc(MAX(n, 1u), sizeof(char *));
	if (!m->label_names)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!label_name_valid(names[i]) ||
		    (m->type == METRIC_HISTOGRAM && streq(names[i], "le")))
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (streq(names[i], names[j]))
				return -EINVAL;
		if (!(m->label_names[i] = strdup(names[i])))
			return -ENOMEM;
		m->n_labels++;
	}
	return 0;
}

static int metric_set_buckets(Metric *m, const double *buckets, size_t n) {
	if (n == 0 || n > METRICS_MAX_BUCKETS || !buckets)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
			return -EINVAL;
	m->buckets = malloc(n * sizeof(double));
	if (!m->buckets)
		return -ENOMEM;
	memcpy(m->buckets, buckets, n * sizeof(double));
	m->n_buckets = n;
	return 0;
}

static Series *series_new(const Metric *m, const char *const *values) {
	Series *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->values = calloc(MAX(m->n_labels, 1u), sizeof(char *));
	if (!s->values)
		goto fail;
	for (size_t i = 0; i < m->n_labels; i++)
		if (!(s->values[i] = strdup(values[i])))
			goto fail;
	if (m->type == METRIC_HISTOGRAM &&
	    !(s->bucket_counts = calloc(m->n_buckets + 1, sizeof(uint64_t))))
		goto fail;
	return s;
fail:
	series_free(s, m->n_labels);
	return NULL;
}

static int compare_values(const Metric *m, const Series *s, const char *const *values) {
	for (size_t i = 0; i < m->n_labels; i++) {
		int c = strcmp(s->values[i], values[i]);
		if (c != 0)
			return c;
	}
	return 0;
}

/* Index of the series with these values, or -(insertion point) - 1. */
static ssize_t series_find(const Metric *m, const char *const *values) {
	size_t lo = 0, hi = m->n_series;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = compare_values(m, m->series[mid], values);
		if (c == 0)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(ssize_t)lo - 1;
}

static int series_get(Metric *m, const char *const *values, Series **ret) {
	for (size_t i = 0; i < m->n_labels; i++)
		if (!values || !values[i])
			return -EINVAL;
	ssize_t k = series_find(m, values);
	if (k >= 0) {
		*ret = m->series[k];
		return 0;
	}
	if (m->n_series >= m->max_series)
		return -ENOSPC;
	size_t at = (size_t)(-k - 1);
	Series **n = reallocarray(m->series, m->n_series + 1, sizeof(Series *));
	if (!n)
		return -ENOMEM;
	m->series = n;
	Series *s = series_new(m, values);
	if (!s)
		return -ENOMEM;
	memmove(m->series + at + 1, m->series + at, (m->n_series - at) * sizeof(Series *));
	m->series[at] = s;
	m->n_series++;
	*ret = s;
	return 0;
}

static int metric_new(MetricsRegistry *r, MetricType type, const char *name, const char *help,
                      const char *const *label_names, const double *buckets, size_t n_buckets,
                      Metric **ret) {
	Series *unused;

	if (!r || !metric_name_valid(name))
		return -EINVAL;
	for (size_t i = 0; i < r->n_metrics; i++)
		if (streq(r->metrics[i]->name, name))
			return -EEXIST;
	if (r->n_metrics >= METRICS_MAX_FAMILIES)
		return -E2BIG;
	Metric **n = reallocarray(r->metrics, r->n_metrics + 1, sizeof(Metric *));
	if (!n)
		return -ENOMEM;
	r->metrics = n;

	Metric *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	*m = (Metric){ .type = type, .max_series = METRICS_DEFAULT_MAX_SERIES };
	m->name = strdup(name);
	m->help = strdup(strempty(help));
	int k = m->name && m->help ? metric_set_labels(m, label_names) : -ENOMEM;
	if (k >= 0 && type == METRIC_HISTOGRAM)
		k = metric_set_buckets(m, buckets, n_buckets);
	if (k >= 0 && m->n_labels == 0)
		k = series_get(m, NULL, &unused);
	if (k < 0) {
		metric_free(m);
		return k;
	}
	r->metrics[r->n_metrics++] = m;
	if (ret)
		*ret = m;
	return 0;
}

int metrics_counter_new(MetricsRegistry *r, const char *name, const char *help,
                        const char *const *label_names, Metric **ret) {
	return metric_new(r, METRIC_COUNTER, name, help, label_names, NULL, 0, ret);
}

int metrics_gauge_new(MetricsRegistry *r, const char *name, const char *help,
                      const char *const *label_names, Metric **ret) {
	return metric_new(r, METRIC_GAUGE, name, help, label_names, NULL, 0, ret);
}

int metrics_histogram_new(MetricsRegistry *r, const char *name, const char *help,
                          const char *const *label_names, const double *buckets, size_t n_buckets,
                          Metric **ret) {
	return metric_new(r, METRIC_HISTOGRAM, name, help, label_names, buckets, n_buckets, ret);
}

void metrics_set_max_series(Metric *m, size_t max) {
	if (m)
		m->max_series = MAX(max, (size_t)1);
}

int metrics_counter_add(Metric *m, const char *const *values, double v) {
	Series *s;

	if (!m || m->type != METRIC_COUNTER || isnan(v) || v < 0)
		return -EINVAL;
	int r = series_get(m, values, &s);
	if (r < 0)
		return r;
	s->value += v;
	return 0;
}

int metrics_counter_inc(Metric *m, const char *const *values) {
	return metrics_counter_add(m, values, 1);
}

static int gauge_update(Metric *m, const char *const *values, double v, bool add) {
	Series *s;

	if (!m || m->type != METRIC_GAUGE || isnan(v))
		return -EINVAL;
	int r = series_get(m, values, &s);
	if (r < 0)
		return r;
	s->value = add ? s->value + v : v;
	return 0;
}

int metrics_gauge_set(Metric *m, const char *const *values, double v) {
	return gauge_update(m, values, v, false);
}

int metrics_gauge_add(Metric *m, const char *const *values, double v) {
	return gauge_update(m, values, v, true);
}

int metrics_histogram_observe(Metric *m, const char *const *values, double v) {
	Series *s;
	size_t i;

	if (!m || m->type != METRIC_HISTOGRAM || isnan(v))
		return -EINVAL;
	int r = series_get(m, values, &s);
	if (r < 0)
		return r;
	/* Upper bounds are inclusive ("le"). */
	for (i = 0; i < m->n_buckets && v > m->buckets[i]; i++)
		;
	s->bucket_counts[i]++;
	s->sum += v;
	s->count++;
	return 0;
}

int metrics_remove(Metric *m, const char *const *values) {
	if (!m)
		return -EINVAL;
	for (size_t i = 0; i < m->n_labels; i++)
		if (!values || !values[i])
			return -EINVAL;
	ssize_t k = series_find(m, values);
	if (k < 0)
		return -ENOENT;
	series_free(m->series[k], m->n_labels);
	memmove(m->series + k, m->series + k + 1, (m->n_series - (size_t)k - 1) * sizeof(Series *));
	m->n_series--;
	return 0;
}

void metrics_clear(Metric *m) {
	if (!m)
		return;
	for (size_t i = 0; i < m->n_series; i++)
		series_free(m->series[i], m->n_labels);
	m->n_series = 0;
}

size_t metrics_series(const Metric *m) {
	return m ? m->n_series : 0;
}

/* --- rendering */

void metrics_format_value(double v, char *buf, size_t size) {
	char e[40];
	int p, exp;

	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (v == 0) {
		snprintf(buf, size, "0");
		return;
	}
	/* Shortest digits that read back as v, then Go's 'g' layout: %e below 1e-4 or from 1e6. */
	for (p = 1; p < 17; p++) {
		snprintf(e, sizeof(e), "%.*e", p - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	snprintf(e, sizeof(e), "%.*e", p - 1, v);
	exp = atoi(strchr(e, 'e') + 1);
	if (exp < -4 || exp >= 6)
		snprintf(buf, size, "%s", e);
	else
		snprintf(buf, size, "%.*f", MAX(p - 1 - exp, 0), v);
}

static void write_escaped(FILE *f, const char *s, bool quotes) {
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (quotes && *s == '"')
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

/* {a="x",b="y"} plus an optional le; nothing when there are no labels at all. */
static void write_labels(FILE *f, const Metric *m, const Series *s, const char *le) {
	if (m->n_labels == 0 && !le)
		return;
	fputc('{', f);
	for (size_t i = 0; i < m->n_labels; i++) {
		fprintf(f, "%s%s=\"", i > 0 ? "," : "", m->label_names[i]);
		write_escaped(f, s->values[i], true);
		fputc('"', f);
	}
	if (le)
		fprintf(f, "%sle=\"%s\"", m->n_labels > 0 ? "," : "", le);
	fputc('}', f);
}

static void write_sample(FILE *f, const Metric *m, const char *suffix, const Series *s,
                         const char *le, double v) {
	char num[64];

	metrics_format_value(v, num, sizeof(num));
	fprintf(f, "%s%s", m->name, suffix);
	write_labels(f, m, s, le);
	fprintf(f, " %s\n", num);
}

static void write_histogram(FILE *f, const Metric *m, const Series *s) {
	char le[64];
	uint64_t cumulative = 0;

	for (size_t i = 0; i <= m->n_buckets; i++) {
		cumulative += s->bucket_counts[i];
		if (i < m->n_buckets)
			metrics_format_value(m->buckets[i], le, sizeof(le));
		else
			snprintf(le, sizeof(le), "+Inf");
		write_sample(f, m, "_bucket", s, le, (double)cumulative);
	}
	write_sample(f, m, "_sum", s, NULL, s->sum);
	write_sample(f, m, "_count", s, NULL, (double)s->count);
}

static const char *type_name(MetricType t) {
	return t == METRIC_COUNTER ? "counter" : t == METRIC_GAUGE ? "gauge" : "histogram";
}

int metrics_render(const MetricsRegistry *r, char **ret, size_t *ret_size) {
	char *buf = NULL;
	size_t size = 0;

	if (!r || !ret)
		return -EINVAL;
	FILE *f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_metrics; i++) {
		const Metric *m = r->metrics[i];
		if (m->n_series == 0)
			continue; /* as client_golang: a labelled family with no series is omitted
			           */
		if (!isempty(m->help)) {
			fprintf(f, "# HELP %s ", m->name);
			write_escaped(f, m->help, false);
			fputc('\n', f);
		}
		fprintf(f, "# TYPE %s %s\n", m->name, type_name(m->type));
		for (size_t j = 0; j < m->n_series; j++) {
			if (m->type == METRIC_HISTOGRAM)
				write_histogram(f, m, m->series[j]);
			else
				write_sample(f, m, "", m->series[j], NULL, m->series[j]->value);
		}
	}
	bool failed = ferror(f);
	if (fclose(f) != 0 || failed) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	if (ret_size)
		*ret_size = size;
	return 0;
}
