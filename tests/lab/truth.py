#!/usr/bin/env python3
"""pktpath lab: writes expected.json, lab.json and README.md of one recording.

The truth in expected.json is derived from what the lab configured (the
addresses, ports and names in lib/config.sh and the paths, NAT rules and
faults each scenario sets up, described below) and from what the kernel is
known to do with that configuration (see tests/lab/README.md, "What the kernel
does"). It is never derived from the captures; verify.sh checks it against
them. Only lab.json reads recorded state (the ip -j snapshots, for ifindexes
and MACs) and the README lists what the run printed.

usage: truth.py --config lib/config.sh --scenario S --variant V --dir STAGE/V
                --run-log STAGE/.run.md --templates readme/
"""

import argparse
import copy
import json
import os
import re
import subprocess
import sys

import truth_gaps
import truth_lab24

SCHEMA = "pktpath-lab-expected/1"


def load_config(path):
    cfg = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
            if m:
                cfg[m.group(1)] = m.group(2).strip("'\"")
    return cfg


class Lab:
    """Names and addresses of the topology, from config.sh."""

    PODS = ("pod-centos", "pod-nginx0", "pod-nginx1", "pod-nginx2")

    def __init__(self, cfg):
        self.c = cfg

    def pod(self, name, field):
        return self.c["POD_%s_%s" % (name[4:].upper(), field)]

    def node(self, node, field):
        return self.c["%s_%s" % (node.upper(), field)]

    def pods_of(self, node):
        return [p for p in self.PODS if self.pod(p, "NODE") == node]

    def pod_point(self, name):
        return "%s/%s/eth0" % (self.pod(name, "NODE"), name)

    def veth_point(self, name):
        return "%s/%s" % (self.pod(name, "NODE"), self.pod(name, "VETH"))

    def node_points(self, node, vxlan):
        pts = ["%s/eth0" % node]
        if vxlan:
            pts.append("%s/flannel.1" % node)
        pts.append("%s/cni0" % node)
        pts += [self.veth_point(p) for p in self.pods_of(node)]
        return pts

    def ip(self, name):
        return self.pod(name, "IP")


def ep(addr, port):
    """addr:port, IPv6 in brackets."""
    if port is None:
        return addr
    return "[%s]:%s" % (addr, port) if ":" in addr else "%s:%s" % (addr, port)


class Dir:
    """One direction of a flow while it is being written down.

    Every hop also carries the direction of the packet relative to the
    interface ('in' = received by it, 'out' = sent by it); it is emitted
    only where the spec asks (a point seen twice) or where the capture
    cannot name the interface (SLL), but it is always known."""

    def __init__(self):
        self.hops = []
        self.nat = []
        self.encap = []
        self.sightings = []
        self.absent_at = []
        self.verdict = "delivered"
        self.stopped = None
        self.answered_by = None
        self.client_ip_lost = None
        self.distinguishing = None
        self.segmentation = []
        self.same_bytes = False
        self.cause = None

    def hop(self, point, ifdir, src, sport, dst, dport, encap=None):
        h = {"point": point, "ifdir": ifdir, "src": src, "sport": sport, "dst": dst, "dport": dport}
        if encap:
            h["encap"] = encap
        self.hops.append(h)
        return len(self.hops) - 1

    def last(self):
        return len(self.hops) - 1


def nat_between(d, i, j, reverse):
    """Add the NAT entries visible between hops i and j (consecutive):
    kind names the field rewritten (DNAT = destination, SNAT = source)."""
    a, b = d.hops[i], d.hops[j]
    if (a["dst"], a["dport"]) != (b["dst"], b["dport"]):
        d.nat.append({"kind": "DNAT", "from": ep(a["dst"], a["dport"]), "to": ep(b["dst"], b["dport"]),
                      "_i": i, "_j": j, "reverse": reverse})
    if (a["src"], a["sport"]) != (b["src"], b["sport"]):
        d.nat.append({"kind": "SNAT", "from": ep(a["src"], a["sport"]), "to": ep(b["src"], b["sport"]),
                      "_i": i, "_j": j, "reverse": reverse})


def path(d, points, tuples, reverse=False):
    """Append hops: points is a list of (point, ifdir, tuple index), tuples a
    list of (src, sport, dst, dport[, encap]); a NAT entry is added wherever
    the tuple changes between two consecutive hops."""
    for point, ifdir, ti in points:
        t = tuples[ti]
        i = d.hop(point, ifdir, t[0], t[1], t[2], t[3], t[4] if len(t) > 4 else None)
        if i > 0:
            nat_between(d, i - 1, i, reverse)
        prev, cur = d.hops[i - 1] if i > 0 else None, d.hops[i]
        if prev is not None and bool(prev.get("encap")) != bool(cur.get("encap")):
            e = cur.get("encap") or prev.get("encap")
            d.encap.append({"kind": "encap" if cur.get("encap") else "decap", "proto": e["proto"], "vni": e["vni"],
                            "outer_src": e["src"], "outer_dst": e["dst"], "outer_dport": e["dport"],
                            "_i": i - 1, "_j": i})


class Scenario:
    def __init__(self, lab, name):
        self.lab = lab
        self.name = name
        self.flows = []
        self.summary = ""
        self.points = []  # every per-interface capture point of the recording

    def flow(self, name, proto, origin, forward, reverse):
        self.flows.append({"name": name, "proto": proto, "origin": origin, "forward": forward, "reverse": reverse})


def absent_all(d, points):
    """absent_at = every captured point this direction never crosses."""
    seen = {h["point"] for h in d.hops} | {c["point"] for c in d.sightings}
    d.absent_at = [p for p in points if p not in seen]


# --- the scenarios ----------------------------------------------------------

