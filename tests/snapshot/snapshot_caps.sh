#!/usr/bin/env bash
# snapshot_caps.sh PKTPATH - without CAP_SYS_ADMIN, `pktpath snapshot --netns`
# fails with one clear message and exit 2 and writes nothing; the namespace
# pktpath runs in can still be recorded. Tried with the capability dropped
# (capsh) and as user nobody (setpriv). Needs root to set up.
set -euo pipefail
pktpath=$(realpath "${1:?pktpath binary}")
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root to create network namespaces"; exit 77; }
p=pp-cp$$
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap '"$here/mktopo.sh" down "$p"; rm -rf "$tmp"' EXIT
"$here/mktopo.sh" up "$p"
want="pktpath: snapshot: cannot enter network namespace $p-pod-a: Operation not permitted (needs CAP_SYS_ADMIN)"
ran=0

check() { # label runner
	local label=$1 rc out
	shift
	set +e
	"$@" "$pktpath" snapshot --netns "$p-pod-a" -o "$tmp/out.json" 2>"$tmp/err"
	rc=$?
	set -e
	if [ $rc -ne 2 ] || [ "$(cat "$tmp/err")" != "$want" ] || [ -e "$tmp/out.json" ]; then
		echo "FAIL [$label] --netns: rc $rc, stderr:"; cat "$tmp/err"; exit 1
	fi
	# the own namespace needs no privilege
	set +e
	out=$("$@" "$pktpath" snapshot 2>"$tmp/err")
	rc=$?
	set -e
	if [ $rc -ne 0 ] || [ -s "$tmp/err" ] || ! printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["pktpath_snapshot"] == 1 and len(d["namespaces"]) == 1 and d["namespaces"][0]["name"] is None
assert any(l["name"] == "cni0" for l in d["namespaces"][0]["links"])'; then
		echo "FAIL [$label] own namespace: rc $rc, stderr:"; cat "$tmp/err"; exit 1
	fi
	echo "ok [$label]"
	ran=$((ran + 1))
}

# Runners: each runs "$@" in the node namespace (so that the "own namespace"
# is the node with its cni0), without CAP_SYS_ADMIN.
no_sys_admin() { # capsh -- runs bash: hand it one quoted command line
	ip netns exec "$p-node" capsh --drop=cap_sys_admin -- -c "$(printf '%q ' "$@")"
}
as_nobody() {
	ip netns exec "$p-node" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$@"
}
if command -v capsh >/dev/null; then
	check "capsh --drop=cap_sys_admin" no_sys_admin
fi
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	check "setpriv nobody" as_nobody
fi
[ $ran -gt 0 ] || { echo "skip: neither capsh nor setpriv"; exit 77; }
