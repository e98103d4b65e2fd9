/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML scalar resolution as the Kubernetes tooling sees it: go-yaml v2's resolve.go (the
 * resolve table, then strconv.ParseInt/ParseUint with base 0 on the text without '_', then
 * its float pattern, then the "0b" forms) and sigs.k8s.io/yaml's conversion of mapping keys
 * to strings. Floats keep their text (normalised to JSON number syntax), so a Quantity written
 * as a bare number reaches its parser digit for digit.
 */
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdio.h>

#include "macro.h"
#include "tree-internal.h"

typedef struct Resolved {
	TreeScalarKind kind;
	bool b;
	int64_t i;
	double d;
	char *text; /* floats: the text to keep (owned) */
} Resolved;

typedef struct Named {
	const char *text;
	TreeScalarKind kind;
	int value; /* bool value, or the sign of an infinity (0: NaN) */
} Named;

/* resolve.go: resolveMapList (YAML 1.1 booleans, nulls, the special floats) */
static const Named named[] = {
	{ "y", TREE_SCALAR_BOOL, 1 },       { "Y", TREE_SCALAR_BOOL, 1 },
	{ "yes", TREE_SCALAR_BOOL, 1 },     { "Yes", TREE_SCALAR_BOOL, 1 },
	{ "YES", TREE_SCALAR_BOOL, 1 },     { "true", TREE_SCALAR_BOOL, 1 },
	{ "True", TREE_SCALAR_BOOL, 1 },    { "TRUE", TREE_SCALAR_BOOL, 1 },
	{ "on", TREE_SCALAR_BOOL, 1 },      { "On", TREE_SCALAR_BOOL, 1 },
	{ "ON", TREE_SCALAR_BOOL, 1 },      { "n", TREE_SCALAR_BOOL, 0 },
	{ "N", TREE_SCALAR_BOOL, 0 },       { "no", TREE_SCALAR_BOOL, 0 },
	{ "No", TREE_SCALAR_BOOL, 0 },      { "NO", TREE_SCALAR_BOOL, 0 },
	{ "false", TREE_SCALAR_BOOL, 0 },   { "False", TREE_SCALAR_BOOL, 0 },
	{ "FALSE", TREE_SCALAR_BOOL, 0 },   { "off", TREE_SCALAR_BOOL, 0 },
	{ "Off", TREE_SCALAR_BOOL, 0 },     { "OFF", TREE_SCALAR_BOOL, 0 },
	{ "", TREE_SCALAR_NULL, 0 },        { "~", TREE_SCALAR_NULL, 0 },
	{ "null", TREE_SCALAR_NULL, 0 },    { "Null", TREE_SCALAR_NULL, 0 },
	{ "NULL", TREE_SCALAR_NULL, 0 },    { ".nan", TREE_SCALAR_FLOAT, 0 },
	{ ".NaN", TREE_SCALAR_FLOAT, 0 },   { ".NAN", TREE_SCALAR_FLOAT, 0 },
	{ ".inf", TREE_SCALAR_FLOAT, 1 },   { ".Inf", TREE_SCALAR_FLOAT, 1 },
	{ ".INF", TREE_SCALAR_FLOAT, 1 },   { "+.inf", TREE_SCALAR_FLOAT, 1 },
	{ "+.Inf", TREE_SCALAR_FLOAT, 1 },  { "+.INF", TREE_SCALAR_FLOAT, 1 },
	{ "-.inf", TREE_SCALAR_FLOAT, -1 }, { "-.Inf", TREE_SCALAR_FLOAT, -1 },
	{ "-.INF", TREE_SCALAR_FLOAT, -1 },
};

static bool is_digit(char c) {
	return c >= '0' && c <= '9';
}

/* resolveTable: the first character says what a plain scalar may be ('N': empty). */
static char hint_of(const char *s, size_t len) {
	if (len == 0)
		return 'N';
	if (s[0] == '+' || s[0] == '-')
		return 'S';
	if (is_digit(s[0]))
		return 'D';
	if (strchr("yYnNtTfFoO~", s[0]) && s[0] != 0)
		return 'M';
	return s[0] == '.' ? '.' : 0;
}

