#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# skiff's container runtime beside crun and runc, in one run, on the same busybox root file
# system, the same namespaces (pid, mount, uts, ipc, net, cgroup), a cgroup under a root of our
# own (absolute path, memory and pids limits, default device list) and the same seccomp profile
# (containerd's default). Prints a table; never a timed test.
#
#   sudo bench/runtime/bench.sh               BUILD_DIR=build-e by default
#   RUNS=100 SEQ=100 IDLE_RUNS=30 IDLE_MS=200 BUILD_DIR=... bench/runtime/bench.sh
#
# Measures: start-to-exit of /bin/true in a fresh container (hyperfine, median of RUNS), the same
# after IDLE_MS of quiet before each run (skiff and crun), RUNS containers in sequence, the unshare+chroot floor, skiff with and without its seccomp cache,
# skiff's phases (SKIFF_MONITOR_TRACE), a strace -c profile, and the PSS/RSS of the process that
# stays beside a long-running container (skiff-monitor; crun/runc in the foreground).
# Needs: crun, runc, hyperfine (apt-get install crun runc hyperfine), busybox-static, gawk.
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=$PWD
BUILD_DIR=${BUILD_DIR:-$SRC/build-e}
RUNS=${RUNS:-100}
SEQ=${SEQ:-100}
MON=${SKIFF_MONITOR:-$BUILD_DIR/runtime/skiff-monitor}

[ "$(id -u)" = 0 ] || { echo "needs root"; exit 1; }
for c in crun runc hyperfine busybox gawk unshare; do
	command -v $c >/dev/null || { echo "needs $c (apt-get install crun runc hyperfine busybox-static gawk)"; exit 1; }
done
[ -x "$MON" ] || { echo "no monitor at $MON (ninja -C $BUILD_DIR)"; exit 1; }

T=$(mktemp -d /tmp/skiff-bench.XXXXXX)
CGROOT=skiff-bench-$$
# shellcheck source=../../tests/integration/lib.sh
. "$SRC/tests/integration/lib.sh"
it_on_exit "rm -rf '$T'"
it_on_exit "it_cgroup_remove '$CGROOT'"
it_on_exit "[ -n \"\${LONG_PID:-}\" ] && kill -9 \$LONG_PID"

ROOTFS=$T/rootfs
it_busybox_rootfs "$ROOTFS"

# --- the seccomp profile, as OCI JSON for the peers -------------------------------------------
cc -O1 -o "$T/seccomp-json" bench/runtime/seccomp-json.c -Iruntime -Icommon -I. -I"$BUILD_DIR" \
	$(pkg-config --cflags json-c) \
	"$BUILD_DIR/runtime/libskiff-runtime.a" "$BUILD_DIR/common/libskiff-common.a" \
	"$BUILD_DIR/cgroups/libskiff-cgroups.a" \
	$(pkg-config --libs json-c libseccomp libcap libcgroup yaml-0.1) -lm
"$T/seccomp-json" >"$T/seccomp.json"

CAPS='"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"'
MASKED='"/proc/asound","/proc/acpi","/proc/interrupts","/proc/kcore","/proc/keys","/proc/latency_stats","/proc/timer_list","/proc/timer_stats","/proc/sched_debug","/proc/scsi","/sys/firmware","/sys/devices/virtual/powercap"'
READONLY='"/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"'

