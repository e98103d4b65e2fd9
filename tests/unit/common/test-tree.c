/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tree_parse: YAML as sigs.k8s.io/yaml over go-yaml v2 reads it (resolve.go's table for plain
 * scalars, tags, anchors, merge keys, key conversion, duplicate keys, empty documents), JSON
 * through json-c, and the limits.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tree.h"

/* Parse one document and return its compact JSON (static buffer), or NULL. */
static const char *parse_json(const char *in, int *ret) {
	static char out[4096];
	TreeDocs d = {};
	Diag diag = {};

	*ret = tree_parse(in, strlen(in), NULL, &d, &diag);
	if (*ret < 0 || d.n_docs != 1) {
		for (size_t i = 0; i < diag.n_errors; i++)
			print_message("%s\n", diag.errors[i]);
		tree_docs_free(&d);
		diag_clear(&diag);
		return NULL;
	}
	snprintf(out, sizeof(out), "%s",
	         json_object_to_json_string_ext(d.docs[0], JSON_C_TO_STRING_PLAIN));
	tree_docs_free(&d);
	diag_clear(&diag);
	return out;
}

static void expect_json(const char *in, const char *want) {
	int r;
	const char *got = parse_json(in, &r);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: r=%d got %s, want %s", in, r, got ? got : "(error)", want);
}

/* The error (exactly one) and the return code of a failing parse. */
static void expect_error(const char *in, size_t len, const TreeLimits *l, int want_r,
                         const char *want_msg) {
	TreeDocs d = {};
	Diag diag = {};
	int r = tree_parse(in, len, l, &d, &diag);

	if (r != want_r || diag.n_errors != 1 || strcmp(diag.errors[0], want_msg) != 0)
		fail_msg("%s: r=%d (want %d) errors=%zu first=%s", in, r, want_r, diag.n_errors,
		         diag.n_errors ? diag.errors[0] : "-");
	assert_int_equal(d.n_docs, 0);
	assert_null(d.docs);
	diag_clear(&diag);
}

static void test_plain_scalars(void **state) {
	/* resolve.go: null, YAML 1.1 booleans, special floats */
	expect_json("v: [~, null, Null, NULL, ]", "{\"v\":[null,null,null,null]}");
	expect_json("a:\nb: ~\n", "{\"a\":null,\"b\":null}");
	expect_json("--- [y, Y, yes, Yes, YES, true, True, TRUE, on, On, ON]",
	            "[true,true,true,true,true,true,true,true,true,true,true]");
	expect_json("--- [n, N, no, No, NO, false, False, FALSE, off, Off, OFF]",
	            "[false,false,false,false,false,false,false,false,false,false,false]");
	expect_json("--- [yES, tRUE, nULL, oN, NuLL]",
	            "[\"yES\",\"tRUE\",\"nULL\",\"oN\",\"NuLL\"]");
	expect_json("--- [.inf, .Inf, .INF, +.inf, -.Inf, .nan, .NaN, .NAN]",
	            "[.inf,.inf,.inf,.inf,-.inf,.nan,.nan,.nan]");
	/* integers: strconv.ParseInt(s, 0, 64) without '_' */
	expect_json("--- [0, 12, -12, +12, 0x1F, -0x10, 0X1f, 010, 0o17, 0O17, 0b101, 1_000, 0]",
	            "[0,12,-12,12,31,-16,31,8,15,15,5,1000,0]");
	expect_json("--- [9223372036854775807, -9223372036854775808]",
	            "[9223372036854775807,-9223372036854775808]");
	/* beyond int64: a float that keeps its digits */
	expect_json("--- [9223372036854775808, 18446744073709551615, 99999999999999999999, "
	            "0xFFFFFFFFFFFFFFFF]",
	            "[9223372036854775808,18446744073709551615,99999999999999999999,"
	            "18446744073709551615]");
	/* floats keep their text, in JSON number syntax */
	expect_json("--- [0.5, 1e9, 1E+5, 1.5e3, .5, 1., +1.5, -0.0, 007.50, 1_0.5, 1e-400]",
	            "[0.5,1e9,1E+5,1.5e3,0.5,1,1.5,-0.0,7.50,10.5,1e-400]");
	/* strings: everything else, and what overflows a float */
	expect_json("--- [.51., .5e, .e5, 1.5., +.5.]",
	            "[\".51.\",\".5e\",\".e5\",\"1.5.\",\"+.5.\"]");
	expect_json("--- [08, 0x, 0b2, 1e400, 1.5.5, 1:20, 2001-12-14, -, +, ., _1, 1e, 0o8]",
	            "[8,\"0x\",\"0b2\",\"1e400\",\"1.5.5\",\"1:20\",\"2001-12-14\",\"-\",\"+\","
	            "\".\",\"_1\",\"1e\",\"0o8\"]");
	expect_json("--- [\"123\", '1e3', \"true\", '', \"~\"]",
	            "[\"123\",\"1e3\",\"true\",\"\",\"~\"]");
	expect_json("--- [<<, hello world, a:b, -x]", "[\"<<\",\"hello world\",\"a:b\",\"-x\"]");
	/* go-yaml's own binary forms after ParseInt fails */
	expect_json("--- [0b-101, 0b+11]", "[-5,3]");
}

