# pktpath lab: builds and removes the two-node ACK Flannel topology.
# Sourced by lab.sh after config.sh. Knobs, set by the scenario before
# topo_up (all default to 0 / empty):
#   TOPO_VXLAN=1     node-to-node hop over flannel.1 (VNI 1, UDP 8472) instead
#                    of VPC routes for the pod CIDRs
#   TOPO_IPV6=1      keep IPv6 on and add the dual-stack addresses and routes
#   TOPO_POD_MTU     MTU of pod eth0, host veths and cni0 (default 1500)
#   TOPO_NODE_MTU    MTU of node eth0 and its VPC-side peer (default 1500)
#   TOPO_FLANNEL_MTU MTU of flannel.1 (default TOPO_NODE_MTU - 50)
#   TOPO_VXLAN_DF    vxlan "df" setting: set, unset or inherit (default: none)
#   TOPO_VPC_NODE1_MTU MTU of the VPC bridge port towards node1 (default
#                    TOPO_NODE_MTU); lower than node1's eth0 makes a black hole

LAB_NAMESPACES=()     # every namespace we created, in creation order
POD_LIST=(pod-centos pod-nginx0 pod-nginx1 pod-nginx2)

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# pod_var POD FIELD: value of POD_<NAME>_<FIELD> from config.sh.
pod_var() {
	local n=${1#pod-}
	n=${n^^}
	local v="POD_${n}_$2"
	printf '%s' "${!v}"
}
node_var() { local v="${1^^}_$2"; printf '%s' "${!v}"; }
node_ns() { case $1 in node1) echo "$NS_NODE1" ;; node2) echo "$NS_NODE2" ;; esac; }
pod_ns() { echo "pp-$1"; }
pods_of() {
	local p
	for p in "${POD_LIST[@]}"; do
		if [ "$(pod_var "$p" NODE)" = "$1" ]; then echo "$p"; fi
	done
}

ns_create() {
	local ns=$1
	# Test the bind mount itself: "ip netns list" also asks the kernel about
	# other people's namespaces and complains while one is being created.
	if [ -e "/run/netns/$ns" ]; then
		die "namespace $ns already exists (another lab run, or left over from one: ip netns del $ns)"
	fi
	ip netns add "$ns"
	LAB_NAMESPACES+=("$ns")
	if [ "${TOPO_IPV6:-0}" = 1 ]; then
		# No DAD delays and no router solicitations: addresses usable at once,
		# less ND noise in the captures.
		nsx "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
			net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	else
		nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	fi
	# Nothing here is a firewall test of the reverse path, and the VPC router
	# must not teach the nodes a shortcut with redirects.
	nsx "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0 \
		net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.default.accept_redirects=0
	# br_netfilter is off outside the nodes (the VPC bridge is not Kubernetes).
	nsx "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 \
		net.bridge.bridge-nf-call-arptables=0
	ip -n "$ns" link set lo up
}

router_on() {
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1
	[ "${TOPO_IPV6:-0}" = 1 ] && nsx "$1" sysctl -qw net.ipv6.conf.all.forwarding=1
	return 0
}

# veth_pair NS_A NAME_A MAC_A NS_B NAME_B MAC_B MTU
veth_pair() {
	ip -n "$1" link add name "$2" mtu "$7" address "$3" type veth peer name "$5" mtu "$7" address "$6" netns "$4"
}