oci_bundle() { # DIR NAME ARGS-JSON [SECCOMP-JSON]
	mkdir -p "$1"
	cat >"$1/config.json" <<JSON
{"ociVersion":"1.0.2",
 "process":{"terminal":false,"user":{"uid":0,"gid":0},"args":$3,
  "env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"cwd":"/",
  "capabilities":{"bounding":[$CAPS],"effective":[$CAPS],"permitted":[$CAPS]},"noNewPrivileges":false},
 "root":{"path":"$ROOTFS","readonly":false},
 "hostname":"bench",
 "mounts":[
  {"destination":"/proc","type":"proc","source":"proc","options":["nosuid","noexec","nodev"]},
  {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]},
  {"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]},
  {"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["nosuid","noexec","nodev","mode=1777","size=65536k"]},
  {"destination":"/dev/mqueue","type":"mqueue","source":"mqueue","options":["nosuid","noexec","nodev"]},
  {"destination":"/sys","type":"sysfs","source":"sysfs","options":["nosuid","noexec","nodev","ro"]},
  {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}],
 "linux":{
  "cgroupsPath":"/$CGROOT/$2",
  "resources":{"devices":[{"allow":false,"access":"rwm"},
    {"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":5,"access":"rwm"},
    {"allow":true,"type":"c","major":1,"minor":7,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":8,"access":"rwm"},
    {"allow":true,"type":"c","major":1,"minor":9,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":0,"access":"rwm"},
    {"allow":true,"type":"c","major":5,"minor":1,"access":"rwm"},{"allow":true,"type":"c","major":5,"minor":2,"access":"rwm"},
    {"allow":true,"type":"c","major":136,"access":"rwm"}],
   "memory":{"limit":104857600},"pids":{"limit":100}},
  "namespaces":[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}],
  "maskedPaths":[$MASKED],"readonlyPaths":[$READONLY],
  "seccomp":${4:-$(cat "$T/seccomp.json")}}}
JSON
}

skiff_container() { # DIR ARGS-JSON [EXTRA]
	mkdir -p "$1/upper" "$1/work"
	cat >"$1/config.json" <<JSON
{"id":"$(basename "$1")","root":{"lower":["$ROOTFS"],"upper":"$1/upper","work":"$1/work"},
 "process":{"args":$2},"hostname":"bench",
 "cgroup":{"path":"$CGROOT/$(basename "$1")","memoryMax":104857600,"pidsMax":100},
 "seccomp":{"profile":"RuntimeDefault","cacheDir":"${4:-$T/seccomp-cache}"}${3:-}}
JSON
}

oci_bundle "$T/crun" crun '["/bin/true"]'
oci_bundle "$T/runc" runc '["/bin/true"]'
skiff_container "$T/skiff" '["/bin/true"]'
# Without any seccomp filter (Unconfined / no linux.seccomp): what is left once the filter's
# cost (compiled by crun and runc for every container, cached by skiff) is out of the picture.
oci_bundle "$T/crun-noseccomp" crun-noseccomp '["/bin/true"]' null
skiff_container "$T/skiff-noseccomp" '["/bin/true"]' ',"seccomp":{"profile":"Unconfined"}'
# Seccomp cache off: a cache directory that cannot be made (under /proc).
skiff_container "$T/nocache" '["/bin/true"]' "" /proc/skiff-no-cache
"$MON" run "$T/skiff" || { echo "skiff cannot run a container"; exit 1; }
unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; crun run -b $T/crun bench-crun && crun run -b $T/crun-noseccomp bench-crun-ns" ||
	{ echo "crun cannot run a container"; exit 1; }
runc --root "$T/runc-state" run -b "$T/runc" bench-runc || { echo "runc cannot run a container"; exit 1; }

echo "== $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(wc -l </proc/self/mountinfo) mounts;" \
	"crun $(crun --version | sed -n 's/^crun version //p'), runc $(runc --version | sed -n 's/^runc version //p')"

# --- start to exit -------------------------------------------------------------------------------
HF=(hyperfine -N --style none --warmup 10 --runs "$RUNS")
echo "== start to exit of /bin/true ($RUNS runs each, after 10 warm-up runs)"
"${HF[@]}" --export-csv "$T/floor.csv" -n floor \
	"unshare --pid --fork --mount --uts --ipc --net chroot $ROOTFS /bin/true" >/dev/null
"${HF[@]}" --export-csv "$T/skiff.csv" -n skiff "$MON run $T/skiff" >/dev/null
"${HF[@]}" --export-csv "$T/nocache.csv" -n skiff-nocache "$MON run $T/nocache" >/dev/null
"${HF[@]}" --export-csv "$T/skiff-noseccomp.csv" -n skiff-noseccomp "$MON run $T/skiff-noseccomp" >/dev/null
# crun refuses the hybrid layout while hugetlb sits on the unified mount: hyperfine itself runs
# in a private mount namespace without it, so crun runs with no wrapper in between.
unshare -m sh -c "umount /sys/fs/cgroup/unified; exec ${HF[*]} --export-csv $T/crun.csv -n crun 'crun run -b $T/crun bench-crun'" >/dev/null
unshare -m sh -c "umount /sys/fs/cgroup/unified; exec ${HF[*]} --export-csv $T/crun-noseccomp.csv -n crun-noseccomp 'crun run -b $T/crun-noseccomp bench-crun-ns'" >/dev/null
"${HF[@]}" --export-csv "$T/runc.csv" -n runc "runc --root $T/runc-state run -b $T/runc bench-runc" >/dev/null
# After a quiet spell (IDLE_MS, not timed): the start a node agent sees for a pod after a calm
# moment. The first cgroup migration that takes cgroup_threadgroup_rwsem for writing after such a
# spell waits for an RCU grace period; back-to-back runs above keep the lock's fast path warm.
IDLE_S=$(awk -v ms="${IDLE_MS:-200}" 'BEGIN { printf "%.3f", ms / 1000 }')
HFI="hyperfine -N --style none --warmup 2 --runs ${IDLE_RUNS:-30} --prepare 'sleep $IDLE_S'"
sh -c "exec $HFI --export-csv $T/skiff-idle.csv -n skiff-idle '$MON run $T/skiff'" >/dev/null
unshare -m sh -c "umount /sys/fs/cgroup/unified; exec $HFI --export-csv $T/crun-idle.csv -n crun-idle 'crun run -b $T/crun bench-crun'" >/dev/null

median() { awk -F, 'NR == 2 { printf "%.2f", $4 * 1000 }' "$1"; }
mean() { awk -F, 'NR == 2 { printf "%.2f", $2 * 1000 }' "$1"; }
crun_med=$(median "$T/crun.csv")

# --- many in sequence ----------------------------------------------------------------------------
seq_time() { # CMD...: seconds for $SEQ runs in a row (best of 3)
	best=""
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		for _ in $(seq "$SEQ"); do "$@" >/dev/null 2>&1; done
		t=$((($(date +%s%N) - t0) / 1000000))
		[ -z "$best" ] || [ "$t" -lt "$best" ] && best=$t
	done
	awk -v t="$best" 'BEGIN { printf "%.2f", t / 1000 }'
}
echo "== $SEQ containers in sequence (best of 3)"
seq_skiff=$(seq_time "$MON" run "$T/skiff")
seq_runc=$(seq_time runc --root "$T/runc-state" run -b "$T/runc" bench-runc)
seq_crun=$(unshare -m bash -c "umount /sys/fs/cgroup/unified
	best=''
	for _ in 1 2 3; do
		t0=\$(date +%s%N)
		for _ in \$(seq $SEQ); do crun run -b $T/crun bench-crun >/dev/null 2>&1; done
		t=\$(((\$(date +%s%N) - t0) / 1000000))
		[ -z \"\$best\" ] || [ \$t -lt \$best ] && best=\$t
	done
	awk -v t=\$best 'BEGIN { printf \"%.2f\", t / 1000 }'")

# --- memory beside a long-running container ------------------------------------------------------
pss_rss() { # PID -> "PSS RSS" in KiB
	awk '/^Pss:/ { p = $2 } /^Rss:/ { r = $2 } END { print p, r }' "/proc/$1/smaps_rollup"
}
skiff_container "$T/long" '["/bin/sleep","3600"]' ",\"log\":{\"path\":\"$T/long.log\"}"
"$MON" start "$T/long" --notify-fd 3 3>"$T/long.notify" </dev/null >/dev/null 2>&1 &
it_wait_for 10 grep -qs started "$T/long.notify"
LONG_PID=$(sed -n 's/^started //p' "$T/long.notify")
mon_pid=$(it_json_get "$T/long/state.json" monitorPid)
sleep 1
read -r mon_pss mon_rss <<<"$(pss_rss "$mon_pid")"
# Ten of them: the monitors share their (static) binary's pages, so PSS per container falls.
MANY_PIDS=""
mon_pids="$mon_pid"
for i in $(seq 2 10); do
	skiff_container "$T/long$i" '["/bin/sleep","3600"]' ",\"log\":{\"path\":\"$T/long$i.log\"}"
	"$MON" start "$T/long$i" --notify-fd 3 3>"$T/long$i.notify" </dev/null >/dev/null 2>&1 &
	it_wait_for 10 grep -qs started "$T/long$i.notify"
	MANY_PIDS="$MANY_PIDS $(sed -n 's/^started //p' "$T/long$i.notify")"
	mon_pids="$mon_pids $(it_json_get "$T/long$i/state.json" monitorPid)"
done
it_on_exit "kill -9 $MANY_PIDS"
sleep 1
ten_pss=$(for p in $mon_pids; do pss_rss "$p"; done | awk '{ s += $1 } END { printf "%d", s / NR }')
kill -9 $MANY_PIDS
oci_bundle "$T/crun-long" crun-long '["/bin/sleep","3600"]'
unshare -m sh -c "umount /sys/fs/cgroup/unified; exec crun run -b $T/crun-long bench-crun-long" >/dev/null 2>&1 &
crun_fg=$!
oci_bundle "$T/runc-long" runc-long '["/bin/sleep","3600"]'
runc --root "$T/runc-state" run -b "$T/runc-long" bench-runc-long >/dev/null 2>&1 &
runc_fg=$!
sleep 2
read -r crun_pss crun_rss <<<"$(pss_rss "$crun_fg" 2>/dev/null || echo "- -")"
read -r runc_pss runc_rss <<<"$(pss_rss "$runc_fg" 2>/dev/null || echo "- -")"
kill -9 "$LONG_PID"
crun kill bench-crun-long KILL 2>/dev/null || unshare -m sh -c "umount /sys/fs/cgroup/unified; crun kill bench-crun-long KILL" 2>/dev/null || true
runc --root "$T/runc-state" kill bench-runc-long KILL 2>/dev/null || true
wait "$crun_fg" "$runc_fg" 2>/dev/null || true
it_wait_for 10 test -s "$T/long/exit.json" || true

# --- table ----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
printf '%-32s %10s %10s %10s\n' "start to exit of /bin/true" "median ms" "mean ms" "vs crun"
crun_ns_med=$(median "$T/crun-noseccomp.csv")
for n in floor skiff nocache crun runc skiff-noseccomp crun-noseccomp; do
	base=$crun_med
	case $n in
	floor) label="unshare+chroot (floor)" ;;
	nocache) label="skiff, seccomp compiled per run" ;;
	skiff-noseccomp) label="skiff, no seccomp"; base=$crun_ns_med; echo ;;
	crun-noseccomp) label="crun, no seccomp"; base=$crun_ns_med ;;
	*) label=$n ;;
	esac
	printf '%-32s %10s %10s %10s\n' "$label" "$(median "$T/$n.csv")" "$(mean "$T/$n.csv")" \
		"$(ratio "$(median "$T/$n.csv")" "$base")"
