#!/usr/bin/env bash
# snapshot_netns.sh PKTPATH - records the mktopo.sh node with `pktpath
# snapshot --netns` and checks it field by field against `ip -j` of the same
# namespaces (check_snapshot.py); then checks that the output file is
# written atomically and that --all-netns changes nothing (the node's
# namespace-id table is the same before and after). Needs root.
set -euo pipefail
pktpath=$(realpath "${1:?pktpath binary}")
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to create network namespaces"; exit 77; }
command -v python3 >/dev/null || { echo "skip: needs python3"; exit 77; }
p=pp-sn$$
tmp=$(mktemp -d)
trap '"$here/mktopo.sh" down "$p"; rm -rf "$tmp"' EXIT
"$here/mktopo.sh" up "$p"

# IPv6 addresses (and their local routes) settle once duplicate address
# detection ends: wait for it, or two snapshots taken in a row differ
for ns in node pod-a pod-b; do
	for _ in $(seq 100); do
		[ -z "$(ip -n "$p-$ns" -6 addr show tentative)" ] && break
		sleep 0.05
	done
done
umask 022
ip netns exec "$p-node" "$pktpath" snapshot --netns "$p-pod-a" --netns "$p-pod-b" -o "$tmp/snap.json"
for ns in node pod-a pod-b; do
	ip -n "$p-$ns" -j -d link show >"$tmp/$ns.link.json"
	ip -n "$p-$ns" -j -d addr show >"$tmp/$ns.addr.json"
	ip -n "$p-$ns" -j route show table all >"$tmp/$ns.route.json"
done
ip -n "$p-node" -j netns list-id >"$tmp/nsid.json"
python3 "$here/check_snapshot.py" "$tmp/snap.json" "$tmp" "$p"

# -o: complete file, 0644 under umask 022, no temporary left behind
[ "$(stat -c %a "$tmp/snap.json")" = 644 ] || { echo "FAIL: mode $(stat -c %a "$tmp/snap.json")"; exit 1; }
left=$(find "$tmp" -name 'snap.json.*' -o -name '.snap.json.*' | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL: temporary files left: $left"; exit 1; }
# stdout gives the same namespaces
ip netns exec "$p-node" "$pktpath" snapshot --netns "$p-pod-a" --netns "$p-pod-b" >"$tmp/stdout.json"
python3 - "$tmp/snap.json" "$tmp/stdout.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for d in (a, b):
    d.pop("time")
if a != b:
    sys.exit("FAIL: stdout and -o differ")
PY

# read-only: RTM_GETNSID must not assign ids to every namespace it sees
ip -n "$p-node" -j netns list-id >"$tmp/nsid.before"
ip netns exec "$p-node" "$pktpath" snapshot --all-netns -o "$tmp/all.json"
ip -n "$p-node" -j netns list-id >"$tmp/nsid.after"
cmp "$tmp/nsid.before" "$tmp/nsid.after" || { echo "FAIL: --all-netns changed the nsid table"; exit 1; }
python3 - "$tmp/all.json" "$p" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); p = sys.argv[2]
names = [ns["name"] for ns in d["namespaces"]]
mine = [n for n in names if n and n.startswith(p + "-")]
if names[0] is not None or mine != sorted(p + "-" + s for s in ("node", "pod-a", "pod-b", "wan")):
    sys.exit(f"FAIL: --all-netns namespaces {names}")
PY
# a namespace given twice is recorded once; usage errors exit 2
ip netns exec "$p-node" "$pktpath" snapshot --netns "$p-pod-a" --netns "$p-pod-a" >"$tmp/twice.json"
python3 -c 'import json,sys; n=len(json.load(open(sys.argv[1]))["namespaces"]); sys.exit(0 if n == 2 else "FAIL: twice: %d" % n)' "$tmp/twice.json"
set +e
"$pktpath" snapshot --netns "$p-nope" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "cannot open network namespace $p-nope (/run/netns/$p-nope): No such file or directory" "$tmp/err" \
	|| { echo "FAIL: missing namespace: rc $rc: $(cat "$tmp/err")"; exit 1; }
echo "snapshot_netns: ok"
