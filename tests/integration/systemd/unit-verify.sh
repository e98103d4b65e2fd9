#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# contrib/systemd as `meson install` installs it: `systemd-analyze verify` on the unit (paths
# moved under the DESTDIR so the ExecStart binary exists), the directives a node agent relies
# on, the tmpfiles.d snippet applied to a scratch root, and the installed configuration.
# Any warning of systemd-analyze fails the test: it exits 0 on unknown keys and bad values.
. "$(dirname "$0")/../lib.sh"

it_require_cmd systemd-analyze systemd-tmpfiles meson
[ -n "${BUILD_DIR:-}" ] && [ -f "$BUILD_DIR/build.ninja" ] || it_skip "BUILD_DIR is not a meson build directory"
[ -f "$BUILD_DIR/contrib/skiff.service" ] ||
	it_fail "$BUILD_DIR/contrib/skiff.service missing (reconfigure: meson setup --reconfigure $BUILD_DIR)"
it_tmpdir
D=$IT_TMP/destdir

it_log "DESTDIR=$D meson install"
DESTDIR=$D meson install -C "$BUILD_DIR" --no-rebuild --quiet >"$IT_TMP/install.log" 2>&1 ||
	it_fail "meson install: $(tail -5 "$IT_TMP/install.log")"
unit=$(find "$D" -path '*/system/skiff.service' | head -1)
tmpfiles=$(find "$D" -path '*/tmpfiles.d/skiff.conf' | head -1)
config=$(find "$D" -path '*/skiff/config.yaml' ! -path '*/doc/*' | head -1)
for f in "$unit" "$tmpfiles" "$config"; do
	[ -n "$f" ] && [ -f "$f" ] || it_fail "not installed: unit=$unit tmpfiles=$tmpfiles config=$config"
done
find "$D" -type f -path '*/libexec/skiff/skiff-monitor' | grep -q . || it_fail "skiff-monitor not installed"
echo "installed: ${unit#"$D"} ${tmpfiles#"$D"} ${config#"$D"}"

# ExecStart=<bindir>/skiff agent --config <sysconfdir>/skiff/config.yaml, as installed.
exec_line=$(sed -n 's/^ExecStart=//p' "$unit")
bin=${exec_line%% *}
cfg=$(printf '%s\n' "$exec_line" | sed -n 's/.*--config \([^ ]*\).*/\1/p')
[ -x "$D$bin" ] || it_fail "ExecStart binary $bin is not installed under DESTDIR"
[ "$D$cfg" = "$config" ] || it_fail "ExecStart --config $cfg is not the installed $config"

it_log "systemd-analyze verify"
mkdir -p "$IT_TMP/units"
sed "s|^ExecStart=$bin |ExecStart=$D$bin |" "$unit" >"$IT_TMP/units/skiff.service"
systemd-analyze verify "$IT_TMP/units/skiff.service" >"$IT_TMP/verify.log" 2>&1 ||
	it_fail "systemd-analyze verify: $(cat "$IT_TMP/verify.log")"
[ ! -s "$IT_TMP/verify.log" ] || it_fail "systemd-analyze verify warned: $(cat "$IT_TMP/verify.log")"

it_log "directives"
for d in Type=notify NotifyAccess=main WatchdogSec=30s Restart=always RestartSec=2s \
	Delegate=yes KillMode=process OOMScoreAdjust=-999 TasksMax=infinity \
	Wants=network-online.target WantedBy=multi-user.target StartLimitIntervalSec=0; do
	grep -qx "$d" "$unit" || it_fail "$d missing from the unit"
done
grep -Eq '^TimeoutStopSec=[0-9]' "$unit" || it_fail "TimeoutStopSec missing"
grep -Eq '^LimitNOFILE=[0-9]' "$unit" || it_fail "LimitNOFILE missing"
grep -Eq '^After=.*network-online\.target' "$unit" && grep -Eq '^After=.*local-fs\.target' "$unit" ||
	it_fail "After=network-online.target local-fs.target missing"
# Directives that give the agent a private mount namespace or filters its containers inherit.
for d in ProtectSystem ProtectHome PrivateTmp PrivateDevices ProtectKernelTunables \
	ProtectControlGroups NoNewPrivileges SystemCallFilter MemoryDenyWriteExecute \
	RestrictNamespaces CapabilityBoundingSet RuntimeDirectory; do
	! grep -q "^$d=" "$unit" || it_fail "$d= would break pods (see the unit's comments)"
done

it_log "tmpfiles.d"
mkdir -p "$IT_TMP/root"
systemd-tmpfiles --create --root="$IT_TMP/root" "$tmpfiles" >"$IT_TMP/tmpfiles.log" 2>&1 ||
	it_fail "systemd-tmpfiles: $(cat "$IT_TMP/tmpfiles.log")"
[ ! -s "$IT_TMP/tmpfiles.log" ] || it_fail "systemd-tmpfiles warned: $(cat "$IT_TMP/tmpfiles.log")"
pods_dir=$(dirname "$cfg")/pods
for dm in /run/skiff:700 /var/lib/skiff:700 /var/log/pods:755 "$pods_dir:755"; do
	dir=${dm%:*}
	[ -d "$IT_TMP/root$dir" ] || it_fail "tmpfiles did not create $dir"
	it_assert_eq "$(stat -c %a "$IT_TMP/root$dir")" "${dm#*:}" "mode of $dir"
done

it_log "installed configuration"
it_require_exec SKIFF
"$SKIFF" config --config "$config" >"$IT_TMP/config.out" 2>&1 ||
	it_fail "skiff config: $(cat "$IT_TMP/config.out")"
it_assert_file_match "$IT_TMP/config.out" "^staticPodPath: $pods_dir\$"
it_assert_file_match "$IT_TMP/config.out" "rootDir: /var/lib/skiff\$"
it_assert_file_match "$IT_TMP/config.out" "stateDir: /run/skiff\$"
echo PASS
