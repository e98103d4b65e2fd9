/* SPDX-License-Identifier: Apache-2.0 */
/* ParseThresholdConfig and its helpers (pkg/kubelet/eviction/helpers.go). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>

#include "duration.h"
#include "eviction-threshold.h"
#include "strv.h"

static const char *const signal_names[_EVICTION_SIGNAL_MAX] = {
	[EVICTION_SIGNAL_MEMORY_AVAILABLE] = "memory.available",
	[EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE] = "allocatableMemory.available",
	[EVICTION_SIGNAL_NODEFS_AVAILABLE] = "nodefs.available",
	[EVICTION_SIGNAL_NODEFS_INODES_FREE] = "nodefs.inodesFree",
	[EVICTION_SIGNAL_IMAGEFS_AVAILABLE] = "imagefs.available",
	[EVICTION_SIGNAL_IMAGEFS_INODES_FREE] = "imagefs.inodesFree",
	[EVICTION_SIGNAL_CONTAINERFS_AVAILABLE] = "containerfs.available",
	[EVICTION_SIGNAL_CONTAINERFS_INODES_FREE] = "containerfs.inodesFree",
	[EVICTION_SIGNAL_PID_AVAILABLE] = "pid.available",
};

const char *eviction_signal_to_string(EvictionSignal s) {
	if (s < 0 || s >= _EVICTION_SIGNAL_MAX)
		return NULL;
	return signal_names[s];
}

EvictionSignal eviction_signal_from_string(const char *s) {
	for (size_t i = 0; i < _EVICTION_SIGNAL_MAX; i++)
		if (streq(signal_names[i], s))
			return (EvictionSignal)i;
	return _EVICTION_SIGNAL_INVALID;
}

void eviction_thresholds_done(EvictionThresholds *t) {
	free(t->items);
	*t = (EvictionThresholds){};
}

static int thresholds_append(EvictionThresholds *t, const EvictionThreshold *x) {
	EvictionThreshold *items = realloc(t->items, (t->n + 1) * sizeof(EvictionThreshold));
	if (!items)
		return -ENOMEM;
	items[t->n++] = *x;
	t->items = items;
	return 0;
}

static void map_error(Diag *d, const char *map_path, const char *key, const char *fmt, ...)
        _printf_(4, 5);
static void map_error(Diag *d, const char *map_path, const char *key, const char *fmt, ...) {
	_cleanup_free_ char *path = NULL, *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	int r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if (asprintf(&path, "%s[%s]", strempty(map_path), key) < 0)
		return;
	diag_error(d, path, "%s", msg);
}

/*
 * parsePercentage: strconv.ParseFloat(strings.TrimRight(v, "%"), 32) / 100. Go accepts no
 * surrounding space; NaN passes the kubelet's range checks, skiff rejects it.
 */
static int parse_percentage(const char *val, float *ret) {
	size_t l = strlen(val);
	while (l > 0 && val[l - 1] == '%')
		l--;
	_cleanup_free_ char *num = strndup(val, l);
	if (!num)
		return -ENOMEM;
	if (l == 0 || isspace((unsigned char)num[0]))
		return -EINVAL;
	char *end = NULL;
	errno = 0;
	float f = strtof(num, &end);
	if (errno != 0 || !end || *end != '\0' || isnan(f))
		return -EINVAL;
	*ret = f / 100;
	return 0;
}

static int format_quantity(const Quantity *q, char **ret) {
	char buf[QUANTITY_STRING_MAX];
	*ret = strdup(quantity_to_string(q, buf));
	return *ret ? 0 : -ENOMEM;
}

