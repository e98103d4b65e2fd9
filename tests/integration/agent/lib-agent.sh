# SPDX-License-Identifier: Apache-2.0
# Shared helpers of the agent tests (sourced by tests/integration/agent/*.sh, bash).
# Each test gets a private world: a temp dir ($IT_TMP) holding the root, state, pod log and
# manifest directories and the config file, its own cgroup root (/skiff-it-<test>-<pid>), and
# a trap that kills the processes it started (the agents by PID; monitors and containers found
# by the test's own directory in their command line or in the test's cgroups), unmounts what
# is left under $IT_TMP, removes the cgroups leaf-first and the temp dir.
#
#   ag_config [YAML-LINES]      (re)write $CFG: podLogDir in $LOGS plus YAML-LINES under skiff:
#   ag_start [FLAGS...]         start `skiff agent` (static pods from $MAN), wait for its API
#   ag_stop [SIGNAL]            stop it (TERM by default) and wait for it
#   ag_run OUT FLAGS-AND-FILES  `skiff run` in the foreground; stdout in OUT, stderr in OUT.err
#   sk CMD ARGS...              the CLI against the agent (`sk get pods`, `sk logs ...`)
#   ag_json POD / ag_jq POD FILTER / ag_row POD / ag_col POD N (N: 2 READY, 3 STATUS, 4 RESTARTS)
#   ag_wait SECS DESC CMD...    poll CMD, fail with DESC and the agent's state on timeout
#   ag_wait_jq POD FILTER [SECS] / ag_wait_col POD N VALUE [SECS] / ag_wait_gone POD [SECS]
#   ag_static NAME              a static pod's API name (NAME-$NODE)
#   ag_assert_clean             no mount under $IT_TMP, no pod cgroup, no process of ours
#   ag_cid POD CONTAINER        the container's ID (no skiff:// prefix)
#   ag_th_volume / ag_th_mount  YAML mounting the test helper's directory at /th ($TH)
#   ag_note_script DIR          DIR/note: containers note "<what> <uptime>" lines in DIR
#   ag_now                      seconds since the epoch, with fractions
#   ag_ts2s RFC3339             seconds since the epoch of a status timestamp
. "$(dirname "$0")/../lib.sh"
set -u

it_require_root
it_require_exec SKIFF SKIFF_MONITOR
it_require_cmd jq awk

AG_TEST=$(basename "$0" .sh)
it_tmpdir
# SKIFF_TEST_CGROUP_ROOT would be shared by every test of a run: ours is always private.
SKIFF_TEST_CGROUP_ROOT=skiff-it-$AG_TEST-$$
it_cgroup_root
it_on_exit "ag__unmount"
it_on_exit "ag__kill_ours"
# The agents are this shell's children: kill and reap them here, quietly, before lib.sh's
# exit commands run (in a subshell, where they could not be waited for).
ag__exit() {
	ag_rc=$?
	for p in ${AG_PIDS:-}; do
		kill -9 "$p" 2>/dev/null
		{ wait "$p"; } 2>/dev/null
	done
	(exit $ag_rc)
	it__run_exit
}
trap ag__exit EXIT

CFG=$IT_TMP/config.yaml
ROOT=$IT_TMP/root
STATE=$IT_TMP/state
LOGS=$IT_TMP/logs
MAN=$IT_TMP/manifests
SOCK=$STATE/skiff.sock
AG_LOG=$IT_TMP/agent.log
NODE=it-node
CGROOT=/$IT_CGROUP_ROOT
AG_PID=""
AG_PIDS=""
mkdir -p "$MAN" "$LOGS" || it_fail "mkdir"
# The test helper, mounted read-only into pods with a hostPath volume (ag_th_volume/_mount).
TH_DIR=""
if [ -n "${SKIFF_TESTHELPER:-}" ] && [ -x "$SKIFF_TESTHELPER" ]; then
	TH_DIR=$(cd "$(dirname "$SKIFF_TESTHELPER")" && pwd)
fi
TH=/th/$(basename "${SKIFF_TESTHELPER:-skiff-testhelper}")

