#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cgroups on a cgroup v1 host (KUBELET-BEHAVIOUR.md §4): kubepods with node allocatable
# (--kube-reserved, --system-reserved over skiff.nodeCapacity), the QoS tiers, and for a
# Guaranteed, a Burstable and a BestEffort pod the kubelet's values in the pod cgroup
# (kubepods/pod<uid>, kubepods/burstable/pod<uid>, kubepods/besteffort/pod<uid>) and in the
# container cgroup below it: cpu.shares, cpu.cfs_quota_us / cfs_period_us,
# memory.limit_in_bytes, pids.max (--pod-max-pids); oom_score_adj of the container's process
# (-997, the Burstable formula, 1000). A container over its memory limit ends OOMKilled; a
# fork bomb is held by pids.max.
. "$(dirname "$0")/lib-agent.sh"
ag_require_testhelper

V1=/sys/fs/cgroup
for c in cpu memory pids; do
	grep -qE " $V1/$c cgroup .*[ ,]$c(,|$)" /proc/self/mountinfo ||
		awk '$9 == "cgroup" { print $5 }' /proc/self/mountinfo | grep -qx "$V1/$c" ||
		it_skip "needs the cgroup v1 $c hierarchy at $V1/$c"
done

put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
cg() { # CONTROLLER PATH-UNDER-ROOT FILE
	cat "$V1/$1/$IT_CGROUP_ROOT/$2/$3" 2>/dev/null || echo "(missing $1:$2/$3)"
}
check() { # CONTROLLER PATH FILE WANT
	it_assert_eq "$(cg "$1" "$2" "$3")" "$4" "$1 $2/$3"
}
ctr_pid() { # POD CONTAINER
	it_json_get "$STATE/containers/$(ag_cid "$1" "$2")/state.json" pid
}
UNLIMITED=$(cat "$V1/memory/memory.limit_in_bytes")
# -997 needs CAP_SYS_RESOURCE (bit 24), which a node inside a container may lack
HAVE_SYS_RESOURCE=$(((0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status) >> 24) & 1))
MEMTOTAL=$(($(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) * 1024))

ag_config 'nodeCapacity: {cpu: "2", memory: 2Gi}'
ag_start --pod-max-pids 40 --kube-reserved cpu=200m,memory=256Mi --system-reserved memory=256Mi

it_log "kubepods and the QoS tiers"
# allocatable cpu 1800m -> 1843 shares; memory 2Gi - 512Mi (no eviction threshold here)
check cpu kubepods cpu.shares 1843
check memory kubepods memory.limit_in_bytes $((1536 * 1024 * 1024))
check cpu kubepods/besteffort cpu.shares 2
check cpu kubepods/burstable cpu.shares 2

cat <<EOF | put guaranteed.yaml
apiVersion: v1
kind: Pod
metadata: {name: guaranteed}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sleep, "3600"]
    resources:
      limits: {cpu: 500m, memory: 64Mi}
EOF
cat <<EOF | put burstable.yaml
apiVersion: v1
kind: Pod
metadata: {name: burstable}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sleep, "3600"]
    resources:
      requests: {cpu: 250m, memory: 512Mi}
      limits: {memory: 1Gi}
  - name: small
    image: busybox
    command: [sleep, "3600"]
    resources:
      requests: {cpu: 100m, memory: 16Mi}
      limits: {cpu: 200m, memory: 32Mi}
EOF
cat <<EOF | put besteffort.yaml
apiVersion: v1
kind: Pod
metadata: {name: besteffort}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sleep, "3600"]
EOF
G=$(ag_static guaranteed)
B=$(ag_static burstable)
BE=$(ag_static besteffort)
for p in "$G" "$B" "$BE"; do
	ag_wait_jq "$p" '.status.phase == "Running" and ([.status.containerStatuses[].ready] | all)' 15
done
it_assert_eq "$(ag_jq "$G" .status.qosClass)" Guaranteed "qosClass"
it_assert_eq "$(ag_jq "$B" .status.qosClass)" Burstable "qosClass"
it_assert_eq "$(ag_jq "$BE" .status.qosClass)" BestEffort "qosClass"
GU=$(ag_jq "$G" .metadata.uid)
BU=$(ag_jq "$B" .metadata.uid)
BEU=$(ag_jq "$BE" .metadata.uid)

it_log "Guaranteed: kubepods/pod<uid>"
GP=kubepods/pod$GU
check cpu "$GP" cpu.shares 512
check cpu "$GP" cpu.cfs_quota_us 50000
check cpu "$GP" cpu.cfs_period_us 100000
check memory "$GP" memory.limit_in_bytes 67108864
check pids "$GP" pids.max 40
GC=$GP/$(ag_cid "$G" main)
check cpu "$GC" cpu.shares 512
check cpu "$GC" cpu.cfs_quota_us 50000
check memory "$GC" memory.limit_in_bytes 67108864
pid=$(ctr_pid "$G" main)
[ -n "$pid" ] && it_pid_alive "$pid" || it_fail "no pid for the guaranteed container"
it_assert_match "$(cat /proc/"$pid"/cgroup)" "^[0-9]+:memory:/$IT_CGROUP_ROOT/$GC\$" "the process is in its container cgroup"
if [ "$HAVE_SYS_RESOURCE" = 1 ]; then
	it_assert_eq "$(cat /proc/"$pid"/oom_score_adj)" -997 "Guaranteed oom_score_adj"
