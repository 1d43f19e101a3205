#!/usr/bin/env bash
# run.sh - pktpath benchmark: builds (Release), generates a ~4 GB capture set
# and one twice as long with the same concurrency (reused when present with
# the same parameters), warms the page cache, times the bare libpcap read
# loop and `pktpath --format json SET > /dev/null` several times each, prints
# a table, and checks pktpath's report against each set's ground truth.
# See tests/bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$repo/build-bench
dir=/var/tmp/pktpath-bench
runs=5
shards=2
size_gb=4
seed=1
pktpath=
do_build=1
gen_args=()

usage() {
	cat <<EOF
usage: tests/bench/run.sh [OPTIONS] [-- BENCHGEN-OPTIONS]

  --build-dir DIR   build directory [$build]
  --dir DIR         where the capture sets go [$dir]
  --no-build        use the tools already in the build directory
  --pktpath PATH    the pktpath binary to measure [BUILD-DIR/pktpath]
  --runs N          timed runs per tool and set; the median is shown [$runs]
  --seed N          generator seed [$seed]
  --shards N        also time N shards run at once and joined by pktpath merge [$shards]
  --size-gb GB      size of the 1x set, 10^9 bytes [$size_gb]
  -h, --help        show this help
Options after -- go to benchgen for both sets (e.g. --drop-rate 0.01).
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--build-dir) build=$2; shift 2 ;;
	--dir) dir=$2; shift 2 ;;
	--no-build) do_build=0; shift ;;
	--pktpath) pktpath=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--shards) shards=$2; shift 2 ;;
	--size-gb) size_gb=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; gen_args=("$@"); break ;;
	*) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs: '$runs' is not a positive number" >&2; exit 2; }
[[ $shards =~ ^[0-9]+$ ]] || { echo "run.sh: --shards: '$shards' is not a number" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "run.sh: /usr/bin/time missing (apt-get install time, or tests/deps.sh)" >&2; exit 2; }

if [ "$do_build" = 1 ]; then
	echo "== build (Release) in $build"
	if ! cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null ||
		! cmake --build "$build" -j2 --target benchgen readloop truthcheck >/dev/null; then
		echo "run.sh: the build failed; fix it, or use --no-build with --build-dir holding the tools" >&2
		exit 2
	fi
	cmake --build "$build" -j2 --target pktpath >/dev/null ||
		echo "run.sh: warning: pktpath did not build; its rows will be empty" >&2
fi
tools=$build
[ -x "$build/tests/bench/benchgen" ] && tools=$build/tests/bench
benchgen=$tools/benchgen readloop=$tools/readloop truthcheck=$tools/truthcheck
for t in "$benchgen" "$readloop" "$truthcheck"; do
	[ -x "$t" ] || { echo "run.sh: $t not built" >&2; exit 2; }
done
[ -n "$pktpath" ] || pktpath=$build/pktpath

# Generates set NAME with FACTOR unless an identical one is there: the stamp
# holds the options and a digest of the generator's source.
generate() {
	local name=$1 factor=$2 out=$dir/$1 stamp
	stamp="benchgen $(sha256sum "$here/benchgen.c" | cut -c1-16) --seed $seed --size-gb $size_gb --length-factor $factor ${gen_args[*]:-}"
	if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && [ -f "$out/truth.json" ]; then
		echo "== $name: reusing $out"
		return
	fi
	echo "== $name: generating $out"
	rm -rf "$out"
	mkdir -p "$dir"
	"$benchgen" --seed "$seed" --size-gb "$size_gb" --length-factor "$factor" ${gen_args[@]+"${gen_args[@]}"} "$out"
	echo "$stamp" >"$out/.stamp"
}

json_num() { grep -o "\"$1\":[0-9.]*" "$2" | tail -1 | cut -d: -f2; }

# Median of the numbers on stdin.
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

