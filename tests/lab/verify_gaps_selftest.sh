#!/usr/bin/env bash
# ctest: verify.sh must reject a wrong issue-13 truth. For each committed
# folder below, copies it once, then breaks one claim of expected.json at a
# time (a gap of another kind or at another point, recovered loss where
# nothing was lost or none where it was, a snaplen cut where the SYN fits, a
# finding on the wrong flow or direction) and expects a FAIL line each time.
# usage: tests/lab/verify_gaps_selftest.sh TESTDATA_DIR
set -euo pipefail
td=${1:?usage: verify_gaps_selftest.sh TESTDATA_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v tshark >/dev/null && command -v python3 >/dev/null || exit 77
tmp=$(mktemp -d /tmp/pp-verify-gaps-selftest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/tshark"
export VERIFY_TSHARK_CACHE=$tmp/tshark

# folder <TAB> mutation (python; e = expected.json, F(i) = flow i, 0-based)
cases=$(
	cat <<'EOF'
20-capture-gaps-ring	e["gaps"][0]["why"] = "missing_piece"
20-capture-gaps-ring	e["gaps"][0]["point"] = "node2/cni0"
20-capture-gaps-deleted-piece	e["gaps"][0]["why"] = "ring_overwritten"
20-capture-gaps-kernel-drops	e["gaps"][0]["point"] = "node2/eth0"
20-capture-gaps-ring	F(0)["reverse"]["recovered_loss"] = True; F(0)["reverse"]["recovered_loss_between"] = {"after": "node2/eth0", "expected_next": "node1/eth0"}
22-recovered-loss	F(0)["reverse"]["recovered_loss"] = False
22-recovered-loss	F(0)["reverse"]["recovered_loss_between"] = {"after": "node1/eth0", "expected_next": "node1/cni0"}
22-recovered-loss	F(0)["forward"]["recovered_loss"] = True; F(0)["forward"]["recovered_loss_between"] = {"after": "node1/eth0", "expected_next": "node2/eth0"}
21-vxlan-snaplen128	F(0)["forward"]["snaplen_cut"].append("node1/pod-centos/eth0")
3-local-policy-no-endpoint	F(0)["forward"]["finding"], F(1)["forward"]["finding"] = F(1)["forward"]["finding"], F(0)["forward"]["finding"]
6-silent-drop	F(1)["forward"]["finding"] = F(0)["forward"].pop("finding")
8-vxlan-mtu-blackhole	F(0)["reverse"]["finding"] = "mtu_blackhole"
23-asymmetric-return	F(0)["forward"]["finding"] = "asymmetric_return"
5-external-cluster-policy	F(0)["reverse"]["finding"] = "client_ip_lost"
EOF
)
fail=0
n=0
while IFS=$'\t' read -r folder m; do
	if [ ! -d "$tmp/$folder" ]; then
		cp -a "$td/$folder" "$tmp/$folder"
		"$here/verify.sh" "$tmp/$folder" >/dev/null
		cp "$tmp/$folder/expected.json" "$tmp/$folder.expected.json"
	fi
	python3 - "$tmp/$folder.expected.json" "$tmp/$folder/expected.json" "$m" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
F = lambda i: e["flows"][i]
exec(sys.argv[3])
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY
	n=$((n + 1))
	if out=$("$here/verify.sh" "$tmp/$folder" 2>&1); then
		echo "verify_gaps_selftest.sh: $folder: verify.sh accepted a wrong truth: $m" >&2
		fail=1
	elif ! grep -q 'FAIL:' <<<"$out"; then
		echo "verify_gaps_selftest.sh: $folder: verify.sh failed without a FAIL line: $m: $out" >&2
		fail=1
	else
		echo "$folder: rejected as expected ($m): $(grep -m1 'FAIL:' <<<"$out" | sed 's/^verify.sh: [^:]*: //')"
	fi
	cp "$tmp/$folder.expected.json" "$tmp/$folder/expected.json"
done <<<"$cases"
echo "verify_gaps_selftest.sh: $n wrong truths tried"
exit "$fail"