else
	# no CAP_SYS_RESOURCE on this node: raised to the agent's own value, and said so
	floor=$(cat /proc/self/oom_score_adj)
	[ "$floor" -lt -997 ] && floor=-997
	it_assert_eq "$(cat /proc/"$pid"/oom_score_adj)" "$floor" "Guaranteed oom_score_adj without CAP_SYS_RESOURCE"
	it_assert_file_match "$AG_LOG" "no CAP_SYS_RESOURCE: container oom_score_adj values below"
	it_log "no CAP_SYS_RESOURCE here: Guaranteed oom_score_adj $floor instead of -997"
fi

it_log "Burstable: kubepods/burstable/pod<uid>"
BP=kubepods/burstable/pod$BU
check cpu "$BP" cpu.shares 358 # 350m
# not every container has a cpu limit: no quota; every one has a memory limit: the sum
check cpu "$BP" cpu.cfs_quota_us -1
check memory "$BP" memory.limit_in_bytes $((1024 * 1024 * 1024 + 32 * 1024 * 1024))
check pids "$BP" pids.max 40
BC=$BP/$(ag_cid "$B" main)
check cpu "$BC" cpu.shares 256
check cpu "$BC" cpu.cfs_quota_us -1
check memory "$BC" memory.limit_in_bytes 1073741824
BS=$BP/$(ag_cid "$B" small)
check cpu "$BS" cpu.shares 102
check cpu "$BS" cpu.cfs_quota_us 20000
check cpu "$BS" cpu.cfs_period_us 100000
check memory "$BS" memory.limit_in_bytes 33554432
# the burstable tier: shares of the sum of the burstable pods' cpu requests
check cpu kubepods/burstable cpu.shares 358
# 1000 - 1000 x request / machine memory, never below 3
want=$((1000 - 1000 * 512 * 1024 * 1024 / MEMTOTAL))
[ $want -lt 3 ] && want=3
it_assert_eq "$(cat /proc/"$(ctr_pid "$B" main)"/oom_score_adj)" "$want" "Burstable oom_score_adj (512Mi of $MEMTOTAL)"
want=$((1000 - 1000 * 16 * 1024 * 1024 / MEMTOTAL))
[ $want -eq 1000 ] && want=999
it_assert_eq "$(cat /proc/"$(ctr_pid "$B" small)"/oom_score_adj)" "$want" "Burstable oom_score_adj (16Mi of $MEMTOTAL)"

it_log "BestEffort: kubepods/besteffort/pod<uid>"
EP=kubepods/besteffort/pod$BEU
check cpu "$EP" cpu.shares 2
check cpu "$EP" cpu.cfs_quota_us -1
check memory "$EP" memory.limit_in_bytes "$UNLIMITED"
check pids "$EP" pids.max 40
EC=$EP/$(ag_cid "$BE" main)
check cpu "$EC" cpu.shares 2
check memory "$EC" memory.limit_in_bytes "$UNLIMITED"
it_assert_eq "$(cat /proc/"$(ctr_pid "$BE" main)"/oom_score_adj)" 1000 "BestEffort oom_score_adj"

it_log "over the memory limit: OOMKilled"
cat <<EOF | put oom.yaml
apiVersion: v1
kind: Pod
metadata: {name: oom}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [$TH, memhog, "128"]
    resources:
      limits: {memory: 32Mi}
$(ag_th_mount)
$(ag_th_volume)
EOF
OOM=$(ag_static oom)
ag_wait_jq "$OOM" '.status.phase == "Failed"' 20
it_assert_eq "$(ag_jq "$OOM" '.status.containerStatuses[0].state.terminated | "\(.exitCode) \(.reason)"')" "137 OOMKilled" "OOM-killed container"
it_assert_eq "$(ag_col "$OOM" 3)" OOMKilled "STATUS"

it_log "a fork bomb is held by pids.max"
cat <<EOF | put bomb.yaml
apiVersion: v1
kind: Pod
metadata: {name: bomb}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [$TH, forkbomb, "500"]
$(ag_th_mount)
$(ag_th_volume)
EOF
BOMB=$(ag_static bomb)
ag_wait_jq "$BOMB" '.status.phase == "Failed" or .status.phase == "Succeeded"' 20
out=$(sk logs "$BOMB")
forked=$(echo "$out" | sed -n 's/^forked: //p')
it_assert_match "$out" "fork error: EAGAIN" "the fork bomb hit the limit: $out"
[ -n "$forked" ] && [ "$forked" -lt 40 ] || it_fail "forked $forked processes under pids.max 40"
# the other pods did not suffer
it_assert_eq "$(ag_jq "$G" '.status.containerStatuses[0].restartCount')" 0 "the guaranteed pod kept running"

it_log "removing the pods removes their cgroups"
rm -f "$MAN"/*.yaml
for p in "$G" "$B" "$BE" "$OOM" "$BOMB"; do ag_wait_gone "$p" 15; done
ag_assert_clean
check cpu kubepods/burstable cpu.shares 2
exit 0
