/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "digest.h"
#include "oci.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static int parse_index(const char *s, OciIndex *ret, Diag *d) {
	return oci_parse_index(s, strlen(s), 16, ret, d);
}

static void expect_error(int r, Diag *d, const char *fragment) {
	assert_true(r < 0);
	assert_true(d->n_errors >= 1);
	if (!strstr(d->errors[0], fragment))
		fail_msg("\"%s\" lacks \"%s\"", d->errors[0], fragment);
	diag_clear(d);
}

static void test_layout(void **state) {
	Diag d = {};
	const char *ok = "{\"imageLayoutVersion\": \"1.0.0\"}\n";
	assert_int_equal(oci_parse_layout(ok, strlen(ok), &d), 0);
	const char *v2 = "{\"imageLayoutVersion\": \"2.0.0\"}";
	expect_error(oci_parse_layout(v2, strlen(v2), &d), &d, "not 1.x");
	expect_error(oci_parse_layout("[]", 2, &d), &d, "JSON object");
	expect_error(oci_parse_layout("{} x", 4, &d), &d, "invalid JSON");
	assert_int_equal(oci_parse_layout(ok, strlen(ok), &d), 0);
	expect_error(oci_parse_layout("{\"a\":1,}", 8, &d), &d, "invalid JSON");
	expect_error(oci_parse_layout("{\"a\":\0}", 7, &d), &d, "NUL");
}

static void test_index(void **state) {
	OciIndex idx = {};
	Diag d = {};
	const char *s =
	        "{\"schemaVersion\":2,\"manifests\":["
	        "{\"mediaType\":\"" OCI_MEDIA_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":7,"
	        "\"annotations\":{\"" OCI_REF_NAME_ANNOTATION "\":\"v1\",\"x\":\"y\"}},"
	        "{\"mediaType\":\"" OCI_MEDIA_INDEX "\",\"digest\":\"" D2 "\",\"size\":9,"
	        "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":"
	        "\"v8\"}}]}";
	assert_int_equal(parse_index(s, &idx, &d), 0);
	assert_int_equal(idx.n_manifests, 2);
	assert_string_equal(idx.manifests[0].ref_name, "v1");
	assert_string_equal(idx.manifests[0].digest, D1);
	assert_int_equal(idx.manifests[0].size, 7);
	assert_int_equal(oci_media_kind(idx.manifests[0].media_type), OCI_KIND_MANIFEST);
	assert_int_equal(oci_media_kind(idx.manifests[1].media_type), OCI_KIND_INDEX);
	assert_string_equal(idx.manifests[1].architecture, "arm64");
	assert_string_equal(idx.manifests[1].variant, "v8");
	assert_null(idx.manifests[1].ref_name);
	oci_index_done(&idx);

	expect_error(parse_index("{\"manifests\":[]}", &idx, &d), &d, "schemaVersion");
	expect_error(parse_index("{\"schemaVersion\":2}", &idx, &d), &d, "manifests");
	expect_error(parse_index("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	                         "\"digest\":\"sha256:abc\",\"size\":1}]}",
	                         &idx, &d),
	             &d, "digest");
	expect_error(parse_index("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	                         "\"digest\":\"" D1 "\",\"size\":-1}]}",
	                         &idx, &d),
	             &d, "size >= 0");
	expect_error(parse_index("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	                         "\"digest\":\"" D1 "\",\"size\":\"1\"}]}",
	                         &idx, &d),
	             &d, "integer");
	expect_error(parse_index("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\","
	                         "\"digest\":\"" D1 "\",\"size\":1,\"annotations\":[]}]}",
	                         &idx, &d),
	             &d, "annotations");

	/* bounded */
	char *big = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&big, &len);
	fputs("{\"schemaVersion\":2,\"manifests\":[", f);
	for (int i = 0; i < 17; i++)
		fprintf(f, "%s{\"mediaType\":\"x\",\"digest\":\"" D1 "\",\"size\":1}",
		        i ? "," : "");
	fputs("]}", f);
	fclose(f);
	expect_error(parse_index(big, &idx, &d), &d, "more than 16");
	free(big);
}

