#!/bin/bash
# Runs every tests/integration/<area>/*.sh as root (see tests/integration/README.md).
# Usage: BUILD_DIR=build tests/run-integration.sh [AREA|TEST...]
# Prints PASS/FAIL/SKIP per test and ends with "integration: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
SRCDIR=$PWD
BUILD_DIR=${BUILD_DIR:-$SRCDIR/build}
export SRCDIR BUILD_DIR
export SKIFF=${SKIFF:-$BUILD_DIR/agent/skiff}
export SKIFF_MONITOR=${SKIFF_MONITOR:-$BUILD_DIR/runtime/skiff-monitor}
export SKIFF_TESTHELPER=${SKIFF_TESTHELPER:-$BUILD_DIR/tests/helpers/skiff-testhelper}
export SKIFF_TEST_TMP=${SKIFF_TEST_TMP:-$(mktemp -d /tmp/skiff-it.XXXXXX)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

tests=()
if [ $# -eq 0 ]; then
	for t in tests/integration/*/*.sh; do [ -x "$t" ] && tests+=("$t"); done
else
	for a in "$@"; do
		if [ -d "tests/integration/$a" ]; then
			for t in tests/integration/"$a"/*.sh; do [ -x "$t" ] && tests+=("$t"); done
		else
			tests+=("$a")
		fi
	done
fi

pass=0 fail=0 skip=0
for t in "${tests[@]}"; do
	log="$SKIFF_TEST_TMP/$(echo "$t" | tr / _).log"
	start=$(date +%s.%N)
	timeout --kill-after=10 "${SKIFF_TEST_TIMEOUT:-300}" "$t" >"$log" 2>&1
	rc=$?
	dur=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $t (${dur}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $t: $(tail -1 "$log")" ;;
	*) fail=$((fail + 1)); echo "FAIL $t (exit $rc, ${dur}s)"; tail -25 "$log" | sed 's/^/    /' ;;
	esac
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
