#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The half of nspawn-boot.sh that runs inside the booted container, as the oneshot
# skiff-nspawn-test.service (After=skiff.service). Not a test of its own (not executable:
# tests/run-integration.sh runs only executable *.sh); nspawn-boot.sh copies it in.
#
# Writes the key lines to /skiff-test/report, everything to /skiff-test/inner.log, and PASS or
# FAIL to /skiff-test/result, then powers the container off.
# Usage: nspawn-inner.sh SKIFF_BINARY POD_MANIFEST [HOLD_SECONDS]
SKIFF=$1
MANIFEST=$2
HOLD=${3:-}
OUT=/skiff-test
exec >"$OUT/inner.log" 2>&1

STARTED=$(cut -d' ' -f1 /proc/uptime)
report() {
	t=$(awk -v a="$STARTED" '{ printf "%5.1f", $1 - a }' /proc/uptime)
	echo "[+$t s] $*"
	echo "[+$t s] $*" >>"$OUT/report"
}

finish() {
	echo "$1" >"$OUT/result"
	systemctl poweroff --no-block
	exit 0
}

fail() {
	report "FAIL: $*"
	echo "--- skiff describe pods"
	timeout 10 "$SKIFF" describe pods 2>&1 | tail -25
	echo "--- systemctl status skiff"
	timeout 10 systemctl status --no-pager skiff
	echo "--- journal"
	timeout 10 journalctl -b --no-pager -n 80
	finish FAIL
}

prop() {
	systemctl show -p "$1" --value skiff.service
}

# wait_for SECONDS CMD...: poll every 0.1 s.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

active() {
	[ "$(prop ActiveState)" = active ] && [ "$(prop SubState)" = running ]
}

pod_running() {
	"$SKIFF" get pods 2>/dev/null | grep -Eq "^$POD +1/1 +Running "
}

status_counts() {
	prop StatusText | grep -q "^1 pods: 1 running"
}

pod_json() {
	"$SKIFF" get pods "$POD" -o json | tr -d ' \n'
}

container_id() {
	pod_json | sed -n 's/.*"containerID":"\([^"]*\)".*/\1/p' | sed 's|\\/|/|g'
}

restart_count() {
	pod_json | sed -n 's/.*"restartCount":\([0-9]*\).*/\1/p'
}

# The container's `sleep 3600`, seen from this (the container host's) PID namespace.
sleep_pid() {
	for p in /proc/[0-9]*; do
		[ "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" = "sleep 3600 " ] && echo "${p#/proc/}"
	done
}

# The pod must be the one container it was: same ID, no restart, same process.
same_container() {
	wait_for 30 pod_running || fail "$1: pod not Running: $("$SKIFF" get pods 2>&1)"
	[ "$(container_id)" = "$CID" ] || fail "$1: containerID changed: $(container_id), was $CID"
	[ "$(restart_count)" = 0 ] || fail "$1: restartCount $(restart_count)"
	[ "$(sleep_pid)" = "$SLEEP_PID" ] || fail "$1: sleep pid $(sleep_pid), was $SLEEP_PID"
	report "$1: pod $POD Running, containerID $CID, restartCount 0, sleep pid $SLEEP_PID unchanged"
}

echo "--- started $(date)"
# SKIFF_NSPAWN_HOLD=SECONDS (nspawn-boot.sh's environment): wait before the checks, to look
# around with nsenter.
[ -z "${HOLD:-}" ] || sleep "$HOLD"

# 1. READY, STATUS= with pod counts, the watchdog as the unit sets it.
active || fail "skiff.service is $(prop ActiveState)/$(prop SubState) ($(prop Result))"
wait_for 10 sh -c "'$SKIFF' get pods -o name | grep -q '^pod/sleeper-'" ||
	fail "no static pod: $("$SKIFF" get pods 2>&1)"
