/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parser of OCI/Docker seccomp profiles (untrusted: bounded, every problem reported, fuzzed by
 * tests/fuzz/fuzz-seccomp-profile.c).
 *
 *   { "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
 *     "architectures": ["SCMP_ARCH_X86_64"],            (OCI)
 *     "archMap": [{"architecture": "...", "subArchitectures": [...]}],   (Docker)
 *     "flags": ["SECCOMP_FILTER_FLAG_LOG"],
 *     "syscalls": [{ "names": [...] | "name": "...", "action": "SCMP_ACT_ALLOW",
 *                    "errnoRet": 38,
 *                    "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}],
 *                    "includes": {"caps": [...], "arches": [...], "minKernel": "4.8"},
 *                    "excludes": {...} }] }
 */
#include <linux/seccomp.h>
#include <stdio.h>
#include <strings.h>

#include "json-util.h"
#include "runtime.h"
#include "seccomp-profile.h"
#include "util.h"

static const char *const action_names[_PROFILE_ACT_MAX] = {
	[PROFILE_ACT_KILL_THREAD] = "SCMP_ACT_KILL",
	[PROFILE_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
	[PROFILE_ACT_TRAP] = "SCMP_ACT_TRAP",
	[PROFILE_ACT_ERRNO] = "SCMP_ACT_ERRNO",
	[PROFILE_ACT_TRACE] = "SCMP_ACT_TRACE",
	[PROFILE_ACT_ALLOW] = "SCMP_ACT_ALLOW",
	[PROFILE_ACT_LOG] = "SCMP_ACT_LOG",
};

static const char *const op_names[_PROFILE_OP_MAX] = {
	[PROFILE_OP_NOT_EQUAL] = "SCMP_CMP_NE",           [PROFILE_OP_LESS_THAN] = "SCMP_CMP_LT",
	[PROFILE_OP_LESS_EQUAL] = "SCMP_CMP_LE",          [PROFILE_OP_EQUAL_TO] = "SCMP_CMP_EQ",
	[PROFILE_OP_GREATER_EQUAL] = "SCMP_CMP_GE",       [PROFILE_OP_GREATER_THAN] = "SCMP_CMP_GT",
	[PROFILE_OP_MASKED_EQUAL] = "SCMP_CMP_MASKED_EQ",
};

const char *profile_action_to_string(ProfileAction a) {
	return a < _PROFILE_ACT_MAX ? action_names[a] : NULL;
}

static int action_from_string(const char *s) {
	if (streq_ptr(s, "SCMP_ACT_KILL_THREAD"))
		return PROFILE_ACT_KILL_THREAD;
	for (int i = 0; i < _PROFILE_ACT_MAX; i++)
		if (streq_ptr(action_names[i], s))
			return i;
	return -EINVAL;
}

static int op_from_string(const char *s) {
	for (int i = 0; i < _PROFILE_OP_MAX; i++)
		if (streq_ptr(op_names[i], s))
			return i;
	return -EINVAL;
}

static void rule_done(ProfileRule *r) {
	strv_free(r->names);
	*r = (ProfileRule){};
}

void seccomp_profile_done(SeccompProfileData *p) {
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++)
		rule_done(&p->rules[i]);
	free(p->rules);
	strv_free(p->arches);
	*p = (SeccompProfileData){};
}

/* ---- Docker's includes/excludes ---- */

static bool kernel_at_least(const char *release, const char *min) {
	unsigned a = 0, b = 0, x = 0, y = 0;
	if (!release || sscanf(min, "%u.%u", &x, &y) < 1)
		return true;
	if (sscanf(release, "%u.%u", &a, &b) < 1)
		return true;
	return a > x || (a == x && b >= y);
}

typedef struct Filter {
	uint64_t caps;
	const char *arch;
	const char *kernel;
} Filter;

/* Whether a rule's condition object holds: all of caps present, arch listed, kernel new
 * enough. `any` for excludes: one match suffices. */
