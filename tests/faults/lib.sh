# shellcheck shell=bash disable=SC2016,SC2034 # used by the tests; expect() evals its conditions
# lib.sh - shared by the tests of tests/faults: the binaries, a scratch
# directory, a private TMPDIR (to see that nothing is left in it), and
# checks that report each case and go on, so one run shows every failure.
# usage (first line of a test): . "$(dirname "$0")/lib.sh" "$@"
#   $1 pktpath, $2 testdata, $3 fault_shim.so, $4 benchgen
set -uo pipefail
export TZ=UTC LC_ALL=C
unset NO_COLOR
PKTPATH=$(readlink -f "$1")
TESTDATA=$(readlink -f "$2")
SHIM=${3:+$(readlink -f "$3")}
BENCHGEN=${4:+$(readlink -f "$4")}
S2=$TESTDATA/2-cross-node-clusterip # healthy cross-node ClusterIP
S5=$TESTDATA/5-external-cluster-policy
S6=$TESTDATA/6-silent-drop # one flow dropped after node2/eth0
TMP=$(mktemp -d "${FAULTS_SCRATCH:-${TMPDIR:-/tmp}}/pktpath-faults.XXXXXX")
export TMPDIR=$TMP/tmpdir
mkdir -p "$TMPDIR"
# an LD_PRELOAD library next to an ASan binary: let it load
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
CLEANUP=()
on_exit() {
	for c in "${CLEANUP[@]}"; do eval "$c" || true; done
	rm -rf "$TMP"
}
trap on_exit EXIT
cd "$TMP" || exit 1
[ -f "$S2/node1/eth0.pcap" ] || { echo "SKIP: no testdata at $TESTDATA"; exit 77; }

failures=0 cases=0

ok() {
	cases=$((cases + 1))
	printf 'ok   %s\n' "$1"
}

bad() {
	cases=$((cases + 1))
	failures=$((failures + 1))
	printf 'FAIL %s: %s\n' "$1" "$2"
	[ -s err ] && sed 's/^/     stderr: /' err | head -n 5
	return 0
}

# run CMD...: stdout to ./out, stderr to ./err, exit status in $rc
run() {
	rc=0
	"$@" >out 2>err || rc=$?
}

# check NAME EXIT ERR_RE CMD...: runs CMD; the exit status must be EXIT,
# stderr must have exactly one line, matching the extended regex ERR_RE
# (anchored), or be empty when ERR_RE is ''
check() {
	local name=$1 want=$2 re=$3
	shift 3
	run "$@"
	if [ "$rc" != "$want" ]; then
		bad "$name" "exit $rc, not $want"
	elif [ -z "$re" ] && [ -s err ]; then
		bad "$name" "stderr not empty"
	elif [ -n "$re" ] && [ "$(wc -l <err)" != 1 ]; then
		bad "$name" "$(wc -l <err) lines on stderr, not 1"
	elif [ -n "$re" ] && ! grep -Eq "^$re\$" err; then
		bad "$name" "stderr is not /^$re\$/"
	else
		ok "$name"
	fi
}

# expect NAME CONDITION DESCRIPTION: CONDITION is a shell test (eval'd
# here: it sees the caller's variables, not its positional parameters)
expect() {
	if eval "$2"; then ok "$1"; else bad "$1" "$3"; fi
}

# tmpdir_empty NAME: nothing left in the private TMPDIR
tmpdir_empty() {
	local left
	left=$(find "$TMPDIR" -mindepth 1 | head -n 3)
	expect "$1: TMPDIR empty" '[ -z "$left" ]' "left in TMPDIR: $left"
}

# no_temp NAME DIR: no .NAME.XXXXXX temporary left in DIR
no_temp() {
	local left
	left=$(find "$2" -maxdepth 1 -name '.*.??????' | head -n 3)
	expect "$1: no temporary" '[ -z "$left" ]' "left: $left"
}

is_root() {
	[ "$(id -u)" = 0 ]
}

finish() {
	echo "$(basename "$0" .sh): $cases checks, $failures failed"
	[ "$failures" = 0 ]
	exit $?
}
