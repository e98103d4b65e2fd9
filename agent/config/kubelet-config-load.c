/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decode a KubeletConfiguration document into SkiffConfig, reporting every problem with its
 * field path. Unknown fields are warnings: the kubelet tries strict decoding first and, on a
 * strict error (unknown or duplicate field), decodes leniently and logs it
 * (pkg/kubelet/kubeletconfig/util/codec DecodeKubeletConfiguration). JSON null leaves a field
 * unset, as encoding/json does.
 */
#include <inttypes.h>

#include "duration.h"
#include "kubelet-config-fields.h"
#include "tree.h"

typedef struct DecodeContext {
	SkiffConfig *c;
	const char *base_dir; /* for relative paths; NULL = keep them */
	Diag *diag;
} DecodeContext;

static void type_error(Diag *d, const char *path, const char *want, json_object *v) {
	diag_error(d, path, "invalid type: expected %s, got %s", want, tree_type_name(v));
}

static int decode_string(json_object *v, const char *path, Diag *d, const char **ret) {
	if (!json_object_is_type(v, json_type_string)) {
		type_error(d, path, "string", v);
		return -EINVAL;
	}
	*ret = json_object_get_string(v);
	return 0;
}

static int decode_int(json_object *v, const char *path, int64_t min, int64_t max, Diag *d,
                      int64_t *ret) {
	if (!json_object_is_type(v, json_type_int)) {
		type_error(d, path, "integer", v);
		return -EINVAL;
	}
	errno = 0;
	int64_t x = json_object_get_int64(v);
	if (errno != 0 || x < min || x > max) {
		diag_error(d, path, "value %s out of range [%" PRId64 ", %" PRId64 "]",
		           json_object_to_json_string(v), min, max);
		return -ERANGE;
	}
	*ret = x;
	return 0;
}

/* numbers: also take bare numbers, as their text (skiff.nodeCapacity holds quantities, which the
 * API writes as numbers or strings alike; the kubelet's own string maps stay strict). */
static int decode_string_map(json_object *v, const char *path, Diag *d, StrMap *m, bool numbers) {
	int ret = 0;
	if (!json_object_is_type(v, json_type_object)) {
		type_error(d, path, "map of strings", v);
		return -EINVAL;
	}
	strmap_done(m);
	json_object_object_foreach (v, key, val) {
		_cleanup_free_ char *p = NULL;
		if (asprintf(&p, "%s[%s]", path, key) < 0)
			return -ENOMEM;
		const char *s;
		if (numbers && val &&
		    (json_object_is_type(val, json_type_int) ||
		     json_object_is_type(val, json_type_double))) {
			int r = strmap_set(m, key, json_object_get_string(val));
			if (r < 0)
				return r;
			continue;
		}
		if (!val || decode_string(val, p, d, &s) < 0) {
			if (!val)
				diag_error(d, p, "invalid type: expected string, got null");
			ret = -EINVAL;
			continue;
		}
		int r = strmap_set(m, key, s);
		if (r < 0)
			return r;
	}
	return ret;
}

static int decode_string_list(json_object *v, const char *path, Diag *d, char ***l) {
	int ret = 0;
	if (!json_object_is_type(v, json_type_array)) {
		type_error(d, path, "list of strings", v);
		return -EINVAL;
	}
	strv_free(*l);
	/* an empty list stays an empty (non-NULL) list: it is not "unset" */
	*l = calloc(1, sizeof(char *));
	if (!*l)
		return -ENOMEM;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		_cleanup_free_ char *p = path_index(path, i);
		json_object *e = json_object_array_get_idx(v, i);
		const char *s;
		if (!e || decode_string(e, p, d, &s) < 0) {
			if (!e)
				diag_error(d, p, "invalid type: expected string, got null");
			ret = -EINVAL;
			continue;
		}
		int r = strv_extend(l, s);
		if (r < 0)
			return r;
	}
	return ret;
}

static int decode_header_map(json_object *v, const char *path, Diag *d, HeaderMap *m) {
	int ret = 0;
	if (!json_object_is_type(v, json_type_object)) {
		type_error(d, path, "map of string lists", v);
		return -EINVAL;
	}
	header_map_done(m);
	json_object_object_foreach (v, key, val) {
		_cleanup_free_ char *p = NULL;
		_cleanup_strv_free_ char **l = NULL;
		if (asprintf(&p, "%s[%s]", path, key) < 0)
			return -ENOMEM;
		if (!val) {
			diag_error(d, p, "invalid type: expected list of strings, got null");
			ret = -EINVAL;
			continue;
		}
		int r = decode_string_list(val, p, d, &l);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			ret = r;
			continue;
		}
		for (size_t i = 0; l[i]; i++) {
			r = header_map_add(m, key, l[i]);
			if (r < 0)
				return r;
		}
	}
	return ret;
}

