/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kubelet's command line over the configuration (cmd/kubelet/app/options/options.go,
 * k8s.io/component-base/cli/flag): pflag syntax, "--flag value" or "--flag=value", booleans as
 * "--flag" or "--flag=false" (a bool never takes the next argument), '_' read as '-'
 * (WordSepNormalizeFunc). The first use of a map or list flag replaces the file's value; later
 * uses of the same flag add to it. Unknown flags and stray arguments are errors.
 */
#include <limits.h>

#include "duration.h"
#include "kubelet-config-fields.h"

typedef struct FlagState {
	SkiffConfig *c;
	const char *cwd;
	bool seen[_FIELD_MAX]; /* map/list flags: cleared on first use */
	Diag *diag;
} FlagState;

static void flag_invalid(Diag *d, const char *flag, const char *value, const char *why) {
	_cleanup_free_ char *p = NULL;
	if (asprintf(&p, "--%s", flag) < 0)
		return;
	if (why)
		diag_error(d, p, "invalid value \"%s\": %s", value, why);
	else
		diag_error(d, p, "invalid value \"%s\"", value);
}

/* Split "a,b" on ',' skipping empty items, calling fn on each item. */
typedef int (*item_fn)(FlagState *s, const ConfigField *f, const char *flag, const char *item);

static int for_each_item(FlagState *s, const ConfigField *f, const char *flag, const char *value,
                         item_fn fn) {
	_cleanup_free_ char *copy = strdup(value);
	char *save = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	/* strtok_r skips empty items, as the cliflag types do ("if len(s) == 0 { continue }") */
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		int r = fn(s, f, flag, item);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			ret = r;
	}
	return ret;
}

static char *trim(char *s) {
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f')
		s++;
	size_t l = strlen(s);
	while (l > 0 && strchr(" \t\n\r\v\f", s[l - 1]))
		s[--l] = '\0';
	return s;
}

static int map_item(FlagState *s, const ConfigField *f, const char *flag, const char *item) {
	char sep = f->flag_syntax == FLAG_MAP_LANGLE   ? '<'
	           : f->flag_syntax == FLAG_MAP_EQUALS ? '='
	                                               : ':';
	_cleanup_free_ char *copy = strdup(item);
	if (!copy)
		return -ENOMEM;
	char *at = strchr(copy, sep);
	if (!at) {
		char why[64];
		snprintf(why, sizeof(why), "malformed pair, expect string%cstring", sep);
		flag_invalid(s->diag, flag, item, why);
		return -EINVAL;
	}
	*at = '\0';
	const char *k = trim(copy), *v = trim(at + 1);
	void *ptr = config_field_ptr(s->c, f);
	if (f->flag_syntax == FLAG_MULTIMAP_COLON)
		return header_map_add(ptr, k, v);
	return strmap_set(ptr, k, v);
}

/*
 * --feature-gates: cliflag.MapStringBool's "Name=bool" pairs (trimmed, strconv.ParseBool), then
 * the gate names as the kubelet's SetFromMap checks them once flags and file are merged.
 */
static int gate_item(FlagState *s, const ConfigField *f, const char *flag, const char *item) {
	_cleanup_free_ char *copy = strdup(item), *why = NULL;
	bool value;

	if (!copy)
		return -ENOMEM;
	char *at = strchr(copy, '=');
	if (!at) {
		flag_invalid(s->diag, flag, item, "malformed pair, expect string=bool");
		return -EINVAL;
	}
	*at = '\0';
	const char *k = trim(copy), *v = trim(at + 1);
	if (config_parse_bool(v, &value) < 0) {
		if (asprintf(&why,
		             "invalid value of %s: %s, err: strconv.ParseBool: parsing \"%s\": "
		             "invalid syntax",
		             k, v, v) < 0)
			return -ENOMEM;
		flag_invalid(s->diag, flag, item, why);
		return -EINVAL;
	}
	if (feature_gates_set(config_field_ptr(s->c, f), k, value) < 0) {
		_cleanup_free_ char *p = NULL;
		if (asprintf(&p, "--%s", flag) < 0)
			return -ENOMEM;
		diag_error(s->diag, p, "unrecognized feature gate: %s", k);
		return -EINVAL;
	}
	return 0;
}