def cross_node_path(L, s, sport, svc_ip, svc_port, vxlan, v6=False):
    """pod-centos -> ClusterIP -> pod-nginx1 on node2: (forward, reverse).

    Forward: the service address is visible at pod-centos/eth0 and at the
    host veth only: br_netfilter runs PREROUTING (DNAT) when the frame enters
    cni0 from the veth, before cni0's tap sees it. Reverse: un-DNAT happens in
    POSTROUTING on the way out of cni0, so node1 eth0 (and flannel.1) shows
    the pod address and cni0 already the service address."""
    c_ip = L.pod("pod-centos", "IP6" if v6 else "IP")
    n1_ip = L.pod("pod-nginx1", "IP6" if v6 else "IP")
    port = int(L.c["POD_HTTP_PORT"])
    enc_f = enc_r = None
    if vxlan:
        vni, dport = int(L.c["FLANNEL_VNI"]), int(L.c["FLANNEL_PORT"])
        enc_f = {"proto": "vxlan", "vni": vni, "src": L.c["NODE1_ETH0_IP"], "dst": L.c["NODE2_ETH0_IP"], "dport": dport}
        enc_r = {"proto": "vxlan", "vni": vni, "src": L.c["NODE2_ETH0_IP"], "dst": L.c["NODE1_ETH0_IP"], "dport": dport}
    T = [(c_ip, sport, svc_ip, svc_port), (c_ip, sport, n1_ip, port), (c_ip, sport, n1_ip, port, enc_f)]
    f = Dir()
    pts = [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0), ("node1/cni0", "in", 1)]
    if vxlan:
        pts.append(("node1/flannel.1", "out", 1))
    pts += [("node1/eth0", "out", 2 if vxlan else 1), ("node2/eth0", "in", 2 if vxlan else 1)]
    if vxlan:
        pts.append(("node2/flannel.1", "in", 1))
    pts += [("node2/cni0", "out", 1), (L.veth_point("pod-nginx1"), "out", 1), (L.pod_point("pod-nginx1"), "in", 1)]
    path(f, pts, T)
    r = Dir()
    R = [(n1_ip, port, c_ip, sport), (n1_ip, port, c_ip, sport, enc_r), (svc_ip, svc_port, c_ip, sport)]
    pts = [(L.pod_point("pod-nginx1"), "out", 0), (L.veth_point("pod-nginx1"), "in", 0), ("node2/cni0", "in", 0)]
    if vxlan:
        pts.append(("node2/flannel.1", "out", 0))
    pts += [("node2/eth0", "out", 1 if vxlan else 0), ("node1/eth0", "in", 1 if vxlan else 0)]
    if vxlan:
        pts.append(("node1/flannel.1", "in", 0))
    pts += [("node1/cni0", "out", 2), (L.veth_point("pod-centos"), "out", 2), (L.pod_point("pod-centos"), "in", 2)]
    path(r, pts, R, reverse=True)
    for d in (f, r):
        absent_all(d, s.points)
    return f, r


def pods_points(L, pods, vxlan):
    pts = [L.pod_point(p) for p in pods]
    return pts + L.node_points("node1", vxlan) + L.node_points("node2", vxlan)


def ext_points(L, pods):
    return ["client/eth0", "slb/eth0", "slb/eth1"] + pods_points(L, pods, False)


def origin(src, sport, dst, dport):
    return {"src": src, "sport": sport, "dst": dst, "dport": dport}


def scn_1(L, s):
    s.summary = ("same node: pod-centos -> pod-nginx0 by pod IP (pure bridging) and via ClusterIP svc-local "
                 "(DNAT inside the bridge by br_netfilter); cni0 sees promiscuous copies of the bridged frames, "
                 "and the first DNATed packet once more on its way through the bridge device's neighbour output")
    s.points = pods_points(L, ["pod-centos", "pod-nginx0"], False)
    c, n0 = L.ip("pod-centos"), L.ip("pod-nginx0")
    port = int(L.c["POD_HTTP_PORT"])
    svc, svc_port = L.c["SVC_LOCAL_IP"], int(L.c["SVC_LOCAL_PORT"])
    promisc = ("promiscuous copy: tcpdump puts cni0 into promiscuous mode, so br_handle_frame_finish() passes a "
               "copy of every bridged frame up to cni0 after forwarding it (ip_rcv then drops the copy as "
               "PACKET_OTHERHOST); the frame itself is bridged, not routed through the host")
    slow = ("first packet only: after the DNAT in bridge PREROUTING the pod address is routed back to cni0 "
            "(bridged DNAT); while the host's neighbour entry for the pod has no cached header yet, "
            "br_nf_pre_routing_finish_bridge() sends the frame through neigh->output on the bridge device (cni0 "
            "ARPs for the pod first), so cni0's tap sees it outgoing with cni0's MAC as source; br_dev_xmit then "
            "restores the source MAC and forwards it. Later packets use the cached header and do not pass cni0")
    for sport, dst, dport, name in ((int(L.c["SPORT_1_POD"]), n0, port, "pod-centos -> pod-nginx0 by pod IP (bridged, no NAT)"),
                                    (int(L.c["SPORT_1_SVC"]), svc, svc_port,
                                     "pod-centos -> ClusterIP svc-local %s:%d -> pod-nginx0 (same node)" % (svc, svc_port))):
        f = Dir()
        path(f, [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0),
                 (L.veth_point("pod-nginx0"), "out", 1), (L.pod_point("pod-nginx0"), "in", 1)],
             [(c, sport, dst, dport), (c, sport, n0, port)])
        if dst != n0:
            f.sightings.append({"point": "node1/cni0", "ifdir": "out", "src": c, "sport": sport, "dst": n0,
                                "dport": port, "_after": 1, "packets": "first", "why": slow})
        # The copy shows the frame as forwarded: after DNAT (done in bridge
        # PREROUTING, before the forwarding decision).
        f.sightings.append({"point": "node1/cni0", "ifdir": "in", "src": c, "sport": sport, "dst": n0, "dport": port,
                            "_after": 2, "packets": "all", "why": promisc})
        r = Dir()
        path(r, [(L.pod_point("pod-nginx0"), "out", 0), (L.veth_point("pod-nginx0"), "in", 0),
                 (L.veth_point("pod-centos"), "out", 1), (L.pod_point("pod-centos"), "in", 1)],
             [(n0, port, c, sport), (dst, dport, c, sport)], reverse=True)
        # The reply's copy is taken before bridge POSTROUTING, where the
        # un-DNAT happens on the forwarded clone: it still shows the pod
        # address although it is timestamped after the rewritten frame left
        # through the client's veth.
        r.sightings.append({"point": "node1/cni0", "ifdir": "in", "src": n0, "sport": port, "dst": c, "dport": sport,
                            "_after": 2, "packets": "all", "why": promisc})
        for d in (f, r):
            absent_all(d, s.points)
        s.flow(name, "tcp", origin(c, sport, dst, dport), f, r)


def scn_2(L, s):
    s.summary = ("cross node: pod-centos -> ClusterIP svc-nginx 192.168.13.23:80, DNAT on node1 as the frame enters "
                 "cni0, routed via the VPC route table to node2 -> pod-nginx1")
    s.points = pods_points(L, ["pod-centos", "pod-nginx1"], False)
    sport = int(L.c["SPORT_2"])
    svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
    f, r = cross_node_path(L, s, sport, svc, port, False)
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d -> pod-nginx1 on node2 (VPC route)" % (svc, port), "tcp",
           origin(L.ip("pod-centos"), sport, svc, port), f, r)


