"""pktpath lab: the truth of the issue-12 scenarios (12a-12i), for truth.py.

As in truth.py, every claim follows from what the lab configured
(lib/config.sh, lib/config12.sh, lib/scenarios_trust.sh) and from what the
kernel is known to do with it (tests/lab/README.md); nothing is read from the
captures. verify.sh checks it against them. Beyond truth.py's members the
directions may carry (tests/lab/README.md, "expected.json"):
  "finding"          the findings.items kind pktpath must give a stop
  "lost_marker"      a partial UDP direction: the marked datagrams vanish
                     between two points, all others arrive, and how many
  "untranslated_first" on a NAT that starts mid-flow, with "packets"
  "tied_timestamps"  two points that carry equal time stamps for some packets
and the truth at the top level "clock" (a node's clock offset, with its
tolerance), "absent_protocols" and "neighbour_advertisements".
"""

import os
import sys

import truth as T

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from udptool import loss_marks, single_lost  # noqa: E402  (the sender's own marks)

BUNDLES = {"single": "one capture point (client/eth0)", "firewall": "one capture point (fw/eth0)"}


def rev(t, echo):
    """The answer's tuple: an echo reply keeps the id where the request had
    it (pktpath's sport; dport null); TCP and UDP swap the ports."""
    src, sport, dst, dport = t[:4]
    return (dst, sport, src, None) if echo else (dst, dport, src, sport)


def cross_path(L, s, sport, dst, dport, server, server_port, echo=False, vxlan=False, ports=None, fw=False,
               v6=False):
    """pod-centos (node1) -> dst:dport -> pod-nginx1 (node2): (forward,
    reverse). dst is a ClusterIP (DNATed to server as the frame enters cni0,
    un-DNATed as the reply leaves through cni0, as in truth.cross_node_path)
    or the server's own address. With vxlan, ports = (node2's port, the
    forward outer destination; node1's port, the reverse one); with fw the
    node-to-node packets pass the router on a stick, in then out."""
    c_ip = L.pod("pod-centos", "IP6" if v6 else "IP")
    n1, n2 = L.c["NODE1_ETH0_IP"], L.c["NODE2_ETH0_IP"]
    fport, rport = ports or (int(L.c["FLANNEL_PORT"]),) * 2
    vni = int(L.c["FLANNEL_VNI"])
    enc_f = {"proto": "vxlan", "vni": vni, "src": n1, "dst": n2, "dport": fport} if vxlan else None
    enc_r = {"proto": "vxlan", "vni": vni, "src": n2, "dst": n1, "dport": rport} if vxlan else None
    t0 = (c_ip, sport, dst, dport)
    t1 = (c_ip, sport, server, None if echo else server_port)
    wire = 2 if vxlan else 1
    f = T.Dir()
    pts = [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0), ("node1/cni0", "in", 1)]
    pts += [("node1/flannel.1", "out", 1)] if vxlan else []
    pts += [("node1/eth0", "out", wire)]
    pts += [("fw/eth0", "in", wire), ("fw/eth0", "out", wire)] if fw else []
    pts += [("node2/eth0", "in", wire)]
    pts += [("node2/flannel.1", "in", 1)] if vxlan else []
    pts += [("node2/cni0", "out", 1), (L.veth_point("pod-nginx1"), "out", 1), (L.pod_point("pod-nginx1"), "in", 1)]
    T.path(f, pts, [t0, t1, t1 + (enc_f,)])
    r0, r2 = rev(t1, echo), rev(t0, echo)
    r = T.Dir()
    pts = [(L.pod_point("pod-nginx1"), "out", 0), (L.veth_point("pod-nginx1"), "in", 0), ("node2/cni0", "in", 0)]
    pts += [("node2/flannel.1", "out", 0)] if vxlan else []
    pts += [("node2/eth0", "out", wire - 1)]
    pts += [("fw/eth0", "in", wire - 1), ("fw/eth0", "out", wire - 1)] if fw else []
    pts += [("node1/eth0", "in", wire - 1)]
    pts += [("node1/flannel.1", "in", 0)] if vxlan else []
    pts += [("node1/cni0", "out", 2), (L.veth_point("pod-centos"), "out", 2), (L.pod_point("pod-centos"), "in", 2)]
    T.path(r, pts, [r0, r0 + (enc_r,), r2], reverse=True)
    for d in (f, r):
        T.absent_all(d, s.points)
    return f, r