static int condition_matches(const JsonReader *r, json_object *c, const Filter *f, bool any,
                             bool *ret) {
	_cleanup_strv_free_ char **caps = NULL, **arches = NULL;
	_cleanup_free_ char *min_kernel = NULL;
	bool have = false, all = true, one = false;

	if (!json_check_object(r, any ? "excludes" : "includes", c))
		return c ? -EINVAL : 0;
	JsonReader cr = { r->diag, r->path };
	json_read_strv(&cr, c, "caps", 64, 64, &caps);
	json_read_strv(&cr, c, "arches", SECCOMP_PROFILE_MAX_ARCHES, 32, &arches);
	json_read_string(&cr, c, "minKernel", 32, &min_kernel);
	if (caps && caps[0]) {
		have = true;
		STRV_FOREACH (n, caps) {
			int cap = capability_from_name(*n);
			bool m = cap >= 0 && (f->caps & (UINT64_C(1) << cap));
			all = all && m;
			one = one || m;
		}
	}
	if (arches && arches[0]) {
		bool m = false;
		have = true;
		STRV_FOREACH (a, arches)
			m = m || streq_ptr(*a, f->arch);
		all = all && m;
		one = one || m;
	}
	if (min_kernel) {
		bool m = kernel_at_least(f->kernel, min_kernel);
		have = true;
		all = all && m;
		one = one || m;
	}
	*ret = have && (any ? one : all);
	if (!any && !have)
		*ret = true;
	return 0;
}

/* ---- syscalls[] ---- */

static int parse_args(const JsonReader *r, json_object *a, ProfileRule *rule) {
	if (!a)
		return 0;
	size_t n = json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
	if (!json_object_is_type(a, json_type_array) || n > SECCOMP_PROFILE_MAX_ARGS) {
		diag_error(r->diag, r->path, "args: expected an array of at most %d",
		           SECCOMP_PROFILE_MAX_ARGS);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		_cleanup_free_ char *p = path_index(r->path, i), *op = NULL;
		JsonReader ar = { r->diag, p };
		ProfileArg *x = &rule->args[i];
		uint64_t idx = 0;
		if (!e || !json_object_is_type(e, json_type_object)) {
			diag_error(r->diag, p, "expected an object");
			return -EINVAL;
		}
		json_read_uint64(&ar, e, "index", 5, &idx);
		json_read_uint64(&ar, e, "value", UINT64_MAX, &x->value);
		json_read_uint64(&ar, e, "valueTwo", UINT64_MAX, &x->value_two);
		json_read_string(&ar, e, "op", 32, &op);
		int o = op_from_string(op);
		if (o < 0) {
			diag_error(r->diag, p, "unknown op \"%s\"", strempty(op));
			return -EINVAL;
		}
		x->index = (unsigned)idx;
		x->op = o;
	}
	rule->n_args = n;
	return 0;
}

static int parse_rule(const JsonReader *top, json_object *e, size_t i, const Filter *f,
                      SeccompProfileData *p, bool *ret_skip) {
	_cleanup_free_ char *path = path_index("syscalls", i), *action = NULL, *name = NULL;
	JsonReader r = { top->diag, path };
	ProfileRule rule = {};
	bool inc = true, exc = false;
	uint64_t eno;
	size_t n_errors = top->diag->n_errors;

	*ret_skip = false;
	if (!e || !json_object_is_type(e, json_type_object)) {
		diag_error(top->diag, path, "expected an object");
		return -EINVAL;
	}
	if (condition_matches(&r, tree_get(e, "includes"), f, false, &inc) < 0 ||
	    condition_matches(&r, tree_get(e, "excludes"), f, true, &exc) < 0)
		return -EINVAL;
	json_read_strv(&r, e, "names", SECCOMP_PROFILE_MAX_NAMES, SECCOMP_PROFILE_MAX_NAME,
	               &rule.names);
	json_read_string(&r, e, "name", SECCOMP_PROFILE_MAX_NAME, &name);
	if (name && strv_consume(&rule.names, TAKE_PTR(name)) < 0)
		goto fail;
	rule.n_names = strv_length(rule.names);
	json_read_string(&r, e, "action", 32, &action);
	int a = action_from_string(action);
	if (a < 0) {
		diag_error(top->diag, path, "unknown action \"%s\"", strempty(action));
		goto fail;
	}
	rule.action = a;
	if (json_read_uint64(&r, e, "errnoRet", 4095, &eno)) {
		rule.have_errno = true;
		rule.errno_ret = (uint32_t)eno;
	}
	if (parse_args(&r, tree_get(e, "args"), &rule) < 0)
		goto fail;
	if (top->diag->n_errors > n_errors)
		goto fail;
	if (p->n_names + rule.n_names > SECCOMP_PROFILE_MAX_NAMES) {
		diag_error(top->diag, path, "more than %d syscall names in the profile",
		           SECCOMP_PROFILE_MAX_NAMES);
		goto fail;
	}
	if (!inc || exc || rule.n_names == 0) {
		*ret_skip = true;
		rule_done(&rule);
		return 0;
	}
	p->n_names += rule.n_names;
	p->rules[p->n_rules++] = rule;
	return 0;
fail:
	rule_done(&rule);
	return -EINVAL;
}

