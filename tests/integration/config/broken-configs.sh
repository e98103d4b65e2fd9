#!/bin/bash
# Every tests/config/broken/NAME.yaml must make `skiff config` exit 1 and print each line of
# NAME.expected (a fixed substring) on stderr. Runs as any user; needs only the binary.
set -u
[ -x "${SKIFF:-}" ] || { echo "SKIFF binary not built"; exit 77; }
cd "${SRCDIR:-$(dirname "$0")/../../..}/tests/config/broken" || exit 1

failed=0
for conf in *.yaml; do
	name=${conf%.yaml}
	flags=()
	[ -f "$name.flags" ] && read -r -a flags <"$name.flags"
	err=$("$SKIFF" config --config "$conf" "${flags[@]}" 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL $conf: exit $rc, want 1"
		failed=1
	fi
	while IFS= read -r want; do
		[ -n "$want" ] || continue
		if ! grep -qF -- "$want" <<<"$err"; then
			echo "FAIL $conf: missing: $want"
			failed=1
		fi
	done <"$name.expected"
	if [ $failed -ne 0 ]; then
		echo "--- stderr of $conf:"
		echo "$err"
		exit 1
	fi
	echo "ok $conf"
done
exit 0
