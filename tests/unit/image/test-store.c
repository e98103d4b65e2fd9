/* SPDX-License-Identifier: Apache-2.0 */
/* The store's API end to end in a temporary directory, as the agent uses it: the embedded
 * busybox, resolve (with the builtin auto-import), users, files, holds through rm and gc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fileio.h"
#include "image.h"

typedef struct Fixture {
	char dir[64];
	ImageStore *s;
} Fixture;

static int setup(void **state) {
	Fixture *f = calloc(1, sizeof(Fixture));
	Diag d = {};
	snprintf(f->dir, sizeof(f->dir), "/tmp/skiff-test-store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(image_store_open(f->dir, &f->s, &d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state) {
	Fixture *f = *state;
	image_store_free(f->s);
	assert_int_equal(rm_rf(f->dir), 0);
	free(f);
	return 0;
}

static bool is_dir(const char *p) {
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_resolve_builtin(void **state) {
	Fixture *f = *state;
	ImageInfo info = {};
	ImageUser u = {};
	Diag d = {};

	/* absent, and not the builtin's name: -ENOENT, the kubelet's reasons follow */
	assert_int_equal(image_resolve(f->s, "busybox:1.0", IMAGE_RESOLVE_BUILTIN, &info, &d),
	                 -ENOENT);
	diag_clear(&d);
	assert_int_equal(image_resolve(f->s, "busybox", 0, &info, &d), -ENOENT);
	diag_clear(&d);
	/* the builtin is imported on first use */
	assert_int_equal(image_resolve(f->s, "busybox", IMAGE_RESOLVE_BUILTIN, &info, &d), 0);
	assert_string_equal(info.ref, IMAGE_BUILTIN_BUSYBOX_REF);
	assert_int_equal(info.n_layers, 1);
	assert_true(is_dir(info.layers[0]));
	assert_null(info.layers[1]);
	assert_string_equal(info.config.cmd[0], "sh");
	assert_string_equal(info.os, "linux");

	/* users from the image's own /etc/passwd and /etc/group */
	assert_int_equal(image_resolve_user(&info, "nobody", &u, &d), 0);
	assert_int_equal(u.uid, 65534);
	image_user_done(&u);
	assert_int_equal(image_resolve_user(&info, "skiff:testers", &u, &d), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 2000);
	image_user_done(&u);

	char *data = NULL;
	size_t size;
	assert_int_equal(image_read_file(info.layers, "/etc/hostname", 100, &data, &size), 0);
	assert_string_equal(data, "skiff\n");
	free(data);
	assert_int_equal(image_read_file(info.layers, "etc/nosuch", 100, &data, &size), -ENOENT);
	/* symlinks are not followed */
	assert_int_equal(image_read_file(info.layers, "bin/sh", 100, &data, &size), -ENOENT);
	image_info_done(&info);
	assert_false(diag_failed(&d));
}

static void test_hold_rm_gc(void **state) {
	Fixture *f = *state;
	ImageImportResult res = {};
	ImageGcStats st = {};
	ImageInfo info = {};
	Diag d = {};

	assert_int_equal(image_import_builtin(f->s, IMAGE_BUILTIN_BUSYBOX, "pinned:1", &res, &d),
	                 0);
	assert_string_equal(res.ref, "docker.io/library/pinned:1");
	assert_int_equal(res.n_layers, 1);
	assert_int_equal(image_resolve(f->s, "pinned:1", 0, &info, &d), 0);
	assert_int_equal(image_hold(f->s, "container-abc", res.id, &d), 0);
	assert_int_equal(image_remove(f->s, "pinned:1", &d), 0);
	assert_int_equal(image_resolve(f->s, "pinned:1", 0, &info, &d) == -ENOENT ? 0 : -1, 0);
	diag_clear(&d);
	/* held: the running container's layers stay */
	assert_true(is_dir(info.layers[0]));
	assert_int_equal(image_gc(f->s, &st, &d), 0);
	assert_int_equal(st.layers_removed, 0);
	assert_true(is_dir(info.layers[0]));
	/* released: collected */
	assert_int_equal(image_release(f->s, "container-abc"), 0);
	assert_int_equal(image_release(f->s, "container-abc"), 0); /* idempotent */
	assert_int_equal(image_gc(f->s, &st, &d), 0);
	assert_int_equal(st.layers_removed, 1);
	assert_int_equal(st.blobs_removed, 1); /* the config; the manifest went with rm */
	assert_false(is_dir(info.layers[0]));
	assert_int_equal(image_hold(f->s, "../evil", res.id, &d), -EINVAL);
	assert_int_equal(image_hold(f->s, "c", "sha256:nothex", &d), -EINVAL);
	diag_clear(&d);
	image_info_done(&info);
	image_import_result_done(&res);
}

static void test_list_inspect(void **state) {
	Fixture *f = *state;
	ImageEntry *l = NULL;
	json_object *o = NULL, *v = NULL;
	size_t n = 0;
	Diag d = {};

	assert_int_equal(image_import_builtin(f->s, IMAGE_BUILTIN_BUSYBOX, NULL, NULL, &d), 0);
	assert_int_equal(
	        image_import_builtin(f->s, IMAGE_BUILTIN_BUSYBOX, "busybox:1.36", NULL, &d), 0);
	assert_int_equal(image_list(f->s, &l, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].repository, "docker.io/library/busybox");
	assert_string_equal(l[0].tag, "1.36");
	assert_string_equal(l[1].tag, "latest");
	assert_string_equal(l[0].id, l[1].id);
	assert_true(l[0].size > 1000000);
	image_entries_free(l, n);

	assert_int_equal(image_inspect(f->s, "busybox", &o, &d), 0);
	assert_true(json_object_object_get_ex(o, "repoTags", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_true(json_object_object_get_ex(o, "architecture", &v));
	json_object_put(o);
	assert_int_equal(image_inspect(f->s, "nosuch", &o, &d), -ENOENT);
	assert_true(diag_failed(&d));
	diag_clear(&d);

	char size[32];
	image_format_size(2212345, size, sizeof(size));
	assert_string_equal(size, "2.212MB");
	image_format_size(999, size, sizeof(size));
	assert_string_equal(size, "999B");
	image_format_size(772000, size, sizeof(size));
	assert_string_equal(size, "772kB");
	assert_true(image_builtin_exists("busybox"));
	assert_false(image_builtin_exists("alpine"));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolve_builtin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_rm_gc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_inspect, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