# measure LABEL CMD...: runs CMD $runs times with its output discarded;
# sets med_s and rss_mb (largest peak RSS of the runs).
measure() {
	local label=$1 i t0 t1 rc
	shift
	local times=() rss=0 r
	for ((i = 1; i <= runs; i++)); do
		t0=$(date +%s%N)
		rc=0
		/usr/bin/time -v -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt" || rc=$?
		t1=$(date +%s%N)
		if [ "$rc" -gt 1 ]; then
			echo "run.sh: $label exited with status $rc: $(grep -v '^	' "$dir/stderr.txt" | head -3)" >&2
			med_s='' rss_mb=''
			return 1
		fi
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')")
		r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time.txt")
		[ "${r:-0}" -gt "$rss" ] && rss=$r
		printf '   %s run %d: %s s\n' "$label" "$i" "${times[-1]}"
	done
	med_s=$(printf '%s\n' "${times[@]}" | median)
	rss_mb=$(awk -v k="$rss" 'BEGIN {printf "%.0f", k / 1024}')
}

# pktpath's readiness, probed on a tiny set: it must exit 0 and print a
# report with conversations.
pktpath_ready=0 pktpath_why=
probe=$dir/probe
if [ ! -x "$pktpath" ]; then
	pktpath_why="$pktpath not found"
else
	rm -rf "$probe"
	mkdir -p "$dir"
	"$benchgen" -q --size-gb 0.002 --concurrency 20 --think-ms 5 --idle-ms 20 "$probe"
	rc=0
	"$pktpath" --format json "$probe" >"$probe/report.json" 2>"$probe/stderr.txt" || rc=$?
	if [ "$rc" -ne 0 ]; then
		pktpath_why="exit status $rc: $(head -1 "$probe/stderr.txt")"
	elif ! grep -q '"conversations"' "$probe/report.json"; then
		pktpath_why="no conversations in its JSON output"
	else
		pktpath_ready=1
	fi
fi
[ "$pktpath_ready" = 1 ] || echo "== pktpath cannot analyse yet ($pktpath_why): only the read loop is timed"

generate 1x 1
generate 2x 2

