#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Escapes fail: dropped capabilities are gone, /proc/sysrq-trigger and mount refuse, host
# files are out of reach through /proc/1/root, a subPath cannot leave its volume through
# symlinks, device nodes beyond the default list cannot be opened (device cgroup).
. "$(dirname "$0")/common.inc"

# Only CAP_CHOWN and CAP_KILL left: really gone from every set.
C=$IT_TMP/caps
rt_config "$C" "[\"/bin/sh\",\"-c\",\"$TH caps; $TH try chroot; $TH try mknod /tmp/n\"]" \
	",\"process\":{\"args\":[\"/bin/sh\",\"-c\",\"$TH caps; $TH try chroot; $TH try mknod /tmp/n\"],\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],\"effective\":[\"CAP_CHOWN\",\"CAP_KILL\"],\"permitted\":[\"CAP_CHOWN\",\"CAP_KILL\"]}}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
out=$(cat "$C/out")
it_assert_match "$out" "^CapBnd:	0000000000000021$" "bounding set"
it_assert_match "$out" "^CapEff:	0000000000000021$" "effective set"
it_assert_match "$out" "^CapPrm:	0000000000000021$" "permitted set"
it_assert_match "$out" "^chroot: EPERM" "chroot without CAP_SYS_CHROOT"
it_assert_match "$out" "^mknod: EPERM" "mknod without CAP_MKNOD"
rt_check_clean "$C"

# A non-root user with no capabilities asked for has none.
C=$IT_TMP/nobody
rt_config "$C" "[\"$TH\",\"caps\"]" ",\"process\":{\"args\":[\"$TH\",\"caps\"],\"user\":{\"uid\":65534,\"gid\":65534},\"capabilities\":{\"bounding\":[],\"effective\":[],\"permitted\":[]}}"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_match "$(cat "$C/out")" "^CapEff:	0000000000000000$" "no capabilities"
it_assert_match "$(cat "$C/out")" "^CapBnd:	0000000000000000$" "empty bounding set"
rt_check_clean "$C"

# sysrq-trigger (where the kernel has one), mount, host files through /proc/1/root.
echo secret >"$IT_TMP/host-secret"
C=$IT_TMP/proc
rt_config "$C" "[\"/bin/sh\",\"-c\",\"$TH try sysrq; $TH try mount; $TH read /proc/1/root$IT_TMP/host-secret; ls /proc/1/root/\"]"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
out=$(cat "$C/out")
if [ -e /proc/sysrq-trigger ]; then
	it_assert_match "$out" "^sysrq: (EROFS|EACCES|EPERM)" "sysrq-trigger"
else
	it_assert_match "$out" "^sysrq: ENOENT" "sysrq-trigger"
fi
it_assert_match "$out" "^mount: EPERM" "mount"
it_assert_no_match "$out" "^secret$" "host file through /proc/1/root"
it_assert_match "$out" "^skiff-testhelper|^bin$" "/proc/1/root is the container's root"
rt_check_clean "$C"

# subPath: symlinks that leave the volume are refused; one that stays inside works.
VOL=$IT_TMP/vol
mkdir -p "$VOL/inside/deep"
echo fine >"$VOL/inside/deep/f"
ln -s /etc "$VOL/abs"
ln -s ../../.. "$VOL/rel"
ln -s inside "$VOL/good"
for sub in abs rel abs/passwd rel/etc ../x; do
	C=$IT_TMP/sub-$(echo "$sub" | tr '/.' '__')
	rt_config "$C" '["/bin/true"]' ",\"mounts\":[{\"destination\":\"/data\",\"source\":\"$VOL\",\"subPath\":\"$sub\"}]"
	rt_run "$C"
	it_assert_eq "$(rt_exit "$C" reason)" "StartError" "subPath $sub"
	it_assert_match "$(rt_exit "$C" message)" "subPath|not a clean" "subPath $sub message"
	rt_check_clean "$C"
done
it_assert_match "$(rt_exit "$IT_TMP/sub-abs" message)" 'subPath "abs" leaves the volume' "message"
C=$IT_TMP/subgood
rt_config "$C" "[\"cat\",\"/data/f\"]" ",\"mounts\":[{\"destination\":\"/data\",\"source\":\"$VOL\",\"subPath\":\"good/deep\"},{\"destination\":\"/made\",\"source\":\"$VOL\",\"subPath\":\"new/dir\"}]"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_eq "$(cat "$C/out")" "fine" "subPath through an inner symlink"
[ -d "$VOL/new/dir" ] || it_fail "a missing subPath directory is made inside the volume"
rt_check_clean "$C"

# Device cgroup: a block device node can be made (CAP_MKNOD, as containerd) but not opened.
if rt_have_cgroups; then
	it_cgroup_root
	C=$IT_TMP/dev
	rt_config "$C" "[\"/bin/sh\",\"-c\",\"$TH try mknod /tmp/sda; $TH try open /tmp/sda; $TH try open /dev/null\"]" \
		",\"cgroup\":{\"path\":\"$IT_CGROUP_ROOT/dev\"}"
	rt_run "$C" || it_fail "run: $(cat "$C/err")"
	out=$(cat "$C/out")
	it_assert_match "$out" "^mknod: ok" "mknod"
	it_assert_match "$out" "^open: EPERM" "opening a block device"
	it_assert_match "$out" "^open: ok" "opening /dev/null"
	rt_check_clean "$C"
fi

# An image whose /proc is a symlink to / would have proc mounted over its whole root: refused.
EVIL=$IT_TMP/evil-root
cp -a "$ROOTFS" "$EVIL"
rmdir "$EVIL/proc"
ln -s / "$EVIL/proc"
C=$IT_TMP/evilproc
rt_config "$C" '["/bin/true"]' ",\"root\":{\"lower\":[\"$EVIL\"],\"upper\":\"$C/upper\",\"work\":\"$C/work\"}"
rt_run "$C"
it_assert_eq "$(rt_exit "$C" reason)" "StartError" "symlinked /proc"
it_assert_eq "$(rt_exit "$C" message)" "mount point /proc is a symlink in the image: Too many levels of symbolic links" "message"
rt_check_clean "$C"
# A volume's destination through a symlink in the image stays inside the root.
rm -rf "$EVIL/proc" && mkdir "$EVIL/proc"
ln -s /../../../../tmp "$EVIL/escape"
C=$IT_TMP/evilvol
rt_config "$C" "[\"$TH\",\"read\",\"/escape/f\"]" ",\"root\":{\"lower\":[\"$EVIL\"],\"upper\":\"$C/upper\",\"work\":\"$C/work\"},\"mounts\":[{\"destination\":\"/escape\",\"source\":\"$VOL/inside/deep\"}]"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_eq "$(cat "$C/out")" "fine" "the volume lands inside the root"
rt_check_clean "$C"
