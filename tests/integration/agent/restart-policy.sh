#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Restart policies and status (KUBELET-BEHAVIOUR.md §3): Always / OnFailure / Never pods as
# `skiff get pods` shows them (STATUS Completed, Error, CrashLoopBackOff, Running; RESTARTS),
# the containerStatuses of -o json (state, lastState.terminated, restartCount, ready, started,
# containerID), the conditions with their reasons and messages, and the CrashLoopBackOff
# back-off: immediate first restart, then 10 s, then 20 s, measured from the JSON.
. "$(dirname "$0")/lib-agent.sh"

pod() { # NAME POLICY COMMAND
	cat <<EOF | put "$1.yaml"
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: $2
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, '$3']
EOF
}
put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}

ag_start
pod crash Always 'echo crashing; exit 1'
pod always-ok Always 'echo done; exit 0'
pod run Always 'echo up; exec sleep 3600'
pod never-ok Never 'exit 0'
pod never-fail Never 'exit 2'
pod onfail-ok OnFailure 'exit 0'
pod onfail-fail OnFailure 'exit 5'
CRASH=$(ag_static crash)
t_added=$(ag_now)

# From the start, a background poller notes every instance's start and end of the crashing
# container as the JSON shows them (second resolution). The first instance's end shows only
# while the second runs (a few ms): the first restart is measured from the pod's start instead.
: >"$IT_TMP/instances"
(
	while :; do
		ag_jq "$CRASH" '.status.containerStatuses[0] | .lastState.terminated // empty |
			"\(.containerID) \(.startedAt) \(.finishedAt) \(.exitCode) \(.reason)"' >>"$IT_TMP/instances" 2>/dev/null
		sleep 0.3
	done
) &
COLLECTOR=$!
AG_PIDS="$AG_PIDS $COLLECTOR"
collect() {
	# the fourth instance (restartCount 3) ended: its end is the last state
	ag__jq_true "$CRASH" '.status.containerStatuses[0] | .restartCount >= 3 and
		.lastState.terminated.containerID == .containerID'
}

it_log "pods that end: Never and OnFailure"
ag_wait_col "$(ag_static never-ok)" 3 Completed 20
ag_wait_col "$(ag_static never-fail)" 3 Error 20
ag_wait_col "$(ag_static onfail-ok)" 3 Completed 20
for p in never-ok never-fail onfail-ok; do
	P=$(ag_static $p)
	it_assert_eq "$(ag_col "$P" 2)" "0/1" "$p READY"
	it_assert_eq "$(ag_col "$P" 4)" "0" "$p RESTARTS"
done
j=$(ag_json "$(ag_static never-fail)")
it_assert_eq "$(echo "$j" | jq -r .status.phase)" Failed "Never + exit 2: phase"
cs=$(echo "$j" | jq -c '.status.containerStatuses[0]')
it_assert_eq "$(echo "$cs" | jq -r .state.terminated.exitCode)" 2 "exitCode"
it_assert_eq "$(echo "$cs" | jq -r .state.terminated.reason)" Error "terminated reason"
it_assert_match "$(echo "$cs" | jq -r .state.terminated.startedAt)" '^[0-9-]{10}T[0-9:]{8}Z$' "startedAt"
it_assert_match "$(echo "$cs" | jq -r .state.terminated.finishedAt)" '^[0-9-]{10}T[0-9:]{8}Z$' "finishedAt"
it_assert_match "$(echo "$cs" | jq -r .state.terminated.containerID)" '^skiff://[0-9a-f]{64}$' "terminated containerID"
it_assert_eq "$(echo "$cs" | jq -c .lastState)" "{}" "no last state"
it_assert_eq "$(echo "$cs" | jq -r '"\(.ready) \(.started) \(.restartCount)"')" "false false 0" "ready started restartCount"
it_assert_match "$(echo "$cs" | jq -r .containerID)" '^skiff://[0-9a-f]{64}$' "containerID"
it_assert_eq "$(echo "$cs" | jq -r .image)" busybox "image"
it_assert_match "$(echo "$cs" | jq -r .imageID)" '^(sha256:)?[0-9a-f]{64}$' "imageID"
conds=$(echo "$j" | jq -c '[.status.conditions[] | [.type, .status, .reason // ""]]')
it_assert_eq "$conds" '[["PodReadyToStartContainers","False",""],["Initialized","True",""],["Ready","False","PodFailed"],["ContainersReady","False","PodFailed"],["PodScheduled","True",""]]' "conditions of a Failed pod"
j=$(ag_json "$(ag_static never-ok)")
it_assert_eq "$(echo "$j" | jq -r .status.phase)" Succeeded "Never + exit 0: phase"
it_assert_eq "$(echo "$j" | jq -r '.status.containerStatuses[0].state.terminated | "\(.exitCode) \(.reason)"')" "0 Completed" "terminated"
conds=$(echo "$j" | jq -c '[.status.conditions[] | [.type, .status, .reason // ""]]')
# (no init containers: Initialized is True without the PodCompleted reason)
it_assert_eq "$conds" '[["PodReadyToStartContainers","False",""],["Initialized","True",""],["Ready","False","PodCompleted"],["ContainersReady","False","PodCompleted"],["PodScheduled","True",""]]' "conditions of a Succeeded pod"
it_assert_eq "$(ag_jq "$(ag_static onfail-ok)" .status.phase)" Succeeded "OnFailure + exit 0: phase"