def scn_3(L, s):
    s.summary = ("no endpoint: pod-centos -> LoadBalancer IP of a Local-policy service without endpoint on node1 "
                 "(dropped inside node1, curl times out) and -> ClusterIP without endpoints (REJECT, ICMP port "
                 "unreachable, curl: connection refused)")
    s.points = pods_points(L, ["pod-centos"], False)
    c = L.ip("pod-centos")
    vip, vport = L.c["SVC_LBL_VIP"], int(L.c["SVC_LBL_PORT"])
    sport = int(L.c["SPORT_3_LOCAL"])
    f = Dir()
    t = (c, sport, vip, vport)
    path(f, [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0), ("node1/cni0", "in", 0)], [t])
    f.verdict = "stopped"
    f.stopped = {"after": "node1/cni0", "expected_next": "node1/eth0"}
    f.finding = "local_policy_no_endpoint"
    f.cause = ("node1 has no local endpoint of svc-lb-local (externalTrafficPolicy=Local): no DNAT in nat "
               "KUBE-EXT/KUBE-SVL, then filter FORWARD -> KUBE-EXTERNAL-SERVICES \"has no local endpoints\" -j DROP")
    absent_all(f, s.points)
    s.flow("pod-centos -> svc-lb-local LoadBalancer IP %s:%d (Local policy, no endpoint on node1): dropped" % (vip, vport),
           "tcp", origin(c, sport, vip, vport), f, None)

    svc, sp = L.c["SVC_EMPTY_IP"], int(L.c["SVC_EMPTY_PORT"])
    sport = int(L.c["SPORT_3_EMPTY"])
    f = Dir()
    path(f, [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0), ("node1/cni0", "in", 0)],
         [(c, sport, svc, sp)])
    f.verdict = "stopped"
    f.stopped = {"after": "node1/cni0", "expected_next": "node1/eth0"}
    # REJECT runs in filter FORWARD; icmp_send() picks the source by routing
    # back to the pod: node1's cni0 address.
    f.answered_by = {"kind": "icmp", "type": 3, "code": 3, "from": L.c["NODE1_CNI0_IP"], "to": c,
                     "point": "node1/cni0",
                     "path": ["node1/cni0", L.veth_point("pod-centos"), L.pod_point("pod-centos")],
                     "quoted": {"src": c, "sport": sport, "dst": svc, "dport": sp}}
    f.finding = "service_no_endpoints"
    f.cause = ("svc-empty has no endpoints: filter FORWARD -> KUBE-SERVICES \"has no endpoints\" "
               "-j REJECT --reject-with icmp-port-unreachable")
    absent_all(f, s.points)
    s.flow("pod-centos -> ClusterIP svc-empty %s:%d (no endpoints): rejected" % (svc, sp), "tcp",
           origin(c, sport, svc, sp), f, None)


def scn_4(L, s):
    s.summary = ("external client -> SLB VIP 47.100.0.11:80 -> node2 NodePort 31080 (Local policy, local endpoint) "
                 "-> pod-nginx2; the client address is preserved end to end")
    s.points = ext_points(L, ["pod-nginx2"])
    cl, sport = L.c["CLIENT_IP"], int(L.c["SPORT_4"])
    vip, vport = L.c["SVC_LBL_VIP"], int(L.c["SVC_LBL_PORT"])
    n2ip, np_ = L.c["NODE2_ETH0_IP"], int(L.c["SVC_LBL_NODEPORT"])
    pod, port = L.ip("pod-nginx2"), int(L.c["POD_HTTP_PORT"])
    f = Dir()
    path(f, [("client/eth0", "out", 0), ("slb/eth0", "in", 0), ("slb/eth1", "out", 1), ("node2/eth0", "in", 1),
             ("node2/cni0", "out", 2), (L.veth_point("pod-nginx2"), "out", 2), (L.pod_point("pod-nginx2"), "in", 2)],
         [(cl, sport, vip, vport), (cl, sport, n2ip, np_), (cl, sport, pod, port)])
    r = Dir()
    path(r, [(L.pod_point("pod-nginx2"), "out", 0), (L.veth_point("pod-nginx2"), "in", 0), ("node2/cni0", "in", 0),
             ("node2/eth0", "out", 1), ("slb/eth1", "in", 1), ("slb/eth0", "out", 2), ("client/eth0", "in", 2)],
         [(pod, port, cl, sport), (n2ip, np_, cl, sport), (vip, vport, cl, sport)], reverse=True)
    for d in (f, r):
        absent_all(d, s.points)
    s.flow("client -> SLB VIP %s:%d -> node2 NodePort %d (Local) -> pod-nginx2 on node2" % (vip, vport, np_), "tcp",
           origin(cl, sport, vip, vport), f, r)


def scn_5(L, s):
    s.summary = ("external client -> SLB VIP 47.100.0.10:80 -> node1 NodePort 30875 (Cluster policy): DNAT and "
                 "masquerade to node1's address on node1 eth0 (in, then out), -> node2 -> pod-nginx1; the client "
                 "address is lost at node1")
    s.points = ext_points(L, ["pod-nginx1"])
    cl, sport = L.c["CLIENT_IP"], int(L.c["SPORT_5"])
    vip, vport = L.c["SVC_NP_VIP"], int(L.c["SVC_NP_PORT"])
    n1ip, np_ = L.c["NODE1_ETH0_IP"], int(L.c["SVC_NP_NODEPORT"])
    pod, port = L.ip("pod-nginx1"), int(L.c["POD_HTTP_PORT"])
    f = Dir()
    # MASQUERADE without --random-fully keeps the source port when it is free.
    path(f, [("client/eth0", "out", 0), ("slb/eth0", "in", 0), ("slb/eth1", "out", 1), ("node1/eth0", "in", 1),
             ("node1/eth0", "out", 2), ("node2/eth0", "in", 2), ("node2/cni0", "out", 2),
             (L.veth_point("pod-nginx1"), "out", 2), (L.pod_point("pod-nginx1"), "in", 2)],
         [(cl, sport, vip, vport), (cl, sport, n1ip, np_), (n1ip, sport, pod, port)])
    f.client_ip_lost = {"original": cl, "replaced_by": n1ip, "_i": 3, "_j": 4}
    f.finding = "client_ip_lost"
    r = Dir()
    path(r, [(L.pod_point("pod-nginx1"), "out", 0), (L.veth_point("pod-nginx1"), "in", 0), ("node2/cni0", "in", 0),
             ("node2/eth0", "out", 0), ("node1/eth0", "in", 0), ("node1/eth0", "out", 1), ("slb/eth1", "in", 1),
             ("slb/eth0", "out", 2), ("client/eth0", "in", 2)],
         [(pod, port, n1ip, sport), (n1ip, np_, cl, sport), (vip, vport, cl, sport)], reverse=True)
    for d in (f, r):
        absent_all(d, s.points)
    s.flow("client -> SLB VIP %s:%d -> node1 NodePort %d (Cluster) -> pod-nginx1 on node2" % (vip, vport, np_), "tcp",
           origin(cl, sport, vip, vport), f, r)


def scn_6(L, s):
    s.summary = ("silent drop: node2 drops one flow (iptables FORWARD DROP on its source port) after eth0, before "
                 "cni0; a second flow to the same backend is healthy")
    s.points = pods_points(L, ["pod-centos", "pod-nginx1"], False)
    svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
    c = L.ip("pod-centos")
    sport = int(L.c["SPORT_6_DROP"])
    f, _ = cross_node_path(L, s, sport, svc, port, False)
    cut = [h["point"] for h in f.hops].index("node2/eth0")
    f.hops = f.hops[:cut + 1]
    f.nat = [n for n in f.nat if n["_j"] <= cut]
    f.verdict = "stopped"
    f.stopped = {"after": "node2/eth0", "expected_next": "node2/cni0"}
    f.finding = "silent_drop"
    f.cause = ("node2: iptables -I FORWARD 1 -i eth0 -p tcp --sport %d -j DROP (the fault injected by the lab)"
               % sport)
    absent_all(f, s.points)
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d -> pod-nginx1: silently dropped on node2" % (svc, port), "tcp",
           origin(c, sport, svc, port), f, None)
    sport = int(L.c["SPORT_6_OK"])
    f, r = cross_node_path(L, s, sport, svc, port, False)
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d -> pod-nginx1: healthy flow, same run" % (svc, port), "tcp",
           origin(c, sport, svc, port), f, r)


