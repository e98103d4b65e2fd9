#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The CLI against the agent, as kubectl behaves: skiff logs (--tail, --timestamps, -p after a
# restart, -f that ends with the container, -c), kubectl's errors (pod not found, a container
# name must be specified, container not valid, no previous container), skiff exec (output,
# exit code propagation), skiff get -o name/yaml/wide, skiff describe pod (sections, events),
# and /healthz and /metrics on the healthz port.
. "$(dirname "$0")/lib-agent.sh"
it_require_cmd curl

put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
free_port() {
	for p in $(shuf -i 20000-60000 -n 50); do
		if ! grep -qi ":$(printf '%04X' "$p") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}
PORT=$(free_port) || it_skip "no free port"
AG_HEALTHZ_PORT=$PORT ag_start

cat <<'EOF' | put talker.yaml
apiVersion: v1
kind: Pod
metadata:
  name: talker
  labels: {app: talk, tier: test}
  annotations: {note: hello}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'for i in 1 2 3 4 5; do echo "line $i"; done; echo "oops" >&2; exec sleep 3600']
    readinessProbe:
      exec: {command: ["true"]}
      periodSeconds: 1
  - name: side
    image: busybox
    command: [sh, -c, 'echo "side says hi"; exec sleep 3600']
EOF
cat <<'EOF' | put restarter.yaml
apiVersion: v1
kind: Pod
metadata: {name: restarter}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n >/data/n; echo "instance $n"; [ $n -gt 1 ] && exec sleep 3600; exit 1']
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - {name: data, emptyDir: {}}
EOF
TALK=$(ag_static talker)
RS=$(ag_static restarter)
ag_wait_jq "$TALK" '[.status.containerStatuses[].ready] | all' 15
ag_wait_jq "$RS" '.status.containerStatuses[0].restartCount == 1 and .status.containerStatuses[0].state.running' 15

it_log "skiff logs"
ag_wait 5 "the talker's stderr line" sh -c "'$SKIFF' logs --socket '$SOCK' '$TALK' -c main | grep -q oops"
out=$(sk logs "$TALK" -c main)
it_assert_eq "$out" "line 1
line 2
line 3
line 4
line 5
oops" "logs"
it_assert_eq "$(sk logs "$TALK" -c main --tail 2)" "line 5
oops" "--tail 2"
it_assert_eq "$(sk logs "$TALK" -c main --tail=1)" "oops" "--tail=1"
it_assert_eq "$(sk logs "$TALK" -c side)" "side says hi" "-c side"
ts=$(sk logs "$TALK" -c main --timestamps --tail 1)
it_assert_match "$ts" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z oops$' "--timestamps"

it_log "skiff logs -p after a restart"
it_assert_eq "$(sk logs "$RS")" "instance 2" "the current instance"
it_assert_eq "$(sk logs "$RS" -p)" "instance 1" "-p: the previous instance"
it_assert_eq "$(sk logs "$RS" --previous)" "instance 1" "--previous"

it_log "kubectl's errors"
err=$(sk logs nope 2>&1 >/dev/null)
rc=$?
it_assert_eq "$err" 'Error from server (NotFound): pods "nope" not found' "logs of a missing pod"
err=$(sk logs "$TALK" 2>&1 >/dev/null)
it_assert_eq "$err" "error: a container name must be specified for pod $TALK, choose one of: [main side]" "logs without -c"
sk logs "$TALK" >/dev/null 2>&1 && it_fail "logs without -c of a two-container pod succeeded"
err=$(sk logs "$TALK" -c nope 2>&1 >/dev/null)
it_assert_eq "$err" "Error from server (BadRequest): container nope is not valid for pod $TALK" "logs -c of a missing container"
err=$(sk logs "$TALK" -c main -p 2>&1 >/dev/null)
it_assert_eq "$err" "Error from server (BadRequest): previous terminated container \"main\" in pod \"$TALK\" not found" "logs -p without a previous instance"
err=$(sk get pods nope 2>&1 >/dev/null)
it_assert_eq "$err" 'Error from server (NotFound): pods "nope" not found' "get pods of a missing pod"
sk get pods nope >/dev/null 2>&1 && it_fail "get pods of a missing pod succeeded"
err=$(sk describe pod nope 2>&1 >/dev/null)
it_assert_eq "$err" 'Error from server (NotFound): pods "nope" not found' "describe of a missing pod"
err=$(cd "$IT_TMP" && "$SKIFF" get pods --socket state/skiff.sock 2>&1)
it_assert_eq "$err" 'error: the agent'"'"'s address must be an absolute socket path or an http:// URL: "state/skiff.sock"' "a relative socket path"
err=$(sk get pods -n elsewhere 2>&1)
it_assert_eq "$err" "No resources found in elsewhere namespace." "an empty namespace"

