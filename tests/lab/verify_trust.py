"""pktpath lab: the checks of the issue-12 truth members, for verify.py.

Each function takes verify.py's Checker (for claim()) and the recording; the
packets are tshark's, as everywhere in verify.py. What they check:
  clock              after removing the stated offsets, no packet reaches a
                     point of another machine before it left the previous one
  absent_protocols   no packet of these protocols in any capture
  lost_marker        a partial UDP direction: exactly the marked datagrams
                     vanish between the two points, and how many
  untranslated_first a NAT that starts mid-flow: the first N packets pass the
                     NAT untranslated, the rest (the NAT's "packets") rewritten
  stopped.packets    how many packets of a stopped direction reached its stop
  tied_timestamps    some packets carry the same time stamp at two points
  neighbour_advertisements  the router's NAs to two nodes, same ICMPv6 body
"""

import os
import subprocess

import verify as V


def clock_ns(exp):
    """machine -> nanoseconds its captures run ahead of the reference."""
    offs = (exp.get("clock") or {}).get("offsets", {})
    return {m: round(o["offset"] * 1e9) for m, o in offs.items()}


def vxlan_ports(lab):
    """UDP ports other than 8472 that carry VXLAN in this recording."""
    ports = lab.get("settings", {}).get("TOPO_VXLAN_PORTS", "")
    return [p for p in ports.split(",") if p]


def udp_data_ports(exp):
    """The UDP flows' server ports: their payload is the lab's own (udptool.py),
    which tshark must not take for a protocol it knows (9200 is WAP's)."""
    return sorted({fl["origin"]["dport"] for fl in exp["flows"] if fl["proto"] == "udp"})


def key(p):
    return (p.ip.get("seq"), p.ip.get("ack"), p.ip.get("flags"))


def first_times(pk):
    """identity -> time of its first sighting."""
    out = {}
    for p in pk:
        out.setdefault(key(p), p.t)
    return out


def machine(point):
    return point.split("/")[0]


def check_clock(c, b):
    """One-way delays between machines are never negative once the truth's
    offsets are taken off (verify.Bundle did so when it loaded the packets)."""
    if not b.exp.get("clock"):
        return
    for fi, flow in enumerate(b.exp["flows"]):
        for name in ("forward", "reverse"):
            d = flow[name]
            if d is None:
                continue
            hops = d["hops"]
            for i in range(1, len(hops)):
                a, z = hops[i - 1], hops[i]
                if machine(a["point"]) == machine(z["point"]):
                    continue
                ta = first_times(c.hop_packets(flow["proto"], a))
                tz = first_times(c.hop_packets(flow["proto"], z))
                delays = [tz[k] - ta[k] for k in ta if k in tz]
                c.claim(bool(delays), "flow %d %s: clock: no packet seen at both %s and %s" % (
                    fi + 1, name, a["point"], z["point"]))
                if delays:
                    c.claim(min(delays) >= 0, "flow %d %s: clock: with the stated offsets a packet reaches %s %d ns "
                            "before it left %s" % (fi + 1, name, z["point"], -min(delays), a["point"]))


def check_absent_protocols(c, b):
    for proto in b.exp.get("absent_protocols", []):
        bad = [p for pts in b.by_point.values() for p in pts if p.ip and p.ip.get("proto") == proto]
        c.claim(not bad, "absent_protocols: %d %s packet(s), first %s" % (len(bad), proto, bad[0] if bad else ""))


def hop_at(hops, point):
    return next(h for h in hops if h["point"] == point)


def payload_bytes(p):
    return bytes.fromhex(p.ip["seq"]) if isinstance(p.ip.get("seq"), str) else b""


def check_lost_marker(c, where, proto, d, hops):
    lm = d["lost_marker"]
    marker = lm["marker"].encode()
    at = c.hop_packets(proto, hop_at(hops, lm["after"]))
    nxt = c.hop_packets(proto, hop_at(hops, lm["next"]))
    arrived = {key(p) for p in nxt}
    lost = [p for p in at if key(p) not in arrived]
    marked = [p for p in at if payload_bytes(p)[:1] == marker]
    c.claim(len(at) - len(nxt) == lm["packets"], "%s: lost_marker: %d datagrams at %s, %d at %s: %d lost, not %d" % (
        where, len(at), lm["after"], len(nxt), lm["next"], len(at) - len(nxt), lm["packets"]))
    c.claim(len(lost) == lm["packets"] == (d.get("stopped") or {}).get("packets"),
            "%s: lost_marker: %d datagrams of %s never reached %s, the truth says %d (stopped.packets %s)" % (
                where, len(lost), lm["after"], lm["next"], lm["packets"], (d.get("stopped") or {}).get("packets")))
    c.claim({key(p) for p in lost} == {key(p) for p in marked},
            "%s: lost_marker: the lost datagrams are not the %d marked %r" % (where, len(marked), lm["marker"]))
    last = c.hop_packets(proto, hops[-1])
    c.claim({key(p) for p in last} == arrived, "%s: lost_marker: %d datagrams reached %s, %d reached %s" % (
        where, len(arrived), lm["next"], len(last), hops[-1]["point"]))