static void test_block_scalars(void **state) {
	expect_json("a: |\n  x\n  y\nb: |-\n  x\nc: |+\n  x\n\nd: >\n  x\n  y\n",
	            "{\"a\":\"x\\ny\\n\",\"b\":\"x\",\"c\":\"x\\n\\n\",\"d\":\"x y\\n\"}");
	expect_json("a: >-\n  123\nb: |\n  true\n", "{\"a\":\"123\",\"b\":\"true\\n\"}");
}

static void test_tags(void **state) {
	expect_json(
	        "--- [!!str 123, !!str true, !!int \"42\", !!float 3, !!float \"1.5\", !!bool yes, "
	        "!!null ~, !!null '', !!int 0x10]",
	        "[\"123\",\"true\",42,3,1.5,true,null,null,16]");
	/* other tags keep a string (go-yaml: not resolvable) */
	expect_json("--- [! 12, !foo 12, !!timestamp 2001-12-14, !!binary aGk=]",
	            "[\"12\",\"12\",\"2001-12-14\",\"aGk=\"]");
	expect_error("a: !!int abc\n", 12, NULL, -EINVAL,
	             "line 1, column 4: cannot decode !!str `abc` as a !!int");
	expect_error("a: !!bool 1\n", 11, NULL, -EINVAL,
	             "line 1, column 4: cannot decode !!int `1` as a !!bool");
	expect_error("a: !!int 1.5\n", 12, NULL, -EINVAL,
	             "line 1, column 4: cannot decode !!float `1.5` as a !!int");
	expect_error("a: !!null x\n", 11, NULL, -EINVAL,
	             "line 1, column 4: cannot decode !!str `x` as a !!null");
}

static void test_keys(void **state) {
	/* sigs.k8s.io/yaml turns scalar keys into strings */
	expect_json(
	        "1: a\n-2: b\n0x10: c\ntrue: d\nno: e\n1.5: f\n1e3: g\n1e6: h\n0.1: i\n.inf: j\n",
	        "{\"1\":\"a\",\"-2\":\"b\",\"16\":\"c\",\"true\":\"d\",\"false\":\"e\",\"1.5\":"
	        "\"f\","
	        "\"1000\":\"g\",\"1e+06\":\"h\",\"0.1\":\"i\",\".inf\":\"j\"}");
	expect_json("\"1\": a\n'true': b\n", "{\"1\":\"a\",\"true\":\"b\"}");
	expect_error("~: a\n", 5, NULL, -EINVAL, "line 1, column 1: invalid map key: null");
	expect_error("? [a]\n: b\n", 10, NULL, -EINVAL,
	             "line 1, column 3: invalid map key: a mapping or sequence");
	expect_error("? {a: 1}\n: b\n", 13, NULL, -EINVAL,
	             "line 1, column 3: invalid map key: a mapping or sequence");
	expect_error("\"a\\0b\": 1\n", 10, NULL, -EINVAL,
	             "line 1, column 1: invalid map key: it contains a NUL character");
	/* duplicates, as go-yaml words it */
	expect_error("a: 1\nb: 2\na: 3\n", 15, NULL, -EINVAL,
	             "line 3, column 1: mapping key \"a\" already defined at line 1");
	expect_error("x:\n  1: a\n  \"1\": b\n", 19, NULL, -EINVAL,
	             "line 3, column 3: mapping key \"1\" already defined at line 2");
	/* keys keep their order */
	expect_json("z: 1\na: 2\nm: 3\n", "{\"z\":1,\"a\":2,\"m\":3}");
}

