#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# CRI logs on disk (KUBELET-BEHAVIOUR.md §6): <podLogDir>/<ns>_<pod>_<uid>/<container>/
# <restartCount>.log, every line "<RFC3339Nano> <stdout|stderr> <P|F> <text>", long lines
# split into P chunks that skiff logs joins again, one file per instance; rotation with
# --container-log-max-size 1Ki --container-log-max-files 3 keeps at most 3 files whose newest
# lines are the newest output, and skiff logs still reads the live file.
. "$(dirname "$0")/lib-agent.sh"
ag_require_testhelper

put() {
	cat >"$MAN/.$1.tmp" && mv "$MAN/.$1.tmp" "$MAN/$1"
}
LINE_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z (stdout|stderr) (P|F) '

ag_start

cat <<EOF | put talk.yaml
apiVersion: v1
kind: Pod
metadata: {name: talk, namespace: logs}
spec:
  restartPolicy: OnFailure
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'echo out one; echo err one >&2; $TH longline 40000; echo out two; [ -f /data/again ] && exec sleep 3600; touch /data/again; exit 1']
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: th, mountPath: /th, readOnly: true}
  volumes:
  - {name: data, emptyDir: {}}
  - {name: th, hostPath: {path: $TH_DIR, type: Directory}}
EOF
TALK=$(ag_static talk)

it_log "paths and line format"
ag_wait 15 "$TALK in namespace logs" sk get pods -n logs "$TALK"
tj() { sk get pods -n logs "$TALK" -o json | jq -r "$1"; }
it_wait_for 15 sh -c "'$SKIFF' get pods --socket '$SOCK' -n logs '$TALK' -o json | jq -e '.status.containerStatuses[0] | .restartCount == 1 and .state.running' >/dev/null" ||
	it_fail "$TALK did not restart once: $(tj .status)"
uid=$(tj .metadata.uid)
dir="$LOGS/logs_${TALK}_$uid/main"
[ -d "$dir" ] || it_fail "no log directory $dir: $(find "$LOGS")"
it_assert_eq "$(cd "$dir" && ls | tr '\n' ' ')" "0.log 1.log " "one file per instance"
f=$dir/0.log
bad=$(grep -Evc "$LINE_RE" "$f")
it_assert_eq "$bad" 0 "lines not in the CRI format in $f: $(grep -Ev "$LINE_RE" "$f" | head -3 | cut -c1-100)"
it_assert_file_match "$f" ' stdout F out one$'
it_assert_file_match "$f" ' stderr F err one$'
it_assert_file_match "$f" ' stdout F out two$'
# 40000 x's: partial chunks then a full one
np=$(grep -c ' stdout P x' "$f")
[ "$np" -ge 1 ] || it_fail "a 40000-byte line was not split into partial chunks"
it_assert_eq "$(grep -E ' stdout (P|F) x' "$f" | sed -E 's/^[^ ]+ stdout (P|F) //' | tr -d '\n' | wc -c)" 40000 "the chunks hold the whole line"
it_assert_eq "$(grep -E ' stdout (P|F) x' "$f" | tail -1 | cut -d' ' -f3)" F "the last chunk is full"
# timestamps never go back
prev=""
while read -r ts _; do
	[ -z "$prev" ] || [[ ! "$ts" < "$prev" ]] || [ "${#ts}" != "${#prev}" ] || it_fail "timestamps go back: $prev then $ts"
	prev=$ts
done <"$f"
# skiff logs joins the chunks; -p reads 0.log, the current instance 1.log
out=$(sk logs -n logs "$TALK" -p)
# (stdout and stderr are two pipes: their lines may interleave either way)
it_assert_eq "$(echo "$out" | grep -v '^err' | awk '{ print length($0) }' | tr '\n' ' ')" "7 40000 7 " "skiff logs -p line lengths"
it_assert_match "$out" '^err one$' "skiff logs -p: the stderr line"
out=$(sk logs -n logs "$TALK")
it_assert_eq "$(echo "$out" | sed -n 1p)" "out one" "skiff logs of the current instance"

rm -f "$MAN/talk.yaml"
it_wait_for 15 sh -c "! '$SKIFF' get pods --socket '$SOCK' -n logs '$TALK' >/dev/null 2>&1" || it_fail "$TALK not gone"
[ ! -d "$LOGS/logs_${TALK}_$uid" ] || it_fail "the removed pod's logs are left"
ag_stop TERM

it_log "rotation: at most 3 files, the newest output kept"
ag_start --container-log-max-size 1Ki --container-log-max-files 3
cat <<'EOF' | put chatty.yaml
apiVersion: v1
kind: Pod
metadata: {name: chatty}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: busybox
    command: [sh, -c, 'i=0; while [ $i -lt 3000 ]; do echo "chatty line $i with some padding to make it longer"; i=$((i+1)); done; echo "last line"; exec sleep 3600']