static int list_item(FlagState *s, const ConfigField *f, const char *flag, const char *item) {
	return strv_extend(config_field_ptr(s->c, f), item);
}

/* First use of a map/list flag drops what the file (or the default) had. */
static int clear_collection(FlagState *s, const ConfigField *f, ConfigFieldId id) {
	void *ptr = config_field_ptr(s->c, f);
	if (s->seen[id])
		return 0;
	s->seen[id] = true;
	switch (f->type) {
	case FT_STRING_MAP:
		strmap_done(ptr);
		break;
	case FT_HEADER_MAP:
		header_map_done(ptr);
		break;
	case FT_STRING_LIST:
		strv_free(*(char ***)ptr);
		*(char ***)ptr = calloc(1, sizeof(char *));
		if (!*(char ***)ptr)
			return -ENOMEM;
		break;
	default:
		break;
	}
	return 0;
}

static int set_int(FlagState *s, const ConfigField *f, const char *flag, const char *value) {
	int64_t v;
	bool is32 = f->type == FT_INT32;
	if (config_parse_int(value, is32 ? INT32_MIN : INT64_MIN, is32 ? INT32_MAX : INT64_MAX,
	                     &v) < 0) {
		flag_invalid(s->diag, flag, value, NULL);
		return -EINVAL;
	}
	if (is32)
		*(int32_t *)config_field_ptr(s->c, f) = (int32_t)v;
	else
		*(int64_t *)config_field_ptr(s->c, f) = v;
	return 0;
}

static int set_duration(FlagState *s, const char *flag, const char *value, int64_t *ret) {
	_cleanup_free_ char *err = NULL;
	int r = duration_parse(value, ret, &err);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		flag_invalid(s->diag, flag, value, err);
		return -EINVAL;
	}
	return 0;
}

static int set_scalar(FlagState *s, const ConfigField *f, const char *flag, const char *value) {
	void *ptr = config_field_ptr(s->c, f);
	switch (f->type) {
	case FT_STRING:
	case FT_IP:
		return config_set_string(ptr, value);
	case FT_PATH:
		return config_resolve_path(s->cwd, value, ptr);
	case FT_BOOL:
		if (config_parse_bool(value, ptr) < 0) {
			flag_invalid(s->diag, flag, value, NULL);
			return -EINVAL;
		}
		return 0;
	case FT_INT32:
	case FT_INT64:
		return set_int(s, f, flag, value);
	case FT_DURATION:
		return set_duration(s, flag, value, ptr);
	case FT_FLOAT: {
		char *end = NULL;
		errno = 0;
		double d = strtod(value, &end);
		if (errno != 0 || !end || *end || isempty(value)) {
			flag_invalid(s->diag, flag, value, NULL);
			return -EINVAL;
		}
		*(double *)ptr = d;
		return 0;
	}
	case FT_CGROUP_DRIVER:
		/* validated later, with the kubelet's message; keep the known ones here */
		if (cgroup_driver_from_string(value) < 0) {
			flag_invalid(s->diag, flag, value,
			             "must be one of \"cgroupfs\" or \"systemd\"");
			return -EINVAL;
		}
		*(CgroupDriver *)ptr = cgroup_driver_from_string(value);
		return 0;
	default:
		return -EINVAL;
	}
}

static int apply_flag(FlagState *s, const ConfigField *f, ConfigFieldId id, const char *flag,
                      const char *value) {
	int r;
	switch (f->flag_syntax) {
	case FLAG_SCALAR:
		r = set_scalar(s, f, flag, value);
		break;
	case FLAG_LIST_COMMA:
		r = clear_collection(s, f, id);
		if (r >= 0)
			r = for_each_item(s, f, flag, value, list_item);
		break;
	case FLAG_MAP_BOOL:
		/* not cleared: the kubelet adds the file's gates back under the flag's */
		r = for_each_item(s, f, flag, value, gate_item);
		break;
	default:
		r = clear_collection(s, f, id);
		if (r >= 0)
			r = for_each_item(s, f, flag, value, map_item);
		break;
	}
	if (r >= 0) {
		s->c->origin[id] = ORIGIN_FLAG;
		s->c->origin_flag[id] = f->flags[0] ? flag : NULL;
		if (id == FIELD_EVICTION_HARD)
			s->c->eviction_hard_set = true;
	}
	return r;
}