/*
 * featureGates (map[string]bool): the file's map replaces the defaults; each key must be a
 * gate skiff knows, reported as the kubelet's feature gate parser does (SetFromMap). The
 * kubelet stops at the first unknown gate; every one is listed here.
 */
static int decode_feature_gates(json_object *v, const char *path, Diag *d, FeatureGates *g) {
	int ret = 0;
	if (!json_object_is_type(v, json_type_object)) {
		type_error(d, path, "map of booleans", v);
		return -EINVAL;
	}
	*g = (FeatureGates){};
	json_object_object_foreach (v, key, val) {
		_cleanup_free_ char *p = NULL;
		if (asprintf(&p, "%s[%s]", path, key) < 0)
			return -ENOMEM;
		if (!json_object_is_type(val, json_type_boolean)) {
			type_error(d, p, "boolean", val);
			ret = -EINVAL;
			continue;
		}
		if (feature_gates_set(g, key, json_object_get_boolean(val)) < 0) {
			diag_error(d, p, "unrecognized feature gate: %s", key);
			ret = -EINVAL;
		}
	}
	return ret;
}

static int parse_duration(const char *s, int64_t *ret, const char *path, Diag *d) {
	_cleanup_free_ char *err = NULL;
	int r = duration_parse(s, ret, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		diag_error(d, path, "%s", err ? err : "invalid duration");
		return -EINVAL;
	}
	return 0;
}

static int decode_scalar(DecodeContext *ctx, const ConfigField *f, json_object *v,
                         const char *path) {
	void *ptr = config_field_ptr(ctx->c, f);
	Diag *d = ctx->diag;
	const char *s;
	int64_t i;

	switch (f->type) {
	case FT_STRING:
	case FT_IP:
		if (decode_string(v, path, d, &s) < 0)
			return -EINVAL;
		return config_set_string(ptr, s);
	case FT_PATH:
		if (decode_string(v, path, d, &s) < 0)
			return -EINVAL;
		return config_resolve_path(ctx->base_dir, s, ptr);
	case FT_BOOL:
		if (!json_object_is_type(v, json_type_boolean)) {
			type_error(d, path, "boolean", v);
			return -EINVAL;
		}
		*(bool *)ptr = json_object_get_boolean(v);
		return 0;
	case FT_INT32:
		if (decode_int(v, path, INT32_MIN, INT32_MAX, d, &i) < 0)
			return -EINVAL;
		*(int32_t *)ptr = (int32_t)i;
		return 0;
	case FT_INT64:
		if (decode_int(v, path, INT64_MIN, INT64_MAX, d, &i) < 0)
			return -EINVAL;
		*(int64_t *)ptr = i;
		return 0;
	case FT_DURATION:
		/* metav1.Duration: a string for time.ParseDuration */
		if (decode_string(v, path, d, &s) < 0)
			return -EINVAL;
		return parse_duration(s, ptr, path, d);
	case FT_FLOAT:
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int)) {
			type_error(d, path, "number", v);
			return -EINVAL;
		}
		*(double *)ptr = json_object_get_double(v);
		return 0;
	case FT_CGROUP_DRIVER:
		if (decode_string(v, path, d, &s) < 0)
			return -EINVAL;
		if (isempty(s)) /* "" is the zero value: defaulted to cgroupfs */
			return 0;
		if (cgroup_driver_from_string(s) < 0) {
			diag_error(d, path,
			           "invalid configuration: cgroupDriver %s: must be one of "
			           "\"cgroupfs\" or \"systemd\"",
			           s);
			return -EINVAL;
		}
		*(CgroupDriver *)ptr = cgroup_driver_from_string(s);
		return 0;
	case FT_STRING_MAP:
		return decode_string_map(v, path, d, ptr, ptr == &ctx->c->skiff.node_capacity);
	case FT_STRING_LIST:
		return decode_string_list(v, path, d, ptr);
	case FT_HEADER_MAP:
		return decode_header_map(v, path, d, ptr);
	case FT_FEATURE_GATES:
		return decode_feature_gates(v, path, d, ptr);
	}
	return -EINVAL;
}

/* podLogsDir (kubelet) and skiff.podLogDir name one directory; both given must agree. */
static int check_alias(DecodeContext *ctx, ConfigFieldId id, const char *path) {
	ConfigFieldId other = id == FIELD_POD_LOGS_DIR  ? FIELD_POD_LOG_DIR
	                      : id == FIELD_POD_LOG_DIR ? FIELD_POD_LOGS_DIR
	                                                : _FIELD_MAX;
	if (other == _FIELD_MAX || ctx->c->origin[other] != ORIGIN_FILE)
		return 0;
	diag_error(ctx->diag, path, "conflicts with %s%s: set only one",
	           other == FIELD_POD_LOG_DIR ? "skiff." : "", config_field(other)->name);
	return -EINVAL;
}