POD=$("$SKIFF" get pods -o name | sed -n 's|^pod/\(sleeper-.*\)|\1|p' | head -1)
wait_for 60 pod_running || fail "pod $POD not Running: $("$SKIFF" get pods 2>&1)"
wait_for 10 status_counts || fail "StatusText: $(prop StatusText)"
report "ready: $(systemctl show -p Type,ActiveState,SubState,StatusText skiff.service | tr '\n' ' ')"
report "watchdog: WatchdogUSec=$(prop WatchdogUSec) NotifyAccess=$(prop NotifyAccess)" \
	"Restart=$(prop Restart) KillMode=$(prop KillMode) Delegate=$(prop Delegate)" \
	"OOMScoreAdjust=$(prop OOMScoreAdjust)"
[ "$(prop WatchdogUSec)" = 30s ] || fail "WatchdogUSec=$(prop WatchdogUSec)"
MAIN=$(prop MainPID)
report "agent: pid $MAIN oom_score_adj $(cat /proc/"$MAIN"/oom_score_adj)" \
	"nofile $(awk '/open files/ { print $4 "/" $5 }' /proc/"$MAIN"/limits)"
report "skiff get pods:"
"$SKIFF" get pods | sed 's/^/    /' | tee -a "$OUT/report"
CID=$(container_id)
SLEEP_PID=$(sleep_pid)
[ -n "$CID" ] && [ "$(restart_count)" = 0 ] || fail "containerID \"$CID\", restartCount $(restart_count)"
[ -n "$SLEEP_PID" ] || fail "no sleep 3600 process"
report "container: $CID, sleep 3600 is pid $SLEEP_PID"

# 2. systemctl restart: a new agent re-adopts the running container.
systemctl restart skiff.service || fail "systemctl restart skiff"
active || fail "after restart: $(prop ActiveState)/$(prop SubState)"
[ "$(prop MainPID)" != "$MAIN" ] || fail "restart kept MainPID $MAIN"
report "restart: MainPID $MAIN -> $(prop MainPID), $(prop ActiveState)/$(prop SubState)"
same_container "after systemctl restart"

# 3. The agent killed (a crash: SIGKILL to the main process only): systemd restarts it
#    (Restart=always), the container keeps running.
restarted() {
	[ "$(prop NRestarts)" -gt "$N0" ] && [ "$(prop MainPID)" != "$MAIN" ] && active
}
N0=$(prop NRestarts)
MAIN=$(prop MainPID)
systemctl kill --kill-who=main -s KILL skiff.service || fail "systemctl kill --kill-who=main"
wait_for 20 restarted || fail "not restarted after SIGKILL: $(prop ActiveState) NRestarts $(prop NRestarts)"
report "SIGKILL main: MainPID $MAIN -> $(prop MainPID), NRestarts $N0 -> $(prop NRestarts)," \
	"$(prop ActiveState)/$(prop SubState)"
same_container "after systemctl kill --kill-who=main -s KILL"

# 4. The watchdog for real, with a short WatchdogSec (a runtime drop-in) so that 2x fits in
#    seconds: the agent stays up past 2 x WatchdogSec while its loop pings, and a stopped agent
#    is killed by the watchdog and restarted.
mkdir -p /run/systemd/system/skiff.service.d
printf '[Service]\nWatchdogSec=2s\nLimitCORE=0\n' >/run/systemd/system/skiff.service.d/zz-test-watchdog.conf
systemctl daemon-reload
systemctl restart skiff.service || fail "restart with WatchdogSec=2s"
N0=$(prop NRestarts)
MAIN=$(prop MainPID)
T0=$(prop WatchdogTimestampMonotonic)
sleep 5
active && [ "$(prop MainPID)" = "$MAIN" ] && [ "$(prop NRestarts)" = "$N0" ] ||
	fail "WatchdogSec=2s: not up 5 s later: $(prop ActiveState) $(prop Result) NRestarts $(prop NRestarts)"
T1=$(prop WatchdogTimestampMonotonic)
[ "$T1" -gt "$T0" ] || fail "no WATCHDOG=1 ping in 5 s ($T0 -> $T1)"
report "watchdog 2s: up 5 s (> 2 x WatchdogSec), same MainPID $MAIN, last ping" \
	"$(((T1 - T0) / 1000)) ms after the first"
