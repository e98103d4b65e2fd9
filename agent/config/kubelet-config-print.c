/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The effective configuration as a KubeletConfiguration object, in the form the decoder reads
 * back (durations as Go strings, maps as objects), plus the output-only `evictionThresholds`:
 * the thresholds exactly as parsed (what the eviction manager will act on).
 */
#include <stdio.h>

#include "duration.h"
#include "kubelet-config-fields.h"

static json_object *string_map_to_json(const StrMap *m) {
	json_object *o = json_object_new_object();
	for (size_t i = 0; o && i < m->n; i++)
		json_object_object_add(o, m->keys[i], json_object_new_string(m->values[i]));
	return o;
}

static json_object *strv_to_json(char *const *l) {
	json_object *a = json_object_new_array();
	for (size_t i = 0; a && l && l[i]; i++)
		json_object_array_add(a, json_object_new_string(l[i]));
	return a;
}

static json_object *header_map_to_json(const HeaderMap *m) {
	json_object *o = json_object_new_object();
	for (size_t i = 0; o && i < m->n; i++)
		json_object_object_add(o, m->keys[i], strv_to_json(m->values[i]));
	return o;
}

/* The effective value of every gate skiff knows (AllAlpha/AllBeta resolved into them). */
static json_object *feature_gates_to_json(const FeatureGates *g) {
	json_object *o = json_object_new_object();
	for (size_t i = 0; o && i < _FEATURE_GATE_MAX; i++)
		if (!feature_gate_is_special((FeatureGateId)i))
			json_object_object_add(
			        o, feature_gate_to_string((FeatureGateId)i),
			        json_object_new_boolean(feature_gate_enabled(g, (FeatureGateId)i)));
	return o;
}

static json_object *duration_to_json(int64_t ns) {
	char buf[DURATION_STRING_MAX];
	return json_object_new_string(duration_to_string(ns, buf));
}

static json_object *double_to_json(double d) {
	char buf[32];
	snprintf(buf, sizeof(buf), "%.15g", d);
	return json_object_new_double_s(d, buf);
}

static json_object *field_to_json(const SkiffConfig *c, const ConfigField *f) {
	const void *p = config_field_cptr(c, f);
	switch (f->type) {
	case FT_STRING:
	case FT_PATH:
	case FT_IP:
		return json_object_new_string(strempty(*(char *const *)p));
	case FT_BOOL:
		return json_object_new_boolean(*(const bool *)p);
	case FT_INT32:
		return json_object_new_int(*(const int32_t *)p);
	case FT_INT64:
		return json_object_new_int64(*(const int64_t *)p);
	case FT_DURATION:
		return duration_to_json(*(const int64_t *)p);
	case FT_FLOAT:
		return double_to_json(*(const double *)p);
	case FT_CGROUP_DRIVER:
		return json_object_new_string(cgroup_driver_to_string(*(const CgroupDriver *)p));
	case FT_STRING_MAP:
		return string_map_to_json(p);
	case FT_STRING_LIST:
		return strv_to_json(*(char **const *)p);
	case FT_HEADER_MAP:
		return header_map_to_json(p);
	case FT_FEATURE_GATES:
		return feature_gates_to_json(p);
	}
	return NULL;
}

static int threshold_value_json(const ThresholdValue *v, json_object **ret) {
	_cleanup_free_ char *s = NULL;
	int r = threshold_value_to_string(v, &s);
	if (r < 0)
		return r;
	*ret = json_object_new_string(s);
	return *ret ? 0 : -ENOMEM;
}

static int threshold_to_json(const EvictionThreshold *t, json_object **ret) {
	json_object *o = json_object_new_object(), *v = NULL;
	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "signal",
	                       json_object_new_string(eviction_signal_to_string(t->signal)));
	json_object_object_add(o, "operator", json_object_new_string("LessThan"));
	if (threshold_value_json(&t->value, &v) < 0)
		goto fail;
	json_object_object_add(o, "value", v);
	json_object_object_add(o, "gracePeriod", duration_to_json(t->grace_period_ns));
	if (t->has_min_reclaim) {
		if (threshold_value_json(&t->min_reclaim, &v) < 0)
			goto fail;
		json_object_object_add(o, "minReclaim", v);
	}
	*ret = o;
	return 0;
fail:
	json_object_put(o);
	return -ENOMEM;
}

int skiff_config_to_json(const SkiffConfig *c, json_object **ret) {
	json_object *o = json_object_new_object(), *skiff = json_object_new_object();
	json_object *thresholds = json_object_new_array();
	if (!o || !skiff || !thresholds)
		goto fail;
	json_object_object_add(o, "apiVersion", json_object_new_string(KUBELET_CONFIG_API_VERSION));
	json_object_object_add(o, "kind", json_object_new_string(KUBELET_CONFIG_KIND));
	for (size_t i = 0; i < _FIELD_MAX; i++) {
		const ConfigField *f = config_field((ConfigFieldId)i);
		if (i == FIELD_POD_LOGS_DIR) /* printed once, as skiff.podLogDir */
			continue;
		json_object *v = field_to_json(c, f);
		if (!v)
			goto fail;
		json_object_object_add(f->skiff ? skiff : o, f->name, v);
	}
	json_object_object_add(o, "skiff", TAKE_PTR(skiff));
	for (size_t i = 0; i < c->thresholds.n; i++) {
		json_object *t;
		if (threshold_to_json(&c->thresholds.items[i], &t) < 0)
			goto fail;
		json_object_array_add(thresholds, t);
	}
	json_object_object_add(o, "evictionThresholds", TAKE_PTR(thresholds));
	*ret = o;
	return 0;
fail:
	json_object_put(o);
	json_object_put(skiff);
	json_object_put(thresholds);
	return -ENOMEM;
}
