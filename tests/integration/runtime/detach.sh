#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The process that started a container (the agent) is SIGKILLed: the container runs on, and
# its monitor records its later exit code. Signals reach it through the recorded pid.
. "$(dirname "$0")/common.inc"

C=$IT_TMP/detached
rt_config "$C" '["/bin/sh","-c","sleep 1.5; exit 7"]'
# The "agent": starts the monitor and waits for the report, then dies without warning.
sh -c "\"$MON\" start \"$C\" --notify-fd 3 3>\"$C/notify\" </dev/null >/dev/null 2>&1 & sleep 60" &
agent=$!
it_on_exit "kill -9 $agent 2>/dev/null"
it_wait_for 10 grep -qs '^started ' "$C/notify" || it_fail "no start report: $(cat "$C/notify")"
pid=$(sed -n 's/^started //p' "$C/notify")
mpid=$(rt_state "$C" monitorPid)
it_on_exit "kill -9 $pid $mpid 2>/dev/null"
it_assert_eq "$(rt_state "$C" pid)" "$pid" "state.json names the container"
kill -9 "$agent"
wait "$agent" 2>/dev/null
it_pid_alive "$pid" || it_fail "the container died with its starter"
it_pid_alive "$mpid" || it_fail "the monitor died with its starter"
it_wait_for 10 test -s "$C/exit.json" || it_fail "no exit record"
it_assert_eq "$(rt_exit "$C" exitCode)" 7 "exit code recorded after the starter died"
it_assert_eq "$(rt_exit "$C" reason)" "Error" "reason"
rt_check_clean "$C"

# SIGTERM through the recorded pid and start time ends it (a pid 1 without a handler would
# ignore it, as with any runtime: the shell traps it); the record says so.
# (The handler is in place once /ready exists in the container's upper layer.)
TRAP="[\"/bin/sh\",\"-c\",\"trap 'exit 143' TERM; touch /ready; $TH sleep 60 \\u0026 wait\"]"
C=$IT_TMP/term
rt_config "$C" "$TRAP"
rt_start "$C"
it_wait_for 10 test -e "$C/upper/ready" || it_fail "the container did not get ready"
it_assert_eq "$(rt_state "$C" startTime)" "$(cut -d' ' -f22 /proc/"$RT_PID"/stat)" "start time recorded"
kill -TERM "$RT_PID"
it_wait_for 10 test -s "$C/exit.json" || it_fail "no exit record after SIGTERM"
it_assert_eq "$(rt_exit "$C" exitCode)" 143 "exit code"
rt_check_clean "$C"

# A monitor's own SIGTERM is forwarded to its container.
C=$IT_TMP/fwd
rt_config "$C" "$TRAP"
rt_start "$C"
it_wait_for 10 test -e "$C/upper/ready" || it_fail "the container did not get ready"
kill -TERM "$RT_MONITOR"
it_wait_for 10 test -s "$C/exit.json" || it_fail "no exit record after the monitor's SIGTERM"
it_assert_eq "$(rt_exit "$C" exitCode)" 143 "forwarded signal"

# SIGKILL from the host always works, and is recorded as a signal.
C=$IT_TMP/kill
rt_config "$C" "[\"$TH\",\"sleep\",\"60\"]"
rt_start "$C"
kill -KILL "$RT_PID"
it_wait_for 10 test -s "$C/exit.json" || it_fail "no exit record after SIGKILL"
it_assert_eq "$(rt_exit "$C" signal)" 9 "signal"
it_assert_eq "$(rt_exit "$C" exitCode)" 137 "exit code"
rt_check_clean "$C"
