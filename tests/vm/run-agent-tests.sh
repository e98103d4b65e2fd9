#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The kubelet's cgroup values on pure cgroup v2 (KUBELET-BEHAVIOUR.md §4.3-4.5), inside a
# throw-away VM (tests/vm/cgroup2-vm.sh): `skiff run` of a Guaranteed, a Burstable and a
# BestEffort pod, then the guest reads cpu.weight (the kubelet's linear formula on pod and QoS
# cgroups, the OCI runtimes' on containers), cpu.max, memory.max and pids.max of every level.
#   BUILD_DIR=build tests/vm/run-agent-tests.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
ninja -C "$BUILD_DIR" agent/skiff runtime/skiff-monitor >/dev/null
work=$(mktemp -d /tmp/skiff-agent-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
# the image store, made here: the guest has no libarchive for the builtin import
"$BUILD_DIR/agent/skiff" image import --image-dir "$work/images" --builtin busybox >/dev/null
mkdir -p "$work/pods"
cat >"$work/pods/pods.yaml" <<'EOF'
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: guaranteed}
  spec:
    restartPolicy: Never
    terminationGracePeriodSeconds: 1
    containers:
    - name: c
      image: busybox
      command: [sleep, "8"]
      resources: {limits: {cpu: 500m, memory: 64Mi}}
- apiVersion: v1
  kind: Pod
  metadata: {name: burstable}
  spec:
    restartPolicy: Never
    terminationGracePeriodSeconds: 1
    containers:
    - name: c
      image: busybox
      command: [sleep, "8"]
      resources: {requests: {cpu: 100m}, limits: {memory: 64Mi}}
- apiVersion: v1
  kind: Pod
  metadata: {name: besteffort}
  spec:
    restartPolicy: Never
    terminationGracePeriodSeconds: 1
    containers:
    - name: c
      image: busybox
      command: [sleep, "8"]
EOF
cat >"$work/config.yaml" <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupRoot: /vmtest
healthzPort: 0
podPidsLimit: 100
podLogsDir: /tmp/logs
skiff:
  rootDir: /tmp/root
  stateDir: /tmp/run
  imageDir: /opt/images
EOF
cat >"$work/guest.sh" <<'GUEST'
fail=0
check() { # file want what
	got=$(cat "$1" 2>/dev/null || echo "<missing $1>")
	if [ "$got" = "$2" ]; then echo "ok   $3: $got"; else echo "FAIL $3: got '$got', want '$2'"; fail=1; fi
}
echo "# guest: $(uname -r); $(grep ' /sys/fs/cgroup ' /proc/mounts)"
skiff run --config /opt/config.yaml /opt/pods/pods.yaml >/tmp/run.log 2>&1 &
run=$!
for i in $(seq 1 100); do
	[ "$(ls -d /sys/fs/cgroup/vmtest/skiff-run-*/kubepods/pod* /sys/fs/cgroup/vmtest/skiff-run-*/kubepods/*/pod* 2>/dev/null | wc -l)" -ge 3 ] && break
	sleep 0.1
done
sleep 1
K=$(echo /sys/fs/cgroup/vmtest/skiff-run-*/kubepods)
G=$(ls -d "$K"/pod* | head -1)
B=$(ls -d "$K"/burstable/pod* | head -1)
E=$(ls -d "$K"/besteffort/pod* | head -1)
ctr() { for d in "$1"/*/; do [ -f "$d/cpu.weight" ] && echo "${d%/}" && return; done; }
# Guaranteed: shares 512 -> pod weight 1 + (510 * 9999) / 262142 = 20 (kubelet), container 59 (runc/crun)
check "$G/cpu.weight" 20 "guaranteed pod cpu.weight"
check "$G/cpu.max" "50000 100000" "guaranteed pod cpu.max"
check "$G/memory.max" 67108864 "guaranteed pod memory.max"
check "$G/pids.max" 100 "guaranteed pod pids.max"
check "$(ctr "$G")/cpu.weight" 59 "guaranteed container cpu.weight"
check "$(ctr "$G")/cpu.max" "50000 100000" "guaranteed container cpu.max"
check "$(ctr "$G")/memory.max" 67108864 "guaranteed container memory.max"
# Burstable: shares 102 -> pod 4, container 17; no cpu limit anywhere; memory limited everywhere
check "$B/cpu.weight" 4 "burstable pod cpu.weight"
check "$B/cpu.max" "max 100000" "burstable pod cpu.max"
check "$B/memory.max" 67108864 "burstable pod memory.max"
check "$(ctr "$B")/cpu.weight" 17 "burstable container cpu.weight"
check "$(ctr "$B")/memory.max" 67108864 "burstable container memory.max"
check "$K/burstable/cpu.weight" 4 "burstable tier cpu.weight (sum of requests)"
# BestEffort: shares 2 -> weight 1 at every level, no limits
check "$E/cpu.weight" 1 "besteffort pod cpu.weight"
check "$E/memory.max" max "besteffort pod memory.max"
check "$(ctr "$E")/cpu.weight" 1 "besteffort container cpu.weight"
check "$K/besteffort/cpu.weight" 1 "besteffort tier cpu.weight"
wait $run
rc=$?
cat /tmp/run.log | grep -E "^pod " || true
[ $rc = 0 ] || { echo "FAIL skiff run exited $rc"; tail -20 /tmp/run.log; fail=1; }
left=$(find /sys/fs/cgroup/vmtest -mindepth 1 -type d 2>/dev/null | wc -l)
[ "$left" = 0 ] || { echo "FAIL $left cgroups left under /vmtest"; fail=1; }
grep -q ' /tmp/root' /proc/self/mountinfo && { echo "FAIL mounts left"; fail=1; }
exit $fail
GUEST
exec tests/vm/cgroup2-vm.sh --timeout "${VM_TIMEOUT:-600}" -m overlay \
	-a "$work/images:/opt/images" -a "$work/pods:/opt/pods" -a "$work/config.yaml:/opt/config.yaml" \
	-e SKIFF_MONITOR=/usr/local/bin/skiff-monitor \
	"$work/guest.sh" "$BUILD_DIR/agent/skiff" "$BUILD_DIR/runtime/skiff-monitor"
