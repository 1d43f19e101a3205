#!/usr/bin/env bash
# Bounded libFuzzer run for ctest: FUZZER SECONDS WORKDIR SEEDDIR...
# Fuzzes for SECONDS from the reproducers and seeds (read only; new inputs
# go to WORKDIR/corpus, kept between runs of this build tree). A crash, leak
# or timeout fails the test and leaves its input in WORKDIR: minimize it
# (FUZZER -minimize_crash=1 -runs=10000 FILE) and keep it in
# tests/fuzz/regress/<target>/ as a regression input.
set -euo pipefail
fuzzer=$1 secs=$2 work=$3
shift 3
mkdir -p "$work/corpus"
seeds=()
for d in "$@"; do
	[ -d "$d" ] && seeds+=("$d")
done
log=$work/fuzz.log
# stderr of the target (pktpath's messages on hostile inputs) is closed;
# libFuzzer and the sanitizers report on a copy of it
set +e
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$work/" \
	"$work/corpus" "${seeds[@]}" >"$log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)|INFO: seed corpus' "$log" || true
if [ $rc -ne 0 ]; then
	tail -n 60 "$log"
	echo "run_fuzz: $(basename "$fuzzer") failed (exit $rc); inputs: $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | tr '\n' ' ')" >&2
	exit 1
fi
echo "run_fuzz: $(basename "$fuzzer"): ${secs}s, no finding; corpus $(ls "$work/corpus" | wc -l) inputs"
