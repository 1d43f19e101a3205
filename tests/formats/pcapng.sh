#!/usr/bin/env bash
# --write-pcapng OUT: read back with tshark. One interface per capture point
# named after it, every packet of the inputs in corrected time order, each
# commented with its conversation, direction, hop and NAT.
. "$(dirname "$0")/lib.sh" "$@"
need tshark python3

# fields PCAPNG FILTER FIELD...: tab-separated, one packet per line
fields() {
	local f=$1 y=$2
	shift 2
	local args=()
	for x in "$@"; do args+=(-e "$x"); done
	tshark -r "$f" ${y:+-Y "$y"} -T fields -E separator=/t "${args[@]}" 2>/dev/null
}

status 0 "$PKTPATH" --format json "$S6"
cp "$TMP/out" "$TMP/s6.json"
status 0 "$PKTPATH" --format json --write-pcapng "$TMP/s6.pcapng" "$S6"
cmp -s "$TMP/out" "$TMP/s6.json" || fail "--write-pcapng changed the report"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "stderr not empty"; }
fields "$TMP/s6.pcapng" "" frame.interface_name frame.time_epoch frame.comment >"$TMP/s6.tsv"
[ -s "$TMP/s6.tsv" ] || fail "tshark read no packet"
drop=$(python3 -c '
import json, sys
print([c["id"] for c in json.load(open(sys.argv[1]))["conversations"]
       if c["origin"]["sport"] == 41601][0])' "$TMP/s6.json")
fields "$TMP/s6.pcapng" "frame.comment contains \"conv $drop \"" frame.interface_name frame.comment >"$TMP/drop.tsv"

python3 - "$TMP/s6.json" "$TMP/s6.tsv" "$TMP/drop.tsv" "$drop" <<'PY'
import json, re, sys

def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)

doc = json.load(open(sys.argv[1]))
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
drop = [l.rstrip("\n").split("\t") for l in open(sys.argv[3])]
cid = int(sys.argv[4])

# every record of the inputs, in corrected time order
check(len(rows) == doc["findings"]["read"], "%d packets written, %d read" % (len(rows), doc["findings"]["read"]))
ts = [float(r[1]) for r in rows]
check(ts == sorted(ts), "packets in time order")
# one interface per point, named after it
points = {p["name"] for p in doc["points"]}
ifaces = {r[0] for r in rows}
check(ifaces <= points, "interfaces are points: %s" % (ifaces - points))
check({p["name"] for p in doc["points"] if p["packets"]} <= ifaces, "every point with packets is an interface")
# packets the decoders ignored are written with their reason
ign = [r for r in rows if r[2].startswith("ignored: ")]
for reason, n in doc["ignored"].items():
    check(sum(1 for r in ign if r[2] == "ignored: " + reason) == n, "ignored: %s x%d" % (reason, n))
# hop comments name the point of their interface
hop = re.compile(r"^conv (\d+) (forward|reverse) hop (\d+) of (\d+) (\S+?)(\((in|out)\))?( |;|$)")
nhop = 0
for r in rows:
    m = hop.match(r[2])
    if m:
        nhop += 1
        check(m.group(5) == r[0], "comment names the interface's point: %s" % r)
        check(1 <= int(m.group(3)) <= int(m.group(4)), "hop k of n: %s" % r[2])
check(nhop == len(rows) - len(ign), "every analysed packet has its hop: %d of %d" % (nhop, len(rows) - len(ign)))

# the dropped flow: 3 SYNs at each of its 5 points; DNAT on its third hop,
# the stop on the last
check(len(drop) == 15, "15 packets of conv %d: %d" % (cid, len(drop)))
path = ["node1/pod-centos/eth0", "node1/veth62c5b120", "node1/cni0", "node1/eth0", "node2/eth0"]
for k, p in enumerate(path, 1):
    want = "conv %d forward hop %d of 5 %s" % (cid, k, p)
    got = [r for r in drop if r[1].startswith(want)]
    check(len(got) == 3 and all(r[0] == p for r in got), "3 x '%s': %s" % (want, got))
check(all(r[1].endswith("DNAT 192.168.13.23:80->172.23.96.163:80") for r in drop if r[0] == "node1/cni0"),
      "DNAT noted where it happened")
check(all(r[1].endswith("; stopped after this point") for r in drop if r[0] == "node2/eth0"),
      "the stop noted at the last point")
check(not any("reverse" in r[1] for r in drop), "the dropped flow has no reverse packet")
# the healthy flow: both directions, the reverse NAT where it happened
ok = [c["id"] for c in doc["conversations"] if c["origin"]["sport"] == 41602][0]
rev = [r for r in rows if r[2].startswith("conv %d reverse hop 6 of 8 node1/cni0" % ok)]
check(rev and all(r[2].endswith("SNAT 172.23.96.163:80->192.168.13.23:80 (reverse)") for r in rev),
      "reverse SNAT on the healthy flow")