static int decode_field(DecodeContext *ctx, ConfigFieldId id, json_object *v, const char *path) {
	const ConfigField *f = config_field(id);
	if (!v) /* JSON null: leave unset */
		return 0;
	int r = check_alias(ctx, id, path);
	if (r < 0)
		return r;
	if (id == FIELD_EVICTION_HARD)
		ctx->c->eviction_hard_set = true;
	r = decode_scalar(ctx, f, v, path);
	if (r >= 0)
		ctx->c->origin[id] = ORIGIN_FILE;
	return r;
}

static int decode_object(DecodeContext *ctx, json_object *o, const char *path, bool skiff);

static int decode_member(DecodeContext *ctx, const char *key, json_object *v, const char *path,
                         bool skiff) {
	_cleanup_free_ char *p = path_key(path, key);
	ConfigFieldId id;

	if (!p)
		return -ENOMEM;
	if (!skiff && streq(key, "skiff")) {
		if (!v)
			return 0;
		if (!json_object_is_type(v, json_type_object)) {
			type_error(ctx->diag, p, "map", v);
			return -EINVAL;
		}
		return decode_object(ctx, v, p, true);
	}
	/* type meta is checked by the caller; evictionThresholds is output-only (skiff config) */
	if (!skiff &&
	    (streq(key, "apiVersion") || streq(key, "kind") || streq(key, "evictionThresholds")))
		return 0;
	if (!config_field_by_name(key, skiff, &id)) {
		diag_warning(ctx->diag, p, "unknown field \"%s\", ignored", key);
		return 0;
	}
	return decode_field(ctx, id, v, p);
}

static int decode_object(DecodeContext *ctx, json_object *o, const char *path, bool skiff) {
	int ret = 0;
	json_object_object_foreach (o, key, val) {
		int r = decode_member(ctx, key, val, path, skiff);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			ret = r;
	}
	return ret;
}

static int check_type_meta(json_object *o, const char *path, bool required, Diag *d) {
	static const char *const keys[2] = { "apiVersion", "kind" };
	static const char *const want[2] = { KUBELET_CONFIG_API_VERSION, KUBELET_CONFIG_KIND };
	int ret = 0;

	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *p = path_key(path, keys[i]);
		json_object *v = tree_get(o, keys[i]);
		if (!v) {
			if (required) {
				diag_error(d, p, "required: must be \"%s\"", want[i]);
				ret = -EINVAL;
			}
			continue;
		}
		if (!json_object_is_type(v, json_type_string) ||
		    !streq(json_object_get_string(v), want[i])) {
			diag_error(
			        d, p, "unsupported value %s: must be \"%s\"",
			        json_object_to_json_string_ext(
			                v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
			        want[i]);
			ret = -EINVAL;
		}
	}
	return ret;
}

int skiff_config_decode_tree(SkiffConfig *c, json_object *o, const char *path, Diag *diag) {
	DecodeContext ctx = { .c = c, .diag = diag };
	if (!o || !json_object_is_type(o, json_type_object)) {
		diag_error(diag, path, "invalid type: expected map, got %s", tree_type_name(o));
		return -EINVAL;
	}
	if (!isempty(path) && config_set_string(&c->field_prefix, path) < 0)
		return -ENOMEM;
	int r = check_type_meta(o, path, false, diag);
	int k = decode_object(&ctx, o, path, false);
	return k < 0 ? k : r;
}

static int decode_document(DecodeContext *ctx, json_object *o) {
	if (!json_object_is_type(o, json_type_object)) {
		diag_error(ctx->diag, NULL, "invalid type: expected map, got %s",
		           tree_type_name(o));
		return -EINVAL;
	}
	/* wrong apiVersion/kind: the kubelet refuses the file; report the fields anyway */
	int r = check_type_meta(o, NULL, true, ctx->diag);
	int k = decode_object(ctx, o, NULL, false);
	return k < 0 ? k : r;
}

int skiff_config_decode_file(SkiffConfig *c, const char *data, size_t size, const char *origin,
                             const char *base_dir, Diag *diag) {
	_cleanup_(diag_clear) Diag local = {};
	TreeDocs docs = {};
	TreeLimits limits = TREE_LIMITS_DEFAULT;
	DecodeContext ctx = { .c = c, .base_dir = base_dir, .diag = &local };
	int r;

	r = tree_parse(data, size, &limits, &docs, &local);
	if (r >= 0 && docs.n_docs != 1) {
		diag_error(&local, NULL, "expected one KubeletConfiguration document, found %zu",
		           docs.n_docs);
		r = -EINVAL;
	}
	if (r >= 0)
		r = decode_document(&ctx, docs.docs[0]);
	tree_docs_free(&docs);
	diag_merge(diag, &local, origin);
	return r;
}
