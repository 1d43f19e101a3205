# pktpath lab: the scenarios of issue 24 -- real-kernel shapes the lab had
# not recorded: IP fragments, a hairpinned service call, many short UDP
# flows through a ClusterIP, a TCP connection refused by the endpoint.
# Sourced by lab.sh after scenarios.sh and scenarios_trust.sh, whose helpers
# (cap_points, udp_server, udptool, run_note) they use.

ALL_SCENARIOS+=(24-ip-fragments 25-hairpin 26-udp-dns-clusterip 27-tcp-refused-endpoint)

KP_SVC_DNS=S56KJKPWGDSMMW6W
KP_SEP_DNS=N5NK23VYHEDEMTM7
KP_SVC_REFUSED=NODN2XAQKIIW5CPG
KP_SEP_REFUSED=RQX5AZGMZ2R3Z7UU

# kubeproxy_lab24: the two services of these scenarios on both nodes, in the
# layout kube-proxy v1.26 writes (chain names are its hashes of
# "default/<svc>:<port name>" + protocol [+ endpoint]), added to the rule set
# of kubeproxy_up: svc-dns (UDP) and svc-refused (TCP, to a port of
# pod-nginx1 that nothing listens on).
kubeproxy_lab24() {
	local node ns
	for node in node1 node2; do
		ns=$(node_ns "$node")
		nsx "$ns" iptables-restore --noflush <<EOF
*nat
:KUBE-SVC-$KP_SVC_DNS - [0:0]
:KUBE-SEP-$KP_SEP_DNS - [0:0]
:KUBE-SVC-$KP_SVC_REFUSED - [0:0]
:KUBE-SEP-$KP_SEP_REFUSED - [0:0]
-I KUBE-SERVICES 1 -d $SVC_DNS_IP/32 -p udp -m comment --comment "default/svc-dns:dns cluster IP" -m udp --dport $SVC_DNS_PORT -j KUBE-SVC-$KP_SVC_DNS
-A KUBE-SVC-$KP_SVC_DNS -m comment --comment "default/svc-dns:dns -> $POD_NGINX1_IP:$UDP_DNS_TARGET_PORT" -j KUBE-SEP-$KP_SEP_DNS
-A KUBE-SEP-$KP_SEP_DNS -s $POD_NGINX1_IP/32 -m comment --comment "default/svc-dns:dns" -j KUBE-MARK-MASQ
-A KUBE-SEP-$KP_SEP_DNS -p udp -m comment --comment "default/svc-dns:dns" -m udp -j DNAT --to-destination $POD_NGINX1_IP:$UDP_DNS_TARGET_PORT
-I KUBE-SERVICES 1 -d $SVC_REFUSED_IP/32 -p tcp -m comment --comment "default/svc-refused:http cluster IP" -m tcp --dport $SVC_REFUSED_PORT -j KUBE-SVC-$KP_SVC_REFUSED
-A KUBE-SVC-$KP_SVC_REFUSED -m comment --comment "default/svc-refused:http -> $POD_NGINX1_IP:$REFUSED_TARGET_PORT" -j KUBE-SEP-$KP_SEP_REFUSED
-A KUBE-SEP-$KP_SEP_REFUSED -s $POD_NGINX1_IP/32 -m comment --comment "default/svc-refused:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-$KP_SEP_REFUSED -p tcp -m comment --comment "default/svc-refused:http" -m tcp -j DNAT --to-destination $POD_NGINX1_IP:$REFUSED_TARGET_PORT
COMMIT
EOF
	done
	echo "KUBE_PROXY_EXTRA=svc-dns $SVC_DNS_IP:$SVC_DNS_PORT/udp -> $POD_NGINX1_IP:$UDP_DNS_TARGET_PORT; svc-refused $SVC_REFUSED_IP:$SVC_REFUSED_PORT/tcp -> $POD_NGINX1_IP:$REFUSED_TARGET_PORT" >>"$STAGE/.settings"
}

scn_24() {
	local v=24-ip-fragments
	local TOPO_VXLAN=1 TOPO_POD_MTU=1450
	lab_up
	kubeproxy_lab24
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	udp_server "$(pod_ns pod-nginx1)" echo "$UDP_DNS_TARGET_PORT"
	# Datagrams larger than the pod's MTU: the sending stack fragments them
	# (no DF on a datagram that does not fit); the echo answers in kind.
	udptool "$(pod_ns pod-centos)" rr "$POD_NGINX1_IP" "$UDP_DNS_TARGET_PORT" "$SPORT_24_POD" "$FRAG_COUNT_24" 20 \
		--size "$FRAG_SIZE_24"
	# The same through the ClusterIP: node1's conntrack reassembles the
	# fragments before the DNAT and fragments the result again on output.
	udptool "$(pod_ns pod-centos)" rr "$SVC_DNS_IP" "$SVC_DNS_PORT" "$SPORT_24_SVC" "$FRAG_COUNT_24" 20 \
		--size "$FRAG_SIZE_24"
	settle
	cap_stop
}

scn_25() {
	local v=25-hairpin
	lab_up
	# kubelet's hairpin mode: the bridge may send a frame back out of the
	# port it came in on (the DNATed call of pod-nginx0 to itself).
	nsx "$NS_NODE1" ip link set dev "$POD_NGINX0_VETH" type bridge_slave hairpin on
	echo "HAIRPIN=ip link set dev $POD_NGINX0_VETH type bridge_slave hairpin on (node1)" >>"$STAGE/.settings"
	cap_points $v 262144 pod-nginx0
	snapshot_ip $v
	http_get "$(pod_ns pod-nginx0)" "$SPORT_25" "http://$SVC_LOCAL_IP/index.html" 0 5
	settle
	cap_stop
}

scn_26() {
	local v=26-udp-dns-clusterip
	local TOPO_VXLAN=1 TOPO_POD_MTU=1450
	lab_up
	kubeproxy_lab24
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	udp_server "$(pod_ns pod-nginx1)" echo "$UDP_DNS_TARGET_PORT"
	udptool "$(pod_ns pod-centos)" queries "$SVC_DNS_IP" "$SVC_DNS_PORT" "$SPORT_26_BASE" "$QUERIES_26" 10
	settle
	cap_stop
}

scn_27() {
	local v=27-tcp-refused-endpoint
	lab_up
	kubeproxy_lab24
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	# Nothing listens on REFUSED_TARGET_PORT in pod-nginx1: its kernel answers
	# the SYN with RST; curl: connection refused (exit 7).
	http_get "$(pod_ns pod-centos)" "$SPORT_27" "http://$SVC_REFUSED_IP/index.html" 7 5
	settle
	cap_stop
}