static void parse_arch_map(const JsonReader *r, json_object *o, const char *native,
                           SeccompProfileData *p) {
	json_object *m = tree_get(o, "archMap");
	static const struct {
		const char *go, *scmp;
	} natives[] = { { "amd64", "SCMP_ARCH_X86_64" },    { "arm64", "SCMP_ARCH_AARCH64" },
		        { "386", "SCMP_ARCH_X86" },         { "s390x", "SCMP_ARCH_S390X" },
		        { "ppc64le", "SCMP_ARCH_PPC64LE" }, { "riscv64", "SCMP_ARCH_RISCV64" } };
	const char *mine = NULL;

	if (!m || p->arches)
		return;
	if (!json_object_is_type(m, json_type_array) ||
	    json_object_array_length(m) > SECCOMP_PROFILE_MAX_ARCHES) {
		diag_error(r->diag, "archMap", "expected an array of at most %d",
		           SECCOMP_PROFILE_MAX_ARCHES);
		return;
	}
	for (size_t i = 0; i < ELEMENTSOF(natives); i++)
		if (streq_ptr(natives[i].go, native))
			mine = natives[i].scmp;
	/* Only the entry of our own architecture matters: it and its sub-architectures. */
	for (size_t i = 0; i < json_object_array_length(m); i++) {
		json_object *e = json_object_array_get_idx(m, i);
		_cleanup_free_ char *path = path_index("archMap", i), *arch = NULL;
		JsonReader ar = { r->diag, path };
		_cleanup_strv_free_ char **subs = NULL;
		json_read_string(&ar, e, "architecture", 32, &arch);
		json_read_strv(&ar, e, "subArchitectures", SECCOMP_PROFILE_MAX_ARCHES, 32, &subs);
		if (!streq_ptr(arch, mine))
			continue;
		p->arches = strv_new(arch);
		STRV_FOREACH (s, subs)
			if (p->arches)
				strv_extend(&p->arches, *s);
	}
}