PY

# pcapng interface blocks: names, the pktpath description, nanoseconds
capinfos -m "$TMP/s6.pcapng" >/dev/null 2>&1 || fail "capinfos cannot read it"
capinfos "$TMP/s6.pcapng" >"$TMP/info" 2>/dev/null
has "$TMP/info" '^Number of interfaces in file: 10$' "10 interfaces"
has "$TMP/info" 'Name = node2/cni0$' "an interface named after its point"
has "$TMP/info" 'Description = pktpath capture point node1/eth0' "description"
has "$TMP/info" 'Time precision = nanoseconds \(9\)' "nanosecond time stamps"
has "$TMP/info" '^Capture application: +pktpath ' "shb_userappl"

# an -i any capture (LINUX_SLL2): interfaces per interface index, SLL2 frames
status 0 "$PKTPATH" --write-pcapng "$TMP/any.pcapng" "$TESTDATA/2-cross-node-clusterip-any"
capinfos "$TMP/any.pcapng" >"$TMP/info" 2>/dev/null
has "$TMP/info" 'Name = node1/cni0$' "SLL2 point node1/cni0"
has "$TMP/info" 'Name = node2/veth225206b0$' "SLL2 point node2/veth225206b0"
has "$TMP/info" 'Encapsulation = Linux cooked-mode capture v2' "SLL2 link type kept"
fields "$TMP/any.pcapng" 'frame.comment contains "DNAT"' frame.interface_name frame.comment >"$TMP/any.tsv"
has "$TMP/any.tsv" '^node1/[a-z0-9]+	conv [0-9]+ forward hop [0-9]+ of [0-9]+ node1/[a-z0-9]+(\((in|out)\))? DNAT 192\.168\.13\.23:80->172\.23\.96\.163:80$' "DNAT in an -i any capture"

# scenario 5: one interface sees the packet in, then out; the client IP is lost there
status 0 "$PKTPATH" --write-pcapng "$TMP/s5.pcapng" "$S5"
fields "$TMP/s5.pcapng" 'frame.comment contains "client IP lost"' frame.interface_name frame.comment >"$TMP/s5.tsv"
has "$TMP/s5.tsv" '^node1/eth0	conv [0-9]+ forward hop 5 of 9 node1/eth0\(out\) DNAT 10\.0\.0\.180:30875->172\.23\.96\.163:80 SNAT 203\.0\.113\.7:[0-9]+->10\.0\.0\.180:[0-9]+; client IP lost here$' "SNAT and client IP lost at node1/eth0(out)"
fields "$TMP/s5.pcapng" 'frame.comment contains "node1/eth0(in)"' frame.interface_name >"$TMP/in.tsv"
[ "$(sort -u "$TMP/in.tsv")" = node1/eth0 ] || fail "node1/eth0(in) on interface node1/eth0"

# ICMP answers (scenario 3: port unreachable from the node)
status 0 "$PKTPATH" --write-pcapng "$TMP/s3.pcapng" "$TESTDATA/3-local-policy-no-endpoint"
fields "$TMP/s3.pcapng" 'icmp.type == 3' frame.comment >"$TMP/s3.tsv"
[ -s "$TMP/s3.tsv" ] || fail "scenario 3 has ICMP errors"
hasnt "$TMP/s3.tsv" '^(ignored|not analysed)' "ICMP errors are analysed"
has "$TMP/s3.tsv" '^conv [0-9]+ forward answer: an ICMP error about it, seen at ' "ICMP error comment"

# bad output path: 2, nothing analysed, nothing left behind
status 2 "$PKTPATH" --write-pcapng "$TMP/no/such/dir/x.pcapng" "$S6"
has "$TMP/err" '^pktpath: .*/no/such/dir/x\.pcapng: No such file or directory$' "bad OUT"
[ ! -s "$TMP/out" ] || fail "a report although OUT cannot be created"
# a full disk: 2 and a message
if [ -w /dev/full ]; then
	status 2 "$PKTPATH" --write-pcapng /dev/full "$S6"
	has "$TMP/err" '^pktpath: /dev/full: write failed: No space left on device$' "write error"
	[ -c /dev/full ] || fail "/dev/full removed"
fi
# OUT is one of the inputs: refused before anything is truncated
cp "$S6/node1/eth0.pcap" "$TMP/in.pcap"
status 2 "$PKTPATH" --write-pcapng "$TMP/./in.pcap" "node1/eth0=$TMP/in.pcap"
has "$TMP/err" 'in\.pcap: --write-pcapng would overwrite an input \(a capture\)$' "OUT is an input"
cmp -s "$S6/node1/eth0.pcap" "$TMP/in.pcap" || fail "the input was overwritten"
echo PASS
