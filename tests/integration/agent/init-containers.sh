#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Init containers and sidecars (KUBELET-BEHAVIOUR.md §3.2-3.4): init containers run one at a
# time (STATUS Init:0/2, Init:1/2, then the app; app containers wait as PodInitializing), a
# failing init container with restartPolicy Never fails the pod (Init:Error) and with Always is
# retried (Init:CrashLoopBackOff); a sidecar (restartPolicy: Always init container) starts
# before the next init container, runs beside the app, does not block completion and is
# stopped after the app; the conditions and their lastTransitionTime follow the transitions.
. "$(dirname "$0")/lib-agent.sh"

SHARED=$IT_TMP/shared
ag_note_script "$SHARED"
put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
# A command appending "<what> <time>" to /shared/FILE.
note() {
	echo "sh /shared/note $1 $2"
}

ag_start

it_log "two init containers, one at a time"
cat <<EOF | put seq.yaml
apiVersion: v1
kind: Pod
metadata: {name: seq}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - name: i1
    image: busybox
    command: [sh, -c, '$(note seq "i1-start"); sleep 2; $(note seq "i1-end")']
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: i2
    image: busybox
    command: [sh, -c, '$(note seq "i2-start"); sleep 2; $(note seq "i2-end")']
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: app
    image: busybox
    command: [sh, -c, '$(note seq "app-start"); exec sleep 3600']
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    hostPath: {path: $SHARED, type: Directory}
EOF
SEQ=$(ag_static seq)
# STATUS as fast as we can read it, until Running
: >"$IT_TMP/seq-status"
ag_wait 10 "$SEQ to appear" ag_json "$SEQ"
j=$(ag_json "$SEQ")
for i in $(seq 1 400); do
	st=$(ag_col "$SEQ" 3)
	echo "$st" >>"$IT_TMP/seq-status"
	if [ "$st" = "Init:1/2" ] && [ -z "${during_init:-}" ]; then
		during_init=$(ag_json "$SEQ")
	fi
	[ "$st" = Running ] && break
	sleep 0.02
done
seen=$(uniq "$IT_TMP/seq-status" | tr '\n' ' ')
it_log "STATUS seen: $seen"
it_assert_match "$seen" "Init:0/2 .*Init:1/2 .*Running" "STATUS sequence"
# kubectl shows only these on the way (PodInitializing in the gap before the app runs)
it_assert_match "$seen" '^((Pending|Init:0/2|Init:1/2|PodInitializing) )*Running $' "STATUS sequence without others"
[ -n "${during_init:-}" ] || it_fail "no status read while i2 ran"
it_assert_eq "$(echo "$during_init" | jq -r .status.phase)" Pending "phase while initializing"
it_assert_eq "$(echo "$during_init" | jq -r '.status.containerStatuses[0].state.waiting.reason')" PodInitializing "the app container while initializing"
it_assert_eq "$(echo "$during_init" | jq -r '.status.initContainerStatuses[0].state.terminated | "\(.exitCode) \(.reason)"')" "0 Completed" "i1 done"
it_assert_eq "$(echo "$during_init" | jq -r '.status.initContainerStatuses[1].state | keys[0]')" running "i2 runs"
it_assert_eq "$(echo "$during_init" | jq -c '.status.conditions[] | select(.type == "Initialized") | [.status, .reason, .message]')" \
	'["False","ContainersNotInitialized","containers with incomplete status: [i2]"]' "Initialized while i2 runs"
it_assert_eq "$(echo "$during_init" | jq -c '.status.conditions[] | select(.type == "Ready") | [.status, .reason, .message]')" \
	'["False","ContainersNotReady","containers with unready status: [app]"]' "Ready while i2 runs"
it_assert_eq "$(echo "$during_init" | jq -c '.status.conditions[] | select(.type == "PodReadyToStartContainers") | .status')" '"True"' "sandbox ready while initializing"
it_wait_for 5 grep -q app-start "$SHARED/seq" || it_fail "the app did not start"
order=$(sort -k2 -n "$SHARED/seq" | awk '{ printf "%s ", $1 }')
it_assert_eq "$order" "i1-start i1-end i2-start i2-end app-start " "init containers one at a time, then the app"
j=$(ag_json "$SEQ")
it_assert_eq "$(echo "$j" | jq -r .status.phase)" Running "phase"
it_assert_eq "$(echo "$j" | jq -c '[.status.initContainerStatuses[] | .state.terminated.reason]')" '["Completed","Completed"]' "init statuses"
it_assert_eq "$(echo "$j" | jq -c '[.status.conditions[] | [.type, .status]]')" \
	'[["PodReadyToStartContainers","True"],["Initialized","True"],["Ready","True"],["ContainersReady","True"],["PodScheduled","True"]]' "conditions once running"