/* Split "--name[=value]" into a normalized name; *value NULL without '='. */
static int split_flag(const char *arg, char **ret_name, const char **ret_value) {
	const char *body = arg + 2;
	const char *eq = strchr(body, '=');
	char *name = eq ? strndup(body, (size_t)(eq - body)) : strdup(body);
	if (!name)
		return -ENOMEM;
	for (char *p = name; *p; p++)
		if (*p == '_')
			*p = '-';
	*ret_name = name;
	*ret_value = eq ? eq + 1 : NULL;
	return 0;
}

/*
 * Apply argv[i]; *ret_used says how many extra argv entries it consumed (0 or 1), also when
 * the value was refused, so that a bad value is not reported again as a stray argument.
 */
static int handle_flag(FlagState *s, int argc, char **argv, int i, int *ret_used) {
	_cleanup_free_ char *name = NULL;
	const char *value, *canonical;
	ConfigFieldId id;

	*ret_used = 0;
	int r = split_flag(argv[i], &name, &value);
	if (r < 0)
		return r;
	const ConfigField *f =
	        streq(name, "config") ? NULL : config_field_by_flag(name, &id, &canonical);
	if (!f && !streq(name, "config")) {
		diag_error(s->diag, argv[i], "unknown flag");
		return -EINVAL;
	}
	if (!value && (!f || f->type != FT_BOOL)) {
		if (i + 1 >= argc || !argv[i + 1]) {
			_cleanup_free_ char *p = NULL;
			if (asprintf(&p, "--%s", name) >= 0)
				diag_error(s->diag, p, "flag needs an argument");
			return -EINVAL;
		}
		value = argv[i + 1];
		*ret_used = 1;
	}
	if (!f) /* --config: read by skiff_config_find_config_flag() */
		return 0;
	return apply_flag(s, f, id, canonical, value ? value : "true");
}

int skiff_config_apply_flags(SkiffConfig *c, int argc, char **argv, const char *cwd, Diag *diag) {
	FlagState s = { .c = c, .cwd = cwd, .diag = diag };
	bool only_args = false;
	int ret = 0;

	for (int i = 0; i < argc && argv[i]; i++) {
		const char *a = argv[i];
		if (!only_args && streq(a, "--")) {
			only_args = true;
			continue;
		}
		if (only_args || !startswith(a, "--") || streq(a, "--")) {
			/* the kubelet: "unknown command" for a non-flag argument */
			diag_error(diag, NULL, "unexpected argument \"%s\"", a);
			ret = -EINVAL;
			continue;
		}
		int used;
		int r = handle_flag(&s, argc, argv, i, &used);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			ret = r;
		i += used;
	}
	return ret;
}

/* Does argv[i] ("--name" without '=') take the next argument as its value? */
static bool takes_next(const char *arg) {
	_cleanup_free_ char *name = NULL;
	const char *value;
	ConfigFieldId id;

	if (!startswith(arg, "--") || split_flag(arg, &name, &value) < 0 || value)
		return false;
	const ConfigField *f = config_field_by_flag(name, &id, NULL);
	return f && f->type != FT_BOOL;
}

int skiff_config_find_config_flag(int argc, char **argv, const char **ret) {
	int found = 0;
	for (int i = 0; i < argc && argv[i]; i++) {
		if (streq(argv[i], "--"))
			break;
		const char *v = startswith(argv[i], "--config=");
		if (!v && streq(argv[i], "--config")) {
			if (i + 1 >= argc || !argv[i + 1])
				return found; /* reported by skiff_config_apply_flags() */
			v = argv[++i];
		} else if (!v) {
			/* the value of "--root-dir --config" is a directory, not the flag */
			if (takes_next(argv[i]))
				i++;
			continue;
		}
		*ret = v; /* the last --config wins, as with any pflag string */
		found = 1;
	}
	return found;
}
