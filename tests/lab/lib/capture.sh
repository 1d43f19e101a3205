# pktpath lab: starting and stopping captures, recording the ip state.
# Sourced by lab.sh. Every capture is written below $STAGE/<variant>/ and
# listed in $STAGE/<variant>/.captures.tsv, which truth.py turns into lab.json.

CAP_PIDS=()
CAP_LOGS=()

# point_file POINT: the capture file name of a per-interface point.
# node1/eth0 -> node1/eth0.pcap, node1/pod-centos/eth0 -> node1/pod-centos/eth0.pcap
point_file() { printf '%s.pcap' "$1"; }

# point_ns POINT: the namespace a point lives in.
point_ns() {
	local p=$1
	case $p in
	client/*) echo "$NS_CLIENT" ;;
	slb/*) echo "$NS_SLB" ;;
	fw/*) echo "$NS_FW" ;;
	node[12]/pod-*/*) p=${p#*/}; pod_ns "${p%%/*}" ;;
	node[12]/*) node_ns "${p%%/*}" ;;
	*) die "unknown point $p" ;;
	esac
}

# _cap_wait LOG PID WORD: wait until the capture tool says it is capturing.
_cap_wait() {
	local i
	for i in $(seq 1 100); do
		grep -q "$3" "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || die "capture failed to start: $(cat "$1")"
		sleep 0.05
	done
	die "capture did not start within 5 s: $(cat "$1")"
}

# _cap_record VARIANT FILE NS IFACE POINTS SNAPLEN TOOL CMD...
_cap_record() {
	local v=$1 file=$2 ns=$3 iface=$4 points=$5 snap=$6 tool=$7
	shift 7
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$file" "$ns" "$iface" "$points" "$snap" "$tool" "$*" >>"$STAGE/$v/.captures.tsv"
}

# cap_iface VARIANT POINT [SNAPLEN]: tcpdump on one interface, Ethernet link
# type, nanosecond timestamps, every packet handed over at once. CAP_PLAIN=1:
# tcpdump's defaults instead (microseconds, packets handed over in blocks),
# as people run it.
cap_iface() {
	local v=$1 point=$2 snap=${3:-262144} ns iface file log
	local opts="-U --immediate-mode -B 8192 -s $snap --time-stamp-precision nano"
	[ "${CAP_PLAIN:-0}" = 1 ] && opts="-B 8192 -s $snap"
	ns=$(point_ns "$point")
	iface=${point##*/}
	file=$(point_file "$point")
	mkdir -p "$STAGE/$v/$(dirname "$file")"
	log="$STAGE/.logs/$v.${point//\//_}.log"
	# shellcheck disable=SC2206 # opts is split on purpose
	local cmd=(tcpdump -Z root -n $opts -i "$iface" -w "$STAGE/$v/$file")
	ip netns exec "$ns" "${cmd[@]}" 2>"$log" &
	CAP_PIDS+=($!)
	CAP_LOGS+=("$log")
	_cap_record "$v" "$file" "$ns" "$iface" "$point" "$snap" tcpdump \
		"ip netns exec $ns tcpdump -Z root -n $opts -i $iface -w $file"
	_cap_wait "$log" $! 'listening on'
}

# cap_any VARIANT NODE FILE [tcpdump options...]: tcpdump -i any in a node's
# own namespace (LINUX_SLL2 by default; pass -y LINUX_SLL for the old one).
cap_any() {
	local v=$1 node=$2 file=$3 ns log
	shift 3
	ns=$(node_ns "$node")
	mkdir -p "$STAGE/$v/$node"
	log="$STAGE/.logs/$v.$node.any.log"
	local cmd=(tcpdump -Z root -n -U --immediate-mode -B 8192 "$@" -i any -w "$STAGE/$v/$node/$file")
	ip netns exec "$ns" "${cmd[@]}" 2>"$log" &
	CAP_PIDS+=($!)
	CAP_LOGS+=("$log")
	local snap=262144 a prev=
	for a in "$@"; do [ "$prev" = -s ] && snap=$a; prev=$a; done
	_cap_record "$v" "$node/$file" "$ns" any "$node/*" "$snap" tcpdump \
		"ip netns exec $ns tcpdump -Z root -n -U --immediate-mode -B 8192 $* -i any -w $node/$file"
	_cap_wait "$log" $! 'listening on'
}

