#!/bin/bash
# skiff's main job on a fresh Debian 12 machine, as root: install what it needs, build, then
# run the example pods of contrib/examples/ as static pods of a skiff agent on the embedded
# busybox image, showing `skiff get pods` as they come up, a batch job's log, an exec into the
# web server, and `skiff describe`. Everything lives in a demo area of its own and is removed
# at the end (pass --keep to leave the agent and its pods running).
set -eu
cd "$(dirname "$0")/.."
SRC=$PWD
KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1

scripts/deps.sh
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null

SKIFF=$SRC/build/agent/skiff
DEMO=${SKIFF_DEMO_DIR:-/var/lib/skiff-demo}
SOCK=$DEMO/run/skiff.sock
CG=/skiff-demo
mkdir -p "$DEMO/pods" "$DEMO/logs"
cat >"$DEMO/config.yaml" <<CONFIG
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
staticPodPath: $DEMO/pods
cgroupRoot: $CG
healthzPort: 0
podLogsDir: $DEMO/logs
skiff:
  rootDir: $DEMO/root
  stateDir: $DEMO/run
CONFIG

agent_pid=
cleanup() {
	[ $KEEP = 1 ] && return
	echo
	echo "== stopping the demo pods and the agent"
	rm -f "$DEMO"/pods/*
	for _ in $(seq 1 60); do
		[ -z "$("$SKIFF" get pods --socket "$SOCK" -o name 2>/dev/null)" ] && break
		sleep 1
	done
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/unified/; do
		[ -d "$h$CG" ] && find "$h$CG" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	rm -rf "$DEMO"
}
trap cleanup EXIT

echo "== skiff agent (state in $DEMO, cgroups under $CG)"
"$SKIFF" agent --config "$DEMO/config.yaml" >"$DEMO/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 1 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

echo "== dropping contrib/examples/*.yaml into the static pod directory"
cp contrib/examples/*.yaml "$DEMO/pods/"
for i in 1 2 3 4 5 6 8 10 12; do
	sleep 1
	echo "-- after ${i}s"
	"$SKIFF" get pods --socket "$SOCK"
done

node=$("$SKIFF" get pods --socket "$SOCK" -o name | head -1 | sed 's/.*-//')
echo
echo "== skiff logs sum-of-squares-$node"
"$SKIFF" logs "sum-of-squares-$node" --socket "$SOCK"
echo "== skiff exec web-$node -- wget -qO- http://127.0.0.1:8080/"
"$SKIFF" exec "web-$node" --socket "$SOCK" -- wget -qO- http://127.0.0.1:8080/
echo "== skiff describe pod web-$node"
"$SKIFF" describe pod "web-$node" --socket "$SOCK"
echo
echo "== skiff get pods -o wide"
"$SKIFF" get pods --socket "$SOCK" -o wide
if [ $KEEP = 1 ]; then
	echo "the agent (pid $agent_pid) keeps running: $SKIFF get pods --socket $SOCK"
fi