def mss_payload(mtu):
    # IPv4 + TCP headers, and the timestamp option Linux puts in every segment.
    return mtu - 40 - 12


def scn_7(L, s):
    s.summary = ("cross node over VXLAN (flannel.1, VNI 1, UDP 8472): pod-centos downloads a bulk file from "
                 "pod-nginx1 via ClusterIP svc-nginx; TSO super-segments at the sender, MSS-sized segments on both "
                 "node eth0s, GRO-merged segments after decapsulation")
    s.points = pods_points(L, ["pod-centos", "pod-nginx1"], True)
    svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
    sport = int(L.c["SPORT_7"])
    f, r = cross_node_path(L, s, sport, svc, port, True)
    mss = mss_payload(1450)
    r.same_bytes = True
    big = "TSO: the pod's veth has TSO on, the sender's stack hands down super-segments"
    for p in (L.pod_point("pod-nginx1"), L.veth_point("pod-nginx1"), "node2/cni0", "node2/flannel.1"):
        r.segmentation.append({"point": p, "max_tcp_payload_gt": mss, "why": big})
    for p in ("node2/eth0", "node1/eth0"):
        r.segmentation.append({"point": p, "max_tcp_payload_le": mss,
                               "why": "node eth0 has TSO/GSO off: GSO segments before the tap, as a NIC would on the wire"})
    for p in ("node1/flannel.1", "node1/cni0", L.veth_point("pod-centos"), L.pod_point("pod-centos")):
        r.segmentation.append({"point": p, "max_tcp_payload_gt": mss,
                               "why": "GRO: flannel.1 feeds decapsulated segments through its gro_cells, which merge them"})
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d -> pod-nginx1 over VXLAN, bulk download" % (svc, port), "tcp",
           origin(L.ip("pod-centos"), sport, svc, port), f, r)


def scn_8(L, s):
    s.summary = ("MTU black hole on the VXLAN path: VXLAN packets over 1500 bytes (DF set) from node2 vanish in the "
                 "VPC before node1; the small-file flow passes, the bulk download stalls with only small packets "
                 "arriving")
    s.points = pods_points(L, ["pod-centos", "pod-nginx1"], True)
    svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
    c = L.ip("pod-centos")
    sport = int(L.c["SPORT_8_SMALL"])
    f, r = cross_node_path(L, s, sport, svc, port, True)
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d: small file, every packet fits" % (svc, port), "tcp",
           origin(c, sport, svc, port), f, r)
    sport = int(L.c["SPORT_8_BULK"])
    f, r = cross_node_path(L, s, sport, svc, port, True)
    r.verdict = "partial"
    r.stopped = {"after": "node2/eth0", "expected_next": "node1/eth0"}
    r.distinguishing = {
        "point": "node2/eth0",
        "inner_ip_len_gt": 1450,
        "outer_ip_len_gt": 1500,
        "outer_df": True,
        "why": ("flannel.1 and the pods have MTU 1500, node eth0 9000, vxlan df set: a full-sized segment becomes a "
                "1550-byte VXLAN packet with DF; the VPC bridge port towards node1 has MTU 1500 and the bridge drops "
                "larger frames without any ICMP (br_dev_queue_push_xmit -> is_skb_forwardable)")}
    r.finding = "mtu_blackhole"
    r.cause = "MTU black hole between node2/eth0 and node1/eth0 (VPC), no fragmentation-needed comes back"
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d: bulk download stalls (black hole)" % (svc, port), "tcp",
           origin(c, sport, svc, port), f, r)


def scn_9(L, s):
    s.summary = ("dual stack: pod-centos -> IPv6 ClusterIP [fd00:10:96::17]:80 (ip6tables DNAT on node1) -> "
                 "pod-nginx1 on node2 via the VPC IPv6 routes, and the same over IPv4")
    s.points = pods_points(L, ["pod-centos", "pod-nginx1"], False)
    port = int(L.c["SVC_NGINX_PORT"])
    svc6 = L.c["SVC_NGINX_IP6"]
    sport = int(L.c["SPORT_9_V6"])
    f, r = cross_node_path(L, s, sport, svc6, port, False, v6=True)
    s.flow("pod-centos -> IPv6 ClusterIP svc-nginx-v6 [%s]:%d -> pod-nginx1 on node2" % (svc6, port), "tcp",
           origin(L.pod("pod-centos", "IP6"), sport, svc6, port), f, r)
    svc = L.c["SVC_NGINX_IP"]
    sport = int(L.c["SPORT_9_V4"])
    f, r = cross_node_path(L, s, sport, svc, port, False)
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d -> pod-nginx1 on node2 (IPv4, same run)" % (svc, port), "tcp",
           origin(L.ip("pod-centos"), sport, svc, port), f, r)


SCENARIOS = {
    "1-same-node": scn_1, "2-cross-node-clusterip": scn_2, "3-local-policy-no-endpoint": scn_3,
    "4-external-local-policy": scn_4, "5-external-cluster-policy": scn_5, "6-silent-drop": scn_6,
    "7-vxlan-bulk": scn_7, "8-vxlan-mtu-blackhole": scn_8, "9-dual-stack": scn_9,
}
SCENARIOS.update(truth_gaps.scenarios(sys.modules[__name__]))
SCENARIOS.update(truth_lab24.scenarios(sys.modules[__name__]))


# --- projecting the truth onto what one recording captured ---------------------

