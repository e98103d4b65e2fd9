#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# privileged (Kubernetes): every capability, no seccomp filter, no masked or read-only paths,
# /sys writable, the host's device nodes; mount propagation None / HostToContainer /
# Bidirectional as runc gives them.
. "$(dirname "$0")/common.inc"

C=$IT_TMP/priv
rt_config "$C" "[\"/bin/sh\",\"-c\",\"$TH caps; $TH mounts; ls /dev; $TH try mount\"]" ',"privileged":true'
rt_run "$C" || it_fail "run: $(cat "$C/err")"
out=$(cat "$C/out")
# Every capability the runtime has itself (containerd's WithAllCurrentCapabilities).
want=$(sed -n 's/^CapPrm:	//p' /proc/self/status)
it_assert_match "$out" "^CapEff:	$want$" "every capability"
it_assert_match "$out" "^CapBnd:	$want$" "full bounding set"
it_assert_match "$out" "^Seccomp:	0$" "no filter"
it_assert_match "$out" " /sys rw," "/sys writable"
it_assert_no_match "$out" " /proc/sys ro," "no read-only paths"
it_assert_match "$out" "^mount: ok" "mount allowed"
for d in $(ls /dev | grep -E '^(vd|sd|nvme|loop)' | head -3); do
	it_assert_match "$out" "^$d$" "host device $d"
done
rt_check_clean "$C"

# Propagation. The volume is a shared mount on the host (Bidirectional needs that).
VOL=$IT_TMP/vol
mkdir -p "$VOL"
mount --bind "$VOL" "$VOL" || it_fail "bind the volume"
it_on_exit "umount -R '$VOL'"
mount --make-shared "$VOL"
mkdir -p "$VOL/later" "$VOL/fromc"
cat >"$IT_TMP/watch.sh" <<'W'
#!/bin/sh
# inside: wait for the host's mount to appear, then mount something for the host to see
i=0
while [ $i -lt 100 ] && ! grep -q " /$1/later " /proc/self/mountinfo; do sleep 0.05; i=$((i + 1)); done
grep -q " /$1/later " /proc/self/mountinfo && echo "$1: sees the host's mount" || echo "$1: does not see it"
mount -t tmpfs t "/$1/fromc" 2>/dev/null && echo "$1: mounted" || echo "$1: mount failed"
W
chmod +x "$IT_TMP/watch.sh"
cp "$IT_TMP/watch.sh" "$ROOTFS/bin/watch.sh"
for p in private rslave rshared; do
	C=$IT_TMP/prop-$p
	rt_config "$C" "[\"/bin/watch.sh\",\"$p\"]" ",\"privileged\":true,\"mounts\":[{\"destination\":\"/$p\",\"source\":\"$VOL\",\"propagation\":\"$p\"}]"
	"$MON" run "$C" >"$C/out" 2>"$C/err" &
	mpid=$!
	sleep 0.5
	mount -t tmpfs later "$VOL/later"
	wait $mpid
	umount "$VOL/later"
	case $p in
	private) it_assert_match "$(cat "$C/out")" "private: does not see it" "None: no host mounts" ;;
	*) it_assert_match "$(cat "$C/out")" "$p: sees the host's mount" "$p: host mounts reach the container" ;;
	esac
	# Bidirectional: the container's mount reached the host (and stays: the namespace's
	# teardown does not propagate); the others keep theirs to themselves.
	it_assert_match "$(cat "$C/out")" "$p: mounted" "mount inside"
	if [ $p = rshared ]; then
		it_mounts_under "$VOL/fromc" | grep -q . || it_fail "Bidirectional: not on the host"
		umount "$VOL/fromc"
	else
		it_mounts_under "$VOL/fromc" | grep -q . && it_fail "$p: the container's mount leaked"
	fi
	rt_check_clean "$C"
done
# Nothing the containers did stays on the host, apart from what Bidirectional is for.
it_assert_no_match "$(it_mounts_under "$VOL" | grep -v "^$VOL$")" "later" "the host's test mount"
