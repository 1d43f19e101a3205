#!/bin/sh
# man_lint.sh MANPAGE - mandoc -Tlint must report nothing.
command -v mandoc >/dev/null || { echo "skip: mandoc is not installed"; exit 77; }
out=$(mandoc -Tlint "$1" 2>&1)
[ -z "$out" ] || { printf '%s\n' "$out"; exit 1; }
