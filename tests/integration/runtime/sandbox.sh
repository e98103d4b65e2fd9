#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Pod sandboxes: network, IPC, UTS (and PID for shareProcessNamespace) namespaces held by bind
# mounts, no pause process; lo up; the pod's hostname and /dev/shm; containers join them and
# see each other; destroy leaves nothing.
. "$(dirname "$0")/common.inc"

S=$IT_TMP/pod
mkdir -p "$S"
echo '{"hostname":"pod-host","sharePid":true,"shmSize":8388608}' >"$S/sandbox.json"
"$MON" sandbox-create "$S" --notify-fd 3 3>"$S/notify" || it_fail "sandbox-create: $(cat "$S/notify")"
it_assert_eq "$(cat "$S/notify")" "ok" "report"
it_on_exit "'$MON' sandbox-destroy '$S'"
for ns in net ipc uts pid; do
	it_mounts_under "$S/ns/$ns" | grep -q . || it_fail "ns/$ns is not held"
done
init=$(it_json_get "$S/sandbox-state.json" initPid)
it_pid_alive "$init" || it_fail "no pod init"
it_assert_eq "$(cat /proc/"$init"/cmdline | tr '\0' ' ')" "$MON pod-init " "the pod init"

JOIN="\"namespaces\":{\"network\":\"$S/ns/net\",\"ipc\":\"$S/ns/ipc\",\"uts\":\"$S/ns/uts\",\"pid\":\"$S/ns/pid\"},\"mounts\":[{\"destination\":\"/dev/shm\",\"source\":\"$S/shm\"}]"
# Container A: serves HTTP on the pod's loopback, writes into the pod's shm.
A=$IT_TMP/a
rt_config "$A" "[\"/bin/sh\",\"-c\",\"echo from-a >/dev/shm/x; exec $TH http 8080\"]" ",$JOIN"
rt_start "$A"
# Container B: same pod: sees A's process, its shm file, its port, the pod's hostname.
B=$IT_TMP/b
rt_config "$B" "[\"/bin/sh\",\"-c\",\"$TH hostname; cat /dev/shm/x; ps -o comm | grep -c skiff-testhelpe; wget -q -O - http://127.0.0.1:8080/; echo; cat /sys/class/net/lo/operstate; ls /sys/class/net\"]" ",$JOIN"
it_wait_for 10 sh -c "grep -q from-a '$S/shm/x' 2>/dev/null" || it_fail "A did not write the pod's shm"
sleep 0.2
rt_run "$B" || it_fail "run B: $(cat "$B/err")"
out=$(cat "$B/out")
it_assert_match "$out" "^hostname: pod-host$" "pod hostname"
it_assert_match "$out" "^from-a$" "pod shm"
it_assert_match "$out" "^1$" "A's process seen from B (shared pid namespace)"
it_assert_match "$out" "^ok$" "A's port on the pod's loopback"
it_assert_match "$out" "^(unknown|up)$" "lo is up"
it_assert_no_match "$(echo "$out" | sed -n '/^lo$/,$p' | grep -v '^lo$')" "." "only lo in the pod"
rt_check_clean "$B"
kill -9 "$RT_PID"
it_wait_for 10 test -s "$A/exit.json" || it_fail "A did not end"
rt_check_clean "$A"

"$MON" sandbox-destroy "$S" || it_fail "sandbox-destroy"
[ ! -e "$S" ] || it_fail "sandbox dir left"
it_assert_no_mounts "$S"
it_wait_for 5 sh -c "! kill -0 $init 2>/dev/null" || it_fail "pod init left"
"$MON" sandbox-destroy "$S" || it_fail "sandbox-destroy is not idempotent"

# hostNetwork pod: no network namespace of its own, no pid sharing.
S2=$IT_TMP/hostnet
mkdir -p "$S2"
echo '{"newNetwork":false,"newUts":false}' >"$S2/sandbox.json"
"$MON" sandbox-create "$S2" || it_fail "sandbox-create hostnet"
[ ! -e "$S2/ns/net" ] || it_fail "a netns for a hostNetwork pod"
[ -e "$S2/ns/ipc" ] || it_fail "no ipc namespace"
"$MON" sandbox-destroy "$S2" || it_fail "destroy hostnet"
it_assert_no_mounts "$S2"
