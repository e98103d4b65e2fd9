#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A failing setup step surfaces its errno and message: in the exit record (StartError, 128),
# on the start report, and on stderr of `run`.
. "$(dirname "$0")/common.inc"

C=$IT_TMP/nope
rt_config "$C" '["/nope"]'
rt_run "$C"
it_assert_eq "$?" 128 "monitor exit status"
it_assert_eq "$(rt_exit "$C" reason)" "StartError" "reason"
it_assert_eq "$(rt_exit "$C" exitCode)" "128" "exit code"
it_assert_eq "$(rt_exit "$C" message)" 'exec: "/nope": No such file or directory' "message"
it_assert_file_match "$C/err" 'exec: "/nope": No such file or directory'
rt_check_clean "$C"

# Not in $PATH: runc's wording.
C=$IT_TMP/notinpath
rt_config "$C" '["nope-cmd"]'
rt_run "$C"
it_assert_match "$(rt_exit "$C" message)" 'nope-cmd.*executable file not found in \$PATH' "PATH lookup"

# A bad mount source: the mount step and errno.
C=$IT_TMP/badmount
rt_config "$C" '["/bin/true"]' ',"mounts":[{"destination":"/data","type":"bind","source":"/nonexistent-skiff-src"}]'
rt_run "$C"
it_assert_eq "$(rt_exit "$C" reason)" "StartError" "reason"
it_assert_eq "$(rt_exit "$C" message)" "mount /data: source /nonexistent-skiff-src: No such file or directory" "message"
rt_check_clean "$C"

# The start report of a detached monitor carries errno and message.
C=$IT_TMP/startfail
rt_config "$C" '["/nope"]'
"$MON" start "$C" --notify-fd 3 3>"$C/notify" </dev/null >/dev/null 2>&1
it_assert_eq "$(cat "$C/notify")" 'error 2 exec: "/nope": No such file or directory' "start report"

# A config that does not validate: reported before anything is built.
C=$IT_TMP/badconfig
mkdir -p "$C"
echo '{"id":"x","root":{"lower":["relative"]},"process":{"args":["x"]}}' >"$C/config.json"
rt_run "$C"
it_assert_eq "$(rt_exit "$C" reason)" "StartError" "reason"
it_assert_match "$(rt_exit "$C" message)" "^config: root.lower" "message"

# A cwd that is a file.
C=$IT_TMP/badcwd
rt_config "$C" '["/bin/true"]' ',"process":{"args":["/bin/true"],"cwd":"/bin/busybox"}'
rt_run "$C"
it_assert_match "$(rt_exit "$C" message)" "Not a directory" "cwd on a file"
rt_check_clean "$C"
