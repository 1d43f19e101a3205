# pktpath lab: the scenarios of issue 12 (conclusions pktpath must get right
# on ICMP, UDP, hop order, GRO, NAT mid-flow, VXLAN ports, IPv6 ND). Sourced
# by lab.sh after scenarios.sh; names and ports are in config12.sh. Each
# scn_12<x> works as the seed scenarios do (scenarios.sh): topology knobs,
# lab_up, captures, traffic, cap_stop; what the topology needs beyond topo.sh
# is done here, after topo_up, so the seed scenarios record what they did.
# MPLS (shape 9 of the issue) is missing: this kernel has no MPLS routing
# (CONFIG_MPLS_ROUTING, CONFIG_MPLS_IPTUNNEL and act_mpls are off).

# shellcheck source=config12.sh
. "$LAB_DIR/lib/config12.sh"

ALL_SCENARIOS+=(12a-icmp-echo 12b-udp-clock 12c-bridge-order 12d-jitter-clock 12e-gro-download
	12f-udp-loss 12g-nat-midflow 12h-vxlan-6080 12i-ipv6-nd)

# Folders written by one run of an issue-12 scenario.
scenario_variants_12() {
	case $1 in
	12a-icmp-echo) echo "$1 $1-single" ;;
	12h-vxlan-6080) echo "$1 $1-firewall" ;;
	*) echo "$1" ;;
	esac
}

setting() { echo "$1" >>"$STAGE/.settings"; }
run_note() { printf -- '- %s\n' "$*" >>"$STAGE/.run.md"; }

# udptool NS ARGS...: the lab's UDP tool in a namespace, in the foreground;
# its summary line goes into the README.
udptool() {
	local ns=$1 out
	shift
	out=$(ip netns exec "$ns" "$PY" "$LAB_DIR/lib/udptool.py" "$@") || die "udptool $* in $ns failed: $out"
	run_note "\`ip netns exec $ns udptool.py $*\`: $out"
}

# udp_server NS MODE PORT...: echo or sink in the background (stopped with
# the other servers).
udp_server() {
	local ns=$1 i
	shift
	ip netns exec "$ns" "$PY" "$LAB_DIR/lib/udptool.py" "$@" >"$STAGE/.logs/udp.$ns.$1.log" 2>&1 &
	SERVER_PIDS+=($!)
	for i in $(seq 1 100); do
		[ -n "$(ip netns exec "$ns" ss -Hlun "sport = :$2")" ] && return 0
		sleep 0.05
	done
	die "udptool $* in $ns did not start: $(cat "$STAGE/.logs/udp.$ns.$1.log")"
}

# ping_all NS ID COUNT DST: ping with a fixed echo id (-e); every echo must
# be answered.
ping_all() {
	local ns=$1 id=$2 count=$3 dst=$4 out
	out=$(ip netns exec "$ns" ping -n -e "$id" -c "$count" -i 0.2 -W 2 "$dst" 2>&1) ||
		die "ping -e $id $dst from $ns failed: $out"
	out=$(grep 'packets transmitted' <<<"$out")
	grep -q " $count received" <<<"$out" || die "ping -e $id $dst from $ns: $out"
	run_note "\`ip netns exec $ns ping -n -e $id -c $count -i 0.2 -W 2 $dst\`: $out"
}

# shift_clock VARIANT NODE SECONDS: what a wrong clock on NODE would have
# recorded: editcap -t on every capture file of NODE (its pods included),
# keeping the file's time stamp precision.
shift_clock() {
	local v=$1 node=$2 sec=$3 f fmt
	while IFS= read -r f; do
		fmt=pcap
		capinfos -t "$f" | grep -q 'nanosecond pcap' && fmt=nsecpcap
		editcap -F "$fmt" -t "$sec" "$f" "$f.shifted" >/dev/null
		mv "$f.shifted" "$f"
	done < <(find "$STAGE/$v/$node" -name '*.pcap')
	setting "CLOCK_SHIFT_${node^^}=$sec"
	run_note "after the recording, every capture of $node: \`editcap -F <same format> -t $sec\` ($node's clock $sec s ahead of node1's)"
}

