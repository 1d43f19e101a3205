#!/usr/bin/env bash
# Every file of the tcpdump test corpus through the whole of pktpath: alone,
# and paired with the next file (the last with the first) as two points,
# a=FILE b=NEXT.
#
# usage: corpus_run.sh PKTPATH PPCOUNTS CORPUS_DIR OUTCOMES_FILE
#
# Each run must end within PP_CORPUS_TIMEOUT seconds (5) with exit 0 or 2,
# print only "pktpath: ..." lines on stderr (at least one when the exit is
# 2) and no sanitizer report, and, when it wrote a report, account for
# every packet (ppcounts: read = used + ignored). A pair must read what the
# two files read alone.
#
# The outcome of each file (exit status alone, packets read, used, ignored,
# exit status paired) is compared with OUTCOMES_FILE (tests/corpus/
# outcomes.txt): a change fails the test, with the lines that differ. When a
# change is intended, rewrite the file from a run and review its diff:
#     PP_CORPUS_UPDATE=1 ctest --test-dir build -R '^corpus\.run$'
# Corpus files not listed there are reported as new, listed files that are
# missing as gone; neither fails the test. Exit 77 without the corpus.
set -uo pipefail
pktpath=$1 ppcounts=$2 corpus=$3 outcomes=$4
limit=${PP_CORPUS_TIMEOUT:-5}
export LC_ALL=C
[ -d "$corpus" ] || { echo "no corpus at $corpus: skipped"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=()
for f in "$corpus"/*; do
	[ -f "$f" ] && files+=("$f")
done
n=${#files[@]}
[ "$n" -gt 0 ] || { echo "corpus is empty: skipped"; exit 77; }

fail=0
declare -A alone_exit alone_read
problems=()
notes=()

# run LABEL ARGS...: runs pktpath; sets r_exit r_counts r_read r_ms r_err
run() {
	local label=$1 t0 t1 c
	shift
	t0=$(date +%s%N)
	timeout -k 2 "$limit" "$pktpath" --format json "$@" >"$tmp/out" 2>"$tmp/err"
	r_exit=$?
	t1=$(date +%s%N)
	r_ms=$(((t1 - t0) / 1000000))
	r_err=$(head -n 1 "$tmp/err")
	r_err=${r_err//$corpus\//}
	r_counts="- - -"
	r_read=
	case $r_exit in
	0 | 2) ;;
	124 | 137) problems+=("$label: no end within ${limit}s"); fail=1 ;;
	*) problems+=("$label: exit $r_exit: $(grep -m1 -E 'ERROR|runtime error|Assertion|abort' "$tmp/err")"); fail=1 ;;
	esac
	if grep -qE 'Sanitizer|runtime error:|valgrind|Assertion' "$tmp/err"; then
		problems+=("$label: sanitizer report: $(grep -m1 -E 'Sanitizer|runtime error:' "$tmp/err")")
		fail=1
	elif grep -qv '^pktpath: ' "$tmp/err"; then
		problems+=("$label: stderr line not in the 'pktpath: ...' form: $(grep -m1 -v '^pktpath: ' "$tmp/err")")
		fail=1
	fi
	if [ "$r_exit" = 2 ] && [ ! -s "$tmp/err" ]; then
		problems+=("$label: exit 2 without a message")
		fail=1
	fi
	if [ -s "$tmp/out" ]; then
		if c=$("$ppcounts" "$tmp/out" 2>"$tmp/cerr"); then
			# shellcheck disable=SC2086 # "read R used U ignored I ..." into words
			set -- $c
			r_counts="$2 $4 $6"
			r_read=$2
		else
			problems+=("$label: $(cat "$tmp/cerr")")
			fail=1
		fi
	elif [ "$r_exit" = 0 ]; then
		problems+=("$label: exit 0 without a report")
		fail=1
	fi
}

printf '%-44s %4s %6s %6s %6s %5s  %-4s %5s  %s\n' FILE EXIT READ USED IGN MS PAIR MS "FIRST STDERR LINE (alone)"
: >"$tmp/now"
start=$(date +%s)
for ((i = 0; i < n; i++)); do
	f=${files[i]}
	name=${f##*/}
	run "$name" "$f"
	alone_exit[$name]=$r_exit
	alone_read[$name]=${r_read:-0}
	# shellcheck disable=SC2086 # the three counts are three columns
	line=$(printf '%-44s %4s %6s %6s %6s %5s' "$name" "$r_exit" $r_counts "$r_ms")
	err=$r_err
	counts=$r_counts
	if [ "$r_ms" -gt 2000 ]; then
		notes+=("$name: slow alone (${r_ms} ms)")
	fi
	echo "$name $r_exit $counts" >>"$tmp/now.alone"
	printf '%s\n' "$line" >"$tmp/line.$i"
	printf '%s\n' "$err" >"$tmp/err.$i"
