#!/usr/bin/env bash
# Compressed captures (gzip, zstd, xz) are read wherever they appear: given
# alone, as a point, in a bundle, as the pieces of a rotated set (tcpdump -z
# gzip); each gives the report of the uncompressed capture. What a bundle
# holds that cannot be read is said, never skipped without a word: an empty
# file, a link to nothing, a compressed file that holds no capture, bzip2.
# The decompressed copies live in TMPDIR, unlinked: nothing is left there.
. "$(dirname "$0")/../formats/lib.sh" "$@"
need python3 gzip zstd xz bzip2
export TMPDIR=$TMP/tmpdir
mkdir "$TMPDIR"

# same A B WHAT: two JSON reports hold the same conversations and findings
same() {
	python3 - "$1" "$2" "$3" <<'PY' || fail "$3"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("conversations", "nodes"):
    if a[k] != b[k]:
        sys.exit("FAIL: %s: %s differ" % (sys.argv[3], k))
fa = {k: v for k, v in a["findings"].items() if k != "items"}
fb = {k: v for k, v in b["findings"].items() if k != "items"}
if fa != fb or len(a["findings"]["items"]) != len(b["findings"]["items"]):
    sys.exit("FAIL: %s: findings differ: %s / %s" % (sys.argv[3], fa, fb))
if [(p["name"], p["packets"]) for p in a["points"]] != [(p["name"], p["packets"]) for p in b["points"]]:
    sys.exit("FAIL: %s: points differ" % sys.argv[3])
PY
}
# files OUT POINT: the files JSON lists for a point, comma-separated
files() {
	python3 -c '
import json, sys, os
for p in json.load(open(sys.argv[1]))["points"]:
    if p["name"] == sys.argv[2]:
        print(",".join(os.path.basename(f) for f in p["files"]))
' "$1" "$2"
}

status 0 "$PKTPATH" --format json "$S6"
cp "$TMP/out" "$TMP/ref.json"

# one bundle, one format per file
cp -r "$S6" "$TMP/b"
gzip "$TMP/b/node1/eth0.pcap"
zstd -q --rm "$TMP/b/node2/eth0.pcap"
xz "$TMP/b/node1/cni0.pcap"
status 0 "$PKTPATH" --format json "$TMP/b"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "compressed bundle: messages"; }
same "$TMP/ref.json" "$TMP/out" "a bundle with .gz, .zst and .xz captures"
[ "$(files "$TMP/out" node1/eth0)" = eth0.pcap.gz ] || fail "node1/eth0 is read from eth0.pcap.gz"
[ "$(files "$TMP/out" node2/eth0)" = eth0.pcap.zst ] || fail "node2/eth0 is read from eth0.pcap.zst"
[ "$(files "$TMP/out" node1/cni0)" = cni0.pcap.xz ] || fail "node1/cni0 is read from cni0.pcap.xz"
[ -z "$(ls -A "$TMPDIR")" ] || fail "TMPDIR keeps files: $(ls -A "$TMPDIR")"

# given as points and alone
status 0 "$PKTPATH" --format json node1/eth0="$TMP/b/node1/eth0.pcap.gz" node2/eth0="$TMP/b/node2/eth0.pcap.zst"
cp "$TMP/out" "$TMP/pts.json"
status 0 "$PKTPATH" --format json node1/eth0="$S6/node1/eth0.pcap" node2/eth0="$S6/node2/eth0.pcap"
same "$TMP/out" "$TMP/pts.json" "POINT=FILE.gz and POINT=FILE.zst"
status 0 "$PKTPATH" --format json "$TMP/b/node1/cni0.pcap.xz"
has "$TMP/out" '"name": "cni0"' "a bare FILE.pcap.xz is point cni0"

# a rotated set compressed piece by piece, the last piece still plain
R=$TESTDATA/7-vxlan-bulk-rotated
status 0 "$PKTPATH" --format json "$R"
cp "$TMP/out" "$TMP/rot.json"
cp -r "$R" "$TMP/r"
gzip "$TMP/r/node1/any.pcap00" "$TMP/r/node1/any.pcap01"
xz "$TMP/r/node2/any.pcap01"
status 0 "$PKTPATH" --format json "$TMP/r"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "compressed rotated set: messages"; }
same "$TMP/rot.json" "$TMP/out" "a rotated set with compressed pieces"
[ "$(files "$TMP/out" node1/any)" = any.pcap00.gz,any.pcap01.gz,any.pcap02 ] ||
	fail "pieces in order: $(files "$TMP/out" node1/any)"
