#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Run a test script inside a throw-away pure cgroup-v2 VM: Debian's stock kernel under QEMU/TCG
# (/dev/kvm on these machines is PVM-backed and cannot boot a stock kernel) with a busybox
# initramfs that mounts cgroup2 at /sys/fs/cgroup. No network, nothing shared with the host.
#
# usage: tests/vm/cgroup2-vm.sh [OPTIONS] TEST.sh [BINARY...]
#   BINARY...               copied to /usr/local/bin (on PATH) with their shared-library closure
#   -a, --add SRC[:DEST]    copy a file or directory to DEST (default /opt/<basename>); ELF
#                           executables inside get their shared libraries too
#   -m, --module NAME       load a kernel module and its dependencies first (overlay, veth, ...)
#   -e, --env NAME=VALUE    exported before TEST.sh runs
#   -t, --timeout SECONDS   bound on the whole VM run (default $VM_TIMEOUT or 300)
# environment: VM_MEM (MiB, 1024), VM_CPUS (2), VM_VERBOSE=1 (stream the console),
#   SKIFF_VM_CACHE (kernel cache, /var/cache/skiff-vm), KERNEL (use this vmlinuz: no modules)
# exit status: TEST.sh's own; 124 when the VM timed out; 125 when the VM failed to report.
# Needs root only for apt-get: qemu-system-x86, cpio and busybox-static are installed if missing.
set -euo pipefail

die() { echo "cgroup2-vm: $*" >&2; exit 125; }
usage() { sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 125; }

ADDS=() MODULES=() ENVS=()
TIMEOUT=${VM_TIMEOUT:-300}
while [ $# -gt 0 ]; do
	case $1 in
	-a | --add) ADDS+=("$2"); shift 2 ;;
	-m | --module) MODULES+=("$2"); shift 2 ;;
	-e | --env) ENVS+=("$2"); shift 2 ;;
	-t | --timeout) TIMEOUT=$2; shift 2 ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
TEST=$(realpath "$1") || die "no test script $1"
shift
t0=$(date +%s.%N)

# 1. tools, from Debian packages
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx insmod || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
	echo "cgroup2-vm: installing ${need[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null; } ||
		die "cannot install ${need[*]}"
fi
{ ldd /bin/busybox 2>&1 || true; } | grep -q 'not a dynamic' || die "/bin/busybox is not static (install busybox-static)"