EOF
CHAT=$(ag_static chatty)
ag_wait_jq "$CHAT" '.status.containerStatuses[0].state.running' 15
cuid=$(ag_jq "$CHAT" .metadata.uid)
cdir="$LOGS/default_${CHAT}_$cuid/main"
# the last line lands in the live file or, when it filled it, in the newest rotated one
all_text() {
	for x in $(cd "$cdir" && ls | sort -V | grep -v '^0\.log$'); do
		case $x in
		*.gz) zcat "$cdir/$x" ;;
		*) cat "$cdir/$x" ;;
		esac
	done
	cat "$cdir/0.log"
}
it_wait_for 20 sh -c "cat '$cdir'/0.log* 2>/dev/null | grep -q ' stdout F last line$'" ||
	it_fail "no last line in the logs: $(ls -la "$cdir" 2>&1)"
ls -la "$cdir" >"$IT_TMP/ls"
files=$(cd "$cdir" && ls)
it_log "files: $(echo "$files" | tr '\n' ' ')"
n=$(echo "$files" | wc -l)
[ "$n" -le 3 ] || it_fail "$n log files with --container-log-max-files 3: $(cat "$IT_TMP/ls")"
[ "$n" -ge 2 ] || it_fail "no rotation with --container-log-max-size 1Ki: $(cat "$IT_TMP/ls")"
for x in $files; do
	[ "$x" = 0.log ] && continue
	it_assert_match "$x" '^0\.log\.[0-9]{8}-[0-9]{6}(-[0-9]+)?(\.gz)?$' "rotated file name"
done
size=$(stat -c %s "$cdir/0.log")
[ "$size" -le 4096 ] || it_fail "the live file is ${size} bytes with a 1Ki limit"
# oldest to newest, the files hold consecutive lines up to the last: nothing newer dropped
all_text >"$IT_TMP/all"
nums=$(sed -nE 's/.* stdout F chatty line ([0-9]+) .*/\1/p' "$IT_TMP/all")
first=$(echo "$nums" | head -1)
it_assert_eq "$(echo "$nums" | tr '\n' ' ')" "$(seq "$first" 2999 | tr '\n' ' ')" "consecutive lines, oldest file first"
it_assert_eq "$(tail -1 "$IT_TMP/all" | sed -E 's/^[^ ]+ //')" "stdout F last line" "the last line last"
# skiff logs reads the live file, as kubectl logs does
it_assert_eq "$(sk logs "$CHAT")" "$(sed -E 's/^[^ ]+ [^ ]+ [PF] //' "$cdir/0.log")" "skiff logs after rotation"
all_text | grep -Evc "$LINE_RE" | grep -qx 0 || it_fail "rotated files hold lines not in the CRI format"

it_log "the agent gzips older rotated files; a second burst still keeps the newest"
ag_wait 15 "a gzipped rotated file" sh -c "ls '$cdir' | grep -q '\.gz$'"
ls "$cdir" | grep -v '\.gz$' | grep -q '^0\.log\.' || it_fail "the newest rotated file was gzipped too: $(ls "$cdir")"
sk exec "$CHAT" -- sh -c 'i=0; while [ $i -lt 2000 ]; do echo "burst two $i padding padding padding padding" >/proc/1/fd/1; i=$((i+1)); done; echo "burst end" >/proc/1/fd/1' ||
	it_fail "exec for the second burst failed"
it_wait_for 20 sh -c "cat '$cdir'/0.log* 2>/dev/null | grep -q ' stdout F burst end$'" ||
	it_fail "no end of the second burst in the logs: $(ls -la "$cdir" 2>&1)"
files=$(cd "$cdir" && ls)
it_log "files: $(echo "$files" | tr '\n' ' ')"
[ "$(echo "$files" | wc -l)" -le 3 ] || it_fail "more than 3 log files: $files"
all_text >"$IT_TMP/all"
nums=$(sed -nE 's/.* stdout F burst two ([0-9]+) .*/\1/p' "$IT_TMP/all")
first=$(echo "$nums" | head -1)
[ -n "$first" ] || it_fail "no line of the second burst kept: $files"
it_assert_eq "$(echo "$nums" | tr '\n' ' ')" "$(seq "$first" 1999 | tr '\n' ' ')" "consecutive lines of the second burst"
it_assert_eq "$(tail -1 "$IT_TMP/all" | sed -E 's/^[^ ]+ //')" "stdout F burst end" "the end of the second burst last"

rm -f "$MAN"/*.yaml
ag_wait_gone "$CHAT" 15
[ ! -d "$LOGS/default_${CHAT}_$cuid" ] || it_fail "the removed pod's logs are left"
ag_assert_clean
exit 0
