#!/usr/bin/env bash
# Bad inputs, each built here from the captures of testdata/2-cross-node-
# clusterip (cp, head, printf | dd, gzip). For each case: the exit status,
# the first line of stderr (an anchored extended regex), no sanitizer
# report, and stdout: "keep" cases must still hold the analysis of the good
# inputs a=node1/eth0 and b=node2/eth0 (same packets per point as without
# the bad input, and every packet accounted for, checked by ppcounts);
# "none" cases print nothing on stdout (usage errors stop before reading).
#
# usage: badinput.sh PKTPATH PPCOUNTS TESTDATA_DIR
# Exit statuses: 0 success (warnings allowed), 1 a --fail-on finding,
# 2 usage or input errors.
set -uo pipefail
pktpath=$(readlink -f "$1") ppcounts=$(readlink -f "$2") testdata=$(readlink -f "$3")
sc=$testdata/2-cross-node-clusterip
[ -f "$sc/node1/eth0.pcap" ] && [ -f "$sc/node2/eth0.pcap" ] ||
	{ echo "no $sc: skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cp "$sc/node1/eth0.pcap" a.pcap
cp "$sc/node2/eth0.pcap" b.pcap
cp "$sc/node1/cni0.pcap" c.pcap

# patch FILE OFFSET BYTES: overwrite bytes (printf escapes) at OFFSET
patch() {
	# shellcheck disable=SC2059 # the bytes are printf escapes
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

base=$("$pktpath" --format json a=a.pcap b=b.pcap | "$ppcounts" - a b | grep '^point')
read_a=$("$pktpath" --format json a.pcap | "$ppcounts" - | cut -d' ' -f2)
case $base in
*"point a -"* | *"point b -"* | "") echo "cannot analyse the good inputs: $base"; exit 1 ;;
esac

fail=0 n=0
# check NAME EXIT STDERR_RE keep|none ARGS...
check() {
	local name=$1 want=$2 re=$3 out=$4 rc first c why=
	shift 4
	n=$((n + 1))
	"$pktpath" "$@" >out 2>err
	rc=$?
	first=$(head -n 1 err)
	[ "$rc" = "$want" ] || why+="exit $rc, not $want; "
	[[ $first =~ ^$re$ ]] || why+="stderr starts '$first', not /^$re\$/; "
	if grep -qE 'Sanitizer|runtime error:' err; then
		why+="sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' err); "
	fi
	if grep -qv '^pktpath: ' err; then
		why+="stderr line not in the 'pktpath: ...' form: $(grep -m1 -v '^pktpath: ' err); "
	fi
	case $out in
	keep)
		if ! c=$("$ppcounts" out a b 2>&1); then
			why+="stdout: $c; "
		elif [ "$(grep '^point' <<<"$c")" != "$base" ]; then
			why+="the good inputs' packets changed: $(grep '^point' <<<"$c" | tr '\n' ' '); "
		fi
		;;
	none)
		[ -s out ] && why+="stdout not empty; "
		;;
	esac
	if [ -n "$why" ]; then
		echo "FAIL $name: ${why%; }"
		echo "     pktpath $*"
		sed 's/^/     stderr: /' err | head -n 5
		fail=1
	else
		printf 'ok   %-24s exit %s  %s\n' "$name" "$rc" "$first"
	fi
}

# missing file, as a point and bare
check missing-file 2 'pktpath: missing\.pcap: No such file or directory' keep \
	--format json a=a.pcap b=b.pcap c=missing.pcap
check missing-bare 2 'pktpath: missing\.pcap: No such file or directory' keep \
	--format json a=a.pcap b=b.pcap missing.pcap

# a directory with no captures: as a bundle, and given to a point
mkdir -p nocaps/node1
echo notes >nocaps/node1/notes.txt
check dir-no-captures 2 'pktpath: nocaps: no capture files found' keep \
	--format json a=a.pcap b=b.pcap nocaps
check dir-as-point 2 'pktpath: nocaps: is a directory: a point is given a capture file \(a bundle directory is given alone\)' keep \
	--format json a=a.pcap b=b.pcap c=nocaps
check dir-only 2 'pktpath: nocaps: no capture files found' none --format json nocaps

