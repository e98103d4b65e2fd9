/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <time.h>

#include "../../../runtime/seccomp-filter.h"
#include "../../../runtime/seccomp-profile.h"
#include "runtime.h"

static const ProfileRule *find(const SeccompProfileData *p, const char *name) {
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t j = 0; j < p->rules[i].n_names; j++)
			if (!strcmp(p->rules[i].names[j], name))
				return &p->rules[i];
	return NULL;
}

static int parse(const char *json, uint64_t caps, SeccompProfileData *p, Diag *d) {
	return seccomp_profile_parse(json, strlen(json), caps, "amd64", "6.1.0-18-amd64", p, d);
}

static void expect_error(const char *json, const char *what) {
	SeccompProfileData p;
	Diag d = {};
	assert_true(parse(json, 0, &p, &d) < 0);
	bool found = false;
	for (size_t i = 0; i < d.n_errors; i++)
		found = found || strstr(d.errors[i], what);
	if (!found)
		diag_print(&d, "profile", stderr);
	assert_true(found);
	diag_clear(&d);
}

static void test_oci(void **state) {
	const char *json =
	        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
	        "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":["
	        "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
	        "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
	        "\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]},"
	        "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}";
	SeccompProfileData p;
	Diag d = {};
	assert_int_equal(parse(json, 0, &p, &d), 0);
	assert_int_equal(p.default_action, PROFILE_ACT_ERRNO);
	assert_true(p.have_default_errno);
	assert_int_equal(p.n_rules, 3);
	assert_int_equal(p.n_names, 4);
	const ProfileRule *r = find(&p, "personality");
	assert_int_equal(r->n_args, 1);
	assert_int_equal(r->args[0].value, 8);
	assert_int_equal(r->args[0].op, PROFILE_OP_EQUAL_TO);
	assert_int_equal(find(&p, "clone3")->errno_ret, 38);
	seccomp_profile_done(&p);
	diag_clear(&d);
}

static void test_docker(void **state) {
	const char *json =
	        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":"
	        "\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]},{\"architecture\":"
	        "\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]}],"
	        "\"syscalls\":[{\"name\":\"ptrace\",\"action\":\"SCMP_ACT_ALLOW\",\"includes\":"
	        "{\"minKernel\":\"4.8\"}},{\"name\":\"bpf\",\"action\":\"SCMP_ACT_ALLOW\","
	        "\"includes\":"
	        "{\"minKernel\":\"9.1\"}},{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\","
	        "\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},{\"names\":[\"clone\"],\"action\":"
	        "\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},{\"names\":"
	        "[\"s390_thing\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":["
	        "\"s390x\"]}}]}";
	SeccompProfileData p;
	Diag d = {};

	assert_int_equal(parse(json, 0, &p, &d), 0);
	assert_string_equal(p.arches[0], "SCMP_ARCH_X86_64");
	assert_string_equal(p.arches[2], "SCMP_ARCH_X32");
	assert_non_null(find(&p, "ptrace"));
	assert_null(find(&p, "bpf"));
	assert_null(find(&p, "mount"));
	assert_non_null(find(&p, "clone"));
	assert_null(find(&p, "s390_thing"));
	seccomp_profile_done(&p);

	assert_int_equal(parse(json, 1ULL << 21, &p, &d), 0);
	assert_non_null(find(&p, "mount"));
	assert_null(find(&p, "clone"));
	seccomp_profile_done(&p);
	diag_clear(&d);
}

static void test_errors(void **state) {
	expect_error("{\"defaultAction\":\"SCMP_ACT_DANCE\"}", "unknown action");
	expect_error("{}", "unknown action");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}", "syscalls");
	expect_error(
	        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
	        "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":9,\"op\":\"SCMP_CMP_EQ\"}]}]}",
	        "index: out of range");
	expect_error(
	        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
	        "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"op\":\"SCMP_CMP_XX\"}]}]}",
	        "unknown op");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\"}", "notify");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"WHAT\"]}",
	             "unsupported flag");
	expect_error("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[1],"
	             "\"action\":\"SCMP_ACT_ALLOW\"}]}",
	             "expected a string");
	expect_error("not json", "invalid JSON");
}

static void test_runtime_default(void **state) {
	SeccompProfileData p;
	uint64_t caps = runtime_default_capabilities();

	assert_int_equal(seccomp_profile_runtime_default(caps, &p), 0);
	assert_int_equal(p.default_action, PROFILE_ACT_ERRNO);
	assert_non_null(find(&p, "read"));
	assert_non_null(find(&p, "ptrace"));
	assert_non_null(find(&p, "chroot")); /* CAP_SYS_CHROOT is a default */
	assert_null(find(&p, "mount"));
	assert_null(find(&p, "unshare"));
	assert_null(find(&p, "keyctl"));
	const ProfileRule *r = find(&p, "clone3");
	assert_non_null(r);
	assert_int_equal(r->action, PROFILE_ACT_ERRNO);
	assert_int_equal(r->errno_ret, ENOSYS);
	r = find(&p, "clone");
	assert_int_equal(r->args[0].op, PROFILE_OP_MASKED_EQUAL);
	assert_true(p.n_names > 350);
	seccomp_profile_done(&p);

	assert_int_equal(seccomp_profile_runtime_default(caps | (1ULL << 21), &p), 0);
	assert_non_null(find(&p, "mount"));
	assert_int_equal(find(&p, "clone3")->action, PROFILE_ACT_ALLOW);
	seccomp_profile_done(&p);
}

static void test_json_round_trip(void **state) {
	SeccompProfileData p, back;
	Diag d = {};
	char *json = NULL, *again = NULL;
	assert_int_equal(seccomp_profile_runtime_default(runtime_default_capabilities(), &p), 0);
	assert_int_equal(seccomp_profile_to_json(&p, &json), 0);
	assert_int_equal(parse(json, 0, &back, &d), 0);
	assert_int_equal(back.n_rules, p.n_rules);
	assert_int_equal(back.n_names, p.n_names);
	assert_int_equal(find(&back, "clone3")->errno_ret, ENOSYS);
	assert_int_equal(seccomp_profile_to_json(&back, &again), 0);
	assert_string_equal(json, again);
	free(json);
	free(again);
	seccomp_profile_done(&p);
	seccomp_profile_done(&back);
	diag_clear(&d);
}

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_compile(void **state) {
	SeccompProfileData p;
	SeccompFilter f;
	RuntimeError e = {};
	assert_int_equal(seccomp_profile_runtime_default(runtime_default_capabilities(), &p), 0);
	double t = now();
	assert_int_equal(seccomp_filter_compile(&p, &f, &e), 0);
	print_message("RuntimeDefault: %u BPF instructions, compiled in %.2f ms\n", f.len,
	              (now() - t) * 1000);
	assert_true(f.len > 100 && f.len < 4096);
	seccomp_filter_done(&f);
	seccomp_profile_done(&p);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oci),
		cmocka_unit_test(test_docker),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_runtime_default),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_compile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