done
crun_idle_med=$(median "$T/crun-idle.csv")
echo
for n in skiff-idle crun-idle; do
	printf '%-32s %10s %10s %10s\n' "${n%-idle}, after ${IDLE_MS:-200} ms idle" "$(median "$T/$n.csv")" \
		"$(mean "$T/$n.csv")" "$(ratio "$(median "$T/$n.csv")" "$crun_idle_med")"
done
echo
printf '%-32s %10s %10s\n' "$SEQ in sequence" "seconds" "vs crun"
printf '%-32s %10s %10s\n' skiff "$seq_skiff" "$(ratio "$seq_skiff" "$seq_crun")"
printf '%-32s %10s %10s\n' crun "$seq_crun" "1.00"
printf '%-32s %10s %10s\n' runc "$seq_runc" "$(ratio "$seq_runc" "$seq_crun")"
echo
printf '%-44s %8s %8s\n' "beside a running container (KiB)" "PSS" "RSS"
printf '%-44s %8s %8s\n' "skiff-monitor (start, CRI log)" "$mon_pss" "$mon_rss"
printf '%-44s %8s %8s\n' "skiff-monitor, 10 containers (per monitor)" "$ten_pss" "-"
printf '%-44s %8s %8s\n' "crun run (foreground parent)" "$crun_pss" "$crun_rss"
printf '%-44s %8s %8s\n' "runc run (foreground parent)" "$runc_pss" "$runc_rss"

# --- where skiff's time goes ---------------------------------------------------------------------
echo
echo "== skiff timeline (SKIFF_MONITOR_TRACE, median of 30 runs, ms since the monitor started;"
echo "   parent and child run side by side: [p] monitor, [c] the container's child)"
for _ in $(seq 30); do
	SKIFF_MONITOR_TRACE=1 "$MON" run "$T/skiff" 2>&1 >/dev/null | sed -E 's/^skiff-monitor\[([0-9]+)\]: +/\1 /'
done | gawk '
{ who = ($1 == "1") ? "[c]" : "[p]"; t = $2 + 0; sub(/^[^ ]+ [^ ]+ ms /, ""); sub(/\(.*$/, "")
  k = who " " substr($0, 1, 40); v[k] = v[k] " " t }
END { for (k in v) { m = split(v[k], a, " "); asort(a); printf "  %8.3f  %s\n", a[int((m + 1) / 2)], k } }' | sort -n
if command -v strace >/dev/null; then
	echo
	echo "== strace -c -f of one skiff run (syscall time, monitor and child)"
	strace -c -f -o "$T/strace.txt" "$MON" run "$T/skiff" >/dev/null 2>&1 || true
	head -22 "$T/strace.txt"
fi
