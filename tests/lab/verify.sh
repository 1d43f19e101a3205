#!/usr/bin/env bash
# pktpath lab: checks every claim of <scenario-dir>/expected.json against the
# captures of that folder, with tshark decoding the packets (no pktpath code).
# usage: tests/lab/verify.sh SCENARIO_DIR
# Exit status: 0 all claims hold, 1 a claim failed (one line per claim on
# stderr), 2 usage, 77 tshark or python3 missing (the ctest skip code).
set -euo pipefail
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: tests/lab/verify.sh SCENARIO_DIR" >&2
	exit 2
fi
for t in tshark python3; do
	command -v "$t" >/dev/null || {
		echo "verify.sh: $t not found (tests/deps.sh installs it)" >&2
		exit 77
	}
done
exec python3 "$(dirname "${BASH_SOURCE[0]}")/verify.py" "$1"
