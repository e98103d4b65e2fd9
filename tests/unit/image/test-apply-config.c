/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "image-config.h"

#define L(...) ((char *[]){ __VA_ARGS__, NULL })

static void assert_strv(char **got, char **want) {
	size_t i = 0;
	for (; want[i]; i++) {
		if (!got[i])
			fail_msg("missing [%zu] \"%s\"", i, want[i]);
		assert_string_equal(got[i], want[i]);
	}
	if (got[i])
		fail_msg("extra [%zu] \"%s\"", i, got[i]);
}

/* The table of the Kubernetes docs ("define-command-argument-container", Notes). */
#define IMAGE() ((ImageConfig){ .entrypoint = L("/ep-1"), .cmd = L("foo", "bar") })

static void run(const ImageConfig *img, const ImageContainerSpec *c, char **want) {
	ImageProcess p = {};
	Diag d = {};
	assert_int_equal(image_apply_config(img, c, &p, &d), 0);
	assert_strv(p.argv, want);
	image_process_done(&p);
	diag_clear(&d);
}

static void test_neither(void **state) {
	ImageConfig img = IMAGE();
	run(&img, &(ImageContainerSpec){}, L("/ep-1", "foo", "bar"));
	/* empty lists are unset, as for the kubelet */
	run(&img, &(ImageContainerSpec){ .command = L(NULL), .args = L(NULL) },
	    L("/ep-1", "foo", "bar"));
}

static void test_command_only(void **state) {
	ImageConfig img = IMAGE();
	run(&img, &(ImageContainerSpec){ .command = L("/ep-2") }, L("/ep-2"));
}

static void test_args_only(void **state) {
	ImageConfig img = IMAGE();
	run(&img, &(ImageContainerSpec){ .args = L("zoo", "boo") }, L("/ep-1", "zoo", "boo"));
}

static void test_both(void **state) {
	ImageConfig img = IMAGE();
	run(&img, &(ImageContainerSpec){ .command = L("/ep-2"), .args = L("zoo", "boo") },
	    L("/ep-2", "zoo", "boo"));
}

static void test_no_entrypoint(void **state) {
	/* busybox: Cmd ["sh"], no Entrypoint */
	ImageConfig img = { .cmd = L("sh") };
	run(&img, &(ImageContainerSpec){}, L("sh"));
	run(&img, &(ImageContainerSpec){ .args = L("echo", "hi") }, L("echo", "hi"));
	/* Docker's "ENTRYPOINT []" is recorded as [""] */
	ImageConfig cleared = { .entrypoint = L(""), .cmd = L("sh") };
	run(&cleared, &(ImageContainerSpec){}, L("sh"));
}

static void test_no_command(void **state) {
	ImageConfig img = {};
	ImageProcess p = {};
	Diag d = {};
	assert_int_equal(image_apply_config(&img, &(ImageContainerSpec){}, &p, &d), -EINVAL);
	assert_int_equal(d.n_errors, 1);
	assert_non_null(strstr(d.errors[0], "no command specified"));
	diag_clear(&d);
	assert_int_equal(image_apply_config(NULL, &(ImageContainerSpec){}, &p, &d), -EINVAL);
	diag_clear(&d);
}

static void test_env(void **state) {
	ImageConfig img = { .cmd = L("sh"), .env = L("PATH=/img/bin", "A=image", "B=image") };
	ImageContainerSpec c = { .env = L("B=pod", "C=pod", "A=pod2"), .hostname = "web-0" };
	ImageProcess p = {};
	Diag d = {};
	assert_int_equal(image_apply_config(&img, &c, &p, &d), 0);
	assert_strv(p.env, L("PATH=/img/bin", "HOSTNAME=web-0", "A=pod2", "B=pod", "C=pod"));
	image_process_done(&p);

	/* no PATH in the image: containerd's default */
	ImageConfig bare = { .cmd = L("sh") };
	assert_int_equal(
	        image_apply_config(&bare, &(ImageContainerSpec){ .env = L("X=1") }, &p, &d), 0);
	assert_strv(p.env, L(IMAGE_DEFAULT_PATH, "X=1"));
	image_process_done(&p);
	diag_clear(&d);
}

static void test_cwd(void **state) {
	ImageConfig img = { .cmd = L("sh"), .working_dir = "/srv" };
	ImageConfig none = { .cmd = L("sh") };
	ImageProcess p = {};
	Diag d = {};
	assert_int_equal(image_apply_config(&img, &(ImageContainerSpec){}, &p, &d), 0);
	assert_string_equal(p.cwd, "/srv");
	image_process_done(&p);
	assert_int_equal(
	        image_apply_config(&img, &(ImageContainerSpec){ .working_dir = "/w" }, &p, &d), 0);
	assert_string_equal(p.cwd, "/w");
	image_process_done(&p);
	assert_int_equal(image_apply_config(&none, &(ImageContainerSpec){}, &p, &d), 0);
	assert_string_equal(p.cwd, "/");
	image_process_done(&p);
	diag_clear(&d);
}

static void user_is(const char *image_user, ImageContainerSpec c, const char *want) {
	ImageConfig img = { .cmd = L("sh"), .user = (char *)image_user };
	ImageProcess p = {};
	Diag d = {};
	assert_int_equal(image_apply_config(&img, &c, &p, &d), 0);
	assert_string_equal(p.user, want);
	image_process_done(&p);
	diag_clear(&d);
}

static void test_user(void **state) {
	user_is(NULL, (ImageContainerSpec){}, "");
	user_is("nobody", (ImageContainerSpec){}, "nobody");
	user_is("nobody", (ImageContainerSpec){ .has_run_as_user = true, .run_as_user = 1000 },
	        "1000");
	user_is("www:www",
	        (ImageContainerSpec){ .has_run_as_user = true,
	                              .run_as_user = 0,
	                              .has_run_as_group = true,
	                              .run_as_group = 3000 },
	        "0:3000");
	user_is("www:www", (ImageContainerSpec){ .has_run_as_group = true, .run_as_group = 5 },
	        "www:5");
	user_is(NULL, (ImageContainerSpec){ .has_run_as_group = true, .run_as_group = 5 }, "0:5");

	ImageConfig img = { .cmd = L("sh") };
	ImageProcess p = {};
	Diag d = {};
	assert_int_equal(image_apply_config(&img,
	                                    &(ImageContainerSpec){ .has_run_as_user = true,
	                                                           .run_as_user = -1 },
	                                    &p, &d),
	                 -EINVAL);
	diag_clear(&d);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_neither),       cmocka_unit_test(test_command_only),
		cmocka_unit_test(test_args_only),     cmocka_unit_test(test_both),
		cmocka_unit_test(test_no_entrypoint), cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_env),           cmocka_unit_test(test_cwd),
		cmocka_unit_test(test_user),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
