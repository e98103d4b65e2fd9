#!/bin/bash
# Kubelet flags override the file (kubelet precedence), in both --flag value and --flag=value
# forms; unknown keys in the file are warnings, unknown flags errors.
set -u
[ -x "${SKIFF:-}" ] || { echo "SKIFF binary not built"; exit 77; }
tmp=$(mktemp -d "${SKIFF_TEST_TMP:-/tmp}/config-flags.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/c.yaml" <<'YAML'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
maxPods: 20
staticPodPath: manifests
evictionHard: {memory.available: 1Gi}
mergeDefaultEvictionSettings: true
syncFrequency: 1m
YAML
"$SKIFF" config --config "$tmp/c.yaml" --max-pods 30 --cgroups-per-qos=false \
	--enforce-node-allocatable=none --hostname-override=Node-X \
	--eviction-soft 'memory.available<2Gi' --eviction-soft-grace-period=memory.available=1m30s \
	--kube-reserved cpu=100m,memory=100Mi --root-dir=/srv/skiff -o json >"$tmp/out" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "refused"; }
grep -qF 'syncFrequency: unknown field "syncFrequency", ignored' "$tmp/err" || fail "no unknown-field warning"
for want in '"maxPods": 30' '"cgroupsPerQOS": false' '"nodeName": "node-x"' "\"staticPodPath\": \"$tmp/manifests\"" \
	'"memory.available": "1Gi"' '"nodefs.available": "10%"' '"gracePeriod": "1m30s"' \
	'"imageDir": "/srv/skiff/images"' '"cpu": "100m"'; do
	grep -qF -- "$want" "$tmp/out" || { cat "$tmp/out"; fail "missing $want"; }
done
# enforceNodeAllocatable=none: no allocatableMemory.available clone
grep -qF allocatableMemory "$tmp/out" && fail "allocatable threshold without pods enforcement"

"$SKIFF" config --no-such-flag 2>"$tmp/err" >/dev/null && fail "unknown flag accepted"
grep -qF -- '--no-such-flag: unknown flag' "$tmp/err" || fail "unknown flag not named"
"$SKIFF" config --config "$tmp/missing.yaml" 2>"$tmp/err" >/dev/null && fail "missing file accepted"
grep -qF "$tmp/missing.yaml: cannot read the configuration file" "$tmp/err" || fail "missing file not named"
echo ok
