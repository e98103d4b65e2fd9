#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# skiff.service booted for real: a debootstrapped Debian under systemd-nspawn, skiff installed
# into it with `meson install`, a static busybox pod, the unit enabled. From inside
# (nspawn-inner.sh as a oneshot unit after skiff.service): READY and STATUS= with pod counts,
# the watchdog, the pod Running, `systemctl restart` and a SIGKILLed agent keep the container
# (same ID, restartCount 0), a stalled agent is restarted by the watchdog, what
# `systemctl kill -s KILL` (every process of the unit) does to the pod, SKIFF_POD= in the
# journal, the static pod removed with its manifest.
#
# The Debian root file system is cached in $SKIFF_NSPAWN_CACHE (default /var/cache/skiff-nspawn;
# debootstrap once, 35 s to 2.5 min depending on the mirror; the shared libraries skiff needs are
# added there with apt-get, ~15 s). Each run boots an overlay of it (upper layer in the test's
# tmpdir), so the cache stays clean: a run with the cache takes ~20 s. Needs root, and Debian's
# mirror on the first run (raise SKIFF_TEST_TIMEOUT if the mirror is slow).
#
# cgroups: nspawn gives the container a cgroup namespace rooted at nspawn's own cgroup, and mounts
# the v1 controller hierarchies read-only ("no resource control inside"). The test moves nspawn
# into a cgroup of its own (skiff-nspawn-<pid> in every hierarchy, never the shell's
# memory:/process_api/...) and, inside, remounts the hierarchies read-write before skiff starts
# (skiff-nspawn-cgroups.service). The agent then runs with its default configuration: kubepods
# and the pod cgroups are made under skiff-nspawn-<pid>, which the test removes afterwards.
. "$(dirname "$0")/../lib.sh"

it_require_root
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${SKIFF_NSPAWN_CACHE:-/var/cache/skiff-nspawn}
ROOTFS=$CACHE/bookworm
BOOT_TIMEOUT=${SKIFF_NSPAWN_TIMEOUT:-150}
[ -n "${BUILD_DIR:-}" ] && [ -f "$BUILD_DIR/build.ninja" ] || it_skip "BUILD_DIR is not a meson build directory"
[ -f "$BUILD_DIR/contrib/skiff.service" ] ||
	it_fail "$BUILD_DIR/contrib/skiff.service missing (reconfigure: meson setup --reconfigure $BUILD_DIR)"
# The recipe below (a cgroup of the test's own, v1 hierarchies remounted read-write inside) is
# for this machine's hybrid layout; a pure cgroup v2 host needs another one.
grep -q ' - cgroup ' /proc/self/mountinfo ||
	it_skip "the host has no cgroup v1 hierarchies (pure cgroup v2): this test's recipe is for the hybrid layout"

elapsed() {
	awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'
}
T_START=$(date +%s.%N)

# --- tools: debootstrap and systemd-nspawn from Debian
if ! command -v debootstrap >/dev/null || ! command -v systemd-nspawn >/dev/null; then
	it_log "apt-get install debootstrap systemd-container"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap systemd-container \
		>"${SKIFF_TEST_TMP:-/tmp}/nspawn-apt.log" 2>&1 ||
		it_skip "cannot install debootstrap/systemd-container: $(tail -1 "${SKIFF_TEST_TMP:-/tmp}/nspawn-apt.log")"
fi
it_require_cmd debootstrap systemd-nspawn systemctl meson ldd dpkg flock

# --- the cached root file system: built under an exclusive lock, booted (as the lower layer of
# an overlay, which must not change underneath) under a shared one
mkdir -p "$CACHE" || it_fail "mkdir $CACHE"
exec 9>"$CACHE/.lock"
flock -w 600 9 || it_fail "another run holds $CACHE/.lock"
if [ ! -x "$ROOTFS/lib/systemd/systemd" ]; then
	it_log "debootstrap bookworm into $ROOTFS (cached for later runs)"
	t=$(date +%s.%N)
	rm -rf "$ROOTFS.tmp"
	debootstrap --variant=minbase --include=systemd,dbus bookworm "$ROOTFS.tmp" \
		>"$CACHE/debootstrap.log" 2>&1 ||
		{ rm -rf "$ROOTFS.tmp"; it_fail "debootstrap: $(tail -3 "$CACHE/debootstrap.log")"; }
	mv "$ROOTFS.tmp" "$ROOTFS" || it_fail "mv $ROOTFS.tmp"
	it_log "debootstrap: $(elapsed "$t")"
fi