ag_require_testhelper() {
	[ -n "$TH_DIR" ] || it_skip "SKIFF_TESTHELPER does not name an executable"
}

# ag_note_script DIR: DIR/note, a script for containers that mount DIR at /shared:
# `sh /shared/note FILE WHAT` appends "WHAT <uptime seconds>" to /shared/FILE (busybox date
# has no %N; /proc/uptime is the same clock in every container).
ag_note_script() {
	mkdir -p "$1"
	cat >"$1/note" <<'EOF'
read -r u _ </proc/uptime
echo "$2 $u" >>"/shared/$1"
EOF
}

# YAML of the helper's volume and mount, for pods that use $TH (indent: 4 and 6 spaces).
ag_th_volume() {
	printf '  volumes:\n  - name: th\n    hostPath: {path: %s, type: Directory}\n' "$TH_DIR"
}
ag_th_mount() {
	printf '    volumeMounts:\n    - {name: th, mountPath: /th, readOnly: true}\n'
}

ag_config() {
	{
		echo "apiVersion: kubelet.config.k8s.io/v1beta1"
		echo "kind: KubeletConfiguration"
		echo "skiff:"
		echo "  podLogDir: $LOGS"
		[ $# -gt 0 ] && printf '  %s\n' "$@"
	} >"$CFG"
}
ag_config

# Every process of ours: the agents, and whatever names our temp dir on its command line
# (monitors, skiff run), found by PID; containers are killed through our cgroups.
ag__our_pids() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = $$ ] && continue
		c=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
		case "$c" in
		*"$IT_TMP/"* | *"$IT_TMP "*) echo "$pid" ;;
		esac
	done
}

ag__kill_ours() {
	for p in ${AG_PIDS:-}; do kill -9 "$p" 2>/dev/null; done
	for p in $(ag__our_pids); do kill -9 "$p" 2>/dev/null; done
	for p in ${AG_PIDS:-}; do wait "$p" 2>/dev/null; done
	return 0
}

ag__unmount() {
	i=0
	while [ $i -lt 5 ]; do
		m=$(it_mounts_under "$IT_TMP" | sort -r)
		[ -z "$m" ] && return 0
		for x in $m; do umount -l "$x" 2>/dev/null; done
		i=$((i + 1))
	done
	return 0
}

# On failure, show what the agent saw.
it_fail() {
	echo "FAIL: $*" >&2
	if [ -n "${AG_PID:-}" ] && kill -0 "$AG_PID" 2>/dev/null; then
		echo "--- skiff get pods -o wide" >&2
		"$SKIFF" get pods --socket "$SOCK" -o wide >&2 2>&1
	fi
	if [ -s "${AG_LOG:-/nonexistent}" ]; then
		echo "--- agent log (tail)" >&2
		tail -40 "$AG_LOG" >&2
	fi
	# again, last: the runner shows the tail of the output
	echo "FAIL: $*" >&2
	exit 1
}

ag_now() {
	date +%s.%N
}

# RFC 3339 (2026-01-02T03:04:05Z or with fractions) -> epoch seconds.
ag_ts2s() {
	date -d "$1" +%s.%N
}

# ag_elapsed START: seconds since START (an ag_now value), with two decimals.
ag_elapsed() {
	awk -v a="$1" -v b="$(ag_now)" 'BEGIN { printf "%.2f", b - a }'
}

# ag_num_between X LO HI: LO <= X <= HI (decimals allowed).
ag_num_between() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'
}

sk() {
	sub=$1
	shift
	"$SKIFF" "$sub" --socket "$SOCK" "$@"
}

ag_api_up() {
	"$SKIFF" get pods --socket "$SOCK" >/dev/null 2>&1
}

ag_start() {
	mkdir -p "$MAN"
	"$SKIFF" agent --config "$CFG" --root-dir "$ROOT" --state-dir "$STATE" \
		--cgroup-root "$CGROOT" --node-name "$NODE" --healthz-port "${AG_HEALTHZ_PORT:-0}" \
		--pod-manifest-path "$MAN" --file-check-frequency "${AG_FILE_CHECK:-20s}" \
		"$@" >>"$AG_LOG" 2>&1 &
	AG_PID=$!
	AG_PIDS="$AG_PIDS $AG_PID"
	it_wait_for 15 ag_api_up || it_fail "the agent's API did not come up"
}

