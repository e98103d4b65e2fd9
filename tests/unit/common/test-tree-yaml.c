/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tree_to_yaml: block style, keys in order, strings quoted only when their plain form would
 * read back as another type, numbers as their text; and the round trip
 * tree_parse(tree_to_yaml(x)) == x.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tree.h"

static json_object *parse_one(const char *in, size_t len) {
	TreeDocs d = {};
	Diag diag = {};
	int r = tree_parse(in, len, NULL, &d, &diag);
	if (r < 0 || d.n_docs != 1)
		fail_msg("parse of \"%s\": r=%d docs=%zu %s", in, r, d.n_docs,
		         diag.n_errors ? diag.errors[0] : "");
	json_object *o = json_object_get(d.docs[0]);
	tree_docs_free(&d);
	diag_clear(&diag);
	return o;
}

/* x -> YAML -> tree must give x back; returns the YAML for further checks. */
static char *round_trip(json_object *x) {
	char *y = NULL;
	assert_int_equal(tree_to_yaml(x, &y), 0);
	json_object *back = parse_one(y, strlen(y));
	if (!tree_equal(x, back))
		fail_msg("round trip changed the tree:\n%s\n->\n%s", json_object_to_json_string(x),
		         json_object_to_json_string(back));
	json_object_put(back);
	return y;
}

static void expect_yaml(const char *in, const char *want) {
	json_object *o = parse_one(in, strlen(in));
	char *y = round_trip(o);
	if (strcmp(y, want) != 0)
		fail_msg("%s:\ngot:\n%s\nwant:\n%s", in, y, want);
	free(y);
	json_object_put(o);
}

static void test_emit(void **state) {
	expect_yaml("{\"kind\": \"Pod\", \"spec\": {\"containers\": [{\"name\": \"a\", \"args\": "
	            "[\"-c\", \"sleep 1\"], \"resources\": {\"limits\": {\"cpu\": 0.5, "
	            "\"memory\": \"1Gi\"}}}], \"x\": [], \"y\": {}}}",
	            "kind: Pod\n"
	            "spec:\n"
	            "  containers:\n"
	            "  - name: a\n"
	            "    args:\n"
	            "    - -c\n"
	            "    - sleep 1\n"
	            "    resources:\n"
	            "      limits:\n"
	            "        cpu: 0.5\n"
	            "        memory: 1Gi\n"
	            "  x: []\n"
	            "  \"y\": {}\n");
	/* strings that would read back as something else are quoted */
	expect_yaml(
	        "[\"true\", \"123\", \"\", \"null\", \"1e3\", \"~\", \"yes\", \"0x10\", \".inf\", "
	        "\"1:20\", \"-\", \"1_000\"]",
	        "- \"true\"\n- \"123\"\n- \"\"\n- \"null\"\n- \"1e3\"\n- \"~\"\n- \"yes\"\n"
	        "- \"0x10\"\n- \".inf\"\n- \"1:20\"\n- '-'\n- \"1_000\"\n");
	/* and those libyaml cannot write plain */
	expect_yaml("[\"a: b\", \"- x\", \"*x\", \"&y\", \"#c\", \" lead\", \"trail \", \"[x]\", "
	            "\"{x}\", \"a, b\", \"!t\", \"%p\", \"@x\", \"'\", \"\\\"\"]",
	            "- 'a: b'\n- '- x'\n- '*x'\n- '&y'\n- '#c'\n- ' lead'\n- 'trail '\n- '[x]'\n"
	            "- '{x}'\n- a, b\n- '!t'\n- '%p'\n- '@x'\n- ''''\n- '\"'\n");
	/* numbers print their text; other types as YAML knows them */
	expect_yaml("{\"i\": -12, \"f\": 1.50, \"e\": 1E+5, \"b\": true, \"nil\": null, \"big\": "
	            "99999999999999999999}",
	            "i: -12\nf: 1.50\ne: 1E+5\nb: true\nnil: null\nbig: 99999999999999999999\n");
	/* multi-line strings as literal blocks */
	expect_yaml("{\"a\": \"x\\ny\\n\", \"b\": \"x\\ny\", \"c\": \"x\\n\\n\"}",
	            "a: |\n  x\n  y\nb: |-\n  x\n  y\nc: |+\n  x\n\n...\n");
	/* "<<" is quoted as a key only */
	expect_yaml("{\"<<\": \"<<\"}", "\"<<\": <<\n");
	/* a scalar document */
	expect_yaml("--- hello\n", "hello\n");
}

static void test_emit_made_trees(void **state) {
	json_object *o = json_object_new_object();
	char *y;

	/* numbers made without text: json-c's own formatting still reads back as the same type */
	json_object_object_add(o, "d", json_object_new_double(0.1));
	json_object_object_add(o, "one", json_object_new_double(1));
	json_object_object_add(o, "nan", json_object_new_double(NAN));
	json_object_object_add(o, "inf", json_object_new_double(-INFINITY));
	json_object_object_add(o, "t", json_object_new_double_s(3, "3"));
	y = round_trip(o);
	assert_non_null(strstr(y, "t: !!float 3\n"));
	assert_non_null(strstr(y, "nan: .nan\n"));
	assert_non_null(strstr(y, "inf: -.inf\n"));
	free(y);
	json_object_put(o);

	/* NULL is the null document */
	assert_int_equal(tree_to_yaml(NULL, &y), 0);
	assert_string_equal(y, "null\n");
	free(y);
}

