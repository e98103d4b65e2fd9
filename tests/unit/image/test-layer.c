/* SPDX-License-Identifier: Apache-2.0 */
/* Layer entries and the one-pass unpack (verify-only and into a temp dir: no root needed). */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fileio.h"
#include "image-internal.h"

static void clean_is(const char *in, const char *want) {
	_cleanup_free_ char *out = NULL;
	assert_int_equal(layer_clean_path(in, &out), 0);
	assert_string_equal(out, want);
}

static void test_clean_path(void **state) {
	_cleanup_free_ char *out = NULL;
	clean_is("a/b", "a/b");
	clean_is("./a/./b/", "a/b");
	clean_is("/etc/passwd", "etc/passwd");
	clean_is("//a//b", "a/b");
	clean_is("a/..b/c..", "a/..b/c..");
	assert_int_equal(layer_clean_path("./", &out), -ENOENT);
	assert_int_equal(layer_clean_path("", &out), -ENOENT);
	assert_int_equal(layer_clean_path("..", &out), -EINVAL);
	assert_int_equal(layer_clean_path("a/../../b", &out), -EINVAL);
	assert_int_equal(layer_clean_path("a/..", &out), -EINVAL);
	char longc[300];
	memset(longc, 'x', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = 0;
	assert_int_equal(layer_clean_path(longc, &out), -ENAMETOOLONG);
}

static void whiteout_is(const char *in, int want_r, const char *want, bool want_opaque) {
	_cleanup_free_ char *t = NULL;
	bool opaque = false;
	assert_int_equal(layer_whiteout_target(in, &t, &opaque), want_r);
	if (want_r == 1) {
		assert_string_equal(t, want);
		assert_int_equal(opaque, want_opaque);
	}
}

static void test_whiteouts(void **state) {
	whiteout_is("etc/.wh.hostname", 1, "etc/hostname", false);
	whiteout_is(".wh.top", 1, "top", false);
	whiteout_is("var/.wh..wh..opq", 1, "var", true);
	whiteout_is(".wh..wh..opq", 1, "", true);
	whiteout_is("etc/hostname", 0, NULL, false);
	whiteout_is("etc/x.wh.y", 0, NULL, false);
	whiteout_is("etc/.wh.", -EINVAL, NULL, false);
	whiteout_is("etc/.wh..", -EINVAL, NULL, false);
	whiteout_is("etc/.wh...", -EINVAL, NULL, false);
	whiteout_is("etc/.wh..wh.plnk", -EINVAL, NULL, false);
}

typedef struct Entry {
	const char *name;
	int type; /* AE_IFREG, AE_IFDIR, AE_IFLNK, or 0 for a hard link */
	const char *data_or_target;
} Entry;

/* A tar (optionally gzip'ed) in memory. */
static void make_tar(const Entry *e, size_t n, bool gzip, char **ret, size_t *ret_size) {
	size_t cap = 1 << 20, used = 0;
	char *buf = malloc(cap);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	if (gzip)
		archive_write_add_filter_gzip(a);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_perm(ae, e[i].type == AE_IFDIR ? 0755 : 0644);
		if (e[i].type == 0) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].data_or_target);
		} else {
			archive_entry_set_filetype(ae, (unsigned)e[i].type);
			if (e[i].type == AE_IFLNK)
				archive_entry_set_symlink(ae, e[i].data_or_target);
			if (e[i].type == AE_IFREG)
				archive_entry_set_size(ae, (la_int64_t)strlen(e[i].data_or_target));
		}
		assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
		if (e[i].type == AE_IFREG)
			archive_write_data(a, e[i].data_or_target, strlen(e[i].data_or_target));
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	*ret = buf;
	*ret_size = used;
}

static const Entry good[] = {
	{ "etc", AE_IFDIR, NULL },         { "etc/hostname", AE_IFREG, "skiff\n" },
	{ "etc/link", 0, "etc/hostname" }, { "bin/sh", AE_IFLNK, "/bin/busybox" },
	{ "etc/.wh.motd", AE_IFREG, "" },
};

static int unpack(const char *tar, size_t size, const char *dest, ImageLimits lim,
                  uint64_t max_bytes, const char *digest, LayerResult *res, Diag *d) {
	LayerSource src = { .fd = -EBADF, .data = tar, .size = size, .digest = digest };
	return layer_unpack(&src, dest, &lim, max_bytes, "test", res, d);
}