# an empty file; files that are not captures
: >empty.pcap
check empty-file 2 'pktpath: empty\.pcap: empty file \(0 bytes\)' keep \
	--format json a=a.pcap b=b.pcap c=empty.pcap
cp "$sc/README.md" notcap.pcap
check not-a-capture 2 'pktpath: notcap\.pcap: not a pcap or pcapng file \(it looks like text\)' keep \
	--format json a=a.pcap b=b.pcap c=notcap.pcap
# compressed: a capture is read (tests/cli/compressed.sh), anything else
# or a format pktpath does not read is said
if command -v gzip >/dev/null; then
	gzip -c a.pcap >gz.pcap
	check gzip-compressed 0 '' keep --format json a=a.pcap b=b.pcap c=gz.pcap
	gzip -c "$sc/README.md" >text.gz
	check gzip-text 2 'pktpath: text\.gz: gzip-compressed, but what it holds is not a pcap or pcapng file' keep \
		--format json a=a.pcap b=b.pcap c=text.gz
	head -c 600 gz.pcap >gzcut.pcap
	check gzip-cut 0 'pktpath: warning: gzcut\.pcap: the gzip data ends early \(the file is cut short\): the packets it holds are read' keep \
		--format json a=a.pcap b=b.pcap c=gzcut.pcap
	cp gz.pcap gzbad.pcap
	patch gzbad.pcap 700 '\x55\xaa\x55\xaa\x55\xaa\x55\xaa'
	check gzip-corrupt 2 'pktpath: gzbad\.pcap: the gzip data is corrupt \(.*\) after [0-9]+ bytes of capture: the packets before are read' keep \
		--format json a=a.pcap b=b.pcap c=gzbad.pcap
fi
if command -v bzip2 >/dev/null; then
	bzip2 -c a.pcap >bz.pcap
	check bzip2-compressed 2 'pktpath: bz\.pcap: bzip2-compressed: not read \(pktpath reads gzip, zstd and xz; decompress it with bunzip2 first\)' keep \
		--format json a=a.pcap b=b.pcap c=bz.pcap
fi

# an unsupported link type (147, LINKTYPE_USER0, in the file header)
cp c.pcap dlt147.pcap
patch dlt147.pcap 20 '\x93\x00\x00\x00'
check unsupported-link 2 'pktpath: dlt147\.pcap: unsupported link type .*\(147\): its packets are counted as link\.unsupported_type' keep \
	--format json a=a.pcap b=b.pcap c=dlt147.pcap

# truncated file headers: pcap (24 bytes) and pcapng (a 28-byte section header)
head -c 20 c.pcap >shorthdr.pcap
check truncated-header 2 'pktpath: shorthdr\.pcap: truncated file header \(20 of 24 bytes\)' keep \
	--format json a=a.pcap b=b.pcap c=shorthdr.pcap
ng=$testdata/2-cross-node-clusterip-dumpcap/node1/multi.pcapng
if [ -f "$ng" ]; then
	head -c 20 "$ng" >shorthdr.pcapng
	check truncated-header-ng 2 'pktpath: shorthdr\.pcapng: truncated file header \(20 bytes, a pcapng section header has 28\)' keep \
		--format json a=a.pcap b=b.pcap c=shorthdr.pcapng
fi

# the last record cut short: a warning; the complete packets are used
size=$(stat -c %s a.pcap)
head -c $((size - 10)) a.pcap >cut.pcap
check last-record-cut 0 "pktpath: warning: cut\.pcap: capture ends mid-record after $((read_a - 1)) packets \(the last record is cut short\)" \
	- --format json b=b.pcap c=cut.pcap
if "$ppcounts" out c | grep -q '^point c [1-9]' && grep -q '"pcap.last_record_cut": 1' out; then
	echo "ok   last-record-cut          the complete packets are used, the cut is noted"
else
	echo "FAIL last-record-cut: the complete packets are not used, or the cut is not noted"
	fail=1
fi

# the first record's caplen larger than its length: counted, a warning
cp c.pcap caplen.pcap
patch caplen.pcap 36 '\x10\x00\x00\x00'
check caplen-over-len 0 'pktpath: warning: caplen\.pcap: 1 record with more bytes captured than the packet had \(caplen > len\): counted as pcap\.caplen_exceeds_length' keep \
	--format json a=a.pcap b=b.pcap c=caplen.pcap
