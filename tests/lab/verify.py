#!/usr/bin/env python3
"""pktpath lab: checks every claim of expected.json against the captures.

Independent of pktpath: the packets are decoded by tshark (one run per
capture file, fields only), this script only compares. lab.json says which
file holds which capture point; the claims are those of expected.json:
hop tuples present at their points and in time order, promiscuous copies,
absent points, NAT and encapsulation boundaries, client address loss,
stops, ICMP answers, partial delivery and its distinguishing property,
segmentation. Exits 1 with one line per failed claim.

usage: verify.py SCENARIO_DIR
"""

import hashlib
import json
import os
import subprocess
import sys

import verify_gaps
import verify_trust

FIELDS = ["frame.time_epoch", "frame.interface_name", "frame.protocols", "sll.pkttype", "sll.ifindex", "eth.src",
          "eth.dst", "ip.src", "ip.dst", "ip.len", "ip.flags.df", "ipv6.src", "ipv6.dst", "ipv6.plen",
          "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len",
          "udp.srcport", "udp.dstport", "vxlan.vni", "icmp.type", "icmp.code", "icmpv6.type", "icmpv6.code",
          "icmp.ident", "icmp.seq", "data.data"]

TSHARK_OPTS = ["-n", "-d", "udp.port==8472,vxlan", "-o", "tcp.desegment_tcp_streams:FALSE",
               "-o", "tcp.analyze_sequence_numbers:FALSE", "-o", "tcp.relative_sequence_numbers:FALSE",
               "--disable-protocol", "http"]

SLL_OUTGOING = "4"


class Pkt:
    __slots__ = ("t", "file", "no", "point", "dir", "ip", "outer", "icmp", "quoted")

    def __repr__(self):
        return "%s#%d %s %s" % (self.file, self.no, self.point, self.ip)


def tshark(path, opts=(), fields=FIELDS):
    """tshark's fields of every packet of PATH, one tab-separated line each;
    OPTS are more decode-as options (a bundle's VXLAN and UDP data ports),
    FIELDS the fields to print (verify_gaps asks for others)."""
    cmd = ["tshark", "-r", path] + TSHARK_OPTS + list(opts) + ["-T", "fields", "-E", "separator=/t",
                                                               "-E", "occurrence=a", "-E", "aggregator=,"]
    for f in fields:
        cmd += ["-e", f]
    # Self-tests run verify.sh on one folder many times: VERIFY_TSHARK_CACHE
    # keeps each decode, keyed by the command and the file's size and time.
    cache = os.environ.get("VERIFY_TSHARK_CACHE")
    if cache:
        st = os.stat(path)
        key = "\0".join(cmd + [os.path.abspath(path), str(st.st_size), str(st.st_mtime_ns)])
        cached = os.path.join(cache, hashlib.sha1(key.encode()).hexdigest())
        if os.path.exists(cached):
            with open(cached, encoding="utf-8") as f:
                return f.read().splitlines()
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit("verify: tshark failed on %s: %s" % (path, res.stderr.strip()))
    if cache:
        with open(cached, "w", encoding="utf-8") as f:
            f.write(res.stdout)
    return res.stdout.splitlines()


def ns_time(s):
    sec, _, frac = s.partition(".")
    return int(sec) * 1000000000 + int((frac + "000000000")[:9])


def split(v):
    return v.split(",") if v else []