it_log "skiff exec"
it_assert_eq "$(sk exec "$TALK" -c main -- echo hi there)" "hi there" "exec output"
it_assert_eq "$(sk exec "$TALK" -c side -- cat /proc/1/cmdline | tr '\0' ' ')" "sleep 3600 " "exec in the other container"
sk exec "$TALK" -c main -- sh -c 'echo to-out; echo to-err >&2; exit 3' >"$IT_TMP/exec.out" 2>"$IT_TMP/exec.err"
rc=$?
it_assert_eq "$rc" 3 "exec exit code"
it_assert_eq "$(cat "$IT_TMP/exec.out")" "to-out" "exec stdout"
it_assert_file_match "$IT_TMP/exec.err" "^to-err$"
it_assert_file_match "$IT_TMP/exec.err" "^command terminated with exit code 3$"
err=$(sk exec "$TALK" -- true 2>&1 >/dev/null)
it_assert_match "$err" "a container name must be specified for pod $TALK, choose one of: \[main side\]" "exec without -c"
err=$(sk exec nope -- true 2>&1 >/dev/null)
it_assert_eq "$err" 'Error from server (NotFound): pods "nope" not found' "exec in a missing pod"
echo piped | sk exec "$TALK" -c main -- cat >"$IT_TMP/exec.out" 2>&1
it_assert_eq "$(cat "$IT_TMP/exec.out")" "" "exec without -i reads no stdin"

it_log "skiff logs -f ends when the container ends"
cat <<'EOF' | put follow.yaml
apiVersion: v1
kind: Pod
metadata: {name: follow}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'echo first; sleep 3; echo second; sleep 1; echo third']
EOF
FOL=$(ag_static follow)
ag_wait_jq "$FOL" '.status.containerStatuses[0].state.running' 15
t0=$(ag_now)
timeout 20 "$SKIFF" logs --socket "$SOCK" -f "$FOL" >"$IT_TMP/follow.out" 2>&1
rc=$?
took=$(ag_elapsed "$t0")
it_assert_eq "$rc" 0 "logs -f exit status ($(cat "$IT_TMP/follow.out"))"
it_assert_eq "$(cat "$IT_TMP/follow.out")" "first
second
third" "logs -f output"
ag_num_between "$took" 2 8 || it_fail "logs -f took ${took}s"
ag_wait_jq "$FOL" '.status.phase == "Succeeded"' 10
err=$(sk exec "$FOL" -- true 2>&1 >/dev/null)
rc=$?
it_assert_eq "$err" "error: cannot exec into a container in a completed pod; current phase is Succeeded" "exec in a completed pod"
[ $rc != 0 ] || it_fail "exec in a completed pod succeeded"

it_log "skiff get -o name / yaml / wide"
it_assert_eq "$(sk get pods -o name | sort | tr '\n' ' ')" "pod/$FOL pod/$RS pod/$TALK " "-o name"
sk get pods "$TALK" -o yaml >"$IT_TMP/pod.yaml" || it_fail "-o yaml"
it_assert_file_match "$IT_TMP/pod.yaml" "^kind: Pod$"
it_assert_file_match "$IT_TMP/pod.yaml" "^  name: $TALK$"
it_assert_file_match "$IT_TMP/pod.yaml" "^  phase: Running$"
it_assert_match "$(sk get pods -o wide | head -1)" "^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$" "wide header"
it_assert_match "$(sk get pods "$TALK" -o wide | tail -1)" "^$TALK +2/2 +Running +0 +[0-9]+s +[^ ]+ +$NODE +<none> +<none>$" "wide row"

