# pktpath lab: the scenarios of issue 13 -- capture gaps that are not drops,
# loss that TCP recovered, and the named failures that had no scenario yet.
# Sourced by lab.sh after scenarios.sh, whose helpers they use.

ALL_SCENARIOS+=(20-capture-gaps 21-vxlan-snaplen128 22-recovered-loss 23-asymmetric-return)

# cap_iface_with VARIANT POINT FILE TCPDUMP_OPTION...: like cap_iface (full
# snaplen unless an option says otherwise) with the kernel buffer (-B) and
# other options (-C/-W) given.
cap_iface_with() {
	local v=$1 point=$2 file=$3 ns iface log a prev="" snap=262144
	shift 3
	ns=$(point_ns "$point")
	iface=${point##*/}
	mkdir -p "$STAGE/$v/$(dirname "$file")"
	log="$STAGE/.logs/$v.${point//\//_}.log"
	ip netns exec "$ns" tcpdump -Z root -n -U --immediate-mode --time-stamp-precision nano "$@" \
		-i "$iface" -w "$STAGE/$v/$file" 2>"$log" &
	CAP_PIDS+=($!)
	CAP_LOGS+=("$log")
	for a in "$@"; do [ "$prev" = -s ] && snap=$a; prev=$a; done
	_cap_record "$v" "$file" "$ns" "$iface" "$point" "$snap" tcpdump \
		"ip netns exec $ns tcpdump -Z root -n -U --immediate-mode --time-stamp-precision nano $* -i $iface -w $file"
	_cap_wait "$log" $! 'listening on'
}

# cap_dumpcap_small VARIANT POINT: dumpcap with the smallest kernel buffer it
# allows (-B in MiB) into <point>.pcapng, whose interface statistics block
# records the kernel's drop count. Sets DUMPCAP_PID (to pause it) and
# DUMPCAP_LOG.
cap_dumpcap_small() {
	local v=$1 point=$2 ns iface file
	ns=$(point_ns "$point")
	iface=${point##*/}
	file=$point.pcapng
	mkdir -p "$STAGE/$v/$(dirname "$file")"
	DUMPCAP_LOG="$STAGE/.logs/$v.${point//\//_}.dumpcap.log"
	ip netns exec "$ns" dumpcap -q -B "$DROP_BUFFER_MB" -i "$iface" -w "$STAGE/$v/$file" 2>"$DUMPCAP_LOG" &
	DUMPCAP_PID=$!
	CAP_PIDS+=($!)
	CAP_LOGS+=("$DUMPCAP_LOG")
	_cap_record "$v" "$file" "$ns" "$iface" "$point" 262144 dumpcap \
		"ip netns exec $ns dumpcap -q -B $DROP_BUFFER_MB -i $iface -w $file"
	_cap_wait "$DUMPCAP_LOG" $! 'Capturing on'
}

# share_captures FROM TO FILE...: the captures of variant FROM (files and
# .captures.tsv lines) also belong to variant TO, except the FILEs TO
# captured its own way; TO's own captures are listed after the shared ones.
share_captures() {
	local from=$1 to=$2 line f own
	shift 2
	own=$(cat "$STAGE/$to/.captures.tsv" 2>/dev/null || true)
	: >"$STAGE/$to/.captures.tsv"
	while IFS= read -r line; do
		f=${line%%$'\t'*}
		case " $* " in *" $f "*) continue ;; esac
		mkdir -p "$STAGE/$to/$(dirname "$f")"
		cp -a "$STAGE/$from/$f" "$STAGE/$to/$f"
		printf '%s\n' "$line" >>"$STAGE/$to/.captures.tsv"
	done <"$STAGE/$from/.captures.tsv"
	[ -z "$own" ] || printf '%s\n' "$own" >>"$STAGE/$to/.captures.tsv"
}

scn_20() {
	local v=20-capture-gaps
	local ring=$v-ring deleted=$v-deleted-piece drops=$v-kernel-drops w
	local pt file
	pt=$(pod_point pod-centos)
	file=$(point_file "$pt")
	lab_up
	nic_offloads_off
	# The complete captures (snaplen 128, as in scenario 7) ...
	cap_points $v "$BULK_SNAPLEN" pod-centos pod-nginx1
	# ... and, in the same run, three more captures inside the client pod, the
	# end of the download's path, each with a gap: a ring that wraps, a
	# rotated set whose middle piece goes away, a dumpcap that cannot keep up.
	# With the lab's -B 8192 these two full-snaplen tcpdumps reported 494 and
	# 295 packets "dropped by kernel" in two tries (a drop here would be a
	# gap the truth does not state); with 64 MB none did.
	cap_iface_with $ring "$pt" "$file" -B 65536 -C "$GAP_ROTATE_MB" -W "$GAP_RING_FILES"
	cap_iface_with $deleted "$pt" "$file" -B 65536 -C "$GAP_ROTATE_MB"
	cap_dumpcap_small $drops "$pt"
	for w in $v $ring $deleted $drops; do
		mkdir -p "$STAGE/$w/node1" "$STAGE/$w/node2"
		snapshot_ip "$w"
	done
	# A writer stuck on a slow disk: dumpcap sleeps for the whole download,
	# its 1 MiB ring fills and the kernel drops the rest.
	kill -STOP "$DUMPCAP_PID"
	printf -- '- `kill -STOP` the dumpcap on %s (%s) before the download, `kill -CONT` after it\n' \
		"$pt" "$drops" >>"$STAGE/.run.md"
	local rc=0
	(http_get "$(pod_ns pod-centos)" "$SPORT_20" "http://$SVC_NGINX_IP/mid.bin" 0 20) || rc=$?
	kill -CONT "$DUMPCAP_PID"
	[ "$rc" = 0 ] || die "$v: the download failed"
	# A small request after the stall: dumpcap captures again, the drops lie
	# inside its capture, not at its end.
	settle
	http_get "$(pod_ns pod-centos)" "$SPORT_20_NEXT" "http://$SVC_NGINX_IP/index.html" 0 5
	settle
	cap_stop
	local dropped
	dropped=$(sed -n "s/^Packets received\/dropped on interface '[^']*': [0-9]*\/\([0-9]*\).*/\1/p" "$DUMPCAP_LOG")
	[ "${dropped:-0}" -gt 0 ] || die "$drops: dumpcap dropped nothing: $(tr '\n' ' ' <"$DUMPCAP_LOG")"
	printf -- '- dumpcap on %s said: %s\n' "$pt" "$(grep '^Packets received' "$DUMPCAP_LOG")" >>"$STAGE/.run.md"
	# The ring only overwrote a piece if the same traffic filled more pieces
	# than the ring keeps: compare with the unbounded set.
	[ -e "$STAGE/$deleted/$file$GAP_RING_FILES" ] ||
		die "$ring: the ring did not wrap (no piece $GAP_RING_FILES in the unbounded set); raise MID_SIZE"
	printf -- '- %s unbounded set: %s pieces; ring of %s: pieces %s\n' "$pt" \
		"$(find "$STAGE/$deleted/$(dirname "$file")" -maxdepth 1 -name "$(basename "$file")*" | wc -l)" \
		"$GAP_RING_FILES" "$(cd "$STAGE/$ring/$(dirname "$file")" && echo "$(basename "$file")"*)" >>"$STAGE/.run.md"
	rm "$STAGE/$deleted/$file$GAP_DELETED_PIECE"
	printf -- '- `rm %s%s` (%s): the middle piece of the set is gone\n' "$file" "$GAP_DELETED_PIECE" \
		"$deleted" >>"$STAGE/.run.md"
	share_captures $v $ring "$file"
	share_captures $v $deleted "$file"
	share_captures $v $drops "$file"
}

scn_21() {
	local v=21-vxlan-snaplen128
	local TOPO_VXLAN=1 TOPO_POD_MTU=1450
	lab_up
	# Every point cut at 128 bytes; the nodes with -i any (SLL2, 20-byte
	# header): a VXLAN-wrapped SYN needs 130 bytes there.
	cap_iface $v "$(pod_point pod-centos)" 128
	cap_iface $v "$(pod_point pod-nginx1)" 128
	cap_any $v node1 any.pcap -s 128
	cap_any $v node2 any.pcap -s 128
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_21" "http://$SVC_NGINX_IP/index.html" 0 5
	settle
	cap_stop
}

scn_22() {
	local v=22-recovered-loss rule n
	lab_up
	nic_offloads_off
	# The fault: the VPC router, between node2/eth0 and node1/eth0, drops a
	# random LOSS_PROBABILITY of what pod-nginx1 sends to pod-centos.
	rule="FORWARD -s $POD_NGINX1_IP -d $POD_CENTOS_IP -p tcp -m tcp --sport $POD_HTTP_PORT -m statistic --mode random --probability $LOSS_PROBABILITY -m comment --comment pp-lab:random-loss -j DROP"
	# shellcheck disable=SC2086
	nsx "$NS_VPC" iptables -A $rule
	echo "VPC_LOSS=iptables -A $rule" >>"$STAGE/.settings"
	cap_points $v "$BULK_SNAPLEN" pod-centos pod-nginx1
	snapshot_ip $v
	http_get "$(pod_ns pod-centos)" "$SPORT_22" "http://$SVC_NGINX_IP/mid.bin" 0 30
	settle
	cap_stop
	n=$(nsx "$NS_VPC" iptables -vnxL FORWARD | awk '/pp-lab:random-loss/ { print $1 }')
	[ "${n:-0}" -gt 0 ] || die "$v: the VPC dropped nothing"
	printf -- '- the VPC rule dropped %s packets (`iptables -vnxL FORWARD` in %s)\n' "$n" "$NS_VPC" >>"$STAGE/.run.md"
}

scn_23() {
	local v=23-asymmetric-return
	lab_up
	# The fault: node2 sends everything from pod-nginx2 via node1 (a policy
	# route such as an egress gateway leaves behind). The reply to the NodePort
	# request reaches node1, whose conntrack never saw the SYN: INVALID,
	# dropped by kube-proxy's KUBE-FORWARD.
	nsx "$NS_NODE2" ip rule add from "$POD_NGINX2_IP" lookup "$ASYM_TABLE" priority 100
	nsx "$NS_NODE2" ip route add default via "$NODE1_ETH0_IP" dev eth0 table "$ASYM_TABLE"
	echo "NODE2_POLICY_ROUTE=ip rule add from $POD_NGINX2_IP lookup $ASYM_TABLE priority 100; ip route add default via $NODE1_ETH0_IP dev eth0 table $ASYM_TABLE" >>"$STAGE/.settings"
	cap_external $v
	cap_points $v 262144 pod-nginx2
	snapshot_ip $v
	http_get "$NS_CLIENT" "$SPORT_23" "http://$SVC_LBL_VIP/index.html" 28 2.5
	settle
	cap_stop
}