def decode(line):
    """One tshark row -> time, interface name, sll type/ifindex, eth.src, and
    the IP layers in order, each with its transport (outer, then inner)."""
    v = dict(zip(FIELDS, line.split("\t")))
    protos = v["frame.protocols"].split(":")
    lists = {k: split(v[k]) for k in FIELDS[5:]}
    pos = {}

    def take(field):
        i = pos.get(field, 0)
        pos[field] = i + 1
        lst = lists[field]
        return lst[i] if i < len(lst) else None

    layers = []
    cur = None
    for p in protos:
        if p == "ip":
            cur = {"fam": 4, "src": take("ip.src"), "dst": take("ip.dst"), "len": int(take("ip.len") or 0),
                   "df": take("ip.flags.df") in ("1", "True", "true"), "proto": None, "sport": None, "dport": None}
            layers.append(cur)
        elif p == "ipv6":
            plen = take("ipv6.plen")
            cur = {"fam": 6, "src": take("ipv6.src"), "dst": take("ipv6.dst"), "len": 40 + int(plen or 0),
                   "df": True, "proto": None, "sport": None, "dport": None}
            layers.append(cur)
        elif p == "tcp" and cur is not None:
            cur.update(proto="tcp", sport=int(take("tcp.srcport")), dport=int(take("tcp.dstport")),
                       seq=int(take("tcp.seq_raw") or 0), ack=int(take("tcp.ack_raw") or 0),
                       flags=int(take("tcp.flags") or "0", 16), tlen=int(take("tcp.len") or 0))
        elif p == "udp" and cur is not None:
            cur.update(proto="udp", sport=int(take("udp.srcport")), dport=int(take("udp.dstport")))
        elif p == "vxlan" and cur is not None:
            cur["vni"] = int(take("vxlan.vni"))
        elif p in ("icmp", "icmpv6") and cur is not None:
            cur.update(proto=p, type=int(take(p + ".type")), code=int(take(p + ".code")))
            if p == "icmp" and cur["type"] in (0, 8):
                # An echo: its id plays the source port (as in pktpath's
                # JSON), sequence and payload tell the echoes apart.
                cur.update(sport=int(take("icmp.ident")), seq=int(take("icmp.seq")))
        elif p == "data" and cur is not None:
            # Undissected payload: it identifies a UDP datagram or an echo.
            data = take("data.data")
            if cur.get("proto") == "udp":
                cur["seq"] = data
            elif cur.get("proto") == "icmp":
                cur["ack"] = data
    ethsrc, ethdst = split(v["eth.src"]), split(v["eth.dst"])
    return (ns_time(v["frame.time_epoch"]), v["frame.interface_name"], v["sll.pkttype"], v["sll.ifindex"],
            (ethsrc[0] if ethsrc else None, ethdst[0] if ethdst else None), layers)


class Bundle:
    def __init__(self, d):
        self.d = d
        with open(os.path.join(d, "lab.json"), encoding="utf-8") as f:
            self.lab = json.load(f)
        with open(os.path.join(d, "expected.json"), encoding="utf-8") as f:
            self.exp = json.load(f)
        self.pts = self.lab["points"]
        self.shift = verify_trust.clock_ns(self.exp)
        self.opts = [o for p in verify_trust.vxlan_ports(self.lab) for o in ("-d", "udp.port==%s,vxlan" % p)]
        self.opts += [o for p in verify_trust.udp_data_ports(self.exp) for o in ("-d", "udp.port==%s,data" % p)]
        self.by_point = {}
        for cap in self.lab["captures"]:
            self.load(cap)
        for lst in self.by_point.values():
            lst.sort(key=lambda p: (p.t, p.file, p.no))

    def load(self, cap):
        machine = cap["machine"]
        ifidx = {}
        for name, info in self.pts.items():
            if info.get("machine") == machine and info.get("namespace") == "host" and info.get("ifindex") is not None:
                ifidx[str(info["ifindex"])] = name
        for fn in cap["files"]:
            path = os.path.join(self.d, fn)
            if not os.path.exists(path):
                raise SystemExit("verify: %s: capture file %s listed in lab.json is missing" % (self.d, fn))
            for no, line in enumerate(tshark(path, self.opts), 1):
                t, ifname, pkttype, ifindex, (ethsrc, ethdst), layers = decode(line)
                p = Pkt()
                # On the reference clock: a node whose captures were shifted
                # (the truth's "clock") is shifted back.
                p.t, p.file, p.no = t - self.shift.get(machine, 0), fn, no
                lt = cap["link_type"]
                if lt == "LINUX_SLL2":
                    p.point = ifidx.get(ifindex, "%s/ifindex%s" % (machine, ifindex))
                    p.dir = "out" if pkttype == SLL_OUTGOING else "in"
                elif lt == "LINUX_SLL":
                    p.point = cap["points"][0]
                    p.dir = "out" if pkttype == SLL_OUTGOING else "in"
                else:
                    if lt.startswith("pcapng"):  # the point of the interface block's name
                        p.point = next((q for q in cap["points"] if q.rsplit("/", 1)[1] == ifname),
                                       "%s/%s" % (machine, ifname))
                    else:
                        p.point = cap["points"][0]
                    p.dir = self.eth_dir(p.point, ethsrc, ethdst)
                p.outer = p.icmp = p.quoted = None
                p.ip = None
                if not layers:
                    self.by_point.setdefault(p.point, []).append(p)
                    continue
                top = layers[0]
                if top.get("vni") is not None and len(layers) > 1:
                    p.outer, p.ip = top, layers[1]
                elif top.get("proto") in ("icmp", "icmpv6"):
                    p.ip, p.icmp = top, top
                    p.quoted = layers[1] if len(layers) > 1 else None
                else:
                    p.ip = top
                self.by_point.setdefault(p.point, []).append(p)

    def eth_dir(self, point, src, dst):
        """An Ethernet capture has no direction; a frame the interface sent
        carries its own MAC as source, one addressed to it was received. A
        bridged frame keeps its sender's MAC (scenario 25: the pod's own
        MAC on the frame hairpinned back to it), so the destination decides
        first; on a host veth, which never sends with its own MAC, a frame
        addressed to the pod at the other end was sent by it."""
        info = self.pts.get(point) or {}
        mac = info.get("mac")
        if not mac:
            return None
        if dst == mac:
            return "in"
        if src == mac:
            return "out"
        if info.get("kind") == "veth" and info.get("namespace") == "host":
            pods = self.lab.get("pods") or {}
            peer = next((p.get("mac") for p in pods.values() if p.get("veth") == info.get("ifname") and
                         point.split("/")[0] == p.get("node")), None)
            if peer and dst == peer:
                return "out"
        return "in"

    def at(self, point):
        return self.by_point.get(point, [])


