#!/bin/bash
# contrib/config/config.yaml (the documented example) loads without an error or a warning, and
# its printed effective configuration has the kubelet defaults and reads back unchanged.
set -u
[ -x "${SKIFF:-}" ] || { echo "SKIFF binary not built"; exit 77; }
src=${SRCDIR:-$(dirname "$0")/../../..}
tmp=$(mktemp -d "${SKIFF_TEST_TMP:-/tmp}/config-example.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$SKIFF" config --config "$src/contrib/config/config.yaml" --node-name test-node -o json \
	>"$tmp/out.json" 2>"$tmp/err" || { cat "$tmp/err"; fail "example config refused"; }
[ -s "$tmp/err" ] && { cat "$tmp/err"; fail "example config printed warnings"; }

for want in '"maxPods": 110' '"fileCheckFrequency": "20s"' '"evictionPressureTransitionPeriod": "5m0s"' \
	'"cpuCFSQuotaPeriod": "100ms"' '"memoryThrottlingFactor": 0.9' '"containerLogMaxSize": "10Mi"' \
	'"memory.available": "100Mi"' '"imagefs.available": "15%"' '"signal": "allocatableMemory.available"' \
	'"rootDir": "/var/lib/skiff"' '"imageDir": "/var/lib/skiff/images"' '"apiSocket": "/run/skiff/skiff.sock"' \
	'"nodeName": "test-node"' '"policy": "kubelet"' '"seccompDefault": false' '"MemoryQoS": false'; do
	grep -qF -- "$want" "$tmp/out.json" || fail "missing $want in the effective configuration"
done

# the printed configuration is itself a valid configuration giving the same result
"$SKIFF" config --config "$tmp/out.json" -o json >"$tmp/again.json" 2>"$tmp/err2" ||
	{ cat "$tmp/err2"; fail "printed configuration refused"; }
[ -s "$tmp/err2" ] && { cat "$tmp/err2"; fail "printed configuration gave warnings"; }
cmp -s "$tmp/out.json" "$tmp/again.json" || { diff "$tmp/out.json" "$tmp/again.json"; fail "round trip changed it"; }

# YAML output reads back too
"$SKIFF" config --config "$tmp/out.json" -o yaml >"$tmp/out.yaml" || fail "-o yaml failed"
"$SKIFF" config --config "$tmp/out.yaml" -o json >"$tmp/from-yaml.json" 2>"$tmp/err3" ||
	{ cat "$tmp/err3"; fail "YAML output refused"; }
cmp -s "$tmp/out.json" "$tmp/from-yaml.json" || { diff "$tmp/out.json" "$tmp/from-yaml.json"; fail "YAML round trip changed it"; }
echo ok
