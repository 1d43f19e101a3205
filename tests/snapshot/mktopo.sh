#!/usr/bin/env bash
# mktopo.sh - builds (up PREFIX) or removes (down PREFIX) a small Flannel-like
# node made of network namespaces, for the snapshot and topology tests:
#   PREFIX-node   the "node": eth0 (veth to PREFIX-wan), bridge cni0, vxlan
#                 flannel.1 over eth0, kube-ipvs0 holding a service address,
#                 routes in main, table 100 and a multipath route
#   PREFIX-pod-a  pod 172.23.96.21, eth0 paired with vethd7e7c6fd on cni0
#   PREFIX-pod-b  pod 172.23.96.22, eth0 paired with veth3a1b2c4d on cni0
#   PREFIX-wan    the other end of the node's eth0
# Names, addresses and MACs are fixed so that recordings are reproducible.
# Nothing outside these namespaces is touched. PREFIX must start with "pp-".
set -euo pipefail
cmd=${1:?up|down} p=${2:?prefix}
case $p in pp-*) ;; *) echo "mktopo.sh: prefix must start with pp-" >&2; exit 2 ;; esac

if [ "$cmd" = down ]; then
	for n in pod-a pod-b wan node; do ip netns del "$p-$n" 2>/dev/null || true; done
	exit 0
fi

N="ip -n $p-node"
for n in node pod-a pod-b wan; do ip netns add "$p-$n"; done
# The node's uplink: a veth whose far end lives in the wan namespace.
$N link add eth0 type veth peer name eth0 netns "$p-wan"
$N link set eth0 address 02:00:0a:00:00:b4 mtu 1500 up
$N addr add 10.0.0.180/24 dev eth0
$N -6 addr add fd00::b4/64 dev eth0 nodad
ip -n "$p-wan" addr add 10.0.0.1/24 dev eth0
ip -n "$p-wan" link set eth0 up
$N link set lo up
# The pod bridge.
$N link add cni0 type bridge
$N link set cni0 address 02:00:ac:17:60:01 mtu 1450 up
$N addr add 172.23.96.1/25 dev cni0
# Flannel's VXLAN device.
$N link add flannel.1 type vxlan id 1 dstport 8472 local 10.0.0.180 dev eth0 nolearning
$N link set flannel.1 address 02:00:ac:17:60:00 mtu 1450 up
$N addr add 172.23.96.0/32 dev flannel.1
$N route add 172.23.96.128/25 via 172.23.96.128 dev flannel.1 onlink
# kube-proxy's IPVS dummy, holding one service address. Kernels without the
# dummy driver get a port-less bridge of the same name: only the name matters.
if ! $N link add kube-ipvs0 type dummy 2>/dev/null; then
	$N link add kube-ipvs0 type bridge
fi
$N link set kube-ipvs0 address 02:00:c0:a8:0d:17
$N addr add 192.168.13.23/32 dev kube-ipvs0
# Routes: default, another table, a multipath route, a blackhole.
$N route add default via 10.0.0.1 dev eth0 metric 100
$N route add 10.99.0.0/16 via 10.0.0.1 dev eth0 table 100
$N route add 198.51.100.0/24 nexthop via 10.0.0.2 dev eth0 weight 1 nexthop via 10.0.0.3 dev eth0 weight 2
$N route add blackhole 203.0.113.0/24
# Two pods.
i=0
for pod in pod-a:vethd7e7c6fd pod-b:veth3a1b2c4d; do
	i=$((i + 1))
	ns=$p-${pod%%:*} veth=${pod##*:}
	$N link add "$veth" address "02:00:00:00:0$i:01" type veth peer name eth0 netns "$ns"
	$N link set "$veth" master cni0 mtu 1450 up
	ip -n "$ns" link set eth0 address "02:00:ac:17:60:1$i" mtu 1450 up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "172.23.96.2$i/25" dev eth0
	ip -n "$ns" route add default via 172.23.96.1 dev eth0
done
