#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Admission (KUBELET-BEHAVIOUR.md §4.6): --max-pods 1 rejects a second pod (Failed, OutOfpods,
# "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 1,
# capacity: 1"); with a virtual node of skiff.nodeCapacity {cpu: 2, memory: 1Gi}, requests
# beyond allocatable give OutOfcpu / OutOfmemory with the kubelet's numbers (allocatable memory
# = capacity - the 100Mi hard eviction threshold); finished pods no longer count.
. "$(dirname "$0")/lib-agent.sh"

put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
events() {
	curl -s --unix-socket "$SOCK" "http://localhost/pods/default/$1/events" |
		jq -r '.items[] | "\(.type)|\(.reason)|\(.message)"'
}
it_require_cmd curl
pod() { # NAME CPU-REQUEST MEMORY-REQUEST [COMMAND]
	cat <<EOF | put "$1.yaml"
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, '${4:-exec sleep 3600}']
    resources:
      requests: {cpu: "$2", memory: "$3"}
EOF
}
assert_rejected() { # POD REASON MESSAGE
	ag_wait_jq "$1" '.status.phase == "Failed"' 10
	j=$(ag_json "$1")
	it_assert_eq "$(echo "$j" | jq -r .status.reason)" "$2" "$1: reason"
	it_assert_eq "$(echo "$j" | jq -r .status.message)" "Pod was rejected: $3" "$1: message"
	it_assert_eq "$(echo "$j" | jq -c '.status.containerStatuses // []')" "[]" "$1: no container ran"
	it_assert_eq "$(ag_col "$1" 3)" "$2" "$1: STATUS"
	it_assert_eq "$(ag_col "$1" 2)" "0/1" "$1: READY"
	events "$1" | grep -qxF "Warning|$2|$3" || it_fail "$1: no $2 event: $(events "$1")"
	uid=$(echo "$j" | jq -r .metadata.uid)
	[ -z "$(ag_pod_cgroups | grep "$uid")" ] || it_fail "$1: a cgroup for a rejected pod"
}

it_log "--max-pods 1"
ag_start --max-pods 1
pod first 0 0
FIRST=$(ag_static first)
ag_wait_jq "$FIRST" '.status.phase == "Running"' 15
pod second 0 0
SECOND=$(ag_static second)
assert_rejected "$SECOND" OutOfpods "Node didn't have enough resource: pods, requested: 1, used: 1, capacity: 1"
it_assert_eq "$(ag_jq "$FIRST" .status.phase)" Running "the first pod keeps running"
# a rejected pod stays rejected when room appears
rm -f "$MAN/first.yaml"
ag_wait_gone "$FIRST" 15
sleep 1
it_assert_eq "$(ag_jq "$SECOND" .status.phase)" Failed "a rejected pod is not retried"
# a finished pod does not count
rm -f "$MAN/second.yaml"
ag_wait_gone "$SECOND" 10
pod done 0 0 'exit 0'
ag_wait_jq "$(ag_static done)" '.status.phase == "Succeeded"' 15
pod third 0 0
ag_wait_jq "$(ag_static third)" '.status.phase == "Running"' 15
rm -f "$MAN"/*.yaml
ag_wait_gone "$(ag_static third)" 15
ag_wait_gone "$(ag_static done)" 15
ag_stop TERM

it_log "a virtual node of 2 CPUs and 1Gi"
# (string values: the map is typed like the kubelet's map[string]string fields)
ag_config 'nodeCapacity: {cpu: "2", memory: 1Gi, pods: "10"}'
ag_start
pod big-cpu 1500m 100Mi
BIGCPU=$(ag_static big-cpu)
ag_wait_jq "$BIGCPU" '.status.phase == "Running"' 15
pod more-cpu 600m 0
assert_rejected "$(ag_static more-cpu)" OutOfcpu "Node didn't have enough resource: cpu, requested: 600, used: 1500, capacity: 2000"
pod fits-cpu 500m 0
ag_wait_jq "$(ag_static fits-cpu)" '.status.phase == "Running"' 15
# allocatable memory: 1Gi - 100Mi (memory.available hard threshold) = 968884224
pod big-mem 0 1Gi
assert_rejected "$(ag_static big-mem)" OutOfmemory "Node didn't have enough resource: memory, requested: 1073741824, used: 104857600, capacity: 968884224"
pod fits-mem 0 800Mi
ag_wait_jq "$(ag_static fits-mem)" '.status.phase == "Running"' 15
pod more-mem 0 100Mi
assert_rejected "$(ag_static more-mem)" OutOfmemory "Node didn't have enough resource: memory, requested: 104857600, used: 943718400, capacity: 968884224"
# init containers: the larger of the biggest init request and the sum of the app requests
cat <<'EOF' | put init-big.yaml
apiVersion: v1
kind: Pod
metadata: {name: init-big}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 1
  initContainers:
  - {name: i, image: busybox, command: ["true"], resources: {requests: {cpu: "1"}}}
  containers:
  - {name: main, image: busybox, command: [sleep, "3600"], resources: {requests: {cpu: 10m}}}
EOF
assert_rejected "$(ag_static init-big)" OutOfcpu "Node didn't have enough resource: cpu, requested: 1000, used: 2000, capacity: 2000"

rm -f "$MAN"/*.yaml
for p in big-cpu more-cpu fits-cpu big-mem fits-mem more-mem init-big; do
	ag_wait_gone "$(ag_static $p)" 15
done
ag_assert_clean
exit 0
