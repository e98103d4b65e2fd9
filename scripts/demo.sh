#!/bin/bash
# skiff's main job on a fresh Debian 12 machine, as root: install what it needs, build, and
# validate the example manifests. (The runtime issue turns this into running them.)
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
./build/agent/skiff validate contrib/examples/*.yaml
