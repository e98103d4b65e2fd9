#!/bin/bash
# A rootfs directory and rootfs tarballs (tar, tar.gz, tar.zst) become one-layer images.
. "$(dirname "$0")/common.inc"

make_rootfs "$T/rootfs"
echo ca >"$T/rootfs/etc/NetLock_Arany_=Class_Gold=_Főtanúsítvány.pem" # names are bytes
tar --sort=name -C "$T/rootfs" -cf "$T/rootfs.tar" .
gzip -n -k "$T/rootfs.tar"
zstd -q -k "$T/rootfs.tar"
xz -k "$T/rootfs.tar"

img import --cmd /bin/sh --cmd -c --cmd 'echo hi' --env A=1 --env B=2 --workdir /tmp \
	--user app app:dir "$T/rootfs"
img import app:tar "$T/rootfs.tar"
img import app:gz "$T/rootfs.tar.gz"
img import app:zst "$T/rootfs.tar.zst"
img import app:xz "$T/rootfs.tar.xz"
img import --entrypoint '["/bin/sh","-c"]' app:json "$T/rootfs.tar"

# the same tar, whatever its compression, is the same layer and the same image
id_tar=$(img inspect app:tar | json_get '["id"]')
for t in gz zst xz; do
	[ "$(img inspect app:$t | json_get '["id"]')" = "$id_tar" ] || fail "app:$t differs"
done
[ "$(n_layers)" = 2 ] || { ls "$STORE/layers/sha256"; fail "expected 2 layers (dir + tar)"; }

# the config given at import
cfg=$(img inspect app:dir)
[ "$(echo "$cfg" | json_get '["config"]["Cmd"]')" = "['/bin/sh', '-c', 'echo hi']" ] || fail Cmd
[ "$(echo "$cfg" | json_get '["config"]["Env"]')" = "['A=1', 'B=2']" ] || fail Env
[ "$(echo "$cfg" | json_get '["config"]["WorkingDir"]')" = /tmp ] || fail WorkingDir
[ "$(echo "$cfg" | json_get '["config"]["User"]')" = app ] || fail User
[ "$(img inspect app:json | json_get '["config"]["Entrypoint"]')" = "['/bin/sh', '-c']" ] ||
	fail "Entrypoint as JSON"
[ "$(img resolve app:dir | json_get '["user"]["uid"]')" = 500 ] || fail "image user"

# contents: modes, symlinks, hard links, owners kept
for t in dir tar; do
	mount_image app:$t "$T/m-$t"
	m=$T/m-$t
	[ "$(chroot "$m" /bin/sh -c '/bin/busybox cat /etc/greeting')" = hello ] || fail "$t: run"
	[ "$(readlink "$m/bin/ls")" = /bin/busybox ] || fail "$t: absolute symlink kept"
	[ "$(stat -c %a "$m/tmp")" = 1777 ] || fail "$t: mode"
	[ "$(stat -c %h "$m/etc/greeting")" = 2 ] || fail "$t: hard link"
	[ -f "$m/etc/NetLock_Arany_=Class_Gold=_Főtanúsítvány.pem" ] || fail "$t: UTF-8 name"
done

# a file that is not a tar, an empty file, a missing path
echo "not a tarball" >"$T/bad.tar"
expect_fail "not a tar archive" img import bad "$T/bad.tar"
: >"$T/empty.tar"
expect_fail "not a tar archive" img import empty "$T/empty.tar"
expect_fail "not a tar archive" img import --format rootfs empty "$T/empty.tar"
expect_fail "No such file" img import nope "$T/does-not-exist"
expect_fail "not a digest" img import "app@sha256:$(printf '%064d' 0)" "$T/rootfs.tar"
expect_fail "invalid image reference" img import "Bad:Name" "$T/rootfs.tar"
[ -z "$(ls -A "$STORE/tmp")" ] || fail "staging left behind"

# the CLI's own errors
expect_fail "usage" "$SKIFF" image
expect_fail 'unknown command "frob"' img frob
expect_fail "usage" img import onlyname
expect_fail "usage" img inspect
expect_fail "invalid --cmd" img import --cmd '["unterminated' x "$T/rootfs.tar"
expect_fail "invalid --cmd" img import --env NOEQUALS x "$T/rootfs.tar"
echo PASS
