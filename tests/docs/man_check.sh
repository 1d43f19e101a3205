#!/usr/bin/env bash
# The man page documents every option of the analysis and of the snapshot
# command, and every reason a packet can be counted under; it lints clean.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
man=$top/man/pktpath.1
text=$(MANWIDTH=200 man -l "$man" 2>/dev/null || mandoc -Tascii "$man" | col -b)
missing=0
check() {
	grep -qF -- "$2" <<<"$text" || { echo "man page lacks $1 '$2'" >&2; missing=1; }
}
for o in $(sed -n 's/^[[:space:]]*{"\([a-z-]*\)", \(required\|no\)_argument.*/\1/p' \
	"$top"/src/cli/*.c "$top"/src/topo/*.c | sort -u); do
	check option "--$o"
done
for r in $(sed -n 's/.*X(PP_[RNL]_[A-Z0-9_]*, "\([a-z0-9_.]*\)").*/\1/p' "$top/include/pktpath/reason.h"); do
	case $r in
	*.*) check reason "$r" ;;
	esac
done
if command -v mandoc >/dev/null; then
	mandoc -Tlint -Wstyle "$man"
fi
[ "$missing" -eq 0 ] && echo "man page: all options and reasons documented"
exit "$missing"
