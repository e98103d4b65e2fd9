# SPDX-License-Identifier: Apache-2.0
# Shared helpers for tests/integration/<area>/*.sh (sourced). POSIX sh and busybox tools only,
# so the same tests run on the host and inside the busybox cgroup-v2 VM (tests/vm/).
# Conventions: tests/integration/README.md (exit 0 pass, 77 skip, else fail; leave nothing
# behind). Everything here is generic: no area's knowledge.
#
#   it_fail MSG / it_skip MSG / it_log MSG
#   it_require_root; it_require_cmd CMD...; it_require_exec VAR... (env vars naming executables)
#   it_on_exit CMD         run CMD (a string, eval'ed) at exit, last registered first
#   it_tmpdir              a fresh directory under $SKIFF_TEST_TMP, removed at exit -> $IT_TMP
#   it_cgroup_root         a cgroup root of the test's own ("skiff-test-<pid>", or
#                          $SKIFF_TEST_CGROUP_ROOT) -> $IT_CGROUP_ROOT, removed at exit
#   it_cgroup_dirs PATH    the directories of cgroup PATH in every mounted hierarchy
#   it_cgroup_exists PATH / it_cgroup_remove PATH (kills what is inside first)
#   it_busybox_rootfs DIR [FILE...]   a busybox root file system (FILEs copied to DIR/bin)
#   it_assert_eq GOT WANT MSG; it_assert_match TEXT REGEX MSG; it_assert_file_match FILE REGEX
#   it_assert_no_match TEXT REGEX MSG
#   it_wait_for SECONDS CMD...        poll CMD every 50 ms until it succeeds (1 on timeout)
#   it_json_get FILE KEY   a top-level scalar of a compact JSON object (strings unquoted)
#   it_mounts_under PATH   mount points under PATH (host's /proc/self/mountinfo)
#   it_assert_no_mounts PATH; it_pid_alive PID; it_assert_pid_gone PID

it_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

it_skip() {
	echo "$*"
	exit 77
}

it_log() {
	echo "-- $*"
}

it_require_root() {
	[ "$(id -u)" = 0 ] || it_skip "needs root"
}

it_require_cmd() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || it_skip "needs $c"
	done
}

it_require_exec() {
	for v in "$@"; do
		eval "p=\${$v:-}"
		# shellcheck disable=SC2154
		[ -n "$p" ] && [ -x "$p" ] || it_skip "$v does not name an executable (${p:-unset})"
	done
}

IT_EXIT_CMDS=""
it_on_exit() {
	IT_EXIT_CMDS="$1
$IT_EXIT_CMDS"
}

it__run_exit() {
	rc=$?
	set +e
	# Newest first; each line on its own so one failure does not stop the rest.
	printf '%s\n' "$IT_EXIT_CMDS" | while IFS= read -r c; do
		[ -n "$c" ] && eval "$c" >/dev/null 2>&1
	done
	exit $rc
}
trap it__run_exit EXIT
trap 'exit 130' INT TERM

it_tmpdir() {
	base=${SKIFF_TEST_TMP:-/tmp}
	mkdir -p "$base"
	IT_TMP=$(mktemp -d "$base/$(basename "$0" .sh).XXXXXX") || it_fail "mktemp"
	it_on_exit "rm -rf '$IT_TMP'"
}

# Every directory that cgroup PATH has, one per hierarchy (v1 controllers, named ones, unified).
it_cgroup_dirs() {
	p=${1#/}
	awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo 2>/dev/null |
		sort -u | while read -r mnt; do
		[ -d "$mnt/$p" ] && echo "$mnt/$p"
	done
	return 0
}

it_cgroup_exists() {
	[ -n "$(it_cgroup_dirs "$1")" ]
}

# Kill what is inside (by the pids listed there: the test's own), deepest first, then rmdir.
it_cgroup_remove() {
	for d in $(it_cgroup_dirs "$1"); do
		find "$d" -depth -type d 2>/dev/null | while read -r sub; do
			if [ -w "$sub/cgroup.kill" ]; then
				echo 1 >"$sub/cgroup.kill" 2>/dev/null
			fi
			for pid in $(cat "$sub/cgroup.procs" 2>/dev/null); do
				kill -9 "$pid" 2>/dev/null
			done
		done
	done
	i=0
	while [ $i -lt 100 ]; do
		left=0
		for d in $(it_cgroup_dirs "$1"); do
			find "$d" -depth -type d 2>/dev/null | while read -r sub; do
				rmdir "$sub" 2>/dev/null
			done
			[ -d "$d" ] && left=1
		done
		[ $left = 0 ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

it_cgroup_root() {
	IT_CGROUP_ROOT=${SKIFF_TEST_CGROUP_ROOT:-skiff-test-$$}
	it_on_exit "it_cgroup_remove '$IT_CGROUP_ROOT'"
}

it_busybox_rootfs() {
	dir=$1
	shift
	bb=${SKIFF_BUSYBOX:-$(command -v busybox)}
	[ -n "$bb" ] || it_skip "needs busybox (busybox-static)"
	mkdir -p "$dir/bin" "$dir/etc" "$dir/tmp" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/root" ||
		it_fail "mkdir $dir"
	cp "$bb" "$dir/bin/busybox" || it_fail "copy busybox"
	for a in $("$dir/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$dir/bin/$a"
	done
	for f in "$@"; do
		cp "$f" "$dir/bin/" || it_fail "copy $f"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$dir/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
	chmod 1777 "$dir/tmp"
}

it_assert_eq() {
	[ "$1" = "$2" ] || it_fail "${3:-values differ}: got \"$1\", want \"$2\""
}

it_assert_match() {
	printf '%s\n' "$1" | grep -Eq -- "$2" || it_fail "${3:-no match}: \"$2\" not in: $1"
}

it_assert_no_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		it_fail "${3:-unexpected match}: \"$2\" in: $1"
	fi
}

it_assert_file_match() {
	grep -Eq -- "$2" "$1" 2>/dev/null || it_fail "${3:-no match}: \"$2\" not in $1: $(cat "$1" 2>&1)"
}

it_wait_for() {
	limit=$1
	shift
	# 50 ms steps.
	n=$((limit * 20))
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

it_json_get() {
	v=$(sed -nE "s/.*\"$2\":\"(([^\"\\\\]|\\\\.)*)\".*/\\1/p" "$1" 2>/dev/null)
	if [ -n "$v" ]; then
		printf '%s\n' "$v" | sed -e 's/\\"/"/g' -e 's/\\\\/\\/g'
		return 0
	fi
	sed -nE "s/.*\"$2\":([^,}\"]*)[,}].*/\\1/p" "$1" 2>/dev/null
}

it_mounts_under() {
	awk -v p="$1" '$5 == p || index($5, p "/") == 1 { print $5 }' /proc/self/mountinfo
}

it_assert_no_mounts() {
	m=$(it_mounts_under "$1")
	[ -z "$m" ] || it_fail "mounts left under $1: $m"
}

it_pid_alive() {
	kill -0 "$1" 2>/dev/null
}

it_assert_pid_gone() {
	if it_pid_alive "$1"; then
		it_fail "process $1 still runs: $(cat /proc/"$1"/cmdline 2>/dev/null | tr '\0' ' ')"
	fi
}