grep -q '"pcap.caplen_exceeds_length": 1' out || { echo "FAIL caplen-over-len: not counted"; fail=1; }

# a caplen no capture can have, in the second record: libpcap stops there
cp c.pcap bigcap.pcap
first_len=$(od -An -tu4 -j 32 -N 4 bigcap.pcap | tr -d ' ')
patch bigcap.pcap $((24 + 16 + first_len + 8)) '\xff\xff\xff\x7f'
check caplen-too-large 2 'pktpath: bigcap\.pcap: invalid packet capture length 2147483647, bigger than snaplen of [0-9]+ \(after 1 packets; the rest of the file is not read\)' keep \
	--format json a=a.pcap b=b.pcap c=bigcap.pcap
grep -q '"pcap.caplen_too_large": 1' out || { echo "FAIL caplen-too-large: not counted"; fail=1; }

# time stamps that jump backwards: the first record moved to 2038
cp c.pcap back.pcap
patch back.pcap 24 '\xff\xff\xff\x7f'
check timestamps-backwards 0 'pktpath: warning: back\.pcap: time stamps jump back by up to [0-9.]+ s, 1 time, first at packet 2 \(the packets are used as they are\)' keep \
	--format json a=a.pcap b=b.pcap c=back.pcap
grep -q '"pcap.timestamp_backwards": 1' out || { echo "FAIL timestamps-backwards: not noted"; fail=1; }

# the same file twice; two points with one name
check same-file-twice 2 'pktpath: a\.pcap: given twice, as a and c' keep \
	--format json a=a.pcap b=b.pcap c=a.pcap
check same-point-name 2 'pktpath: b: two inputs have this point name \(b\.pcap, c\.pcap\): give each its own, as in node1/b=b\.pcap node2/c=c\.pcap' none \
	--format json a=a.pcap b=b.pcap b=c.pcap

# pipes (zcat x.pcap.gz | pktpath a=/dev/stdin): read twice like files
check pipe-input 0 '' keep --format json a=<(cat a.pcap) b=b.pcap
check pipe-stdin 0 '' keep --format json a=/dev/stdin b=b.pcap < <(cat a.pcap)
check pipe-not-a-capture 2 'pktpath: /dev/fd/[0-9]+: not a pcap or pcapng file \(it looks like text\)' keep \
	--format json a=a.pcap b=b.pcap c=<(echo hello)

# unknown options and option values: usage errors, nothing read
check format-value 2 "pktpath: --format: 'xml' is not one of text, json, jsonl, markdown, dot" none \
	--format xml a=a.pcap b=b.pcap
check color-value 2 "pktpath: --color: 'sometimes' is not one of auto, always, never" none \
	--color sometimes a=a.pcap b=b.pcap
check fail-on-value 2 "pktpath: --fail-on: 'drop' is not one of stop, loss, snat, nat, unmatched" none \
	--fail-on stop,drop a=a.pcap b=b.pcap
check window-value 2 "pktpath: --window: 'soon' is not a number of seconds within \+-3600" none \
	--window soon a=a.pcap b=b.pcap
check window-zero 2 "pktpath: --window: must be at least 1 ns \(0\.000000001\)" none \
	--window 1e-12 a=a.pcap b=b.pcap
check limit-value 2 "pktpath: --limit: '-1' is not a number from 0 to 1000000000" none \
	--limit -1 a=a.pcap b=b.pcap
check unknown-option 2 "pktpath: unknown option '--frobnicate'" none \
	--frobnicate a=a.pcap b=b.pcap
check option-no-value 2 "pktpath: option '--format' needs a value" none a=a.pcap --format

# exit 1: a --fail-on finding (the scenario's ClusterIP DNAT), said on stderr
check fail-on-found 1 'pktpath: --fail-on: nat: conv [0-9]+ tcp .*: DNAT 192\.168\.13\.23:80 -> 172\.23\.96\.163:80 .*' - --format json --fail-on nat "$sc"
"$ppcounts" out >/dev/null || { echo "FAIL fail-on-found: no complete report"; fail=1; }

echo "badinput: $n cases"
exit $fail
