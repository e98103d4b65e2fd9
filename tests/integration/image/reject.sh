#!/bin/bash
# Everything is verified before anything is stored: corrupted blobs, wrong sizes, wrong
# diff_ids, missing blobs; and layers that try to leave their directory are refused.
. "$(dirname "$0")/common.inc"
command -v umoci >/dev/null || { echo "umoci not installed"; exit 77; }

L=$T/layout
cd "$T"
umoci init --layout "$L"
umoci new --image "$L:v1"
umoci unpack --image "$L:v1" b >/dev/null
make_rootfs b/rootfs
umoci repack --image "$L:v1" b

# what the store looks like when nothing was imported
img ls >/dev/null
snapshot() { (cd "$STORE" && find . -path ./lock -prune -o -print | sort); }
empty=$(snapshot)
unchanged() { [ "$(snapshot)" = "$empty" ] || { snapshot; fail "the store changed: $1"; }; }

manifest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$L/index.json")
config=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"][7:])' "$L/blobs/sha256/$manifest")
layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"][7:])' "$L/blobs/sha256/$manifest")

variant() { rm -rf "$T/bad"; cp -a "$L" "$T/bad"; }
# python rewrites JSON blob $1 with expression $2 and re-digests the chain up to index.json
rewrite() {
	python3 - "$T/bad" "$1" "$2" <<'PY'
import hashlib, json, sys
d, which, expr = sys.argv[1:]
def blob(h): return f"{d}/blobs/sha256/{h}"
def put(obj):
    b = json.dumps(obj).encode(); h = hashlib.sha256(b).hexdigest()
    open(blob(h), "wb").write(b); return "sha256:" + h, len(b)
idx = json.load(open(f"{d}/index.json"))
md = idx["manifests"][0]["digest"][7:]
man = json.load(open(blob(md)))
if which == "config":
    cfg = json.load(open(blob(man["config"]["digest"][7:])))
    exec(expr)
    man["config"]["digest"], man["config"]["size"] = put(cfg)
else:
    exec(expr)
idx["manifests"][0]["digest"], idx["manifests"][0]["size"] = put(man)
json.dump(idx, open(f"{d}/index.json", "w"))
PY
}

# a flipped byte in the layer blob
variant
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(1000); b=f.read(1); f.seek(1000); f.write(bytes([b[0]^1])); f.close()' "$T/bad/blobs/sha256/$layer"
expect_fail "blob does not match its digest" img import x "$T/bad"
unchanged "corrupted layer"

# a corrupted config and manifest
variant
sed -i 's/amd64/arm64/' "$T/bad/blobs/sha256/$config"
expect_fail "blob sha256:$config does not match its digest" img import x "$T/bad"
variant
echo " " >>"$T/bad/blobs/sha256/$manifest"
expect_fail "bytes, its descriptor says" img import x "$T/bad"
unchanged "corrupted config or manifest"

# a diff_id that is not the layer's content
variant
rewrite config 'cfg["rootfs"]["diff_ids"][0] = "sha256:" + "0" * 64'
expect_fail "does not match the config's diff_id" img import x "$T/bad"
# more layers than diff_ids; a layer with an unknown media type; a missing blob
variant
rewrite config 'cfg["rootfs"]["diff_ids"].append("sha256:" + "1" * 64)'
expect_fail "the manifest has 1 layers, the config 2 diff_ids" img import x "$T/bad"
variant
rewrite manifest 'man["layers"][0]["mediaType"] += "+encrypted"'
expect_fail "unsupported media type" img import x "$T/bad"
variant
rm "$T/bad/blobs/sha256/$layer"
expect_fail "missing from the layout" img import x "$T/bad"
# a blob that is a symlink (to a file with the right content) is refused
variant
mv "$T/bad/blobs/sha256/$layer" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/bad/blobs/sha256/$layer"
expect_fail "blob sha256:$layer" img import x "$T/bad"
unchanged "bad layouts"

