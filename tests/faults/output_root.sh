#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# Result files onto device nodes the test makes in its own directory (root
# only: mknod). As root, snapshot -o /dev/full used to replace the system's
# /dev/full by a regular file; a device is written into, never replaced.
# The system's own devices are never named here: a regression would
# replace them.
. "$(dirname "$0")/lib.sh" "$@"
is_root || { echo "SKIP: needs root to make device nodes"; exit 77; }
mkdir d
mknod d/null c 1 3 && mknod d/full c 1 7 ||
	{ echo "SKIP: cannot make device nodes here"; exit 77; }

# is_dev NAME MAJOR,MINOR: still that character device
is_dev() {
	[ -c "d/$1" ] && [ "$(stat -c %t,%T "d/$1")" = "$2" ]
}

check snap-null 0 '' "$PKTPATH" snapshot -o d/null
expect snap-null-kept 'is_dev null 1,3' "d/null was replaced"
check snap-full 2 'pktpath: d/full: write failed: No space left on device' \
	"$PKTPATH" snapshot -o d/full
expect snap-full-kept 'is_dev full 1,7' "d/full was replaced"
check pcapng-null 0 '' "$PKTPATH" --write-pcapng d/null "$S2"
expect pcapng-null-kept 'is_dev null 1,3' "d/null was replaced"
check pcapng-full 2 'pktpath: d/full: write failed: No space left on device' \
	"$PKTPATH" --write-pcapng d/full "$S2"
expect pcapng-full-kept 'is_dev full 1,7' "d/full was replaced"
# a link to a device (as /dev/stdout may be): written through, kept
ln -s null d/nlink
check snap-link-to-device 0 '' "$PKTPATH" snapshot -o d/nlink
expect snap-link-to-device-kept '[ -L d/nlink ] && is_dev null 1,3' "link or device replaced"
# a block device is refused
if mknod d/blk b 7 200 2>/dev/null; then
	check snap-block 2 'pktpath: d/blk: is a block device: not written' \
		"$PKTPATH" snapshot -o d/blk
	expect snap-block-kept '[ -b d/blk ]' "d/blk was replaced"
fi
no_temp devices d
finish
