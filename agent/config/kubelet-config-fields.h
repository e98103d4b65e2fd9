/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One table describes every configuration key: its JSON name, its type, where it lives in
 * SkiffConfig and its kubelet flags. The file decoder, the flag parser and the printer all
 * walk it, so a key is added in one place. Internal to agent/config.
 */
#pragma once

#include <stddef.h>

#include "kubelet-config.h"

typedef enum FieldType {
	FT_STRING,        /* char * */
	FT_PATH,          /* char *, relative paths resolved against the file's directory */
	FT_IP,            /* char *, an IP address */
	FT_BOOL,          /* bool */
	FT_INT32,         /* int32_t */
	FT_INT64,         /* int64_t */
	FT_DURATION,      /* int64_t ns, Go duration string */
	FT_FLOAT,         /* double */
	FT_CGROUP_DRIVER, /* CgroupDriver */
	FT_STRING_MAP,    /* StrMap: object of strings */
	FT_STRING_LIST,   /* char ** strv: array of strings */
	FT_HEADER_MAP,    /* HeaderMap: object of arrays of strings */
	FT_FEATURE_GATES, /* FeatureGates: object of booleans, keys the known gates */
} FieldType;

/* How a flag spells a map or list (k8s.io/component-base/cli/flag). */
typedef enum FlagSyntax {
	FLAG_SCALAR,
	FLAG_MAP_EQUALS,     /* MapStringString: k=v,k=v */
	FLAG_MAP_LANGLE,     /* LangleSeparatedMapStringString: k<v,k<v */
	FLAG_MULTIMAP_COLON, /* ColonSeparatedMultimapStringString: k:v,k:v */
	FLAG_LIST_COMMA,     /* pflag StringSlice: a,b */
	FLAG_MAP_BOOL,       /* MapStringBool: k=true,k=false */
} FlagSyntax;

typedef struct ConfigField {
	const char *name; /* JSON key */
	bool skiff;       /* under the `skiff:` map */
	FieldType type;
	size_t offset;
	FlagSyntax flag_syntax;
	const char *flags[3]; /* kubelet flag names without "--", NULL-terminated */
} ConfigField;

const ConfigField *config_field(ConfigFieldId id);
/* Lookup by JSON key in the top level (skiff = false) or the skiff: map. NULL if unknown. */
const ConfigField *config_field_by_name(const char *name, bool skiff, ConfigFieldId *ret_id);
/* Lookup by flag name (without "--", '_' already normalized to '-'). */
const ConfigField *config_field_by_flag(const char *flag, ConfigFieldId *ret_id,
                                        const char **ret_canonical);

static inline void *config_field_ptr(SkiffConfig *c, const ConfigField *f) {
	return (char *)c + f->offset;
}
static inline const void *config_field_cptr(const SkiffConfig *c, const ConfigField *f) {
	return (const char *)c + f->offset;
}

/* Shared value parsers (file and flags use the same rules). */
int config_parse_bool(const char *s, bool *ret); /* strconv.ParseBool */
int config_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret);
int config_set_string(char **dst, const char *s);
/* Resolve a relative path against base (NULL: leave it). */
int config_resolve_path(const char *base, const char *p, char **ret);

/* Record one gate of a featureGates map: -ENOENT for a gate skiff does not know. */
int feature_gates_set(FeatureGates *g, const char *name, bool value);
/* Store every gate's effective value in its SkiffConfig bool (memory_qos, ...). */
void feature_gates_resolve(SkiffConfig *c);
