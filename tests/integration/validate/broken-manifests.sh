#!/bin/bash
# `skiff validate` on tests/manifests/broken/NAME.{yaml,json}: exit 1, nothing on stdout, and
# exactly the lines of NAME.expected on stderr. A manifest over 10 MiB is refused. The
# examples in contrib/examples/ validate without a message and print one Pod each.
# Runs as any user; needs only the binary.
set -u
[ -x "${SKIFF:-}" ] || { echo "SKIFF binary not built"; exit 77; }
src=$(cd "${SRCDIR:-$(dirname "$0")/../../..}" && pwd)
tmp=$(mktemp -d "${SKIFF_TEST_TMP:-/tmp}/validate.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
	echo "FAIL $*"
	failed=1
}

# check NAME FILE: run in FILE's directory so messages name the file as the .expected does
check_broken() {
	local dir=$1 file=$2 expected=$3
	(cd "$dir" && "$SKIFF" validate "$file" >"$tmp/out" 2>"$tmp/err")
	local rc=$?
	[ $rc -eq 1 ] || fail "$file: exit $rc, want 1"
	[ -s "$tmp/out" ] && fail "$file: printed a pod"
	if ! diff -u "$expected" "$tmp/err" >"$tmp/diff"; then
		fail "$file: stderr differs from $(basename "$expected")"
		cat "$tmp/diff"
	else
		echo "ok $file"
	fi
}

n=0
for f in "$src"/tests/manifests/broken/*.yaml "$src"/tests/manifests/broken/*.json; do
	[ -e "$f" ] || continue
	check_broken "$src/tests/manifests/broken" "$(basename "$f")" "${f%.*}.expected"
	n=$((n + 1))
done
[ $n -ge 15 ] || fail "only $n broken manifests"

# More than the kubelet's 10 MiB, however valid the start looks.
{
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  annotations:\n    pad: "'
	head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' x
	printf '"\n'
} >"$tmp/big.yaml"
echo "big.yaml: file too large: a manifest may have at most 10485760 bytes" >"$tmp/big.expected"
check_broken "$tmp" big.yaml "$tmp/big.expected"

# A file that does not exist.
(cd "$tmp" && "$SKIFF" validate missing.yaml >/dev/null 2>"$tmp/err")
rc=$?
[ $rc -eq 1 ] || fail "missing.yaml: exit $rc, want 1"
grep -qx "missing.yaml: cannot read the file: No such file or directory" "$tmp/err" ||
	fail "missing.yaml: $(cat "$tmp/err")"

# Usage errors exit 2.
"$SKIFF" validate >/dev/null 2>&1
[ $? -eq 2 ] || fail "no file: want exit 2"
"$SKIFF" validate -o xml "$src/contrib/examples/web.yaml" >/dev/null 2>&1
[ $? -eq 2 ] || fail "-o xml: want exit 2"

# The examples: valid, silent on stderr, one Pod each with the expected QoS class.
declare -A qos=([web]=Burstable [batch-job]=Burstable [init-containers]=BestEffort
	[resources]=Burstable)
for f in "$src"/contrib/examples/*.yaml; do
	name=$(basename "$f" .yaml)
	if ! "$SKIFF" validate "$f" >"$tmp/out" 2>"$tmp/err"; then
		fail "example $name rejected"
		cat "$tmp/err"
		continue
	fi
	[ -s "$tmp/err" ] && { fail "example $name: messages on stderr"; cat "$tmp/err"; }
	grep -qx "kind: Pod" "$tmp/out" || fail "example $name: no Pod printed"
	want=${qos[$name]:-}
	[ -z "$want" ] || grep -qx "  qosClass: $want" "$tmp/out" ||
		fail "example $name: qosClass is not $want"
	"$SKIFF" validate -o json "$f" >"$tmp/json" 2>/dev/null || fail "example $name: -o json"
	grep -q '"kind": "Pod"' "$tmp/json" || fail "example $name: -o json printed no Pod"
	# What skiff prints reads back as the same pod.
	"$SKIFF" validate -o json "$tmp/json" >"$tmp/json2" 2>"$tmp/err" ||
		fail "example $name: its own output is rejected: $(cat "$tmp/err")"
	cmp -s "$tmp/json" "$tmp/json2" || fail "example $name: output does not read back the same"
	echo "ok example $name"
done

# Several files: YAML documents separated by ---, or one JSON List.
"$SKIFF" validate "$src"/contrib/examples/*.yaml >"$tmp/out" 2>/dev/null || fail "all examples"
[ "$(grep -cx -- '---' "$tmp/out")" -eq 3 ] || fail "4 examples are not 4 YAML documents"
"$SKIFF" validate -o json "$src"/contrib/examples/*.yaml >"$tmp/out" 2>/dev/null
grep -q '"kind": "List"' "$tmp/out" || fail "4 examples in JSON are not a List"

# One bad file among good ones: exit 1, the good pods still printed.
"$SKIFF" validate "$src/contrib/examples/web.yaml" "$src/tests/manifests/broken/tty.yaml" \
	>"$tmp/out" 2>/dev/null
[ $? -eq 1 ] || fail "a bad file among good ones: want exit 1"
grep -q "name: web" "$tmp/out" || fail "the good pod was not printed"

exit $failed