static int parse_flags(const JsonReader *r, json_object *o, SeccompProfileData *p) {
	_cleanup_strv_free_ char **flags = NULL;
	json_read_strv(r, o, "flags", 8, 64, &flags);
	STRV_FOREACH (f, flags) {
		if (streq(*f, "SECCOMP_FILTER_FLAG_LOG"))
			p->flags |= SECCOMP_FILTER_FLAG_LOG;
		else if (streq(*f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			p->flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
		else if (!streq(*f, "SECCOMP_FILTER_FLAG_TSYNC")) {
			/* TSYNC is moot for a single-threaded process; others we refuse. */
			diag_error(r->diag, "flags", "unsupported flag \"%s\"", *f);
			return -EINVAL;
		}
	}
	return 0;
}

int seccomp_profile_parse(const char *json, size_t len, uint64_t cap_bounding,
                          const char *native_arch, const char *kernel_release,
                          SeccompProfileData *ret, Diag *diag) {
	_cleanup_json_ json_object *o = NULL;
	_cleanup_free_ char *def = NULL;
	SeccompProfileData p = {};
	JsonReader r = { diag, "" };
	Filter f = { cap_bounding, native_arch, kernel_release };
	uint64_t eno;
	size_t n_errors = diag->n_errors;

	int k = json_parse_bounded(json, len, SECCOMP_PROFILE_MAX_BYTES, NULL, &o, diag);
	if (k < 0)
		return k;
	if (!json_object_is_type(o, json_type_object)) {
		diag_error(diag, NULL, "expected a JSON object");
		return -EINVAL;
	}
	json_read_string(&r, o, "defaultAction", 32, &def);
	int a = action_from_string(def);
	if (a < 0) {
		diag_error(diag, "defaultAction", "unknown action \"%s\"", strempty(def));
		return -EINVAL;
	}
	p.default_action = a;
	if (json_read_uint64(&r, o, "defaultErrnoRet", 4095, &eno)) {
		p.have_default_errno = true;
		p.default_errno = (uint32_t)eno;
	}
	json_read_strv(&r, o, "architectures", SECCOMP_PROFILE_MAX_ARCHES, 32, &p.arches);
	parse_arch_map(&r, o, native_arch, &p);
	if (parse_flags(&r, o, &p) < 0)
		goto fail;
	if (tree_get(o, "listenerPath")) {
		diag_error(diag, "listenerPath", "seccomp notify is not supported");
		goto fail;
	}

	json_object *sys = tree_get(o, "syscalls");
	if (sys) {
		size_t n = json_object_is_type(sys, json_type_array) ? json_object_array_length(sys)
		                                                     : 0;
		if (!json_object_is_type(sys, json_type_array) || n > SECCOMP_PROFILE_MAX_RULES) {
			diag_error(diag, "syscalls", "expected an array of at most %d rules",
			           SECCOMP_PROFILE_MAX_RULES);
			goto fail;
		}
		p.rules = calloc(n ? n : 1, sizeof(ProfileRule));
		if (!p.rules) {
			seccomp_profile_done(&p);
			return -ENOMEM;
		}
		for (size_t i = 0; i < n; i++) {
			bool skip;
			if (parse_rule(&r, json_object_array_get_idx(sys, i), i, &f, &p, &skip) < 0)
				goto fail;
		}
	}
	if (diag->n_errors > n_errors)
		goto fail;
	*ret = p;
	return 0;
fail:
	seccomp_profile_done(&p);
	return -EINVAL;
}

/* ---- writing ---- */

static json_object *rule_to_json(const ProfileRule *r) {
	json_object *o = json_object_new_object(), *args;
	if (!o)
		return NULL;
	json_add_strv(o, "names", r->names);
	json_add_string(o, "action", action_names[r->action]);
	if (r->have_errno)
		json_add_uint64(o, "errnoRet", r->errno_ret);
	args = json_object_new_array();
	for (size_t i = 0; args && i < r->n_args; i++) {
		json_object *a = json_object_new_object();
		json_add_uint64(a, "index", r->args[i].index);
		json_add_uint64(a, "value", r->args[i].value);
		json_add_uint64(a, "valueTwo", r->args[i].value_two);
		json_add_string(a, "op", op_names[r->args[i].op]);
		json_object_array_add(args, a);
	}
	json_add(o, "args", args);
	return o;
}

int seccomp_profile_to_json(const SeccompProfileData *p, char **ret) {
	_cleanup_json_ json_object *o = json_object_new_object();
	json_object *rules;
	if (!o)
		return -ENOMEM;
	json_add_string(o, "defaultAction", action_names[p->default_action]);
	if (p->have_default_errno)
		json_add_uint64(o, "defaultErrnoRet", p->default_errno);
	json_add_strv(o, "architectures", p->arches);
	if (p->flags & SECCOMP_FILTER_FLAG_LOG || p->flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW) {
		json_object *f = json_object_new_array();
		if (p->flags & SECCOMP_FILTER_FLAG_LOG)
			json_object_array_add(f, json_object_new_string("SECCOMP_FILTER_FLAG_LOG"));
		if (p->flags & SECCOMP_FILTER_FLAG_SPEC_ALLOW)
			json_object_array_add(
			        f, json_object_new_string("SECCOMP_FILTER_FLAG_SPEC_ALLOW"));
		json_add(o, "flags", f);
	}
	rules = json_object_new_array();
	for (size_t i = 0; rules && i < p->n_rules; i++)
		json_object_array_add(rules, rule_to_json(&p->rules[i]));
	json_add(o, "syscalls", rules);
	return json_to_string_dup(o, ret);
}
