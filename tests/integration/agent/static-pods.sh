#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Static pods from --pod-manifest-path (KUBELET-BEHAVIOUR.md §5.1): a new file starts its pod
# (<name>-<node>, config.source/hash/seen annotations, nodeName), any
# extension is read, dot-files are ignored, a changed file replaces the pod (new UID, started
# only once the old one is gone), a broken file is reported (agent log, a Warning from
# `skiff get pods`) while the other pods keep running, a removed file stops its pod within its
# grace period and leaves nothing behind.
. "$(dirname "$0")/lib-agent.sh"

SHARED=$IT_TMP/shared
ag_note_script "$SHARED"

# put NAME: write stdin to $MAN/NAME atomically (a dot-file first, which the agent ignores).
put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}

web_manifest() {
	cat <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: main
    image: busybox
    env: [{name: VERSION, value: "$1"}]
    command: [sh, -c, 'sh /shared/note order "start-\$VERSION"; trap "sleep 1; sh /shared/note order stop-\$VERSION; exit 0" TERM; while :; do sleep 0.1; done']
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - name: shared
    hostPath: {path: $SHARED, type: Directory}
EOF
}

ag_start --file-check-frequency 20s
WEB=$(ag_static web)

it_log "a new file starts its pod"
t0=$(ag_now)
web_manifest v1 | put web.yaml
ag_wait_jq "$WEB" '.status.phase == "Running" and .status.containerStatuses[0].ready' 15
took=$(ag_elapsed "$t0")
# inotify, not the 20 s rescan
ag_num_between "$took" 0 10 || it_fail "the new file was picked up after ${took}s"
j=$(ag_json "$WEB")
uid=$(echo "$j" | jq -r .metadata.uid)
it_assert_match "$uid" '^[0-9a-f]{32}$' "static pod UID"
it_assert_eq "$(echo "$j" | jq -r .metadata.name)" "web-$NODE" "name"
it_assert_eq "$(echo "$j" | jq -r .metadata.namespace)" default "namespace"
it_assert_eq "$(echo "$j" | jq -r '.metadata.annotations["kubernetes.io/config.source"]')" file "config.source"
it_assert_eq "$(echo "$j" | jq -r '.metadata.annotations["kubernetes.io/config.hash"]')" "$uid" "config.hash"
seen=$(echo "$j" | jq -r '.metadata.annotations["kubernetes.io/config.seen"]')
it_assert_match "$seen" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "config.seen"
it_assert_eq "$(echo "$j" | jq -r .metadata.labels.app)" web "labels kept"
# printed as kubectl does, without escaped slashes
echo "$j" | grep -q '^ *"kubernetes.io/config.source": "file",\?$' ||
	it_fail "-o json: no \"kubernetes.io/config.source\": $(echo "$j" | grep config.source)"
it_assert_eq "$(echo "$j" | jq -r .spec.nodeName)" "$NODE" "spec.nodeName"
# (the kubelet also adds an Exists/NoExecute toleration; skiff's Pod model has no tolerations)
it_assert_eq "$(ag_col "$WEB" 3)" Running "STATUS column"
cid1=$(ag_cid "$WEB" main)

it_log "any extension is read, dot-files are ignored"
cat <<'EOF' | put extra.manifest
apiVersion: v1
kind: Pod
metadata: {name: extra}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox, command: [sleep, "3600"]}
EOF
cat >"$MAN/.hidden.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: hidden}
spec:
  containers:
  - {name: main, image: busybox, command: [sleep, "3600"]}
EOF
EXTRA=$(ag_static extra)
ag_wait_jq "$EXTRA" '.status.phase == "Running"' 15
sleep 1
if sk get pods "$(ag_static hidden)" >/dev/null 2>&1; then
	it_fail "a dot-file was read as a static pod"
fi