static void test_verify_only(void **state) {
	_cleanup_free_ char *plain = NULL, *gz = NULL;
	size_t plain_size, gz_size;
	char want[DIGEST_STRING_MAX];
	LayerResult a, b;
	Diag d = {};

	make_tar(good, ELEMENTSOF(good), false, &plain, &plain_size);
	make_tar(good, ELEMENTSOF(good), true, &gz, &gz_size);
	assert_int_equal(
	        unpack(plain, plain_size, NULL, IMAGE_LIMITS_DEFAULT, 1 << 20, NULL, &a, &d), 0);
	assert_int_equal(img_sha256_buf(plain, plain_size, want), 0);
	assert_string_equal(a.diff_id, want);
	assert_string_equal(a.blob_digest, want);
	assert_int_equal(a.entries, 5);
	assert_int_equal(a.unpacked_bytes, 6);
	assert_int_equal(a.filter, ARCHIVE_FILTER_NONE);

	/* compressed: the same diff_id, the blob digest of the gzip bytes */
	assert_int_equal(unpack(gz, gz_size, NULL, IMAGE_LIMITS_DEFAULT, 1 << 20, NULL, &b, &d), 0);
	assert_string_equal(b.diff_id, a.diff_id);
	assert_int_equal(img_sha256_buf(gz, gz_size, want), 0);
	assert_string_equal(b.blob_digest, want);
	assert_int_equal(b.filter, ARCHIVE_FILTER_GZIP);
	assert_int_equal(b.blob_size, gz_size);
	assert_int_equal(b.diff_size, plain_size);
	assert_false(diag_failed(&d));
}

static void test_limits(void **state) {
	_cleanup_free_ char *plain = NULL;
	size_t size;
	LayerResult r;
	Diag d = {};
	ImageLimits few = IMAGE_LIMITS_DEFAULT;

	make_tar(good, ELEMENTSOF(good), false, &plain, &size);
	few.max_entries = 2;
	assert_int_equal(unpack(plain, size, NULL, few, 1 << 20, NULL, &r, &d), -E2BIG);
	diag_clear(&d);
	assert_int_equal(unpack(plain, size, NULL, IMAGE_LIMITS_DEFAULT, 5, NULL, &r, &d), -EFBIG);
	assert_non_null(strstr(d.errors[0], "size limit"));
	diag_clear(&d);
}

static void test_refused(void **state) {
	static const Entry dotdot[] = { { "a/../../x", AE_IFREG, "x" } };
	static const Entry hl[] = { { "h", 0, "../../etc/passwd" } };
	_cleanup_free_ char *t1 = NULL, *t2 = NULL;
	size_t s1, s2;
	LayerResult r;
	Diag d = {};

	make_tar(dotdot, 1, false, &t1, &s1);
	assert_int_equal(unpack(t1, s1, NULL, IMAGE_LIMITS_DEFAULT, 1 << 20, NULL, &r, &d),
	                 -EINVAL);
	assert_non_null(strstr(d.errors[0], "leaves the layer"));
	diag_clear(&d);
	make_tar(hl, 1, false, &t2, &s2);
	assert_int_equal(unpack(t2, s2, NULL, IMAGE_LIMITS_DEFAULT, 1 << 20, NULL, &r, &d),
	                 -EINVAL);
	diag_clear(&d);
	assert_int_equal(
	        unpack("not a tar at all", 16, NULL, IMAGE_LIMITS_DEFAULT, 1 << 20, NULL, &r, &d),
	        -EBADMSG);
	assert_non_null(strstr(d.errors[0], "not a tar archive"));
	diag_clear(&d);
}

static void test_corrupted(void **state) {
	_cleanup_free_ char *gz = NULL;
	char digest[DIGEST_STRING_MAX];
	size_t size;
	LayerResult r;
	Diag d = {};

	make_tar(good, ELEMENTSOF(good), true, &gz, &size);
	assert_int_equal(img_sha256_buf(gz, size, digest), 0);
	gz[size / 2] ^= 0x55;
	/* whatever the reader says about the garbage, the mismatch is what is reported */
	assert_int_equal(unpack(gz, size, NULL, IMAGE_LIMITS_DEFAULT, 1 << 20, digest, &r, &d),
	                 -EBADMSG);
	assert_int_equal(d.n_errors, 1);
	assert_non_null(strstr(d.errors[0], "does not match its digest"));
	diag_clear(&d);
}

static void test_unpack_dir(void **state) {
	static const Entry files[] = {
		{ "etc", AE_IFDIR, NULL },
		{ "etc/hostname", AE_IFREG, "skiff\n" },
		{ "etc/link", 0, "etc/hostname" },
		{ "bin/sh", AE_IFLNK, "/bin/busybox" },
	};
	char dir[] = "/tmp/skiff-test-layer.XXXXXX", cwd[4096], after[4096], *data = NULL;
	_cleanup_free_ char *tar = NULL, *p = NULL, *lnk = NULL;
	size_t size;
	LayerResult r;
	Diag d = {};
	struct stat st;

	assert_non_null(mkdtemp(dir));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	make_tar(files, ELEMENTSOF(files), false, &tar, &size);
	assert_int_equal(unpack(tar, size, dir, IMAGE_LIMITS_DEFAULT, 1 << 20, NULL, &r, &d), 0);
	assert_non_null(getcwd(after, sizeof(after)));
	assert_string_equal(cwd, after); /* the cwd is restored */
	assert_true(asprintf(&p, "%s/etc/hostname", dir) > 0);
	assert_int_equal(read_full_file(p, 100, &data, NULL), 0);
	assert_string_equal(data, "skiff\n");
	free(data);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	assert_true(asprintf(&lnk, "%s/bin/sh", dir) > 0);
	assert_int_equal(lstat(lnk, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_path),  cmocka_unit_test(test_whiteouts),
		cmocka_unit_test(test_verify_only), cmocka_unit_test(test_limits),
		cmocka_unit_test(test_refused),     cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_unpack_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
