#!/usr/bin/env bash
# pcapng files made by the Wireshark tools (text2pcap, mergecap, editcap):
# per-packet interface, epb_flags direction, lengths, time stamps and
# interface names read by the capture layer must equal what tshark reads.
# Covers interfaces of different link types in one file (libpcap 1.10 stops
# there; the walker reads on), several sections, options, pcap output.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need text2pcap mergecap editcap tshark
: "${CAPDUMP:?CAPDUMP must name the capdump driver}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

ip4_a='45 00 00 1c 00 01 00 00 40 01 00 00 0a 00 00 01 0a 00 00 02 08 00 00 00 00 00 00 00'
ip4_b='45 00 00 1c 00 02 00 00 40 01 00 00 0a 00 00 02 0a 00 00 01 00 00 00 00 00 00 00 00'
eth='00 11 22 33 44 55 66 77 88 99 aa bb 08 00'
sll_out='00 04 00 01 00 06 66 77 88 99 aa bb 00 00 08 00'
sll_in='00 00 00 01 00 06 00 11 22 33 44 55 00 00 08 00'

# text2pcap FILE LINKTYPE NAME LINES... ("I|O TIME HEX")
mk() {
	local out=$1 lt=$2 name=$3
	shift 3
	printf '%s\n' "$@" | sed 's/^\([IO]\) \([^ ]*\) /\1 \2 0000 /' >"$out.txt"
	text2pcap -q -D -t '%Y-%m-%dT%H:%M:%S.%f' -l "$lt" -N "$name" "$out.txt" "$out" >"$out.log" 2>&1 || { cat "$out.log" >&2; exit 1; }
}
mk A.pcapng 1 ethA \
	"I 2024-01-02T03:04:05.123456789 $eth $ip4_a" \
	"O 2024-01-02T03:04:06.5 $eth $ip4_b" \
	"I 2024-01-02T03:04:09.000000001 $eth $ip4_a"
mk B.pcapng 101 tunB \
	"O 2024-01-02T03:04:05.2 $ip4_a" \
	"I 2024-01-02T03:04:07.25 $ip4_b"
mk C.pcapng 113 anyC \
	"O 2024-01-02T03:04:05.3 $sll_out $ip4_a" \
	"I 2024-01-02T03:04:08.0 $sll_in $ip4_b"
mk D.pcapng 1 ethD \
	"O 2024-01-02T03:04:04.9 $eth $ip4_a" \
	"I 2024-01-02T03:04:06.75 $eth $ip4_b"

mergecap -w same.pcapng A.pcapng D.pcapng         # two interfaces, one link type
mergecap -w multi.pcapng A.pcapng B.pcapng C.pcapng # three link types
mergecap -a -w concat.pcapng A.pcapng D.pcapng    # one after the other
cat A.pcapng B.pcapng >sections.pcapng            # two sections
editcap -a '1:first frame' -a '3:third' A.pcapng comments.pcapng
editcap -s 30 A.pcapng snap30.pcapng
mergecap -w snaplens.pcapng snap30.pcapng D.pcapng # same link type, two snapshot lengths

status=0
for f in A B C same multi concat comments snaplens; do
	same_frames "$f.pcapng" "$f" || status=1
done

# Two sections: the capture layer numbers interfaces across the file (the
# second section's first interface is 1); tshark 4.0 prints the id inside the
# section and names it after the first section's interface 0. All else equal.
a=$(frames_capdump sections.pcapng)
b=$(frames_tshark sections.pcapng)
if [ "$(echo "$a" | cut -d' ' -f1,3-6)" != "$(echo "$b" | cut -d' ' -f1,3-6)" ] ||
	[ "$(echo "$a" | awk '{printf "%s:%s ", $2, $7}')" != "0:ethA 0:ethA 0:ethA 1:tunB 1:tunB " ]; then
	echo "FAIL sections: capture layer and tshark differ" >&2
	diff <(echo "$b") <(echo "$a") >&2 || true
	status=1
else
	echo "ok   sections: $(echo "$a" | wc -l) frames, interfaces numbered across sections"
fi

# the walker reads where libpcap gives up: libpcap itself cannot
if tcpdump -r multi.pcapng >/dev/null 2>&1; then
	echo "note: this libpcap reads multi-link-type pcapng files itself"
fi

# pcap output: no interfaces, the rest equal
editcap -F pcap A.pcapng A.pcap
a=$(frames_capdump A.pcap | awk '{print $1, $3, $4, $5, $6}')
b=$(frames_tshark A.pcap | awk '{print $1, 0, $4, $5, $6}')
if [ "$a" != "$b" ] || frames_capdump A.pcap | awk '$2 != "-"' | grep -q .; then
	echo "FAIL pcap: capture layer and tshark differ" >&2
	diff <(echo "$b") <(echo "$a") >&2 || true
	status=1
else
	echo "ok   pcap: $(echo "$a" | wc -l) frames without interface"
fi
exit $status