def ext_points(L, pods, vxlan):
    return ["client/eth0", "slb/eth0", "slb/eth1"] + T.pods_points(L, pods, vxlan)


def clock(node, shift, tolerance, why):
    return {"reference": "node1", "offsets": {node: {"offset": shift, "tolerance": tolerance, "why": why}}}


def scn_12a(L, s):
    s.summary = ("ICMP echo with fixed identifiers (ping -e): pod-centos pings pod-nginx1 on node2 over VXLAN, "
                 "pod-centos pings the external client through node1's masquerade, and the client pings node1; "
                 "every echo is answered, request and reply are one conversation")
    s.points = ext_points(L, ["pod-centos", "pod-nginx1"], True)
    c, n1 = L.ip("pod-centos"), L.c["NODE1_ETH0_IP"]
    cl = L.c["CLIENT_IP"]
    eid = int(L.c["ECHO_ID_POD"])
    f, r = cross_path(L, s, eid, L.ip("pod-nginx1"), None, L.ip("pod-nginx1"), None, echo=True, vxlan=True)
    s.flow("pod-centos pings pod-nginx1 on node2 over VXLAN (id %d, %s echoes)" % (eid, L.c["ECHO_COUNT_POD"]),
           "icmp", T.origin(c, eid, L.ip("pod-nginx1"), None), f, r)

    mid = int(L.c["ECHO_ID_MASQ"])
    f = T.Dir()
    # MASQUERADE in node1's POSTROUTING, before eth0's tap; without
    # --random-fully the echo id is kept when free, like a source port.
    T.path(f, [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0), ("node1/cni0", "in", 0),
               ("node1/eth0", "out", 1), ("slb/eth1", "in", 1), ("slb/eth0", "out", 1), ("client/eth0", "in", 1)],
           [(c, mid, cl, None), (n1, mid, cl, None)])
    f.client_ip_lost = {"original": c, "replaced_by": n1, "_i": 2, "_j": 3}
    f.finding = "client_ip_lost"  # the masquerade, as in scenario 5
    r = T.Dir()
    # The reply is un-masqueraded in PREROUTING after eth0's tap.
    T.path(r, [("client/eth0", "out", 0), ("slb/eth0", "in", 0), ("slb/eth1", "out", 0), ("node1/eth0", "in", 0),
               ("node1/cni0", "out", 1), (L.veth_point("pod-centos"), "out", 1), (L.pod_point("pod-centos"), "in", 1)],
           [(cl, mid, n1, None), (cl, mid, c, None)], reverse=True)
    for d in (f, r):
        T.absent_all(d, s.points)
    s.flow("pod-centos pings the external client through node1's masquerade (id %d)" % mid, "icmp",
           T.origin(c, mid, cl, None), f, r)

    cid = int(L.c["ECHO_ID_CLIENT"])
    f = T.Dir()
    T.path(f, [("client/eth0", "out", 0), ("slb/eth0", "in", 0), ("slb/eth1", "out", 0), ("node1/eth0", "in", 0)],
           [(cl, cid, n1, None)])
    r = T.Dir()
    T.path(r, [("node1/eth0", "out", 0), ("slb/eth1", "in", 0), ("slb/eth0", "out", 0), ("client/eth0", "in", 0)],
           [(n1, cid, cl, None)], reverse=True)
    for d in (f, r):
        T.absent_all(d, s.points)
    s.flow("the external client pings node1's eth0 address (id %d)" % cid, "icmp", T.origin(cl, cid, n1, None), f, r)