# Node eth0 computes checksums itself, as a NIC does: frames leave complete
# (the userspace wire of 12d copies them as they are).
nic_csum_off() {
	local node
	setting "NODE_ETH0_TX_CHECKSUM=off"
	for node in node1 node2; do nsx "$(node_ns "$node")" ethtool -K eth0 tx off >/dev/null; done
}

# 12d: node2's VPC port is moved into pp-wire and a new VPC port is made;
# wire.py copies frames between the two and delays those towards node2.
wire_up() {
	local log=$STAGE/.logs/wire.log i
	ns_create "$WIRE_NS"
	ip -n "$NS_VPC" link set "$NODE2_VPCPORT" nomaster
	ip -n "$NS_VPC" link set "$NODE2_VPCPORT" netns "$WIRE_NS"
	ip -n "$WIRE_NS" link set "$NODE2_VPCPORT" name wire-node2
	veth_pair "$WIRE_NS" wire-vpc 02:00:00:00:00:b5 "$NS_VPC" "$NODE2_VPCPORT" "$NODE2_VPCPORT_MAC" 1500
	ip -n "$NS_VPC" link set "$NODE2_VPCPORT" master "$VPC_BR" up
	for i in wire-node2 wire-vpc; do
		ip -n "$WIRE_NS" link set "$i" up
		nsx "$WIRE_NS" ethtool -K "$i" tx off tso off gso off gro off >/dev/null
	done
	ip netns exec "$WIRE_NS" "$PY" "$LAB_DIR/lib/wire.py" wire-node2 wire-vpc \
		"$WIRE_DELAY_MIN_MS" "$WIRE_DELAY_MAX_MS" "$WIRE_SEED" >"$log" 2>&1 &
	WIRE_PID=$!
	SERVER_PIDS+=($!)
	for i in $(seq 1 100); do
		grep -q 'wire ready' "$log" && break
		sleep 0.05
	done
	grep -q 'wire ready' "$log" || die "wire.py did not start: $(cat "$log")"
	setting "WIRE=$NODE2_VPCPORT: frames towards node2 delayed ${WIRE_DELAY_MIN_MS}-${WIRE_DELAY_MAX_MS} ms (uniform, seed $WIRE_SEED), from node2 at once"
}

# 12h: flannel.1 again with other UDP ports: node2 listens on and sends
# from NODE2_VXLAN_PORT, node1 on NODE1_VXLAN_PORT; each fdb entry names the
# peer's port.
vxlan_ports() {
	local node peer ns port pport
	for node in node1 node2; do
		ns=$(node_ns "$node")
		case $node in node1) peer=node2 ;; node2) peer=node1 ;; esac
		port=$(node_var "$node" VXLAN_PORT)
		pport=$(node_var "$peer" VXLAN_PORT)
		ip -n "$ns" link del flannel.1
		ip -n "$ns" link add name flannel.1 address "$(node_var "$node" FLANNEL_MAC)" mtu 1450 type vxlan \
			id "$FLANNEL_VNI" local "$(node_var "$node" ETH0_IP)" dev eth0 dstport "$port" \
			srcport "$port" "$((port + 1))" nolearning
		ip -n "$ns" addr add "$(node_var "$node" FLANNEL_IP)/32" dev flannel.1
		ip -n "$ns" link set flannel.1 up
		ip -n "$ns" route add "$(node_var "$peer" PODCIDR)" via "$(node_var "$peer" FLANNEL_IP)" dev flannel.1 onlink
		ip -n "$ns" neigh add "$(node_var "$peer" FLANNEL_IP)" lladdr "$(node_var "$peer" FLANNEL_MAC)" dev flannel.1 nud permanent
		bridge -n "$ns" fdb append "$(node_var "$peer" FLANNEL_MAC)" dev flannel.1 dst "$(node_var "$peer" ETH0_IP)" \
			port "$pport" self permanent
	done
	setting "TOPO_VXLAN_PORTS=$NODE1_VXLAN_PORT,$NODE2_VXLAN_PORT"
}

