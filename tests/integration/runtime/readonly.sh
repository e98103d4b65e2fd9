#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# readOnlyRootFilesystem refuses writes to the root but not to volumes and tmpfs mounts;
# bind mounts follow their readOnly flag; the image's files stay untouched.
. "$(dirname "$0")/common.inc"

VOL=$IT_TMP/vol
mkdir -p "$VOL"
echo data >"$VOL/file"
C=$IT_TMP/ro
rt_config "$C" "[\"/bin/sh\",\"-c\",\"$TH write /etc/x y; $TH write /vol/new z; $TH write /rovol/new z; $TH write /scratch/t z; cat /vol/file\"]" \
	",\"root\":{\"lower\":[\"$ROOTFS\"],\"upper\":\"$C/upper\",\"work\":\"$C/work\",\"readOnly\":true},\"mounts\":[{\"destination\":\"/vol\",\"source\":\"$VOL\"},{\"destination\":\"/rovol\",\"source\":\"$VOL\",\"readOnly\":true},{\"destination\":\"/scratch\",\"type\":\"tmpfs\",\"size\":1048576}]"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
out=$(cat "$C/out")
it_assert_eq "$(echo "$out" | sed -n 1p)" "write: EROFS (30)" "root is read-only"
it_assert_eq "$(echo "$out" | sed -n 2p)" "write: ok" "rw volume"
it_assert_eq "$(echo "$out" | sed -n 3p)" "write: EROFS (30)" "ro volume"
it_assert_eq "$(echo "$out" | sed -n 4p)" "write: ok" "tmpfs"
it_assert_eq "$(echo "$out" | sed -n 5p)" "data" "volume content"
[ -f "$VOL/new" ] || it_fail "the volume write did not reach the host"
rt_check_clean "$C"

# Writable root: writes land in the upper dir, the lower (image) is untouched.
C=$IT_TMP/rw
rt_config "$C" "[\"$TH\",\"write\",\"/etc/x\",\"y\"]"
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_eq "$(cat "$C/out")" "write: ok" "rw root"
[ -f "$C/upper/etc/x" ] || it_fail "write not in the upper dir"
[ ! -e "$ROOTFS/etc/x" ] || it_fail "the image was written to"
rt_check_clean "$C"

# Without an upper dir, a tmpfs holds it and the writes vanish with the container.
C=$IT_TMP/tmpupper
mkdir -p "$C"
cat >"$C/config.json" <<JSON
{"id":"t","root":{"lower":["$ROOTFS"]},"process":{"args":["$TH","write","/etc/x","y"]},
 "seccomp":{"cacheDir":"$SECCOMP_CACHE"}}
JSON
rt_run "$C" || it_fail "run: $(cat "$C/err")"
it_assert_eq "$(cat "$C/out")" "write: ok" "tmpfs upper"
[ -z "$(ls -A "$C/rootfs")" ] || it_fail "the tmpfs upper leaked onto the host: $(ls -A "$C/rootfs")"
rt_check_clean "$C"
