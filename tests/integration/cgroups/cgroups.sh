#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# cgroups/ against the real kernel (v1 hybrid on the host, pure v2 in tests/vm/): create, set
# and read back kubelet values, attach, stats, OOM, pids.max, kill, destroy, then a short
# benchmark. The program makes and removes its own root skiff-test-<pid> and only signals the
# processes it forked. Conventions: tests/integration/README.md.
set -u
BUILD_DIR=${BUILD_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/build}
BIN=$BUILD_DIR/cgroups/skiff-cgroups-test
[ "$(id -u)" = 0 ] || { echo "needs root"; exit 77; }
[ -x "$BIN" ] || { echo "not built: $BIN"; exit 77; }
"$BIN" || exit 1
"$BIN" --bench "${SKIFF_CGROUP_BENCH_RUNS:-100}"
