#!/usr/bin/env bash
# --format json: one document; fields of the schema asserted with python3.
. "$(dirname "$0")/lib.sh" "$@"
need python3

status 0 "$PKTPATH" --format json "$S6"
cp "$TMP/out" "$TMP/s6.json"
status 0 "$PKTPATH" --format json "$S5"
cp "$TMP/out" "$TMP/s5.json"
python3 - "$TMP/s6.json" "$TMP/s5.json" <<'PY'
import calendar, json, sys, time

def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)

s6 = json.load(open(sys.argv[1]))
check(s6["schema_version"] == 1, "schema_version 1")
check(s6["tool"].startswith("pktpath "), "tool")
names = {p["name"] for p in s6["points"]}
check(len(s6["points"]) == 10, "10 points")
for n in ("node1/pod-centos/eth0", "node1/veth62c5b120", "node1/cni0", "node1/eth0",
          "node2/eth0", "node2/cni0", "node2/veth225206b0", "node2/pod-nginx1/eth0"):
    check(n in names, "point " + n)
check([n["name"] for n in s6["nodes"]] == ["node1", "node2"], "nodes")
check(s6["findings"]["stopped"] == 1, "findings.stopped 1")
check(s6["findings"]["client_ip_lost"] == 0, "findings.client_ip_lost 0")
check(s6["findings"]["conversations"] == len(s6["conversations"]), "findings.conversations")
check(s6["findings"]["read"] > 0 and s6["findings"]["ignored"] >= 0, "read/ignored")
check(all(isinstance(v, int) for v in s6["ignored"].values()), "ignored counts")

def conv(doc, sport):
    c = [c for c in doc["conversations"] if c["origin"]["sport"] == sport]
    check(len(c) == 1, "one conversation from port %d" % sport)
    return c[0]

def direction(c, name):
    d = [d for d in c["directions"] if d["dir"] == name]
    return d[0] if d else None

ids = [c["id"] for c in s6["conversations"]]
check(ids == sorted(ids) and len(set(ids)) == len(ids), "ids unique, in order")

drop = conv(s6, 41601)
check(drop["proto"] == "tcp", "proto tcp")
check(drop["origin"] == {"src": "172.23.96.23", "sport": 41601, "dst": "192.168.13.23", "dport": 80},
      "origin of the dropped flow")
f = direction(drop, "forward")
check(f["verdict"] == "stopped", "dropped flow stopped")
check(f["path"] == ["node1/pod-centos/eth0", "node1/veth62c5b120", "node1/cni0", "node1/eth0",
                    "node2/eth0"], "stopped path: %s" % f["path"])
check([h["point"] for h in f["hops"]] == f["path"], "hops follow the path")
check(f["hops"][0]["dst"] == "192.168.13.23" and f["hops"][2]["dst"] == "172.23.96.163",
      "hop addresses before and after DNAT")
check(f["stopped"]["after"] == "node2/eth0", "stopped.after")
check(f["stopped"]["expected_next"] == "node2/cni0", "stopped.expected_next")
check(f["stopped"]["packets"] == 3, "three SYNs stopped")
check(f["answered_by"] is None, "no answer")
check(f["client_ip_lost"] is None, "client IP kept")
nat = [{k: v for k, v in n.items() if k not in ("first_ts", "last_ts", "first_time", "last_time")}
       for n in f["nat"]]
check(nat == [{"kind": "DNAT", "from": "192.168.13.23:80", "to": "172.23.96.163:80",
               "after": "node1/veth62c5b120", "before": "node1/cni0", "after_hop": 1,
               "before_hop": 2, "after_dir": None, "before_dir": None, "reverse": False,
               "packets": 3}], "DNAT of the dropped flow: %s" % f["nat"])
check(all(f["nat"][0]["first_ts"] <= t <= f["nat"][0]["last_ts"] for t in [f["nat"][0]["first_ts"]])
      and f["nat"][0]["last_ts"] - f["nat"][0]["first_ts"] > 1.5, "the DNAT's packets span the SYN retries")
check(f["recovered_loss"] is None and f["capture_gap"] is None, "nothing recovered or unjudged")
# the *_time twins are the *_ts numbers to the nanosecond
def iso_s(t):
    day, frac = t.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(day, "%Y-%m-%dT%H:%M:%S")) + int(frac) / 1e9
for o in (f["nat"][0], drop):
    check(abs(iso_s(o["first_time"]) - o["first_ts"]) < 1e-6 and
          abs(iso_s(o["last_time"]) - o["last_ts"]) < 1e-6 and len(o["first_time"]) == 30,
          "first_time/last_time twin first_ts/last_ts: %s" % o)
check(direction(drop, "reverse") is None, "the dropped flow has no reverse direction")

ok = conv(s6, 41602)
f, r = direction(ok, "forward"), direction(ok, "reverse")
check(f["verdict"] == "delivered" and r["verdict"] == "delivered", "healthy flow delivered")
check(len(f["path"]) == 8 and f["path"][-1] == "node2/pod-nginx1/eth0", "healthy forward path")
check(r["path"] == list(reversed(f["path"])), "reverse path mirrors the forward one")
check(f["stopped"] is None and r["stopped"] is None, "no stop")
check([(n["kind"], n["reverse"]) for n in r["nat"]] == [("SNAT", True)], "reverse SNAT")
check(r["nat"][0]["from"] == "172.23.96.163:80" and r["nat"][0]["to"] == "192.168.13.23:80",
      "reverse SNAT endpoints")
check(f["segments"] >= 3 and f["retransmissions"] == 0, "TCP segment counts")

s5 = json.load(open(sys.argv[2]))
check(s5["findings"]["client_ip_lost"] == 1 and s5["findings"]["snat"] == 1, "scenario 5 findings")
c = [c for c in s5["conversations"] if c["origin"]["src"] == "203.0.113.7"]
check(len(c) == 1, "scenario 5: the external client's conversation")
f = direction(c[0], "forward")
lost = f["client_ip_lost"]
check(lost["original"] == "203.0.113.7" and lost["replaced_by"] == "10.0.0.180", "client_ip_lost")
check(lost["after"] == "node1/eth0" and lost["before"] == "node1/eth0", "lost at node1/eth0")
check([h["dir"] for h in f["hops"] if h["point"] == "node1/eth0"] == ["in", "out"],
      "node1/eth0 seen in, then out")
# where one point is crossed twice, the names alone read the same: in/out say which
check((lost["after_dir"], lost["before_dir"]) == ("in", "out"), "client IP lost between in and out")
check(f["hops"][lost["after_hop"]]["dir"] == "in" and f["hops"][lost["before_hop"]]["dir"] == "out",
      "after_hop/before_hop agree with after_dir/before_dir")
n1 = [n for n in f["nat"] if n["after"] == "node1/eth0"]
check(len(n1) == 2 and all((n["after_dir"], n["before_dir"]) == ("in", "out") for n in n1),
      "node1's DNAT and SNAT between node1/eth0 in and out: %s" % n1)
slb = [n for n in f["nat"] if n["after"] == "slb/eth0"]
check(len(slb) == 1 and slb[0]["after_dir"] is None and slb[0]["before_dir"] is None,
      "a point seen once has no in/out")
check(f["stopped"] is None, "delivered")
check(s5["addresses"]["10.0.0.180"]["kind"] == "node", "address classes from the topology")
print("PASS")
PY
