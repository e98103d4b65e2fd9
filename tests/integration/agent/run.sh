#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# skiff run: a pod that succeeds (exit 0, logs prefixed pod/container), one that fails (exit 1),
# a PodList of two pods, a bad manifest (the file and the field named, nothing started), SIGTERM
# stops the pods; nothing is left behind.
. "$(dirname "$0")/lib-agent.sh"

F=$IT_TMP/files
mkdir -p "$F"

run_clean() {
	ag_assert_clean
	below=$(ag_cgroups_below_root)
	[ -z "$below" ] || it_fail "cgroups left under $CGROOT: $below"
	[ -z "$(ls -A "$LOGS")" ] || it_fail "pod logs left: $(ls -A "$LOGS")"
}

it_log "a pod that succeeds"
cat >"$F/ok.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'echo hello; echo to-stderr >&2; echo bye']
EOF
ag_run "$IT_TMP/out" "$F/ok.yaml"
rc=$?
it_assert_eq "$rc" 0 "skiff run of a succeeding pod: $(cat "$IT_TMP/out.err")"
out=$(cat "$IT_TMP/out")
it_assert_match "$out" '^ok/main: hello$' "prefixed stdout line"
it_assert_match "$out" '^ok/main: to-stderr$' "prefixed stderr line"
# order within one stream is kept
it_assert_eq "$(grep -v to-stderr "$IT_TMP/out")" "ok/main: hello
ok/main: bye" "stdout lines in order"
it_assert_file_match "$IT_TMP/out.err" '^pod default/ok: Succeeded$'
run_clean

it_log "a pod that fails"
cat >"$F/fail.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: bad-exit
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 2
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'echo failing; exit 3']
EOF
ag_run "$IT_TMP/out" "$F/fail.yaml"
rc=$?
it_assert_eq "$rc" 1 "skiff run of a failing pod"
it_assert_file_match "$IT_TMP/out" '^bad-exit/main: failing$'
it_assert_file_match "$IT_TMP/out.err" '^pod default/bad-exit: Failed'
run_clean

it_log "a PodList of two pods, one OnFailure pod retried"
cat >"$F/list.yaml" <<'EOF'
apiVersion: v1
kind: PodList
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: first}
  spec:
    restartPolicy: Never
    terminationGracePeriodSeconds: 1
    containers:
    - name: a
      image: busybox
      command: [sh, -c, 'echo one']
- apiVersion: v1
  kind: Pod
  metadata: {name: second, namespace: other}
  spec:
    restartPolicy: OnFailure
    terminationGracePeriodSeconds: 1
    containers:
    - name: b
      image: busybox
      command: [sh, -c, 'echo two']
EOF
ag_run "$IT_TMP/out" "$F/list.yaml"
rc=$?
it_assert_eq "$rc" 0 "skiff run of a PodList: $(cat "$IT_TMP/out.err")"
it_assert_file_match "$IT_TMP/out" '^first/a: one$'
it_assert_file_match "$IT_TMP/out" '^second/b: two$'
it_assert_file_match "$IT_TMP/out.err" '^pod default/first: Succeeded$'
it_assert_file_match "$IT_TMP/out.err" '^pod other/second: Succeeded$'
run_clean

it_log "a JSON List and a YAML Pod together; one failing pod fails the run"
cat >"$F/list.json" <<'EOF'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "json-pod"},
  "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
   "containers": [{"name": "j", "image": "busybox", "command": ["sh", "-c", "echo from-json"]}]}}]}
EOF
ag_run "$IT_TMP/out" "$F/list.json" "$F/fail.yaml"
rc=$?
it_assert_eq "$rc" 1 "one of two pods failed"
it_assert_file_match "$IT_TMP/out" '^json-pod/j: from-json$'
it_assert_file_match "$IT_TMP/out.err" '^pod default/json-pod: Succeeded$'
it_assert_file_match "$IT_TMP/out.err" '^pod default/bad-exit: Failed'
run_clean

