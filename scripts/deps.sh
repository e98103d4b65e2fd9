#!/bin/sh
# Install every Debian 12 package skiff's build, demo and tests need. Idempotent.
#   scripts/deps.sh           build + demo + tests
#   scripts/deps.sh --bench   also the peers the benchmarks compare against
set -eu
pkgs="
  meson ninja-build pkg-config gcc clang clang-format git
  libcgroup-dev libseccomp-dev libcap-dev libcurl4-openssl-dev libjson-c-dev
  libsystemd-dev libyaml-dev libcmocka-dev libmicrohttpd-dev libarchive-dev nettle-dev zlib1g-dev
  busybox-static valgrind iproute2 procps psmisc util-linux python3 python3-grpcio openssl zstd umoci skopeo xz-utils gzip jq inotify-tools curl
  qemu-system-x86 cpio
"
if [ "${1:-}" = "--bench" ]; then
	pkgs="$pkgs crun runc podman conmon hyperfine"
fi
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || true
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
