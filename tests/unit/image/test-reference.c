/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "image-ref.h"

static void check(const char *in, const char *want) {
	_cleanup_free_ char *out = NULL;
	Diag d = {};
	int r = image_ref_normalize(in, &out, &d);
	if (r < 0)
		fail_msg("%s: %s", in, d.n_errors ? d.errors[0] : "?");
	assert_string_equal(out, want);
	diag_clear(&d);
}

static void check_bad(const char *in, const char *fragment) {
	_cleanup_free_ char *out = NULL;
	Diag d = {};
	int r = image_ref_normalize(in, &out, &d);
	if (r >= 0)
		fail_msg("%s accepted as %s", in, out);
	assert_int_equal(r, -EINVAL);
	assert_int_equal(d.n_errors, 1);
	if (!strstr(d.errors[0], fragment))
		fail_msg("%s: \"%s\" lacks \"%s\"", in, d.errors[0], fragment);
	diag_clear(&d);
}

static void test_normalize(void **state) {
	check("busybox", "docker.io/library/busybox:latest");
	check("busybox:1.36", "docker.io/library/busybox:1.36");
	check("library/busybox", "docker.io/library/busybox:latest");
	check("docker.io/busybox", "docker.io/library/busybox:latest");
	check("index.docker.io/busybox:1", "docker.io/library/busybox:1");
	check("index.docker.io/x/y", "docker.io/x/y:latest");
	check("user/app:v2", "docker.io/user/app:v2");
	check("registry:5000/x/y:tag", "registry:5000/x/y:tag");
	check("registry:5000/x/y", "registry:5000/x/y:latest");
	check("localhost/app", "localhost/app:latest");
	check("localhost:5000/a/b/c:1.0", "localhost:5000/a/b/c:1.0");
	check("quay.io/coreos/etcd:v3.5.0", "quay.io/coreos/etcd:v3.5.0");
	check("k8s.gcr.io/pause:3.9", "k8s.gcr.io/pause:3.9");
	check("[::1]:5000/x:t", "[::1]:5000/x:t");
	check("x/a-b__c.d_e/f---g:TAG_1.x-y", "docker.io/x/a-b__c.d_e/f---g:TAG_1.x-y");
	check("a.b-c/x", "a.b-c/x:latest");
	check("Registry/app", "Registry/app:latest"); /* an upper-case first part is a host */
	check("busybox@sha256:"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	      "docker.io/library/busybox@sha256:"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	check("busybox:1.36@sha256:"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	      "docker.io/library/busybox:1.36@sha256:"
	      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_parts(void **state) {
	ImageRef r = {};
	Diag d = {};
	assert_int_equal(
	        image_ref_parse("registry:5000/x/y@sha256:"
	                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
	                        "abcdef",
	                        &r, &d),
	        0);
	assert_string_equal(r.domain, "registry:5000");
	assert_string_equal(r.path, "x/y");
	assert_null(r.tag);
	assert_true(image_digest_valid(r.digest));
	_cleanup_free_ char *repo = image_ref_repository(&r);
	assert_string_equal(repo, "registry:5000/x/y");
	image_ref_done(&r);
	diag_clear(&d);
}

static void test_invalid(void **state) {
	check_bad("", "empty");
	check_bad("BusyBox", "lowercase");
	check_bad("busybox:", "tag");
	check_bad("busybox:-x", "tag");
	check_bad("busybox:"
	          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	          "aaaaa"
	          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	          "tag");
	check_bad("busybox@sha256:abc", "64 lowercase");
	check_bad("busybox@sha256:"
	          "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	          "64 lowercase");
	check_bad("busybox@md5:0123456789abcdef0123456789abcdef", "unsupported digest");
	check_bad("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "64-byte");
	check_bad("a//b", "path components");
	check_bad("a/b/", "path components");
	check_bad("-a/b", "path components");
	check_bad("a_/b", "path components");
	check_bad("a.-b", "path components");
	check_bad("a___b", "path components");
	check_bad("ex ample/x", "path components");
	check_bad("registry:/x", "host");
	check_bad("registry:50a0/x", "host");
	check_bad("-reg.io/x", "host");
	check_bad("reg..io/x", "host");
	check_bad("../etc/passwd", "invalid image reference");
	char longname[300];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	check_bad(longname, "255");
}

static void test_digest(void **state) {
	assert_true(image_digest_valid(
	        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(image_digest_valid(
	        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"));
	assert_false(image_digest_valid(
	        "sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(image_digest_valid(
	        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"));
	assert_false(image_digest_valid(
	        "sha256:../../../../../../../../../../../../../../../../../../../../etc/x"));
	assert_false(image_digest_valid(NULL));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
