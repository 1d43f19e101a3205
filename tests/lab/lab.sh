#!/usr/bin/env bash
# pktpath lab: records the seed scenarios on a real kernel.
#
# usage: tests/lab/lab.sh [--out DIR] [--no-verify] [--pktpath BIN] [SCENARIO ...]
#
# Builds the two-node ACK Flannel topology in network namespaces (all named
# pp-*), runs the chosen scenarios (default: all), captures every point with
# tcpdump, and writes one folder per recording into DIR (default testdata/):
# the captures, the ip state of every namespace (and, with --pktpath, each
# machine's `pktpath snapshot` as snapshot.json), lab.json (topology), and
# expected.json (the truth, written from what the lab configured). Each
# scenario gets a fresh topology, torn down afterwards, also on error or
# Ctrl-C. Then verify.sh checks every claim of expected.json against the
# captures (skip with --no-verify). Needs root; exits 77 when not root or
# when a tool is missing (the ctest skip code).
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LAB_DIR/../.." && pwd)
OUT=$ROOT/testdata
VERIFY=1

die() {
	echo "lab.sh: $*" >&2
	exit 1
}

usage() {
	sed -n '3,4p' "$0" | sed 's/^# //'
	echo "scenarios: ${ALL_SCENARIOS[*]}"
}

# shellcheck source=lib/config.sh
. "$LAB_DIR/lib/config.sh"
. "$LAB_DIR/lib/topo.sh"
. "$LAB_DIR/lib/kubeproxy.sh"
. "$LAB_DIR/lib/capture.sh"
. "$LAB_DIR/lib/traffic.sh"
. "$LAB_DIR/lib/scenarios.sh"
. "$LAB_DIR/lib/scenarios_gaps.sh"
. "$LAB_DIR/lib/scenarios_trust.sh"
. "$LAB_DIR/lib/scenarios_lab24.sh"

SCENARIOS=()
while [ $# -gt 0 ]; do
	case $1 in
	--out)
		[ $# -ge 2 ] || die "--out needs a directory"
		OUT=$2
		shift 2
		;;
	--out=*)
		OUT=${1#--out=}
		shift
		;;
	--no-verify)
		VERIFY=0
		shift
		;;
	--pktpath)
		[ $# -ge 2 ] || die "--pktpath needs a path"
		PKTPATH=$(realpath "$2")
		shift 2
		;;
	-h | --help)
		usage
		exit 0
		;;
	-*) die "unknown option $1 (try --help)" ;;
	*)
		SCENARIOS+=("$1")
		shift
		;;
	esac
done
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=("${ALL_SCENARIOS[@]}")
for s in "${SCENARIOS[@]}"; do
	printf '%s\n' "${ALL_SCENARIOS[@]}" | grep -qx -- "$s" || die "unknown scenario '$s' (known: ${ALL_SCENARIOS[*]})"
done

if [ "$(id -u)" -ne 0 ]; then
	echo "lab.sh: needs root (network namespaces, iptables, tcpdump)" >&2
	exit 77
fi
# The lab's namespaces have fixed names: one recording at a time on this
# machine, whichever checkout or ctest run asks (ctest's RESOURCE_LOCK only
# orders the tests of one run).
exec 9>/run/lock/pktpath-lab.lock
flock 9
for t in ip bridge tcpdump dumpcap iptables-restore ip6tables-restore iptables ip6tables curl ethtool ss sha1sum python3; do
	command -v "$t" >/dev/null || {
		echo "lab.sh: $t not found (tests/deps.sh installs the lab tools)" >&2
		exit 77
	}
done
PY=$(python3 -c 'import sys; print(sys.executable)')

# Root is not enough in some containers: check that a namespace with a bridge
# can be made and that br_netfilter's sysctls exist in it; skip otherwise.
probe=pp-probe-$$
if ! ip netns add "$probe" 2>/dev/null; then
	echo "lab.sh: cannot create network namespaces here (no CAP_SYS_ADMIN?)" >&2
	exit 77
fi
probe_ok=1
ip -n "$probe" link add name br-probe type bridge 2>/dev/null || probe_ok=0
[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || probe_ok=0
ip netns exec "$probe" test -e /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || probe_ok=0
ip netns del "$probe"
if [ "$probe_ok" != 1 ]; then
	echo "lab.sh: needs bridges and br_netfilter (modprobe br_netfilter) in network namespaces" >&2
	exit 77
fi

# The host veth of a pod is veth + sha1(pod name)[:8]; config.sh spells the
# names out, check that they follow the rule.
for p in "${POD_LIST[@]}"; do
	want="veth$(printf '%s' "$p" | sha1sum | cut -c1-8)"
	[ "$(pod_var "$p" VETH)" = "$want" ] || die "config.sh: $p has veth $(pod_var "$p" VETH), the rule gives $want"
done

WORK=$(mktemp -d /tmp/pp-lab.XXXXXX)
STAGE=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local pid
	# A capture a scenario paused (SIGSTOP) must run again to act on SIGINT.
	for pid in "${CAP_PIDS[@]}"; do kill -CONT "$pid" 2>/dev/null || true; done
	for pid in "${CAP_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
	for pid in "${CAP_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	servers_down
	topo_down
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "lab.sh: interrupted" >&2; exit 130' INT TERM

www_prepare "$WORK/www"
mkdir -p "$OUT"
failed=()
for s in "${SCENARIOS[@]}"; do
	t0=$SECONDS
	echo "lab.sh: $s: recording" >&2
	STAGE=$WORK/stage/$s
	mkdir -p "$STAGE/.logs"
	: >"$STAGE/.run.md"
	: >"$STAGE/.settings"
	variants=$(scenario_variants "$s")
	for v in $variants; do mkdir -p "$STAGE/$v"; done
	"scn_${s%%-*}"
	servers_down
	topo_down
	for v in $variants; do
		"$PY" "$LAB_DIR/truth.py" --config "$LAB_DIR/lib/config.sh" --scenario "$s" --variant "$v" \
			--dir "$STAGE/$v" --run-log "$STAGE/.run.md" --settings "$STAGE/.settings" \
			--templates "$LAB_DIR/readme"
		rm -f "$STAGE/$v/.captures.tsv"
		rm -rf "${OUT:?}/$v"
		cp -a "$STAGE/$v" "$OUT/$v"
		if [ "$VERIFY" = 1 ]; then
			"$LAB_DIR/verify.sh" "$OUT/$v" || failed+=("$v")
		fi
	done
	rm -rf "$STAGE"
	echo "lab.sh: $s: done in $((SECONDS - t0)) s" >&2
done
if [ ${#failed[@]} -gt 0 ]; then
	die "verify.sh failed for: ${failed[*]}"
fi
