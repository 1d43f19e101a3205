"""pktpath lab: the truth of the issue-13 scenarios (lib/scenarios_gaps.sh).

Like the rest of truth.py, every claim comes from what the lab configured:
which point captured with a ring, a rotated set missing a piece or a
paused dumpcap (the gaps), where the VPC drops at random (recovered loss),
which policy route sends a reply the wrong way (asymmetric return). Added
to truth.py's table by scenarios(), which gets truth.py's module for its
helpers (Dir, path, cross_node_path, ...).
"""


def scenarios(T):
    """The scenario functions, keyed by scenario name; T is truth.py."""

    def cross_node_download(L, s, sport, vxlan=False):
        svc, port = L.c["SVC_NGINX_IP"], int(L.c["SVC_NGINX_PORT"])
        f, r = T.cross_node_path(L, s, sport, svc, port, vxlan)
        return f, r, T.origin(L.ip("pod-centos"), sport, svc, port)

    def scn_20(L, s):
        s.summary = ("capture gaps: pod-centos downloads mid.bin (%s bytes) from pod-nginx1 via ClusterIP svc-nginx, "
                     "captured completely and, in the same run, three ways with a gap at the client pod's eth0, "
                     "the end of the data's path: a tcpdump -C/-W ring that overwrote its oldest piece, a rotated "
                     "set whose middle piece was deleted, a dumpcap whose kernel buffer overflowed; nothing was "
                     "lost in the network" % L.c["MID_SIZE"])
        s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], False)
        f, r, o = cross_node_download(L, s, int(L.c["SPORT_20"]))
        f.recovered_loss = r.recovered_loss = False
        s.flow("pod-centos -> ClusterIP svc-nginx -> pod-nginx1, %s-byte download" % L.c["MID_SIZE"], "tcp", o, f, r)
        f, r, o = cross_node_download(L, s, int(L.c["SPORT_20_NEXT"]))
        f.recovered_loss = r.recovered_loss = False
        s.flow("pod-centos -> ClusterIP svc-nginx -> pod-nginx1, index.html one second after the download", "tcp",
               o, f, r)
        v, pt = s.name, L.pod_point("pod-centos")
        s.gaps = {v + "-ring": [{"point": pt, "why": "ring_overwritten"}],
                  v + "-deleted-piece": [{"point": pt, "why": "missing_piece"}],
                  v + "-kernel-drops": [{"point": pt, "why": "kernel_drops"}]}

        def amend_lab(labj, variant):
            for c in labj["captures"]:
                if variant == v + "-deleted-piece" and c["points"] == [pt]:
                    c["deleted_pieces"] = [pt + ".pcap" + L.c["GAP_DELETED_PIECE"]]
                if variant == v + "-kernel-drops" and c["points"] == [pt]:
                    c["paused"] = "kill -STOP before the download, kill -CONT after it"
        s.amend_lab = amend_lab

    def scn_21(L, s):
        s.summary = ("snaplen 128 on a VXLAN path: scenario 2 over flannel.1 with every point cut at 128 bytes; on "
                     "the nodes' -i any captures (SLL2) the VXLAN-wrapped SYN and SYN-ACK need 130 bytes, so their "
                     "TCP options are cut; the paths, NAT and verdicts are those of a full capture")
        s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], True)
        f, r, o = cross_node_download(L, s, int(L.c["SPORT_21"]), vxlan=True)
        f.snaplen_cut = ["node1/eth0", "node2/eth0"]
        r.snaplen_cut = ["node2/eth0", "node1/eth0"]
        s.flow("pod-centos -> ClusterIP svc-nginx -> pod-nginx1 over VXLAN, captured with -s 128", "tcp", o, f, r)

    def scn_22(L, s):
        s.summary = ("recovered loss: the VPC router drops %s of the packets pod-nginx1 sends to pod-centos at random "
                     "(iptables statistic; the kernel has no netem) during a %s-byte download; TCP retransmits and "
                     "every byte arrives" % (L.c["LOSS_PROBABILITY"], L.c["MID_SIZE"]))
        s.points = T.pods_points(L, ["pod-centos", "pod-nginx1"], False)
        f, r, o = cross_node_download(L, s, int(L.c["SPORT_22"]))
        f.recovered_loss = False
        r.recovered_loss = True
        r.recovered_loss_between = {"after": "node2/eth0", "expected_next": "node1/eth0"}
        r.finding = "recovered_loss"
        r.cause = ("pp-vpc: iptables -A FORWARD -s %s -d %s -p tcp --sport %s -m statistic --mode random "
                   "--probability %s -j DROP (the fault injected by the lab)"
                   % (L.ip("pod-nginx1"), L.ip("pod-centos"), L.c["POD_HTTP_PORT"], L.c["LOSS_PROBABILITY"]))
        s.flow("pod-centos -> ClusterIP svc-nginx -> pod-nginx1, download with random loss in the VPC", "tcp", o, f, r)

    def scn_23(L, s):
        s.summary = ("asymmetric return: client -> SLB VIP 47.100.0.11:80 -> node2 NodePort 31080 (Local) -> "
                     "pod-nginx2, whose reply a policy route on node2 sends to node1 instead of back to the VPC "
                     "router; node1's conntrack never saw the SYN and kube-proxy's INVALID rule drops the SYN-ACK")
        s.points = T.ext_points(L, ["pod-nginx2"])
        cl, sport = L.c["CLIENT_IP"], int(L.c["SPORT_23"])
        vip, vport = L.c["SVC_LBL_VIP"], int(L.c["SVC_LBL_PORT"])
        n2ip, np_ = L.c["NODE2_ETH0_IP"], int(L.c["SVC_LBL_NODEPORT"])
        pod, port = L.ip("pod-nginx2"), int(L.c["POD_HTTP_PORT"])
        f = T.Dir()
        T.path(f, [("client/eth0", "out", 0), ("slb/eth0", "in", 0), ("slb/eth1", "out", 1), ("node2/eth0", "in", 1),
                   ("node2/cni0", "out", 2), (L.veth_point("pod-nginx2"), "out", 2), (L.pod_point("pod-nginx2"), "in", 2)],
               [(cl, sport, vip, vport), (cl, sport, n2ip, np_), (cl, sport, pod, port)])
        r = T.Dir()
        T.path(r, [(L.pod_point("pod-nginx2"), "out", 0), (L.veth_point("pod-nginx2"), "in", 0),
                   ("node2/cni0", "in", 0), ("node2/eth0", "out", 1), ("node1/eth0", "in", 1)],
               [(pod, port, cl, sport), (n2ip, np_, cl, sport)], reverse=True)
        r.verdict = "stopped"
        # The reply should have gone back the way the request came: from
        # node2/eth0 to the VPC router and the SLB.
        r.stopped = {"after": "node1/eth0", "expected_next": "slb/eth1"}
        r.finding = "asymmetric_return"
        r.cause = ("node2: ip rule add from %s lookup %s; ip route add default via %s dev eth0 table %s: the reply "
                   "leaves node2/eth0 for node1 (%s) while the request came from the VPC router; node1 has no "
                   "conntrack entry for it (INVALID) and KUBE-FORWARD drops it"
                   % (pod, L.c["ASYM_TABLE"], L.c["NODE1_ETH0_IP"], L.c["ASYM_TABLE"], L.c["NODE1_ETH0_IP"]))
        for d in (f, r):
            T.absent_all(d, s.points)
        s.flow("client -> SLB VIP %s:%d -> node2 NodePort %d (Local) -> pod-nginx2, reply routed via node1"
               % (vip, vport, np_), "tcp", T.origin(cl, sport, vip, vport), f, r)

    return {"20-capture-gaps": scn_20, "21-vxlan-snaplen128": scn_21, "22-recovered-loss": scn_22,
            "23-asymmetric-return": scn_23}
