#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# Temporary files go to $TMPDIR, whatever /tmp is; a full TMPDIR or output
# disk is one line naming the directory, exit 2, and nothing left behind.
# Runs in a private mount namespace (as root, or as the root of a user
# namespace) with small tmpfs mounts: a 64 KiB /tmp, a roomy TMPDIR, a
# 64 KiB TMPDIR, a disk too small for --write-pcapng's OUT.
if [ -z "${FAULTS_IN_NS:-}" ]; then
	for how in -m -rm; do
		if unshare $how true 2>/dev/null; then
			FAULTS_IN_NS=1 exec unshare $how "$0" "$@"
		fi
	done
	echo "SKIP: no mount namespace (needs root or user namespaces)"
	exit 77
fi
# the scratch directory must not be under the /tmp mounted over below
FAULTS_SCRATCH=/var/tmp
[ -w /var/tmp ] || FAULTS_SCRATCH=$PWD
. "$(dirname "$0")/lib.sh" "$@"
[ -x "$BENCHGEN" ] || { echo "SKIP: no benchgen"; exit 77; }
# a set with many short conversations: about 2 MB, spooling more than 64 KiB
"$BENCHGEN" -q --size-gb 0.002 --max-requests 1 --resp-size 400 --concurrency 200 \
	--idle-ms 10 --think-ms 5 "$TMP/set" || { echo "FAIL: benchgen"; exit 1; }
cp "$S2/node1/eth0.pcap" a.pcap
cp "$S2/node2/eth0.pcap" b.pcap
# pktpath may be built under /tmp: a copy stays reachable
mkdir bin
cp "$PKTPATH" bin/pktpath
PKTPATH=$TMP/bin/pktpath
mkdir big tiny disk
CLEANUP+=("cd '$TMP' && umount big tiny disk /tmp 2>/dev/null")
mount -t tmpfs -o size=64k tmpfs /tmp &&
	mount -t tmpfs -o size=64m tmpfs big &&
	mount -t tmpfs -o size=64k tmpfs tiny &&
	mount -t tmpfs -o size=256k tmpfs disk ||
	{ echo "SKIP: cannot mount tmpfs"; exit 77; }
rmdir "$TMPDIR" 2>/dev/null
# used KIB-OF-DIR: what a tmpfs holds (unlinked files included)
used() { df -k --output=used "$1" | tail -n 1 | tr -d ' '; }

# a tiny /tmp does not matter when TMPDIR has room
export TMPDIR=$TMP/big
check tmpdir-honoured 0 '' "$PKTPATH" --format json "$TMP/set"
expect tmpdir-honoured-report 'grep -q "\"conversations\"" out' "no report"
expect tmp-untouched '[ "$(used /tmp)" = 0 ]' "/tmp holds $(used /tmp) KiB"
# a full TMPDIR: one line that names it
export TMPDIR=$TMP/tiny
check tmpdir-full 2 "pktpath: $TMPDIR: cannot store the finished conversations in a temporary file: No space left on device \(set TMPDIR to a directory with more room\)" \
	"$PKTPATH" --format json "$TMP/set"
expect tmpdir-full-freed '[ "$(used "$TMPDIR")" = 0 ]' "TMPDIR still holds $(used "$TMPDIR") KiB"
# a pipe copy that does not fit: one line, no 'unknown file format' after it
check pipe-copy-full 2 "pktpath: /dev/fd/[0-9]+: cannot copy the pipe to a temporary file in $TMPDIR: No space left on device \(set TMPDIR to a directory with more room\)" \
	"$PKTPATH" a=<(cat "$TMP"/set/node1/eth0.pcap) b=b.pcap
expect pipe-copy-full-freed '[ "$(used "$TMPDIR")" = 0 ]' "TMPDIR still holds $(used "$TMPDIR") KiB"
# a compressed capture that does not fit decompressed: the same
gzip -c "$TMP"/set/node1/eth0.pcap >set.pcap.gz
check unzip-full 2 "pktpath: set\.pcap\.gz: cannot decompress into a temporary file in $TMPDIR: No space left on device \(set TMPDIR to a directory with more room\)" \
	"$PKTPATH" a=set.pcap.gz b=b.pcap
expect unzip-full-freed '[ "$(used "$TMPDIR")" = 0 ]' "TMPDIR still holds $(used "$TMPDIR") KiB"
# --write-pcapng notes in a full TMPDIR: OUT is not written
export TMPDIR=$TMP/big
echo "the previous result" >disk/out.pcapng
# OUT's disk too small: the previous OUT stays, no temporary beside it
check out-disk-full 2 'pktpath: disk/out\.pcapng: write failed: No space left on device' \
	"$PKTPATH" --format json --write-pcapng disk/out.pcapng "$TMP/set"
expect out-disk-full-kept '[ "$(cat disk/out.pcapng)" = "the previous result" ]' "OUT changed"
no_temp out-disk-full disk
expect out-disk-full-freed '[ "$(used disk)" -le 4 ]' "the disk still holds $(used disk) KiB"
expect big-freed '[ "$(used big)" = 0 ]' "TMPDIR still holds $(used big) KiB"
finish