it_log "a running pod"
R=$(ag_static run)
ag_wait_col "$R" 3 Running 20
it_assert_eq "$(ag_col "$R" 2)" "1/1" "READY"
j=$(ag_json "$R")
it_assert_eq "$(echo "$j" | jq -r '.status.containerStatuses[0] | "\(.ready) \(.started) \(.restartCount) \(.state | keys[0])"')" "true true 0 running" "running container"
it_assert_match "$(echo "$j" | jq -r .status.containerStatuses[0].state.running.startedAt)" '^[0-9-]{10}T[0-9:]{8}Z$' "running startedAt"
it_assert_match "$(echo "$j" | jq -r .status.startTime)" '^[0-9-]{10}T[0-9:]{8}Z$' "startTime"
it_assert_eq "$(echo "$j" | jq -r .status.qosClass)" BestEffort "qosClass"
conds=$(echo "$j" | jq -c '[.status.conditions[] | [.type, .status, .reason // "", .message // ""]]')
it_assert_eq "$conds" '[["PodReadyToStartContainers","True","",""],["Initialized","True","",""],["Ready","True","",""],["ContainersReady","True","",""],["PodScheduled","True","",""]]' "conditions of a running pod"

it_log "OnFailure restarts a failing container"
OF=$(ag_static onfail-fail)
ag_wait_jq "$OF" '.status.containerStatuses[0].restartCount >= 1' 20
ag_wait_col "$OF" 3 CrashLoopBackOff 20
it_assert_eq "$(ag_jq "$OF" .status.phase)" Running "OnFailure + exit 5: phase"
it_assert_eq "$(ag_jq "$OF" .status.containerStatuses[0].lastState.terminated.exitCode)" 5 "last exit code"

it_log "Always restarts a container that exits 0 too"
AO=$(ag_static always-ok)
ag_wait_jq "$AO" '.status.containerStatuses[0].restartCount >= 1' 20
it_assert_eq "$(ag_jq "$AO" .status.phase)" Running "Always + exit 0: phase"
ag_wait_col "$AO" 3 CrashLoopBackOff 20
it_assert_eq "$(ag_jq "$AO" '.status.containerStatuses[0].lastState.terminated | "\(.exitCode) \(.reason)"')" "0 Completed" "last state of a completed instance"

it_log "CrashLoopBackOff: status, conditions, and back-off of 0 s, 10 s, 20 s"
ag_wait_jq "$CRASH" '.status.containerStatuses[0].state.waiting.reason == "CrashLoopBackOff"' 20
j=$(ag_json "$CRASH")
uid=$(echo "$j" | jq -r .metadata.uid)
cs=$(echo "$j" | jq -c '.status.containerStatuses[0]')
n=$(echo "$cs" | jq -r .restartCount)
case $n in
1) want="back-off 10s" ;;
2) want="back-off 20s" ;;
*) it_fail "restartCount $n at the first CrashLoopBackOff" ;;
esac
it_assert_eq "$(echo "$cs" | jq -r .state.waiting.message)" "$want restarting failed container=main pod=${CRASH}_default($uid)" "waiting message"
it_assert_eq "$(echo "$cs" | jq -r '.lastState.terminated | "\(.exitCode) \(.reason)"')" "1 Error" "lastState.terminated"
it_assert_eq "$(echo "$cs" | jq -r '"\(.ready) \(.started)"')" "false false" "ready, started while waiting"
it_assert_eq "$(echo "$j" | jq -r .status.phase)" Running "phase of a crash-looping Always pod"
it_assert_eq "$(echo "$j" | jq -c '.status.conditions[] | select(.type == "Ready") | [.status, .reason, .message]')" \
	'["False","ContainersNotReady","containers with unready status: [main]"]' "Ready condition"