[ "$(files "$TMP/out" node2/any)" = any.pcap00,any.pcap01.xz,any.pcap02 ] ||
	fail "pieces in order: $(files "$TMP/out" node2/any)"
status 0 "$PKTPATH" --format json node1/any="$TMP/r/node1/any.pcap01.gz"
[ "$(files "$TMP/out" node1/any)" = any.pcap00.gz,any.pcap01.gz,any.pcap02 ] ||
	fail "one piece named, the set read: $(files "$TMP/out" node1/any)"

# what a bundle holds that cannot be read: one line each, the rest analysed
cp -r "$S6" "$TMP/w"
: >"$TMP/w/node1/empty.pcap"
ln -s /nonexistent/x.pcap "$TMP/w/node2/dangling.pcap"
echo "kernel: eth0 up" | gzip >"$TMP/w/node2/messages.gz"
bzip2 -c "$S6/node2/cni0.pcap" >"$TMP/w/node2/old.pcap.bz2"
echo "not a capture" >"$TMP/w/node2/notes.pcap"
status 0 "$PKTPATH" --format json "$TMP/w"
same "$TMP/ref.json" "$TMP/out" "a bundle with files that cannot be read"
has "$TMP/err" "^pktpath: warning: $TMP/w/node1/empty\\.pcap: empty file \\(0 bytes\\): left out$" "empty file"
has "$TMP/err" "^pktpath: warning: $TMP/w/node2/dangling\\.pcap: a symbolic link to nothing \\(/nonexistent/x\\.pcap\\): left out$" "dangling link"
has "$TMP/err" "^pktpath: warning: $TMP/w/node2/messages\\.gz: gzip-compressed, but it holds no pcap or pcapng file: left out$" "a .gz that is no capture"
has "$TMP/err" "^pktpath: warning: $TMP/w/node2/old\\.pcap\\.bz2: bzip2-compressed: left out \\(pktpath reads gzip, zstd and xz; decompress it with bunzip2\\)$" "bzip2"
has "$TMP/err" "^pktpath: warning: $TMP/w/node2/notes\\.pcap: named like a capture, but not a pcap or pcapng file: left out$" "a .pcap that is no capture"
[ "$(wc -l <"$TMP/err")" = 5 ] || { show "$TMP/err"; fail "one line each"; }
python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))["warnings"]
kinds = sorted(x["what"] for x in w)
sys.exit(0 if kinds == ["empty", "skipped_file", "skipped_file", "skipped_file", "skipped_file"]
         else "FAIL: warnings in the JSON: %s" % kinds)
' "$TMP/out" || fail "the JSON's warnings"

# a compressed capture cut short: its packets are read, the cut is said
f=$TESTDATA/7-vxlan-bulk/node1/eth0.pcap
gzip -c "$f" >"$TMP/full"
head -c 20000 "$TMP/full" >"$TMP/cut.pcap.gz"
status 0 "$PKTPATH" --format json a="$TMP/cut.pcap.gz"
has "$TMP/err" '^pktpath: warning: .*cut\.pcap\.gz: the gzip data ends early \(the file is cut short\): the packets it holds are read$' "cut gzip"
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["findings"]["read"]
sys.exit(0 if r > 100 else "FAIL: %d packets read from the cut file" % r)
' "$TMP/out" || fail "packets of a cut gzip"
xz -c "$f" >"$TMP/full"
head -c 20000 "$TMP/full" >"$TMP/cut.pcap.xz"
status 0 "$PKTPATH" a="$TMP/cut.pcap.xz"
has "$TMP/err" 'cut\.pcap\.xz: the xz data ends early \(the file is cut short\): the packets it holds are read$' "cut xz"
# zstd writes whole blocks: the first 300 KB of a frame hold some
zstd -q -c "$f" >"$TMP/full"
head -c 300000 "$TMP/full" >"$TMP/cut.pcap.zst"
status 0 "$PKTPATH" a="$TMP/cut.pcap.zst"
has "$TMP/err" 'cut\.pcap\.zst: the zstd data ends early \(the file is cut short\)' "cut zstd"
# given, not in a bundle: an error (exit 2), the other inputs analysed
echo "text" | xz >"$TMP/text.xz"
status 2 "$PKTPATH" node1/eth0="$S6/node1/eth0.pcap" x="$TMP/text.xz"
has "$TMP/err" "^pktpath: $TMP/text\\.xz: xz-compressed, but what it holds is not a pcap or pcapng file$" "an .xz that is no capture"
has "$TMP/out" '^[0-9]+ conversations across 1 point' "the other input is analysed"
[ -z "$(ls -A "$TMPDIR")" ] || fail "TMPDIR keeps files: $(ls -A "$TMPDIR")"
echo PASS