it_log "a broken file is reported, the other pods keep running"
extra_cid=$(ag_cid "$EXTRA" main)
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n  - name: [oops\n' | put broken.yaml
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: badfield\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - {name: main, image: busybox}\n' | put badfield.yaml
ag_wait 10 "the broken files in the agent log" grep -q "broken\.yaml" "$AG_LOG"
ag_wait 10 "the bad field in the agent log" grep -q "badfield\.yaml.*restartPolicy" "$AG_LOG"
sk get pods >"$IT_TMP/get.out" 2>"$IT_TMP/get.err" || it_fail "skiff get pods failed with a broken file"
it_assert_file_match "$IT_TMP/get.err" "^Warning: .*$MAN/broken\.yaml"
it_assert_file_match "$IT_TMP/get.err" "^Warning: .*$MAN/badfield\.yaml: .*spec\.restartPolicy"
it_assert_file_match "$IT_TMP/get.out" "^$WEB +1/1 +Running +0 "
it_assert_file_match "$IT_TMP/get.out" "^$EXTRA +1/1 +Running +0 "
if grep -q "broken\|badfield" "$IT_TMP/get.out"; then
	it_fail "a broken file gave a pod: $(cat "$IT_TMP/get.out")"
fi
it_assert_eq "$(ag_cid "$EXTRA" main)" "$extra_cid" "the other pod's container kept running"
it_assert_eq "$(ag_cid "$WEB" main)" "$cid1" "the other pod's container kept running"
# reported once, not on every rescan
n=$(grep -c "broken\.yaml" "$AG_LOG")
touch "$MAN/extra.manifest"
sleep 1
it_assert_eq "$(grep -c "broken\.yaml" "$AG_LOG")" "$n" "a broken file logged once"
rm -f "$MAN/broken.yaml" "$MAN/badfield.yaml"
it_wait_for 10 sh -c "! '$SKIFF' get pods --socket '$SOCK' 2>&1 >/dev/null | grep -q Warning" ||
	it_fail "the Warning stays after the broken files went away"

it_log "a file holding two pods is refused"
cat <<'EOF' | put two.yaml
apiVersion: v1
kind: PodList
items:
- {apiVersion: v1, kind: Pod, metadata: {name: t1}, spec: {containers: [{name: c, image: busybox}]}}
- {apiVersion: v1, kind: Pod, metadata: {name: t2}, spec: {containers: [{name: c, image: busybox}]}}
EOF
ag_wait 10 "the two-pod file in the agent log" grep -q "two\.yaml" "$AG_LOG"
if sk get pods "$(ag_static t1)" >/dev/null 2>&1; then
	it_fail "a pod of a two-pod file was started"
fi
rm -f "$MAN/two.yaml"

it_log "a changed file replaces the pod: new UID, started after the old one stopped"
web_manifest v2 | put web.yaml
ag_wait_jq "$WEB" ".metadata.uid != \"$uid\" and .status.phase == \"Running\" and .status.containerStatuses[0].ready" 20
uid2=$(ag_jq "$WEB" .metadata.uid)
it_assert_match "$uid2" '^[0-9a-f]{32}$' "new UID"
it_assert_eq "$(ag_jq "$WEB" '.metadata.annotations["kubernetes.io/config.hash"]')" "$uid2" "config.hash of the new pod"
it_assert_eq "$(ag_jq "$WEB" '.spec.containers[0].env[0].value')" v2 "the new spec"
n=$(sk get pods -o name | grep -c "^pod/$WEB$")
it_assert_eq "$n" 1 "one pod of that name"
# the old pod's log directory and state went away with it
[ ! -d "$LOGS/default_${WEB}_$uid" ] || it_fail "the old pod's logs are still there"
[ ! -d "$STATE/pods/$uid" ] || it_fail "the old pod's checkpoint is still there"
it_wait_for 5 grep -q "^start-v2" "$SHARED/order" || it_fail "v2 did not start: $(cat "$SHARED/order")"
stop1=$(awk '$1 == "stop-v1" { print $2 }' "$SHARED/order")
start2=$(awk '$1 == "start-v2" { print $2 }' "$SHARED/order")
[ -n "$stop1" ] || it_fail "v1 was not stopped with SIGTERM: $(cat "$SHARED/order")"
awk -v a="$stop1" -v b="$start2" 'BEGIN { exit !(b + 0 > a + 0) }' ||
	it_fail "the new pod started before the old one stopped: $(cat "$SHARED/order")"

it_log "a removed file stops its pod within its grace period"
cat <<'EOF' | put stubborn.yaml
apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'trap "" TERM; while :; do sleep 0.1; done']
EOF
STUB=$(ag_static stubborn)
ag_wait_jq "$STUB" '.status.phase == "Running"' 15
stub_uid=$(ag_jq "$STUB" .metadata.uid)
t0=$(ag_now)
rm -f "$MAN/stubborn.yaml"
ag_wait_gone "$STUB" 15
took=$(ag_elapsed "$t0")
# SIGTERM ignored: SIGKILL at the end of the 3 s grace
ag_num_between "$took" 2.5 6 || it_fail "the removed pod took ${took}s to go (grace 3 s)"
grep -q "$STUB.*removed by its source" "$AG_LOG" || it_fail "no removal in the agent log"
[ -z "$(it_cgroup_dirs "$CGROOT/kubepods/besteffort/pod$stub_uid")" ] || it_fail "the removed pod's cgroup is left"
[ ! -d "$LOGS/default_${STUB}_$stub_uid" ] || it_fail "the removed pod's logs are left"

it_log "removing every file leaves nothing behind"
rm -f "$MAN/web.yaml" "$MAN/extra.manifest"
ag_wait_gone "$WEB" 15
ag_wait_gone "$EXTRA" 15
it_assert_file_match "$SHARED/order" "^stop-v2 "
# the hidden file is still there and still ignored
it_assert_eq "$(sk get pods -o name)" "" "pods left"
ag_assert_clean
ag_stop TERM
ag_assert_clean
exit 0
