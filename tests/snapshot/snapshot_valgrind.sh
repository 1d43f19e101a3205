#!/usr/bin/env bash
# snapshot_valgrind.sh PKTPATH - `pktpath snapshot --all-netns` under valgrind:
# no definite or indirect leaks (libnl caches, sockets, links, jansson), no
# memory errors. As root it runs in the mktopo.sh node so that several
# namespaces, veth pairs and a vxlan are read; otherwise the own namespace only.
set -euo pipefail
pktpath=$(realpath "${1:?pktpath binary}")
here=$(cd "$(dirname "$0")" && pwd)
command -v valgrind >/dev/null || { echo "skip: valgrind is not installed"; exit 77; }
# AddressSanitizer and valgrind cannot watch the same process
if grep -qa __asan_init "$pktpath"; then echo "skip: built with -DPKTPATH_SANITIZE=ON"; exit 77; fi
vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1)
tmp=$(mktemp -d)
if [ "$(id -u)" -ne 0 ]; then
	trap 'rm -rf "$tmp"' EXIT
	"${vg[@]}" "$pktpath" snapshot -o "$tmp/out.json"
	echo "snapshot_valgrind: own namespace only (not root)"
	exit 0
fi
p=pp-vg$$
trap '"$here/mktopo.sh" down "$p"; rm -rf "$tmp"' EXIT
"$here/mktopo.sh" up "$p"
ip netns exec "$p-node" "${vg[@]}" "$pktpath" snapshot --all-netns -o "$tmp/all.json"
ip netns exec "$p-node" "${vg[@]}" "$pktpath" snapshot --netns "$p-pod-a" --netns "$p-pod-b" >/dev/null
# error paths release everything too
set +e
"${vg[@]}" "$pktpath" snapshot --netns "$p-missing" 2>/dev/null; rc=$?
set -e
[ $rc -eq 2 ] || { echo "FAIL: error path: rc $rc (1 = valgrind errors)"; exit 1; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("snapshot_valgrind: %d namespaces read" % len(d["namespaces"]))' "$tmp/all.json"