it_assert_eq "$(echo "$j" | jq -c '.status.conditions[] | select(.type == "ContainersReady") | [.status, .reason, .message]')" \
	'["False","ContainersNotReady","containers with unready status: [main]"]' "ContainersReady condition"
it_assert_eq "$(ag_col "$CRASH" 2)" "0/1" "READY"
sk describe pod "$CRASH" >"$IT_TMP/describe" || it_fail "describe failed"
it_assert_file_match "$IT_TMP/describe" "^  Warning +BackOff +.* kubelet +Back-off restarting failed container main in pod ${CRASH}_default\($uid\)$"
it_assert_file_match "$IT_TMP/describe" "^    State: +Waiting$"
it_assert_file_match "$IT_TMP/describe" "^      Reason: +CrashLoopBackOff$"
it_assert_file_match "$IT_TMP/describe" "^    Last State: +Terminated$"
it_assert_file_match "$IT_TMP/describe" "^      Exit Code: +1$"
it_assert_match "$(ag_col "$CRASH" 4)" "^$n \\([0-9]+s ago\\)$" "RESTARTS with the time of the last one"

ag_wait 70 "the fourth instance of the crashing container" collect
sleep 0.5
kill $COLLECTOR
wait $COLLECTOR 2>/dev/null
sort -u "$IT_TMP/instances" | sort -k2 >"$IT_TMP/inst"
[ "$(wc -l <"$IT_TMP/inst")" -ge 3 ] || it_fail "instances seen: $(cat "$IT_TMP/inst")"
it_log "instances: $(cat "$IT_TMP/inst")"
# restart k: the start of instance k - the end of instance k-1 (instances 1, 2, 3 seen)
awk '{ print $2, $3 }' "$IT_TMP/inst" | tail -3 | while read -r s f; do
	echo "$(ag_ts2s "$s") $(ag_ts2s "$f")"
done >"$IT_TMP/times"
d2=$(awk 'NR == 1 { f = $2 } NR == 2 { printf "%.1f", $1 - f }' "$IT_TMP/times")
d3=$(awk 'NR == 2 { f = $2 } NR == 3 { printf "%.1f", $1 - f }' "$IT_TMP/times")
it_log "back-off delays: ${d2}s ${d3}s"
ag_num_between "$d2" 8 12 || it_fail "second restart after ${d2}s, want 10 s: $(cat "$IT_TMP/inst")"
ag_num_between "$d3" 18 22 || it_fail "third restart after ${d3}s, want 20 s: $(cat "$IT_TMP/inst")"
# the first restart is immediate: instance 1 started right after the pod was added
s1=$(awk 'NR == 1 { print $1 }' "$IT_TMP/times")
ag_num_between "$(awk -v a="$t_added" -v b="$s1" 'BEGIN { print b - a }')" -2 4 ||
	it_fail "the first restart came late: $(cat "$IT_TMP/inst")"
it_assert_eq "$(ag_jq "$CRASH" '.status.containerStatuses[0].state.waiting.message | split(" ")[1]')" 40s "the next back-off"
it_assert_match "$(ag_col "$CRASH" 4)" '^3 \([0-9]+s ago\)$' "RESTARTS"

# the RESTARTS count matches the instances, and logs went to numbered files
for i in 0 1 2 3; do
	f="$LOGS/default_${CRASH}_$uid/main/$i.log"
	[ -f "$f" ] || it_fail "no log file $f"
	it_assert_file_match "$f" ' stdout F crashing$'
done

it_log "removing everything leaves nothing behind"
rm -f "$MAN"/*.yaml
for p in crash always-ok run never-ok never-fail onfail-ok onfail-fail; do
	ag_wait_gone "$(ag_static $p)" 15
done
ag_assert_clean
exit 0