# 12h: a firewall on the VPC segment with one interface, routing what it
# gets back out of the same interface (router on a stick); the nodes send
# their VXLAN packets to each other through it.
fw_up() {
	ns_create "$NS_FW"
	veth_pair "$NS_VPC" "$FW_VPCPORT" "$FW_VPCPORT_MAC" "$NS_FW" eth0 "$FW_ETH0_MAC" 1500
	ip -n "$NS_VPC" link set "$FW_VPCPORT" master "$VPC_BR" up
	ip -n "$NS_FW" addr add "$FW_ETH0_IP/24" dev eth0
	ip -n "$NS_FW" link set eth0 up
	router_on "$NS_FW"
	ip -n "$NS_NODE1" route add "$NODE2_ETH0_IP/32" via "$FW_ETH0_IP"
	ip -n "$NS_NODE2" route add "$NODE1_ETH0_IP/32" via "$FW_ETH0_IP"
	setting "FW=$NS_FW eth0 $FW_ETH0_IP: node1 and node2 reach each other's eth0 via it (one interface, forwarding on, no redirects)"
}

scn_12a() {
	local v=12a-icmp-echo
	local TOPO_VXLAN=1 TOPO_POD_MTU=1450
	lab_up
	# flannel's ip-masq rule: pod traffic leaving the cluster takes the node's address.
	nsx "$NS_NODE1" iptables -t nat -A POSTROUTING -s "$CLUSTER_CIDR" ! -d "$CLUSTER_CIDR" \
		-m comment --comment "pp-lab: pod egress masquerade" -j MASQUERADE
	setting "NODE1_MASQUERADE=-s $CLUSTER_CIDR ! -d $CLUSTER_CIDR -j MASQUERADE"
	cap_points $v 262144 pod-centos pod-nginx1
	cap_external $v
	cap_iface $v-single client/eth0
	snapshot_ip $v
	snapshot_ip $v-single
	ping_all "$(pod_ns pod-centos)" "$ECHO_ID_POD" "$ECHO_COUNT_POD" "$POD_NGINX1_IP"
	ping_all "$(pod_ns pod-centos)" "$ECHO_ID_MASQ" "$ECHO_COUNT_MASQ" "$CLIENT_IP"
	ping_all "$NS_CLIENT" "$ECHO_ID_CLIENT" "$ECHO_COUNT_CLIENT" "$NODE1_ETH0_IP"
	settle
	cap_stop
}

scn_12b() {
	local v=12b-udp-clock
	lab_up
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	udp_server "$(pod_ns pod-nginx1)" echo "$UDP_ECHO_PORT"
	udptool "$(pod_ns pod-centos)" rr "$POD_NGINX1_IP" "$UDP_ECHO_PORT" "$SPORT_12B" "$RR_COUNT_12B" 5
	settle
	cap_stop
	shift_clock $v node2 "$CLOCK_SHIFT_12B"
}

scn_12c() {
	local v=12c-bridge-order p
	lab_up
	# tcpdump as people run it: microseconds, and no --immediate-mode, whose
	# wake-up per packet takes microseconds on each tap of this VM. The four
	# points of the path only: a capture on cni0 would make it promiscuous,
	# and its copy of every bridged frame costs another tap in between.
	for p in "$(pod_point pod-centos)" "node1/$POD_CENTOS_VETH" "node1/$POD_NGINX0_VETH" "$(pod_point pod-nginx0)"; do
		CAP_PLAIN=1 cap_iface $v "$p"
	done
	snapshot_ip $v
	udp_server "$(pod_ns pod-nginx0)" echo "$UDP_ECHO_PORT"
	http_get "$(pod_ns pod-centos)" "$SPORT_12C_TCP" "http://$POD_NGINX0_IP/index.html" 0 5
	udptool "$(pod_ns pod-centos)" rr "$POD_NGINX0_IP" "$UDP_ECHO_PORT" "$SPORT_12C_UDP" "$RR_COUNT_12C" 5
	ping_all "$(pod_ns pod-centos)" "$ECHO_ID_12C" "$ECHO_COUNT_12C" "$POD_NGINX0_IP"
	# Without --immediate-mode the kernel hands packets over in blocks,
	# retired after at most tcpdump's 1 s timeout: wait for the last block.
	sleep 2
	cap_stop
}

