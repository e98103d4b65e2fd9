#!/bin/bash
# skiff's whole test suite, from a fresh Debian 12 machine as root:
#   installs what it needs, builds with ASan+UBSan (and a plain build for valgrind and the
#   static monitor), then runs: format check, unit tests (sanitized and under valgrind),
#   integration tests as root against the real kernel (cgroup v1 hybrid on this host),
#   the same container tests inside a pure cgroup-v2 VM, and bounded fuzz runs.
# Ends with the line "N passed, N failed, N skipped".
#   SKIFF_TEST_QUICK=1   skip the VM and fuzz stages (developer loop)
#   SKIFF_FUZZ_SECONDS   seconds per fuzz target (default 20)
set -u
cd "$(dirname "$0")/.."
SRC=$PWD
TALLY=$(mktemp)
trap 'rm -f "$TALLY"' EXIT

scripts/deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

record() { # pass fail skip stage
	echo "$1 $2 $3" >>"$TALLY"
	printf '== %-28s %d passed, %d failed, %d skipped\n' "$4" "$1" "$2" "$3"
}

setup() { # dir, meson args...
	local dir=$1
	shift
	if [ -d "$dir" ]; then
		meson configure "$dir" "$@" >/dev/null || return 1
	else
		meson setup "$dir" "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >"$dir.ninja.log" 2>&1 || { tail -40 "$dir.ninja.log"; return 1; }
}

# meson test summary -> tally
meson_stage() { # name, builddir, meson test args...
	local name=$1 dir=$2 log
	shift 2
	log=$(mktemp)
	meson test -C "$dir" --print-errorlogs "$@" >"$log" 2>&1
	local ok fail skip
	ok=$(awk '/^Ok:/{print $2}' "$log")
	fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/{s+=$NF} END{print s+0}' "$log")
	skip=$(awk '/^Skipped:/{print $2}' "$log")
	if [ -z "$ok" ]; then
		grep -q 'No tests defined\|No suitable tests' "$log" && ok=0 fail=0 skip=0 || { cat "$log"; ok=0 fail=1 skip=0; }
	fi
	[ "${fail:-0}" -gt 0 ] && grep -E 'FAIL|TIMEOUT|ERROR' "$log" | head -40
	rm -f "$log"
	record "$ok" "${fail:-0}" "${skip:-0}" "$name"
}

# 1. builds
if setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true; then
	record 1 0 0 "build (asan+ubsan)"
	asan_ok=1
else
	record 0 1 0 "build (asan+ubsan)"
	asan_ok=0
fi
if setup build-release -Dwerror=true -Dstatic_monitor=auto; then
	record 1 0 0 "build (release, static)"
	rel_ok=1
else
	record 0 1 0 "build (release, static)"
	rel_ok=0
fi

# 2. formatting
if scripts/check-format.sh >/tmp/skiff-format.log 2>&1; then
	record 1 0 0 "clang-format"
else
	cat /tmp/skiff-format.log | head -30
	record 0 1 0 "clang-format"
fi

# 3. unit tests: sanitized, then under valgrind
[ $asan_ok = 1 ] && meson_stage "unit (asan+ubsan)" build-asan --suite unit
[ $rel_ok = 1 ] && meson_stage "unit (valgrind)" build-release --suite unit \
	--wrapper 'valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --error-exitcode=66 -q'

# 4. root tests: meson's root suite and the integration scripts, with the sanitized binaries
if [ $asan_ok = 1 ]; then
	meson_stage "root (asan+ubsan)" build-asan --suite root --num-processes 1
	out=$(mktemp)
	BUILD_DIR=$SRC/build-asan tests/run-integration.sh | tee "$out"
	read -r p f s < <(awk '/^integration:/{print $2, $4, $6}' "$out")
	record "${p:-0}" "${f:-1}" "${s:-0}" "integration (asan+ubsan)"
	rm -f "$out"
fi

# 5. pure cgroup v2 VM and fuzzing
if [ "${SKIFF_TEST_QUICK:-0}" != 1 ]; then
	if [ $rel_ok = 1 ] && [ -x tests/vm/run-vm-tests.sh ]; then
		if BUILD_DIR=$SRC/build-release tests/vm/run-vm-tests.sh; then
			record 1 0 0 "cgroup v2 VM"
		else
			record 0 1 0 "cgroup v2 VM"
		fi
	fi
	if CC=clang setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false; then
		for t in $(find build-fuzz/tests/fuzz -maxdepth 1 -type f -name 'fuzz-*' -executable -printf '%f\n' | sort); do
			if tests/fuzz/run.sh "build-fuzz/tests/fuzz/$t" "${SKIFF_FUZZ_SECONDS:-20}"; then
				record 1 0 0 "fuzz $t"
			else
				record 0 1 0 "fuzz $t"
			fi
		done
	else
		record 0 1 0 "build (fuzz)"
	fi
fi

awk '{p+=$1; f+=$2; s+=$3} END{printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f>0)}' "$TALLY"