/* parseThresholdStatement: returns 1 with a threshold, 0 when ignored, -EINVAL on error. */
static int parse_statement(const char *map_path, const char *signal_name, const char *val,
                           EvictionThreshold *ret, Diag *d) {
	EvictionSignal s = eviction_signal_from_string(signal_name);
	if (s < 0) {
		map_error(d, map_path, signal_name, "unsupported eviction signal %s", signal_name);
		return -EINVAL;
	}
	*ret = (EvictionThreshold){ .signal = s };

	size_t l = strlen(val);
	if (l > 0 && val[l - 1] == '%') {
		/* "ignore 0% and 100%": a literal comparison, so "0.0%" is kept */
		if (streq(val, "0%") || streq(val, "100%"))
			return 0;
		float p;
		if (parse_percentage(val, &p) < 0) {
			map_error(d, map_path, signal_name, "invalid percentage \"%s\"", val);
			return -EINVAL;
		}
		if (p < 0) {
			map_error(d, map_path, signal_name,
			          "eviction percentage threshold %s must be >= 0%%: %s",
			          signal_name, val);
			return -EINVAL;
		}
		if (p > 1) {
			map_error(d, map_path, signal_name,
			          "eviction percentage threshold %s must be <= 100%%: %s",
			          signal_name, val);
			return -EINVAL;
		}
		ret->value = (ThresholdValue){ .is_percentage = true, .percentage = p };
		return 1;
	}

	if (quantity_parse(val, &ret->value.quantity, NULL) < 0) {
		map_error(d, map_path, signal_name, "invalid quantity \"%s\"", val);
		return -EINVAL;
	}
	if (quantity_sign(&ret->value.quantity) <= 0) {
		_cleanup_free_ char *q = NULL;
		(void)format_quantity(&ret->value.quantity, &q);
		map_error(d, map_path, signal_name, "eviction threshold %s must be positive: %s",
		          signal_name, q ? q : val);
		return -EINVAL;
	}
	return 1;
}

static int parse_statements(const StrMap *m, const char *path, int64_t grace_marker,
                            EvictionThresholds *out, Diag *d) {
	int ret = 0;
	for (size_t i = 0; m && i < m->n; i++) {
		EvictionThreshold t;
		int r = parse_statement(path, m->keys[i], m->values[i], &t, d);
		if (r < 0) {
			ret = r;
			continue;
		}
		if (r == 0)
			continue;
		t.grace_period_ns = grace_marker;
		r = thresholds_append(out, &t);
		if (r < 0)
			return r;
	}
	return ret;
}

/* parseGracePeriods: signal -> Go duration, each >= 0. */
static int parse_grace_periods(const StrMap *m, const char *path, int64_t *grace, bool *has_grace,
                               Diag *d) {
	int ret = 0;
	for (size_t i = 0; m && i < m->n; i++) {
		EvictionSignal s = eviction_signal_from_string(m->keys[i]);
		if (s < 0) {
			map_error(d, path, m->keys[i], "unsupported eviction signal %s",
			          m->keys[i]);
			ret = -EINVAL;
			continue;
		}
		_cleanup_free_ char *err = NULL;
		int64_t ns;
		int r = duration_parse(m->values[i], &ns, &err);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			map_error(d, path, m->keys[i], "%s", err ? err : "invalid duration");
			ret = -EINVAL;
			continue;
		}
		if (ns < 0) {
			map_error(d, path, m->keys[i],
			          "invalid eviction grace period specified: %s, must be a positive "
			          "value",
			          m->values[i]);
			ret = -EINVAL;
			continue;
		}
		grace[s] = ns;
		has_grace[s] = true;
	}
	return ret;
}

/* parseMinimumReclaims: percent must be > 0, a quantity >= 0. */
static int parse_min_reclaim_one(const char *path, const char *key, const char *val,
                                 ThresholdValue *ret, Diag *d) {
	size_t l = strlen(val);
	if (l > 0 && val[l - 1] == '%') {
		float p;
		if (parse_percentage(val, &p) < 0) {
			map_error(d, path, key, "invalid percentage \"%s\"", val);
			return -EINVAL;
		}
		if (p <= 0) {
			map_error(d, path, key,
			          "eviction percentage minimum reclaim %s must be positive: %s",
			          key, val);
			return -EINVAL;
		}
		*ret = (ThresholdValue){ .is_percentage = true, .percentage = p };
		return 0;
	}
	*ret = (ThresholdValue){};
	if (quantity_parse(val, &ret->quantity, NULL) < 0) {
		map_error(d, path, key, "invalid quantity \"%s\"", val);
		return -EINVAL;
	}
	if (quantity_sign(&ret->quantity) < 0) {
		map_error(d, path, key, "negative eviction minimum reclaim specified for %s", key);
		return -EINVAL;
	}
	return 0;
}

