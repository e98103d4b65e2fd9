/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON to json-c trees with json-c's tokener (strict mode, UTF-8 checked, depth bounded).
 * json-c clamps integers beyond int64 to the int64/uint64 limits and forgets their text;
 * Kubernetes keeps a number's text (a Quantity reads its raw bytes), so such integers are
 * found in the source and become doubles carrying their exact digits, as YAML integers
 * beyond int64 do.
 */
#include <errno.h>
#include <limits.h>

#include "macro.h"
#include "tree-internal.h"

#define MARK '\xff' /* never in a string json-c accepted with JSON_TOKENER_VALIDATE_UTF8 */

static bool is_digit(char c) {
	return c >= '0' && c <= '9';
}

/* Integer token (-?[0-9]+) whose value lies outside int64. */
static bool big_integer(const char *s, size_t n) {
	const char *lim = s[0] == '-' ? "9223372036854775808" : "9223372036854775807";
	size_t i = s[0] == '-', digits = n - i;

	for (size_t k = i; k < n; k++)
		if (!is_digit(s[k]))
			return false;
	return digits > 19 || (digits == 19 && memcmp(s + i, lim, 19) > 0);
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static bool json_number(const char *s, size_t n) {
	size_t i = 0;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && is_digit(s[i]))
		while (i < n && is_digit(s[i]))
			i++;
	else
		return false;
	if (i < n && s[i] == '.') {
		if (++i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n;
}

typedef struct Scan {
	char *marked; /* the input with big integers as MARK strings, NULL when it has none */
	size_t marked_len, copied;
	size_t max_depth, depth;
	size_t error_at;
	const char *error;
} Scan;

static int mark(Scan *sc, const char *data, size_t start, size_t n) {
	char *o = realloc(sc->marked, sc->marked_len + (start - sc->copied) + n + 3);
	if (!o)
		return -ENOMEM;
	sc->marked = o;
	memcpy(o + sc->marked_len, data + sc->copied, start - sc->copied);
	sc->marked_len += start - sc->copied;
	o[sc->marked_len++] = '"';
	o[sc->marked_len++] = MARK;
	memcpy(o + sc->marked_len, data + start, n);
	sc->marked_len += n;
	o[sc->marked_len++] = '"';
	sc->copied = start + n;
	return 0;
}

static int scan_error(Scan *sc, size_t at, const char *msg) {
	sc->error_at = at;
	sc->error = msg;
	return -EINVAL;
}

/*
 * One pass over input json-c accepted: refuse what it tolerates but encoding/json does not
 * (NaN, Infinity, "1.", single quotes, raw control characters in strings), check the nesting
 * of objects and arrays (json-c counts scalars as a level too) and mark the integers beyond
 * int64.
 */
static int scan(const char *s, size_t len, Scan *sc) {
	for (size_t i = 0; i < len;) {
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if ((unsigned char)s[i] < 0x20)
					return scan_error(
					        sc, i,
					        "invalid control character in string literal");
				if (s[i] == '\\')
					i++;
			}
			i++;
		} else if (s[i] == '-' || is_digit(s[i])) {
			size_t start = i;
			while (i < len && (is_digit(s[i]) || (s[i] && strchr("+-.eE", s[i]))))
				i++;
			if (!json_number(s + start, i - start))
				return scan_error(sc, start, "invalid number literal");
			if (big_integer(s + start, i - start) && mark(sc, s, start, i - start) < 0)
				return -ENOMEM;
		} else if (s[i] == '{' || s[i] == '[') {
			if (++sc->depth > sc->max_depth) {
				sc->error_at = i;
				return -E2BIG;
			}
			i++;
		} else if (s[i] == '}' || s[i] == ']') {
			sc->depth--;
			i++;
		} else if (strchr(" \t\r\n,:", s[i]) && s[i]) {
			i++;
		} else if (len - i >= 4 &&
		           (memcmp(s + i, "true", 4) == 0 || memcmp(s + i, "null", 4) == 0)) {
			i += 4;
		} else if (len - i >= 5 && memcmp(s + i, "false", 5) == 0) {
			i += 5;
		} else
			return scan_error(sc, i,
			                  "invalid character looking for beginning of value");
	}
	if (!sc->marked)
		return 0;
	char *o = realloc(sc->marked, sc->marked_len + (len - sc->copied) + 1);
	if (!o)
		return -ENOMEM;
	memcpy(o + sc->marked_len, s + sc->copied, len - sc->copied);
	sc->marked_len += len - sc->copied;
	sc->marked = o;
	return 0;
}

