#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Probes and postStart (KUBELET-BEHAVIOUR.md §2, §3.6): a readiness httpGet probe against
# busybox httpd in the pod (READY 0/1 -> 1/1 -> 0/1 on a 404, with the Unhealthy event), a
# failing liveness exec probe restarts the container (Unhealthy, Killing, restartCount 1), a
# startup probe holds liveness and readiness back until it succeeds, a failing postStart exec
# hook kills the container (FailedPostStartHook, the kubelet's message).
. "$(dirname "$0")/lib-agent.sh"

put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
events() { # POD: "reason|message" lines
	curl -s --unix-socket "$SOCK" "http://localhost/pods/default/$1/events" |
		jq -r '.items[] | "\(.type)|\(.reason)|\(.message)"'
}
has_event() { # POD TYPE REASON MESSAGE-REGEX
	events "$1" | grep -Eq "^$2\|$3\|$4"
}
it_require_cmd curl

ag_start

cat <<'EOF' | put web.yaml
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: busybox
    command: [sh, -c, 'mkdir -p /www; sleep 3; echo ok >/www/index.html; exec httpd -f -p 8080 -h /www']
    ports: [{name: http, containerPort: 8080}]
    readinessProbe:
      httpGet: {path: /index.html, port: http}
      periodSeconds: 1
      failureThreshold: 1
EOF
cat <<'EOF' | put live.yaml
apiVersion: v1
kind: Pod
metadata: {name: live}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'touch /tmp/healthy; sleep 3; rm /tmp/healthy; exec sleep 3600']
    livenessProbe:
      exec: {command: [cat, /tmp/healthy]}
      periodSeconds: 1
      failureThreshold: 2
EOF
cat <<'EOF' | put startup.yaml
apiVersion: v1
kind: Pod
metadata: {name: startup}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'sleep 4; touch /tmp/started; exec sleep 3600']
    startupProbe:
      exec: {command: [test, -f, /tmp/started]}
      periodSeconds: 1
      failureThreshold: 20
    livenessProbe:
      exec: {command: [test, -f, /tmp/started]}
      periodSeconds: 1
      failureThreshold: 1
    readinessProbe:
      exec: {command: [test, -f, /tmp/started]}
      periodSeconds: 1
EOF
cat <<'EOF' | put poststart.yaml
apiVersion: v1
kind: Pod
metadata: {name: poststart}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'while :; do sleep 0.1; done']
    lifecycle:
      postStart:
        exec: {command: [sh, -c, 'exit 3']}
EOF
cat <<'EOF' | put poststart-ok.yaml
apiVersion: v1
kind: Pod
metadata: {name: poststart-ok}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'while [ ! -f /tmp/hooked ]; do sleep 0.1; done; echo hooked; exec sleep 3600']
    lifecycle:
      postStart:
        exec: {command: [touch, /tmp/hooked]}
EOF
WEB=$(ag_static web)
LIVE=$(ag_static live)
START=$(ag_static startup)
PS=$(ag_static poststart)
PSOK=$(ag_static poststart-ok)

it_log "startup probe: not started, not ready at first"
ag_wait_jq "$START" '.status.containerStatuses[0].state.running' 10
j=$(ag_json "$START")
it_assert_eq "$(echo "$j" | jq -r '.status.containerStatuses[0] | "\(.started) \(.ready)"')" "false false" "before the startup probe succeeds"
it_assert_eq "$(ag_col "$START" 2)" 0/1 "READY before the startup probe succeeds"

it_log "readiness: httpGet against httpd in the pod"
ag_wait_jq "$WEB" '.status.containerStatuses[0].state.running' 15
it_assert_eq "$(ag_col "$WEB" 2)" 0/1 "READY before httpd serves"
it_assert_eq "$(ag_jq "$WEB" '.status.containerStatuses[0] | "\(.ready) \(.started)"')" "false true" "ready, started before httpd serves"
it_assert_eq "$(ag_jq "$WEB" '.status.conditions[] | select(.type == "Ready") | .status')" False "Ready condition before"
ag_wait_col "$WEB" 2 1/1 15
it_assert_eq "$(ag_jq "$WEB" '.status.conditions[] | select(.type == "Ready") | .status')" True "Ready condition after"
# a probe that fails (404) takes readiness away again, the container keeps running
sk exec "$WEB" -- rm /www/index.html || it_fail "skiff exec rm failed"
ag_wait_col "$WEB" 2 0/1 10
it_assert_eq "$(ag_col "$WEB" 3)" Running "STATUS of an unready pod"
it_assert_eq "$(ag_jq "$WEB" '.status.containerStatuses[0].restartCount')" 0 "readiness never restarts"
ag_wait 5 "the Unhealthy event of the readiness probe" has_event "$WEB" Warning Unhealthy "Readiness probe failed: HTTP probe failed with statuscode: 404"
sk exec "$WEB" -- sh -c 'echo ok >/www/index.html' || it_fail "skiff exec failed"
ag_wait_col "$WEB" 2 1/1 10

