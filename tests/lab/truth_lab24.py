"""pktpath lab: the truth of the issue-24 scenarios (lib/scenarios_lab24.sh).

As in truth.py, every claim comes from what the lab configured (the
services svc-dns and svc-refused that kubeproxy_lab24 adds, the hairpin
flag on pod-nginx0's bridge port, the pods' MTU) and from what the kernel is
known to do with it (tests/lab/README.md, "What the kernel does"), never
from the captures. Added to truth.py's table by scenarios(), which gets
truth.py's module for its helpers. The cross-node paths are truth12's
cross_path (ClusterIP DNAT as the frame enters cni0, un-DNAT as the reply
leaves through it).
"""


def scenarios(T):
    """The scenario functions, keyed by scenario name; T is truth.py."""

    def services(L):
        c = L.c
        return [{"name": "svc-dns", "type": "ClusterIP", "protocol": "udp", "cluster_ip": c["SVC_DNS_IP"],
                 "port": int(c["SVC_DNS_PORT"]),
                 "endpoints": [T.ep(c["POD_NGINX1_IP"], int(c["UDP_DNS_TARGET_PORT"]))],
                 "note": "udptool.py echo in pod-nginx1"},
                {"name": "svc-refused", "type": "ClusterIP", "cluster_ip": c["SVC_REFUSED_IP"],
                 "port": int(c["SVC_REFUSED_PORT"]),
                 "endpoints": [T.ep(c["POD_NGINX1_IP"], int(c["REFUSED_TARGET_PORT"]))],
                 "note": "nothing listens on the target port: the pod's kernel answers RST"}]

    def with_services(L, s):
        def amend_lab(labj, variant):
            labj["services"] += services(L)
        s.amend_lab = amend_lab

    def scn_24(L, s):
        import truth12
        size, count = int(L.c["FRAG_SIZE_24"]), int(L.c["FRAG_COUNT_24"])
        s.summary = ("IP fragments over VXLAN: pod-centos sends %d UDP datagrams of %d bytes (pod MTU 1450, no DF) "
                     "to pod-nginx1 on node2, which echoes each whole; every datagram leaves the pod in fragments "
                     "that share one IP ID, only the first with the UDP ports. Then the same through the ClusterIP "
                     "svc-dns %s:%s: node1's conntrack reassembles before the DNAT and fragments again on output"
                     % (count, size, L.c["SVC_DNS_IP"], L.c["SVC_DNS_PORT"]))
        s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], True)
        c, srv, port = L.ip("pod-centos"), L.ip("pod-nginx1"), int(L.c["UDP_DNS_TARGET_PORT"])
        sport = int(L.c["SPORT_24_POD"])
        f, r = truth12.cross_path(L, s, sport, srv, port, srv, port, vxlan=True)
        s.flow("pod-centos <-> pod-nginx1 over VXLAN, %d-byte UDP datagrams in fragments" % size, "udp",
               T.origin(c, sport, srv, port), f, r)
        svc, sp = L.c["SVC_DNS_IP"], int(L.c["SVC_DNS_PORT"])
        sport = int(L.c["SPORT_24_SVC"])
        f, r = truth12.cross_path(L, s, sport, svc, sp, srv, port, vxlan=True)
        s.flow("pod-centos -> ClusterIP svc-dns %s:%d -> pod-nginx1 over VXLAN, %d-byte UDP datagrams in fragments"
               % (svc, sp, size), "udp", T.origin(c, sport, svc, sp), f, r)
        with_services(L, s)

    def scn_25(L, s):
        s.summary = ("hairpin: pod-nginx0 calls ClusterIP svc-local %s:%s, whose only endpoint is pod-nginx0 itself; "
                     "br_netfilter DNATs the frame as it enters cni0 and bridges it back out of the port it came in "
                     "by (hairpin mode), and kube-proxy's KUBE-SEP rule for source == endpoint masquerades it to "
                     "cni0's address: the pod sees its own call come from %s"
                     % (L.c["SVC_LOCAL_IP"], L.c["SVC_LOCAL_PORT"], L.c["NODE1_CNI0_IP"]))
        s.points = T.pods_points(L, ["pod-nginx0"], False)
        me, gw = L.ip("pod-nginx0"), L.c["NODE1_CNI0_IP"]
        svc, sp = L.c["SVC_LOCAL_IP"], int(L.c["SVC_LOCAL_PORT"])
        port, sport = int(L.c["POD_HTTP_PORT"]), int(L.c["SPORT_25"])
        pod, veth = L.pod_point("pod-nginx0"), L.veth_point("pod-nginx0")
        promisc = ("promiscuous copy: tcpdump puts cni0 into promiscuous mode, so br_handle_frame_finish() passes a "
                   "copy of every bridged frame up to cni0; the copy is taken after the rewrite of bridge "
                   "PREROUTING and before the one of bridge POSTROUTING (done on the forwarded clone)")
        # Every packet, both ways, is sent by cni0 itself: the DNATed
        # address is routed back to cni0 (bridged DNAT) and
        # br_nf_pre_routing_finish_bridge() hands the frame to the neighbour
        # output of the bridge device, so cni0's tap sees it outgoing with
        # cni0's MAC as source, after the rewrite of bridge PREROUTING and
        # before the one of POSTROUTING; br_dev_xmit() puts the sender's MAC
        # back and bridges it out of the port it came in by. (In scenario 1
        # only the first packet went this way; the others used the cached
        # header. In this recording none did: cni0 is a hop of the path.)
        f = T.Dir()
        # DNAT in bridge PREROUTING (before cni0), masquerade (KUBE-SEP: -s
        # endpoint -> KUBE-MARK-MASQ) in bridge POSTROUTING to cni0's
        # address, the port kept (after cni0).
        T.path(f, [(pod, "out", 0), (veth, "in", 0), ("node1/cni0", "out", 1), (veth, "out", 2), (pod, "in", 2)],
               [(me, sport, svc, sp), (me, sport, me, port), (gw, sport, me, port)])
        f.sightings.append({"point": "node1/cni0", "ifdir": "in", "src": me, "sport": sport, "dst": me,
                            "dport": port, "_after": 3, "packets": "all", "why": promisc})
        f.client_ip_lost = {"original": me, "replaced_by": gw, "_i": 2, "_j": 3}
        f.finding = "client_ip_lost"
        r = T.Dir()
        # The reply goes to cni0's address: un-masquerade in PREROUTING
        # (destination back to the pod), out through cni0 and bridged back
        # out of the same port, un-DNAT in POSTROUTING (source back to the
        # service).
        T.path(r, [(pod, "out", 0), (veth, "in", 0), ("node1/cni0", "out", 1), (veth, "out", 2), (pod, "in", 2)],
               [(me, port, gw, sport), (me, port, me, sport), (svc, sp, me, sport)], reverse=True)
        r.sightings.append({"point": "node1/cni0", "ifdir": "in", "src": me, "sport": port, "dst": me,
                            "dport": sport, "_after": 3, "packets": "all", "why": promisc})
        for d in (f, r):
            T.absent_all(d, s.points)
        s.flow("pod-nginx0 -> ClusterIP svc-local %s:%d -> pod-nginx0 itself (hairpin, masqueraded)" % (svc, sp),
               "tcp", T.origin(me, sport, svc, sp), f, r)

    def scn_26(L, s):
        import truth12
        n = int(L.c["QUERIES_26"])
        svc, sp = L.c["SVC_DNS_IP"], int(L.c["SVC_DNS_PORT"])
        s.summary = ("DNS-like: pod-centos sends %d one-datagram queries, each from its own source port, to the UDP "
                     "ClusterIP svc-dns %s:%d, DNATed on node1 to pod-nginx1:%s on node2 over VXLAN; each is "
                     "answered once, un-DNATed on node1 on the way back" % (n, svc, sp, L.c["UDP_DNS_TARGET_PORT"]))
        s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], True)
        c, srv, port = L.ip("pod-centos"), L.ip("pod-nginx1"), int(L.c["UDP_DNS_TARGET_PORT"])
        base = int(L.c["SPORT_26_BASE"])
        for i in range(n):
            f, r = truth12.cross_path(L, s, base + i, svc, sp, srv, port, vxlan=True)
            s.flow("query %d: pod-centos -> ClusterIP svc-dns %s:%d -> pod-nginx1, one answer" % (i + 1, svc, sp),
                   "udp", T.origin(c, base + i, svc, sp), f, r)
        with_services(L, s)

    def scn_27(L, s):
        import truth12
        svc, sp = L.c["SVC_REFUSED_IP"], int(L.c["SVC_REFUSED_PORT"])
        tport = int(L.c["REFUSED_TARGET_PORT"])
        s.summary = ("refused by the endpoint: pod-centos connects to ClusterIP svc-refused %s:%d, DNATed on node1 to "
                     "pod-nginx1:%d on node2 (VPC route), where nothing listens: pod-nginx1's kernel answers the SYN "
                     "with RST, un-DNATed on node1; curl: connection refused" % (svc, sp, tport))
        s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], False)
        c, srv = L.ip("pod-centos"), L.ip("pod-nginx1")
        sport = int(L.c["SPORT_27"])
        f, r = truth12.cross_path(L, s, sport, svc, sp, srv, tport)
        # Both directions are delivered: the SYN reached the endpoint, whose
        # kernel refused it; the RST reached the client. Nothing stopped.
        f.finding = "refused"
        # What answered: the reset, first seen where the SYN ended, from the
        # endpoint's own address (the reverse direction's path).
        f.answered_by = {"kind": "tcp_rst", "from": srv, "to": c, "point": L.pod_point("pod-nginx1"),
                         "path": [h["point"] for h in r.hops]}
        f.cause = "nothing listens on %s:%d in pod-nginx1: tcp_v4_send_reset() answers the SYN" % (srv, tport)
        s.flow("pod-centos -> ClusterIP svc-refused %s:%d -> pod-nginx1:%d, refused by the endpoint (RST)"
               % (svc, sp, tport), "tcp", T.origin(c, sport, svc, sp), f, r)
        with_services(L, s)

    return {"24-ip-fragments": scn_24, "25-hairpin": scn_25, "26-udp-dns-clusterip": scn_26,
            "27-tcp-refused-endpoint": scn_27}
