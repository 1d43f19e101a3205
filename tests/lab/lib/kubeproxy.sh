# pktpath lab: kube-proxy in iptables mode, emulated with iptables-restore.
# Sourced by lab.sh after config.sh and topo.sh.
#
# The rule set is what kube-proxy v1.26 writes (chain names are its hashes:
# base32(sha256(service port name + protocol [+ endpoint]))[:16]) with two
# choices that keep the lab deterministic and the seed scenarios as the ACK
# articles tell them:
#  * no --cluster-cidr (LocalTrafficDetector is a no-op): no "! -s podCIDR ->
#    KUBE-MARK-MASQ" rule for ClusterIPs and no "pod traffic" short cut in
#    KUBE-EXT-* of Local services, so a pod that calls the external IP of a
#    Local service on a node without endpoint is dropped ("has no local
#    endpoints"), as in scenario 3;
#  * MASQUERADE without --random-fully, so masquerade keeps the client's
#    source port when it is free (the captures show that it does).

KP_SVC_NGINX=LUL6JUETY7KKVVWG
KP_SEP_NGINX=FVWCJRQQS4UCKDUP
KP_SVC_LOCAL=ZO52ZISLT5W6NVER
KP_SEP_LOCAL=J7DK2X4QLF6IB4WZ
KP_SVC_NP=M6VYCDMM4DOX2NZO
KP_SEP_NP=Q2ATCOA3N6I7XKB6
KP_SVC_LBL=IMW7KMIZZ6EJCGUS
KP_SEP_LBL=V7SOAFMFTII5KS36
KP_SVC_NGINX6=53T7YYXEFHAROIVP
KP_SEP_NGINX6=OUT7HQFBDQSOAC24

# kp_svc CHAIN_HASH SEP_HASH NAME IP PORT EP_IP EP_PORT [FAMILY]
# A ClusterIP service with one endpoint: KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP.
kp_svc() {
	local svc=$1 sep=$2 name=$3 ip=$4 port=$5 epip=$6 epport=$7 plen=32 epaddr
	[ "${8:-4}" = 6 ] && plen=128
	epaddr="$epip:$epport"
	[ "${8:-4}" = 6 ] && epaddr="[$epip]:$epport"
	cat <<EOF
-A KUBE-SERVICES -d $ip/$plen -p tcp -m comment --comment "default/$name:http cluster IP" -m tcp --dport $port -j KUBE-SVC-$svc
-A KUBE-SVC-$svc -m comment --comment "default/$name:http -> $epaddr" -j KUBE-SEP-$sep
-A KUBE-SEP-$sep -s $epip/$plen -m comment --comment "default/$name:http" -j KUBE-MARK-MASQ
-A KUBE-SEP-$sep -p tcp -m comment --comment "default/$name:http" -m tcp -j DNAT --to-destination $epaddr
EOF
}

kp_nat_head() {
	cat <<EOF
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
EOF
	local c
	for c in "$@"; do echo ":$c - [0:0]"; done
	cat <<EOF
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
EOF
}

kp_filter_head() {
	cat <<EOF
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
EOF
}

