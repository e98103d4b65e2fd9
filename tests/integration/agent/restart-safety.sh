#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Restart safety: a SIGKILLed agent leaves its containers running; a new agent re-adopts them
# (same containerIDs, same processes, restartCount unchanged) and is ready in under a second; a
# container that exited while no agent ran has its exit code in the status (and is restarted
# per its policy); logs keep flowing; a SIGTERMed agent leaves the pods running too; the
# re-adopted pods are cleaned up like any other.
. "$(dirname "$0")/lib-agent.sh"

SHARED=$IT_TMP/shared
mkdir -p "$SHARED"
put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
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
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    hostPath: {path: $SHARED, type: Directory}
EOF
}
ctr_pid() {
	it_json_get "$STATE/containers/$(ag_cid "$1" main)/state.json" pid
}
# start_timed: start an agent and measure how long until its API lists N pods
start_timed() {
	t0=$(ag_now)
	"$SKIFF" agent --config "$CFG" --root-dir "$ROOT" --state-dir "$STATE" \
		--cgroup-root "$CGROOT" --node-name "$NODE" --healthz-port 0 \
		--pod-manifest-path "$MAN" >>"$AG_LOG" 2>&1 &
	AG_PID=$!
	AG_PIDS="$AG_PIDS $AG_PID"
	n=0
	while [ $n -lt 500 ]; do
		[ "$(sk get pods -o name 2>/dev/null | wc -l)" -ge "$1" ] && break
		sleep 0.01
		n=$((n + 1))
	done
	READY_AFTER=$(ag_elapsed "$t0")
	[ $n -lt 500 ] || it_fail "the new agent did not list $1 pods"
}

ag_start
pod steady Always 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'
pod dies Never 'while [ ! -f /shared/die ]; do sleep 0.1; done; echo dying; exit 7'
pod dies-onfailure OnFailure 'if [ -f /shared/die ]; then exec sleep 3600; fi; while [ ! -f /shared/die ]; do sleep 0.1; done; exit 7'
cat <<'EOF' | put deadline.yaml
apiVersion: v1
kind: Pod
metadata: {name: deadline}
spec:
  activeDeadlineSeconds: 5
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox, command: [sh, -c, 'trap "exit 0" TERM; while :; do sleep 0.1; done']}
EOF
STEADY=$(ag_static steady)
DL=$(ag_static deadline)
DIES=$(ag_static dies)
DOF=$(ag_static dies-onfailure)
for p in "$STEADY" "$DIES" "$DOF" "$DL"; do
	ag_wait_jq "$p" '.status.phase == "Running" and .status.containerStatuses[0].ready' 15
done
cid=$(ag_cid "$STEADY" main)
started=$(ag_jq "$STEADY" .status.containerStatuses[0].state.running.startedAt)
pid=$(ctr_pid "$STEADY")
dies_pid=$(ctr_pid "$DIES")
dof_pid=$(ctr_pid "$DOF")
uid=$(ag_jq "$STEADY" .metadata.uid)
before=$(ag_jq "$STEADY" '[.metadata.creationTimestamp, .metadata.annotations["kubernetes.io/config.seen"], .status.startTime, (.status.conditions[] | "\(.type)=\(.status)@\(.lastTransitionTime)")] | join(" ")')
[ -n "$pid" ] && it_pid_alive "$pid" || it_fail "no process for the steady container"

it_log "SIGKILL the agent: containers keep running"
ag_stop KILL
sleep 0.5
it_pid_alive "$pid" || it_fail "the container died with the agent"
it_pid_alive "$dies_pid" || it_fail "the container died with the agent"
n1=$(grep -c tick "$LOGS/default_${STEADY}_$uid/main/0.log")
# a container exits while no agent runs
touch "$SHARED/die"
it_wait_for 5 sh -c "! kill -0 $dies_pid 2>/dev/null" || it_fail "the dying container did not exit"
it_wait_for 5 sh -c "! kill -0 $dof_pid 2>/dev/null" || it_fail "the dying container did not exit"
sleep 1
n2=$(grep -c tick "$LOGS/default_${STEADY}_$uid/main/0.log")
[ "$n2" -gt "$n1" ] || it_fail "the log stopped with the agent ($n1 -> $n2 lines)"

