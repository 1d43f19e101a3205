#!/usr/bin/env bash
# The C sources follow .clang-format (style.md: one format, checked in CI).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v clang-format >/dev/null || { echo "clang-format missing: skipped"; exit 77; }
git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tests/*.c' 'tests/*.h' 2>/dev/null |
	xargs clang-format --dry-run --Werror
echo "format: every C file follows .clang-format"