it_log "liveness: a failing exec probe restarts the container"
ag_wait_jq "$LIVE" '.status.containerStatuses[0].restartCount == 1' 25
ag_wait 5 "the Unhealthy event of the liveness probe" has_event "$LIVE" Warning Unhealthy "Liveness probe failed: cat: (can't open )?'?/tmp/healthy'?"
has_event "$LIVE" Normal Killing "Container main failed liveness probe, will be restarted" ||
	it_fail "no Killing event: $(events "$LIVE")"
# sh as pid 1 ignores SIGTERM: killed at the end of the 2 s floor
it_assert_eq "$(ag_jq "$LIVE" '.status.containerStatuses[0].lastState.terminated | "\(.exitCode) \(.reason)"')" "137 Error" "last state of the killed instance"
ag_wait_jq "$LIVE" '.status.containerStatuses[0].state.running' 10
it_assert_eq "$(ag_col "$LIVE" 4 | cut -d' ' -f1)" 1 "RESTARTS"

it_log "startup probe gates liveness and readiness"
ag_wait_jq "$START" '.status.containerStatuses[0].started' 15
ag_wait_jq "$START" '.status.containerStatuses[0].ready' 5
it_assert_eq "$(ag_jq "$START" '.status.containerStatuses[0].restartCount')" 0 "liveness did not run before startup succeeded"
if events "$START" | grep -q "Liveness probe failed"; then
	it_fail "the liveness probe ran before the startup probe succeeded: $(events "$START")"
fi

it_log "postStart: a failing exec hook kills the container"
ag_wait_jq "$PS" '.status.phase == "Failed"' 15
uid=$(ag_jq "$PS" .metadata.uid)
ag_wait 5 "FailedPostStartHook" has_event "$PS" Warning FailedPostStartHook "."
msg=$(events "$PS" | grep '^Warning|FailedPostStartHook|' | cut -d'|' -f3-)
it_assert_eq "$msg" "Exec lifecycle hook ([sh -c exit 3]) for Container \"main\" in Pod \"${PS}_default($uid)\" failed - error: command 'sh -c exit 3' exited with 3: , message: \"\"" "FailedPostStartHook message"
has_event "$PS" Normal Killing "FailedPostStartHook" || it_fail "no Killing event: $(events "$PS")"
# sh as pid 1 ignores SIGTERM: SIGKILL after the 2 s floor
it_assert_eq "$(ag_jq "$PS" '.status.containerStatuses[0].state.terminated | "\(.exitCode) \(.reason)"')" "137 Error" "the killed container"
it_assert_eq "$(ag_jq "$PS" '.status.containerStatuses[0].restartCount')" 0 "restartPolicy Never: no restart"

it_log "postStart: a hook that works runs inside the container"
ag_wait_jq "$PSOK" '.status.containerStatuses[0].ready' 15
ag_wait 5 "the container saw the hook's file" sh -c "'$SKIFF' logs --socket '$SOCK' '$PSOK' | grep -q hooked"

it_log "describe shows the events"
sk describe pod "$LIVE" >"$IT_TMP/describe" || it_fail "describe failed"
it_assert_file_match "$IT_TMP/describe" "Warning +Unhealthy +.*Liveness probe failed"
it_assert_file_match "$IT_TMP/describe" "Normal +Killing +.*Container main failed liveness probe, will be restarted"

rm -f "$MAN"/*.yaml
for p in "$WEB" "$LIVE" "$START" "$PS" "$PSOK"; do ag_wait_gone "$p" 15; done
ag_assert_clean
exit 0
