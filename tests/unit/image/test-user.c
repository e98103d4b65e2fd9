/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "image-user.h"

static const char passwd[] = "# comment\n"
                             "root:x:0:0:root:/root:/bin/sh\n"
                             "broken line\n"
                             "bad:x:notanumber:1::/:/bin/sh\n"
                             "daemon:x:1:1:daemon:/usr/sbin:/bin/false\r\n"
                             "www-data:x:33:33:www-data:/var/www:/bin/false\n"
                             "\n"
                             "skiff:x:1000:1000:test:/home/skiff:/bin/sh\n"
                             "dup:x:1001:1001\n"
                             "dup:x:1002:1002\n"
                             "nobody:x:65534:65534:nobody:/home:/bin/false";
static const char group[] = "root:x:0:\n"
                            "daemon:x:1:skiff\n"
                            "www-data:x:33:\n"
                            "skiff:x:1000:\n"
                            "testers:x:2000:root,skiff,other\n"
                            "junk:x:-5:skiff\n"
                            "audio:x:29:skiffx,xskiff\n"
                            "nogroup:x:65534:\n";

static void ok(const char *spec, uint32_t uid, uint32_t gid, const uint32_t *gids, size_t n,
               const char *name) {
	ImageUser u = {};
	Diag d = {};
	int r = image_user_resolve_buf(spec, passwd, strlen(passwd), group, strlen(group), &u, &d);
	if (r < 0)
		fail_msg("\"%s\": %d %s", spec, r, d.n_errors ? d.errors[0] : "");
	assert_int_equal(u.uid, uid);
	assert_int_equal(u.gid, gid);
	assert_int_equal(u.n_gids, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(u.gids[i], gids[i]);
	if (name)
		assert_string_equal(u.name, name);
	else
		assert_null(u.name);
	image_user_done(&u);
	diag_clear(&d);
}

static void bad(const char *spec, int err, const char *fragment) {
	ImageUser u = {};
	Diag d = {};
	assert_int_equal(
	        image_user_resolve_buf(spec, passwd, strlen(passwd), group, strlen(group), &u, &d),
	        err);
	assert_int_equal(d.n_errors, 1);
	if (!strstr(d.errors[0], fragment))
		fail_msg("\"%s\" lacks \"%s\"", d.errors[0], fragment);
	diag_clear(&d);
}

static void test_forms(void **state) {
	ok("", 0, 0, (uint32_t[]){ 0, 2000 }, 2, "root");
	ok(NULL, 0, 0, (uint32_t[]){ 0, 2000 }, 2, "root");
	ok("0", 0, 0, (uint32_t[]){ 0, 2000 }, 2, "root");
	ok("root", 0, 0, (uint32_t[]){ 0, 2000 }, 2, "root");
	ok("skiff", 1000, 1000, (uint32_t[]){ 1000, 1, 2000 }, 3, "skiff");
	ok("1000", 1000, 1000, (uint32_t[]){ 1000, 1, 2000 }, 3, "skiff");
	ok("1000:33", 1000, 33, (uint32_t[]){ 33, 1, 2000 }, 3, "skiff");
	ok("skiff:www-data", 1000, 33, (uint32_t[]){ 33, 1, 2000 }, 3, "skiff");
	ok("33:testers", 33, 2000, (uint32_t[]){ 2000 }, 1, "www-data");
	ok("nobody", 65534, 65534, (uint32_t[]){ 65534 }, 1, "nobody");
	ok("daemon", 1, 1, (uint32_t[]){ 1 }, 1, "daemon"); /* the \r is tolerated */
	/* a uid without a passwd entry runs with gid 0 */
	ok("4242", 4242, 0, (uint32_t[]){ 0 }, 1, NULL);
	ok("4242:4243", 4242, 4243, (uint32_t[]){ 4243 }, 1, NULL);
	ok("dup", 1001, 1001, (uint32_t[]){ 1001 }, 1, "dup"); /* first entry wins */
}

static void test_errors(void **state) {
	bad("nosuch", -ESRCH, "no user \"nosuch\"");
	bad("skiff:nosuch", -ESRCH, "no group \"nosuch\"");
	bad("a:b:c", -EINVAL, "more than one");
	bad(":5", -EINVAL, "empty user");
	bad("5:", -EINVAL, "empty group");
	bad("bad", -ESRCH, "no user");        /* a malformed entry is skipped */
	bad("4294967295", -ESRCH, "no user"); /* (uid_t)-1 is not a uid: taken as a name */
	bad("-1", -ESRCH, "no user");
}

static void test_no_files(void **state) {
	ImageUser u = {};
	Diag d = {};
	assert_int_equal(image_user_resolve_buf("123:456", NULL, 0, NULL, 0, &u, &d), 0);
	assert_int_equal(u.uid, 123);
	assert_int_equal(u.gid, 456);
	image_user_done(&u);
	assert_int_equal(image_user_resolve_buf("", NULL, 0, NULL, 0, &u, &d), 0);
	assert_int_equal(u.uid, 0);
	image_user_done(&u);
	assert_int_equal(image_user_resolve_buf("root", NULL, 0, NULL, 0, &u, &d), -ESRCH);
	assert_non_null(strstr(d.errors[0], "has no /etc/passwd"));
	diag_clear(&d);
}

static void test_nul_bytes(void **state) {
	/* names are compared as bytes: "ro\0t" is not "root" */
	static const char pw[] = "ro\0t:x:7:7\nroot:x:0:0\n";
	ImageUser u = {};
	Diag d = {};
	assert_int_equal(image_user_resolve_buf("ro", pw, sizeof(pw) - 1, NULL, 0, &u, &d), -ESRCH);
	diag_clear(&d);
	assert_int_equal(image_user_resolve_buf("root", pw, sizeof(pw) - 1, NULL, 0, &u, &d), 0);
	assert_int_equal(u.uid, 0);
	image_user_done(&u);
}

static void test_group_bound(void **state) {
	/* a user in thousands of groups gets a bounded list */
	char *g = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&g, &len);
	for (int i = 0; i < 5000; i++)
		fprintf(f, "g%d:x:%d:skiff\n", i, 10000 + i);
	fclose(f);
	ImageUser u = {};
	Diag d = {};
	assert_int_equal(image_user_resolve_buf("skiff", passwd, strlen(passwd), g, len, &u, &d),
	                 0);
	assert_true(u.n_gids <= IMAGE_USER_GROUPS_MAX + 1);
	image_user_done(&u);
	free(g);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),       cmocka_unit_test(test_errors),
		cmocka_unit_test(test_no_files),    cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_group_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