it_log "skiff describe pod"
sk describe pod "$RS" >"$IT_TMP/describe" || it_fail "describe failed"
for re in "^Name: +$RS$" "^Namespace: +default$" "^Node: +$NODE" "^Start Time: " "^Status: +Running$" \
	"^Containers:$" "^  main:$" "^    Container ID: +skiff://[0-9a-f]{64}$" "^    Image: +busybox$" \
	"^    State: +Running$" "^    Last State: +Terminated$" "^      Reason: +Error$" "^      Exit Code: +1$" \
	"^    Ready: +True$" "^    Restart Count: +1$" "^Conditions:$" "^  Type +Status$" "^  Ready +True *$" \
	"^  PodScheduled +True *$" "^Volumes:$" "^  data:$" "^    Type: +EmptyDir" "^QoS Class: +BestEffort$" \
	"^Events:$" "^  Type +Reason +Age +From +Message$" \
	"^  Normal +Scheduled +.* +kubelet +Successfully assigned default/$RS to $NODE$" \
	"^  Normal +Pulled +.* kubelet +Container image \"busybox\" already present on machine" \
	"^  Normal +Created +.* kubelet +Created container:? main$" \
	"^  Normal +Started +.* kubelet +Started container main$"; do
	it_assert_file_match "$IT_TMP/describe" "$re"
done
sk describe pod "$TALK" >"$IT_TMP/describe" || it_fail "describe failed"
for re in "^Labels: +app=talk$" "^ +tier=test$" "^Annotations: +kubernetes.io/config.hash: [0-9a-f]{32}$" "^ +note: hello$" \
	"^    Readiness: +exec \[true\] delay=0s timeout=1s period=1s #success=1 #failure=3$"; do
	it_assert_file_match "$IT_TMP/describe" "$re"
done

it_log "/healthz and /metrics"
it_assert_eq "$(curl -s "http://127.0.0.1:$PORT/healthz")" ok "/healthz"
curl -s "http://127.0.0.1:$PORT/metrics" >"$IT_TMP/metrics" || it_fail "/metrics"
it_assert_file_match "$IT_TMP/metrics" '^# TYPE kubelet_running_pods gauge$'
it_assert_file_match "$IT_TMP/metrics" '^kubelet_running_pods\{phase="Running"\} 2$'
it_assert_file_match "$IT_TMP/metrics" '^kubelet_running_pods\{phase="Succeeded"\} 1$'
it_assert_file_match "$IT_TMP/metrics" '^kubelet_running_pods\{phase="Failed"\} 0$'
it_assert_file_match "$IT_TMP/metrics" '^kubelet_running_containers\{container_state="running"\} 3$'
# probe_type as the kubelet's probeType.String()
n=$(sed -nE 's/^prober_probe_total\{probe_type="Readiness",result="successful"\} ([0-9]+)$/\1/p' "$IT_TMP/metrics")
[ -n "$n" ] && [ "$n" -ge 1 ] || it_fail "prober_probe_total of the readiness probe: $(grep prober "$IT_TMP/metrics")"
it_assert_file_match "$IT_TMP/metrics" '^kubelet_container_restarts_total [1-9]'
it_assert_file_match "$IT_TMP/metrics" '^kubelet_pod_start_duration_seconds_count [1-9]'
sleep 2
n2=$(curl -s "http://127.0.0.1:$PORT/metrics" | sed -nE 's/^prober_probe_total\{probe_type="Readiness",result="successful"\} ([0-9]+)$/\1/p')
[ "$n2" -gt "$n" ] || it_fail "prober_probe_total does not count up ($n -> $n2)"
# the pod API stays on the Unix socket
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/pods")
it_assert_match "$code" '^40[34]$' "/pods on the TCP port"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/pods/default/$TALK/exec")
it_assert_match "$code" '^40[345]$' "exec on the TCP port"

rm -f "$MAN"/*.yaml
for p in "$TALK" "$RS" "$FOL"; do ag_wait_gone "$p" 15; done
ag_assert_clean
exit 0