def scn_12b(L, s):
    shift = float(L.c["CLOCK_SHIFT_12B"])
    s.summary = ("UDP only: %s requests from pod-centos answered by pod-nginx1 on node2 (VPC route), no TCP in any "
                 "capture; node2's captures shifted by %+.6f s after the recording" % (L.c["RR_COUNT_12B"], shift))
    s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], False)
    sport, port, srv = int(L.c["SPORT_12B"]), int(L.c["UDP_ECHO_PORT"]), L.ip("pod-nginx1")
    f, r = cross_path(L, s, sport, srv, port, srv, port)
    s.flow("pod-centos <-> pod-nginx1 on node2, UDP request/response", "udp",
           T.origin(L.ip("pod-centos"), sport, srv, port), f, r)
    s.extra = {"clock": clock("node2", shift, 0.001, "editcap -t %+.6f on node2's files; the nodes share one kernel "
                              "clock, the one-way delay between them is tens of microseconds" % shift),
               "absent_protocols": ["tcp"]}


def same_node(L, s, t, echo=False):
    """pod-centos -> pod-nginx0 by pod IP over cni0: bridged, no routing,
    no NAT, the same TTL at every point."""
    f = T.Dir()
    T.path(f, [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0),
               (L.veth_point("pod-nginx0"), "out", 0), (L.pod_point("pod-nginx0"), "in", 0)], [t])
    r = T.Dir()
    T.path(r, [(L.pod_point("pod-nginx0"), "out", 0), (L.veth_point("pod-nginx0"), "in", 0),
               (L.veth_point("pod-centos"), "out", 0), (L.pod_point("pod-centos"), "in", 0)], [rev(t, echo)],
           reverse=True)
    for d in (f, r):
        T.absent_all(d, s.points)
    return f, r


def scn_12c(L, s):
    s.summary = ("same node, bridged (no routing, the same TTL at every point): pod-centos -> pod-nginx0 by pod IP, "
                 "HTTP, UDP request/response and pings, captured as tcpdump does by default (microseconds): a "
                 "packet crossing a veth pair often carries the same time stamp on both ends; the order comes from "
                 "the topology")
    s.points = [L.pod_point("pod-centos"), L.veth_point("pod-centos"), L.veth_point("pod-nginx0"),
                L.pod_point("pod-nginx0")]
    c, n0, port = L.ip("pod-centos"), L.ip("pod-nginx0"), int(L.c["POD_HTTP_PORT"])
    sport = int(L.c["SPORT_12C_TCP"])
    f, r = same_node(L, s, (c, sport, n0, port))
    s.flow("pod-centos -> pod-nginx0 by pod IP (bridged), HTTP", "tcp", T.origin(c, sport, n0, port), f, r)
    sport, uport = int(L.c["SPORT_12C_UDP"]), int(L.c["UDP_ECHO_PORT"])
    f, r = same_node(L, s, (c, sport, n0, uport))
    s.flow("pod-centos -> pod-nginx0 by pod IP (bridged), UDP request/response", "udp",
           T.origin(c, sport, n0, uport), f, r)
    eid = int(L.c["ECHO_ID_12C"])
    f, r = same_node(L, s, (c, eid, n0, None), echo=True)
    # An echo reply is sent from the softirq that received the request, and
    # forwarded by the bridge in the same one: nothing waits between the tap
    # of the host veth and the pod's receive.
    r.extra = {"tied_timestamps": {
        "points": [L.veth_point("pod-centos"), L.pod_point("pod-centos")], "min_packets": 1,
        "why": ("veth_xmit hands the frame to the peer within a microsecond: the tap on the host veth (sending) and "
                "on the pod's eth0 (receiving) often read the same microsecond; the pod's eth0 is the end")}}
    s.flow("pod-centos pings pod-nginx0 by pod IP (bridged, id %d)" % eid, "icmp", T.origin(c, eid, n0, None), f, r)