def check_nat_midflow(c, where, proto, n, hops):
    """The 'before' point shows the original tuple on exactly the first
    untranslated_first packets and the rewritten one on the NAT's packets."""
    a, b = hops[n["after_hop"]], hops[n["before_hop"]]
    pk = [p for p in c.b.at(b["point"]) if p.ip and p.ip.get("proto") == proto]
    orig = [p for p in pk if V.ptup(p) == V.tup(a)]
    new = [p for p in pk if V.ptup(p) == V.tup(b)]
    c.claim(len(orig) == n["untranslated_first"], "%s: nat %s mid-flow: %d untranslated packets at %s, not %d" % (
        where, n["kind"], len(orig), b["point"], n["untranslated_first"]))
    c.claim(len(new) == n["packets"], "%s: nat %s mid-flow: %d rewritten packets at %s, not %d" % (
        where, n["kind"], len(new), b["point"], n["packets"]))
    c.claim(bool(orig and new) and max(p.t for p in orig) < min(p.t for p in new),
            "%s: nat %s mid-flow: untranslated packets after the first rewritten one at %s" % (where, n["kind"],
                                                                                             b["point"]))
    want = {b"K%07d" % i for i in range(1, n["untranslated_first"] + 1)}
    c.claim({payload_bytes(p) for p in orig} == want, "%s: nat %s mid-flow: the untranslated packets are not "
            "datagrams 1..%d" % (where, n["kind"], n["untranslated_first"]))


def check_stopped_count(c, where, proto, d, hops):
    st = d.get("stopped") or {}
    if d["verdict"] != "stopped" or "packets" not in st:
        return
    at = {key(p) for p in c.hop_packets(proto, hop_at(hops, st["after"]))}
    c.claim(len(at) == st["packets"], "%s: stopped.packets %d, but %d packets of the direction at %s" % (
        where, st["packets"], len(at), st["after"]))


def check_ties(c, where, proto, d, hops):
    tt = d["tied_timestamps"]
    t1, t2 = (first_times(c.hop_packets(proto, hop_at(hops, p))) for p in tt["points"])
    ties = sum(1 for k in t1 if t2.get(k) == t1[k])
    c.claim(ties >= tt["min_packets"], "%s: tied_timestamps: %d packet(s) with the same time stamp at %s and %s, "
            "want at least %d" % (where, ties, tt["points"][0], tt["points"][1], tt["min_packets"]))


def check_direction(c, where, proto, d, hops):
    """verify.py's per-direction hook."""
    check_stopped_count(c, where, proto, d, hops)
    if d.get("tied_timestamps"):
        check_ties(c, where, proto, d, hops)


def check_neighbour_advertisements(c, b):
    nd = b.exp.get("neighbour_advertisements")
    if not nd:
        return
    bodies = {}
    for point, dst in nd["to"].items():
        files = b.pts[point]["files"]
        rows = []
        for fn in files:
            res = subprocess.run(["tshark", "-r", os.path.join(b.d, fn), "-n", "-Y", "icmpv6.type == 136", "-T",
                                  "fields", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "icmpv6.nd.na.target_address",
                                  "-e", "icmpv6.nd.na.flag", "-e", "icmpv6.opt.linkaddr"],
                                 capture_output=True, text=True, check=True)
            rows += [l.split("\t") for l in res.stdout.splitlines()]
        mine = [r for r in rows if r[0] == nd["from"] and r[1] == dst and r[2] == nd["target"]]
        c.claim(bool(mine), "neighbour_advertisements: no NA from %s to %s for %s at %s" % (
            nd["from"], dst, nd["target"], point))
        if mine:
            bodies[point] = tuple(mine[0][2:])
    c.claim(len(set(bodies.values())) == 1 and len(bodies) == len(nd["to"]),
            "neighbour_advertisements: the NAs to %s do not carry one body: %s" % (", ".join(nd["to"]), bodies))


def check_top(c, b):
    """verify.py's hook for the truth's top-level members."""
    check_clock(c, b)
    check_absent_protocols(c, b)
    check_neighbour_advertisements(c, b)