static void test_manifest(void **state) {
	OciManifest m = {};
	Diag d = {};
	const char *s = "{\"schemaVersion\":2,\"mediaType\":\"" OCI_MEDIA_MANIFEST "\","
	                "\"config\":{\"mediaType\":\"" OCI_MEDIA_CONFIG "\",\"digest\":\"" D1
	                "\",\"size\":100},"
	                "\"layers\":[{\"mediaType\":\"" OCI_MEDIA_LAYER "+gzip\",\"digest\":\"" D2
	                "\",\"size\":5},"
	                "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
	                "\"digest\":\"" D3 "\",\"size\":6}]}";
	assert_int_equal(oci_parse_manifest(s, strlen(s), 8, &m, &d), 0);
	assert_string_equal(m.config.digest, D1);
	assert_int_equal(m.n_layers, 2);
	assert_int_equal(oci_media_kind(m.layers[0].media_type), OCI_KIND_LAYER);
	assert_int_equal(oci_media_kind(m.layers[1].media_type), OCI_KIND_LAYER);
	oci_manifest_done(&m);
	expect_error(oci_parse_manifest(s, strlen(s), 1, &m, &d), &d, "more than 1");

	const char *idx = "{\"schemaVersion\":2,\"mediaType\":\"" OCI_MEDIA_INDEX "\","
	                  "\"manifests\":[]}";
	assert_int_equal(oci_parse_manifest(idx, strlen(idx), 8, &m, &d), -EMEDIUMTYPE);
	diag_clear(&d);
	const char *noconfig = "{\"schemaVersion\":2,\"layers\":[]}";
	expect_error(oci_parse_manifest(noconfig, strlen(noconfig), 8, &m, &d), &d, "config");
	assert_int_equal(oci_media_kind("application/vnd.oci.image.layer.v1.tar+encrypted"),
	                 OCI_KIND_UNKNOWN);
}

static void test_config(void **state) {
	OciImageConfig c = {};
	Diag d = {};
	const char *s = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
	                "\"User\":\"nobody\",\"Env\":[\"PATH=/bin\",\"A=b=c\"],"
	                "\"Entrypoint\":[\"/init\"],\"Cmd\":null,\"WorkingDir\":\"/srv\","
	                "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"StopSignal\":\"SIGQUIT\","
	                "\"Labels\":{\"a\":\"b\"}},"
	                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]},"
	                "\"history\":[{\"created_by\":\"x\"}]}";
	assert_int_equal(oci_parse_config(s, strlen(s), 8, &c, &d), 0);
	assert_string_equal(c.architecture, "amd64");
	assert_string_equal(c.os, "linux");
	assert_string_equal(c.config.user, "nobody");
	assert_string_equal(c.config.env[1], "A=b=c");
	assert_null(c.config.env[2]);
	assert_string_equal(c.config.entrypoint[0], "/init");
	assert_null(c.config.cmd);
	assert_string_equal(c.config.working_dir, "/srv");
	assert_string_equal(c.config.exposed_ports[0], "80/tcp");
	assert_string_equal(c.config.exposed_ports[1], "53/udp");
	assert_string_equal(c.config.stop_signal, "SIGQUIT");
	assert_int_equal(c.n_diff_ids, 2);
	assert_string_equal(c.diff_ids[1], D2);
	oci_image_config_done(&c);

	const char *empty = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	assert_int_equal(oci_parse_config(empty, strlen(empty), 8, &c, &d), 0);
	assert_int_equal(c.n_diff_ids, 0);
	assert_null(c.config.cmd);
	oci_image_config_done(&c);

	const char *badenv = "{\"config\":{\"Env\":[1]},\"rootfs\":{\"type\":\"layers\","
	                     "\"diff_ids\":[]}}";
	expect_error(oci_parse_config(badenv, strlen(badenv), 8, &c, &d), &d, "Env[0]");
	const char *badtype = "{\"rootfs\":{\"type\":\"zfs\",\"diff_ids\":[]}}";
	expect_error(oci_parse_config(badtype, strlen(badtype), 8, &c, &d), &d, "layers");
	const char *baddiff = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:x\"]}}";
	expect_error(oci_parse_config(baddiff, strlen(baddiff), 8, &c, &d), &d, "diff_ids[0]");
	const char *norootfs = "{\"config\":{}}";
	expect_error(oci_parse_config(norootfs, strlen(norootfs), 8, &c, &d), &d, "rootfs");
	const char *nulstr = "{\"config\":{\"User\":\"a\\u0000b\"},\"rootfs\":{\"type\":\"layers\","
	                     "\"diff_ids\":[]}}";
	expect_error(oci_parse_config(nulstr, strlen(nulstr), 8, &c, &d), &d, "NUL");
	const char *deep =
	        "{\"config\":{\"Labels\":"
	        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}";
	expect_error(oci_parse_config(deep, strlen(deep), 8, &c, &d), &d, "invalid JSON");
}

static void test_digest(void **state) {
	char dg[DIGEST_STRING_MAX];
	assert_int_equal(img_sha256_buf("", 0, dg), 0);
	assert_string_equal(
	        dg, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(img_sha256_buf("abc", 3, dg), 0);
	assert_string_equal(
	        dg, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(img_digest_hex(dg),
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_null(img_digest_hex("sha256:../x"));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),   cmocka_unit_test(test_index),
		cmocka_unit_test(test_manifest), cmocka_unit_test(test_config),
		cmocka_unit_test(test_digest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
