#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# Result files (pktpath snapshot -o, --write-pcapng): a regular OUT or a new
# name is written whole or not at all; a FIFO with a reader is written
# into and stays a FIFO; what cannot be written safely (a FIFO nobody
# reads, a symbolic link to a file, a directory, a missing folder) is
# refused with one line and left as it was. Devices: output_root.sh.
. "$(dirname "$0")/lib.sh" "$@"
umask 022
mkdir d

# reader FIFO OUT: reads FIFO into OUT in the background, the FIFO open for
# reading before this returns (a plain `cat FIFO &` may not have opened it
# yet on a loaded machine, and pktpath then rightly finds no reader); stops
# when the writer closes it, or after 20 s.
reader() {
	rm -f "$2.ready"
	python3 - "$1" "$2" <<'PY' &
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
open(sys.argv[2] + ".ready", "w").close()
out, got, end = open(sys.argv[2], "wb"), False, time.time() + 20
while time.time() < end:
    try:
        b = os.read(fd, 65536)
    except BlockingIOError:
        time.sleep(0.01)
        continue
    if b:
        out.write(b)
        got = True
    elif got:
        break
    else:
        time.sleep(0.01)
PY
	for _ in $(seq 200); do
		[ -e "$2.ready" ] && return
		sleep 0.05
	done
}

# pktpath snapshot -o: a new name, then over an existing file
check snap-new 0 '' "$PKTPATH" snapshot -o d/snap.json
expect snap-new-json 'python3 -m json.tool d/snap.json >/dev/null' "not JSON"
expect snap-new-mode '[ "$(stat -c %a d/snap.json)" = 644 ]' "mode $(stat -c %a d/snap.json)"
echo old >d/old.json
chmod 600 d/old.json
check snap-replace 0 '' "$PKTPATH" snapshot -o d/old.json
expect snap-replace-json 'python3 -m json.tool d/old.json >/dev/null' "not replaced by JSON"
expect snap-replace-mode '[ "$(stat -c %a d/old.json)" = 600 ]' "the file's mode was not kept"
no_temp snap d

# a FIFO nobody reads: refused at once, not waited on, still a FIFO
mkfifo d/fifo
check snap-fifo-noreader 2 'pktpath: d/fifo: a FIFO that nobody reads: not written' \
	timeout 10 "$PKTPATH" snapshot -o d/fifo
expect snap-fifo-noreader-kept '[ -p d/fifo ]' "d/fifo is no longer a FIFO"
# a FIFO with a reader: written into, still a FIFO
reader d/fifo fromfifo
check snap-fifo-reader 0 '' timeout 10 "$PKTPATH" snapshot -o d/fifo
wait
expect snap-fifo-reader-data 'python3 -m json.tool fromfifo >/dev/null' "the reader got no JSON"
expect snap-fifo-reader-kept '[ -p d/fifo ]' "d/fifo is no longer a FIFO"

# a symbolic link to a file: neither followed nor replaced
echo target >d/target
ln -s target d/link
check snap-symlink 2 'pktpath: d/link: is a symbolic link: not replaced \(give the file it points to, or remove the link\)' \
	"$PKTPATH" snapshot -o d/link
expect snap-symlink-kept '[ -L d/link ] && [ "$(cat d/target)" = target ]' "the link or its target changed"
ln -s nowhere d/dangling
check snap-dangling 2 'pktpath: d/dangling: is a symbolic link: not replaced .*' \
	"$PKTPATH" snapshot -o d/dangling
expect snap-dangling-kept '[ -L d/dangling ] && [ ! -e d/nowhere ]' "the dangling link was followed"
# a link to a FIFO with a reader (as /dev/stdout is a link to a pipe)
ln -s fifo d/fifolink
reader d/fifo fromlink
check snap-link-to-fifo 0 '' timeout 10 "$PKTPATH" snapshot -o d/fifolink
wait
expect snap-link-to-fifo-kept '[ -L d/fifolink ] && [ -s fromlink ]' "link replaced or nothing read"

# a directory, a missing folder
check snap-dir 2 'pktpath: d: is a directory' "$PKTPATH" snapshot -o d
check snap-nodir 2 'pktpath: nodir/x.json: No such file or directory' \
	"$PKTPATH" snapshot -o nodir/x.json
no_temp snap-refused d

# --write-pcapng, the same kinds of OUT
check pcapng-new 0 '' "$PKTPATH" --write-pcapng d/new.pcapng "$S2"
expect pcapng-new-magic '[ "$(od -An -tx1 -N4 d/new.pcapng | tr -d " ")" = 0a0d0d0a ]' \
	"not a pcapng file"
check pcapng-fifo-noreader 2 'pktpath: d/fifo: a FIFO that nobody reads: not written' \
	timeout 10 "$PKTPATH" --write-pcapng d/fifo "$S2"
check pcapng-symlink 2 'pktpath: d/link: is a symbolic link: not replaced .*' \
	"$PKTPATH" --write-pcapng d/link "$S2"
expect pcapng-symlink-kept '[ -L d/link ] && [ "$(cat d/target)" = target ]' "the link or its target changed"
check pcapng-dir 2 'pktpath: d: is a directory' "$PKTPATH" --write-pcapng d "$S2"
# the report itself is not written either when OUT is refused
expect pcapng-refused-no-report '[ ! -s out ]' "a report was written"
no_temp pcapng d
tmpdir_empty output
finish