# cap_dumpcap VARIANT NODE FILE IFACE...: one dumpcap over several interfaces
# of a node, pcapng with one interface description block per interface.
cap_dumpcap() {
	local v=$1 node=$2 file=$3 ns log i points=
	shift 3
	ns=$(node_ns "$node")
	mkdir -p "$STAGE/$v/$node"
	log="$STAGE/.logs/$v.$node.dumpcap.log"
	local args=()
	for i in "$@"; do args+=(-i "$i"); points+="${points:+,}$node/$i"; done
	ip netns exec "$ns" dumpcap -q "${args[@]}" -w "$STAGE/$v/$node/$file" 2>"$log" &
	CAP_PIDS+=($!)
	CAP_LOGS+=("$log")
	_cap_record "$v" "$node/$file" "$ns" "$(
		IFS=,
		echo "$*"
	)" "$points" 262144 dumpcap "ip netns exec $ns dumpcap -q ${args[*]} -w $node/$file"
	_cap_wait "$log" $! 'Capturing on'
}

# cap_stop: SIGINT every capture, wait until each has flushed and exited.
cap_stop() {
	local pid i
	for pid in "${CAP_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	for i in "${!CAP_PIDS[@]}"; do
		wait "${CAP_PIDS[$i]}" || true
		# tcpdump: "N packets dropped by kernel"; dumpcap: "Packets ... Dropped".
		if grep -Eq '^[1-9][0-9]* packets dropped by (kernel|interface)' "${CAP_LOGS[$i]}"; then
			die "capture dropped packets: ${CAP_LOGS[$i]}: $(tr '\n' ' ' <"${CAP_LOGS[$i]}")"
		fi
		# Every packet the kernel handed to tcpdump must be in the file.
		local got seen
		got=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "${CAP_LOGS[$i]}")
		seen=$(sed -n 's/^\([0-9]*\) packets\{0,1\} received by filter$/\1/p' "${CAP_LOGS[$i]}")
		if [ -n "$seen" ] && [ "$got" != "$seen" ]; then
			die "capture lost packets ($got written, $seen received): ${CAP_LOGS[$i]}"
		fi
	done
	CAP_PIDS=()
	CAP_LOGS=()
}

# snapshot_ip VARIANT: ip -j link/addr/route of every namespace of every
# machine that has capture points: <machine>/ip/<ns>.{link,addr,route}.json,
# <ns> = host for the machine's own namespace, the pod name for pods; and,
# when PKTPATH names a pktpath binary, <machine>/snapshot.json written by
# `pktpath snapshot` in the machine's namespace with its pods recorded
# under their pod names.
snapshot_ip() {
	local v=$1 m ns name p
	for m in node1 node2 client slb fw; do
		[ -d "$STAGE/$v/$m" ] || continue
		mkdir -p "$STAGE/$v/$m/ip"
		case $m in
		node1 | node2)
			set -- "host:$(node_ns "$m")"
			for p in $(pods_of "$m"); do set -- "$@" "$p:$(pod_ns "$p")"; done
			;;
		client) set -- "host:$NS_CLIENT" ;;
		slb) set -- "host:$NS_SLB" ;;
		fw) set -- "host:$NS_FW" ;;
		esac
		if [ -n "${PKTPATH:-}" ]; then
			local args=()
			for p in "${@:2}"; do args+=(--netns "${p%%:*}=${p#*:}"); done
			ip netns exec "${1#*:}" "$PKTPATH" snapshot "${args[@]}" -o "$STAGE/$v/$m/snapshot.json"
		fi
		for p in "$@"; do
			name=${p%%:*}
			ns=${p#*:}
			ip -n "$ns" -j -d link show >"$STAGE/$v/$m/ip/$name.link.json"
			ip -n "$ns" -j -d addr show >"$STAGE/$v/$m/ip/$name.addr.json"
			if [ "${TOPO_IPV6:-0}" = 1 ]; then
				# Dual stack: the IPv4 and the IPv6 tables in one JSON array.
				"$PY" -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1]) + json.loads(sys.argv[2])))' \
					"$(ip -n "$ns" -j route show table all)" "$(ip -n "$ns" -j -6 route show table all)" \
					>"$STAGE/$v/$m/ip/$name.route.json"
			else
				ip -n "$ns" -j route show table all >"$STAGE/$v/$m/ip/$name.route.json"
			fi
		done
	done
}
