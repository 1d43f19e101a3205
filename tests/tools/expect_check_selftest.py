#!/usr/bin/env python3
"""ctest: expect_check must accept a right report and reject wrong ones.

usage: expect_check_selftest.py EXPECT_CHECK SCENARIO_DIR

Takes the scenario's expected.json (a scenario-6 style folder: one stopped
flow, one healthy flow), adds the members of the contract that scenario does
not need (a finding, a stop's packet count, a gap, a clock offset, a NAT
packet count), and writes from that truth alone the report a perfect pktpath
would give, plus multicast chatter. expect_check must pass it, and pass it
too without the members pktpath does not write yet where the truth does not
need them. Then each mutation breaks one thing (an extra NAT, an extra stop,
an extra conversation, a swapped hop, a negative latency, a missing finding,
...) and expect_check must exit 1 with a DIFF line that names it.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile


def truth_of(scenario_dir):
    with open(os.path.join(scenario_dir, "expected.json"), encoding="utf-8") as f:
        t = json.load(f)
    stopped = [fl for fl in t["flows"] if fl["forward"]["verdict"] == "stopped"]
    healthy = [fl for fl in t["flows"] if fl["reverse"] is not None]
    assert stopped and healthy, "needs a scenario with a stopped and a healthy flow"
    stopped[0]["forward"]["finding"] = "silent_drop"
    stopped[0]["forward"]["stopped"]["packets"] = 3
    healthy[0]["forward"]["recovered_loss"] = False
    healthy[0]["forward"]["nat"][0]["packets"] = 7
    t["gaps"] = [{"point": "node2/eth0", "why": "kernel_drops"}]
    t["clock"] = {"reference": "node1", "offsets": {"node2": {"offset": 1.7, "tolerance": 0.001}}}
    return t


def direction(name, d, conv_id, items):
    hops = [{"point": h["point"], "dir": h["dir"], "packets": 3, "src": h["src"], "sport": h["sport"],
             "dst": h["dst"], "dport": h["dport"], "ttl": 64, "latency_us_p50": None if i == 0 else 4.5}
            for i, h in enumerate(d["hops"])]
    nat = [{"kind": n["kind"], "from": n["from"], "to": n["to"], "after": n["after"], "before": n["before"],
            "after_hop": n["after_hop"], "before_hop": n["before_hop"], "reverse": bool(n.get("reverse")),
            "packets": n.get("packets", 3), "first_ts": 1.0, "last_ts": 2.0} for n in d["nat"]]
    st = d.get("stopped")
    if st is not None:
        st = dict(st, after_hop=len(hops) - 1)
        st.setdefault("packets", 3)
    if d.get("finding"):
        items.append({"kind": d["finding"], "conversation": conv_id, "direction": name,
                      "point": st["after"] if st else None, "evidence": "what the packets show"})
    return {"dir": name, "packets": 3, "path": [h["point"] for h in hops], "hops": hops, "nat": nat,
            "verdict": d["verdict"], "stopped": st, "answered_by": d.get("answered_by"),
            "client_ip_lost": d.get("client_ip_lost"),
            "recovered_loss": {"packets": 1, "after": hops[0]["point"], "after_hop": 0,
                               "expected_next": hops[1]["point"]} if d.get("recovered_loss") else None,
            "capture_gap": None, "unmatched": 0, "copies": []}


def perfect_report(t):
    convs, items, points = [], [], set()
    for k, fl in enumerate(t["flows"], 1):
        dirs = []
        for name in ("forward", "reverse"):
            if fl[name] is not None:
                dirs.append(direction(name, fl[name], k, items))
                points |= {h["point"] for h in fl[name]["hops"]}
        convs.append({"id": k, "proto": fl["proto"], "origin": fl["origin"], "first_ts": 1.0, "last_ts": 2.0,
                      "directions": dirs})
    # IGMP to 224.0.0.22, seen at one point: chatter, allowed.
    hop = {"point": "node1/eth0", "dir": None, "packets": 1, "src": "10.0.0.1", "sport": None,
           "dst": "224.0.0.22", "dport": None, "ttl": 1, "latency_us_p50": None}
    convs.append({"id": len(convs) + 1, "proto": "ip", "origin": {"src": "10.0.0.1", "sport": None,
                                                                   "dst": "224.0.0.22", "dport": None},
                  "directions": [{"dir": "forward", "packets": 1, "path": ["node1/eth0"], "hops": [hop],
                                  "nat": [], "verdict": "delivered", "stopped": None, "answered_by": None,
                                  "client_ip_lost": None, "recovered_loss": None, "copies": []}]})
    gaps = {g["point"]: g["why"] for g in t.get("gaps", [])}
    pts = [{"name": p, "node": p.split("/")[0], "packets": 3,
            "gaps": [{"from": 1.0, "to": 1.5, "why": gaps[p], "packets": 2}] if p in gaps else []}
           for p in sorted(points)]
    nodes = [{"name": "node1", "clock_offset": 0.0}, {"name": "node2", "clock_offset": 1.7003}]
    return {"schema_version": 1, "points": pts, "nodes": nodes, "conversations": convs,
            "findings": {"conversations": len(convs), "items": items}}


def flow_dir(r, k, name):
    return next(d for d in r["conversations"][k]["directions"] if d["dir"] == name)


def mutations(t):
    """(what, mutate(report), a word the DIFF line must carry)."""
    ok = [k for k, fl in enumerate(t["flows"]) if fl["reverse"] is not None][0]
    bad = [k for k, fl in enumerate(t["flows"]) if fl["forward"]["verdict"] == "stopped"][0]

    def extra_nat(r):
        d = flow_dir(r, ok, "forward")
        d["nat"].append(dict(d["nat"][0], kind="SNAT", **{"from": "172.23.96.23:41602", "to": "10.0.0.180:41602"}))

    def extra_stop(r):
        d = flow_dir(r, ok, "reverse")
        d["stopped"] = {"after": d["path"][2], "after_hop": 2, "expected_next": d["path"][3], "packets": 1}

    def partial_verdict(r):
        flow_dir(r, ok, "reverse")["verdict"] = "partial"

    def extra_conv(r):
        c = copy.deepcopy(r["conversations"][ok])
        c["id"] = 99
        c["proto"] = "udp"
        r["conversations"].append(c)

    def split_reply(r):
        c = copy.deepcopy(r["conversations"][ok])
        c["id"] = 98
        rev = flow_dir(r, ok, "reverse")
        h0 = rev["hops"][0]
        c["origin"] = {"src": h0["src"], "sport": h0["sport"], "dst": h0["dst"], "dport": h0["dport"]}
        c["directions"] = [dict(copy.deepcopy(rev), dir="forward")]
        r["conversations"][ok]["directions"] = [flow_dir(r, ok, "forward")]
        r["conversations"].append(c)

    def swap_hops(r):
        d = flow_dir(r, ok, "reverse")
        d["path"][2], d["path"][3] = d["path"][3], d["path"][2]
        d["hops"][2], d["hops"][3] = d["hops"][3], d["hops"][2]

    def negative_latency(r):
        flow_dir(r, ok, "reverse")["hops"][4]["latency_us_p50"] = -34.0

    def negative_latency_chatter(r):
        c = r["conversations"][-1]["directions"][0]
        c["hops"].append(dict(c["hops"][0], point="node2/eth0", latency_us_p50=-1.5))
        c["path"].append("node2/eth0")

    def missing_finding(r):
        r["findings"]["items"] = []

    def no_items_at_all(r):
        del r["findings"]["items"]

    def unexpected_finding(r):
        r["findings"]["items"].append({"kind": "partial", "conversation": ok + 1, "direction": "forward",
                                       "point": None, "evidence": "x"})

    def wrong_finding(r):
        r["findings"]["items"][0]["kind"] = "mtu_blackhole"

    def recovered_loss(r):
        flow_dir(r, ok, "forward")["recovered_loss"] = {"packets": 2, "after": "node1/eth0", "after_hop": 3,
                                                        "expected_next": "node2/eth0"}

    def stop_packets(r):
        flow_dir(r, bad, "forward")["stopped"]["packets"] = 2

    def nat_packets(r):
        flow_dir(r, ok, "forward")["nat"][0]["packets"] = 6

    def chatter_nat(r):
        c = r["conversations"][-1]["directions"][0]
        c["hops"].append(dict(c["hops"][0], point="node2/eth0", dst="224.0.0.251", latency_us_p50=3.0))
        c["path"].append("node2/eth0")
        c["nat"] = [{"kind": "DNAT", "from": "224.0.0.22", "to": "224.0.0.251", "after": "node1/eth0",
                     "before": "node2/eth0", "after_hop": 0, "before_hop": 1, "reverse": False}]

    def nd_joined(r):
        hop = {"point": "node1/eth0", "dir": None, "packets": 1, "src": "fd00:10::1", "sport": None,
               "dst": "fe80::216:3eff:fe00:b4", "dport": None, "ttl": 255, "latency_us_p50": None}
        r["conversations"].append({"id": 97, "proto": "icmp6", "origin": {k: hop[k] for k in ("src", "sport", "dst", "dport")},
                                   "directions": [{"dir": "forward", "packets": 1, "path": ["node1/eth0", "node2/eth0"],
                                                   "hops": [hop, dict(hop, point="node2/eth0", dst="fe80::216:3eff:fe00:b5",
                                                                      latency_us_p50=2.0)],
                                                   "nat": [], "verdict": "delivered", "stopped": None}]})

    def chatter_stop(r):
        c = r["conversations"][-1]["directions"][0]
        c["verdict"] = "stopped"
        c["stopped"] = {"after": "node1/eth0", "after_hop": 0, "expected_next": "node2/eth0", "packets": 1}

    def missing_gap(r):
        for p in r["points"]:
            p["gaps"] = []

    def extra_gap(r):
        r["points"][0]["gaps"].append({"from": 1.0, "to": 2.0, "why": "missing_piece", "packets": None})

    def clock_off(r):
        r["nodes"][1]["clock_offset"] = 1.703

    def missing_reverse(r):
        r["conversations"][ok]["directions"] = [flow_dir(r, ok, "forward")]

    return [
        ("an extra NAT", extra_nat, "unexpected NAT"),
        ("a stop on a delivered direction", extra_stop, "stopped: want none"),
        ("a partial verdict on a delivered direction", partial_verdict, "verdict"),
        ("an extra conversation", extra_conv, "unexpected conversation"),
        ("the reply as a conversation of its own", split_reply, "unexpected conversation"),
        ("two hops swapped", swap_hops, "path"),
        ("a negative latency", negative_latency, "negative latency"),
        ("a negative latency on chatter", negative_latency_chatter, "negative latency"),
        ("a missing finding", missing_finding, "missing finding silent_drop"),
        ("no findings.items at all", no_items_at_all, "missing finding silent_drop"),
        ("a stop finding on a delivered direction", unexpected_finding, "unexpected finding partial"),
        ("another finding kind", wrong_finding, "unexpected finding mtu_blackhole"),
        ("recovered loss the truth does not have", recovered_loss, "recovered_loss"),
        ("a wrong stop count", stop_packets, "stopped.packets"),
        ("a wrong NAT packet count", nat_packets, "packets: want 7, got 6"),
        ("chatter with a NAT", chatter_nat, "chatter with NAT"),
        ("two hosts' ND packets joined", nd_joined, "chatter joined across addresses"),
        ("chatter with a stop", chatter_stop, "chatter with a stop"),
        ("a missing gap", missing_gap, "missing gap kernel_drops"),
        ("a gap that loses packets and is not in the truth", extra_gap, "unexpected gap missing_piece"),
        ("a clock offset out of tolerance", clock_off, "ahead of node1"),
        ("a missing direction", missing_reverse, "direction: want one"),
    ]


def run(check, truth_path, report, tmp):
    path = os.path.join(tmp, "actual.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(report, f)
    res = subprocess.run([check, truth_path, path], capture_output=True, text=True)
    return res.returncode, res.stdout + res.stderr


def main():
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    check, scenario = sys.argv[1], sys.argv[2]
    t = truth_of(scenario)
    fail = 0
    with tempfile.TemporaryDirectory(prefix="pp-expect-selftest.") as tmp:
        truth_path = os.path.join(tmp, "expected.json")
        with open(truth_path, "w", encoding="utf-8") as f:
            json.dump(t, f)
        good = perfect_report(t)
        rc, out = run(check, truth_path, good, tmp)
        if rc != 0:
            print("expect_check_selftest: the right report was rejected:\n" + out, file=sys.stderr)
            return 1
        print("accepted the right report")
        # The same truth without the new members, and a report without what
        # pktpath does not write yet: still a pass.
        plain = json.load(open(os.path.join(scenario, "expected.json"), encoding="utf-8"))
        # (the committed truth may already carry a finding since issue 13:
        # this truth is one that needs no findings.items)
        for fl in plain["flows"]:
            for d in (fl["forward"], fl["reverse"]):
                for k in ("finding", "recovered_loss", "recovered_loss_between"):
                    (d or {}).pop(k, None)
        old = perfect_report(plain)
        del old["findings"]["items"]
        for c in old["conversations"]:
            for d in c["directions"]:
                d.pop("recovered_loss", None)
                d.pop("capture_gap", None)
        for p in old["points"]:
            del p["gaps"]
        with open(truth_path, "w", encoding="utf-8") as f:
            json.dump(plain, f)
        rc, out = run(check, truth_path, old, tmp)
        if rc != 0:
            print("expect_check_selftest: a report without the new members was rejected:\n" + out, file=sys.stderr)
            fail = 1
        else:
            print("accepted a report without findings.items, recovered_loss and gaps")
        with open(truth_path, "w", encoding="utf-8") as f:
            json.dump(t, f)
        for what, mutate, word in mutations(t):
            r = copy.deepcopy(good)
            mutate(r)
            rc, out = run(check, truth_path, r, tmp)
            lines = [l for l in out.splitlines() if l.startswith("DIFF") and word in l]
            if rc != 1 or not lines:
                print("expect_check_selftest: not rejected as expected (%s): exit %d\n%s" % (what, rc, out),
                      file=sys.stderr)
                fail = 1
            else:
                print("rejected %s: %s" % (what, lines[0]))
    return fail


if __name__ == "__main__":
    sys.exit(main())
