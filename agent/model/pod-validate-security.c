/* SPDX-License-Identifier: Apache-2.0 */
/* Security contexts: ValidateSecurityContext, validateSeccompProfileField, capabilities. */
#include <strings.h>

#include "pod-internal.h"

void validate_seccomp_profile(Diag *d, const SeccompProfile *s, const char *path) {
	_cleanup_free_ char *type = pathf(path, "type"), *lp = pathf(path, "localhostProfile");

	if (!s)
		return;
	if (s->type == SECCOMP_PROFILE_UNSET)
		field_required(d, type, "type is required when seccompProfile is set");
	if (s->type == SECCOMP_PROFILE_LOCALHOST) {
		if (!s->localhost_profile)
			field_required(d, lp, "must be set when seccomp type is Localhost");
		else
			validate_local_descending_path(d, s->localhost_profile, lp);
	} else if (s->localhost_profile)
		field_invalid_novalue(d, lp, "can only be set when seccomp type is Localhost");
}

/* include/uapi/linux/capability.h, without the CAP_ prefix. */
static const char *const capability_names[] = {
	"CHOWN",
	"DAC_OVERRIDE",
	"DAC_READ_SEARCH",
	"FOWNER",
	"FSETID",
	"KILL",
	"SETGID",
	"SETUID",
	"SETPCAP",
	"LINUX_IMMUTABLE",
	"NET_BIND_SERVICE",
	"NET_BROADCAST",
	"NET_ADMIN",
	"NET_RAW",
	"IPC_LOCK",
	"IPC_OWNER",
	"SYS_MODULE",
	"SYS_RAWIO",
	"SYS_CHROOT",
	"SYS_PTRACE",
	"SYS_PACCT",
	"SYS_ADMIN",
	"SYS_BOOT",
	"SYS_NICE",
	"SYS_RESOURCE",
	"SYS_TIME",
	"SYS_TTY_CONFIG",
	"MKNOD",
	"LEASE",
	"AUDIT_WRITE",
	"AUDIT_CONTROL",
	"SETFCAP",
	"MAC_OVERRIDE",
	"MAC_ADMIN",
	"SYSLOG",
	"WAKE_ALARM",
	"BLOCK_SUSPEND",
	"AUDIT_READ",
	"PERFMON",
	"BPF",
	"CHECKPOINT_RESTORE",
};

/* Like containerd, "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" all name one capability. */
static bool capability_known(const char *name) {
	const char *n = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;

	if (strcasecmp(n, "ALL") == 0)
		return true;
	for (size_t i = 0; i < ELEMENTSOF(capability_names); i++)
		if (strcasecmp(n, capability_names[i]) == 0)
			return true;
	return false;
}

static void validate_capabilities(Diag *d, const Capabilities *c, const char *path) {
	_cleanup_free_ char *add = pathf(path, "add"), *drop = pathf(path, "drop");

	/* skiff: the API accepts any string; the runtime could only fail later. */
	for (size_t i = 0; i < c->n_add; i++)
		if (!capability_known(c->add[i])) {
			_cleanup_free_ char *p = pathf(add, "[%zu]", i);
			field_invalid_str(d, p, c->add[i], "not a Linux capability");
		}
	for (size_t i = 0; i < c->n_drop; i++)
		if (!capability_known(c->drop[i])) {
			_cleanup_free_ char *p = pathf(drop, "[%zu]", i);
			field_invalid_str(d, p, c->drop[i], "not a Linux capability");
		}
}

void validate_security_context(Validator *v, const SecurityContext *sc, const char *path) {
	_cleanup_free_ char *user = pathf(path, "runAsUser"), *group = pathf(path, "runAsGroup"),
	                    *pm = pathf(path, "procMount"),
	                    *seccomp = pathf(path, "seccompProfile"),
	                    *caps = pathf(path, "capabilities");

	if (!sc)
		return;
	if (sc->run_as_user.set)
		validate_id(v->diag, sc->run_as_user.value, user);
	if (sc->run_as_group.set)
		validate_id(v->diag, sc->run_as_group.value, group);
	/* Unmasked needs a user namespace (hostUsers: false), which skiff does not create. */
	if (sc->proc_mount == PROC_MOUNT_UNMASKED)
		field_invalid_str(v->diag, pm, "Unmasked",
		                  "`hostUsers` must be false to use `Unmasked`");
	validate_seccomp_profile(v->diag, sc->seccomp_profile, seccomp);
	if (sc->allow_privilege_escalation.set && !sc->allow_privilege_escalation.value) {
		if (sc->privileged.set && sc->privileged.value)
			field_invalid_novalue(v->diag, path,
			                      "cannot set `allowPrivilegeEscalation` to false and "
			                      "`privileged` to true");
		for (size_t i = 0; sc->capabilities && i < sc->capabilities->n_add; i++)
			if (streq(sc->capabilities->add[i], "CAP_SYS_ADMIN"))
				field_invalid_novalue(
				        v->diag, path,
				        "cannot set `allowPrivilegeEscalation` to false and "
				        "`capabilities.Add` CAP_SYS_ADMIN");
	}
	if (sc->capabilities)
		validate_capabilities(v->diag, sc->capabilities, caps);
}