it_tmpdir
T=$IT_TMP
G=skiff-nspawn-$$
MACHINE=skiff-nspawn-$$
mkdir -p "$T/upper" "$T/work" "$T/root" "$T/varlib" "$T/out" || it_fail "mkdir"

# --- skiff into a staging DESTDIR first: its binaries tell which libraries the rootfs needs
it_log "DESTDIR meson install"
DESTDIR=$T/stage meson install -C "$BUILD_DIR" --no-rebuild --quiet >"$T/install.log" 2>&1 ||
	it_fail "meson install: $(tail -5 "$T/install.log")"
unit=$(cd "$T/stage" && find . -path '*/system/skiff.service' | sed 's|^\.||' | head -1)
[ -n "$unit" ] || it_fail "meson install put no skiff.service"
exec_line=$(sed -n 's/^ExecStart=//p' "$T/stage$unit")
bin=${exec_line%% *}
config=$(printf '%s\n' "$exec_line" | sed -n 's/.*--config \([^ ]*\).*/\1/p')
monitor=$(cd "$T/stage" && find . -type f -path '*/libexec/skiff/skiff-monitor' | sed 's|^\.||' | head -1)
[ -x "$T/stage$bin" ] && [ -f "$T/stage$config" ] && [ -n "$monitor" ] ||
	it_fail "installed files: bin=$bin config=$config monitor=$monitor"
pods_dir=$(sed -n 's/^staticPodPath: *//p' "$T/stage$config")
[ -n "$pods_dir" ] || it_fail "$config sets no staticPodPath"

# The Debian package of every shared library the binaries load that the rootfs lacks.
missing=""
for f in "$T/stage$bin" "$T/stage$monitor"; do
	for lib in $(ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
		[ -e "$ROOTFS$lib" ] && continue
		pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null)
		pkg=$(printf '%s\n' "$pkg" | head -1 | sed 's/: .*//')
		[ -n "$pkg" ] || it_fail "no Debian package owns $lib (needed by $f)"
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	done
done
if [ -n "$missing" ]; then
	it_log "apt-get install into the cached rootfs:$missing"
	t=$(date +%s.%N)
	# A plain (not booted) nspawn run gives apt its /proc, /dev and the host's network.
	# shellcheck disable=SC2086
	systemd-nspawn -q --keep-unit --register=no -M "$MACHINE-apt" -D "$ROOTFS" \
		--setenv=DEBIAN_FRONTEND=noninteractive sh -c \
		"apt-get update -q && apt-get install -y -q --no-install-recommends $missing && apt-get clean" \
		>"$CACHE/apt.log" 2>&1 || it_fail "apt-get in the rootfs: $(tail -3 "$CACHE/apt.log")"
	rmdir "/run/systemd/nspawn/propagate/$MACHINE-apt" 2>/dev/null
	it_log "apt-get: $(elapsed "$t")"
fi
flock -s 9

# --- this run's root: an overlay of the cache
mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$T/upper,workdir=$T/work" "$T/root" ||
	it_fail "overlay mount"
it_on_exit "umount '$T/root' || umount -l '$T/root'"
R=$T/root
DESTDIR=$R meson install -C "$BUILD_DIR" --no-rebuild --quiet >"$T/install.log" 2>&1 ||
	it_fail "meson install into the rootfs: $(tail -5 "$T/install.log")"
echo "installed: $bin ${monitor} $unit $config"

mkdir -p "$R$pods_dir" "$R/usr/local/libexec/skiff-test" "$R/etc/systemd/system" || it_fail mkdir
cat >"$R$pods_dir/sleeper.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: sleeper
  namespace: default
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: sleep
    image: busybox
    imagePullPolicy: IfNotPresent
    command: ["sleep", "3600"]
EOF
cp "$HERE/nspawn-inner.sh" "$R/usr/local/libexec/skiff-test/inner.sh" || it_fail "copy inner.sh"
chmod 755 "$R/usr/local/libexec/skiff-test/inner.sh"

