#!/usr/bin/env bash
# The README's second command must be exactly what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=$(tail -n 1 .ci/run)
grep -qxF "    $cmd" README.md || { echo "README.md lacks the .ci/run command: $cmd" >&2; exit 1; }