done
for ((i = 0; i < n; i++)); do
	f=${files[i]} g=${files[(i + 1) % n]}
	name=${f##*/} next=${g##*/}
	run "$name + $next" "a=$f" "b=$g"
	if [ -n "$r_read" ] && [ "$r_read" -ne $((alone_read[$name] + alone_read[$next])) ]; then
		problems+=("$name + $next: the pair read $r_read packets, the files alone $((alone_read[$name] + alone_read[$next]))")
		fail=1
	fi
	printf '%s  %-4s %5s  %.90s\n' "$(cat "$tmp/line.$i")" "$r_exit" "$r_ms" "$(cat "$tmp/err.$i")"
	echo "${alone_exit[$name]} $r_exit" >>"$tmp/now.pair"
done
secs=$(($(date +%s) - start))
paste -d' ' "$tmp/now.alone" <(cut -d' ' -f2 "$tmp/now.pair") | awk '{print $1, $2, $3, $4, $5, $6}' >"$tmp/now"

# the summary
echo
echo "corpus: $n files, each alone and paired, in ${secs}s"
awk '{a[$2]++; p[$6]++} END {
	printf "  alone:  "; for (k in a) printf "exit %s: %d  ", k, a[k]; print ""
	printf "  paired: "; for (k in p) printf "exit %s: %d  ", k, p[k]; print "" }' "$tmp/now"
awk '$3 != "-" {r += $3; u += $4; g += $5} END {printf "  packets (alone): %d read = %d used + %d ignored\n", r, u, g}' "$tmp/now"

# against the expected outcomes
if [ "${PP_CORPUS_UPDATE:-}" = 1 ]; then
	{
		sed -n '/^#/p' "$outcomes" 2>/dev/null
		cat "$tmp/now"
	} >"$tmp/new"
	cp "$tmp/new" "$outcomes"
	echo "corpus: wrote $outcomes ($(wc -l <"$tmp/now") files): review its diff"
elif [ -f "$outcomes" ]; then
	grep -v '^#' "$outcomes" | sort >"$tmp/want"
	sort "$tmp/now" >"$tmp/got"
	new=$(join -v 2 <(cut -d' ' -f1 "$tmp/want") <(cut -d' ' -f1 "$tmp/got") | wc -l)
	gone=$(join -v 1 <(cut -d' ' -f1 "$tmp/want") <(cut -d' ' -f1 "$tmp/got") | wc -l)
	join <(cut -d' ' -f1 "$tmp/got") "$tmp/want" >"$tmp/want.common"
	join <(cut -d' ' -f1 "$tmp/want") "$tmp/got" >"$tmp/got.common"
	changed=$(diff "$tmp/want.common" "$tmp/got.common" | grep -c '^>')
	echo "  against $(basename "$outcomes"): $changed changed, $new new, $gone gone"
	[ "$new" -gt 0 ] && echo "  new (not in outcomes.txt): $(join -v 2 <(cut -d' ' -f1 "$tmp/want") <(cut -d' ' -f1 "$tmp/got") | head -n 5 | tr '\n' ' ')"
	if [ "$changed" -gt 0 ]; then
		echo "corpus: outcomes changed (FILE ALONE_EXIT READ USED IGNORED PAIR_EXIT; < expected, > now):"
		diff "$tmp/want.common" "$tmp/got.common" | grep '^[<>]' | head -n 40
		echo "corpus: if intended: PP_CORPUS_UPDATE=1 ctest --test-dir build -R '^corpus\\.run\$', then review the diff of tests/corpus/outcomes.txt"
		fail=1
	fi
else
	echo "corpus: no $outcomes: create it with PP_CORPUS_UPDATE=1"
	fail=1
fi

if [ ${#notes[@]} -gt 0 ]; then
	echo
	printf 'corpus: note: %s\n' "${notes[@]}"
fi
if [ ${#problems[@]} -gt 0 ]; then
	echo
	echo "corpus: ${#problems[@]} problems:"
	printf '  %s\n' "${problems[@]}"
fi
exit $fail