static void test_anchors_and_merges(void **state) {
	expect_json("a: &x {b: 1}\nc: *x\nd: &s str\ne: *s\n",
	            "{\"a\":{\"b\":1},\"c\":{\"b\":1},\"d\":\"str\",\"e\":\"str\"}");
	/* an anchored scalar key, and an alias as a key */
	expect_json("&k key: 1\nother:\n  *k : 2\n", "{\"key\":1,\"other\":{\"key\":2}}");
	/* redefinition: the latest wins */
	expect_json("a: &x 1\nb: &x 2\nc: *x\n", "{\"a\":1,\"b\":2,\"c\":2}");
	/* merge keys: explicit keys win, earlier merged mappings win */
	expect_json("base: &b {cpu: 1, mem: 2}\nd:\n  <<: *b\n  cpu: 3\n",
	            "{\"base\":{\"cpu\":1,\"mem\":2},\"d\":{\"mem\":2,\"cpu\":3}}");
	expect_json("a: &a {x: 1, p: 1}\nb: &b {p: 2, z: 2}\nc:\n  <<: [*a, *b]\n  w: 0\n",
	            "{\"a\":{\"x\":1,\"p\":1},\"b\":{\"p\":2,\"z\":2},"
	            "\"c\":{\"x\":1,\"p\":1,\"z\":2,\"w\":0}}");
	expect_json("c:\n  k: 0\n  <<: {k: 1, j: 1}\n", "{\"c\":{\"j\":1,\"k\":0}}");
	expect_json("c:\n  !!merge <<: {k: 1}\n", "{\"c\":{\"k\":1}}");
	/* a quoted "<<" is an ordinary key */
	expect_json("c:\n  \"<<\": {k: 1}\n", "{\"c\":{\"<<\":{\"k\":1}}}");
	expect_error("<<: [1]\n", 8, NULL, -EINVAL,
	             "line 1, column 7: map merge requires map or sequence of maps as the value");
	expect_error("<<: 1\n", 6, NULL, -EINVAL,
	             "line 1, column 5: map merge requires map or sequence of maps as the value");
	expect_error("a: *x\n", 6, NULL, -EINVAL,
	             "line 1, column 4: unknown anchor 'x' referenced");
	expect_error("a: &x [1, *x]\n", 14, NULL, -EINVAL,
	             "line 1, column 11: anchor 'x' value contains itself");
	/* anchors do not cross documents */
	expect_error("a: &x 1\n---\nb: *x\n", 18, NULL, -EINVAL,
	             "line 3, column 4: unknown anchor 'x' referenced");
}

static void test_documents(void **state) {
	static const char in[] = "---\n---\n~\n---\na: 1\n...\n---\nnull\n--- [1]\n# end\n";
	TreeDocs d = {};
	Diag diag = {};

	assert_int_equal(tree_parse(in, strlen(in), NULL, &d, &diag), 0);
	assert_int_equal(d.n_docs, 2);
	assert_string_equal(json_object_to_json_string_ext(d.docs[0], JSON_C_TO_STRING_PLAIN),
	                    "{\"a\":1}");
	assert_string_equal(json_object_to_json_string_ext(d.docs[1], JSON_C_TO_STRING_PLAIN),
	                    "[1]");
	tree_docs_free(&d);
	tree_docs_free(&d); /* twice is harmless */
	tree_docs_free(NULL);
	assert_int_equal(diag.n_errors, 0);

	/* empty input, comments only: no documents, no error */
	assert_int_equal(tree_parse("", 0, NULL, &d, &diag), 0);
	assert_int_equal(d.n_docs, 0);
	assert_int_equal(tree_parse("# nothing\n", 10, NULL, &d, &diag), 0);
	assert_int_equal(d.n_docs, 0);
	/* not NUL-terminated input */
	assert_int_equal(tree_parse("a: 1xyz", 4, NULL, &d, &diag), 0);
	assert_string_equal(json_object_to_json_string_ext(d.docs[0], JSON_C_TO_STRING_PLAIN),
	                    "{\"a\":1}");
	tree_docs_free(&d);
	/* a BOM is skipped */
	expect_json("\xef\xbb\xbf"
	            "a: 1\n",
	            "{\"a\":1}");
	diag_clear(&diag);
}

static void test_syntax_errors(void **state) {
	expect_error("a:\n  b: c: d\n", 13, NULL, -EINVAL,
	             "line 2, column 7: mapping values are not allowed in this context");
	expect_error("a: \"x\n", 6, NULL, -EINVAL,
	             "line 2, column 1: found unexpected end of stream");
	expect_error("\tb: 1\n", 6, NULL, -EINVAL,
	             "line 1, column 1: found character that cannot start any token");
	expect_error("a: \xff\n", 5, NULL, -EINVAL,
	             "line 1, column 4: invalid leading UTF-8 octet");
	expect_error("- a\nb: c\n", 9, NULL, -EINVAL,
	             "line 2, column 1: did not find expected '-' indicator");
}

