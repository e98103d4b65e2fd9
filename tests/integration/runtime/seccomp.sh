#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Seccomp: RuntimeDefault refuses unshare, mount, keyctl (whatever the capabilities), ptrace
# cannot reach a host process; Unconfined lets keyctl through; a Localhost profile applies;
# no_new_privs with a filter; the compiled filter is cached.
. "$(dirname "$0")/common.inc"

tries() { # the helper's "try" for each argument, one line each
	s=""
	for t in "$@"; do s="$s $TH try $t;"; done
	echo "[\"/bin/sh\",\"-c\",\"$s\"]"
}

C=$IT_TMP/default
rt_config "$C" "$(tries unshare mount keyctl "ptrace $$")"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
out=$(cat "$C/out")
it_assert_match "$out" "^unshare: EPERM" "unshare"
it_assert_match "$out" "^mount: EPERM" "mount"
it_assert_match "$out" "^keyctl: EPERM" "keyctl"
# The host's pid is not even visible from the container's pid namespace.
it_assert_match "$out" "^ptrace: (ESRCH|EPERM)" "ptrace of a host process"
rt_check_clean "$C"
[ -n "$(ls "$SECCOMP_CACHE" 2>/dev/null)" ] || it_fail "no compiled filter in the cache"

# keyctl is refused by the filter, not by capabilities: all of them do not help...
ALLCAPS='"capabilities":{"bounding":["CAP_SYS_ADMIN","CAP_SETPCAP"],"effective":["CAP_SYS_ADMIN","CAP_SETPCAP"],"permitted":["CAP_SYS_ADMIN","CAP_SETPCAP"]}'
C=$IT_TMP/admin
rt_config "$C" "$(tries keyctl unshare-ns)" ",\"process\":{\"args\":$(tries keyctl unshare-ns),$ALLCAPS}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_match "$(cat "$C/out")" "^keyctl: EPERM" "keyctl with CAP_SYS_ADMIN"
# ... while CAP_SYS_ADMIN in the bounding set adds unshare to the allow-list (containerd).
it_assert_match "$(cat "$C/out")" "^unshare-ns: ok" "unshare with CAP_SYS_ADMIN"
rt_check_clean "$C"
# ... and Unconfined lets it through.
C=$IT_TMP/unconfined
rt_config "$C" "$(tries keyctl)" ",\"seccomp\":{\"profile\":\"Unconfined\"}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_match "$(cat "$C/out")" "^keyctl: ok" "keyctl unconfined"
rt_check_clean "$C"

# A host process seen through hostPID: still no ptrace without CAP_SYS_PTRACE.
C=$IT_TMP/hostpid
rt_config "$C" "$(tries "ptrace $$")" ',"namespaces":{"pid":"host"}'
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_match "$(cat "$C/out")" "^ptrace: EPERM" "ptrace of a visible host process"
rt_check_clean "$C"

# Localhost: an OCI profile that refuses mkdir with EACCES; no_new_privs on.
cat >"$IT_TMP/profile.json" <<'JSON'
{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
 "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}
JSON
C=$IT_TMP/localhost
rt_config "$C" '["/bin/sh","-c","mkdir /tmp/d || echo refused; '"$TH"' caps"]' \
	",\"process\":{\"args\":[\"/bin/sh\",\"-c\",\"mkdir /tmp/d || echo refused; $TH caps\"],\"noNewPrivileges\":true},\"seccomp\":{\"profile\":\"Localhost\",\"path\":\"$IT_TMP/profile.json\",\"cacheDir\":\"$SECCOMP_CACHE\"}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_match "$(cat "$C/out")" "^refused$" "Localhost profile"
it_assert_match "$(cat "$C/err")" "Permission denied" "errnoRet 13"
it_assert_match "$(cat "$C/out")" "^NoNewPrivs:	1$" "no_new_privs"
it_assert_match "$(cat "$C/out")" "^Seccomp:	2$" "filter"
rt_check_clean "$C"

# A broken Localhost profile is a StartError that names the problem.
echo '{"defaultAction":"SCMP_ACT_WHAT"}' >"$IT_TMP/bad.json"
C=$IT_TMP/badprofile
rt_config "$C" '["/bin/true"]' ",\"seccomp\":{\"profile\":\"Localhost\",\"path\":\"$IT_TMP/bad.json\"}"
rt_run "$C"
it_assert_eq "$(rt_exit "$C" reason)" "StartError" "reason"
it_assert_match "$(rt_exit "$C" message)" "defaultAction: unknown action" "message"
rt_check_clean "$C"