it_log "a bad manifest: file and field named, nothing started"
cat >"$F/broken.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: broken
spec:
  restartPolicy: Sometimes
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'touch /should-not-run; sleep 60']
EOF
ag_run "$IT_TMP/out" "$F/ok.yaml" "$F/broken.yaml"
rc=$?
[ "$rc" != 0 ] || it_fail "skiff run of a bad manifest exited 0"
err=$(cat "$IT_TMP/out.err")
it_assert_match "$err" "broken\.yaml" "the error names the file"
it_assert_match "$err" "spec\.restartPolicy" "the error names the field"
it_assert_no_match "$(cat "$IT_TMP/out")" "hello" "no pod of the run started"
[ -z "$(ls -A "$ROOT/pods" 2>/dev/null)" ] || it_fail "pod directories made: $(ls "$ROOT/pods")"
run_clean

cat >"$F/syntax.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: syntax
spec:
  containers:
  - name: main
    image: busybox
     command: [sh]
EOF
ag_run "$IT_TMP/out" "$F/syntax.yaml"
rc=$?
[ "$rc" != 0 ] || it_fail "skiff run of a YAML syntax error exited 0"
it_assert_file_match "$IT_TMP/out.err" "syntax\.yaml"
run_clean

cat >"$F/noname.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {}
spec:
  containers:
  - name: main
    image: busybox
EOF
ag_run "$IT_TMP/out" "$F/noname.yaml"
rc=$?
[ "$rc" != 0 ] || it_fail "skiff run of a pod without a name exited 0"
it_assert_file_match "$IT_TMP/out.err" "noname\.yaml"
it_assert_file_match "$IT_TMP/out.err" "metadata\.name"
ag_run "$IT_TMP/out" "$F/does-not-exist.yaml"
rc=$?
[ "$rc" != 0 ] || it_fail "skiff run of a missing file exited 0"
it_assert_file_match "$IT_TMP/out.err" "does-not-exist\.yaml"
run_clean

it_log "SIGTERM stops the pods within their grace period"
cat >"$F/long.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: long}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "echo got-term; exit 0" TERM; echo up; while :; do sleep 0.1; done']
EOF
start_run() {
	"$SKIFF" run --config "$CFG" --root-dir "$ROOT" --state-dir "$STATE" --cgroup-root "$CGROOT" \
		--node-name "$NODE" "$@" >"$IT_TMP/out" 2>"$IT_TMP/out.err" &
	RUN_PID=$!
	AG_PIDS="$AG_PIDS $RUN_PID"
}
start_run "$F/long.yaml"
it_wait_for 20 grep -q '^long/main: up$' "$IT_TMP/out" || it_fail "the pod did not start: $(cat "$IT_TMP/out.err")"
[ -n "$(ag_pod_cgroups)" ] || it_fail "no pod cgroup under $CGROOT while the pod runs"
t0=$(ag_now)
kill -TERM $RUN_PID
wait $RUN_PID
rc=$?
took=$(ag_elapsed "$t0")
ag_num_between "$took" 0 3 || it_fail "skiff run took ${took}s to stop after SIGTERM"
it_assert_file_match "$IT_TMP/out" '^long/main: got-term$'
# every container ended with 0: the stopped pod Succeeded (getPhase of a terminal pod)
it_assert_file_match "$IT_TMP/out.err" '^pod default/long: Succeeded$'
it_assert_eq "$rc" 0 "exit status after SIGTERM"
run_clean

it_log "a second SIGINT stops a pod that ignores SIGTERM at once"
cat >"$F/stubborn.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 30
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "echo ignoring-term" TERM; echo up; while :; do sleep 0.1; done']
EOF
start_run "$F/stubborn.yaml"
it_wait_for 20 grep -q '^stubborn/main: up$' "$IT_TMP/out" || it_fail "the pod did not start: $(cat "$IT_TMP/out.err")"
t0=$(ag_now)
kill -INT $RUN_PID
it_wait_for 5 grep -q '^stubborn/main: ignoring-term$' "$IT_TMP/out" || it_fail "no SIGTERM seen by the container"
kill -INT $RUN_PID
wait $RUN_PID
rc=$?
took=$(ag_elapsed "$t0")
ag_num_between "$took" 0 6 || it_fail "skiff run took ${took}s to stop after two SIGINTs"
it_assert_file_match "$IT_TMP/out.err" '^pod default/stubborn: Failed'
it_assert_eq "$rc" 1 "exit status after a forced stop"
run_clean
exit 0
