#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A container reports its hostname, ids, capabilities, mounts, cgroup and environment; exit
# codes and reasons are recorded; nothing is left behind.
. "$(dirname "$0")/common.inc"

C=$IT_TMP/basic
rt_config "$C" "[\"/bin/sh\",\"-c\",\"$TH hostname; $TH id; $TH caps; $TH pid; $TH cgroup; pwd; echo A=\$A; $TH mounts\"]" \
	',"hostname":"box-1","process":{"args":["/bin/sh","-c","'"$TH"' hostname; '"$TH"' id; '"$TH"' caps; '"$TH"' pid; '"$TH"' cgroup; pwd; echo A=$A; '"$TH"' mounts"],"env":["A=hello","PATH=/bin"],"cwd":"/work/dir","user":{"uid":0,"gid":0,"additionalGids":[10,20]}}'
rt_run "$C" || it_fail "run failed ($?): $(cat "$C/err")"
out=$(cat "$C/out")
it_assert_match "$out" "^hostname: box-1$" "hostname"
it_assert_match "$out" "^uid: 0$" "uid"
it_assert_match "$out" "^groups: 10 20$" "additional gids"
it_assert_match "$out" "^ppid: 1$" "pid namespace (the shell is its init)"
it_assert_match "$out" "^/work/dir$" "cwd created and entered"
it_assert_match "$out" "^A=hello$" "environment"
# containerd's 14 capabilities: 0x00000000a80425fb; nothing inheritable or ambient.
it_assert_match "$out" "^CapBnd:	00000000a80425fb$" "bounding set"
it_assert_match "$out" "^CapEff:	00000000a80425fb$" "effective set"
it_assert_match "$out" "^CapInh:	0000000000000000$" "inheritable set"
it_assert_match "$out" "^Seccomp:	2$" "seccomp filter"
it_assert_match "$out" "^NoNewPrivs:	0$" "no_new_privs off by default"
# Mounts: overlay root, proc, read-only sysfs, devpts, mqueue, masked and read-only paths.
it_assert_match "$out" " / / rw,relatime.* - overlay " "overlay root"
it_assert_match "$out" " /proc rw,nosuid,nodev,noexec,relatime.* - proc " "proc"
it_assert_match "$out" " /sys ro,nosuid,nodev,noexec,relatime.* - sysfs " "sysfs read-only"
it_assert_match "$out" " /dev/pts .* - devpts .*ptmxmode=666" "devpts newinstance"
it_assert_match "$out" " /dev/mqueue .* - mqueue " "mqueue"
it_assert_match "$out" " /proc/sys ro," "/proc/sys read-only"
# (Only what this kernel has: missing entries are skipped, as runc does.)
[ ! -e /proc/sysrq-trigger ] || it_assert_match "$out" " /proc/sysrq-trigger ro," "sysrq-trigger read-only"
[ ! -e /proc/keys ] || it_assert_match "$out" " /proc/keys " "/proc/keys masked"
[ ! -e /proc/kcore ] || it_assert_match "$out" " /proc/kcore " "/proc/kcore masked"
it_assert_match "$out" " /sys/firmware ro,.* - tmpfs " "/sys/firmware masked"
it_assert_match "$out" " /sys/fs/cgroup" "cgroup file system"
# Its cgroup namespace: the container sees its own cgroup as the root.
it_assert_no_match "$(grep -v '^0::/$' "$C/out" | grep -E '^[0-9]+:[^:]*:/.+' || true)" "." \
	"cgroup paths should be / inside the cgroup namespace"
it_assert_eq "$(rt_exit "$C" reason)" "Completed" "reason"
it_assert_eq "$(rt_exit "$C" exitCode)" "0" "exit code"
it_assert_match "$(rt_exit "$C" startedAt)" "^20[0-9-]+T[0-9:.]+Z$" "startedAt"
rt_check_clean "$C"

# Exit codes: Error with the code; killed by a signal: 128 + n and the signal.
C2=$IT_TMP/exit3
rt_config "$C2" "[\"$TH\",\"exit\",\"3\"]"
rt_run "$C2"
it_assert_eq "$?" 3 "monitor exit status"
it_assert_eq "$(rt_exit "$C2" reason)" "Error" "reason"
it_assert_eq "$(rt_exit "$C2" exitCode)" "3" "exit code"
# (The container's init ignores its own SIGKILL, as pid 1: the host sends it.)
C3=$IT_TMP/killed
rt_config "$C3" "[\"$TH\",\"sleep\",\"60\"]"
rt_start "$C3"
kill -9 "$RT_PID"
it_wait_for 10 test -s "$C3/exit.json" || it_fail "no exit record after SIGKILL"
it_assert_eq "$(rt_exit "$C3" signal)" "9" "signal"
it_assert_eq "$(rt_exit "$C3" exitCode)" "137" "exit code"
rt_check_clean "$C2"
rt_check_clean "$C3"

# A container in the host's uts and network namespaces (hostNetwork) sees the host's.
C4=$IT_TMP/hostns
rt_config "$C4" "[\"$TH\",\"hostname\"]" ',"namespaces":{"uts":"host","network":"host"}'
rt_run "$C4" || it_fail "hostns run: $(cat "$C4/err")"
it_assert_match "$(cat "$C4/out")" "^hostname: $(hostname)$" "host uts namespace"
rt_check_clean "$C4"

# oom_score_adj (raising needs no privilege; lowering needs CAP_SYS_RESOURCE) and rlimits.
C5=$IT_TMP/limits
rt_config "$C5" '["/bin/sh","-c","cat /proc/self/oom_score_adj; ulimit -n; ulimit -Hn"]' \
	',"process":{"args":["/bin/sh","-c","cat /proc/self/oom_score_adj; ulimit -n; ulimit -Hn"],"oomScoreAdj":750,"rlimits":[{"type":"RLIMIT_NOFILE","soft":512,"hard":1024}]}'
rt_run "$C5" || it_fail "run: $(cat "$C5/err")"
it_assert_eq "$(sed -n 1p "$C5/out")" 750 "oom_score_adj"
it_assert_eq "$(sed -n 2p "$C5/out")" 512 "RLIMIT_NOFILE soft"
it_assert_eq "$(sed -n 3p "$C5/out")" 1024 "RLIMIT_NOFILE hard"
rt_check_clean "$C5"