/* strconv.ParseUint(s, base, 64); base 0 reads the 0b, 0o, 0x and (octal) 0 prefixes. */
static int go_parse_uint(const char *s, unsigned base, uint64_t *ret) {
	uint64_t n = 0;
	bool range = false;

	if (!*s)
		return -EINVAL;
	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			char c = (char)(s[1] | 0x20);
			bool three = s[1] && s[2];
			base = three && c == 'b'   ? 2
			       : three && c == 'o' ? 8
			       : three && c == 'x' ? 16
			                           : 8;
			s += base == 8 && !(three && c == 'o') ? 1 : 2;
		}
	}
	for (; *s; s++) {
		unsigned d;
		if (is_digit(*s))
			d = (unsigned)(*s - '0');
		else if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			d = (unsigned)((*s | 0x20) - 'a' + 10);
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		if (n > (UINT64_MAX - d) / base)
			range = true;
		n = n * base + d;
	}
	if (range)
		return -ERANGE;
	*ret = n;
	return 0;
}

/* strconv.ParseInt(s, base, 64): an optional sign, then ParseUint's digits. */
static int go_parse_int(const char *s, unsigned base, int64_t *ret) {
	bool neg = *s == '-';
	uint64_t u;

	if (*s == '+' || *s == '-')
		s++;
	int r = go_parse_uint(s, base, &u);
	if (r < 0)
		return r;
	if (neg ? u > (uint64_t)INT64_MAX + 1 : u > (uint64_t)INT64_MAX)
		return -ERANGE;
	*ret = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/* resolve.go: yamlStyleFloat, ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s) {
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.') { /* \.[0-9]+ */
		if (!is_digit(*++s))
			return false;
		while (is_digit(*s))
			s++;
	} else { /* [0-9]+(\.[0-9]*)? */
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
		if (*s == '.')
			while (is_digit(*++s))
				;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == 0;
}

/* The float's text in JSON number syntax: no '+', no leading zeros, no bare '.'. */
static char *json_number_text(const char *s) {
	char *out = malloc(strlen(s) + 2), *p = out;

	if (!out)
		return NULL;
	if (*s == '+' || *s == '-')
		if (*s++ == '-')
			*p++ = '-';
	while (*s == '0' && is_digit(s[1]))
		s++;
	if (!is_digit(*s))
		*p++ = '0';
	while (is_digit(*s))
		*p++ = *s++;
	if (*s == '.' && is_digit(s[1]))
		*p++ = *s;
	if (*s == '.')
		s++;
	strcpy(p, s);
	return out;
}

/* A float (strconv.ParseFloat must not overflow, or the scalar stays a string). */
static int resolve_float(const char *text, Resolved *r) {
	errno = 0;
	double d = strtod(text, NULL);
	if (isinf(d))
		return 0;
	r->text = json_number_text(text);
	if (!r->text)
		return -ENOMEM;
	r->kind = TREE_SCALAR_FLOAT;
	r->d = d;
	return 0;
}

static int resolve_uint_as_float(uint64_t u, Resolved *r) {
	if (asprintf(&r->text, "%" PRIu64, u) < 0) {
		r->text = NULL;
		return -ENOMEM;
	}
	r->kind = TREE_SCALAR_FLOAT; /* beyond int64: a float, as the tree promises */
	r->d = (double)u;
	return 0;
}

/* The 'D' and 'S' hints: integers, then floats, then go-yaml's own "0b" forms. */
static int resolve_number(const char *plain, Resolved *r) {
	uint64_t u;

	if (go_parse_int(plain, 0, &r->i) == 0) {
		r->kind = TREE_SCALAR_INT;
		return 0;
	}
	if (go_parse_uint(plain, 0, &u) == 0)
		return resolve_uint_as_float(u, r);
	if (yaml_style_float(plain))
		return resolve_float(plain, r);
	if (startswith(plain, "0b")) {
		if (go_parse_int(plain + 2, 2, &r->i) == 0) {
			r->kind = TREE_SCALAR_INT;
			return 0;
		}
		if (go_parse_uint(plain + 2, 2, &u) == 0)
			return resolve_uint_as_float(u, r);
	}
	return 0;
}

