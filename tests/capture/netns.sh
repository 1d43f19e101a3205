#!/usr/bin/env bash
# Captures taken for real, in two network namespaces of this test's own
# (veth pairs, pings; removed on exit):
#  - dumpcap -i va -i vc (two Ethernet interfaces) and dumpcap -i va -i any
#    (Ethernet + Linux cooked: libpcap 1.10 refuses the file, the walker
#    reads it): per-packet interfaces must equal tshark's;
#  - tcpdump -C 1 (p.pcap, p.pcap1, ...) and -C 1 -W 3 (a ring that wraps):
#    the rotated set is found whole, in capture order, and every packet
#    tcpdump wrote is read.
# Needs root, ip, dumpcap, tshark, tcpdump, ping; skips (77) otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need ip dumpcap tshark tcpdump ping
: "${CAPDUMP:?CAPDUMP must name the capdump driver}"
[ "$(id -u)" -eq 0 ] || { echo "not root: skipped"; exit 77; }

ns1=ppcap$$a ns2=ppcap$$b
tmp=$(mktemp -d)
cleanup() {
	ip netns del "$ns1" 2>/dev/null || true
	ip netns del "$ns2" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns1" 2>/dev/null || { echo "cannot create network namespaces: skipped"; exit 77; }
ip netns add "$ns2"
ip -n "$ns1" link set lo up
ip -n "$ns2" link set lo up
ip -n "$ns1" link add va type veth peer name vb netns "$ns2"
ip -n "$ns1" link add vc type veth peer name vd netns "$ns2"
ip -n "$ns1" addr add 10.231.0.1/24 dev va
ip -n "$ns2" addr add 10.231.0.2/24 dev vb
ip -n "$ns1" addr add 10.232.0.1/24 dev vc
ip -n "$ns2" addr add 10.232.0.2/24 dev vd
for l in va vc; do ip -n "$ns1" link set "$l" up; done
for l in vb vd; do ip -n "$ns2" link set "$l" up; done
chmod 777 "$tmp"
cd "$tmp"
status=0

# wait_for LOG TEXT: until a capture tool says it has started (10 s at most)
wait_for() {
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "FAIL: no '$2' in $1" >&2
	cat "$1" >&2
	exit 1
}

# -- dumpcap, several interfaces ------------------------------------------------
in1() { ip netns exec "$ns1" "$@"; }
in1 dumpcap -q -a duration:4 -i va -i vc -w "$tmp/two.pcapng" >dumpcap1.log 2>&1 &
d1=$!
in1 dumpcap -q -a duration:4 -i va -i any -w "$tmp/mixed.pcapng" >dumpcap2.log 2>&1 &
d2=$!
wait_for dumpcap1.log "Capturing on"
wait_for dumpcap2.log "Capturing on"
sleep 0.3
in1 ping -q -c 4 -i 0.2 10.231.0.2 >/dev/null
in1 ping -q -c 3 -i 0.2 10.232.0.2 >/dev/null
wait $d1 $d2 || { cat dumpcap1.log dumpcap2.log >&2; exit 1; }

same_frames two.pcapng "dumpcap -i va -i vc" || status=1
same_frames mixed.pcapng "dumpcap -i va -i any" || status=1
if [ "$(frames_capdump two.pcapng | awk '{print $7}' | sort -u | tr '\n' ' ')" != "va vc " ]; then
	echo "FAIL dumpcap -i va -i vc: interface names" >&2
	status=1
fi

# -- tcpdump rotation -----------------------------------------------------------------
in1 timeout 12 tcpdump -Z root -q -i va -C 1 -w "$tmp/c.pcap" >tcpdump1.log 2>&1 &
t1=$!
in1 timeout 12 tcpdump -Z root -q -i va -C 1 -W 3 -w "$tmp/r.pcap" >tcpdump2.log 2>&1 &
t2=$!
wait_for tcpdump1.log "listening on"
wait_for tcpdump2.log "listening on"
in1 ping -q -f -s 1400 -c 2500 10.231.0.2 >/dev/null
sleep 0.5
kill -INT $t1 $t2 2>/dev/null || true
wait $t1 $t2 || true

# check_set ARG FILES...: the set expands to exactly FILES (in capture order:
# by first time stamp) and capdump reads as many packets as tcpdump does.
check_set() {
	local arg=$1 got want total=0 n f
	shift
	got=$("$CAPDUMP" -e -n "$arg" | sed -n 's/^input .* files=//p' | tr ',' '\n' | xargs -n1 basename | tr '\n' ' ')
	want=$(for f in "$@"; do echo "$(tcpdump -r "$f" -c 1 --nano -tt 2>/dev/null | cut -d' ' -f1) $f"; done |
		sort -s -k1,1 | awk '{print $2}' | tr '\n' ' ')
	if [ "$got" != "$want" ]; then
		echo "FAIL rotated set $arg: got '$got', want '$want'" >&2
		return 1
	fi
	for f in "$@"; do
		n=$(tcpdump -r "$f" 2>/dev/null | wc -l)
		total=$((total + n))
	done
	n=$("$CAPDUMP" -e "$arg" | awk '/: read / {s += $5} END {print s + 0}')
	if [ "$n" -ne "$total" ]; then
		echo "FAIL rotated set $arg: read $n frames, tcpdump reads $total" >&2
		return 1
	fi
	echo "ok   rotated set $arg: $# pieces, $n frames, in capture order: $got"
}
shopt -s nullglob
cset=(c.pcap c.pcap[0-9]*)
rset=(r.pcap[0-9]*)
if [ ${#cset[@]} -lt 3 ] || [ ${#rset[@]} -ne 3 ]; then
	echo "FAIL tcpdump wrote ${cset[*]} and ${rset[*]}: not enough traffic" >&2
	cat tcpdump1.log tcpdump2.log >&2
	exit 1
fi
check_set c.pcap "${cset[@]}" || status=1
check_set "${cset[1]}" "${cset[@]}" || status=1
check_set r.pcap0 "${rset[@]}" || status=1
check_set r.pcap "${rset[@]}" || status=1
check_set node1/va="$tmp/r.pcap2" "${rset[@]}" || status=1
# a lost piece is reported
rm "${cset[1]}"
if ! "$CAPDUMP" -e -n c.pcap 2>&1 >/dev/null | grep -q "rotated set is missing 1 piece: ${cset[1]}"; then
	echo "FAIL a missing piece of c.pcap is not reported" >&2
	status=1
else
	echo "ok   missing ${cset[1]} reported"
fi
exit $status