def project(d, available, sll_nodes):
    """The direction as seen by a bundle that captured only `available`
    points; in SLL (v1) captures of a node (sll_nodes) the interface is
    unknown: the point is <node>/any and the direction tells in from out."""
    if d is None:
        return None
    d = copy.deepcopy(d)

    def mapped(point):
        node = point.split("/")[0]
        if node in sll_nodes and point.count("/") == 1:
            return node + "/any"
        return point

    def ok(point):
        return mapped(point) in available

    keep = [i for i, h in enumerate(d.hops) if ok(h["point"])]
    newidx = {old: new for new, old in enumerate(keep)}

    def remap(i, j):
        """Old hop pair (i, j) -> new consecutive pair, or None."""
        a = [k for k in keep if k <= i]
        b = [k for k in keep if k >= j]
        if not a or not b:
            return None
        return newidx[a[-1]], newidx[b[0]]

    hops = []
    for i in keep:
        h = dict(d.hops[i])
        h["point"] = mapped(h["point"])
        hops.append(h)
    nat = []
    for n in d.nat:
        p = remap(n["_i"], n["_j"])
        if p:
            n = dict(n)
            n["_i"], n["_j"] = p
            if not any(m["kind"] == n["kind"] and m["_i"] == n["_i"] and m["_j"] == n["_j"] for m in nat):
                nat.append(n)
    # Two rewrites of one field that collapse onto the same hop pair (points
    # between them not captured) become one: from the first, to the last.
    encap = []
    for e in d.encap:
        p = remap(e["_i"], e["_j"])
        if p:
            e = dict(e)
            e["_i"], e["_j"] = p
            encap.append(e)
    sightings = []
    for c in d.sightings:
        if ok(c["point"]):
            c = dict(c)
            a = [k for k in keep if k <= c["_after"]]
            c["point"] = mapped(c["point"])
            c["_after"] = newidx[a[-1]] if a else None
            sightings.append(c)
    d.hops, d.nat, d.encap, d.sightings = hops, nat, encap, sightings
    if d.client_ip_lost:
        p = remap(d.client_ip_lost["_i"], d.client_ip_lost["_j"])
        if p:
            d.client_ip_lost = dict(d.client_ip_lost, _i=p[0], _j=p[1])
        else:
            d.client_ip_lost = None
            # A bundle that does not see the rewrite cannot show its finding.
            if getattr(d, "finding", None) == "client_ip_lost":
                d.finding = None
    d.absent_at = [p for p in d.absent_at if ok(p)]
    if sll_nodes:
        d.absent_at = [p for p in d.absent_at if p.split("/")[0] not in sll_nodes]
    if d.stopped:
        assert ok(d.stopped["after"]) and ok(d.stopped["expected_next"]), "stop point not captured"
        d.stopped = {k: mapped(v) if isinstance(v, str) else v for k, v in d.stopped.items()}
    if d.distinguishing:
        d.distinguishing = dict(d.distinguishing, point=mapped(d.distinguishing["point"]))
    if d.answered_by:
        ab = dict(d.answered_by)
        ab["path"] = [mapped(p) for p in ab["path"] if ok(p)]
        ab["point"] = ab["path"][0]
        d.answered_by = ab
    d.segmentation = [dict(x, point=mapped(x["point"])) for x in d.segmentation if ok(x["point"])]
    return d


# Per-direction members of issue 13 (README.md, "expected.json"), emitted
# only where a scenario sets them: finding (the contract's kind), recovered_loss
# (true/false) and where it happened, and the points where snaplen cuts the
# direction's first packet inside its TCP header.
LAB13_MEMBERS = ("finding", "recovered_loss", "recovered_loss_between", "snaplen_cut")


def emit_dir(d, sll):
    """The JSON shape of one direction."""
    if d is None:
        return None
    names = [h["point"] for h in d.hops]
    twice = {p for p in names if names.count(p) > 1}
    hops = []
    for h in d.hops:
        o = {"point": h["point"], "dir": h["ifdir"] if (sll or h["point"] in twice) else None,
             "src": h["src"], "sport": h["sport"], "dst": h["dst"], "dport": h["dport"]}
        if h.get("encap"):
            o["encap"] = h["encap"]
        hops.append(o)

    def span(o, i, j):
        o["after"], o["before"] = hops[i]["point"], hops[j]["point"]
        if o["after"] == o["before"]:
            o["after_dir"], o["before_dir"] = hops[i]["dir"], hops[j]["dir"]
        o["after_hop"], o["before_hop"] = i, j
        return o

    nat = []
    for n in d.nat:
        o = span({"kind": n["kind"], "from": n["from"], "to": n["to"]}, n["_i"], n["_j"])
        if n["reverse"]:
            o["reverse"] = True
        o.update({k: n[k] for k in ("packets", "untranslated_first") if k in n})
        nat.append(o)
    encap = [span({k: v for k, v in e.items() if not k.startswith("_")}, e["_i"], e["_j"]) for e in d.encap]
    sightings = []
    for c in d.sightings:
        sightings.append({"point": c["point"], "dir": c["ifdir"], "src": c["src"], "sport": c["sport"],
                          "dst": c["dst"], "dport": c["dport"], "packets": c["packets"],
                          "seen_after": hops[c["_after"]]["point"] if c["_after"] is not None else None,
                          "seen_after_hop": c["_after"], "why": c["why"]})
    out = {"hops": hops, "absent_at": d.absent_at, "nat": nat, "encap": encap, "extra_sightings": sightings,
           "verdict": d.verdict, "last_point": hops[-1]["point"] if hops else None,
           "stopped": d.stopped, "answered_by": d.answered_by}
    if d.client_ip_lost:
        cl = d.client_ip_lost
        out["client_ip_lost"] = span({"original": cl["original"], "replaced_by": cl["replaced_by"]}, cl["_i"], cl["_j"])
    else:
        out["client_ip_lost"] = None
    if d.distinguishing:
        out["distinguishing"] = d.distinguishing
    if d.segmentation:
        out["segmentation"] = d.segmentation
    if d.same_bytes:
        out["same_bytes_at_every_hop"] = True
    if d.cause:
        out["cause"] = d.cause
    for k in LAB13_MEMBERS:
        if getattr(d, k, None) is not None:
            out[k] = getattr(d, k)
    # The issue-12 members (truth12.py) a scenario keeps in Dir.extra.
    out.update(getattr(d, "extra", {}))
    return out


# --- lab.json -----------------------------------------------------------------

BUNDLES = {"": "per-interface", "any": "tcpdump -i any (LINUX_SLL2) per node",
           "any-sll": "tcpdump -y LINUX_SLL -i any per node",
           "dumpcap": "dumpcap over two interfaces of node1 (pcapng)",
           "rotated": "tcpdump -i any -C/-W rotated set per node",
           "ring": "node2/eth0 as a tcpdump -C/-W ring that wrapped, the other points complete",
           "deleted-piece": "node2/eth0 as a rotated set missing its middle piece, the other points complete",
           "kernel-drops": "node1/eth0 by a dumpcap that lost packets (pcapng), the other points complete"}

def read_captures(dirpath):
    caps = []
    with open(os.path.join(dirpath, ".captures.tsv"), encoding="utf-8") as f:
        for line in f:
            file_, ns, iface, points, snap, tool, cmd = line.rstrip("\n").split("\t")
            caps.append({"file": file_, "netns": ns, "iface": iface, "points": points, "snaplen": int(snap),
                         "tool": tool, "command": cmd})
    return caps


def links_of(dirpath, machine, nsname):
    p = os.path.join(dirpath, machine, "ip", nsname + ".link.json")
    if not os.path.exists(p):
        return {}
    with open(p, encoding="utf-8") as f:
        return {l["ifname"]: l for l in json.load(f)}


def addrs_of(dirpath, machine, nsname):
    p = os.path.join(dirpath, machine, "ip", nsname + ".addr.json")
    if not os.path.exists(p):
        return {}
    with open(p, encoding="utf-8") as f:
        return {a["ifname"]: ["%s/%s" % (i["local"], i["prefixlen"]) for i in a.get("addr_info", [])
                              if i.get("scope") != "link"] for a in json.load(f)}


def machine_ns(L, machine):
    return {"client": L.c["NS_CLIENT"], "slb": L.c["NS_SLB"], "node1": L.c["NS_NODE1"],
            "node2": L.c["NS_NODE2"], "fw": L.c.get("NS_FW")}[machine]