def scn_12d(L, s):
    shift = float(L.c["CLOCK_SHIFT_12D"])
    lo, hi = float(L.c["WIRE_DELAY_MIN_MS"]), float(L.c["WIRE_DELAY_MAX_MS"])
    s.summary = ("cross node with a clock error pktpath can only estimate to a few ms: frames towards node2 wait "
                 "%g-%g ms on the wire (jitter, reordering), frames from node2 do not; node2's captures shifted by "
                 "%+.6f s; HTTP via ClusterIP and UDP request/response, every packet delivered" % (lo, hi, shift))
    s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], False)
    svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
    sport = int(L.c["SPORT_12D_TCP"])
    f, r = T.cross_node_path(L, s, sport, svc, port, False)
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d -> pod-nginx1 on node2, across the jittering wire" % (svc, port),
           "tcp", T.origin(L.ip("pod-centos"), sport, svc, port), f, r)
    sport, uport, srv = int(L.c["SPORT_12D_UDP"]), int(L.c["UDP_ECHO_PORT"]), L.ip("pod-nginx1")
    f, r = cross_path(L, s, sport, srv, uport, srv, uport)
    s.flow("pod-centos <-> pod-nginx1 on node2, UDP request/response across the jittering wire", "udp",
           T.origin(L.ip("pod-centos"), sport, srv, uport), f, r)
    # An estimate from minimum one-way delays is off by half their
    # difference: at most half the largest delay of the wire.
    s.extra = {"clock": clock("node2", shift, round(hi / 2000 + 0.001, 6),
                              "editcap -t %+.6f on node2's files; the wire delays one direction by %g-%g ms, so an "
                              "estimate from one-way delays is off by up to half of that" % (shift, lo, hi))}


def scn_12e(L, s):
    s.summary = ("GRO on the receiving node, reverse direction over VXLAN: pod-centos downloads %s bytes from "
                 "pod-nginx1 on node2 via ClusterIP svc-nginx, offloads on in both nodes: super-segments on node2 "
                 "up to its eth0, wire-size segments on node1's eth0, GRO-merged again from node1's flannel.1 on"
                 % L.c["BULK12E_SIZE"])
    s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], True)
    svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
    sport = int(L.c["SPORT_12E"])
    f, r = T.cross_node_path(L, s, sport, svc, port, True)
    mss = T.mss_payload(1450)
    for p in (L.pod_point("pod-nginx1"), L.veth_point("pod-nginx1"), "node2/cni0", "node2/flannel.1", "node2/eth0"):
        r.segmentation.append({"point": p, "max_tcp_payload_gt": mss,
                               "why": "TSO/GSO on in node2: super-segments down to and through its eth0 (VXLAN GSO)"})
    r.segmentation.append({"point": "node1/eth0", "max_tcp_payload_le": mss,
                           "why": "the VPC port towards node1 has GSO off: it segments before node1's eth0 sees them"})
    for p in ("node1/flannel.1", "node1/cni0", L.veth_point("pod-centos"), L.pod_point("pod-centos")):
        r.segmentation.append({"point": p, "max_tcp_payload_gt": mss,
                               "why": "GRO: flannel.1 merges the decapsulated segments in its gro_cells"})
    s.flow("pod-centos downloads from pod-nginx1 on node2 via ClusterIP svc-nginx %s:%d over VXLAN, GRO on node1"
           % (svc, port), "tcp", T.origin(L.ip("pod-centos"), sport, svc, port), f, r)


def one_way(L, s, sport, dport, lost):
    """pod-centos -> pod-nginx1, UDP one way, at the four captured points;
    a lost datagram ends at node1/eth0."""
    c, srv = L.ip("pod-centos"), L.ip("pod-nginx1")
    pts = [(L.pod_point("pod-centos"), "out", 0), ("node1/eth0", "out", 0), ("node2/eth0", "in", 0),
           (L.pod_point("pod-nginx1"), "in", 0)]
    f = T.Dir()
    T.path(f, pts[:2] if lost else pts, [(c, sport, srv, dport)])
    T.absent_all(f, s.points)
    return f