scn_12d() {
	local v=12d-jitter-clock
	lab_up
	nic_offloads_off
	nic_csum_off
	wire_up
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	udp_server "$(pod_ns pod-nginx1)" echo "$UDP_ECHO_PORT"
	http_get "$(pod_ns pod-centos)" "$SPORT_12D_TCP" "http://$SVC_NGINX_IP/index.html" 0 5
	udptool "$(pod_ns pod-centos)" rr "$POD_NGINX1_IP" "$UDP_ECHO_PORT" "$SPORT_12D_UDP" "$RR_COUNT_12D" 10
	settle
	cap_stop
	kill -TERM "$WIRE_PID"
	wait "$WIRE_PID" || true
	run_note "wire.py in $WIRE_NS: $(grep '^wire:' "$STAGE/.logs/wire.log")"
	shift_clock $v node2 "$CLOCK_SHIFT_12D"
}

scn_12e() {
	local v=12e-gro-download
	local TOPO_VXLAN=1 TOPO_POD_MTU=1450
	lab_up
	# The nodes keep their offloads. The VPC port towards node1 segments what
	# it sends, as a physical link between two hosts would carry it.
	nsx "$NS_VPC" ethtool -K "$NODE1_VPCPORT" tso off gso off tx-udp_tnl-segmentation off \
		tx-udp_tnl-csum-segmentation off >/dev/null
	setting "VPC_NODE1_PORT_OFFLOADS=tso off, gso off, tx-udp_tnl-segmentation off (the wire to node1 carries wire-size frames)"
	head -c "$BULK12E_SIZE" "$WORK/www/bulk.bin" >"$WORK/www/pod-nginx1/bulk12e.bin"
	cap_points $v "$SNAPLEN_12E" pod-centos pod-nginx1
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_12E" "http://$SVC_NGINX_IP/bulk12e.bin" 0 30
	settle
	cap_stop
}

scn_12f() {
	local v=12f-udp-loss p
	lab_up
	nsx "$NS_VPC" iptables -A FORWARD -p udp --dport "$SINK_PORT_12F" -m u32 --u32 '0>>22&0x3C@8>>24=0x44' \
		-m comment --comment "pp-lab: the lossy link drops the datagrams marked D" -j DROP
	setting "VPC_FORWARD_DROP=-p udp --dport $SINK_PORT_12F -m u32 --u32 '0>>22&0x3C@8>>24=0x44' -j DROP (first payload byte D)"
	# 11,000 datagrams: four points keep the folder small.
	for p in "$(pod_point pod-centos)" node1/eth0 node2/eth0 "$(pod_point pod-nginx1)"; do cap_iface $v "$p"; done
	snapshot_ip $v
	udp_server "$(pod_ns pod-nginx1)" sink "$SINK_PORT_12F"
	udptool "$(pod_ns pod-centos)" send "$POD_NGINX1_IP" "$SINK_PORT_12F" "$SPORT_12F" "$COUNT_12F" "$RATE_12F" \
		--loss "$LOSS_PERMILLE_12F" "$LOSS_SEED_12F"
	# The last one-datagram flow is lost: without a later packet node2/eth0
	# could as well have stopped capturing before it came (--tail).
	udptool "$(pod_ns pod-centos)" singles "$POD_NGINX1_IP" "$SINK_PORT_12F" "$SINGLES_SPORT_12F" "$SINGLES_12F" \
		"$SINGLES_LOST_EVERY_12F" --tail "$TAIL_SPORT_12F" "$TAIL_DELAY_12F"
	settle
	cap_stop
}

