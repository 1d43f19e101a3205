#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2016,SC2034,SC2154 # lib.sh: expect() evals its conditions, run() sets rc
# What an input may cost, and running short of memory or descriptors:
# a 100 MB snapshot.json and a 100 MB --expect file under a memory bound,
# a crafted -i any capture under a time bound, small ulimit -v (a message,
# never a silent abort) and small ulimit -n (one line, not one per file).
. "$(dirname "$0")/lib.sh" "$@"
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
[ -x /usr/bin/time ] || { echo "SKIP: needs /usr/bin/time"; exit 77; }
cp "$S2/node1/eth0.pcap" a.pcap
cp "$S2/node2/eth0.pcap" b.pcap

# timed CMD...: runs CMD; $rc, its peak $rss (KiB) and $secs
timed() {
	run /usr/bin/time -f '%M %e' -o time.txt "$@"
	read -r rss secs < <(tail -n 1 time.txt) # after "Command exited with ..."
}

# bulky JSON OUT BYTES: JSON's object with one more member, an array of
# small numbers, making it about BYTES long (still valid JSON)
bulky() {
	python3 - "$@" <<'PY'
import json, sys
base = json.dumps(json.load(open(sys.argv[1])), indent=2)
n = int(sys.argv[3]) // 2
with open(sys.argv[2], "w") as f:
    f.write(base[:-1].rstrip() + ',\n  "extra": [' + "0," * (n - 1) + "0]\n}\n")
PY
}

# a valid 100 MB snapshot.json with one bulky unknown member (it cost
# 1.96 GB and 19 s): refused by size, at once
bulky "$S2/node1/snapshot.json" big.json 100000000
timed "$PKTPATH" --topology node1=big.json node1/eth0=a.pcap
expect big-snapshot '[ "$rc" = 2 ] && grep -q "^pktpath: big.json: larger than 16 MiB, not a topology$" err' "exit $rc"
expect big-snapshot-cost '[ "$rss" -lt 65536 ] && [ "${secs%.*}" -lt 5 ]' "$rss KiB, $secs s"
# 15 MB of small values: under the size cap, over the count of values
bulky "$S2/node1/snapshot.json" values.json 15000000
timed "$PKTPATH" --topology node1=values.json node1/eth0=a.pcap
expect many-values '[ "$rc" = 2 ] && grep -q "^pktpath: values.json: more than 500000 JSON values, not a topology$" err' "exit $rc"
expect many-values-cost '[ "$rss" -lt 65536 ]' "$rss KiB"

# a 100 MB --expect file: its unknown bulky member is skipped, not built
"$PKTPATH" --format json "$S5" >saved.json
bulky saved.json bigexpect.json 100000000
timed "$PKTPATH" --expect bigexpect.json "$S5"
expect big-expect '[ "$rc" = 0 ]' "exit $rc"
expect big-expect-cost '[ "$rss" -lt 262144 ] && [ "${secs%.*}" -lt 10 ]' "$rss KiB, $secs s"
truncate -s 300M huge.json
check huge-expect 2 'pktpath: huge\.json: larger than 256 MiB' "$PKTPATH" --expect huge.json "$S5"
rm -f big.json values.json bigexpect.json huge.json

# a crafted -i any capture: a new SLL2 interface for each of 65,536
# packets (11.5 s when the analysis was quadratic in interfaces)
python3 "$(dirname "$0")/../badinput/sll2_many.py" many.pcap 65536
bound=10
grep -qa AddressSanitizer "$PKTPATH" && bound=40 # a sanitizer build runs 2-4x slower
timed timeout 120 "$PKTPATH" --format json node1/any=many.pcap
expect crafted-sll2 '[ "$rc" = 0 ] && [ "${secs%.*}" -lt "$bound" ]' "exit $rc after $secs s (bound $bound s)"

# small ulimit -v: every run ends with exit 0, or exit 2 and a message;
# never a silent abort (134) or a crash; some run says 'out of memory ('
if (ulimit -v 200000 && "$PKTPATH" --version >/dev/null 2>&1); then
	oom=0 silent=""
	for v in 6000 8000 10000 12000 14000 16000 20000 24000 28000 32000 40000; do
		rc=0
		(ulimit -v $v && exec "$PKTPATH" --format json "$S5") >out 2>err || rc=$?
		grep -q '^pktpath: out of memory (.*)$' err && oom=$((oom + 1))
		case $rc in
		0) ;;
		2) [ -s err ] || silent+=" $v:no-message" ;;
		127) ;; # the loader could not map a library: pktpath never ran
		*) silent+=" $v:exit-$rc" ;;
		esac
	done
	expect ulimit-v '[ -z "$silent" ] && [ "$oom" -gt 0 ]' "ends:$silent; 'out of memory (' said $oom times"
else
	echo "note: this pktpath cannot run under ulimit -v (a sanitizer build): not checked"
fi

# small ulimit -n: one line before reading, not one error per file
for i in $(seq 1 40); do cp a.pcap "p$i.pcap"; done
args=()
for i in $(seq 1 40); do args+=("n$i/eth0=p$i.pcap"); done
run bash -c 'ulimit -n 32 && exec "$0" "$@"' "$PKTPATH" "${args[@]}"
expect ulimit-n '[ "$rc" = 2 ] && [ "$(wc -l <err)" = 1 ] && grep -Eq "^pktpath: inputs: 40 inputs need about [0-9]+ open files at once, and the limit is 32 \(ulimit -n\): raise it, or give fewer inputs$" err' \
	"exit $rc, $(wc -l <err) lines"
# a low soft limit under a higher hard one is raised
run bash -c 'ulimit -S -n 32 && exec "$0" "$@"' "$PKTPATH" "${args[@]}"
expect ulimit-n-soft '[ "$rc" = 0 ] && [ ! -s err ]' "exit $rc"
finish
