#!/bin/bash
# Names as Kubernetes writes them, ls like crictl images, inspect, rm with garbage collection,
# holds keeping a container's image through rm.
. "$(dirname "$0")/common.inc"

make_rootfs "$T/r1"
make_rootfs "$T/r2"
echo v2 >"$T/r2/etc/version"
tar -C "$T/r1" -cf "$T/r1.tar" .
tar -C "$T/r2" -cf "$T/r2.tar" .

img import busybox "$T/r1.tar" >/dev/null
img import docker.io/library/busybox:1.36 "$T/r1.tar" >/dev/null
img import registry:5000/team/app:v1 "$T/r2.tar" >/dev/null
img import localhost/app "$T/r2.tar" >/dev/null

# ls: IMAGE TAG IMAGE ID SIZE, sorted, IDs truncated to 13
img ls >"$T/ls"
cat "$T/ls"
head -1 "$T/ls" | grep -q "^IMAGE  *TAG  *IMAGE ID  *SIZE$" || fail "ls header"
grep -q "^docker.io/library/busybox  *1.36  *[0-9a-f]\{13\}  *[0-9.]*[kM]B$" "$T/ls" || fail "ls row"
grep -q "^registry:5000/team/app  *v1 " "$T/ls" || fail "registry ref"
grep -q "^localhost/app  *latest " "$T/ls" || fail "localhost ref"
[ "$(wc -l <"$T/ls")" = 5 ] || fail "ls rows"
[ "$(img ls -q | wc -l)" = 2 ] || fail "ls -q: one line per image"
img ls --digests --no-trunc | grep -q "sha256:[0-9a-f]\{64\}  *sha256:[0-9a-f]\{64\}" ||
	fail "ls --digests --no-trunc"

# every spelling of a name finds the same image
id=$(img inspect busybox | json_get '["id"]')
for n in busybox:latest library/busybox docker.io/library/busybox:latest \
	index.docker.io/library/busybox "${id}" "${id#sha256:}" "$(echo "${id#sha256:}" | cut -c1-12)"; do
	[ "$(img inspect "$n" | json_get '["id"]')" = "$id" ] || fail "inspect $n"
done
[ "$(img inspect busybox | json_get '["repoTags"]')" = \
	"['docker.io/library/busybox:1.36', 'docker.io/library/busybox:latest']" ] || fail repoTags
expect_fail 'no image "busybox:1.0"' img inspect busybox:1.0
expect_fail 'ambiguous\|no image' img inspect "$(echo "${id#sha256:}" | cut -c1-3)"

# rm a reference: the layer stays while another reference uses it
[ "$(n_layers)" = 2 ] || fail "2 layers"
img rm busybox | grep -q "^Deleted: busybox$" || fail "rm output"
expect_fail 'no image "busybox"' img inspect busybox
[ "$(n_layers)" = 2 ] || fail "layer still used by busybox:1.36"
img rm busybox:1.36 >/dev/null
[ "$(n_layers)" = 1 ] || fail "unreferenced layer collected"
[ "$(n_blobs)" = 2 ] || { ls "$STORE/blobs/sha256"; fail "the manifest and config of the image left"; }
expect_fail 'no image' img rm busybox

# rm by ID removes every reference to it
id2=$(img inspect localhost/app | json_get '["id"]')
img rm "$(echo "${id2#sha256:}" | cut -c1-13)" >/dev/null
[ -z "$(img ls -q)" ] || fail "rm by ID"
[ "$(n_layers)" = 0 ] && [ "$(n_blobs)" = 0 ] || fail "everything collected"

# holds: the store keeps a container's image through rm (library API through resolve is the
# agent's; here the hold file a container would write)
img import held "$T/r1.tar" >/dev/null
hid=$(img inspect held | json_get '["id"]')
echo "$hid" >"$STORE/holds/container-1"
img rm held >/dev/null
[ "$(n_layers)" = 1 ] || fail "held layer collected"
rm "$STORE/holds/container-1"
img gc | grep -q "removed 1 blobs, 1 layers" || fail "gc after release"

# stale staging (a crashed import) is collected; a fresh one is left alone
mkdir "$STORE/tmp/import-stale" "$STORE/tmp/import-fresh"
touch -d '1 hour ago' "$STORE/tmp/import-stale"
img gc >/dev/null
[ "$(ls "$STORE/tmp")" = import-fresh ] || fail "staging gc"
echo PASS