# kp_rules4 NODE: the IPv4 rule set of one node (iptables-restore input).
kp_rules4() {
	local node=$1
	kp_nat_head KUBE-SVC-$KP_SVC_NGINX KUBE-SEP-$KP_SEP_NGINX KUBE-SVC-$KP_SVC_LOCAL KUBE-SEP-$KP_SEP_LOCAL \
		KUBE-SVC-$KP_SVC_NP KUBE-EXT-$KP_SVC_NP KUBE-SEP-$KP_SEP_NP \
		KUBE-SVC-$KP_SVC_LBL KUBE-EXT-$KP_SVC_LBL KUBE-SVL-$KP_SVC_LBL KUBE-SEP-$KP_SEP_LBL
	kp_svc $KP_SVC_NGINX $KP_SEP_NGINX svc-nginx "$SVC_NGINX_IP" "$SVC_NGINX_PORT" "$POD_NGINX1_IP" "$POD_HTTP_PORT"
	kp_svc $KP_SVC_LOCAL $KP_SEP_LOCAL svc-local "$SVC_LOCAL_IP" "$SVC_LOCAL_PORT" "$POD_NGINX0_IP" "$POD_HTTP_PORT"
	# svc-np: LoadBalancer, externalTrafficPolicy=Cluster.
	kp_svc $KP_SVC_NP $KP_SEP_NP svc-np "$SVC_NP_IP" "$SVC_NP_PORT" "$POD_NGINX1_IP" "$POD_HTTP_PORT"
	cat <<EOF
-A KUBE-SERVICES -d $SVC_NP_VIP/32 -p tcp -m comment --comment "default/svc-np:http loadbalancer IP" -m tcp --dport $SVC_NP_PORT -j KUBE-EXT-$KP_SVC_NP
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/svc-np:http" -m tcp --dport $SVC_NP_NODEPORT -j KUBE-EXT-$KP_SVC_NP
-A KUBE-EXT-$KP_SVC_NP -m comment --comment "masquerade traffic for default/svc-np:http external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-$KP_SVC_NP -j KUBE-SVC-$KP_SVC_NP
EOF
	# svc-lb-local: LoadBalancer, externalTrafficPolicy=Local, endpoint on node2.
	kp_svc $KP_SVC_LBL $KP_SEP_LBL svc-lb-local "$SVC_LBL_IP" "$SVC_LBL_PORT" "$POD_NGINX2_IP" "$POD_HTTP_PORT"
	cat <<EOF
-A KUBE-SERVICES -d $SVC_LBL_VIP/32 -p tcp -m comment --comment "default/svc-lb-local:http loadbalancer IP" -m tcp --dport $SVC_LBL_PORT -j KUBE-EXT-$KP_SVC_LBL
-A KUBE-NODEPORTS -p tcp -m comment --comment "default/svc-lb-local:http" -m tcp --dport $SVC_LBL_NODEPORT -j KUBE-EXT-$KP_SVC_LBL
-A KUBE-EXT-$KP_SVC_LBL -m comment --comment "masquerade LOCAL traffic for default/svc-lb-local:http external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-$KP_SVC_LBL -m comment --comment "route LOCAL traffic for default/svc-lb-local:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-$KP_SVC_LBL
-A KUBE-EXT-$KP_SVC_LBL -j KUBE-SVL-$KP_SVC_LBL
EOF
	if [ "$node" = "$POD_NGINX2_NODE" ]; then
		echo "-A KUBE-SVL-$KP_SVC_LBL -m comment --comment \"default/svc-lb-local:http -> $POD_NGINX2_IP:$POD_HTTP_PORT\" -j KUBE-SEP-$KP_SEP_LBL"
	fi
	echo '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
	echo COMMIT

	kp_filter_head
	# svc-empty has no endpoints at all.
	echo "-A KUBE-SERVICES -d $SVC_EMPTY_IP/32 -p tcp -m comment --comment \"default/svc-empty:http has no endpoints\" -m tcp --dport $SVC_EMPTY_PORT -j REJECT --reject-with icmp-port-unreachable"
	if [ "$node" != "$POD_NGINX2_NODE" ]; then
		cat <<EOF
-A KUBE-EXTERNAL-SERVICES -d $SVC_LBL_VIP/32 -p tcp -m comment --comment "default/svc-lb-local:http has no local endpoints" -m tcp --dport $SVC_LBL_PORT -j DROP
-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/svc-lb-local:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport $SVC_LBL_NODEPORT -j DROP
EOF
	fi
	echo COMMIT
}

# kp_rules6 NODE: the IPv6 rule set (dual stack scenario): one ClusterIP.
kp_rules6() {
	kp_nat_head KUBE-SVC-$KP_SVC_NGINX6 KUBE-SEP-$KP_SEP_NGINX6
	kp_svc $KP_SVC_NGINX6 $KP_SEP_NGINX6 svc-nginx-v6 "$SVC_NGINX_IP6" "$SVC_NGINX_PORT" "$POD_NGINX1_IP6" "$POD_HTTP_PORT" 6
	echo '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
	echo COMMIT
	kp_filter_head
	echo COMMIT
}

kubeproxy_up() {
	local node ns
	for node in node1 node2; do
		ns=$(node_ns "$node")
		kp_rules4 "$node" | nsx "$ns" iptables-restore
		if [ "${TOPO_IPV6:-0}" = 1 ]; then
			kp_rules6 "$node" | nsx "$ns" ip6tables-restore
		fi
	done
}

# The SLB: DNAT of each VIP to a node's NodePort, client address kept.
slb_up() {
	nsx "$NS_SLB" iptables-restore <<EOF
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d $SVC_NP_VIP/32 -p tcp -m tcp --dport $SVC_NP_PORT -m comment --comment "slb: svc-np (Cluster) -> node1" -j DNAT --to-destination $NODE1_ETH0_IP:$SVC_NP_NODEPORT
-A PREROUTING -d $SVC_LBL_VIP/32 -p tcp -m tcp --dport $SVC_LBL_PORT -m comment --comment "slb: svc-lb-local (Local) -> node2" -j DNAT --to-destination $NODE2_ETH0_IP:$SVC_LBL_NODEPORT
COMMIT
EOF
}