systemctl kill --kill-who=main -s STOP skiff.service
wait_for 20 restarted || fail "stopped agent not restarted by the watchdog: $(prop Result)"
journalctl -u skiff.service --no-pager | grep -q "Watchdog timeout" || fail "no watchdog timeout logged"
report "watchdog 2s: SIGSTOPped agent -> $(journalctl -u skiff.service --no-pager -o cat |
	grep -m1 'Watchdog timeout'); NRestarts $N0 -> $(prop NRestarts)"
same_container "after the watchdog restart"
rm -f /run/systemd/system/skiff.service.d/zz-test-watchdog.conf
systemctl daemon-reload

# 5. `systemctl kill -s KILL skiff` as typed: --kill-who defaults to all, so systemd SIGKILLs
#    every process of skiff.service's cgroup, the container monitors (skiff-monitor pump) too.
#    The agent is restarted and the pod runs again, but its container is a new one (the old
#    one went with its monitor): reported, not failed, until the monitors leave the cgroup.
N0=$(prop NRestarts)
MAIN=$(prop MainPID)
# Who is in skiff.service: systemd (hybrid layout) tracks units in the unified hierarchy.
procs() {
	for p in $(cat "$1/system.slice/skiff.service/cgroup.procs" 2>/dev/null); do
		printf '%s ' "$p:$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -d' ' -f1-2 |
			sed 's|.*/||; s/ $//; s/ /_/')"
	done
}
report "skiff.service holds, unified: $(procs /sys/fs/cgroup/unified); name=systemd: $(procs /sys/fs/cgroup/systemd)"
systemctl kill -s KILL skiff.service || fail "systemctl kill -s KILL"
wait_for 20 restarted || fail "not restarted after kill -s KILL: $(prop ActiveState) NRestarts $(prop NRestarts)"
report "SIGKILL all: MainPID $MAIN -> $(prop MainPID), NRestarts $N0 -> $(prop NRestarts)," \
	"$(prop ActiveState)/$(prop SubState)"
wait_for 30 pod_running || fail "after systemctl kill -s KILL: pod not Running: $("$SKIFF" get pods 2>&1)"
if [ "$(container_id)" = "$CID" ] && [ "$(restart_count)" = 0 ]; then
	report "after systemctl kill -s KILL: pod Running, same container $CID"
else
	report "after systemctl kill -s KILL: pod Running, but a NEW container $(container_id)," \
		"restartCount $(restart_count): the monitors live in skiff.service's cgroup and were killed"
	journalctl -u skiff.service -o cat --no-pager | grep -E 'SIGKILL to process|ContainerStatusUnknown' |
		tail -2 | sed 's/^/    /' | tee -a "$OUT/report"
fi

# 6. The journal: the agent's entries carry SKIFF_POD= (and SKIFF_CONTAINER=).
journalctl -u skiff.service -o verbose --no-pager >"$OUT/journal-verbose.txt"
grep -q "^ *SKIFF_POD=" "$OUT/journal-verbose.txt" || fail "no SKIFF_POD= field in the journal"
report "journal: $(grep -c '^ *SKIFF_POD=' "$OUT/journal-verbose.txt") entries with SKIFF_POD=, e.g.:"
journalctl -u skiff.service -o verbose --no-pager SKIFF_CONTAINER=sleep 2>/dev/null |
	grep -E '^ *(MESSAGE|SKIFF_POD|SKIFF_CONTAINER|_SYSTEMD_UNIT)=' | head -4 | sed 's/^ */    /' |
	tee -a "$OUT/report"
report "journal: agent lines: $(journalctl -u skiff.service -o cat --no-pager |
	grep -m1 'stopping; pods keep running')"

# 7. The static pod removed: the agent stops its container (terminationGracePeriodSeconds 2).
#    Also keeps the poweroff short: a container left running would hold systemd-shutdown's final
#    SIGTERM sweep for 90 s (the container's init ignores SIGTERM from outside its namespace).
rm -f "$MANIFEST"
no_pod() {
	! "$SKIFF" get pods -o name 2>/dev/null | grep -q . && [ -z "$(sleep_pid)" ] &&
		prop StatusText | grep -q "^0 pods"
}
wait_for 30 no_pod || fail "pod not removed: $("$SKIFF" get pods 2>&1), sleep pid $(sleep_pid)"
report "manifest removed: no pod, no container process left; $(prop StatusText)"
finish PASS
