#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cgroup limits: exceeding memory ends in OOMKilled, pids.max stops a fork bomb; the cgroup is
# made under the test's own root and removed when the container ends.
. "$(dirname "$0")/common.inc"
rt_have_cgroups || it_skip "no cgroup hierarchy"
it_cgroup_root

C=$IT_TMP/oom
rt_config "$C" "[\"$TH\",\"memhog\",\"200\"]" ",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/oom\",\"memoryMax\":33554432}"
rt_run "$C"
it_assert_eq "$(rt_exit "$C" reason)" "OOMKilled" "reason"
it_assert_eq "$(rt_exit "$C" oomKilled)" "true" "oomKilled"
it_assert_eq "$(rt_exit "$C" exitCode)" 137 "exit code"
rt_check_clean "$C"
it_cgroup_exists "$IT_CGROUP_ROOT/oom" && it_fail "the container cgroup is left"

C=$IT_TMP/pids
rt_config "$C" "[\"$TH\",\"forkbomb\",\"500\"]" ",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/pids\",\"pidsMax\":20}"
rt_run "$C"
out=$(cat "$C/out")
it_assert_match "$out" "^fork error: EAGAIN$" "fork refused"
n=$(echo "$out" | sed -n 's/^forked: //p')
[ "$n" -le 19 ] || it_fail "forked $n with pids.max 20"
rt_check_clean "$C"

# Limits are written where the container can see them (its cgroup namespace root).
C=$IT_TMP/see
if grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts; then f=/sys/fs/cgroup/memory.max; else f=/sys/fs/cgroup/memory/memory.limit_in_bytes; fi
rt_config "$C" "[\"cat\",\"$f\"]" ",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/see\",\"memoryMax\":67108864}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_eq "$(cat "$C/out")" 67108864 "memory limit seen inside"
rt_check_clean "$C"
