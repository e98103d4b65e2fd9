#!/bin/bash
# The embedded busybox: import without network or package, run it, users, idempotence, speed.
. "$(dirname "$0")/common.inc"

start=$(date +%s%N)
img import --builtin busybox >"$T/out"
ms=$((($(date +%s%N) - start) / 1000000))
cat "$T/out"
echo "builtin busybox import: ${ms} ms (wall, including process start)"
grep -q "^imported docker.io/library/busybox:latest sha256:[0-9a-f]\{64\} (1 layer, 1 new," "$T/out" ||
	fail "unexpected import output"
img ls | grep -q "^docker.io/library/busybox  *latest  *[0-9a-f]\{13\}  *[0-9.]*MB$" || { img ls; fail "ls"; }

# runs from its layer without the host's busybox
root=$(lowerdirs busybox)
[ "$(chroot "$root" /bin/sh -c 'echo ok')" = ok ] || fail "sh in the image"
[ "$(chroot "$root" /usr/bin/env sh -c 'cat /etc/hostname')" = skiff ] || fail "applet links"
[ -L "$root/bin/ls" ] && [ "$(readlink "$root/bin/ls")" = /bin/busybox ] || fail "applet link form"
[ "$(stat -c %a "$root/tmp")" = 1777 ] || fail "/tmp mode"

# config as Docker Hub's busybox: Cmd ["sh"], PATH
img inspect busybox | json_get '["config"]["Cmd"]' | grep -q "\['sh'\]" || fail "Cmd"
img inspect busybox | json_get '["config"]["Env"][0]' | grep -q '^PATH=/usr/local/sbin' || fail "Env"

# users of the image's /etc/passwd and /etc/group
[ "$(img resolve busybox --user nobody | json_get '["user"]["uid"]')" = 65534 ] || fail "nobody"
[ "$(img resolve busybox --user skiff | json_get '["user"]["gids"]')" = "[1000, 100, 2000]" ] ||
	fail "skiff groups"
[ "$(img resolve busybox --user www-data:testers | json_get '["user"]["gid"]')" = 2000 ] ||
	fail "name:group"
expect_fail 'no user "nosuch"' img resolve busybox --user nosuch

# again: same ID, no new layer; another name shares everything
id1=$(img import -q --builtin busybox)
id2=$(img import -q --builtin busybox busybox:1.36)
[ "$id1" = "$id2" ] || fail "builtin image ID changed"
[ "$(n_layers)" = 1 ] || fail "layers not shared"
[ "$(img ls -q | wc -l)" = 1 ] || fail "ls -q lists an image once"

# a damaged store blob is reported, and importing again repairs it
echo '{}' >"$STORE/blobs/sha256/${id1#sha256:}"
expect_fail "is damaged" img resolve busybox
img import --builtin busybox >/dev/null
img resolve busybox >/dev/null || fail "not repaired"

# the resolver imports the builtin on first use (IMAGE_RESOLVE_BUILTIN)
rm -rf "$STORE"
img resolve busybox >/dev/null || fail "auto-import"
img ls | grep -q busybox || fail "auto-import did not store"
expect_fail 'no image "busybox:1.0"' img resolve busybox:1.0
expect_fail 'no builtin image' img import --builtin alpine
echo PASS
