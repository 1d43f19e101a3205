# lib.sh - shared by the tests of tests/formats: arguments, a scratch
# directory, and assertions that print what they looked at when they fail.
# usage (first line of a test): . "$(dirname "$0")/lib.sh" "$@"
set -euo pipefail
export TZ=UTC LC_ALL=C
unset NO_COLOR
PKTPATH=$1
TESTDATA=$2
BENCHGEN=${3:-}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pktpath-formats.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
S6=$TESTDATA/6-silent-drop                  # one flow dropped on node2, one healthy
S2=$TESTDATA/2-cross-node-clusterip         # healthy cross-node ClusterIP
S4=$TESTDATA/4-external-local-policy        # external client, client IP kept
S5=$TESTDATA/5-external-cluster-policy      # external client, SNAT on node1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t not installed" >&2; exit 77; }
	done
}

show() {
	echo "--- $1 (first 60 lines):" >&2
	head -n 60 "$1" >&2 || true
}

# has FILE ERE WHAT: some line of FILE matches ERE
has() {
	grep -Eq -- "$2" "$1" || { show "$1"; fail "$3: no line matches /$2/"; }
}

# hasnt FILE ERE WHAT: no line of FILE matches ERE
hasnt() {
	if grep -Eq -- "$2" "$1"; then
		show "$1"
		fail "$3: a line matches /$2/"
	fi
}

# status WANT CMD...: runs CMD (stdout to $TMP/out, stderr to $TMP/err) and
# checks its exit status
status() {
	local want=$1 got=0
	shift
	"$@" >"$TMP/out" 2>"$TMP/err" || got=$?
	if [ "$got" != "$want" ]; then
		show "$TMP/err"
		fail "exit status $got, not $want: $*"
	fi
}

# on_tty CMD: runs the shell command line CMD with stdin, stdout and stderr
# on a pseudo-terminal (script(1)); what it wrote to the terminal is on stdout
on_tty() {
	script -qfec "$1" /dev/null </dev/null
}

ESC=$(printf '\033')
