# pktpath lab: the scenarios. Sourced by lab.sh.
# Each scn_<n> sets the topology knobs, builds the lab, starts every capture,
# records the ip state, sends the traffic and stops the captures. lab.sh
# then writes lab.json, expected.json and README.md (truth.py) and tears down.
# SCN_VARIANTS lists the output folders one run produces.

ALL_SCENARIOS=(1-same-node 2-cross-node-clusterip 3-local-policy-no-endpoint 4-external-local-policy
	5-external-cluster-policy 6-silent-drop 7-vxlan-bulk 8-vxlan-mtu-blackhole 9-dual-stack)

# Folders written by one scenario run.
scenario_variants() {
	case $1 in
	2-cross-node-clusterip) echo "$1 $1-any $1-any-sll $1-dumpcap" ;;
	5-external-cluster-policy) echo "$1 $1-any" ;;
	7-vxlan-bulk) echo "$1 $1-rotated" ;;
	20-capture-gaps) echo "$1 $1-ring $1-deleted-piece $1-kernel-drops" ;;
	12*) scenario_variants_12 "$1" ;;
	*) echo "$1" ;;
	esac
}

# node_points NODE: the node's own points: eth0, cni0, every host veth,
# flannel.1 with the VXLAN backend.
node_points() {
	local p
	echo "$1/eth0"
	[ "${TOPO_VXLAN:-0}" = 1 ] && echo "$1/flannel.1"
	echo "$1/cni0"
	for p in $(pods_of "$1"); do echo "$1/$(pod_var "$p" VETH)"; done
}

pod_point() { echo "$(pod_var "$1" NODE)/$1/eth0"; }

# cap_points VARIANT SNAPLEN POD...: per-interface captures on both nodes plus
# eth0 inside the given pods.
cap_points() {
	local v=$1 snap=$2 p
	shift 2
	for p in "$@"; do cap_iface "$v" "$(pod_point "$p")" "$snap"; done
	for p in $(node_points node1) $(node_points node2); do cap_iface "$v" "$p" "$snap"; done
}

cap_external() {
	local v=$1 p
	for p in client/eth0 slb/eth0 slb/eth1; do cap_iface "$v" "$p"; done
}

lab_up() {
	local k
	for k in TOPO_VXLAN TOPO_IPV6 TOPO_POD_MTU TOPO_NODE_MTU TOPO_FLANNEL_MTU TOPO_VXLAN_DF TOPO_VPC_NODE1_MTU; do
		[ -n "${!k:-}" ] && echo "$k=${!k}" >>"$STAGE/.settings"
	done
	topo_up
	kubeproxy_up
	slb_up
	servers_up
}

# The traffic is over when curl returns; give the last FIN/ACKs a moment to
# pass every point before the captures stop.
settle() { sleep 1; }

# Node eth0 behaves like a NIC boundary: no TSO/GSO, so what leaves a node is
# MSS-sized, as on a wire.
nic_offloads_off() {
	local node
	echo "NODE_ETH0_OFFLOADS=tso off, gso off, tx-udp_tnl-segmentation off" >>"$STAGE/.settings"
	for node in node1 node2; do
		nsx "$(node_ns "$node")" ethtool -K eth0 tso off gso off tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off
	done
}

scn_1() {
	local v=1-same-node
	lab_up
	cap_points $v 262144 pod-centos pod-nginx0
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_1_POD" "http://$POD_NGINX0_IP/index.html" 0 5
	http_get "$(pod_ns pod-centos)" "$SPORT_1_SVC" "http://$SVC_LOCAL_IP/index.html" 0 5
	settle
	cap_stop
}

scn_2() {
	local v=2-cross-node-clusterip
	lab_up
	cap_points $v 262144 pod-centos pod-nginx1
	cap_any $v-any node1 any.pcap
	cap_any $v-any node2 any.pcap
	cap_any $v-any-sll node1 any.pcap -y LINUX_SLL
	cap_any $v-any-sll node2 any.pcap -y LINUX_SLL
	cap_dumpcap $v-dumpcap node1 multi.pcapng "$POD_CENTOS_VETH" eth0
	snapshot_ip $v
	snapshot_ip $v-any
	snapshot_ip $v-any-sll
	snapshot_ip $v-dumpcap
	http_get "$(pod_ns pod-centos)" "$SPORT_2" "http://$SVC_NGINX_IP/index.html" 0 5
	settle
	cap_stop
}