/* Strings chosen to trip the quoting rules, as values and as keys. */
static const char *const tricky[] = {
	"true",
	"True",
	"y",
	"N",
	"off",
	"123",
	"-1",
	"+1",
	"0x1F",
	"0o17",
	"0b11",
	"010",
	"1_0",
	"1e3",
	"1.5",
	".5",
	"1.",
	"-.inf",
	".NaN",
	"",
	" ",
	"~",
	"null",
	"<<",
	"1:20",
	"-1:30:00.5",
	"a: b",
	"a:b",
	"a #b",
	"#",
	"- x",
	"-",
	"--",
	"---",
	"...",
	"?",
	"? x",
	":",
	"*a",
	"&a",
	"!a",
	"%a",
	"@a",
	"`a",
	"|",
	">",
	"'",
	"\"",
	"{",
	"}",
	"[",
	"]",
	",",
	"a,b",
	" lead",
	"trail ",
	"\ttab",
	"x\ty",
	"line1\nline2",
	"line1\nline2\n",
	"trailing space \nx",
	"\n",
	"\n\n",
	" \n",
	"multi\n\n\nblank",
	"\x01ctl",
	"del\x7f",
	"h\xc3\xa9llo",
	"\xe2\x80\xa8sep",
	"\xef\xbb\xbf"
	"bom",
	"\xf0\x9f\x90\xb3",
	"2001-12-14",
	"2001-12-14t21:59:43.10-05:00",
	"=",
	"0.",
	"00",
	"+",
	"_",
	"1__2",
	"0x",
	"1e400",
	"\\",
	"a\\nb",
	"a very long string that goes on and on and on, past the width where an emitter might want "
	"to fold it onto the next line, and on a bit more to be sure of it: "
	"still going.",
	"key longer than one hundred and twenty eight characters, which libyaml cannot write as a "
	"simple key and must write as an explicit '?' key instead",
};

static void test_round_trip_strings(void **state) {
	json_object *values = json_object_new_array(), *keys = json_object_new_object();

	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
		json_object_array_add(values, json_object_new_string(tricky[i]));
		json_object_object_add(keys, tricky[i], json_object_new_string(tricky[i]));
	}
	/* NUL inside a value */
	json_object_array_add(values, json_object_new_string_len("a\0b", 3));
	json_object *both = json_object_new_array();
	json_object_array_add(both, values);
	json_object_array_add(both, keys);
	free(round_trip(both));
	json_object_put(both);
}

static void test_round_trip_documents(void **state) {
	static const char *const docs[] = {
		"a: &x {b: [1, 2.50, \"3\"]}\nc: *x\nd:\n  <<: *x\n  e: yes\n",
		"- - - []\n    - {}\n- !!float 1\n- 0x10\n- 1e9\n- .inf\n- ~\n- -0.\n- !!float "
		"-0\n",
		"{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", "
		"\"labels\": "
		"{\"app\": \"x\"}}, \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": "
		"\"busybox\", \"command\": [\"sh\", \"-c\", \"echo 'hi'; sleep 3600\"], "
		"\"resources\": {\"requests\": {\"cpu\": \"100m\", \"memory\": 128974848}}}]}}",
		"script: |\n  #!/bin/sh\n  echo \"$1\" # comment\n\n  exit 0\nfolded: >\n  a\n  "
		"b\n",
		"1: one\n1.5: one and a half\ntrue: yes\n",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_object *o = parse_one(docs[i], strlen(docs[i]));
		free(round_trip(o));
		json_object_put(o);
	}
}

static void test_equal(void **state) {
	json_object *a = parse_one("{\"x\": 1.50, \"y\": [1]}", 21);
	json_object *b = parse_one("{\"x\": 1.5, \"y\": [1]}", 20);
	json_object *c = parse_one("{\"y\": [1], \"x\": 1.50}", 21);
	json_object *d = parse_one("{\"x\": 1.50, \"y\": [1]}", 21);

	assert_false(tree_equal(a, b)); /* same value, other text */
	assert_false(tree_equal(a, c)); /* other order */
	assert_true(tree_equal(a, d));
	assert_true(tree_equal(NULL, NULL));
	assert_false(tree_equal(a, NULL));
	json_object_put(a);
	json_object_put(b);
	json_object_put(c);
	json_object_put(d);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emit),
		cmocka_unit_test(test_emit_made_trees),
		cmocka_unit_test(test_round_trip_strings),
		cmocka_unit_test(test_round_trip_documents),
		cmocka_unit_test(test_equal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
