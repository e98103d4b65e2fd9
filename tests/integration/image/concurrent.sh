#!/bin/bash
# Several CLIs on one store at once: imports of the same layer under many names, removals and
# gc running beside them. The index keeps every name (flock + atomic rename) and every image
# left resolves to complete layers.
. "$(dirname "$0")/common.inc"

make_rootfs "$T/r"
tar -C "$T/r" -cf "$T/r.tar" .
img import --builtin busybox >/dev/null

pids=()
for i in $(seq 1 12); do
	img import "app:$i" "$T/r.tar" >"$T/log.$i" 2>&1 &
	pids+=($!)
done
for i in $(seq 1 4); do
	img import "gone:$i" "$T/r.tar" >/dev/null 2>&1 && img rm "gone:$i" >/dev/null 2>&1 &
	pids+=($!)
	img gc >/dev/null 2>&1 &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
for i in $(seq 1 12); do
	# an import whose shared layer a concurrent gc removed says so and can be retried
	if ! grep -q "^imported" "$T/log.$i"; then
		grep -q "import again" "$T/log.$i" || { cat "$T/log.$i"; fail "app:$i"; }
		img import "app:$i" "$T/r.tar" >/dev/null
	fi
done
[ "$(img ls | grep -c '^docker.io/library/app ')" = 12 ] || { img ls; fail "lost references"; }
img ls | grep -q '^docker.io/library/gone' && fail "removed references came back"
for i in $(seq 1 12); do
	root=$(lowerdirs "app:$i")
	[ -x "$root/bin/busybox" ] || fail "app:$i incomplete"
done
[ "$(n_layers)" = 2 ] || { ls "$STORE/layers/sha256"; fail "one layer for app, one for busybox"; }
img gc >/dev/null
[ -z "$(ls -A "$STORE/tmp")" ] || { ls -la "$STORE/tmp"; fail "staging left"; }
echo PASS