static int parse_min_reclaims(const StrMap *m, const char *path, ThresholdValue *reclaim,
                              bool *has_reclaim, Diag *d) {
	int ret = 0;
	for (size_t i = 0; m && i < m->n; i++) {
		EvictionSignal s = eviction_signal_from_string(m->keys[i]);
		if (s < 0) {
			map_error(d, path, m->keys[i], "unsupported eviction signal %s",
			          m->keys[i]);
			ret = -EINVAL;
			continue;
		}
		if (parse_min_reclaim_one(path, m->keys[i], m->values[i], &reclaim[s], d) < 0) {
			ret = -EINVAL;
			continue;
		}
		has_reclaim[s] = true;
	}
	return ret;
}

/* addAllocatableThresholds: every hard memory.available also guards the pods cgroup. */
static int add_allocatable_thresholds(EvictionThresholds *t) {
	size_t n = t->n;
	for (size_t i = 0; i < n; i++) {
		if (t->items[i].signal != EVICTION_SIGNAL_MEMORY_AVAILABLE ||
		    !eviction_threshold_is_hard(&t->items[i]))
			continue;
		EvictionThreshold c = t->items[i];
		c.signal = EVICTION_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE;
		int r = thresholds_append(t, &c);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Soft thresholds take their grace period; a soft one without a grace period is an error. */
static int attach_grace_periods(EvictionThresholds *t, size_t first_soft, const int64_t *grace,
                                const bool *has_grace, const StrMap *soft, const char *soft_path,
                                Diag *d) {
	int ret = 0;
	for (size_t i = first_soft; i < t->n; i++) {
		EvictionSignal s = t->items[i].signal;
		if (!has_grace[s]) {
			map_error(
			        d, soft_path, signal_names[s],
			        "grace period must be specified for the soft eviction threshold %s",
			        signal_names[s]);
			ret = -EINVAL;
			continue;
		}
		t->items[i].grace_period_ns = grace[s];
	}
	(void)soft;
	return ret;
}

int eviction_thresholds_parse(const EvictionConfig *c, EvictionThresholds *ret, Diag *diag) {
	_cleanup_(eviction_thresholds_done) EvictionThresholds t = {};
	int64_t grace[_EVICTION_SIGNAL_MAX] = {};
	bool has_grace[_EVICTION_SIGNAL_MAX] = {}, has_reclaim[_EVICTION_SIGNAL_MAX] = {};
	ThresholdValue reclaim[_EVICTION_SIGNAL_MAX] = {};
	bool failed = false;
	int r;

	r = parse_statements(c->hard, c->hard_path, 0, &t, diag);
	if (r == -ENOMEM)
		return r;
	failed |= r < 0;
	size_t first_soft = t.n;
	/* -1 marks "soft, grace not yet attached" */
	r = parse_statements(c->soft, c->soft_path, -1, &t, diag);
	if (r == -ENOMEM)
		return r;
	failed |= r < 0;
	failed |= parse_grace_periods(c->soft_grace_period, c->grace_path, grace, has_grace, diag) <
	          0;
	failed |= parse_min_reclaims(c->minimum_reclaim, c->reclaim_path, reclaim, has_reclaim,
	                             diag) < 0;
	failed |= attach_grace_periods(&t, first_soft, grace, has_grace, c->soft, c->soft_path,
	                               diag) < 0;
	if (failed) {
		*ret = (EvictionThresholds){};
		return -EINVAL;
	}

	for (size_t i = 0; i < t.n; i++)
		if (has_reclaim[t.items[i].signal]) {
			t.items[i].has_min_reclaim = true;
			t.items[i].min_reclaim = reclaim[t.items[i].signal];
		}
	if (strv_contains(c->enforce_node_allocatable, "pods")) {
		r = add_allocatable_thresholds(&t);
		if (r < 0)
			return r;
	}
	*ret = TAKE_GENERIC(t, EvictionThresholds, (EvictionThresholds){});
	return 0;
}

int eviction_hard_effective(const StrMap *hard, bool merge, StrMap *ret) {
	static const char *const defaults[][2] = {
		{ "memory.available", "100Mi" },
		{ "nodefs.available", "10%" },
		{ "nodefs.inodesFree", "5%" },
		{ "imagefs.available", "15%" },
	};
	int r;

	if (hard) {
		r = strmap_copy(ret, hard);
		if (r < 0)
			return r;
	}
	if (hard && !merge)
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
		if (strmap_get(ret, defaults[i][0]))
			continue;
		r = strmap_set(ret, defaults[i][0], defaults[i][1]);
		if (r < 0)
			return r;
	}
	return 0;
}

static ssize_t find_threshold(const EvictionThresholds *t, EvictionSignal s, bool hard) {
	for (size_t i = 0; i < t->n; i++)
		if (t->items[i].signal == s && eviction_threshold_is_hard(&t->items[i]) == hard)
			return (ssize_t)i;
	return -1;
}

/* Copy the hard or soft threshold of src (if any) onto signal dst, replacing a user value. */
static int mirror_threshold(EvictionThresholds *t, EvictionSignal src, EvictionSignal dst,
                            bool hard, Diag *d, const char *path) {
	ssize_t from = find_threshold(t, src, hard);
	ssize_t to = find_threshold(t, dst, hard);
	if (to >= 0) {
		/* the kubelet's own wording: "found containerfs.available for hard eviction.
		 * ignoring" */
		diag_warning(d, path, "found %s for %s eviction. ignoring", signal_names[dst],
		             hard ? "hard" : "soft");
		if (from < 0) {
			memmove(&t->items[to], &t->items[to + 1],
			        (t->n - (size_t)to - 1) * sizeof(EvictionThreshold));
			t->n--;
			return 0;
		}
	}
	if (from < 0)
		return 0;
	EvictionThreshold c = t->items[from];
	c.signal = dst;
	if (to >= 0) {
		t->items[to] = c;
		return 0;
	}
	return thresholds_append(t, &c);
}

int eviction_thresholds_update_containerfs(EvictionThresholds *t, bool image_fs,
                                           bool separate_container_image_fs, Diag *diag,
                                           const char *path) {
	/* containers share the image file system only when images are split off alone */
	bool follow_imagefs = image_fs && !separate_container_image_fs;
	EvictionSignal avail = follow_imagefs ? EVICTION_SIGNAL_IMAGEFS_AVAILABLE
	                                      : EVICTION_SIGNAL_NODEFS_AVAILABLE;
	EvictionSignal inodes = follow_imagefs ? EVICTION_SIGNAL_IMAGEFS_INODES_FREE
	                                       : EVICTION_SIGNAL_NODEFS_INODES_FREE;
	static const bool hardness[] = { true, false };
	int r;

	for (size_t i = 0; i < ELEMENTSOF(hardness); i++) {
		r = mirror_threshold(t, avail, EVICTION_SIGNAL_CONTAINERFS_AVAILABLE, hardness[i],
		                     diag, path);
		if (r < 0)
			return r;
		r = mirror_threshold(t, inodes, EVICTION_SIGNAL_CONTAINERFS_INODES_FREE,
		                     hardness[i], diag, path);
		if (r < 0)
			return r;
	}
	return 0;
}

int threshold_value_to_string(const ThresholdValue *v, char **ret) {
	if (!v->is_percentage)
		return format_quantity(&v->quantity, ret);
	if (asprintf(ret, "%.7g%%", (double)v->percentage * 100.0) < 0)
		return -ENOMEM;
	return 0;
}
