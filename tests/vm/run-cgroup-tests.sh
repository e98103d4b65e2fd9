#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The cgroups/ root tests inside a pure cgroup-v2 VM (tests/vm/cgroup2-vm.sh).
#   BUILD_DIR=build-d tests/vm/run-cgroup-tests.sh [TEST...]
# Builds skiff-cgroups-test in BUILD_DIR if needed, runs every test (or the named ones) and a
# short benchmark inside the VM. Exit status: the tests' own (0 pass, 1 fail, 124/125 VM).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build-d}
BIN=$BUILD_DIR/cgroups/skiff-cgroups-test
if [ ! -x "$BIN" ] || [ -f "$BUILD_DIR/build.ninja" ]; then
	ninja -C "$BUILD_DIR" cgroups/skiff-cgroups-test >/dev/null || { echo "build of $BIN failed"; exit 1; }
fi
guest=$(mktemp /tmp/skiff-cgroup-vm.XXXXXX.sh)
trap 'rm -f "$guest"' EXIT
cat >"$guest" <<GUEST
set -e
echo "# guest: \$(uname -r), \$(grep ' /sys/fs/cgroup ' /proc/mounts), controllers: \$(cat /sys/fs/cgroup/cgroup.controllers)"
skiff-cgroups-test $*
skiff-cgroups-test --bench ${SKIFF_VM_BENCH_RUNS:-50}
GUEST
exec tests/vm/cgroup2-vm.sh --timeout "${VM_TIMEOUT:-600}" "$guest" "$BIN"
