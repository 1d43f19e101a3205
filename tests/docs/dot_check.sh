#!/usr/bin/env bash
# docs/architecture.dot is what layout_check.py derives from the includes of
# src/ now; after a change of stages: layout_check.py . --dot > docs/architecture.dot
# usage: dot_check.sh PYTHON LAYOUT_CHECK SOURCE_DIR
set -euo pipefail
python=$1 check=$2 top=$3
if ! diff -u "$top/docs/architecture.dot" <("$python" "$check" "$top" --dot); then
	echo "docs/architecture.dot is stale: regenerate it with tests/docs/layout_check.py . --dot" >&2
	exit 1
fi
echo "docs/architecture.dot matches the includes"