static int resolve_plain(const char *s, size_t len, Resolved *r) {
	char hint = hint_of(s, len);

	*r = (Resolved){ .kind = TREE_SCALAR_STRING };
	if (hint == 0 || memchr(s, 0, len))
		return 0;
	for (size_t i = 0; i < ELEMENTSOF(named); i++)
		if (strlen(named[i].text) == len && memcmp(named[i].text, s, len) == 0) {
			r->kind = named[i].kind;
			r->b = named[i].value != 0;
			r->d = named[i].value == 0 ? NAN : named[i].value * INFINITY;
			if (r->kind == TREE_SCALAR_FLOAT) {
				r->text = strdup(isnan(r->d) ? ".nan"
				                 : r->d > 0  ? ".inf"
				                             : "-.inf");
				if (!r->text)
					return -ENOMEM;
			}
			return 0;
		}
	if (hint == '.') {
		_cleanup_free_ char *t = strndup(s, len);
		if (!t)
			return -ENOMEM;
		return yaml_style_float(t) ? resolve_float(t, r) : 0;
	}
	if (hint != 'D' && hint != 'S')
		return 0;
	_cleanup_free_ char *plain = malloc(len + 1);
	if (!plain)
		return -ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) /* strings.Replace(in, "_", "", -1) */
		if (s[i] != '_')
			plain[n++] = s[i];
	plain[n] = 0;
	return resolve_number(plain, r);
}

TreeScalarKind tree_plain_kind(const char *s, size_t len) {
	Resolved r;
	if (resolve_plain(s, len, &r) < 0)
		return TREE_SCALAR_FLOAT; /* out of memory: claim the most restrictive answer */
	free(r.text);
	return r.kind;
}

static const char *kind_tag(TreeScalarKind k) {
	static const char *const tags[] = { "!!null", "!!bool", "!!int", "!!float", "!!str" };
	return tags[k];
}

/* The short form of a tag: "tag:yaml.org,2002:int" is "!!int". */
static int short_tag(const char *tag, char **ret) {
	const char *rest = startswith(tag, TREE_TAG_PREFIX);
	if (!rest)
		*ret = strdup(tag);
	else if (asprintf(ret, "!!%s", rest) < 0)
		*ret = NULL;
	return *ret ? 0 : -ENOMEM;
}

static json_object *to_json(const Resolved *r, const char *s, size_t len) {
	switch (r->kind) {
	case TREE_SCALAR_NULL:
		return NULL;
	case TREE_SCALAR_BOOL:
		return json_object_new_boolean(r->b);
	case TREE_SCALAR_INT:
		return json_object_new_int64(r->i);
	case TREE_SCALAR_FLOAT:
		return json_object_new_double_s(r->d, r->text);
	case TREE_SCALAR_STRING:
		break;
	}
	return json_object_new_string_len(s, (int)len);
}