# layers that try to leave their directory
mkdir -p "$T/outside"
evil() { # NAME: write $T/evil-NAME.tar from the python tar description on stdin
	python3 - "$T/evil-$1.tar" "$T/outside" <<PY
import io, sys, tarfile
out = sys.argv[2]
t = tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT)
def f(name, data=b"pwned\n", **kw):
    i = tarfile.TarInfo(name); i.size = len(data); i.mode = 0o644
    for k, v in kw.items(): setattr(i, k, v)
    t.addfile(i, io.BytesIO(data) if i.type in (tarfile.REGTYPE, tarfile.AREGTYPE) else None)
$(cat)
t.close()
PY
}
evil dotdot <<<'f("../../../../../../../../..'"$T"'/outside/dotdot")'
evil absolute <<<'f("'"$T"'/outside/absolute")'
evil symlink-dir <<<'f("link", type=tarfile.SYMTYPE, linkname=out, size=0)
f("link/through-symlink")'
evil symlink-rel <<<'f("a", type=tarfile.DIRTYPE, mode=0o755, size=0)
f("a/up", type=tarfile.SYMTYPE, linkname="../../../../../../../../..'"$T"'/outside", size=0)
f("a/up/through-relative-symlink")'
evil hardlink-abs <<<'f("h", type=tarfile.LNKTYPE, linkname="/etc/passwd", size=0)'
evil hardlink-dotdot <<<'f("h", type=tarfile.LNKTYPE, linkname="../../../../../../../../etc/passwd", size=0)'
evil hardlink-via-symlink <<<'f("s", type=tarfile.SYMTYPE, linkname="/etc", size=0)
f("h", type=tarfile.LNKTYPE, linkname="s/passwd", size=0)'
evil whiteout-dotdot <<<'f("a/.wh...", size=0)'
evil whiteout-via-symlink <<<'f("s", type=tarfile.SYMTYPE, linkname=out, size=0)
f("s/.wh.victim", size=0)'
evil opaque-via-symlink <<<'f("s", type=tarfile.SYMTYPE, linkname=out, size=0)
f("s/.wh..wh..opq", size=0)'
touch "$T/outside/victim"
# an absolute name is taken relative to the layer, as tar and containerd do
img import evil:absolute "$T/evil-absolute.tar" >/dev/null
[ -f "$(lowerdirs evil:absolute)$T/outside/absolute" ] || fail "absolute name not inside the layer"
img rm evil:absolute >/dev/null
empty=$(snapshot) # now with an index.json that lists nothing
for t in dotdot symlink-dir symlink-rel hardlink-abs hardlink-dotdot hardlink-via-symlink \
	whiteout-dotdot whiteout-via-symlink opaque-via-symlink; do
	if img import "evil:$t" "$T/evil-$t.tar" >"$T/out" 2>"$T/err"; then
		fail "evil:$t was imported"
	fi
	echo "refused $t: $(cat "$T/err")"
done
[ "$(ls -A "$T/outside")" = victim ] || { ls -la "$T/outside"; fail "something escaped"; }
[ -z "$(xattr_of "$T/outside" trusted.overlay.opaque)" ] || fail "xattr escaped"
unchanged "evil layers"

# device nodes are left out with a warning; trusted.* xattrs are dropped
python3 - "$T/dev.tar" <<'PY'
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
d = tarfile.TarInfo("dev/sda"); d.type = tarfile.BLKTYPE; d.devmajor = 8; d.devminor = 0; t.addfile(d)
f = tarfile.TarInfo("file"); f.size = 1; f.mode = 0o644
f.pax_headers = {"SCHILY.xattr.trusted.overlay.redirect": "/etc", "SCHILY.xattr.user.ok": "1"}
t.addfile(f, io.BytesIO(b"x"))
t.close()
PY
img import dev "$T/dev.tar" 2>"$T/err"
grep -q "1 device nodes or sockets left out" "$T/err" || fail "no warning for the device"
layer_dir=$(lowerdirs dev)
[ ! -e "$layer_dir/dev/sda" ] || fail "block device unpacked"
[ -z "$(xattr_of "$layer_dir/file" trusted.overlay.redirect)" ] || fail "trusted xattr kept"
[ "$(xattr_of "$layer_dir/file" user.ok)" = 1 ] || fail "user xattr lost"
echo PASS