# nspawn mounts the cgroup v1 hierarchies read-only; the namespace's root is this test's own
# cgroup (below), so making them writable lets the agent create cgroups there and nowhere else.
cat >"$R/etc/systemd/system/skiff-nspawn-cgroups.service" <<'EOF'
[Unit]
Description=skiff test: writable cgroup hierarchies inside nspawn
DefaultDependencies=no
Before=skiff.service
After=local-fs.target
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'for m in /sys/fs/cgroup/*; do mount -o remount,bind,rw "$m"; done'
[Install]
WantedBy=multi-user.target
EOF
cat >"$R/etc/systemd/system/skiff-nspawn-test.service" <<EOF
[Unit]
Description=skiff test: checks from inside the container
After=skiff.service
[Service]
Type=oneshot
ExecStart=/usr/local/libexec/skiff-test/inner.sh $bin $pods_dir/sleeper.yaml ${SKIFF_NSPAWN_HOLD:-}
TimeoutStartSec=infinity
[Install]
WantedBy=multi-user.target
EOF
systemctl --root="$R" enable skiff.service skiff-nspawn-cgroups.service skiff-nspawn-test.service \
	>"$T/enable.log" 2>&1 || it_fail "systemctl enable: $(cat "$T/enable.log")"
# A console without a getty keeps the boot short and the output readable.
systemctl --root="$R" mask console-getty.service >/dev/null 2>&1

# --- a cgroup of the test's own in every hierarchy, for nspawn and everything in it
it_on_exit "it_cgroup_remove '$G'"
for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u); do
	mkdir -p "$mnt/$G" || it_fail "mkdir $mnt/$G"
	if [ -f "$mnt/cpuset.cpus" ]; then
		cat "$mnt/cpuset.cpus" >"$mnt/$G/cpuset.cpus"
		cat "$mnt/cpuset.mems" >"$mnt/$G/cpuset.mems"
	fi
done

# The nspawn flags:
#  --keep-unit --register=no: required on this machine (no systemd as PID 1, no machined);
#  --console=read-only: the container's console is copied to console.log. Not passive: a passive
#    console is a pseudo TTY nobody reads; once ~4 KB of boot messages fill it, the container's
#    PID 1 blocks in write() and everything (systemctl, shutdown) hangs;
#  --private-network: the host's network stays untouched, and nspawn keeps CAP_NET_ADMIN only
#    with a private network (the agent brings up lo in each pod's network namespace);
#  --capability=CAP_BPF --system-call-filter=bpf: the runtime confines each container's devices
#    with a BPF_PROG_TYPE_CGROUP_DEVICE program; nspawn drops CAP_BPF and its seccomp filter
#    answers bpf() with EPERM ("device cgroup: load the BPF program: Operation not permitted");
#  --bind: /var/lib/skiff on the host's file system (overlayfs cannot be the upper layer of the
#    containers' own overlay mounts), /skiff-test for the report.
it_log "boot (timeout ${BOOT_TIMEOUT}s)"
t=$(date +%s.%N)
# shellcheck disable=SC2016
sh -c 'for d in $(awk '\''$9 == "cgroup" || $9 == "cgroup2" { print $5 }'\'' /proc/self/mountinfo |
		sort -u); do echo $$ >"$d/$1/cgroup.procs" || exit 1; done; shift; exec "$@"' \
	sh "$G" timeout --kill-after=10 "$BOOT_TIMEOUT" \
	systemd-nspawn --keep-unit --register=no -b -D "$R" --console=read-only -M "$MACHINE" \
	--private-network --capability=CAP_BPF --system-call-filter=bpf \
	--bind="$T/varlib:/var/lib/skiff" --bind="$T/out:/skiff-test" \
	>"$T/console.log" 2>&1
rc=$?
it_log "boot to poweroff: $(elapsed "$t"), nspawn exit $rc"
rmdir "/run/systemd/nspawn/propagate/$MACHINE" 2>/dev/null

echo "--- report (from inside the container)"
cat "$T/out/report" 2>/dev/null
result=$(cat "$T/out/result" 2>/dev/null)
if [ "$result" != PASS ]; then
	echo "--- inner log"
	tail -60 "$T/out/inner.log" 2>/dev/null
	echo "--- console"
	tail -40 "$T/console.log"
	it_fail "inside the container: ${result:-no result} (nspawn exit $rc)"
fi
[ "$rc" = 0 ] || it_fail "systemd-nspawn exit $rc"

# --- nothing left: no process in the test's cgroup, no mount from nspawn
left=""
for mnt in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u); do
	[ -f "$mnt/$G/cgroup.procs" ] || continue
	left="$left$(find "$mnt/$G" -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' ')"
done
[ -z "$(echo "$left" | tr -d ' ')" ] || it_fail "processes left in $G: $left"
umount "$R" || it_fail "umount $R"
it_assert_no_mounts "$T"
it_cgroup_remove "$G" || it_fail "cannot remove cgroup $G"
it_cgroup_exists "$G" && it_fail "cgroup $G left"
echo "nspawn-boot: $(elapsed "$T_START") in all"
echo PASS
