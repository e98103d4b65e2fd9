#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# stdout/stderr end up in the CRI log format (F for full lines, P for cut and unterminated
# ones) and the log rotates at its size keeping its file count; `run` passes the output on.
. "$(dirname "$0")/common.inc"

L=$IT_TMP/logs/ns_pod_uid/c/0.log
C=$IT_TMP/log
rt_config "$C" "[\"/bin/sh\",\"-c\",\"$TH print stdout 3 out; $TH print stderr 2 err; $TH longline 40; $TH printraw tail\"]" \
	",\"log\":{\"path\":\"$L\",\"maxSize\":0,\"maxLine\":256}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z'
it_assert_eq "$(grep -c ' stdout F out [0-2]$' "$L")" 3 "stdout lines"
it_assert_eq "$(grep -c ' stderr F err [01]$' "$L")" 2 "stderr lines"
it_assert_file_match "$L" "^$TS stdout F out 0$" "timestamp and tags"
it_assert_file_match "$L" "^$TS stdout P tail$" "unterminated line is partial"
it_assert_file_match "$L" "^$TS stdout F x{40}$" "a 40 byte line"
# run mode passes the streams through as well.
it_assert_match "$(cat "$C/out")" "^out 2$" "passthrough stdout"
it_assert_match "$(cat "$C/err")" "^err 1$" "passthrough stderr"
rt_check_clean "$C"

# Lines longer than maxLine are cut into P records.
C=$IT_TMP/long
L2=$IT_TMP/logs/long.log
rt_config "$C" "[\"$TH\",\"longline\",\"600\"]" ",\"log\":{\"path\":\"$L2\",\"maxLine\":256}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_eq "$(grep -c ' stdout P x\{256\}$' "$L2")" 2 "two partial chunks"
it_assert_eq "$(grep -c ' stdout F x\{88\}$' "$L2")" 1 "the rest, full"

# Rotation: 4 KiB files, 3 kept in all; the records stay whole and in order.
C=$IT_TMP/rot
L3=$IT_TMP/logs/rot/0.log
rt_config "$C" "[\"$TH\",\"print\",\"stdout\",\"400\",\"line\"]" ",\"log\":{\"path\":\"$L3\",\"maxSize\":4096,\"maxFiles\":3}"
rt_run "$C" >/dev/null || it_fail "run: $(cat "$C/err")"
n=$(ls "$IT_TMP/logs/rot" | wc -l)
it_assert_eq "$n" 3 "files kept ($(ls "$IT_TMP/logs/rot" | tr '\n' ' '))"
ls "$IT_TMP/logs/rot" | grep -Eq '^0\.log\.[0-9]{8}-[0-9]{6}(-[0-9]+)?$' || it_fail "rotated names"
last=$(tail -n1 "$L3")
# A rotation right after the last write leaves the live file empty: the newest line is then the
# last of the newest rotated file.
# Rotated names are 0.log.<YYYYMMDD-HHMMSS>[-N]: order by stamp, then N (none = 0).
newest() {
	ls "$IT_TMP/logs/rot" | sed -n 's/^0\.log\.\([0-9]*-[0-9]*\)\(-\([0-9]*\)\)\{0,1\}$/\1 \3 &/p' |
		awk '{ if (NF == 2) { print $1, 0, $2 } else print }' | sort -k1,1 -k2,2n | tail -n1 |
		awk '{ print $3 }'
}
[ -n "$last" ] || last=$(tail -n1 "$IT_TMP/logs/rot/$(newest)")
it_assert_match "$last" " stdout F line 399$" "the newest line is the last one written"
for f in "$IT_TMP"/logs/rot/*; do
	grep -Evq "^$TS stdout F line [0-9]+$" "$f" && it_fail "a broken record in $f"
done
rt_check_clean "$C"