topo_up() {
	local pod_mtu=${TOPO_POD_MTU:-1500} node_mtu=${TOPO_NODE_MTU:-1500}
	local flannel_mtu=${TOPO_FLANNEL_MTU:-$((node_mtu - 50))}
	local n1port_mtu=${TOPO_VPC_NODE1_MTU:-$node_mtu}
	local ns p node

	for ns in "$NS_VPC" "$NS_SLB" "$NS_CLIENT" "$NS_NODE1" "$NS_NODE2"; do ns_create "$ns"; done
	for p in "${POD_LIST[@]}"; do ns_create "$(pod_ns "$p")"; done

	# VPC: one bridge, the router address on it.
	ip -n "$NS_VPC" link add name "$VPC_BR" address "$VPC_MAC" type bridge stp_state 0 forward_delay 0
	veth_pair "$NS_VPC" "$NODE1_VPCPORT" "$NODE1_VPCPORT_MAC" "$NS_NODE1" eth0 "$NODE1_ETH0_MAC" "$node_mtu"
	veth_pair "$NS_VPC" "$NODE2_VPCPORT" "$NODE2_VPCPORT_MAC" "$NS_NODE2" eth0 "$NODE2_ETH0_MAC" "$node_mtu"
	veth_pair "$NS_VPC" "$SLB_VPCPORT" "$SLB_VPCPORT_MAC" "$NS_SLB" eth1 "$SLB_ETH1_MAC" 1500
	veth_pair "$NS_SLB" eth0 "$SLB_ETH0_MAC" "$NS_CLIENT" eth0 "$CLIENT_MAC" 1500
	ip -n "$NS_VPC" link set "$NODE1_VPCPORT" mtu "$n1port_mtu"
	for p in "$NODE1_VPCPORT" "$NODE2_VPCPORT" "$SLB_VPCPORT"; do
		ip -n "$NS_VPC" link set "$p" master "$VPC_BR" up
	done
	# The bridge follows the smallest port MTU unless told otherwise; its own
	# MTU only matters for what the router itself sends.
	ip -n "$NS_VPC" addr add "$VPC_IP/24" dev "$VPC_BR"
	ip -n "$NS_VPC" link set "$VPC_BR" up
	router_on "$NS_VPC"
	ip -n "$NS_VPC" route add "$CLIENT_CIDR" via "$SLB_ETH1_IP"
	ip -n "$NS_VPC" route add "$VIP_CIDR" via "$SLB_ETH1_IP"
	if [ "${TOPO_VXLAN:-0}" != 1 ]; then
		# host-gw style: the VPC route table sends each pod CIDR to its node.
		ip -n "$NS_VPC" route add "$NODE1_PODCIDR" via "$NODE1_ETH0_IP"
		ip -n "$NS_VPC" route add "$NODE2_PODCIDR" via "$NODE2_ETH0_IP"
	fi

	# SLB and client.
	ip -n "$NS_SLB" addr add "$SLB_ETH1_IP/24" dev eth1
	ip -n "$NS_SLB" addr add "$SLB_ETH0_IP/24" dev eth0
	ip -n "$NS_SLB" link set eth1 up
	ip -n "$NS_SLB" link set eth0 up
	router_on "$NS_SLB"
	ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev eth0
	ip -n "$NS_CLIENT" link set eth0 up
	ip -n "$NS_CLIENT" route add default via "$SLB_ETH0_IP"

	# Nodes.
	for node in node1 node2; do
		ns=$(node_ns "$node")
		router_on "$ns"
		nsx "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1
		ip -n "$ns" addr add "$(node_var "$node" ETH0_IP)/24" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add default via "$VPC_IP"
		ip -n "$ns" link add name cni0 address "$(node_var "$node" CNI0_MAC)" mtu "$pod_mtu" type bridge stp_state 0 forward_delay 0
		ip -n "$ns" addr add "$(node_var "$node" CNI0_IP)/25" dev cni0
		ip -n "$ns" link set cni0 up
		for p in $(pods_of "$node"); do
			veth_pair "$ns" "$(pod_var "$p" VETH)" "$(pod_var "$p" VETH_MAC)" "$(pod_ns "$p")" eth0 "$(pod_var "$p" MAC)" "$pod_mtu"
			ip -n "$ns" link set "$(pod_var "$p" VETH)" master cni0 up
			ip -n "$(pod_ns "$p")" addr add "$(pod_var "$p" IP)/25" dev eth0
			ip -n "$(pod_ns "$p")" link set eth0 up
			ip -n "$(pod_ns "$p")" route add default via "$(node_var "$node" CNI0_IP)"
		done
	done

	if [ "${TOPO_VXLAN:-0}" = 1 ]; then
		topo_vxlan "$flannel_mtu"
	fi
	if [ "${TOPO_IPV6:-0}" = 1 ]; then
		topo_ipv6
	fi
}