def point_info(L, dirpath, point):
    parts = point.split("/")
    machine = parts[0]
    if len(parts) == 3:
        nsname, ifname = parts[1], parts[2]
        netns = "pp-" + parts[1]
    else:
        nsname, ifname = "host", parts[1]
        netns = machine_ns(L, machine)
    link = links_of(dirpath, machine, nsname).get(ifname, {})
    info = {"machine": machine, "netns": netns, "namespace": nsname, "ifname": ifname,
            "ifindex": link.get("ifindex"), "mac": link.get("address"), "mtu": link.get("mtu"),
            "kind": (link.get("linkinfo") or {}).get("info_kind"),
            "master": link.get("master"),
            "addresses": addrs_of(dirpath, machine, nsname).get(ifname, [])}
    if info["kind"] == "veth":
        info["peer_ifindex"] = link.get("link_index")
        info["peer_netnsid"] = link.get("link_netnsid")
    if info["kind"] == "vxlan":
        d = link["linkinfo"]["info_data"]
        info["vxlan"] = {"vni": d.get("id"), "port": d.get("port"), "local": d.get("local")}
    return info


def link_type(cap):
    if cap["tool"] == "dumpcap":
        return "pcapng/EN10MB"
    if cap["iface"] == "any":
        return "LINUX_SLL" if "LINUX_SLL " in cap["command"] + " " else "LINUX_SLL2"
    return "EN10MB"


def lab_json(L, s, variant, dirpath, caps, settings):
    pts = {}
    captures = []
    for cap in caps:
        d = os.path.join(dirpath, os.path.dirname(cap["file"]))
        base = os.path.basename(cap["file"])
        if " -C " in cap["command"]:
            # A rotated set: tcpdump names the pieces <file>0.., zero padded to
            # the width of the -W count.
            # Without -W the first piece is <file> itself, then <file>1...
            files = [os.path.join(os.path.dirname(cap["file"]), f) for f in
                     sorted((f for f in os.listdir(d) if f.startswith(base) and (f == base or f[len(base):].isdigit())),
                            key=lambda f: (len(f), f))]
        else:
            files = [cap["file"]]
        c = {"files": files, "machine": cap["file"].split("/")[0], "netns": cap["netns"], "interface": cap["iface"],
             "link_type": link_type(cap), "snaplen": cap["snaplen"], "tool": cap["tool"],
             "tstamp_precision": "nano" if ("nano" in cap["command"] or cap["tool"] == "dumpcap") else "micro",
             "command": cap["command"]}
        machine = c["machine"]
        if cap["iface"] == "any" and c["link_type"] == "LINUX_SLL2":
            names = [n for n, l in links_of(dirpath, machine, "host").items() if n != "lo"]
            c["points"] = ["%s/%s" % (machine, n) for n in names]
            c["point_by"] = "SLL2 interface index, resolved with %s/ip/host.link.json" % machine
        elif cap["iface"] == "any":
            c["points"] = ["%s/any" % machine]
            c["point_by"] = ("LINUX_SLL has no interface index: one point per node, the packet type gives "
                             "the direction (outgoing = out, everything else = in)")
        elif cap["tool"] == "dumpcap":
            c["points"] = cap["points"].split(",")
            c["point_by"] = "pcapng interface description block (if_name)"
        else:
            c["points"] = [cap["points"]]
        captures.append(c)
        for p in c["points"]:
            if p.endswith("/any"):
                pts[p] = {"machine": machine, "netns": cap["netns"], "ifname": "any", "files": files}
            else:
                info = point_info(L, dirpath, p)
                info["files"] = files
                pts[p] = info
    c = L.c
    nodes = {}
    for n in ("node1", "node2"):
        nodes[n] = {"netns": machine_ns(L, n),
                    "eth0": {"ip": c[n.upper() + "_ETH0_IP"], "mac": c[n.upper() + "_ETH0_MAC"],
                             "ip6": c[n.upper() + "_ETH0_IP6"]},
                    "cni0": {"ip": c[n.upper() + "_CNI0_IP"], "mac": c[n.upper() + "_CNI0_MAC"],
                             "ip6": c[n.upper() + "_CNI0_IP6"]},
                    "pod_cidr": c[n.upper() + "_PODCIDR"], "pod_cidr6": c[n.upper() + "_PODCIDR6"],
                    "flannel.1": {"ip": c[n.upper() + "_FLANNEL_IP"], "mac": c[n.upper() + "_FLANNEL_MAC"],
                                  "vni": int(c["FLANNEL_VNI"]), "port": int(c["FLANNEL_PORT"])},
                    "vpc_port": {"name": c[n.upper() + "_VPCPORT"], "mac": c[n.upper() + "_VPCPORT_MAC"]},
                    "pods": L.pods_of(n)}
    v6 = settings.get("TOPO_IPV6") == "1"
    vx = settings.get("TOPO_VXLAN") == "1"
    for n in nodes.values():
        if not v6:
            n["eth0"]["ip6"] = n["cni0"]["ip6"] = n["pod_cidr6"] = None
        if not vx:
            n["flannel.1"] = None
    pods = {p: {"node": L.pod(p, "NODE"), "netns": "pp-" + p, "ip": L.pod(p, "IP"), "ip6": L.pod(p, "IP6") if v6 else None,
                "mac": L.pod(p, "MAC"), "veth": L.pod(p, "VETH"), "veth_mac": L.pod(p, "VETH_MAC")}
            for p in Lab.PODS}
    port = int(c["POD_HTTP_PORT"])
    services = [
        {"name": "svc-nginx", "type": "ClusterIP", "cluster_ip": c["SVC_NGINX_IP"], "port": int(c["SVC_NGINX_PORT"]),
         "endpoints": [ep(c["POD_NGINX1_IP"], port)]},
        {"name": "svc-local", "type": "ClusterIP", "cluster_ip": c["SVC_LOCAL_IP"], "port": int(c["SVC_LOCAL_PORT"]),
         "endpoints": [ep(c["POD_NGINX0_IP"], port)]},
        {"name": "svc-np", "type": "LoadBalancer", "external_traffic_policy": "Cluster",
         "cluster_ip": c["SVC_NP_IP"], "port": int(c["SVC_NP_PORT"]), "node_port": int(c["SVC_NP_NODEPORT"]),
         "load_balancer_ip": c["SVC_NP_VIP"], "endpoints": [ep(c["POD_NGINX1_IP"], port)],
         "slb": "%s:%s -> %s:%s" % (c["SVC_NP_VIP"], c["SVC_NP_PORT"], c["NODE1_ETH0_IP"], c["SVC_NP_NODEPORT"])},
        {"name": "svc-lb-local", "type": "LoadBalancer", "external_traffic_policy": "Local",
         "cluster_ip": c["SVC_LBL_IP"], "port": int(c["SVC_LBL_PORT"]), "node_port": int(c["SVC_LBL_NODEPORT"]),
         "load_balancer_ip": c["SVC_LBL_VIP"], "endpoints": [ep(c["POD_NGINX2_IP"], port)],
         "slb": "%s:%s -> %s:%s" % (c["SVC_LBL_VIP"], c["SVC_LBL_PORT"], c["NODE2_ETH0_IP"], c["SVC_LBL_NODEPORT"]),
         "note": "no local endpoint on node1: kube-proxy drops external-destination traffic there"},
        {"name": "svc-empty", "type": "ClusterIP", "cluster_ip": c["SVC_EMPTY_IP"], "port": int(c["SVC_EMPTY_PORT"]),
         "endpoints": [], "note": "no endpoints: kube-proxy rejects with ICMP port unreachable"},
    ]
    if settings.get("TOPO_IPV6") == "1":
        services.append({"name": "svc-nginx-v6", "type": "ClusterIP", "cluster_ip": c["SVC_NGINX_IP6"],
                         "port": int(c["SVC_NGINX_PORT"]), "endpoints": [ep(c["POD_NGINX1_IP6"], port)]})
    base = variant[len(s.name):].lstrip("-")
    return {
        "schema": "pktpath-lab-topology/1",
        "scenario": variant,
        "recorded_with": s.name if variant != s.name else None,
        "bundle": BUNDLES[base],
        "settings": settings,
        "captures": captures,
        "points": pts,
        "nodes": nodes,
        "pods": pods,
        "vpc": {"netns": c["NS_VPC"], "bridge": c["VPC_BR"], "ip": c["VPC_IP"], "ip6": c["VPC_IP6"] if v6 else None,
                "mac": c["VPC_MAC"], "cidr": c["VPC_CIDR"],
                "routes": ([] if settings.get("TOPO_VXLAN") == "1" else
                           ["%s via %s" % (c["NODE1_PODCIDR"], c["NODE1_ETH0_IP"]),
                            "%s via %s" % (c["NODE2_PODCIDR"], c["NODE2_ETH0_IP"])]) +
                ["%s via %s" % (c["CLIENT_CIDR"], c["SLB_ETH1_IP"]), "%s via %s" % (c["VIP_CIDR"], c["SLB_ETH1_IP"])] +
                (["%s via %s" % (c["NODE1_PODCIDR6"], c["NODE1_ETH0_IP6"]),
                  "%s via %s" % (c["NODE2_PODCIDR6"], c["NODE2_ETH0_IP6"])] if v6 else [])},
        "slb": {"netns": c["NS_SLB"], "eth1": {"ip": c["SLB_ETH1_IP"], "mac": c["SLB_ETH1_MAC"]},
                "eth0": {"ip": c["SLB_ETH0_IP"], "mac": c["SLB_ETH0_MAC"]}},
        "client": {"netns": c["NS_CLIENT"], "eth0": {"ip": c["CLIENT_IP"], "mac": c["CLIENT_MAC"]}},
        "services": services,
        "kube_proxy": "iptables mode, v1.26 rule layout, no --cluster-cidr, MASQUERADE without --random-fully",
    }