static json_object *unmark(json_object *o) {
	const char *s = json_object_get_string(o);
	if (!json_object_is_type(o, json_type_string) || s[0] != MARK)
		return NULL;
	return json_object_new_double_s(strtod(s + 1, NULL), s + 1);
}

/* Replace the marked strings by doubles with the digits as their text. */
static int restore_big_integers(json_object *o) {
	json_object *v;

	if (json_object_is_type(o, json_type_array))
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			json_object *e = json_object_array_get_idx(o, i);
			if ((v = unmark(e))) {
				if (json_object_array_put_idx(o, i, v) < 0)
					return -ENOMEM;
			} else if (restore_big_integers(e) < 0)
				return -ENOMEM;
		}
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach (o, k, e) {
			if ((v = unmark(e))) {
				if (json_object_object_add(o, k, v) < 0)
					return -ENOMEM;
			} else if (restore_big_integers(e) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static size_t count_nodes(json_object *o) {
	size_t n = 1;
	if (json_object_is_type(o, json_type_array))
		for (size_t i = 0; i < json_object_array_length(o); i++)
			n += count_nodes(json_object_array_get_idx(o, i));
	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach (o, k, v) {
			(void)k;
			n += count_nodes(v);
		}
	}
	return n;
}

static int tokenize(const char *data, size_t len, size_t max_depth, int flags, size_t *ret_end,
                    enum json_tokener_error *ret_error, json_object **ret) {
	struct json_tokener *tok = json_tokener_new_ex((int)MIN(max_depth + 1, (size_t)INT_MAX));

	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, flags);
	*ret = json_tokener_parse_ex(tok, data, (int)len);
	*ret_error = json_tokener_get_error(tok);
	*ret_end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	return 0;
}

static int json_error(const char *data, size_t len, size_t offset, const char *msg, Diag *diag) {
	size_t line, column;
	tree_position(data, len, offset, &line, &column);
	diag_error(diag, NULL, "line %zu, column %zu: %s", line, column, msg);
	return -EINVAL;
}

int tree_parse_json(const char *data, size_t len, const TreeLimits *limits, TreeDocs *docs,
                    Diag *diag) {
	const int flags = JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8;
	enum json_tokener_error jerr;
	json_object *o = NULL;
	Scan sc = { .max_depth = limits->max_depth };
	size_t end;
	int r;

	if (len >= INT_MAX) {
		diag_error(diag, NULL, "JSON input of %zu bytes is too large", len);
		return -E2BIG;
	}
	if ((r = tokenize(data, len, limits->max_depth, flags, &end, &jerr, &o)) < 0)
		return r;
	if (jerr == json_tokener_continue)
		return json_error(data, len, len, "unexpected end of JSON input", diag);
	if (jerr != json_tokener_success && jerr != json_tokener_error_depth)
		return json_error(data, len, end, json_tokener_error_desc(jerr), diag);
	if (jerr == json_tokener_error_depth) { /* find where, in what json-c read */
		r = scan(data, end, &sc);
		if (r >= 0) {
			sc.error_at = end;
			r = -E2BIG;
		}
	} else if (end < len) {
		json_object_put(o);
		return json_error(data, len, end, "invalid character after top-level value", diag);
	} else
		r = scan(data, len, &sc);
	if (r == -EINVAL)
		json_error(data, len, sc.error_at, sc.error, diag);
	if (r == -E2BIG) {
		size_t line, column;
		tree_position(data, len, sc.error_at, &line, &column);
		diag_error(diag, NULL, "line %zu, column %zu: nesting deeper than %zu levels", line,
		           column, limits->max_depth);
	}
	if (r >= 0 && sc.marked) {
		json_object_put(TAKE_PTR(o));
		r = tokenize(sc.marked, sc.marked_len, limits->max_depth, JSON_TOKENER_STRICT, &end,
		             &jerr, &o);
		if (r >= 0 && (!o || jerr != json_tokener_success))
			r = -EINVAL;
		if (r >= 0)
			r = restore_big_integers(o);
		if (r < 0)
			diag_error(diag, NULL, "could not keep the digits of a large integer");
	}
	free(sc.marked);
	if (r >= 0 && count_nodes(o) > limits->max_nodes) {
		diag_error(diag, NULL, "line 1, column 1: the document has more than %zu nodes",
		           limits->max_nodes);
		r = -E2BIG;
	}
	if (r < 0) {
		json_object_put(o);
		return r;
	}
	return tree_docs_append(docs, o);
}