scn_12g() {
	local v=12g-nat-midflow pid n
	command -v conntrack >/dev/null || die "conntrack not found (tests/deps.sh installs it)"
	lab_up
	cap_points $v 262144 pod-centos
	cap_external $v
	snapshot_ip $v
	udp_server "$NS_CLIENT" sink "$SINK_PORT_12G"
	ip netns exec "$(pod_ns pod-centos)" "$PY" "$LAB_DIR/lib/udptool.py" send "$CLIENT_IP" "$SINK_PORT_12G" \
		"$SPORT_12G" "$((COUNT1_12G + COUNT2_12G))" "$((1000 / INTERVAL_MS_12G))" \
		--pause-after "$COUNT1_12G" "$STAGE/.paused" "$STAGE/.go" >"$STAGE/.logs/send12g.log" 2>&1 &
	pid=$!
	while [ ! -e "$STAGE/.paused" ]; do
		kill -0 "$pid" 2>/dev/null || die "udptool send stopped: $(cat "$STAGE/.logs/send12g.log")"
		sleep 0.005
	done
	# Part-way through: node1 starts to SNAT the stream; the conntrack entry
	# made by the first datagrams is deleted, so the next one is NATed.
	nsx "$NS_NODE1" iptables -t nat -I POSTROUTING 1 -s "$POD_CENTOS_IP" -p udp --dport "$SINK_PORT_12G" \
		-m comment --comment "pp-lab: SNAT added mid-flow" -j SNAT --to-source "$NODE1_ETH0_IP"
	n=$(nsx "$NS_NODE1" conntrack -D -p udp --orig-src "$POD_CENTOS_IP" --sport "$SPORT_12G" 2>&1 |
		sed -n 's/.*: \([0-9]*\) flow entries have been deleted.*/\1/p')
	[ "$n" = 1 ] || die "conntrack -D deleted '$n' entries, expected 1"
	touch "$STAGE/.go"
	wait "$pid" || die "udptool send failed: $(cat "$STAGE/.logs/send12g.log")"
	run_note "\`ip netns exec $(pod_ns pod-centos) udptool.py send $CLIENT_IP $SINK_PORT_12G $SPORT_12G $((COUNT1_12G + COUNT2_12G)) $((1000 / INTERVAL_MS_12G)) --pause-after $COUNT1_12G ...\`: $(cat "$STAGE/.logs/send12g.log")"
	run_note "after datagram $COUNT1_12G, on node1: \`iptables -t nat -I POSTROUTING 1 -s $POD_CENTOS_IP -p udp --dport $SINK_PORT_12G -j SNAT --to-source $NODE1_ETH0_IP\`, \`conntrack -D -p udp --orig-src $POD_CENTOS_IP --sport $SPORT_12G\` (1 entry deleted), then the rest"
	setting "NODE1_SNAT_MIDFLOW=after datagram $COUNT1_12G: -s $POD_CENTOS_IP -p udp --dport $SINK_PORT_12G -j SNAT --to-source $NODE1_ETH0_IP, conntrack entry deleted"
	settle
	cap_stop
}

scn_12h() {
	local v=12h-vxlan-6080 d
	local TOPO_VXLAN=1 TOPO_POD_MTU=1450
	lab_up
	vxlan_ports
	fw_up
	cap_points $v 262144 pod-centos pod-nginx1
	cap_iface $v-firewall fw/eth0
	snapshot_ip $v
	snapshot_ip $v-firewall
	http_get "$(pod_ns pod-centos)" "$SPORT_12H" "http://$SVC_NGINX_IP/index.html" 0 5
	settle
	cap_stop
	for d in $v $v-firewall; do echo "--vxlan-port $NODE2_VXLAN_PORT" >"$STAGE/$d/pktpath.args"; done
}

scn_12i() {
	local v=12i-ipv6-nd node
	local TOPO_IPV6=1
	lab_up
	# As in clouds that announce fe80::1 style gateways: the nodes' default
	# route is the VPC router's link-local address, which each node resolves.
	# The router, like a cloud's, knows the nodes' MACs and never solicits
	# them (its solicitation would teach a node the router's MAC first).
	for node in node1 node2; do
		ip -n "$(node_ns "$node")" -6 route replace default via "$VPC_LL6" dev eth0
		ip -n "$NS_VPC" -6 neigh add "$(node_var "$node" ETH0_IP6)" lladdr "$(node_var "$node" ETH0_MAC)" \
			dev "$VPC_BR" nud permanent
	done
	setting "NODE_IPV6_DEFAULT=via $VPC_LL6 dev eth0"
	setting "VPC_IPV6_NEIGHBOURS=the nodes' eth0 addresses, permanent"
	cap_points $v 262144 pod-centos pod-nginx1
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_12I" "http://[$POD_NGINX1_IP6]/index.html" 0 5
	settle
	cap_stop
}