scn_3() {
	local v=3-local-policy-no-endpoint
	lab_up
	cap_points $v 262144 pod-centos
	snapshot_ip $v
	# Local policy, no endpoint on node1: kube-proxy's filter DROP, curl times
	# out after the first SYN and one retransmission.
	http_get "$(pod_ns pod-centos)" "$SPORT_3_LOCAL" "http://$SVC_LBL_VIP/index.html" 28 2.5
	# No endpoints at all: REJECT, ICMP port unreachable, connection refused.
	http_get "$(pod_ns pod-centos)" "$SPORT_3_EMPTY" "http://$SVC_EMPTY_IP/index.html" 7 5
	settle
	cap_stop
}

scn_4() {
	local v=4-external-local-policy
	lab_up
	cap_external $v
	cap_points $v 262144 pod-nginx2
	snapshot_ip $v
	http_get "$NS_CLIENT" "$SPORT_4" "http://$SVC_LBL_VIP/index.html" 0 5
	settle
	cap_stop
}

scn_5() {
	local v=5-external-cluster-policy
	lab_up
	cap_external $v
	cap_points $v 262144 pod-nginx1
	cap_any $v-any node1 any.pcap
	cap_any $v-any node2 any.pcap
	snapshot_ip $v
	snapshot_ip $v-any
	http_get "$NS_CLIENT" "$SPORT_5" "http://$SVC_NP_VIP/index.html" 0 5
	settle
	cap_stop
}

scn_6() {
	local v=6-silent-drop
	lab_up
	# The fault: node2 silently drops one flow (matched by its source port)
	# in filter FORWARD, after eth0 and before cni0.
	nsx "$NS_NODE2" iptables -I FORWARD 1 -i eth0 -p tcp -m tcp --sport "$SPORT_6_DROP" \
		-m comment --comment "pp-lab: silent drop of one flow" -j DROP
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_6_DROP" "http://$SVC_NGINX_IP/index.html" 28 2.5
	http_get "$(pod_ns pod-centos)" "$SPORT_6_OK" "http://$SVC_NGINX_IP/index.html" 0 5
	settle
	cap_stop
}

scn_7() {
	local v=7-vxlan-bulk
	local TOPO_VXLAN=1 TOPO_POD_MTU=1450
	lab_up
	nic_offloads_off
	cap_points $v "$BULK_SNAPLEN" pod-centos pod-nginx1
	cap_any $v-rotated node1 any.pcap -s "$BULK_SNAPLEN" -C "$ROTATE_MB" -W "$ROTATE_FILES"
	cap_any $v-rotated node2 any.pcap -s "$BULK_SNAPLEN" -C "$ROTATE_MB" -W "$ROTATE_FILES"
	snapshot_ip $v
	snapshot_ip $v-rotated
	http_get "$(pod_ns pod-centos)" "$SPORT_7" "http://$SVC_NGINX_IP/bulk.bin" 0 30
	settle
	cap_stop
}

scn_8() {
	local v=8-vxlan-mtu-blackhole
	local TOPO_VXLAN=1 TOPO_POD_MTU=1500 TOPO_NODE_MTU=9000 TOPO_FLANNEL_MTU=1500 TOPO_VXLAN_DF=set
	local TOPO_VPC_NODE1_MTU=1500
	lab_up
	nic_offloads_off
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_8_SMALL" "http://$SVC_NGINX_IP/index.html" 0 5
	http_get "$(pod_ns pod-centos)" "$SPORT_8_BULK" "http://$SVC_NGINX_IP/bulk.bin" 28 4
	settle
	cap_stop
}

scn_9() {
	local v=9-dual-stack
	local TOPO_IPV6=1
	lab_up
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_9_V6" "http://[$SVC_NGINX_IP6]/index.html" 0 5
	http_get "$(pod_ns pod-centos)" "$SPORT_9_V4" "http://$SVC_NGINX_IP/index.html" 0 5
	settle
	cap_stop
}
