#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# SIGINT and SIGTERM at two moments (while the analysis reads, and while
# --write-pcapng writes OUT), delivered at an exact point by fault_shim:
# the run ends by the signal (130, 143), OUT is as it was before the run (or
# absent when new), and no temporary is left beside OUT or in TMPDIR. Then
# SIGTERM and SIGKILL while a pipe input is being copied: nothing is left
# in TMPDIR either (the copy is unlinked as soon as it is made).
. "$(dirname "$0")/lib.sh" "$@"
[ -f "$SHIM" ] || { echo "SKIP: no fault_shim"; exit 77; }
cp "$S2/node1/eth0.pcap" a.pcap
cp "$S2/node2/eth0.pcap" b.pcap
mkdir o

# signal NAME SIG AT EXIT OUT: the signal when libpcap opens a.pcap for
# the AT-th time (3: the analysis, 4: --write-pcapng's second read); the
# signals start at their default action, whatever ctest had
signal() {
	local want=$4
	run env --default-signal=INT,TERM LD_PRELOAD="$SHIM" PP_FAULT_PATH=a.pcap \
		PP_FAULT_AT="$3" PP_FAULT_SIGNAL="$2" \
		"$PKTPATH" --write-pcapng "$5" a=a.pcap b=b.pcap
	expect "$1: exit" '[ "$rc" = "$want" ]' "exit $rc, not $want"
}

echo "the previous, good result" >o/keep.pcapng
signal int-analysis 2 3 130 o/keep.pcapng
expect int-analysis-kept '[ "$(cat o/keep.pcapng)" = "the previous, good result" ]' "OUT changed"
signal term-writing 15 4 143 o/keep.pcapng
expect term-writing-kept '[ "$(cat o/keep.pcapng)" = "the previous, good result" ]' "OUT changed"
signal term-analysis-new 15 3 143 o/new.pcapng
expect term-analysis-new-absent '[ ! -e o/new.pcapng ]' "a new OUT was left"
signal int-writing-new 2 4 130 o/new.pcapng
expect int-writing-new-absent '[ ! -e o/new.pcapng ]' "a half-written OUT was left"
no_temp signals o
tmpdir_empty signals

# the same runs without a signal write OUT (the shim alone changes nothing)
run env LD_PRELOAD="$SHIM" PP_FAULT_PATH=a.pcap PP_FAULT_AT=4 \
	"$PKTPATH" --write-pcapng o/keep.pcapng a=a.pcap b=b.pcap
expect no-signal-written '[ "$rc" = 0 ] && [ "$(od -An -tx1 -N4 o/keep.pcapng | tr -d " ")" = 0a0d0d0a ]' \
	"exit $rc, or OUT not written"

# a pipe being copied: wait until pktpath holds the copy, then signal it
# pipe_signal NAME SIG EXIT
pipe_signal() {
	local pid writer n=0 want=$3
	rm -f pipe
	mkfifo pipe
	(exec >pipe; cat a.pcap; exec sleep 30) &
	writer=$!
	env --default-signal=INT,TERM "$PKTPATH" a=pipe b=b.pcap >out 2>err &
	pid=$!
	CLEANUP+=("kill $pid $writer 2>/dev/null")
	while ! ls -l "/proc/$pid/fd" 2>/dev/null | grep -q 'pktpath-pipe' && [ $n -lt 500 ]; do
		sleep 0.01
		n=$((n + 1))
	done
	expect "$1: the copy is made" '[ $n -lt 500 ]' "no pktpath-pipe descriptor after 5 s"
	expect "$1: the copy has no name" '[ -z "$(find "$TMPDIR" -mindepth 1)" ]' \
		"named in TMPDIR while copying: $(ls "$TMPDIR")"
	kill "-$2" $pid
	rc=0
	wait $pid || rc=$?
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	expect "$1: exit" '[ "$rc" = "$want" ]' "exit $rc, not $want"
	tmpdir_empty "$1"
}
pipe_signal pipe-term TERM 143
pipe_signal pipe-kill KILL 137
finish
