#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Where processes end up, from the host's side. The container moves itself into its cgroup (v1:
# "0" to `tasks`; cgroup2: born there): it is listed in every directory its cgroup has, systemd's
# name=systemd hierarchy included where mounted. A monitor given cgroup.monitorPath moves itself
# there once the container runs (out of its starter's cgroup, e.g. the agent's systemd unit); a
# monitor cgroup that is missing is recorded in state.json and the container runs anyway.
. "$(dirname "$0")/common.inc"
rt_have_cgroups || it_skip "no cgroup hierarchy"
it_cgroup_root

# in_every_dir PID CGROUP: PID is in CGROUP's cgroup.procs in each hierarchy CGROUP exists in.
in_every_dir() {
	dirs=$(it_cgroup_dirs "$2")
	[ -n "$dirs" ] || it_fail "cgroup $2 exists nowhere"
	for d in $dirs; do
		grep -qx "$1" "$d/cgroup.procs" || return 1
	done
}

# The hierarchies cgroups/ makes every cgroup in (cgroups.h): pure v2's one tree, or the v1
# cpu, memory and pids hierarchies plus systemd's and the unified one where mounted.
if grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts; then
	HIER=/sys/fs/cgroup
else
	HIER=""
	for h in cpu memory pids systemd unified; do
		[ -e "/sys/fs/cgroup/$h/cgroup.procs" ] && HIER="$HIER /sys/fs/cgroup/$h"
	done
fi
MON_CG=$IT_CGROUP_ROOT/monitors
for h in $HIER; do
	mkdir -p "$h/$MON_CG" || it_fail "mkdir $h/$MON_CG"
done

C=$IT_TMP/joined
rt_config "$C" "[\"$TH\",\"sleep\",\"60\"]" \
	",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/joined\",\"pidsMax\":50,\"monitorPath\":\"$MON_CG\"}"
rt_start "$C"
in_every_dir "$RT_PID" "$IT_CGROUP_ROOT/joined" ||
	it_fail "container not in all of: $(it_cgroup_dirs "$IT_CGROUP_ROOT/joined"); it is in: $(cat /proc/"$RT_PID"/cgroup)"
if [ -e /sys/fs/cgroup/systemd/cgroup.procs ]; then
	grep -q "name=systemd:/$IT_CGROUP_ROOT/joined\$" /proc/"$RT_PID"/cgroup ||
		it_fail "container not in its cgroup in name=systemd: $(cat /proc/"$RT_PID"/cgroup)"
fi
grep -q "^0::/$IT_CGROUP_ROOT/joined\$" /proc/"$RT_PID"/cgroup ||
	it_fail "container not in its cgroup2 directory: $(cat /proc/"$RT_PID"/cgroup)"

mpid=$(rt_state "$C" monitorPid)
it_wait_for 10 in_every_dir "$mpid" "$MON_CG" ||
	it_fail "monitor not in all of: $(it_cgroup_dirs "$MON_CG"); it is in: $(cat /proc/"$mpid"/cgroup)"
[ -z "$(rt_state "$C" monitorCgroupError)" ] || it_fail "monitorCgroupError: $(rt_state "$C" monitorCgroupError)"
# The container's end still reaches the monitor there, and everything goes.
kill -9 "$RT_PID"
it_wait_for 10 test -s "$C/exit.json" || it_fail "no exit record"
it_assert_eq "$(rt_exit "$C" signal)" 9 "signal"
rt_check_clean "$C"

# A monitor cgroup that is not there: recorded, not fatal.
C=$IT_TMP/nomon
rt_config "$C" "[\"$TH\",\"sleep\",\"60\"]" \
	",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/nomon\",\"monitorPath\":\"$IT_CGROUP_ROOT/missing\"}"
rt_start "$C"
it_wait_for 10 sh -c "grep -q monitorCgroupError '$C/state.json'" || it_fail "no monitorCgroupError"
it_assert_match "$(rt_state "$C" monitorCgroupError)" "missing.*No such file or directory" "error"
it_pid_alive "$RT_PID" || it_fail "the container did not survive"
it_assert_eq "$(rt_state "$C" pid)" "$RT_PID" "state.json still names the container"
kill -9 "$RT_PID"
it_wait_for 10 test -s "$C/exit.json" || it_fail "no exit record"
rt_check_clean "$C"

# The monitor's cgroup cannot be the container's (its end kills and removes it).
C=$IT_TMP/same
rt_config "$C" '["true"]' \
	",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/same\",\"monitorPath\":\"$IT_CGROUP_ROOT/same\"}"
rt_run "$C" && it_fail "a monitor cgroup equal to the container's was accepted"
it_assert_match "$(rt_exit "$C" message)" "monitorPath: must be apart from the container's cgroup" "message"
exit 0
