"""pktpath lab: the claims of issue 13 in expected.json, checked against the
captures (called by verify.py with its bundle, checker and module).

* "gaps": a point with a gap misses packets that both of its neighbours on
  a path carry, and the gap is of the stated kind: a ring that overwrote
  its oldest pieces (the ring is full, the point starts after its node's
  other points, what it misses is older than its first packet), a deleted
  piece of a rotated set (what it misses falls between the pieces around
  the missing one), kernel drops (the pcapng interface statistics count
  drops, at least as many as the packets missing there);
* "recovered_loss": true with "recovered_loss_between" A -> B: data
  segments seen at A never reached B, A shows retransmissions, the bytes of
  every lost segment reached B later, and the last hop carries every byte
  the first hop sent; false: every packet of the direction seen at a point
  reached the next one (points with a gap aside, where the segmentation
  differs the larger packets aside);
* "snaplen_cut": the direction's SYN at each point is cut inside its TCP
  header (tshark: TCP truncated);
* "finding": the packets and the configuration show what the kind names
  (per kind below, in check_finding).

Needs fields verify.py does not decode (IP ID, MACs, captured length): one
more tshark pass per file, joined by frame number.
"""

import ipaddress
import json
import os
import struct

EXTRA_FIELDS = ["frame.number", "ip.id", "eth.src", "eth.dst", "frame.cap_len", "frame.len", "_ws.short"]
RING_KINDS = ("ring_overwritten", "missing_piece", "kernel_drops")
# A missing packet's time is its neighbour's, which differs from the point's
# by the hop's latency (up to ~0.2 ms on a loaded lab host).
EDGE_NS = 1000000


class Extras:
    """Fields per (file, frame number), read on first use of a file."""

    def __init__(self, b, V):
        self.b, self.V, self.rows = b, V, {}

    def get(self, p):
        if p.file not in self.rows:
            rows = {}
            for line in self.V.tshark(os.path.join(self.b.d, p.file), self.b.opts, EXTRA_FIELDS):
                v = dict(zip(EXTRA_FIELDS, line.split("\t")))
                rows[int(v["frame.number"])] = v
            self.rows[p.file] = rows
        return self.rows[p.file].get(p.no, {})

    def ip_id(self, p):
        ids = self.V.split(self.get(p).get("ip.id", ""))
        i = 1 if p.outer is not None else 0
        return int(ids[i], 16) if len(ids) > i and ids[i] else None

    def key(self, p):
        """What routing and NAT leave alone: the same wire packet at two points."""
        return (self.ip_id(p), p.ip.get("seq"), p.ip.get("ack"), p.ip.get("flags"), p.ip.get("tlen"))

    def mac(self, p, field):
        m = self.V.split(self.get(p).get(field, ""))
        return m[0] if m else None