def scn_12f(L, s):
    n, permille, seed = int(L.c["COUNT_12F"]), int(L.c["LOSS_PERMILLE_12F"]), int(L.c["LOSS_SEED_12F"])
    lost = sum(loss_marks(n, permille, seed))
    s.summary = ("one-way UDP with loss: %d datagrams from pod-centos to pod-nginx1 on node2, no reply traffic; the "
                 "VPC drops %d of them (%.1f%%, chosen by a seeded PRNG), and %s one-datagram flows of which every "
                 "%s-th is dropped, then %s s later one more that arrives" % (
                     n, lost, 100.0 * lost / n, L.c["SINGLES_12F"], L.c["SINGLES_LOST_EVERY_12F"],
                     L.c["TAIL_DELAY_12F"]))
    s.points = [L.pod_point("pod-centos"), "node1/eth0", "node2/eth0", L.pod_point("pod-nginx1")]
    c, srv, port = L.ip("pod-centos"), L.ip("pod-nginx1"), int(L.c["SINK_PORT_12F"])
    stop = {"after": "node1/eth0", "expected_next": "node2/eth0"}
    cause = "the VPC router drops the datagrams marked D (iptables FORWARD, u32 on the first payload byte)"
    sport = int(L.c["SPORT_12F"])
    f = one_way(L, s, sport, port, False)
    f.verdict, f.stopped, f.cause = "partial", dict(stop, packets=lost), cause
    f.extra = {"finding": "partial",
               "lost_marker": {"marker": "D", "packets": lost, "after": "node1/eth0", "next": "node2/eth0"}}
    s.flow("pod-centos -> pod-nginx1 on node2, %d UDP datagrams one way, %d lost between the nodes" % (n, lost),
           "udp", T.origin(c, sport, srv, port), f, None)
    base, every = int(L.c["SINGLES_SPORT_12F"]), int(L.c["SINGLES_LOST_EVERY_12F"])
    for i in range(int(L.c["SINGLES_12F"])):
        gone = single_lost(i, every)
        f = one_way(L, s, base + i, port, gone)
        if gone:
            f.verdict, f.stopped, f.cause = "stopped", dict(stop, packets=1), cause
            f.extra = {"finding": "stopped"}
        s.flow("pod-centos -> pod-nginx1, one datagram from port %d%s" % (base + i, ", lost" if gone else ""),
               "udp", T.origin(c, base + i, srv, port), f, None)
    # Not marked: it shows node2/eth0 still capturing after the last lost one.
    tail = int(L.c["TAIL_SPORT_12F"])
    s.flow("pod-centos -> pod-nginx1, one datagram from port %d, %s s after the others" % (tail, L.c["TAIL_DELAY_12F"]),
           "udp", T.origin(c, tail, srv, port), one_way(L, s, tail, port, False), None)


def scn_12g(L, s):
    n1, n2 = int(L.c["COUNT1_12G"]), int(L.c["COUNT2_12G"])
    s.summary = ("a NAT that starts part-way through a flow: pod-centos sends %d UDP datagrams one way to the "
                 "external client; node1 starts to SNAT them to its own address after the first %d" % (n1 + n2, n1))
    s.points = ext_points(L, ["pod-centos"], False)
    c, n1ip, cl = L.ip("pod-centos"), L.c["NODE1_ETH0_IP"], L.c["CLIENT_IP"]
    sport, port = int(L.c["SPORT_12G"]), int(L.c["SINK_PORT_12G"])
    f = T.Dir()
    T.path(f, [(L.pod_point("pod-centos"), "out", 0), (L.veth_point("pod-centos"), "in", 0), ("node1/cni0", "in", 0),
               ("node1/eth0", "out", 1), ("slb/eth1", "in", 1), ("slb/eth0", "out", 1), ("client/eth0", "in", 1)],
           [(c, sport, cl, port), (n1ip, sport, cl, port)])
    # The SNAT rule is added after datagram n1 and the flow's conntrack
    # entry deleted: the later datagrams take a new entry, which is NATed.
    f.nat[0]["packets"] = n2
    f.nat[0]["untranslated_first"] = n1
    f.client_ip_lost = {"original": c, "replaced_by": n1ip, "_i": 2, "_j": 3}
    f.finding = "client_ip_lost"  # once the SNAT applies
    T.absent_all(f, s.points)
    s.flow("pod-centos -> external client %s:%d, UDP one way, SNAT from datagram %d on" % (cl, port, n1 + 1), "udp",
           T.origin(c, sport, cl, port), f, None)