it_assert_eq "$(ag_col "$SEQ" 2)" 1/1 "READY"

it_log "conditions' lastTransitionTime (a pod nobody looks at while it starts)"
cat <<EOF | put quiet.yaml
apiVersion: v1
kind: Pod
metadata: {name: quiet}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: init, image: busybox, command: [sleep, "3"]}
  containers:
  - {name: app, image: busybox, command: [sleep, "3600"]}
EOF
QUIET=$(ag_static quiet)
t_quiet=$(ag_now)
sleep 6.5
j=$(ag_json "$QUIET")
[ "$(echo "$j" | jq -r .status.phase)" = Running ] || it_fail "quiet pod: $(echo "$j" | jq -c .status)"
start=$(ag_ts2s "$(echo "$j" | jq -r .status.startTime)")
tt() {
	ag_ts2s "$(echo "$j" | jq -r ".status.conditions[] | select(.type == \"$1\") | .lastTransitionTime")"
}
it_log "startTime +$(awk -v a="$t_quiet" -v b="$start" 'BEGIN { printf "%.1f", b - a }')s;" \
	"PodScheduled $(tt PodScheduled) Initialized $(tt Initialized) Ready $(tt Ready)"
ag_num_between "$(awk -v a="$start" -v b="$(tt PodScheduled)" 'BEGIN { print b - a }')" 0 1.5 ||
	it_fail "PodScheduled lastTransitionTime is not the pod's start: $(echo "$j" | jq -c .status.conditions)"
ag_num_between "$(awk -v a="$start" -v b="$(tt PodReadyToStartContainers)" 'BEGIN { print b - a }')" 0 1.5 ||
	it_fail "PodReadyToStartContainers lastTransitionTime: $(echo "$j" | jq -c .status.conditions)"
# Initialized and Ready turned True when the 3 s init container ended
ag_num_between "$(awk -v a="$start" -v b="$(tt Initialized)" 'BEGIN { print b - a }')" 2 4.5 ||
	it_fail "Initialized lastTransitionTime: $(echo "$j" | jq -c .status.conditions)"
ag_num_between "$(awk -v a="$start" -v b="$(tt Ready)" 'BEGIN { print b - a }')" 2 4.5 ||
	it_fail "Ready lastTransitionTime: $(echo "$j" | jq -c .status.conditions)"
rm -f "$MAN/quiet.yaml"

it_log "a failing init container with restartPolicy Never fails the pod"
cat <<'EOF' | put initfail.yaml
apiVersion: v1
kind: Pod
metadata: {name: initfail}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: bad, image: busybox, command: [sh, -c, 'exit 7']}
  - {name: never, image: busybox, command: [sh, -c, 'exit 0']}
  containers:
  - {name: app, image: busybox, command: [sleep, "3600"]}
EOF
IF=$(ag_static initfail)
ag_wait_jq "$IF" '.status.phase == "Failed"' 15
ag_wait_col "$IF" 3 "Init:Error" 5
j=$(ag_json "$IF")
it_assert_eq "$(echo "$j" | jq -r '.status.initContainerStatuses[0].state.terminated | "\(.exitCode) \(.reason)"')" "7 Error" "failed init container"
it_assert_eq "$(echo "$j" | jq -r '.status.initContainerStatuses[0].restartCount')" 0 "not retried"
it_assert_eq "$(echo "$j" | jq -r '.status.initContainerStatuses[1].state.waiting.reason // "none"')" PodInitializing "the next init container never ran"
it_assert_eq "$(echo "$j" | jq -r '.status.containerStatuses[0].state.waiting.reason')" PodInitializing "the app never ran"
it_assert_eq "$(echo "$j" | jq -c '.status.conditions[] | select(.type == "Initialized") | [.status, .reason, .message]')" \
	'["False","ContainersNotInitialized","containers with incomplete status: [bad never]"]' "Initialized of a failed init"
it_assert_eq "$(echo "$j" | jq -c '.status.conditions[] | select(.type == "Ready") | [.status, .reason]')" '["False","PodFailed"]' "Ready of a failed pod"
it_assert_eq "$(ag_col "$IF" 2)" 0/1 "READY"

it_log "a failing init container with restartPolicy Always is retried"
cat <<'EOF' | put initretry.yaml
apiVersion: v1
kind: Pod
metadata: {name: initretry}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: bad, image: busybox, command: [sh, -c, 'exit 3']}
  containers:
  - {name: app, image: busybox, command: [sleep, "3600"]}