def pcapng_drops(path):
    """Sum of isb_ifdrop and isb_osdrop over the interface statistics blocks
    of a pcapng file, or None when it has none."""
    with open(path, "rb") as f:
        data = f.read()
    pos, end, total, seen = 0, "<", 0, False
    while pos + 12 <= len(data):
        btype = struct.unpack_from(end + "I", data, pos)[0]
        if btype == 0x0A0D0D0A:
            end = "<" if data[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        blen = struct.unpack_from(end + "I", data, pos + 4)[0]
        if blen < 12 or pos + blen > len(data):
            break
        if btype == 5:  # interface statistics: if id, timestamp, options
            o = pos + 8 + 12
            while o + 4 <= pos + blen - 4:
                code, olen = struct.unpack_from(end + "HH", data, o)
                if code == 0:
                    break
                if code in (5, 7) and olen == 8:  # isb_ifdrop, isb_osdrop
                    total += struct.unpack_from(end + "Q", data, o + 4)[0]
                    seen = True
                o += 4 + (olen + 3) // 4 * 4
        pos += blen
    return total if seen else None


def check(b, c, V):
    X = Extras(b, V)
    gap_of = {g["point"]: g["why"] for g in b.exp.get("gaps", [])}
    for g in b.exp.get("gaps", []):
        check_gap(b, c, V, X, g)
    for fi, flow in enumerate(b.exp["flows"]):
        for name in ("forward", "reverse"):
            d = flow[name]
            if d is None:
                continue
            where = "flow %d (%s) %s" % (fi + 1, flow["name"], name)
            other = flow["reverse" if name == "forward" else "forward"]
            if d.get("recovered_loss") is True:
                check_recovered(b, c, V, X, where, flow["proto"], d)
            elif d.get("recovered_loss") is False:
                check_no_loss(b, c, V, X, where, flow["proto"], d, gap_of)
            for pt in d.get("snaplen_cut", []):
                check_cut(b, c, V, X, where, flow["proto"], d, pt)
            if d.get("finding"):
                check_finding(b, c, V, X, where, flow, d, other)


def hop_packets(b, V, proto, h):
    return [p for p in b.at(h["point"]) if V.matches(p, proto, V.tup(h), h.get("encap"), True, h.get("dir"))]


def flow_hops(b, point):
    """(flow, direction name, direction, hop index) of every hop at point."""
    for flow in b.exp["flows"]:
        for name in ("forward", "reverse"):
            for i, h in enumerate((flow[name] or {}).get("hops", [])):
                if h["point"] == point:
                    yield flow, name, flow[name], i


def missing_at(b, V, X, point):
    """Packets that passed point although its capture lacks them: seen at
    both neighbours on a path (an inner hop); seen at the next hop (the first
    hop: they left by point); seen at the previous hop and acknowledged by
    the receiver's side, before point, in the other direction (the last hop:
    they arrived)."""
    out = []
    for flow, name, d, i in flow_hops(b, point):
        proto, hops = flow["proto"], d["hops"]
        here = {X.key(p) for p in hop_packets(b, V, proto, hops[i])}
        if 0 < i < len(hops) - 1:
            nxt = {X.key(p) for p in hop_packets(b, V, proto, hops[i + 1])}
            out += [p for p in hop_packets(b, V, proto, hops[i - 1]) if X.key(p) in nxt and X.key(p) not in here]
        elif i == 0 and len(hops) > 1:
            out += [p for p in hop_packets(b, V, proto, hops[1]) if X.key(p) not in here]
        elif i > 0 and proto == "tcp":
            back = flow["reverse" if name == "forward" else "forward"]
            acks = [p.ip["ack"] for p in hop_packets(b, V, proto, back["hops"][1]) if p.ip["flags"] & 0x10] \
                if back and len(back["hops"]) > 1 else []
            top = max(acks, default=None)
            for p in hop_packets(b, V, proto, hops[i - 1]):
                end = p.ip["seq"] + p.ip["tlen"] + (1 if p.ip["flags"] & 0x03 else 0)
                if end != p.ip["seq"] and X.key(p) not in here and top is not None and top >= end:
                    out.append(p)
    return out


def capture_of(b, point):
    return [cap for cap in b.lab["captures"] if point in cap["points"]]


def check_gap(b, c, V, X, g):
    pt, why = g["point"], g["why"]
    what = "gap %s at %s" % (why, pt)
    c.claim(why in RING_KINDS + ("capture_start", "capture_end", "silent"), what + ": unknown kind")
    at = b.at(pt)
    miss = missing_at(b, V, X, pt)
    if not c.claim(bool(at) and bool(miss), what + ": %d packets there, %d of its neighbours' missing" % (
            len(at), len(miss))):
        return
    caps = capture_of(b, pt)
    cap = caps[0] if caps else {}
    first, last = at[0].t, at[-1].t
    if why == "ring_overwritten":
        words = cap.get("command", "").split()
        ring = int(words[words.index("-W") + 1]) if "-W" in words else None
        c.claim(ring is not None and len(cap["files"]) == ring,
                what + ": not a full -W ring (%s pieces of %s)" % (len(cap.get("files", [])), ring))
        machine = pt.split("/")[0]
        others = [b.at(q)[0].t for q in b.pts if q != pt and q.split("/")[0] == machine and b.at(q)]
        c.claim(others and first > max(others), what + ": the point does not start after its node's other points")
        late = [p for p in miss if p.t >= first + EDGE_NS]
        c.claim(not late, what + ": %d missing packets are not older than its first packet" % len(late))
    elif why == "missing_piece":
        gone = cap.get("deleted_pieces", [])
        c.claim(bool(gone) and not any(os.path.exists(os.path.join(b.d, f)) for f in gone),
                what + ": lab.json names no deleted piece, or it is there")
        names = sorted(cap.get("files", []) + gone, key=lambda f: (len(f), f))
        for f in gone:
            k = names.index(f)
            before = [p.t for p in at if p.file in names[:k]]
            after = [p.t for p in at if p.file in names[k + 1:]]
            if not c.claim(bool(before) and bool(after), what + ": no piece on both sides of %s" % f):
                continue
            out = [p for p in miss if not max(before) - EDGE_NS < p.t < min(after) + EDGE_NS]
            c.claim(not out, what + ": %d missing packets outside the time of %s" % (len(out), f))
    elif why == "kernel_drops":
        drops = None
        for f in cap.get("files", []):
            n = pcapng_drops(os.path.join(b.d, f)) if f.endswith(".pcapng") else None
            drops = n if drops is None else drops + (n or 0)
        c.claim(bool(drops), what + ": the pcapng interface statistics count %s drops" % drops)
        c.claim(drops is None or len(miss) <= drops,
                what + ": %d packets missing, more than the %s the kernel counted" % (len(miss), drops))
        out = [p for p in miss if not first - EDGE_NS < p.t < last + EDGE_NS]
        c.claim(not out, what + ": %d missing packets outside the capture's time" % len(out))


def check_recovered(b, c, V, X, where, proto, d):
    rb = d.get("recovered_loss_between") or {}
    pts = [h["point"] for h in d["hops"]]
    ok = rb.get("after") in pts and rb.get("expected_next") in pts and \
        pts.index(rb["expected_next"]) == pts.index(rb["after"]) + 1
    if not c.claim(ok, "%s: recovered_loss_between %s is not two consecutive hops" % (where, rb)):
        return
    ha, hb = d["hops"][pts.index(rb["after"])], d["hops"][pts.index(rb["expected_next"])]
    at_a = [p for p in hop_packets(b, V, proto, ha) if p.ip.get("tlen")]
    at_b = [p for p in hop_packets(b, V, proto, hb) if p.ip.get("tlen")]
    keys_b = {X.key(p) for p in at_b}
    lost = [p for p in at_a if X.key(p) not in keys_b]
    c.claim(bool(lost), "%s: no data segment seen at %s is missing at %s" % (where, ha["point"], hb["point"]))
    seen, again = set(), 0
    for p in at_a:
        again += p.ip["seq"] in seen
        seen.add(p.ip["seq"])
    c.claim(again > 0, "%s: no retransmission at %s" % (where, ha["point"]))
    got = V.coverage(at_b, 0)
    unrecovered = [p for p in lost if not covered(got, p.ip["seq"], p.ip["tlen"])]
    c.claim(not unrecovered, "%s: %d of %d lost segments never reached %s later, first seq %s" % (
        where, len(unrecovered), len(lost), hb["point"], unrecovered[0].ip["seq"] if unrecovered else ""))
    first = V.coverage(hop_packets(b, V, proto, d["hops"][0]), 0)
    last = V.coverage(hop_packets(b, V, proto, d["hops"][-1]), 0)
    c.claim(len(first) == 1 and first == last, "%s: %s carries bytes %s, %s sent %s" % (
        where, d["hops"][-1]["point"], V.short(last), d["hops"][0]["point"], V.short(first)))


def check_no_loss(b, c, V, X, where, proto, d, gap_of):
    hops = d["hops"]
    for i in range(len(hops) - 1):
        a, nb = hops[i], hops[i + 1]
        if a["point"] in gap_of or nb["point"] in gap_of:
            continue
        at_b = hop_packets(b, V, proto, nb)
        if not at_b:
            continue
        big = max(p.ip.get("tlen") or 0 for p in at_b)
        keys = {X.key(p) for p in at_b}
        lost = [p for p in hop_packets(b, V, proto, a) if (p.ip.get("tlen") or 0) <= big and X.key(p) not in keys]
        c.claim(not lost, "%s: recovered_loss false, but %d packet(s) seen at %s never reached %s, first %s#%d" % (
            where, len(lost), a["point"], nb["point"], lost[0].file if lost else "", lost[0].no if lost else 0))


def covered(ranges, seq, n):
    return any(s <= seq and seq + n <= e for s, e in ranges)


def check_cut(b, c, V, X, where, proto, d, pt):
    hs = [h for h in d["hops"] if h["point"] == pt]
    syn = [p for h in hs for p in hop_packets(b, V, proto, h) if p.ip.get("flags", 0) & 0x02]
    if not c.claim(bool(syn), "%s: snaplen_cut at %s: no SYN of the direction there" % (where, pt)):
        return
    p = syn[0]
    e = X.get(p)
    c.claim(int(e.get("frame.cap_len") or 0) < int(e.get("frame.len") or 0) and "TCP truncated" in e.get("_ws.short", ""),
            "%s: snaplen_cut at %s: %s#%d is not cut inside its TCP header (%s of %s bytes)" % (
                where, pt, p.file, p.no, e.get("frame.cap_len"), e.get("frame.len")))


def answers(b, V, proto, d):
    """ICMP errors quoting the direction, and TCP resets of it, anywhere."""
    tuples = {V.tup(h) for h in d["hops"]}
    back = {(t[2], t[3], t[0], t[1]) for t in tuples}
    out = []
    for lst in b.by_point.values():
        for p in lst:
            if p.icmp and p.icmp["type"] in (3, 11) and p.quoted is not None and \
                    (p.quoted["src"], p.quoted.get("sport"), p.quoted["dst"], p.quoted.get("dport")) in tuples:
                out.append(p)
            elif p.ip and p.ip.get("proto") == proto and p.ip.get("flags", 0) & 0x04 and \
                    (p.ip["src"], p.ip["sport"], p.ip["dst"], p.ip["dport"]) in tuples | back:
                out.append(p)
    return out


def node_addresses(lab):
    out = set()
    for n in lab["nodes"].values():
        for k in ("eth0", "cni0", "flannel.1"):
            if n.get(k):
                out.add(n[k]["ip"])
    return out


def route_dev(b, machine, dst):
    """The device of the longest-prefix route for dst in the main table of
    the machine's recorded `ip -j route show table all`."""
    path = os.path.join(b.d, machine, "ip", "host.route.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        routes = json.load(f)
    best, dev = -1, None
    for r in routes:
        if r.get("table", "main") != "main" or r.get("type", "unicast") != "unicast":
            continue
        net = ipaddress.ip_network("0.0.0.0/0" if r["dst"] == "default" else r["dst"], strict=False)
        if ipaddress.ip_address(dst) in net and net.prefixlen > best:
            best, dev = net.prefixlen, r.get("dev")
    return dev


def check_finding(b, c, V, X, where, flow, d, other):
    kind, proto, o = d["finding"], flow["proto"], flow["origin"]
    what = "%s: finding %s" % (where, kind)
    lab = b.lab
    stop = d.get("stopped") or {}
    if kind == "mtu_blackhole":
        c.claim(d["verdict"] == "partial" and bool(d.get("distinguishing")), what + ": not a partial size/DF split")
        frag = [p for lst in b.by_point.values() for p in lst if p.icmp and (
            (p.ip["fam"] == 4 and (p.icmp["type"], p.icmp["code"]) == (3, 4)) or
            (p.ip["fam"] == 6 and p.icmp["type"] == 2))]
        c.claim(not frag, what + ": %d fragmentation-needed / packet-too-big message(s) seen" % len(frag))
    elif kind == "service_no_endpoints":
        ab = d.get("answered_by") or {}
        c.claim(ab.get("kind") == "icmp" and (ab.get("type"), ab.get("code")) == (3, 3) and
                ab.get("from") in node_addresses(lab), what + ": not answered by ICMP port unreachable from a node")
        svc = [s for s in lab["services"] if s.get("cluster_ip") == o["dst"] and s.get("port") == o["dport"]]
        c.claim(len(svc) == 1 and svc[0]["endpoints"] == [],
                what + ": %s:%s is not a service without endpoints" % (o["dst"], o["dport"]))
    elif kind == "local_policy_no_endpoint":
        node = stop.get("after", "").split("/")[0]
        svc = [s for s in lab["services"] if s.get("external_traffic_policy") == "Local" and
               ((s.get("load_balancer_ip"), s.get("port")) == (o["dst"], o["dport"]))]
        eps = {p["node"] for p in lab["pods"].values() for s in svc for e in s["endpoints"]
               if e.rsplit(":", 1)[0] == p["ip"]}
        c.claim(len(svc) == 1 and eps and node not in eps,
                what + ": %s:%s is not a Local service without endpoint on %s" % (o["dst"], o["dport"], node))
        c.claim(d["verdict"] == "stopped" and machine_of(d["hops"][-1]) == node,
                what + ": not dropped on the node that got it")
        seen = answers(b, V, proto, d)
        c.claim(not seen and not d.get("answered_by"), what + ": answered (%d ICMP/RST)" % len(seen))
    elif kind == "client_ip_lost":
        cl = d.get("client_ip_lost") or {}
        c.claim(cl.get("original") == o["src"], what + ": the truth has no client_ip_lost of %s" % o["src"])
    elif kind == "asymmetric_return":
        m = machine_of(d["hops"][0])
        fin = [i for i, h in enumerate(other["hops"]) if machine_of(h) == m] if other else []
        rout = [i for i, h in enumerate(d["hops"]) if machine_of(h) == m]
        if not c.claim(bool(fin) and bool(rout) and 0 < fin[0] and rout[-1] + 1 < len(d["hops"]),
                       what + ": no request into and reply out of %s" % m):
            return
        x, y = other["hops"][fin[0]], d["hops"][rout[-1]]
        came = {X.mac(p, "eth.src") for p in hop_packets(b, V, proto, x)}
        went = {X.mac(p, "eth.dst") for p in hop_packets(b, V, proto, y)}
        c.claim(x["point"] != y["point"] or not came & went,
                what + ": the reply left %s by %s to %s, the request came by %s from %s" % (
                    m, y["point"], sorted(went), x["point"], sorted(came)))
        c.claim(machine_of(d["hops"][rout[-1] + 1]) != machine_of(other["hops"][fin[0] - 1]),
                what + ": the reply goes to the machine the request came from")
    elif kind == "silent_drop":
        c.claim(d["verdict"] == "stopped" and not d.get("answered_by"), what + ": not a stop without answer")
        seen = answers(b, V, proto, d)
        c.claim(not seen, what + ": %d ICMP error(s) or reset(s) seen" % len(seen))
        still_capturing(b, c, V, what, proto, d)
        last = d["hops"][-1]
        info = b.pts.get(stop.get("expected_next"), {})
        if machine_of(last) == info.get("machine") and info.get("namespace") == "host":
            dev = route_dev(b, machine_of(last), last["dst"])
            c.claim(dev == info.get("ifname"), what + ": %s routes %s via %s, not %s" % (
                machine_of(last), last["dst"], dev, info.get("ifname")))
    elif kind == "recovered_loss":
        c.claim(d.get("recovered_loss") is True and d["verdict"] == "delivered",
                what + ": the truth does not say delivered with recovered loss")
    elif kind == "refused":
        # Scenario 27: the endpoint's kernel answers the SYN with a reset.
        # The answer is the other direction: it starts where this one ended
        # (the endpoint's address and port), every packet of it is a RST,
        # and nothing of this direction was ever acknowledged by a SYN-ACK.
        last = d["hops"][-1]
        first = (other or {}).get("hops", [None])[0]
        if not c.claim(proto == "tcp" and first is not None and first["point"] == last["point"] and
                       (first["src"], first["sport"]) == (last["dst"], last["dport"]),
                       what + ": no answer from %s where the direction ended" % last["point"]):
            return
        back = hop_packets(b, V, proto, first)
        c.claim(bool(back) and all(p.ip.get("flags", 0) & 0x04 for p in back),
                what + ": %d of %d answer(s) at %s are not resets" % (
                    sum(1 for p in back if not p.ip.get("flags", 0) & 0x04), len(back), first["point"]))
        syns = hop_packets(b, V, proto, last)
        c.claim(bool(syns) and all(p.ip.get("flags", 0) & 0x12 == 0x02 for p in syns),
                what + ": not only SYNs reached %s" % last["point"])
    elif kind in ("stopped", "partial"):
        # The generic kinds (12f): the direction's verdict; its packets are
        # verify.py's claims (the stop, stopped.packets, lost_marker).
        c.claim(d["verdict"] == kind, what + ": the truth's verdict is %s" % d["verdict"])
        # Nothing but the packets' absence at expected_next shows this stop.
        still_capturing(b, c, V, what, proto, d)
    else:
        c.claim(False, what + ": no check for this kind")


def still_capturing(b, c, V, what, proto, d):
    """A pcap does not say when its capture started (the lab starts every
    capture before the traffic) or ended: a packet at the stop's
    expected_next, no earlier than the direction's last packet at the stop,
    rules out a capture end."""
    stop = d.get("stopped") or {}
    at = [h for h in d["hops"] if h["point"] == stop.get("after")]
    gone = hop_packets(b, V, proto, at[-1]) if at else []
    nxt = b.at(stop.get("expected_next", ""))
    c.claim(bool(gone) and bool(nxt) and nxt[-1].t >= gone[-1].t,
            what + ": %s was not capturing after the packets stopped" % stop.get("expected_next"))


def machine_of(h):
    return h["point"].split("/")[0]