# --- README -------------------------------------------------------------------

def count_packets(path):
    try:
        out = subprocess.run(["tcpdump", "-n", "-q", "-r", path], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return len(out.splitlines())


def truth_lines(exp):
    """expected.json as arrows, for people."""
    out = []
    for k, fl in enumerate(exp["flows"], 1):
        o = fl["origin"]
        out += ["flow %d: %s" % (k, fl["name"]),
                "  origin %s %s > %s" % (fl["proto"], ep(o["src"], o["sport"]), ep(o["dst"], o["dport"]))]
        for name in ("forward", "reverse"):
            d = fl[name]
            if d is None:
                out.append("  %s: never happens" % name)
                continue
            head = "  %s: %s" % (name, d["verdict"])
            if d.get("stopped"):
                head += ", stopped after %s (expected next %s)" % (d["stopped"]["after"], d["stopped"]["expected_next"])
            out.append(head)
            marks = {}
            for n in d["nat"]:
                marks.setdefault(n["before_hop"], []).append(
                    "%s%s %s -> %s" % ("reverse " if n.get("reverse") else "", n["kind"], n["from"], n["to"]))
            for e in d["encap"]:
                marks.setdefault(e["before_hop"], []).append(
                    "%s vxlan vni %s %s > %s:%s" % (e["kind"], e["vni"], e["outer_src"], e["outer_dst"], e["outer_dport"]))
            for i, h in enumerate(d["hops"]):
                for m in marks.get(i, []):
                    out.append("        -- %s" % m)
                pt = h["point"] + (" (%s)" % h["dir"] if h["dir"] else "")
                out.append("    %-28s %s > %s%s" % (pt, ep(h["src"], h["sport"]), ep(h["dst"], h["dport"]),
                                                  "  [in vxlan]" if h.get("encap") else ""))
            for x in d.get("extra_sightings", []):
                out.append("    also at %s (%s, %s packets, after %s): %s > %s" % (
                    x["point"], x["dir"], x["packets"], x["seen_after"], ep(x["src"], x["sport"]), ep(x["dst"], x["dport"])))
            if d["absent_at"]:
                out.append("    never at: %s" % ", ".join(d["absent_at"]))
            if d.get("client_ip_lost"):
                c = d["client_ip_lost"]
                out.append("    client address %s replaced by %s between %s and %s" % (
                    c["original"], c["replaced_by"], c["after"] + (" (%s)" % c.get("after_dir") if c.get("after_dir") else ""),
                    c["before"] + (" (%s)" % c.get("before_dir") if c.get("before_dir") else "")))
            if d.get("answered_by") and d["answered_by"]["kind"] == "tcp_rst":
                a = d["answered_by"]
                out.append("    answered by TCP RST from %s, first seen at %s" % (a["from"], a["point"]))
            elif d.get("answered_by"):
                a = d["answered_by"]
                out.append("    answered by ICMP type %d code %d from %s, first seen at %s, then %s" % (
                    a["type"], a["code"], a["from"], a["point"], " -> ".join(a["path"][1:])))
            if d.get("finding"):
                out.append("    finding: %s" % d["finding"])
            if d.get("recovered_loss") is not None:
                rb = d.get("recovered_loss_between")
                out.append("    recovered loss: %s" % (
                    "yes, lost between %s and %s, delivered by retransmissions" % (rb["after"], rb["expected_next"])
                    if rb else "yes" if d["recovered_loss"] else "none"))
            if d.get("snaplen_cut"):
                out.append("    first packet cut inside its TCP header by the snaplen at: %s" % ", ".join(d["snaplen_cut"]))
            if d.get("distinguishing"):
                x = d["distinguishing"]
                out.append("    stopped ones: at %s inner IP length > %d (outer > %d, DF); the others arrive" % (
                    x["point"], x["inner_ip_len_gt"], x["outer_ip_len_gt"]))
            for x in d.get("segmentation", []):
                out.append("    %s: largest TCP payload %s %d" % (
                    x["point"], "above" if "max_tcp_payload_gt" in x else "at most",
                    x.get("max_tcp_payload_gt", x.get("max_tcp_payload_le"))))
    for g in exp.get("gaps", []):
        out.append("gap at %s: %s (not a drop: no stop is concluded from it)" % (g["point"], g["why"]))
    return out


def segment_table(dirpath, labj, exp):
    """Observed per point, for the README only (never for the truth): data
    packets of the data direction and their largest payload."""
    rows = []
    for fl in exp["flows"]:
        d = fl["reverse"]
        if not d or not (d.get("segmentation") or d.get("distinguishing")):
            continue
        rows += ["", "Observed in this recording, %s, server -> client (counted with tshark):" % fl["name"], "",
                 "| point | packets | with data | largest TCP payload | largest IP packet |", "|---|---|---|---|---|"]
        for h in d["hops"]:
            info = labj["points"].get(h["point"])
            if not info:
                continue
            files = [f for c in labj["captures"] if h["point"] in c["points"] for f in c["files"]]
            n = data = mx = mxip = 0
            for fn in files:
                cmd = ["tshark", "-r", os.path.join(dirpath, fn), "-n", "-d", "udp.port==8472,vxlan",
                       "-o", "tcp.desegment_tcp_streams:FALSE", "-T", "fields", "-E", "occurrence=l",
                       "-e", "sll.ifindex", "-e", "ip.src", "-e", "tcp.srcport", "-e", "ip.dst", "-e", "tcp.dstport",
                       "-e", "tcp.len", "-e", "ip.len"]
                try:
                    res = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
                except (OSError, subprocess.CalledProcessError):
                    return []
                for line in res.splitlines():
                    f = line.split("\t")
                    if len(f) < 7 or f[1] != h["src"] or f[3] != h["dst"] or f[2] != str(h["sport"]) or \
                            f[4] != str(h["dport"]):
                        continue
                    if f[0] and str(info.get("ifindex")) != f[0]:
                        continue
                    n += 1
                    tl = int(f[5] or 0)
                    if tl:
                        data += 1
                        mx = max(mx, tl)
                    mxip = max(mxip, int(f[6] or 0))
            rows.append("| %s | %d | %d | %d | %d |" % (h["point"], n, data, mx, mxip))
    return rows


def readme(L, s, variant, dirpath, caps, labj, templates, runlog, exp):
    tpl = os.path.join(templates, variant + ".md")
    with open(tpl, encoding="utf-8") as f:
        text = f.read().rstrip() + "\n"
    lines = ["", "## The truth in short", "",
             "Generated from `expected.json` (points are `<machine>/<interface>`, pods belong to their node):", "",
             "```"] + truth_lines(exp) + ["```"]
    lines += segment_table(dirpath, labj, exp)
    lines += ["", "## How it was recorded", "",
             "`sudo tests/lab/lab.sh %s` builds the topology (tests/lab/README.md), starts every capture below, "
             "waits until each says it is listening, records `ip -j -d link show`, `ip -j -d addr show` and "
             "`ip -j route show table all` of every namespace into `<machine>/ip/`, sends the traffic, waits "
             "1 s, stops the captures with SIGINT and waits for them to exit." % s.name, "",
             "Captures (paths relative to this folder):", "", "```"]
    lines += [c["command"] for c in labj["captures"]]
    lines += ["```", "", "Traffic, and what curl said in this recording:", ""]
    with open(runlog, encoding="utf-8") as f:
        lines += [l.rstrip("\n") for l in f if l.strip()]
    lines += ["", "## Files", "", "| file | point(s) | packets |", "|---|---|---|"]
    for c in labj["captures"]:
        for fn in c["files"]:
            n = count_packets(os.path.join(dirpath, fn))
            pts = ", ".join(c["points"]) if len(c["points"]) <= 3 else "%s (every interface of %s, by ifindex)" % (
                ", ".join(c["points"][:2]) + ", ...", c["machine"])
            lines.append("| `%s` | %s | %s |" % (fn, pts, n if n is not None else "?"))
    lines += ["", "`expected.json` holds the truth (written by tests/lab/truth.py from the lab's configuration, "
              "checked against these captures by `tests/lab/verify.sh %s`); `lab.json` describes the topology, "
              "the capture points and which file holds which point." % ("testdata/" + variant), ""]
    with open(os.path.join(dirpath, "README.md"), "w", encoding="utf-8") as f:
        f.write(text + "\n".join(lines))


def lab(config):
    """The Lab of config.sh and, beside it, config12.sh (the issue-12
    scenarios' names and ports), with truth12.py's scenarios and bundles
    added to SCENARIOS and BUNDLES. Imported here, not at the top: truth12
    imports this module."""
    import truth12
    SCENARIOS.update(truth12.SCENARIOS)
    BUNDLES.update(truth12.BUNDLES)
    cfg = load_config(config)
    cfg.update(load_config(os.path.join(os.path.dirname(config), "config12.sh")))
    return Lab(cfg)


def build_expected(s, variant, labj):
    """expected.json of one recording: the scenario's truth projected onto
    the points it captured (lab.json)."""
    available = set(labj["points"])
    sll_nodes = {c["machine"] for c in labj["captures"] if c["link_type"] == "LINUX_SLL"}
    flows = []
    for fl in s.flows:
        fwd = project(fl["forward"], available, sll_nodes)
        rev = project(fl["reverse"], available, sll_nodes)
        if not fwd.hops:
            continue  # a flow this bundle's points never see (12a-icmp-echo-single)
        flows.append({"name": fl["name"], "proto": fl["proto"], "origin": fl["origin"],
                      "forward": emit_dir(fwd, bool(sll_nodes)), "reverse": emit_dir(rev, bool(sll_nodes))})
    exp = {"schema": SCHEMA, "scenario": variant, "summary": s.summary, "flows": flows}
    if variant != s.name:
        exp["recorded_with"] = s.name
    if getattr(s, "gaps", {}).get(variant):
        exp["gaps"] = s.gaps[variant]
    # The issue-12 top-level members (clock, absent_protocols, ...).
    exp.update(getattr(s, "extra", {}))
    return exp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--variant", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--run-log", required=True)
    ap.add_argument("--templates", required=True)
    ap.add_argument("--settings", default=None)
    a = ap.parse_args()

    L = lab(a.config)
    s = Scenario(L, a.scenario)
    SCENARIOS[a.scenario](L, s)
    caps = read_captures(a.dir)
    settings = {}
    if a.settings and os.path.exists(a.settings):
        with open(a.settings, encoding="utf-8") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                if k:
                    settings[k] = v
    labj = lab_json(L, s, a.variant, a.dir, caps, settings)
    # What lab.json would otherwise leave out: the issue-12 topologies' VXLAN
    # ports, firewall and wire, a scenario's own capture details (20-*).
    import truth12  # (loaded by lab())
    truth12.amend_lab_json(L, s, labj)
    if hasattr(s, "amend_lab"):
        s.amend_lab(labj, a.variant)
    exp = build_expected(s, a.variant, labj)
    with open(os.path.join(a.dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(exp, f, indent=2)
        f.write("\n")
    with open(os.path.join(a.dir, "lab.json"), "w", encoding="utf-8") as f:
        json.dump(labj, f, indent=2)
        f.write("\n")
    readme(L, s, a.variant, a.dir, caps, labj, a.templates, a.run_log, exp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