rows=()
verdicts=()
for name in 1x 2x; do
	set_dir=$dir/$name
	packets=$(json_num packets_total "$set_dir/truth.json")
	bytes=$(json_num bytes_total "$set_dir/truth.json")
	convs=$(json_num conversations "$set_dir/truth.json")
	echo "== $name: $convs conversations, $packets packets, $((bytes / 1000000)) MB; warming the page cache"
	cat "$set_dir"/*/*.pcap "$set_dir"/*/*/*.pcap >/dev/null
	measure "readloop $name" "$readloop" "$set_dir"
	rl_s=$med_s
	rows+=("$(awk -v n="$name" -v s="$med_s" -v p="$packets" -v b="$bytes" -v r="$rss_mb" \
		'BEGIN {printf "%-4s %-9s %9.3f %13.0f %9.1f %9s %8s", n, "readloop", s, p / s, b / 1e6 / s, r, "1.00"}')")
	if [ "$pktpath_ready" = 1 ] && measure "pktpath $name" "$pktpath" --format json "$set_dir"; then
		rows+=("$(awk -v n="$name" -v s="$med_s" -v p="$packets" -v b="$bytes" -v r="$rss_mb" -v q="$rl_s" \
			'BEGIN {printf "%-4s %-9s %9.3f %13.0f %9.1f %9s %8.2f", n, "pktpath", s, p / s, b / 1e6 / s, r, s / q}')")
		rc=0
		# the reports go beside the set, not into it: pktpath says what in a
		# bundle is not a capture, and the runs must read the same files
		"$pktpath" --format json "$set_dir" >"$dir/$name-report.json" 2>/dev/null || rc=$?
		if out=$("$truthcheck" --max-report 5 "$set_dir/truth.json" "$dir/$name-report.json"); then
			verdicts+=("$name PASS  ${out##*$'\n'}")
		else
			verdicts+=("$name FAIL  $(echo "$out" | tail -1)")
			while IFS= read -r l; do verdicts+=("       $l"); done < <(echo "$out" | grep mismatch | head -5)
		fi
		# N shards at once on this machine, joined (bench_shards): the
		# joined report must be the single run's
		if [ "$shards" -gt 1 ] &&
			measure "pktpath $shards shards $name" "$here/bench_shards.sh" "$pktpath" "$shards" "$set_dir" "$dir/shards"; then
			rows+=("$(awk -v n="$name" -v s="$med_s" -v p="$packets" -v b="$bytes" -v r="$rss_mb" -v q="$rl_s" -v k="$shards" \
				'BEGIN {printf "%-4s %-9s %9.3f %13.0f %9.1f %9s %8.2f", n, k " shards", s, p / s, b / 1e6 / s, r, s / q}')")
			"$here/bench_shards.sh" "$pktpath" "$shards" "$set_dir" "$dir/shards" >"$dir/$name-merged.json" 2>/dev/null || true
			if cmp -s "$dir/$name-report.json" "$dir/$name-merged.json"; then
				verdicts+=("$name PASS  $shards shards joined by pktpath merge: the single run's report, byte for byte")
			else
				verdicts+=("$name FAIL  $shards shards joined by pktpath merge differ from the single run's report")
			fi
		fi
	else
		[ "$pktpath_ready" = 1 ] && pktpath_why="failed on the $name set"
		rows+=("$(printf '%-4s %-9s %9s %13s %9s %9s %8s' "$name" pktpath n/a n/a n/a n/a n/a)")
		verdicts+=("$name SKIP  pktpath cannot analyse yet ($pktpath_why)")
	fi
done

# The worst case the slow flows above hide: one flow at 100 k packets/s
# (fastflow.py: 1,000,000 segments 10 us apart with their ACKs, at two
# nodes). Its cost per packet is compared with the 1x set's.
fast=$dir/fast
fast_stamp="fastflow $(sha256sum "$here/fastflow.py" | cut -c1-16) --packets 1000000 --acks"
if ! [ -f "$fast/.stamp" ] || [ "$(cat "$fast/.stamp")" != "$fast_stamp" ]; then
	echo "== fast: generating $fast"
	rm -rf "$fast"
	python3 "$here/fastflow.py" --packets 1000000 --acks "$fast"
	echo "$fast_stamp" >"$fast/.stamp"
fi
fast_packets=$(for f in "$fast"/*/*.pcap; do capinfos -c -M "$f" 2>/dev/null | awk '/Number of packets/ {print $NF}'; done | awk '{s += $1} END {print s + 0}')
cat "$fast"/*/*.pcap >/dev/null
measure "readloop fast" "$readloop" "$fast"
fast_rl=$med_s
rows+=("$(awk -v s="$med_s" -v p="$fast_packets" -v r="$rss_mb" \
	'BEGIN {printf "%-4s %-9s %9.3f %13.0f %9s %9s %8s", "fast", "readloop", s, p / s, "-", r, "1.00"}')")
if [ "$pktpath_ready" = 1 ] && measure "pktpath fast" "$pktpath" --format json "$fast"; then
	rows+=("$(awk -v s="$med_s" -v p="$fast_packets" -v r="$rss_mb" -v q="$fast_rl" \
		'BEGIN {printf "%-4s %-9s %9.3f %13.0f %9s %9s %8.2f", "fast", "pktpath", s, p / s, "-", r, s / q}')")
	fast_ns=$(awk -v s="$med_s" -v p="$fast_packets" 'BEGIN {printf "%.0f", s * 1e9 / p}')
fi

echo
printf '%-4s %-9s %9s %13s %9s %9s %8s\n' set tool "median s" "packets/s" "MB/s" "RSS MB" "x read"
for r in "${rows[@]}"; do echo "$r"; done
echo
echo "truth check:"
for v in "${verdicts[@]}"; do echo "  $v"; done
if [ -n "${fast_ns:-}" ]; then
	onex=$(printf '%s\n' "${rows[@]}" | awk '$1 == "1x" && $2 == "pktpath" {printf "%.0f", 1e9 / $4}')
	echo "cost per packet: one fast flow ${fast_ns} ns, the 1x set's many slow flows ${onex:-?} ns"
fi
