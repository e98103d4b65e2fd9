#!/bin/bash
# OCI image layouts written by umoci and skopeo: directory and tar, gzip and zstd layers,
# whiteouts (.wh.NAME and .wh..wh..opq) as overlayfs sees them, layers shared between images.
. "$(dirname "$0")/common.inc"
command -v umoci >/dev/null || { echo "umoci not installed"; exit 77; }
command -v skopeo >/dev/null || { echo "skopeo not installed"; exit 77; }

L=$T/layout
cd "$T"
umoci init --layout "$L"
umoci new --image "$L:base"
umoci unpack --image "$L:base" b1 >/dev/null
make_rootfs b1/rootfs
mkdir -p b1/rootfs/data/keep
echo k >b1/rootfs/data/keep/a
echo b >b1/rootfs/data/b
echo t >b1/rootfs/topfile
umoci repack --image "$L:base" b1
umoci config --image "$L:base" --config.cmd /bin/sh --config.entrypoint /bin/busybox \
	--config.env FOO=bar --config.workingdir /data --config.user app
# layer 2: a file removed (umoci writes .wh.hostname... here .wh.greeting), one added
umoci unpack --image "$L:base" b2 >/dev/null
rm b2/rootfs/etc/greeting
echo two >b2/rootfs/etc/motd
umoci repack --image "$L:v2" b2
# layer 3 (v3): an opaque /data, written by hand as OCI describes it
umoci tag --image "$L:v2" v3
python3 - "$T/opq.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    d = tarfile.TarInfo("data"); d.type = tarfile.DIRTYPE; d.mode = 0o755; t.addfile(d)
    for name, data in (("data/.wh..wh..opq", b""), ("data/new", b"new\n"), (".wh.topfile", b"")):
        f = tarfile.TarInfo(name); f.size = len(data); f.mode = 0o644
        t.addfile(f, io.BytesIO(data))
PY
umoci raw add-layer --image "$L:v3" "$T/opq.tar"

# 1. the layout directory; the manifest by its ref.name (= the tag, or --oci-ref)
img import app:v2 "$L"
[ "$(n_layers)" = 2 ] || fail "v2 has 2 layers"
img import app:v3 "$L" | grep -q "(3 layers, 1 new," || fail "v3 shares v2's layers"
img import --oci-ref base app:base "$L" | grep -q "(1 layer, 0 new," || fail "base shared"
expect_fail 'several images' img import other "$L"
expect_fail 'no image with that' img import --oci-ref nosuch other "$L"

# the config as the agent gets it
r=$(img resolve app:v2)
[ "$(echo "$r" | json_get '["entrypoint"]')" = "['/bin/busybox']" ] || fail entrypoint
[ "$(echo "$r" | json_get '["cmd"]')" = "['/bin/sh']" ] || fail cmd
[ "$(echo "$r" | json_get '["env"]')" = "['FOO=bar']" ] || fail env
[ "$(echo "$r" | json_get '["workingDir"]')" = /data ] || fail workingDir
[ "$(echo "$r" | json_get '["user"]["uid"]')" = 500 ] || fail "user app from the image's passwd"
[ "$(echo "$r" | json_get '["layers"][0]')" != "$(echo "$r" | json_get '["layers"][1]')" ] ||
	fail "layers"

# whiteouts as overlayfs reads them
mount_image app:v3 "$T/m3"
[ ! -e "$T/m3/etc/greeting" ] || fail "whiteout of /etc/greeting"
[ -e "$T/m3/etc/greeting-link" ] || fail "the hard link survives"
[ "$(cat "$T/m3/etc/motd")" = two ] || fail "layer 2 file"
[ "$(ls -A "$T/m3/data")" = new ] || { ls -la "$T/m3/data"; fail "opaque /data"; }
[ ! -e "$T/m3/topfile" ] || fail "whiteout at the layer's top"
top=$(lowerdirs app:v3 | cut -d: -f1)
[ "$(xattr_of "$top/data" trusted.overlay.opaque)" = y ] || fail "trusted.overlay.opaque"
[ "$(stat -c %F:%t:%T "$top/topfile")" = "character special file:0:0" ] || fail "whiteout node"
mount_image app:base "$T/m1"
[ "$(ls -A "$T/m1/data" | tr '\n' ' ')" = "b keep " ] || fail "base /data"
[ -e "$T/m1/topfile" ] || fail "base /topfile"
[ "$(chroot "$T/m3" /bin/sh -c '/bin/busybox cat /etc/motd')" = two ] || fail "run v3"

