#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Termination (KUBELET-BEHAVIOUR.md §3.6): preStop sleep and exec run before SIGTERM and delay
# it, within the grace period; a preStop longer than the grace period is cut at its end; a
# process that ignores SIGTERM is SIGKILLed at the end of the grace period; containers of a pod
# stop in parallel, each preStop run once; activeDeadlineSeconds fails the pod
# (DeadlineExceeded) and kills its containers.
. "$(dirname "$0")/lib-agent.sh"

SHARED=$IT_TMP/shared
ag_note_script "$SHARED"
put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
uptime_now() {
	cut -d' ' -f1 /proc/uptime
}
# at FILE WHAT: the uptime noted for WHAT in /shared/FILE
at() {
	awk -v w="$2" '$1 == w { print $2; exit }' "$SHARED/$1"
}
# within X LO HI WHAT
within() {
	ag_num_between "$1" "$2" "$3" || it_fail "$4: ${1}s, want between $2 and $3 s"
}
events() {
	curl -s --unix-socket "$SOCK" "http://localhost/pods/default/$1/events" |
		jq -r '.items[] | "\(.type)|\(.reason)|\(.message)|\(.count)"'
}
it_require_cmd curl
vol() {
	cat <<EOF
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    hostPath: {path: $SHARED, type: Directory}
EOF
}

ag_start

cat <<EOF | put sleep.yaml
apiVersion: v1
kind: Pod
metadata: {name: sleep}
spec:
  terminationGracePeriodSeconds: 10
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "sh /shared/note sleep term; exit 0" TERM; while :; do sleep 0.1; done']
    lifecycle:
      preStop:
        sleep: {seconds: 2}
$(vol)
EOF
cat <<EOF | put exec.yaml
apiVersion: v1
kind: Pod
metadata: {name: exec}
spec:
  terminationGracePeriodSeconds: 10
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "sh /shared/note exec term; exit 0" TERM; while :; do sleep 0.1; done']
    lifecycle:
      preStop:
        exec: {command: [sh, -c, 'sh /shared/note exec prestop; sleep 1; sh /shared/note exec prestop-end']}
$(vol)
EOF
cat <<EOF | put long.yaml
apiVersion: v1
kind: Pod
metadata: {name: long}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "sh /shared/note long term; exit 0" TERM; while :; do sleep 0.1; done']
    lifecycle:
      preStop:
        exec: {command: [sleep, "20"]}
$(vol)
EOF
cat <<EOF | put stubborn.yaml
apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "sh /shared/note stubborn term" TERM; while :; do sleep 0.1; done']
$(vol)
EOF
cat <<EOF | put two.yaml
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  terminationGracePeriodSeconds: 10
  containers:
  - name: quick
    image: busybox
    command: [sh, -c, 'trap "sh /shared/note two quick-term; exit 0" TERM; while :; do sleep 0.1; done']
    lifecycle:
      preStop:
        exec: {command: [sh, -c, 'sh /shared/note two quick-prestop; sleep 1']}
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: slow
    image: busybox
    command: [sh, -c, 'trap "sh /shared/note two slow-term; exit 0" TERM; while :; do sleep 0.1; done']
    lifecycle:
      preStop:
        exec: {command: [sh, -c, 'sh /shared/note two slow-prestop; sleep 3']}
$(vol)
EOF
cat <<EOF | put deadline.yaml
apiVersion: v1
kind: Pod
metadata: {name: deadline}
spec:
  activeDeadlineSeconds: 3
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "sh /shared/note deadline term" TERM; while :; do sleep 0.1; done']
$(vol)
EOF
for p in sleep exec long stubborn two; do
	ag_wait_jq "$(ag_static $p)" '.status.phase == "Running" and ([.status.containerStatuses[].ready] | all)' 20
done

it_log "removing the files of five pods at once"
t0=$(uptime_now)
rm -f "$MAN/sleep.yaml" "$MAN/exec.yaml" "$MAN/long.yaml" "$MAN/stubborn.yaml" "$MAN/two.yaml"
# while they stop: Terminating, with the deletion timestamp and grace period
STUB=$(ag_static stubborn)
ag_wait_col "$STUB" 3 Terminating 2
j=$(ag_json "$STUB")
it_assert_match "$(echo "$j" | jq -r .metadata.deletionTimestamp)" '^[0-9-]{10}T[0-9:]{8}Z$' "deletionTimestamp"
it_assert_eq "$(echo "$j" | jq -r .metadata.deletionGracePeriodSeconds)" 3 "deletionGracePeriodSeconds"
it_assert_eq "$(curl -s --unix-socket "$SOCK" "http://localhost/pods/default/$STUB/events" |
	jq -r '.items[] | select(.reason == "Killing") | "\(.type) \(.message)"')" "Normal Stopping container main" "Killing event"