def tup(x):
    return (x["src"], x["sport"], x["dst"], x["dport"])


def ptup(p):
    return (p.ip["src"], p.ip["sport"], p.ip["dst"], p.ip["dport"]) if p.ip else None


def matches(p, proto, t, encap=None, check_encap=True, direction=None):
    if p.ip is None or p.ip.get("proto") != proto or ptup(p) != t:
        return False
    if direction is not None and p.dir != direction:
        return False
    if check_encap:
        if encap:
            o = p.outer
            if o is None or (o["src"], o["dst"], o["dport"], o.get("vni")) != (
                    encap["src"], encap["dst"], encap["dport"], encap["vni"]):
                return False
        elif p.outer is not None:
            return False
    return True


def fmt(t):
    def e(a, port):
        if port is None:
            return a
        return "[%s]:%s" % (a, port) if ":" in a else "%s:%s" % (a, port)
    return "%s > %s" % (e(t[0], t[1]), e(t[2], t[3]))


class Checker:
    def __init__(self, b):
        self.b = b
        self.n = 0
        self.failed = []
        # Points whose capture has a gap may miss the first packet.
        self.gap_points = {g["point"] for g in b.exp.get("gaps", []) if g["why"] in verify_gaps.RING_KINDS}

    def claim(self, ok, what):
        self.n += 1
        if not ok:
            self.failed.append(what)
        return ok

    def hop_packets(self, proto, h):
        return [p for p in self.b.at(h["point"])
                if matches(p, proto, tup(h), h.get("encap"), True, h.get("dir"))]

    def direction(self, fi, flow, name, d):
        proto = flow["proto"]
        where = "flow %d (%s) %s" % (fi + 1, flow["name"], name)
        hops = d["hops"]
        dtuples = {tup(h) for h in hops}
        known = set(self.b.pts)
        for h in hops:
            self.claim(h["point"] in known, "%s: hop point %s is not a capture point of lab.json" % (where, h["point"]))
        # 1. every hop tuple is seen at its point (with its direction and
        #    encapsulation where stated).
        found = []
        for i, h in enumerate(hops):
            pk = self.hop_packets(proto, h)
            found.append(pk)
            enc = " in vxlan %s > %s:%s vni %s" % (h["encap"]["src"], h["encap"]["dst"], h["encap"]["dport"],
                                                  h["encap"]["vni"]) if h.get("encap") else ""
            self.claim(bool(pk), "%s: hop %d %s%s: no %s packet %s%s" % (
                where, i, h["point"], " (%s)" % h["dir"] if h.get("dir") else "", proto, fmt(tup(h)), enc))
        # 2. time order: the direction's first packet (at the first hop) is
        #    followed through every hop; the n-th hop with the same point,
        #    direction and tuple takes the n-th sighting.
        key = None
        if found and found[0]:
            # The first packet seen at every hop (the first of all, unless a
            # NAT that starts mid-flow shows it untranslated further on).
            def pkey(p):
                return (p.ip.get("seq"), p.ip.get("ack"), p.ip.get("flags"))
            everywhere = set.intersection(*({pkey(p) for p in f} for f in found))
            k0 = next((p for p in found[0] if pkey(p) in everywhere), found[0][0])
            key = pkey(k0)
        times = []
        if key:
            seen = {}
            for i, h in enumerate(hops):
                sig = (h["point"], h.get("dir"), tup(h), json.dumps(h.get("encap"), sort_keys=True))
                k = seen.get(sig, 0)
                seen[sig] = k + 1
                same = [p for p in found[i] if (p.ip.get("seq"), p.ip.get("ack"), p.ip.get("flags")) == key]
                if len(same) <= k:
                    if h["point"] in self.gap_points:
                        times.append(None)  # verify_gaps checks what the gap took
                        continue
                    self.claim(False, "%s: hop %d %s: the first packet of the direction (seq %s) is not seen there" % (
                        where, i, h["point"], key[0]))
                    times.append(None)
                    continue
                times.append(same[k].t)
            for i in range(1, len(hops)):
                if times[i - 1] is not None and times[i] is not None:
                    self.claim(times[i - 1] <= times[i], "%s: time order: hop %d %s (%d ns) after hop %d %s (%d ns)" % (
                        where, i - 1, hops[i - 1]["point"], times[i - 1], i, hops[i]["point"], times[i]))
        # 3. extra sightings (not hops of the path): "all" = every packet
        #    seen at the hop they follow is also seen there (promiscuous
        #    copies), "first" = only the direction's first packet, between
        #    the hop it follows and the next one.
        def ident(p):
            return (p.ip.get("seq"), p.ip.get("ack"), p.ip.get("flags"), p.ip.get("tlen"))
        for c in d.get("extra_sightings", []):
            k = c.get("seen_after_hop")
            pk = [p for p in self.b.at(c["point"]) if matches(p, proto, tup(c), None, True, c.get("dir"))]
            what = "%s: extra sighting at %s (%s, %s) %s" % (where, c["point"], c.get("dir"), c["packets"],
                                                             fmt(tup(c)))
            if not self.claim(bool(pk), what + ": not seen") or k is None or not key:
                continue
            same = [p for p in pk if (p.ip.get("seq"), p.ip.get("ack"), p.ip.get("flags")) == key]
            if c["packets"] == "first":
                self.claim(len(pk) == 1 and len(same) == 1,
                           what + ": %d packet(s) seen there, expected only the first one" % len(pk))
                if same and times[k] is not None and k + 1 < len(times) and times[k + 1] is not None:
                    self.claim(times[k] <= same[0].t <= times[k + 1],
                               what + ": not seen between hop %d and hop %d" % (k, k + 1))
            else:
                want = {ident(p) for p in found[k]}
                got = {ident(p) for p in pk}
                self.claim(got == want, what + ": %d distinct packets there, %d at hop %d %s" % (
                    len(got), len(want), k, hops[k]["point"]))
                if same and times[k] is not None:
                    self.claim(same[-1].t >= times[k], what + ": the first packet's copy precedes hop %d" % k)
        # 4. absent points never show the direction (any of its tuples,
        #    inside or outside a tunnel).
        for ap in d.get("absent_at", []):
            self.claim(ap in known, "%s: absent_at point %s is not a capture point" % (where, ap))
            bad = [p for p in self.b.at(ap) if p.ip and p.ip.get("proto") == proto and ptup(p) in dtuples]
            self.claim(not bad, "%s: absent_at %s: %d packet(s) of the direction seen, first %s %s" % (
                where, ap, len(bad), bad[0].file if bad else "", fmt(ptup(bad[0])) if bad else ""))
        # 5. NAT: the rewrite happens between the two stated consecutive
        #    hops: the hops carry the before/after values, the 'after' point
        #    never shows the rewritten tuple and the 'before' point never
        #    shows the original one (unless both are one SLL 'any' point).
        for n in d.get("nat", []):
            i, j = n["after_hop"], n["before_hop"]
            ok = j == i + 1 and hops[i]["point"] == n["after"] and hops[j]["point"] == n["before"]
            self.claim(ok, "%s: nat %s %s -> %s: after/before are not consecutive hops %d/%d" % (
                where, n["kind"], n["from"], n["to"], i, j))
            if not ok:
                continue
            a, b = hops[i], hops[j]
            if n["kind"] == "DNAT":
                fa, fb = ep(a["dst"], a["dport"]), ep(b["dst"], b["dport"])
            else:
                fa, fb = ep(a["src"], a["sport"]), ep(b["src"], b["sport"])
            self.claim(fa == n["from"] and fb == n["to"], "%s: nat %s %s -> %s: hops %d/%d show %s -> %s" % (
                where, n["kind"], n["from"], n["to"], i, j, fa, fb))
            if a["point"] == b["point"] and (a.get("dir") == b.get("dir")):
                continue
            post_at_a = [p for p in self.b.at(a["point"]) if matches(p, proto, tup(b), None, False, a.get("dir"))]
            pre_at_b = [p for p in self.b.at(b["point"]) if matches(p, proto, tup(a), None, False, b.get("dir"))]
            self.claim(not post_at_a, "%s: nat %s: rewritten tuple %s already seen at %s" % (
                where, n["kind"], fmt(tup(b)), a["point"]))
            if "untranslated_first" in n:
                verify_trust.check_nat_midflow(self, where, proto, n, hops)
                continue
            self.claim(not pre_at_b, "%s: nat %s: original tuple %s still seen at %s" % (
                where, n["kind"], fmt(tup(a)), b["point"]))
        # 6. encapsulation boundaries agree with the hops.
        for e in d.get("encap", []):
            i, j = e["after_hop"], e["before_hop"]
            a, b = hops[i], hops[j]
            if e["kind"] == "encap":
                ok = not a.get("encap") and bool(b.get("encap"))
            else:
                ok = bool(a.get("encap")) and not b.get("encap")
            self.claim(ok and j == i + 1, "%s: %s between %s and %s does not match the hops" % (
                where, e["kind"], a["point"], b["point"]))
        # 7. the client address.
        cl = d.get("client_ip_lost")
        if cl:
            i, j = cl["after_hop"], cl["before_hop"]
            ok = hops[i]["src"] == cl["original"] and hops[j]["src"] == cl["replaced_by"] and \
                all(h["src"] != cl["original"] for h in hops[j:])
            self.claim(ok, "%s: client_ip_lost: hops do not show %s replaced by %s between %d and %d" % (
                where, cl["original"], cl["replaced_by"], i, j))
        self.claim(d.get("last_point") == (hops[-1]["point"] if hops else None),
                   "%s: last_point %s is not the last hop" % (where, d.get("last_point")))
        # 8. stops.
        st = d.get("stopped")
        if d["verdict"] == "stopped":
            self.claim(st is not None and st["after"] == hops[-1]["point"],
                       "%s: stopped.after is not the last hop" % where)
        if st:
            nxt = [p for p in self.b.at(st["expected_next"]) if p.ip and p.ip.get("proto") == proto and
                   ptup(p) in dtuples]
            if d["verdict"] == "stopped":
                self.claim(not nxt, "%s: stopped after %s, but %d packet(s) reached %s" % (
                    where, st["after"], len(nxt), st["expected_next"]))
        if d["verdict"] == "partial" and d.get("lost_marker"):
            verify_trust.check_lost_marker(self, where, proto, d, hops)
        elif d["verdict"] == "partial":
            self.partial(where, proto, d, hops)
        verify_trust.check_direction(self, where, proto, d, hops)
        # 9. ICMP answer.
        ab = d.get("answered_by")
        if ab and ab["kind"] == "icmp":
            q = ab["quoted"]
            qt = (q["src"], q["sport"], q["dst"], q["dport"])
            prev = None
            for k, pt in enumerate(ab["path"]):
                pk = [p for p in self.b.at(pt) if p.icmp and p.icmp["type"] == ab["type"] and
                      p.icmp["code"] == ab["code"] and p.ip["src"] == ab["from"] and p.ip["dst"] == ab["to"] and
                      p.quoted is not None and (p.quoted["src"], p.quoted.get("sport"), p.quoted["dst"],
                                                p.quoted.get("dport")) == qt]
                self.claim(bool(pk), "%s: ICMP type %d code %d from %s quoting %s not seen at %s" % (
                    where, ab["type"], ab["code"], ab["from"], fmt(qt), pt))
                if pk:
                    if prev is not None:
                        self.claim(pk[0].t >= prev, "%s: ICMP answer seen at %s before the previous point" % (where, pt))
                    prev = pk[0].t
            self.claim(ab["point"] == ab["path"][0], "%s: answered_by.point is not the first of its path" % where)
        if ab and ab["kind"] == "tcp_rst":
            # A reset answered the direction: seen at the answer's point,
            # from the stated address to the client (scenario 27).
            pk = [p for p in self.b.at(ab["point"]) if p.ip and p.ip.get("proto") == "tcp" and
                  p.ip.get("flags", 0) & 0x04 and p.ip["src"] == ab["from"] and p.ip["dst"] == ab["to"]]
            self.claim(bool(pk), "%s: no TCP reset from %s to %s at %s" % (where, ab["from"], ab["to"], ab["point"]))
            self.claim(ab["point"] == ab["path"][0], "%s: answered_by.point is not the first of its path" % where)
        # 10. segmentation.
        for s in d.get("segmentation", []):
            h = [x for x in hops if x["point"] == s["point"]]
            pk = self.hop_packets(proto, h[0]) if h else []
            data = [p.ip["tlen"] for p in pk if p.ip.get("tlen")]
            mx = max(data) if data else 0
            if "max_tcp_payload_gt" in s:
                self.claim(mx > s["max_tcp_payload_gt"], "%s: at %s the largest TCP payload is %d, expected > %d" % (
                    where, s["point"], mx, s["max_tcp_payload_gt"]))
            if "max_tcp_payload_le" in s:
                self.claim(0 < mx <= s["max_tcp_payload_le"],
                           "%s: at %s the largest TCP payload is %d, expected 1..%d" % (
                               where, s["point"], mx, s["max_tcp_payload_le"]))
        if d.get("same_bytes_at_every_hop") and key:
            isn = key[0]
            ref = None
            for i, h in enumerate(hops):
                cov = coverage(found[i], isn)
                if ref is None:
                    ref = cov
                    self.claim(bool(cov), "%s: no data bytes at %s" % (where, h["point"]))
                else:
                    self.claim(cov == ref, "%s: %s carries bytes %s, the first hop %s" % (
                        where, h["point"], short(cov), short(ref)))

    def partial(self, where, proto, d, hops):
        st, dist = d["stopped"], d["distinguishing"]
        idx = [h["point"] for h in hops]
        self.claim(st["after"] in idx and st["expected_next"] in idx and
                   idx.index(st["expected_next"]) == idx.index(st["after"]) + 1,
                   "%s: partial: %s -> %s are not consecutive hops" % (where, st["after"], st["expected_next"]))
        ha = hops[idx.index(dist["point"])]
        hb = hops[idx.index(st["expected_next"])]
        at = self.hop_packets(proto, ha)
        nxt = self.hop_packets(proto, hb)
        arrived = {(p.ip["seq"], p.ip["ack"], p.ip["flags"], p.ip["tlen"]) for p in nxt}
        big = [p for p in at if p.ip["len"] > dist["inner_ip_len_gt"]]
        small = [p for p in at if p.ip["len"] <= dist["inner_ip_len_gt"]]
        self.claim(bool(big), "%s: partial: no packet above %d bytes at %s" % (where, dist["inner_ip_len_gt"], ha["point"]))
        self.claim(bool(small), "%s: partial: no packet up to %d bytes at %s" % (where, dist["inner_ip_len_gt"], ha["point"]))
        lost_big = [p for p in big if (p.ip["seq"], p.ip["ack"], p.ip["flags"], p.ip["tlen"]) not in arrived]
        self.claim(len(lost_big) == len(big), "%s: partial: %d of %d packets above %d bytes reached %s" % (
            where, len(big) - len(lost_big), len(big), dist["inner_ip_len_gt"], hb["point"]))
        missing_small = [p for p in small if (p.ip["seq"], p.ip["ack"], p.ip["flags"], p.ip["tlen"]) not in arrived]
        self.claim(not missing_small, "%s: partial: %d packet(s) up to %d bytes did not reach %s, first %s#%d" % (
            where, len(missing_small), dist["inner_ip_len_gt"], hb["point"],
            missing_small[0].file if missing_small else "", missing_small[0].no if missing_small else 0))
        for p in big:
            o = p.outer
            if "outer_ip_len_gt" in dist:
                self.claim(o is not None and o["len"] > dist["outer_ip_len_gt"] and
                           (o["df"] or not dist.get("outer_df")),
                           "%s: partial: %s#%d: outer header %s does not have length > %d with DF" % (
                               where, p.file, p.no, o and o["len"], dist["outer_ip_len_gt"]))
        # Every stopped packet still reached the stop point's predecessor
        # chain: the last hop with them is the 'after' point.
        self.claim(st["after"] == dist["point"], "%s: partial: distinguishing.point is not stopped.after" % where)


