#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Cleanup: pods with every kind of volume (emptyDir on disk and in memory, hostPath
# DirectoryOrCreate and File), a host-network pod, init containers and sidecars, leave nothing
# behind once removed: no mount under the test's directories, no pod cgroup (only the agent's
# kubepods tiers stay), no monitor or container process, no pod, container or log directory;
# after `skiff run` ends, not even its own kubepods tiers; a pod stopped mid-start (removed while its
# containers are being created) is cleaned up too.
. "$(dirname "$0")/lib-agent.sh"

put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
HOSTDIR=$IT_TMP/hostdir
mkdir -p "$HOSTDIR"
echo hello >"$HOSTDIR/file"

volumes_pod() { # NAME
	cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: init, image: busybox, command: [sh, -c, 'echo init >/cache/init'], volumeMounts: [{name: cache, mountPath: /cache}]}
  - name: sidecar
    image: busybox
    restartPolicy: Always
    command: [sleep, "3600"]
    volumeMounts: [{name: mem, mountPath: /mem}]
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'cat /cache/init /host/file; echo x >/mem/x; echo y >/made/y; exec sleep 3600']
    volumeMounts:
    - {name: cache, mountPath: /cache}
    - {name: mem, mountPath: /mem}
    - {name: made, mountPath: /made}
    - {name: file, mountPath: /host/file, readOnly: true}
  volumes:
  - {name: cache, emptyDir: {}}
  - {name: mem, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
  - {name: made, hostPath: {path: $HOSTDIR/made, type: DirectoryOrCreate}}
  - {name: file, hostPath: {path: $HOSTDIR/file, type: File}}
EOF
}

it_log "the agent: pods with volumes, host network, sidecars"
ag_start
volumes_pod vols | put vols.yaml
cat <<'EOF' | put hostnet.yaml
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox, command: [sleep, "3600"]}
EOF
VOLS=$(ag_static vols)
HN=$(ag_static hostnet)
ag_wait_jq "$VOLS" '.status.phase == "Running" and ([.status.containerStatuses[].ready] | all)' 20
ag_wait_jq "$HN" '.status.phase == "Running"' 20
ag_wait 5 "the main container's output" sh -c "'$SKIFF' logs --socket '$SOCK' '$VOLS' -c main | grep -q hello"
it_assert_eq "$(sk logs "$VOLS" -c main)" "init
hello" "volumes shared between init and main"
it_assert_file_match "$HOSTDIR/made/y" '^y$'
vuid=$(ag_jq "$VOLS" .metadata.uid)
huid=$(ag_jq "$HN" .metadata.uid)
[ -n "$(it_mounts_under "$IT_TMP")" ] || it_fail "no mounts while the pods run?"
it_log "mounts while running: $(it_mounts_under "$IT_TMP" | wc -l)"
cids=$(ls "$STATE/containers")
[ -n "$cids" ] || it_fail "no container state while the pods run"

rm -f "$MAN/vols.yaml" "$MAN/hostnet.yaml"
ag_wait_gone "$VOLS" 15
ag_wait_gone "$HN" 15
ag_assert_clean
for d in "$ROOT/pods/$vuid" "$ROOT/pods/$huid" "$STATE/pods/$vuid" "$STATE/pods/$huid" \
	"$LOGS/default_${VOLS}_$vuid" "$LOGS/default_${HN}_$huid"; do
	[ ! -e "$d" ] || it_fail "left behind: $d: $(find "$d" | head)"
done
[ -z "$(ls -A "$STATE/containers")" ] || it_fail "container state left: $(ls "$STATE/containers")"
[ -z "$(ls -A "$ROOT/containers")" ] || it_fail "container root dirs left: $(ls "$ROOT/containers")"
it_assert_eq "$(ag_cgroups_below_root | tr '\n' ' ')" "kubepods kubepods/besteffort kubepods/burstable skiff-monitors " "cgroups under the root (the node-level ones stay)"
# the hostPath content stays: it is the host's
it_assert_file_match "$HOSTDIR/made/y" '^y$'
it_assert_file_match "$HOSTDIR/file" '^hello$'

it_log "a pod removed while its containers start"
cat <<'EOF' | put quick.yaml
apiVersion: v1
kind: Pod
metadata: {name: quick}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: a, image: busybox, command: [sleep, "3600"]}
  - {name: b, image: busybox, command: [sleep, "3600"]}
  - {name: c, image: busybox, command: [sleep, "3600"]}
EOF
QUICK=$(ag_static quick)
ag_wait 10 "$QUICK to appear" ag_json "$QUICK"
rm -f "$MAN/quick.yaml"
ag_wait_gone "$QUICK" 15
it_wait_for 5 sh -c "[ -z \"\$(ls -A '$STATE/containers')\" ]" || it_fail "container state left: $(ls "$STATE/containers")"
ag_assert_clean
ag_stop TERM

it_log "skiff run leaves nothing, not even its kubepods tiers"
volumes_pod runvols | sed 's/exec sleep 3600/exit 0/; s/command: \[sleep, "3600"\]/command: [sh, -c, "trap \\"exit 0\\" TERM; sleep 3600 \& wait"]/' |
	sed 's/^spec:/spec:\n  restartPolicy: Never/' >"$IT_TMP/runvols.yaml"
# the stopped agent's kubepods tiers stay (as the kubelet's do); skiff run nests its own
before=$(ag_cgroups_below_root)
AG_RUN_TIMEOUT=30 ag_run "$IT_TMP/run.out" "$IT_TMP/runvols.yaml"
rc=$?
it_assert_eq "$rc" 0 "skiff run of the volumes pod: $(cat "$IT_TMP/run.out.err")"
it_assert_file_match "$IT_TMP/run.out" '^runvols/main: hello$'
ag_assert_clean
it_assert_eq "$(ag_cgroups_below_root)" "$before" "cgroups under $CGROOT after skiff run"
[ -z "$(ls -A "$STATE/run" 2>/dev/null)" ] || it_fail "skiff run state left: $(ls "$STATE/run")"
[ -z "$(ls -A "$ROOT/pods" 2>/dev/null)" ] || it_fail "pod directories left: $(ls "$ROOT/pods")"
[ -z "$(ls -A "$LOGS")" ] || it_fail "logs left: $(ls "$LOGS")"
exit 0