for p in sleep exec long stubborn two; do ag_wait_gone "$(ag_static $p)" 20; done
gone=$(awk -v a="$t0" -v b="$(uptime_now)" 'BEGIN { print b - a }')
it_log "all gone after ${gone}s; notes: $(cat "$SHARED"/sleep "$SHARED"/exec "$SHARED"/long "$SHARED"/stubborn "$SHARED"/two 2>/dev/null | tr '\n' ' ')"

it_log "preStop sleep 2 s delays SIGTERM by 2 s"
within "$(awk -v a="$t0" -v b="$(at sleep term)" 'BEGIN { print b - a }')" 1.8 3.5 "SIGTERM after preStop sleep"

it_log "preStop exec runs in the container before SIGTERM"
[ -n "$(at exec prestop)" ] || it_fail "the preStop exec hook did not run"
within "$(awk -v a="$t0" -v b="$(at exec prestop)" 'BEGIN { print b - a }')" 0 1.5 "preStop start"
[ -n "$(at exec prestop-end)" ] || it_fail "the preStop exec hook was cut short"
within "$(awk -v a="$(at exec prestop-end)" -v b="$(at exec term)" 'BEGIN { print b - a }')" 0 1 "SIGTERM right after preStop"

it_log "a preStop longer than the grace period is cut at its end"
# grace 3 s: the hook is abandoned after 3 s, then SIGTERM
within "$(awk -v a="$t0" -v b="$(at long term)" 'BEGIN { print b - a }')" 2.5 4.5 "SIGTERM after a 20 s preStop with grace 3 s"

it_log "SIGTERM ignored: SIGKILL at the end of the grace period"
within "$(awk -v a="$t0" -v b="$(at stubborn term)" 'BEGIN { print b - a }')" 0 1 "SIGTERM at once without preStop"
grep -q "stubborn-it-node.*exited.*137" "$AG_LOG" || it_fail "no exit 137 of the stubborn container in the log"
stub_exit=$(grep "stubborn-it-node/main: container .* exited" "$AG_LOG" | cut -d' ' -f1)
stub_del=$(grep "stubborn-it-node: terminating" "$AG_LOG" | cut -d' ' -f1)
within "$(awk -v a="$(ag_ts2s "$stub_del")" -v b="$(ag_ts2s "$stub_exit")" 'BEGIN { print b - a }')" 2.8 4 "SIGKILL after grace 3 s"

it_log "two containers stop in parallel, each preStop once"
it_assert_eq "$(grep -c quick-prestop "$SHARED/two")" 1 "quick preStop runs"
it_assert_eq "$(grep -c slow-prestop "$SHARED/two")" 1 "slow preStop runs"
within "$(awk -v a="$t0" -v b="$(at two quick-term)" 'BEGIN { print b - a }')" 0.8 2.5 "quick: SIGTERM after its 1 s preStop"
within "$(awk -v a="$t0" -v b="$(at two slow-term)" 'BEGIN { print b - a }')" 2.8 4.5 "slow: SIGTERM after its 3 s preStop"

it_log "activeDeadlineSeconds"
DL=$(ag_static deadline)
ag_wait_jq "$DL" '.status.phase == "Failed"' 20
# Failed at once; the container gets SIGTERM, ignores it, and is killed 2 s later
ag_wait_jq "$DL" '.status.containerStatuses[0].state.terminated' 10
j=$(ag_json "$DL")
it_assert_eq "$(echo "$j" | jq -r .status.reason)" DeadlineExceeded "reason"
it_assert_eq "$(echo "$j" | jq -r .status.message)" "Pod was active on the node longer than the specified deadline" "message"
start=$(ag_ts2s "$(echo "$j" | jq -r .status.startTime)")
fin=$(ag_ts2s "$(echo "$j" | jq -r .status.containerStatuses[0].state.terminated.finishedAt)")
# SIGTERM at 3 s (ignored), SIGKILL 2 s later
within "$(awk -v a="$start" -v b="$fin" 'BEGIN { print b - a }')" 3.5 7 "the deadline pod's end"
it_assert_eq "$(echo "$j" | jq -r '.status.containerStatuses[0].state.terminated.exitCode')" 137 "killed"
it_assert_eq "$(echo "$j" | jq -r '.status.containerStatuses[0].restartCount')" 0 "not restarted"
events "$DL" | grep -q '^Warning|DeadlineExceeded|Pod was active on the node longer than the specified deadline|' ||
	it_fail "no DeadlineExceeded event: $(events "$DL")"
# the pod stays Failed (its file is still there) and nothing restarts
sleep 2
it_assert_eq "$(ag_jq "$DL" '.status.phase')" Failed "still Failed"
it_assert_eq "$(ag_jq "$DL" '.status.containerStatuses[0].restartCount')" 0 "still not restarted"
rm -f "$MAN/deadline.yaml"
ag_wait_gone "$DL" 15
ag_assert_clean
exit 0
