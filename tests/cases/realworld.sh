#!/usr/bin/env bash
# Real-world capture forms must give the same conclusions as the lab's tidy
# per-interface captures of the same run (issue: -i any files, rotated
# sets, pcapng from dumpcap, clock skew, snaplen-cut packets).
# usage: realworld.sh PKTPATH TESTDATA CASE
#   same A B [--no-points]  A and B are bundles of one run (e.g. per-interface and -i any)
#   skew SCENARIO NODE S  NODE's files shifted by S seconds (editcap -t): offset
#                         estimated within 1 ms, conclusions unchanged
#   clockset SCENARIO NODE S  shifted as for skew, and the offset given by hand
#                         (--clock NODE=S): used as given, conclusions unchanged
#   snaplen SCENARIO N    every file cut to N bytes per packet (editcap -s)
#   iptopo SCENARIO       the nodes' `ip -j` files (--topology NODE=DIR) instead
#                         of their snapshot.json: same names, same conclusions
set -euo pipefail
pktpath=$1 td=$2 kind=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC LC_ALL=C

analyse() { "$pktpath" --format json "$1" >"$2"; }

# Copies a bundle and rewrites its captures with editcap ARGS (those of one
# node when NODE is given).
rewrite() {
	local src=$1 dst=$2 node=$3
	shift 3
	cp -r "$src" "$dst"
	find "$dst/${node}" -type f -name '*.pcap*' | while read -r f; do
		# keep the format and the time resolution: editcap writes pcapng
		# unless told otherwise
		local fmt
		case $(head -c 4 "$f" | od -An -tx1 | tr -d ' ') in
		0a0d0d0a) fmt=pcapng ;;
		4d3cb2a1 | a1b23c4d) fmt=nsecpcap ;;
		*) fmt=pcap ;;
		esac
		editcap -F "$fmt" "$@" "$f" "$f.new" >/dev/null
		mv "$f.new" "$f"
	done
}

command -v editcap >/dev/null || { echo "editcap missing" >&2; exit 77; }
case $kind in
same)
	analyse "$td/$1" "$tmp/a.json"
	analyse "$td/$2" "$tmp/b.json"
	"$here/conclusions.py" "$tmp/a.json" "$tmp/b.json" "${@:3}"
	;;
skew)
	scenario=$1 node=$2 secs=$3
	rewrite "$td/$scenario" "$tmp/skewed" "$node" -t "$secs"
	analyse "$td/$scenario" "$tmp/a.json"
	analyse "$tmp/skewed" "$tmp/b.json"
	"$here/conclusions.py" "$tmp/a.json" "$tmp/b.json" --clock "$node=$secs"
	;;
clockset)
	scenario=$1 node=$2 secs=$3
	rewrite "$td/$scenario" "$tmp/skewed" "$node" -t "$secs"
	analyse "$td/$scenario" "$tmp/a.json"
	"$pktpath" --format json --clock "$node=$secs" "$tmp/skewed" >"$tmp/b.json"
	"$here/conclusions.py" "$tmp/a.json" "$tmp/b.json" --clock "$node=$secs,0"
	;;
snaplen)
	scenario=$1 len=$2
	rewrite "$td/$scenario" "$tmp/cut" "" -s "$len"
	analyse "$td/$scenario" "$tmp/a.json"
	analyse "$tmp/cut" "$tmp/b.json"
	"$here/conclusions.py" "$tmp/a.json" "$tmp/b.json"
	;;
iptopo)
	scenario=$1
	args=()
	for d in "$td/$scenario"/*/ip; do
		args+=(--topology "$(basename "$(dirname "$d")")=$d")
	done
	analyse "$td/$scenario" "$tmp/a.json"
	"$pktpath" --format json "${args[@]}" "$td/$scenario" >"$tmp/b.json"
	"$here/conclusions.py" "$tmp/a.json" "$tmp/b.json"
	;;
*)
	echo "unknown case $kind" >&2
	exit 2
	;;
esac