def ep(a, port):
    if port is None:
        return a
    return "[%s]:%s" % (a, port) if ":" in a else "%s:%s" % (a, port)


def coverage(pk, isn):
    iv = sorted(((p.ip["seq"] - isn) % (1 << 32), (p.ip["seq"] - isn) % (1 << 32) + p.ip["tlen"])
                for p in pk if p.ip.get("tlen"))
    out = []
    for a, b in iv:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [tuple(x) for x in out]


def short(cov):
    if len(cov) > 3:
        return "%s ... %s (%d ranges)" % (cov[0], cov[-1], len(cov))
    return str(cov)


def main():
    if len(sys.argv) != 2:
        print("usage: verify.sh SCENARIO_DIR", file=sys.stderr)
        return 2
    d = sys.argv[1].rstrip("/")
    for f in ("expected.json", "lab.json"):
        if not os.path.exists(os.path.join(d, f)):
            print("verify.sh: %s: no %s" % (d, f), file=sys.stderr)
            return 1
    b = Bundle(d)
    c = Checker(b)
    for fi, flow in enumerate(b.exp["flows"]):
        o, f0 = flow["origin"], flow["forward"]["hops"][0] if flow["forward"]["hops"] else None
        # (in a bundle of fewer points the flow may start elsewhere)
        if f0 and not b.exp.get("recorded_with") and (f0["point"] == "client/eth0" or "/pod-" in f0["point"]):
            c.claim(tup(o) == tup(f0), "flow %d: origin %s is not the first hop's tuple %s" % (
                fi + 1, fmt(tup(o)), fmt(tup(f0))))
        for name in ("forward", "reverse"):
            if flow[name] is not None:
                c.direction(fi, flow, name, flow[name])
    verify_gaps.check(b, c, sys.modules[__name__])
    verify_trust.check_top(c, b)
    name = os.path.basename(d)
    if c.failed:
        for f in c.failed:
            print("verify.sh: %s: FAIL: %s" % (name, f), file=sys.stderr)
        print("verify.sh: %s: %d of %d claims failed" % (name, len(c.failed), c.n), file=sys.stderr)
        return 1
    print("verify.sh: %s: all %d claims hold" % (name, c.n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
