#!/usr/bin/env bash
# --expect FILE: the same run as a saved result -> 0 and silence; a result
# with other paths, NAT, stops or conversations -> 1, one line per
# difference on stderr; what only varies between runs (times, latencies,
# counts, ephemeral client ports) is no difference.
. "$(dirname "$0")/lib.sh" "$@"
need python3

status 0 "$PKTPATH" --format json "$S6"
cp "$TMP/out" "$TMP/saved.json"
status 0 "$PKTPATH" --format jsonl "$S6"
cp "$TMP/out" "$TMP/saved.jsonl"

# same run -> 0, nothing on stderr, stdout as without --expect
for fmt in text json jsonl markdown dot; do
	status 0 "$PKTPATH" --format $fmt "$S6"
	cp "$TMP/out" "$TMP/plain"
	status 0 "$PKTPATH" --format $fmt --expect "$TMP/saved.json" "$S6"
	[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "--expect of the same run printed something ($fmt)"; }
	cmp -s "$TMP/plain" "$TMP/out" || fail "--expect changed the $fmt report"
done
status 0 "$PKTPATH" --expect "$TMP/saved.jsonl" "$S6"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "--expect of a jsonl result"; }

# every scenario equals its own saved result
for dir in "$TESTDATA"/*/; do
	[ -f "$dir/expected.json" ] || continue
	"$PKTPATH" --format json "$dir" >"$TMP/self.json" 2>/dev/null
	status 0 "$PKTPATH" --expect "$TMP/self.json" "$dir"
	if grep -q '^pktpath: expect' "$TMP/err"; then
		show "$TMP/err"
		fail "$(basename "$dir") differs from itself"
	fi
done

# what naturally varies: times, latencies, counts, another ephemeral port,
# multicast chatter
python3 - "$TMP/saved.json" "$TMP/varied.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["window"] = 9.0
for p in d["points"]:
    p["packets"] += 5
    p["first_ts"] = 1.0
for c in d["conversations"]:
    c["id"] += 100
    c["first_ts"] = c["last_ts"] = 2.0
    for x in c["directions"]:
        x["packets"] += 1
        for h in x["hops"]:
            h["packets"] = 999
            h["latency_us_p50"] = 12345.0
    if c["origin"]["sport"] == 41602:    # the healthy flow, from another port
        c["origin"]["sport"] = 50000
        for x in c["directions"]:
            for h in x["hops"]:
                if h["sport"] == 41602: h["sport"] = 50000
                if h["dport"] == 41602: h["dport"] = 50000
d["findings"]["read"] = 1
# multicast chatter comes and goes between runs
d["conversations"] = [c for c in d["conversations"] if not c["origin"]["dst"].startswith("224.")]
d["conversations"].append({"id": 77, "proto": "ip", "origin": {"src": "10.0.0.9", "sport": None, "dst": "224.0.0.251", "dport": None},
                           "directions": [{"dir": "forward", "verdict": "delivered", "path": ["node1/eth0"],
                                           "hops": [{"point": "node1/eth0", "dir": None}], "nat": [], "stopped": None,
                                           "answered_by": None, "client_ip_lost": None}]})
json.dump(d, open(sys.argv[2], "w"))
PY
status 0 "$PKTPATH" --expect "$TMP/varied.json" "$S6"
[ ! -s "$TMP/err" ] || { show "$TMP/err"; fail "varying fields made a difference"; }

# a doctored result: every kind of difference once
python3 - "$TMP/saved.json" "$TMP/doctored.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
convs = d["conversations"]
drop = [c for c in convs if c["origin"]["sport"] == 41601][0]
ok = [c for c in convs if c["origin"]["sport"] == 41602][0]
f = drop["directions"][0]
# the dropped flow used to be delivered, all the way
f["verdict"] = "delivered"
f["stopped"] = None
for p in ("node2/cni0", "node2/veth225206b0", "node2/pod-nginx1/eth0"):
    f["path"].append(p)
    f["hops"].append(dict(f["hops"][-1], point=p))
# the healthy flow had no DNAT, and an SNAT that is gone now
fwd = ok["directions"][0]
fwd["nat"] = [dict(fwd["nat"][0], kind="SNAT", **{"from": "172.23.96.23:41602", "to": "10.0.0.180:61000"})]
# a conversation that is not there any more
convs.append({"id": 99, "proto": "udp", "origin": {"src": "172.23.96.23", "sport": 5353, "dst": "10.96.0.10", "dport": 53},
              "directions": [{"dir": "forward", "verdict": "delivered", "path": ["node1/eth0"],
                              "hops": [{"point": "node1/eth0", "dir": None}], "nat": [], "stopped": None,
                              "answered_by": None, "client_ip_lost": None}]})
json.dump(d, open(sys.argv[2], "w"))
PY
status 1 "$PKTPATH" --format json --expect "$TMP/doctored.json" "$S6"
cmp -s "$TMP/out" "$TMP/saved.json" || fail "the json report changed with --expect"
e=$TMP/err
has "$e" '^pktpath: expect: conv [0-9]+ tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80 forward: verdict changed: was delivered, now stopped$' "verdict change"
has "$e" '^pktpath: expect: conv [0-9]+ tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80 forward: path changed: was node1/pod-centos/eth0 -> .* -> node2/pod-nginx1/eth0; now node1/pod-centos/eth0 -> node1/veth62c5b120 -> node1/cni0 -> node1/eth0 -> node2/eth0$' "path change"
has "$e" '^pktpath: expect: conv [0-9]+ tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80 forward: new stop: after node2/eth0, expected next node2/cni0$' "new stop"
has "$e" '^pktpath: expect: conv [0-9]+ tcp 172\.23\.96\.23:41602 -> 192\.168\.13\.23:80 forward: NAT appeared: DNAT 192\.168\.13\.23:80 -> 172\.23\.96\.163:80 between node1/veth62c5b120 and node1/cni0$' "NAT appeared"
has "$e" '^pktpath: expect: conv [0-9]+ tcp 172\.23\.96\.23:41602 -> 192\.168\.13\.23:80 forward: NAT vanished: SNAT 172\.23\.96\.23:\* -> 10\.0\.0\.180:\* between node1/veth62c5b120 and node1/cni0$' "NAT vanished, client ports masked"
has "$e" '^pktpath: expect: conversation missing: udp 172\.23\.96\.23:5353 -> 10\.96\.0\.10:53 \(conv 99 in .*doctored\.json\)$' "missing conversation"
has "$e" '^pktpath: expect: 6 differences from .*doctored\.json$' "count"
[ "$(grep -vc '^pktpath: expect: ' "$e")" = 0 ] || { show "$e"; fail "other lines on stderr"; }

# another scenario: new conversations, other paths
status 1 "$PKTPATH" --expect "$TMP/saved.json" "$S5"
has "$TMP/err" '^pktpath: expect: new conversation: conv [0-9]+ tcp 203\.0\.113\.7:[0-9]+ -> 47\.100\.0\.10:80 \(not in .*saved\.json\)$' "new conversation"
has "$TMP/err" '^pktpath: expect: conversation missing: tcp 172\.23\.96\.23:41601 -> 192\.168\.13\.23:80 ' "missing conversation"

# --expect with --fail-on: 1 from either
status 1 "$PKTPATH" --fail-on stop --expect "$TMP/saved.json" "$S6"
grep -v '^pktpath: --fail-on: stop: ' "$TMP/err" | grep -q . && fail "--fail-on with an equal --expect printed more than why it fails"
status 1 "$PKTPATH" --fail-on snat --expect "$TMP/doctored.json" "$S6"

# a saved result that cannot be used: 2, before any analysis
status 2 "$PKTPATH" --expect "$TMP/none.json" "$S6"
has "$TMP/err" '^pktpath: .*none\.json: No such file or directory$' "missing file"
[ ! -s "$TMP/out" ] || fail "a report although --expect cannot be read"
echo 'not json' >"$TMP/bad.json"
status 2 "$PKTPATH" --expect "$TMP/bad.json" "$S6"
has "$TMP/err" '^pktpath: .*bad\.json: not JSON: ' "not JSON"
echo '{"conversations": []}' >"$TMP/bad.json"
status 2 "$PKTPATH" --expect "$TMP/bad.json" "$S6"
has "$TMP/err" '^pktpath: .*bad\.json: not a pktpath JSON result \(no schema_version\)$' "no schema_version"
echo '{"schema_version": 2, "conversations": []}' >"$TMP/bad.json"
status 2 "$PKTPATH" --expect "$TMP/bad.json" "$S6"
has "$TMP/err" '^pktpath: .*bad\.json: schema_version 2; this pktpath reads 1$' "newer schema"
echo '{"schema_version": 1, "conversations": []}' >"$TMP/empty.json"
status 1 "$PKTPATH" --expect "$TMP/empty.json" "$S6"
has "$TMP/err" '^pktpath: expect: new conversation: ' "all new against an empty result"
echo PASS
