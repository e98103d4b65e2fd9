/* SPDX-License-Identifier: Apache-2.0 */
/* Manifests: Pod, PodList and v1 List, JSON and YAML, documents, prefixes and bounds. */
#include <fcntl.h>
#include <sys/stat.h>

#include "manifest.h"
#include "pod-test-util.h"

static int parse(const char *text, PodSet *set, Diag *d) {
	return manifest_parse(text, strlen(text), set, d);
}

static void test_yaml_pod(void **state) {
	static const char text[] = "apiVersion: v1\n"
	                           "kind: Pod\n"
	                           "metadata:\n"
	                           "  name: web\n"
	                           "spec:\n"
	                           "  containers:\n"
	                           "  - name: app\n"
	                           "    image: busybox:1.36\n"
	                           "    ports:\n"
	                           "    - containerPort: 8080\n"
	                           "    resources:\n"
	                           "      limits: {cpu: 0.5, memory: 1e3}\n";
	char buf[QUANTITY_STRING_MAX];
	PodSet set = {};
	Diag d = {};

	assert_int_equal(parse(text, &set, &d), 0);
	assert_int_equal(set.n_pods, 1);
	assert_string_equal(set.pods[0]->metadata.name, "web");
	assert_int_equal(set.pods[0]->spec.containers[0].ports[0].container_port, 8080);
	assert_string_equal(
	        quantity_to_string(&set.pods[0]->spec.containers[0].resources.limits.cpu.value,
	                           buf),
	        "500m");
	assert_string_equal(
	        quantity_to_string(&set.pods[0]->spec.containers[0].resources.limits.memory.value,
	                           buf),
	        "1e3");
	pod_set_done(&set);
	diag_clear(&d);
}

static void test_lists(void **state) {
	static const char pod_list[] =
	        "{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"items\":["
	        "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"containers\":[{\"name\":\"c\","
	        "\"image\":\"i\"}]}},"
	        "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"b\"},"
	        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}]}";
	static const char list[] = "apiVersion: v1\n"
	                           "kind: List\n"
	                           "items:\n"
	                           "- apiVersion: v1\n"
	                           "  kind: Pod\n"
	                           "  metadata: {name: a}\n"
	                           "  spec: {containers: [{name: c, image: i}]}\n"
	                           "- metadata: {name: b}\n"
	                           "  spec: {containers: [{name: c}]}\n";
	PodSet set = {};
	Diag d = {};

	assert_int_equal(parse(pod_list, &set, &d), 0);
	assert_int_equal(set.n_pods, 2);
	assert_string_equal(set.pods[1]->metadata.name, "b");
	pod_set_done(&set);

	/* A List's items must say what they are; every error is reported, nothing loaded. */
	assert_int_equal(parse(list, &set, &d), -EINVAL);
	assert_error(&d, "items[1].apiVersion: Required value");
	assert_error(&d, "items[1].kind: Required value");
	assert_int_equal(set.n_pods, 0);
	diag_clear(&d);

	assert_int_equal(parse("{\"apiVersion\":\"v1\",\"kind\":\"List\"}", &set, &d), 0);
	assert_int_equal(set.n_pods, 0);
	diag_clear(&d);
}

static void test_documents(void **state) {
	static const char text[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"
	                           "spec: {containers: [{name: c, image: i}]}\n"
	                           "---\n"
	                           "apiVersion: v1\nkind: Pod\nmetadata: {name: b}\n"
	                           "spec: {containers: [{name: c, image: i, tty: true}]}\n"
	                           "---\n"
	                           "- not an object\n";
	PodSet set = {};
	Diag d = {};

	assert_int_equal(parse(text, &set, &d), -EINVAL);
	assert_error(&d, "documents[1].spec.containers[0].tty: Forbidden: not supported by skiff "
	                 "(no attach)");
	assert_error(&d, "documents[2]: expected object, got array");
	assert_n_errors(&d, 2);
	diag_clear(&d);
}

static void test_type_meta(void **state) {
	PodSet set = {};
	Diag d = {};

	assert_int_equal(parse("{\"metadata\":{\"name\":\"a\"}}", &set, &d), -EINVAL);
	assert_error(&d, "apiVersion: Required value");
	assert_error(&d, "kind: Required value");
	diag_clear(&d);
	assert_int_equal(parse("apiVersion: apps/v1\nkind: Deployment\n", &set, &d), -EINVAL);
	assert_error(&d, "apiVersion: Unsupported value: \"apps/v1\": supported values: \"v1\"");
	assert_error(&d, "kind: Unsupported value: \"Deployment\": supported values: \"Pod\", "
	                 "\"PodList\", \"List\"");
	diag_clear(&d);
	assert_int_equal(parse("# only a comment\n", &set, &d), -EINVAL);
	assert_error(&d, "no Pod found: the manifest is empty");
	diag_clear(&d);
	assert_int_equal(parse("kind: Pod\n  bad: [\n", &set, &d), -EINVAL);
	assert_int_equal(d.n_errors, 1);
	assert_non_null(strstr(d.errors[0], "line "));
	diag_clear(&d);
}

static void test_duplicates(void **state) {
	static const char text[] =
	        "apiVersion: v1\nkind: List\nitems:\n"
	        "- {apiVersion: v1, kind: Pod, metadata: {name: a},"
	        "   spec: {containers: [{name: c, image: i}]}}\n"
	        "- {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: x},"
	        "   spec: {containers: [{name: c, image: i}]}}\n"
	        "- {apiVersion: v1, kind: Pod, metadata: {name: a},"
	        "   spec: {containers: [{name: c, image: i}]}}\n";
	PodSet set = {};
	Diag d = {};

	assert_int_equal(parse(text, &set, &d), -EINVAL);
	assert_error(&d, "items[2].metadata.name: Duplicate value: \"a\"");
	assert_n_errors(&d, 1);
	diag_clear(&d);
}

static void test_file_bounds(void **state) {
	char path[] = "/tmp/skiff-test-manifest.XXXXXX";
	int fd = mkstemp(path);
	PodSet set = {};
	Diag d = {};

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, MANIFEST_MAX_BYTES + 1), 0);
	close(fd);
	assert_int_equal(manifest_load_file(path, &set, &d), -E2BIG);
	assert_error(&d, "file too large: a manifest may have at most 10485760 bytes");
	diag_clear(&d);
	unlink(path);
	assert_true(manifest_load_file(path, &set, &d) < 0);
	assert_error(&d, "cannot read the file: No such file or directory");
	diag_clear(&d);

	/* Nesting beyond the bound is refused by the parser, not followed. */
	char deep[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	assert_true(manifest_parse(deep, strlen(deep), &set, &d) < 0);
	assert_true(d.n_errors > 0);
	diag_clear(&d);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_pod),   cmocka_unit_test(test_lists),
		cmocka_unit_test(test_documents),  cmocka_unit_test(test_type_meta),
		cmocka_unit_test(test_duplicates), cmocka_unit_test(test_file_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