def scn_12h(L, s):
    p1, p2 = int(L.c["NODE1_VXLAN_PORT"]), int(L.c["NODE2_VXLAN_PORT"])
    s.summary = ("VXLAN on non-standard ports through a router on a stick: node2's flannel.1 listens on and sends "
                 "from UDP %d, node1's on %d, so the forward packets go to port %d and the replies come from it; "
                 "the nodes reach each other through a firewall with one interface (fw/eth0 sees every packet in, "
                 "then out)" % (p2, p1, p2))
    s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], True) + ["fw/eth0"]
    svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
    sport = int(L.c["SPORT_12H"])
    srv = L.ip("pod-nginx1")
    f, r = cross_path(L, s, sport, svc, port, srv, int(L.c["POD_HTTP_PORT"]), vxlan=True, ports=(p2, p1), fw=True)
    s.flow("pod-centos -> ClusterIP svc-nginx %s:%d -> pod-nginx1 over VXLAN port %d, through the firewall"
           % (svc, port, p2), "tcp", T.origin(L.ip("pod-centos"), sport, svc, port), f, r)


def eui64_ll(mac):
    b = [int(x, 16) for x in mac.split(":")]
    b[0] ^= 2
    w = [b[0] << 8 | b[1], b[2] << 8 | 0xff, 0xfe << 8 | b[3], b[4] << 8 | b[5]]
    return "fe80::" + ":".join("%x" % x for x in w)


def scn_12i(L, s):
    s.summary = ("IPv6 neighbour discovery: the nodes' default route is the VPC router's link-local address; "
                 "pod-centos fetches a page from pod-nginx1 on node2 by its IPv6 address, and the router answers "
                 "each node's solicitation with a Neighbor Advertisement that differs only in its destination")
    s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], False)
    port, sport = int(L.c["POD_HTTP_PORT"]), int(L.c["SPORT_12I"])
    srv = L.pod("pod-nginx1", "IP6")
    f, r = cross_path(L, s, sport, srv, port, srv, port, v6=True)
    s.flow("pod-centos -> pod-nginx1 on node2 by IPv6 address, via the VPC router", "tcp",
           T.origin(L.pod("pod-centos", "IP6"), sport, srv, port), f, r)
    ll = L.c["VPC_LL6"]
    s.extra = {"neighbour_advertisements": {
        "from": ll, "target": ll,
        "to": {"node1/eth0": eui64_ll(L.c["NODE1_ETH0_MAC"]), "node2/eth0": eui64_ll(L.c["NODE2_ETH0_MAC"])},
        "why": ("each node resolves its default gateway %s: the router's solicited NA goes to the node's link-local "
                "address; both carry the same ICMPv6 body (target, flags, link-layer address option): they are two "
                "packets, never one conversation and never a NAT" % ll)}}


SCENARIOS = {"12a-icmp-echo": scn_12a, "12b-udp-clock": scn_12b, "12c-bridge-order": scn_12c,
             "12d-jitter-clock": scn_12d, "12e-gro-download": scn_12e, "12f-udp-loss": scn_12f,
             "12g-nat-midflow": scn_12g, "12h-vxlan-6080": scn_12h, "12i-ipv6-nd": scn_12i}


def amend_lab_json(L, s, labj):
    """What lab.json would otherwise say wrong or not at all about these
    topologies: 12h's VXLAN ports and firewall, 12d's wire."""
    st = labj["settings"]
    if "TOPO_VXLAN_PORTS" in st:
        for n in ("node1", "node2"):
            labj["nodes"][n]["flannel.1"]["port"] = int(L.c[n.upper() + "_VXLAN_PORT"])
    if "FW" in st:
        labj["fw"] = {"netns": L.c["NS_FW"], "eth0": {"ip": L.c["FW_ETH0_IP"], "mac": L.c["FW_ETH0_MAC"]},
                      "routes": ["node1: %s via %s" % (L.c["NODE2_ETH0_IP"], L.c["FW_ETH0_IP"]),
                                 "node2: %s via %s" % (L.c["NODE1_ETH0_IP"], L.c["FW_ETH0_IP"])]}
    if "WIRE" in st:
        labj["wire"] = {"netns": L.c["WIRE_NS"], "between": ["vpc", "node2"],
                        "delay_ms_towards_node2": [float(L.c["WIRE_DELAY_MIN_MS"]), float(L.c["WIRE_DELAY_MAX_MS"])],
                        "seed": int(L.c["WIRE_SEED"])}