# 2. the same layout as a tar (and gzip'ed): the same images, nothing new
tar -C "$L" -cf "$T/layout.tar" .
tar -C "$L" -czf "$T/layout.tar.gz" oci-layout index.json blobs
img import --oci-ref v3 tarred:v3 "$T/layout.tar" | grep -q "(3 layers, 0 new," ||
	fail "layout tar"
img import --oci-ref v2 tarred:v2 "$T/layout.tar.gz" | grep -q "(2 layers, 0 new," ||
	fail "layout tar.gz"
[ "$(img inspect tarred:v3 | json_get '["id"]')" = "$(img inspect app:v3 | json_get '["id"]')" ] ||
	fail "same image from the tar"

# 3. skopeo's copy with zstd layers: same diff_ids, so the same layers and image ID
skopeo copy -q --dest-compress-format zstd "oci:$L:v3" "oci:$T/zst:latest"
grep -q 'tar+zstd' "$T"/zst/blobs/sha256/* || fail "skopeo wrote no zstd layer"
img import zst "$T/zst" | grep -q "(3 layers, 0 new," || fail "zstd layout"
[ "$(img inspect zst | json_get '["id"]')" = "$(img inspect app:v3 | json_get '["id"]')" ] ||
	fail "zstd: same image ID"
# by digest: the repository and the manifest digest
md=$(img inspect zst | json_get '["manifestDigest"]')
img inspect "zst@$md" >/dev/null || fail "lookup by digest"
expect_fail 'no image' img inspect "app@$md"

# 4. a multi-platform index: this host's platform is picked
skopeo copy -q --all "oci:$L:v2" "oci:$T/multi:v2" # skopeo keeps a single manifest: wrap it
python3 - "$T/multi" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
idx = json.load(open(f"{d}/index.json"))
m = idx["manifests"][0]
arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
inner = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [dict(m, platform={"os": "linux", "architecture": "s390x"}, annotations={},
                            digest="sha256:" + "f" * 64),  # absent: must not be picked
                       dict(m, platform={"os": "linux", "architecture": arch}, annotations={})]}
b = json.dumps(inner).encode()
h = hashlib.sha256(b).hexdigest()
open(f"{d}/blobs/sha256/{h}", "wb").write(b)
idx["manifests"] = [{"mediaType": inner["mediaType"], "digest": "sha256:" + h, "size": len(b),
                     "annotations": {"org.opencontainers.image.ref.name": "v2"}}]
json.dump(idx, open(f"{d}/index.json", "w"))
PY
img import multi:v2 "$T/multi" | grep -q "(2 layers, 0 new," || fail "multi-platform index"
# the index's digest is the repo digest (what a Pod pins), and its blobs are kept
idx_digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$T/multi/index.json")
[ "$(img inspect multi:v2 | json_get '["manifestDigest"]')" = "$idx_digest" ] || fail "repo digest"
[ "$(img inspect "multi@$idx_digest" | json_get '["id"]')" = "$(img inspect app:v2 | json_get '["id"]')" ] ||
	fail "lookup by the index digest"
img gc >/dev/null
[ -f "$STORE/blobs/sha256/${idx_digest#sha256:}" ] || fail "index blob collected"
img rm multi:v2 >/dev/null
[ ! -f "$STORE/blobs/sha256/${idx_digest#sha256:}" ] || fail "index blob kept after rm"

[ -z "$(ls -A "$STORE/tmp")" ] || fail "staging left behind"
echo PASS