it_log "a new agent re-adopts them"
start_timed 4
it_log "the new agent listed the pods after ${READY_AFTER}s"
ag_num_between "$READY_AFTER" 0 1 || it_fail "the new agent needed ${READY_AFTER}s to be ready"
grep -q "re-adopted 4 pods" "$AG_LOG" || it_fail "no re-adoption in the agent log"
j=$(ag_json "$STEADY")
it_assert_eq "$(echo "$j" | jq -r .status.containerStatuses[0].containerID)" "skiff://$cid" "same containerID"
it_assert_eq "$(echo "$j" | jq -r .status.containerStatuses[0].restartCount)" 0 "restartCount unchanged"
it_assert_eq "$(echo "$j" | jq -r .status.containerStatuses[0].state.running.startedAt)" "$started" "same startedAt"
it_assert_eq "$(echo "$j" | jq -r .metadata.uid)" "$uid" "same UID"
after=$(echo "$j" | jq -r '[.metadata.creationTimestamp, .metadata.annotations["kubernetes.io/config.seen"], .status.startTime, (.status.conditions[] | "\(.type)=\(.status)@\(.lastTransitionTime)")] | join(" ")')
it_assert_eq "$after" "$before" "creation, seen, start and condition times kept across the restart"
it_assert_eq "$(ctr_pid "$STEADY")" "$pid" "same process"
it_pid_alive "$pid" || it_fail "the container died"
ag_wait_jq "$STEADY" '.status.containerStatuses[0].ready' 5
it_assert_eq "$(ag_row "$STEADY" | awk -F'  +' '{ print $2, $3, $4 }')" "1/1 Running 0" "get pods row"

it_log "the exit while the agent was down is in the status"
j=$(ag_json "$DIES")
it_assert_eq "$(echo "$j" | jq -r '.status.containerStatuses[0].state.terminated | "\(.exitCode) \(.reason)"')" "7 Error" "exit seen after the restart"
it_assert_match "$(echo "$j" | jq -r '.status.containerStatuses[0].state.terminated.finishedAt')" '^[0-9-]{10}T[0-9:]{8}Z$' "finishedAt"
it_assert_eq "$(echo "$j" | jq -r .status.phase)" Failed "phase"
it_assert_eq "$(ag_col "$DIES" 3)" Error "STATUS"
it_assert_match "$(sk logs "$DIES")" "dying" "the log of the exited container"
# OnFailure: restarted by the new agent, the exit code in lastState
ag_wait_jq "$DOF" '.status.containerStatuses[0].restartCount == 1 and .status.containerStatuses[0].state.running' 15
it_assert_eq "$(ag_jq "$DOF" '.status.containerStatuses[0].lastState.terminated | "\(.exitCode) \(.reason)"')" "7 Error" "lastState after the restart"

it_log "activeDeadlineSeconds still counts from the pod's start"
ag_wait_jq "$DL" '.status.phase == "Failed" and .status.reason == "DeadlineExceeded" and .status.containerStatuses[0].state.terminated' 10
dl=$(ag_json "$DL")
s0=$(ag_ts2s "$(echo "$dl" | jq -r .status.startTime)")
f0=$(ag_ts2s "$(echo "$dl" | jq -r .status.containerStatuses[0].state.terminated.finishedAt)")
ag_num_between "$(awk -v a="$s0" -v b="$f0" 'BEGIN { print b - a }')" 4 7.5 ||
	it_fail "the deadline pod ended $(awk -v a="$s0" -v b="$f0" 'BEGIN { print b - a }')s after its start, want 5 s"

it_log "SIGTERM the agent: containers keep running"
ag_stop TERM
it_assert_eq "$AG_RC" 0 "exit status of a SIGTERMed agent"
grep -q "pods keep running" "$AG_LOG" || it_fail "no stop message"
sleep 0.5
it_pid_alive "$pid" || it_fail "the container died with the SIGTERMed agent"
start_timed 4
it_log "the next agent listed the pods after ${READY_AFTER}s"
ag_num_between "$READY_AFTER" 0 1 || it_fail "the new agent needed ${READY_AFTER}s to be ready"
it_assert_eq "$(ag_cid "$STEADY" main)" "$cid" "same containerID after SIGTERM"
it_assert_eq "$(ag_jq "$STEADY" .status.containerStatuses[0].restartCount)" 0 "restartCount after SIGTERM"
it_assert_eq "$(ag_jq "$DOF" .status.containerStatuses[0].restartCount)" 1 "restartCount of the restarted one"
sk logs "$STEADY" --tail 1 | grep -q '^tick ' || it_fail "logs of a re-adopted container"

it_log "re-adopted pods are removed cleanly"
t0=$(ag_now)
rm -f "$MAN"/*.yaml
for p in "$STEADY" "$DIES" "$DOF" "$DL"; do ag_wait_gone "$p" 15; done
it_assert_pid_gone "$pid"
ag_assert_clean
exit 0