/* -?(0|[1-9][0-9]*): an integer written the way JSON writes it */
static bool decimal_literal(const char *s, size_t len) {
	size_t i = len > 0 && s[0] == '-';
	if (i >= len || (s[i] == '0' && len - i > 1))
		return false;
	for (; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* Tags whose value go-yaml checks; any other tag (!!str, !!timestamp, !foo) keeps a string. */
static bool checked_tag(const char *tag) {
	const char *rest = startswith(tag, TREE_TAG_PREFIX);
	return rest && (streq(rest, "bool") || streq(rest, "int") || streq(rest, "float") ||
	                streq(rest, "null"));
}

/*
 * An explicit tag must agree with what the text resolves to (resolve.go's deferred check):
 * !!str keeps any text, !!float also takes an integer, other tags are kept as strings.
 */
static int apply_tag(const char *tag, Resolved *r, const char *s, size_t len, char **ret_error) {
	_cleanup_free_ char *st = NULL;

	if (short_tag(tag, &st) < 0)
		return -ENOMEM;
	if (streq(st, kind_tag(r->kind)))
		return 0;
	if (streq(st, "!!float") && r->kind == TREE_SCALAR_INT) {
		/* "-0" stays "-0": a decimal literal keeps its text, other forms print the value */
		if (decimal_literal(s, len))
			r->text = strndup(s, len);
		else if (asprintf(&r->text, "%" PRId64, r->i) < 0)
			r->text = NULL;
		if (!r->text)
			return -ENOMEM;
		r->kind = TREE_SCALAR_FLOAT;
		r->d = (double)r->i;
		return 0;
	}
	if (asprintf(ret_error, "cannot decode %s `%.*s` as a %s", kind_tag(r->kind), (int)len, s,
	             st) < 0)
		*ret_error = NULL;
	return -EINVAL;
}

int tree_scalar_value(const char *s, size_t len, const char *tag, bool implicit, json_object **ret,
                      char **ret_error) {
	Resolved r = { .kind = TREE_SCALAR_STRING };
	int k = 0;

	if (len > INT32_MAX)
		return -E2BIG;
	if (implicit && !tag) /* plain, untagged; "!" (non-specific) keeps a string */
		k = resolve_plain(s, len, &r);
	else if (tag && checked_tag(tag)) {
		k = resolve_plain(s, len, &r);
		if (k >= 0)
			k = apply_tag(tag, &r, s, len, ret_error);
	}
	if (k < 0) {
		free(r.text);
		return k;
	}
	json_object *o = to_json(&r, s, len);
	free(r.text);
	if (!o && r.kind != TREE_SCALAR_NULL)
		return -ENOMEM;
	*ret = o;
	return 0;
}

/*
 * strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses for float keys: the
 * shortest digits that give back the same float32, %e when the exponent is < -4 or >= 6.
 */
static int format_float32_g(double d, char **ret) {
	float f = (float)d;
	char e[32], digits[16], *p;
	size_t nd = 0;
	int prec, exp10;

	if (isnan(f) || isinf(f)) /* the names go-yaml gives them */
		return (*ret = strdup(isnan(f) ? ".nan" : f > 0 ? ".inf" : "-.inf")) ? 0 : -ENOMEM;
	if (f == 0)
		return (*ret = strdup(signbit(f) ? "-0" : "0")) ? 0 : -ENOMEM;
	for (prec = 1; prec < 9; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, (double)f);
		if (strtof(e, NULL) == f)
			break;
	}
	snprintf(e, sizeof(e), "%.*e", prec - 1, (double)f);
	for (p = e; *p != 'e'; p++)
		if (is_digit(*p))
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = 0;
	exp10 = atoi(p + 1);

	/* at most 9 digits and 45 zeros (float32 spans 1e-45 .. 3e38) */
	char out[80], *o = out;
	int dp = exp10 + 1;
	if (f < 0)
		*o++ = '-';
	if (exp10 < -4 || exp10 >= 6) {
		*o++ = digits[0];
		if (nd > 1)
			o += sprintf(o, ".%s", digits + 1);
		sprintf(o, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
	} else if (dp <= 0) {
		o += sprintf(o, "0.");
		for (int i = 0; i < -dp; i++)
			*o++ = '0';
		strcpy(o, digits);
	} else {
		for (size_t i = 0; i < nd || i < (size_t)dp; i++) {
			if (i == (size_t)dp)
				*o++ = '.';
			*o++ = i < nd ? digits[i] : '0';
		}
		*o = 0;
	}
	*ret = strdup(out);
	return *ret ? 0 : -ENOMEM;
}

int tree_key_text(json_object *o, char **ret) {
	switch (json_object_get_type(o)) {
	case json_type_null:
	case json_type_object:
	case json_type_array:
		return -EINVAL;
	case json_type_double:
		return format_float32_g(json_object_get_double(o), ret);
	case json_type_string:
		if (strlen(json_object_get_string(o)) != (size_t)json_object_get_string_len(o))
			return -EBADMSG; /* a NUL byte: json-c keys are C strings */
		*ret = strdup(json_object_get_string(o));
		break;
	case json_type_boolean:
	case json_type_int:
		*ret = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		break;
	}
	return *ret ? 0 : -ENOMEM;
}