ag_stop() {
	[ -n "$AG_PID" ] || return 0
	kill -"${1:-TERM}" "$AG_PID" 2>/dev/null
	{ wait "$AG_PID"; } 2>/dev/null
	AG_RC=$?
	AG_PID=""
}

# ag_run OUT ARGS...: skiff run with the test's directories; returns its status.
ag_run() {
	out=$1
	shift
	timeout -k 5 "${AG_RUN_TIMEOUT:-60}" "$SKIFF" run --config "$CFG" --root-dir "$ROOT" \
		--state-dir "$STATE" --cgroup-root "$CGROOT" --node-name "$NODE" "$@" \
		>"$out" 2>"$out.err"
}

ag_static() {
	echo "$1-$NODE"
}

ag_json() {
	sk get pods "$1" -o json 2>/dev/null
}

ag_jq() {
	ag_json "$1" | jq -r "$2"
}

# The row of POD in `skiff get pods`, columns separated by runs of 2+ spaces.
ag_row() {
	sk get pods 2>/dev/null | awk -v p="$1" '$1 == p'
}

ag_col() {
	ag_row "$1" | awk -F'  +' -v n="$2" '{ print $n }'
}

ag__quiet() {
	"$@" >/dev/null 2>&1
}

ag_wait() {
	secs=$1
	desc=$2
	shift 2
	it_wait_for "$secs" ag__quiet "$@" || it_fail "timed out after ${secs}s waiting for: $desc"
}

ag__jq_true() {
	ag_json "$1" | jq -e "$2" >/dev/null 2>&1
}

ag_wait_jq() {
	it_wait_for "${3:-20}" ag__jq_true "$1" "$2" ||
		it_fail "timed out waiting for $1: $2; status: $(ag_json "$1" | jq -c .status)"
}

ag__col_is() {
	[ "$(ag_col "$1" "$2")" = "$3" ]
}

ag_wait_col() {
	it_wait_for "${4:-20}" ag__col_is "$1" "$2" "$3" ||
		it_fail "$1: column $2 is not \"$3\": $(ag_row "$1")"
}

ag__gone() {
	! sk get pods "$1" >/dev/null 2>&1
}

ag_wait_gone() {
	ag_wait "${2:-20}" "$1 gone" ag__gone "$1"
}

# Directories of pod cgroups left under our root, in any hierarchy.
ag_pod_cgroups() {
	for d in $(it_cgroup_dirs "$IT_CGROUP_ROOT"); do
		find "$d" -mindepth 1 -type d -name 'pod*' 2>/dev/null
	done
}

# Every cgroup below our root (any hierarchy), relative to it.
ag_cgroups_below_root() {
	for d in $(it_cgroup_dirs "$IT_CGROUP_ROOT"); do
		find "$d" -mindepth 1 -type d 2>/dev/null | sed "s|^$d/||"
	done | sort -u
}

# Our processes other than the running agent.
ag_stray_pids() {
	for p in $(ag__our_pids); do
		[ "$p" = "${AG_PID:-}" ] && continue
		echo "$p"
	done
}

ag_assert_clean() {
	it_assert_no_mounts "$IT_TMP"
	cg=$(ag_pod_cgroups)
	[ -z "$cg" ] || it_fail "pod cgroups left: $cg"
	left=$(ag_stray_pids)
	[ -z "$left" ] || it_fail "processes left: $(for p in $left; do
		tr '\0' ' ' <"/proc/$p/cmdline"
		echo
	done)"
}

# The container ID (no skiff:// prefix) of CONTAINER in POD.
ag_cid() {
	ag_jq "$1" "[.status.containerStatuses[]?, .status.initContainerStatuses[]?]
		| map(select(.name == \"$2\"))[0].containerID // \"\" | sub(\"^skiff://\"; \"\")"
}
