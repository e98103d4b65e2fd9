#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every VM suite: each executable tests/vm/run-*-tests.sh (this one aside), in one pure
# cgroup-v2 VM each. BUILD_DIR is passed on. Exit 0 only when every suite passed.
cd "$(dirname "$0")" || exit 1
fail=0
for s in run-*-tests.sh; do
	[ "$s" = run-vm-tests.sh ] || [ ! -x "$s" ] && continue
	echo "== vm suite $s"
	if ./"$s"; then echo "== vm suite $s: passed"; else echo "== vm suite $s: FAILED"; fail=1; fi
done
exit $fail