# 2. kernel: Debian's linux-image package, downloaded once into the cache (vmlinuz + module list)
CACHE=${SKIFF_VM_CACHE:-/var/cache/skiff-vm}
mkdir -p "$CACHE"
KVER="" DEB=""
if [ -n "${KERNEL:-}" ]; then
	K=$KERNEL
	[ ${#MODULES[@]} -eq 0 ] || die "--module needs the packaged kernel (unset KERNEL)"
else
	pkg() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
	PKG=$(pkg)
	[ -n "$PKG" ] || { apt-get update -q >/dev/null 2>&1 || true; PKG=$(pkg); }
	[ -n "$PKG" ] || PKG=$(cd "$CACHE" && ls linux-image-*.deb 2>/dev/null | sed 's/_.*//' | tail -1)
	[ -n "$PKG" ] || die "cannot find Debian's linux-image package"
	KVER=${PKG#linux-image-}
	DEB=$(ls "$CACHE/${PKG}"_*.deb 2>/dev/null | tail -1 || true)
	if [ -z "$DEB" ]; then
		(cd "$CACHE" && apt-get download -q "$PKG" >/dev/null 2>&1) || die "apt-get download $PKG failed"
		DEB=$(ls "$CACHE/${PKG}"_*.deb | tail -1)
	fi
	K=$CACHE/$KVER/boot/vmlinuz-$KVER
	if [ ! -f "$K" ]; then
		mkdir -p "$CACHE/$KVER"
		dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$CACHE/$KVER" --wildcards './boot/vmlinuz-*'
		dpkg-deb --fsys-tarfile "$DEB" | tar -t | grep '\.ko$' >"$CACHE/$KVER/modules.list"
	fi
fi
[ -f "$K" ] || die "no kernel at $K"

# 3. initramfs
R=$(mktemp -d /tmp/skiff-vm.XXXXXX)
cleanup() { rm -rf "$R"; }
trap cleanup EXIT
mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,opt,usr/bin,usr/sbin,usr/local/bin}
cp /bin/busybox "$R/bin/busybox"
cp "$TEST" "$R/test.sh"
chmod +x "$R/test.sh"

copy_libs() { # the shared-library closure of one ELF file
	local lib
	for lib in $(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true); do
		[ -e "$R$lib" ] && continue
		mkdir -p "$R$(dirname "$lib")"
		cp -L "$lib" "$R$lib"
	done
}
is_elf() { [ -f "$1" ] && [ "$(head -c4 "$1" 2>/dev/null | tr -d '\0')" = $'\x7fELF' ]; }

for b in "$@"; do
	[ -f "$b" ] || die "no binary $b"
	cp "$b" "$R/usr/local/bin/"
	copy_libs "$b"
done
for a in "${ADDS[@]}"; do
	src=${a%%:*}
	dest=/opt/$(basename "$src")
	[ "$src" != "$a" ] && dest=${a#*:}
	[ -e "$src" ] || die "no file $src"
	mkdir -p "$R$(dirname "$dest")"
	cp -a "$src" "$R$dest"
	while IFS= read -r -d '' f; do
		[ -x "$f" ] && is_elf "$f" && copy_libs "$f"
	done < <(find "$R$dest" -type f -print0)
done

# kernel modules with their dependencies (from the .ko's own depends=), loaded in order
load_order=()
add_module() {
	local name=${1//-/_} path dep
	for m in "${load_order[@]}"; do [ "$m" = "$name" ] && return 0; done
	path=$(grep -E "/${name//_/[-_]}\.ko$" "$CACHE/$KVER/modules.list" | head -1)
	[ -n "$path" ] || die "no module $1 in $PKG"
	if [ ! -f "$CACHE/$KVER/$path" ]; then
		dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$CACHE/$KVER" "$path"
	fi
	for dep in $(tr '\0' '\n' <"$CACHE/$KVER/$path" | sed -n 's/^depends=//p' | tr ',' ' '); do
		add_module "$dep"
	done
	mkdir -p "$R/lib/modules"
	cp "$CACHE/$KVER/$path" "$R/lib/modules/$name.ko"
	load_order+=("$name")
}
for m in "${MODULES[@]}"; do add_module "$m"; done
printf '%s\n' "${load_order[@]}" >"$R/etc/skiff-vm.modules"
: >"$R/etc/skiff-vm.env"
for e in "${ENVS[@]}"; do printf 'export %q\n' "$e" >>"$R/etc/skiff-vm.env"; done

cat >"$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
hostname skiff-vm
ip link set lo up 2>/dev/null
while read -r m; do
	[ -n "$m" ] && { insmod "/lib/modules/$m.ko" || echo "cgroup2-vm: insmod $m failed"; }
done </etc/skiff-vm.modules
. /etc/skiff-vm.env
cd /
sh /test.sh
echo "@@SKIFF_VM_EXIT=$?"
sync
poweroff -f
INIT
chmod +x "$R/init"
(cd "$R" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$R.initrd"
trap 'rm -rf "$R" "$R.initrd" "$R.log"' EXIT
t1=$(date +%s.%N)

# 4. boot, bounded
set +e
qemu() {
	timeout --kill-after=10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max \
		-m "${VM_MEM:-1024}" -smp "${VM_CPUS:-2}" -nographic -no-reboot -nic none \
		-kernel "$K" -initrd "$R.initrd" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 psi=1 cgroup_no_v1=all"
}
if [ "${VM_VERBOSE:-0}" = 1 ]; then
	qemu 2>&1 | tee "$R.log"
	qrc=${PIPESTATUS[0]}
else
	qemu >"$R.log" 2>&1
	qrc=$?
fi
set -e
t2=$(date +%s.%N)
if [ "${VM_VERBOSE:-0}" != 1 ]; then
	tr -d '\r' <"$R.log" | sed 's/\x1bc//g; s/\x1b\[[0-9;?]*[a-zA-Z]//g' | grep -v -e '@@SKIFF_VM_EXIT=' -e '^\s*$' -e SeaBIOS -e iPXE \
		-e 'Booting from' -e 'reboot: Power' -e '^\[ *[0-9]*\.[0-9]*\] ' || true
fi
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN{printf "cgroup2-vm: prepare %.1f s, vm %.1f s\n", b-a, c-b}' >&2
rc=$(tr -d '\r' <"$R.log" | sed -n 's/.*@@SKIFF_VM_EXIT=\([0-9]*\).*/\1/p' | tail -1)
if [ -z "$rc" ]; then
	[ "$qrc" = 124 ] && { echo "cgroup2-vm: timed out after $TIMEOUT s" >&2; exit 124; }
	echo "cgroup2-vm: the VM did not report an exit status (qemu exit $qrc)" >&2
	tail -20 "$R.log" >&2
	exit 125
fi
exit "$rc"
