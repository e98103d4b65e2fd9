#!/bin/bash
# A bounded libFuzzer run of one built target over a copy of its seed corpus:
#   tests/fuzz/run.sh BUILD/tests/fuzz/fuzz-yaml [SECONDS]
# Seeds come from tests/fuzz/corpus/<target>/ (copied to a temporary directory, so the tree
# stays clean), the dictionary from tests/fuzz/<target>.dict when there is one. Exits 0 when
# the run found nothing; otherwise libFuzzer's status, with the crashing input kept under
# ${SKIFF_FUZZ_ARTIFACTS:-/tmp/skiff-fuzz-artifacts}/<target>/.
set -u
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 FUZZ-TARGET [SECONDS]" >&2
	exit 2
fi
target=$1
seconds=${2:-20}
name=$(basename "$target")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/skiff-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
artifacts=${SKIFF_FUZZ_ARTIFACTS:-/tmp/skiff-fuzz-artifacts}/$name
mkdir -p "$work/corpus" "$artifacts"
[ -d "$here/corpus/$name" ] && cp -r "$here/corpus/$name/." "$work/corpus/"
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384
	-print_final_stats=1 -artifact_prefix="$artifacts/")
[ -f "$here/$name.dict" ] && args+=(-dict="$here/$name.dict")
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$target" "${args[@]}" "$work/corpus" >"$work/log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	tail -60 "$work/log"
	echo "$name: libFuzzer exited with $rc; inputs kept in $artifacts/" >&2
	exit $rc
fi
grep -E '^stat::number_of_executed_units|^Done' "$work/log" | tr '\n' ' '
echo "$name: no findings in ${seconds}s"
exit 0