# Flannel VXLAN backend: flannel.1 with a /32 network address, the peer's pod
# CIDR routed onlink via the peer's flannel.1 address, and static neighbour and
# fdb entries (flannel writes them from the node annotations; no learning).
topo_vxlan() {
	local mtu=$1 node peer ns df=()
	[ -n "${TOPO_VXLAN_DF:-}" ] && df=(df "$TOPO_VXLAN_DF")
	for node in node1 node2; do
		ns=$(node_ns "$node")
		ip -n "$ns" link add name flannel.1 address "$(node_var "$node" FLANNEL_MAC)" mtu "$mtu" type vxlan \
			id "$FLANNEL_VNI" local "$(node_var "$node" ETH0_IP)" dev eth0 dstport "$FLANNEL_PORT" nolearning "${df[@]}"
		ip -n "$ns" addr add "$(node_var "$node" FLANNEL_IP)/32" dev flannel.1
		ip -n "$ns" link set flannel.1 up
	done
	for node in node1 node2; do
		ns=$(node_ns "$node")
		case $node in node1) peer=node2 ;; node2) peer=node1 ;; esac
		ip -n "$ns" route add "$(node_var "$peer" PODCIDR)" via "$(node_var "$peer" FLANNEL_IP)" dev flannel.1 onlink
		ip -n "$ns" neigh add "$(node_var "$peer" FLANNEL_IP)" lladdr "$(node_var "$peer" FLANNEL_MAC)" dev flannel.1 nud permanent
		bridge -n "$ns" fdb append "$(node_var "$peer" FLANNEL_MAC)" dev flannel.1 dst "$(node_var "$peer" ETH0_IP)" self permanent
	done
}

# Dual stack: IPv6 on the VPC, the nodes, cni0 and the pods; the VPC routes
# each node's pod /64 to that node.
topo_ipv6() {
	local node ns p
	ip -n "$NS_VPC" addr add "$VPC_IP6/64" dev "$VPC_BR" nodad
	for node in node1 node2; do
		ns=$(node_ns "$node")
		ip -n "$ns" addr add "$(node_var "$node" ETH0_IP6)/64" dev eth0 nodad
		ip -n "$ns" -6 route add default via "$VPC_IP6"
		ip -n "$ns" addr add "$(node_var "$node" CNI0_IP6)/64" dev cni0 nodad
		ip -n "$NS_VPC" -6 route add "$(node_var "$node" PODCIDR6)" via "$(node_var "$node" ETH0_IP6)"
		for p in $(pods_of "$node"); do
			ip -n "$(pod_ns "$p")" addr add "$(pod_var "$p" IP6)/64" dev eth0 nodad
			ip -n "$(pod_ns "$p")" -6 route add default via "$(node_var "$node" CNI0_IP6)"
		done
	done
	# The VPC router forwards node1 -> node2 out of the interface it came in
	# on; a real VPC does not send redirects, so drop them.
	nsx "$NS_VPC" ip6tables -A OUTPUT -p icmpv6 --icmpv6-type redirect -j DROP
}

# Kill what runs in our namespaces (only processes we started live there),
# then delete the namespaces; their links go with them.
topo_down() {
	local ns i pids=()
	for ns in "${LAB_NAMESPACES[@]}"; do
		mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
	done
	if [ ${#pids[@]} -gt 0 ]; then
		kill "${pids[@]}" 2>/dev/null || true
	fi
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pids=()
		for ns in "${LAB_NAMESPACES[@]}"; do
			mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
		done
		if [ ${#pids[@]} -eq 0 ]; then break; fi
		if [ "$i" -lt 10 ]; then sleep 0.2; fi
	done
	if [ ${#pids[@]} -gt 0 ]; then
		kill -9 "${pids[@]}" 2>/dev/null || true
	fi
	for ((i = ${#LAB_NAMESPACES[@]} - 1; i >= 0; i--)); do
		ip netns del "${LAB_NAMESPACES[$i]}" 2>/dev/null || true
	done
	LAB_NAMESPACES=()
}