EOF
IR=$(ag_static initretry)
ag_wait_col "$IR" 3 "Init:CrashLoopBackOff" 15
it_assert_eq "$(ag_jq "$IR" .status.phase)" Pending "phase while an init container crash-loops"
it_assert_match "$(ag_col "$IR" 4)" '^[12] \([0-9]+s ago\)$' "RESTARTS counts the init container's"
it_assert_eq "$(ag_jq "$IR" '.status.initContainerStatuses[0].lastState.terminated.exitCode')" 3 "last exit code"
rm -f "$MAN/initretry.yaml" "$MAN/initfail.yaml"

it_log "a sidecar runs beside the app and stops after it"
cat <<EOF | put side.yaml
apiVersion: v1
kind: Pod
metadata: {name: side}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 5
  initContainers:
  - name: sidecar
    image: busybox
    restartPolicy: Always
    command: [sh, -c, '$(note side "sidecar-start"); trap "$(note side "sidecar-term"); exit 0" TERM; while :; do sleep 0.1; done']
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: after
    image: busybox
    command: [sh, -c, '$(note side "after-start")']
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: app
    image: busybox
    command: [sh, -c, '$(note side "app-start"); sleep 3; $(note side "app-end")']
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    hostPath: {path: $SHARED, type: Directory}
EOF
SIDE=$(ag_static side)
ag_wait_jq "$SIDE" '.status.phase == "Running" and ([.status.containerStatuses[0].state | keys[0]] == ["running"])' 15
it_assert_eq "$(ag_col "$SIDE" 2)" 2/2 "READY counts the started sidecar"
it_assert_eq "$(ag_col "$SIDE" 3)" Running "STATUS"
j=$(ag_json "$SIDE")
it_assert_eq "$(echo "$j" | jq -r '.status.initContainerStatuses[0] | "\(.state | keys[0]) \(.started)"')" "running true" "sidecar status"
it_assert_eq "$(echo "$j" | jq -r '.status.initContainerStatuses[1].state.terminated.reason')" Completed "the init container after the sidecar"
ag_wait_jq "$SIDE" '.status.phase == "Succeeded"' 20
ag_wait_col "$SIDE" 3 Completed 5
it_wait_for 5 grep -q sidecar-term "$SHARED/side" || it_fail "the sidecar got no SIGTERM: $(cat "$SHARED/side")"
# The next init container starts once the sidecar *runs* (no startup probe: started = running,
# as for the kubelet), so the sidecar's own first write may come after the next one's: compare the
# start times the agent recorded, and the order of everything else.
order=$(sort -k2 -n "$SHARED/side" | awk '$1 != "sidecar-start" { printf "%s ", $1 }')
it_assert_eq "$order" "after-start app-start app-end sidecar-term " "app after the init containers, sidecar stopped after the app"
grep -q sidecar-start "$SHARED/side" || it_fail "the sidecar never ran"
s_start=$(echo "$j" | jq -r '.status.initContainerStatuses[0].state.running.startedAt')
a_start=$(echo "$j" | jq -r '.status.initContainerStatuses[1].state.terminated.startedAt')
[ "$s_start" \< "$a_start" ] || [ "$s_start" = "$a_start" ] || it_fail "the sidecar started ($s_start) after the next init container ($a_start)"
it_assert_eq "$(ag_jq "$SIDE" '.status.containerStatuses[0].state.terminated.reason')" Completed "app completed"

it_log "deleting a pod stops the app first, then the sidecar"
: >"$SHARED/del"
cat <<EOF | put del.yaml
apiVersion: v1
kind: Pod
metadata: {name: del}
spec:
  terminationGracePeriodSeconds: 6
  initContainers:
  - name: sidecar
    image: busybox
    restartPolicy: Always
    command: [sh, -c, 'trap "$(note del "sidecar-term"); exit 0" TERM; while :; do sleep 0.1; done']
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'trap "$(note del "app-term"); sleep 1; $(note del "app-end"); exit 0" TERM; while :; do sleep 0.1; done']
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    hostPath: {path: $SHARED, type: Directory}
EOF
DEL=$(ag_static del)
ag_wait_jq "$DEL" '.status.phase == "Running" and .status.containerStatuses[0].ready' 15
rm -f "$MAN/del.yaml"
ag_wait_gone "$DEL" 15
order=$(sort -k2 -n "$SHARED/del" | awk '{ printf "%s ", $1 }')
it_assert_eq "$order" "app-term app-end sidecar-term " "termination order"

rm -f "$MAN"/*.yaml
for p in seq side; do ag_wait_gone "$(ag_static $p)" 15; done
ag_assert_clean
exit 0
