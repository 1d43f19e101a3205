#!/usr/bin/env bash
# mkfixtures.sh PKTPATH OUTDIR [PREFIX] - builds the mktopo.sh node and
# records it twice, as the topology tests read it:
#   OUTDIR/node1.snapshot.json  `pktpath snapshot --netns` of node + pods
#   OUTDIR/node1-ipj/           host.{link,addr,route}.json and
#                               PREFIX-pod-{a,b}.{link,addr,route}.json,
#                               the `ip -j` layout of a support bundle
#   OUTDIR/node1.addr.json      `ip -j -d addr show` of the node alone
# Needs root; the namespaces are removed on exit. The checked-in fixtures
# under tests/snapshot/fixtures were made with PREFIX pp-fx.
set -euo pipefail
pktpath=$(realpath "${1:?pktpath binary}") out=${2:?output directory} p=${3:-pp-fx}
here=$(cd "$(dirname "$0")" && pwd)
trap '"$here/mktopo.sh" down "$p"' EXIT
"$here/mktopo.sh" down "$p"
"$here/mktopo.sh" up "$p"
mkdir -p "$out/node1-ipj"
ip netns exec "$p-node" "$pktpath" snapshot --netns "$p-pod-a" --netns "$p-pod-b" \
	-o "$out/node1.snapshot.json"
for ns in node pod-a pod-b; do
	f=$p-$ns
	[ "$ns" = node ] && f=host
	ip -n "$p-$ns" -j -d link show >"$out/node1-ipj/$f.link.json"
	ip -n "$p-$ns" -j -d addr show >"$out/node1-ipj/$f.addr.json"
	ip -n "$p-$ns" -j route show table all >"$out/node1-ipj/$f.route.json"
done
cp "$out/node1-ipj/host.addr.json" "$out/node1.addr.json"
