#!/usr/bin/env bash
# selfcheck.sh BENCHGEN READLOOP TRUTHCHECK - ctest bench.gen_selfcheck: a
# tiny generated set is readable by libpcap and holds, per file, exactly the
# packets truth.json counts; the same seed gives the same bytes; truthcheck
# accepts the ideal report (json and jsonl) and rejects broken ones.
set -euo pipefail
benchgen=$1 readloop=$2 truthcheck=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "selfcheck: FAIL: $*" >&2; exit 1; }

args=(--size-gb 0.004 --concurrency 20 --think-ms 5 --idle-ms 20 --drop-rate 0.02
      --snat-fraction 0.4 --upload-fraction 0.1 --seed 7)
"$benchgen" "${args[@]}" "$tmp/a"
"$benchgen" -q "${args[@]}" "$tmp/b"

# Packets per file: what libpcap reads against what the generator wrote.
for f in node1/pod-client/eth0 node1/veth1a2b3c4d node1/eth0 node2/eth0 node2/pod-server/eth0; do
	[ -s "$tmp/a/$f.pcap" ] || fail "$f.pcap missing"
	want=$(grep -o "{\"name\":\"$f\",\"packets\":[0-9]*" "$tmp/a/truth.json" | tail -1 | sed 's/.*://')
	got=$("$readloop" "$tmp/a/$f.pcap" | sed -n 's/.* packets \([0-9]*\) .*/\1/p')
	if [ -z "$want" ] || [ "$want" != "$got" ]; then fail "$f: read $got packets, truth says $want"; fi
	cmp -s "$tmp/a/$f.pcap" "$tmp/b/$f.pcap" || fail "$f: not deterministic for one seed"
done
total=$(grep -o '"packets_total":[0-9]*' "$tmp/a/truth.json" | sed 's/.*://')
got=$("$readloop" "$tmp/a" | sed -n 's/.* packets \([0-9]*\) .*/\1/p')
[ "$total" = "$got" ] || fail "bundle: read $got packets, truth says $total"
cmp -s "$tmp/a/truth.json" "$tmp/b/truth.json" ||
	[ "$(grep -v generation_seconds "$tmp/a/truth.json")" = "$(grep -v generation_seconds "$tmp/b/truth.json")" ] ||
	fail "truth.json not deterministic"
grep -q '"recovered_loss":{"forward":{"after":"node1/eth0"' "$tmp/a/truth.json" || fail "no forward drop generated"
grep -q '"reverse":{"after":"node2/eth0","expected_next":"node1/eth0","packets"' "$tmp/a/truth.json" ||
	fail "no reverse drop generated"
grep -q '"stopped":{"forward":{' "$tmp/a/truth.json" && fail "a stop in the truth: every loss is retransmitted"
grep -q '"snat":{' "$tmp/a/truth.json" || fail "no SNAT generated"

# Time order per file, and node2's clock ahead by the default 1.7 s.
if command -v tcpdump >/dev/null; then
	for f in node1/pod-client/eth0 node1/veth1a2b3c4d node1/eth0 node2/eth0 node2/pod-server/eth0; do
		back=$(tcpdump -tt --nano -nr "$tmp/a/$f.pcap" 2>/dev/null |
			awk '{ if ($1 < p) n++; p = $1 } END { print n + 0 }')
		[ "$back" = 0 ] || fail "$f: $back packets out of time order"
	done
	first() { tcpdump -tt --nano -nr "$tmp/a/$1.pcap" -c 1 2>/dev/null | cut -d' ' -f1; }
	awk -v a="$(first node1/eth0)" -v b="$(first node2/eth0)" \
		'BEGIN { d = b - a; exit !(d > 1.7 && d < 1.71) }' || fail "node2 is not 1.7 s ahead"
fi

# The checker: the ideal report passes, in both formats.
"$truthcheck" --ideal "$tmp/a/truth.json" >"$tmp/ideal.json"
"$truthcheck" "$tmp/a/truth.json" "$tmp/ideal.json" || fail "ideal json report rejected"
"$truthcheck" --ideal --format jsonl "$tmp/a/truth.json" >"$tmp/ideal.jsonl"
{ echo "pktpath: a line that is not JSON"; cat "$tmp/ideal.jsonl"; } >"$tmp/noisy.jsonl"
"$truthcheck" "$tmp/a/truth.json" "$tmp/noisy.jsonl" || fail "ideal jsonl report rejected"

# ... and broken ones fail with status 1.
expect_fail() {
	local name=$1 rc=0
	"$truthcheck" "$tmp/a/truth.json" "$tmp/$name.jsonl" >"$tmp/$name.out" || rc=$?
	[ "$rc" = 1 ] || fail "truthcheck accepted a report with $name (status $rc)"
	grep -q mismatch "$tmp/$name.out" || fail "$name: no mismatch printed"
}
sed '2d' "$tmp/ideal.jsonl" >"$tmp/missing.jsonl"
expect_fail missing
sed '1s/"clock_offset":1.7/"clock_offset":1.702/' "$tmp/ideal.jsonl" >"$tmp/clock.jsonl"
expect_fail clock
sed '0,/"recovered_loss":{"after":\([^}]*\)"packets":\([0-9]*\)}/s//"recovered_loss":{"after":\1"packets":9\2}/' \
	"$tmp/ideal.jsonl" >"$tmp/losscount.jsonl"
expect_fail losscount
sed '0,/"recovered_loss":{[^}]*}/s//"recovered_loss":null/' "$tmp/ideal.jsonl" >"$tmp/noloss.jsonl"
expect_fail noloss
# A recovered loss reported as a stop (what pktpath said before issue 13),
# and as a verdict alone.
sed '0,/"verdict":"delivered","stopped":null\(,"answered_by":null,"client_ip_lost":null,"recovered_loss":\)\({[^}]*}\)/s//"verdict":"partial","stopped":\2\1\2/' \
	"$tmp/ideal.jsonl" >"$tmp/lossstop.jsonl"
expect_fail lossstop
grep -q '"verdict":"partial","stopped":{' "$tmp/lossstop.jsonl" || fail "lossstop: the mutation did not apply"
sed '0,/"verdict":"delivered"\(,"stopped":null,"answered_by":null,"client_ip_lost":null,"recovered_loss":{\)/s//"verdict":"stopped"\1/' \
	"$tmp/ideal.jsonl" >"$tmp/lossverdict.jsonl"
expect_fail lossverdict
sed '0,/"client_ip_lost":{[^}]*}/s//"client_ip_lost":null/' "$tmp/ideal.jsonl" >"$tmp/lost.jsonl"
expect_fail lost
sed '0,/"to":"172.23.96.1\([0-9][0-9]\):8080","after":"node1\/veth1a2b3c4d"/s//"to":"172.23.96.1\1:8080","after":"node1\/pod-client\/eth0"/' \
	"$tmp/ideal.jsonl" >"$tmp/dnat.jsonl"
expect_fail dnat
echo "selfcheck: PASS: $got packets read as generated, deterministic, truthcheck accepts the ideal and rejects 8 broken reports"