static void test_json(void **state) {
	expect_json("{\"cpu\": 0.5, \"mem\": 1e9, \"n\": 10, \"neg\": -0, \"s\": \"x\\u0041\"}",
	            "{\"cpu\":0.5,\"mem\":1e9,\"n\":10,\"neg\":0,\"s\":\"xA\"}");
	expect_json("  [1, [], {}, null, true, \"\"]  \n", "[1,[],{},null,true,\"\"]");
	/* encoding/json: the last duplicate wins */
	expect_json("{\"a\": 1, \"a\": 2}", "{\"a\":2}");
	/* integers beyond int64 keep their digits (json-c alone would clamp them) */
	expect_json(
	        "{\"big\": 99999999999999999999, \"u\": 18446744073709551615, \"n\": "
	        "-9223372036854775809, \"ok\": -9223372036854775808, \"s\": "
	        "\"99999999999999999999\","
	        " \"a\": [12345678901234567890]}",
	        "{\"big\":99999999999999999999,\"u\":18446744073709551615,\"n\":"
	        "-9223372036854775809,\"ok\":-9223372036854775808,\"s\":\"99999999999999999999\","
	        "\"a\":[12345678901234567890]}");
	expect_error("{\"a\": [1, 2", 11, NULL, -EINVAL,
	             "line 1, column 12: unexpected end of JSON input");
	expect_error("{\"a\": 1} x", 10, NULL, -EINVAL, "line 1, column 10: unexpected character");
	expect_error("[1,]", 4, NULL, -EINVAL, "line 1, column 4: unexpected character");
	expect_error("{\n  \"a\":\n  tru}", 15, NULL, -EINVAL,
	             "line 3, column 6: boolean expected");
	/* what json-c tolerates and encoding/json does not */
	expect_error("[NaN]", 5, NULL, -EINVAL,
	             "line 1, column 2: invalid character looking for beginning of value");
	expect_error("[-Infinity]", 11, NULL, -EINVAL, "line 1, column 2: invalid number literal");
	expect_error("[1.]", 4, NULL, -EINVAL, "line 1, column 2: invalid number literal");
	expect_error("{'a': 1}", 8, NULL, -EINVAL,
	             "line 1, column 2: invalid character looking for beginning of value");
	expect_error("[\"a\tb\"]", 7, NULL, -EINVAL,
	             "line 1, column 4: invalid control character in string literal");
	expect_error("[\"\xff\"]", 5, NULL, -EINVAL, "line 1, column 3: invalid utf-8 string");
}

static void test_limits(void **state) {
	TreeLimits l = { .max_depth = 3, .max_nodes = 10, .max_documents = 2 };
	TreeDocs d = {};
	Diag diag = {};

	assert_int_equal(tree_parse("[[[1]]]", 7, &l, &d, &diag), 0);
	tree_docs_free(&d);
	expect_error("[[[[1]]]]", 9, &l, -E2BIG, "line 1, column 4: nesting deeper than 3 levels");
	expect_error("a: [[[1]]]", 10, &l, -E2BIG,
	             "line 1, column 6: nesting deeper than 3 levels");
	/* alias expansion counts towards depth */
	expect_error("a: &x [[1]]\nb: [*x]\n", 20, &l, -E2BIG,
	             "line 2, column 5: nesting deeper than 3 levels");
	expect_error("[1,2,3,4,5,6,7,8,9,10,11]", 25, &l, -E2BIG,
	             "line 1, column 1: the document has more than 10 nodes");
	expect_error("a: &x [1, 2, 3]\nb: [*x, *x]\n", 27, &l, -E2BIG,
	             "line 2, column 5: the document expands to more than 10 nodes");
	expect_error("---\n1\n---\n2\n---\n3\n", 18, &l, -E2BIG,
	             "line 5, column 1: more than 2 documents in one stream");

	/* a billion laughs fails at once, with the default limits */
	static const char bomb[] = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
	                           "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	                           "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	                           "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
	                           "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
	                           "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
	                           "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
	                           "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
	                           "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	expect_error(bomb, strlen(bomb), NULL, -E2BIG,
	             "line 7, column 8: the document expands to more than 1000000 nodes");
	diag_clear(&diag);
}

static void test_helpers(void **state) {
	TreeDocs d = {};
	Diag diag = {};
	static const char in[] = "{\"s\": \"x\", \"n\": null, \"i\": 1, \"f\": 1.5, \"b\": false, "
	                         "\"o\": {}, \"a\": []}";

	assert_int_equal(tree_parse(in, strlen(in), NULL, &d, &diag), 0);
	json_object *o = d.docs[0];
	assert_string_equal(tree_type_name(tree_get(o, "s")), "string");
	assert_null(tree_get(o, "n"));
	assert_null(tree_get(o, "missing"));
	assert_null(tree_get(tree_get(o, "s"), "x"));
	assert_string_equal(tree_type_name(tree_get(o, "i")), "integer");
	assert_string_equal(tree_type_name(tree_get(o, "f")), "number");
	assert_string_equal(tree_type_name(tree_get(o, "b")), "boolean");
	assert_string_equal(tree_type_name(tree_get(o, "o")), "object");
	assert_string_equal(tree_type_name(tree_get(o, "a")), "array");
	assert_string_equal(tree_type_name(NULL), "null");
	tree_docs_free(&d);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_scalars),
		cmocka_unit_test(test_block_scalars),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_anchors_and_merges),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
