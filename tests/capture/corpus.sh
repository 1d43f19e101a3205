#!/usr/bin/env bash
# Reads every capture of the tcpdump test corpus (shared/corpus/tcpdump-tests,
# beside the repository) through the capture layer: each file must end, with
# frames, counted records or a message naming it, and the driver must exit
# cleanly (under CAPDUMP_WRAP=valgrind... when set). Skips (77) without the
# corpus.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
corpus=${PP_CORPUS:-$here/../../../shared/corpus/tcpdump-tests}
capdump=${CAPDUMP:?CAPDUMP must name the capdump driver}
[ -d "$corpus" ] || { echo "no corpus at $corpus: skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
files=("$corpus"/*.pcap "$corpus"/*.pcapng "$corpus"/*.cap)
[ ${#files[@]} -gt 0 ] || { echo "corpus is empty: skipped"; exit 77; }

start=$(date +%s)
# shellcheck disable=SC2086 # CAPDUMP_WRAP is a command line
if ! ${CAPDUMP_WRAP:-} "$capdump" "${files[@]}" >"$tmp/out" 2>"$tmp/err"; then
	echo "capdump failed on the corpus:" >&2
	tail -n 30 "$tmp/err" >&2
	exit 1
fi
secs=$(($(date +%s) - start))

status=0
with_frames=0 with_counts=0 with_msg=0 empty=0
for f in "${files[@]}"; do
	line=$(grep -F -- "$f: read " "$tmp/out" | head -n 1 || true)
	if [ -z "$line" ]; then
		echo "no result line for $f" >&2
		status=1
		continue
	fi
	if [ -z "${CAPDUMP_WRAP:-}" ] && [[ $line == *SLOW=* ]]; then
		echo "too slow: $line" >&2
		status=1
	fi
	if [[ $line =~ frames\ [1-9] ]]; then
		with_frames=$((with_frames + 1))
	elif ! [[ $line =~ read\ 0\  ]]; then
		with_counts=$((with_counts + 1))
	elif grep -qF -- "pktpath: $f: " "$tmp/err" || grep -qF -- "pktpath: warning: $f: " "$tmp/err"; then
		with_msg=$((with_msg + 1))
	else
		empty=$((empty + 1)) # a file header and no record
	fi
done
# every message is one line naming a file of the corpus
if grep -v -e "^pktpath: $corpus/" -e "^pktpath: warning: $corpus/" "$tmp/err" | grep -q .; then
	echo "messages not in the 'pktpath: FILE: why' form:" >&2
	grep -v -e "^pktpath: $corpus/" -e "^pktpath: warning: $corpus/" "$tmp/err" | head >&2
	status=1
fi
echo "${#files[@]} files in ${secs}s: $with_frames with frames, $with_counts all counted," \
	"$with_msg with a message only, $empty without records;" \
	"$(wc -l <"$tmp/err") messages"
exit $status
