#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# exec joins a running container: its hostname, user, pid namespace, cgroup, capabilities,
# seccomp filter, cwd and environment; exit codes pass through; a timeout kills the command.
. "$(dirname "$0")/common.inc"

CG=""
if rt_have_cgroups; then
	it_cgroup_root
	CG=",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/exec\"}"
fi
C=$IT_TMP/exec
rt_config "$C" "[\"$TH\",\"sleep\",\"60\"]" \
	",\"hostname\":\"exec-box\",\"process\":{\"args\":[\"$TH\",\"sleep\",\"60\"],\"env\":[\"PATH=/bin\",\"WHO=container\"],\"cwd\":\"/tmp\",\"user\":{\"uid\":65534,\"gid\":65534}}$CG"
rt_start "$C"

out=$("$MON" exec "$C" -- /bin/sh -c "$TH hostname; $TH id; $TH pid; $TH caps; pwd; echo WHO=\$WHO X=\$X; ps -o pid,comm" 2>&1) ||
	it_fail "exec: $out"
it_assert_match "$out" "^hostname: exec-box$" "uts namespace"
it_assert_match "$out" "^uid: 65534$" "user"
it_assert_match "$out" "^Seccomp:	2$" "seccomp filter"
it_assert_match "$out" "^CapBnd:	00000000a80425fb$" "bounding set"
it_assert_match "$out" "^/tmp$" "cwd"
it_assert_match "$out" "^WHO=container X=$" "environment"
# The pid namespace: the container's init is 1 and visible.
it_assert_match "$out" "^ +1 skiff-testhelpe" "the container's init as pid 1"
if [ -n "$CG" ]; then
	it_assert_match "$("$MON" exec "$C" -- cat /proc/self/cgroup)" "^0::/$" "cgroup namespace"
	for d in $(it_cgroup_dirs "$IT_CGROUP_ROOT/exec"); do
		[ -f "$d/cgroup.procs" ] && break
	done
fi

# Extra environment, exit codes, a missing command.
it_assert_eq "$("$MON" exec "$C" --env X=1 --env WHO=exec -- /bin/sh -c 'echo $WHO$X')" "exec1" "--env"
"$MON" exec "$C" -- /bin/sh -c 'exit 42'
it_assert_eq "$?" 42 "exit code"
"$MON" exec "$C" -- /nope 2>"$IT_TMP/err"
it_assert_eq "$?" 127 "missing command"
it_assert_file_match "$IT_TMP/err" 'exec: "/nope": No such file or directory'

# Timeout (exec probes): the command is killed, status 124.
start=$(date +%s)
"$MON" exec "$C" --timeout 300 -- "$TH" sleep 30 2>/dev/null
it_assert_eq "$?" 124 "timeout status"
[ $(($(date +%s) - start)) -lt 10 ] || it_fail "the timeout did not cut the command short"
# The timed-out command is gone from the container.
it_assert_no_match "$("$MON" exec "$C" -- ps -o comm)" "sleep" "killed on timeout"

# A stopped container cannot be joined.
kill -9 "$RT_PID"
it_wait_for 10 test -s "$C/exit.json" || it_fail "no exit record"
"$MON" exec "$C" -- /bin/true 2>"$IT_TMP/err2"
it_assert_eq "$?" 125 "exec into a stopped container"
it_assert_file_match "$IT_TMP/err2" "not running"
rt_check_clean "$C"
