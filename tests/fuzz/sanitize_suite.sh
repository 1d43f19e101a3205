#!/usr/bin/env bash
# The whole test suite again, built with clang and ASan + UBSan, in its own
# tree: SOURCE_DIR BINARY_DIR [CORPUS_DIR]. With libFuzzer installed
# (libclang-rt-14-dev) the tree is also PKTPATH_FUZZ, so its suite runs each
# fuzz target for PP_FUZZ_SECONDS (60). Tests that cannot run under ASan
# (valgrind) are left out, and so is this test. Exit 77 without clang.
set -euo pipefail
src=$1 bin=$2 corpus=${3:-}
cc=${PP_SANITIZE_CC:-clang}
command -v "$cc" >/dev/null || { echo "sanitize.suite: no $cc: skipped"; exit 77; }

fuzz=OFF
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return d && n; }\n' >"$probe/f.c"
if "$cc" -fsanitize=fuzzer,address,undefined -o "$probe/f" "$probe/f.c" 2>/dev/null; then
	fuzz=ON
else
	echo "sanitize.suite: no libFuzzer for $cc (libclang-rt-14-dev): fuzz runs left out"
fi

start=$(date +%s)
corpus_arg=()
[ -n "$corpus" ] && corpus_arg=(-DPP_CORPUS_DIR="$corpus")
CC=$cc cmake -S "$src" -B "$bin" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPKTPATH_SANITIZE=ON \
	-DPKTPATH_FUZZ=$fuzz "${corpus_arg[@]}" >"$bin.configure.log" 2>&1 ||
	{ cat "$bin.configure.log"; exit 1; }
cmake --build "$bin" -j2 >"$bin.build.log" 2>&1 || { tail -n 50 "$bin.build.log"; exit 1; }
built=$(date +%s)
echo "sanitize.suite: configured and built in $((built - start))s (fuzz targets: $fuzz)"
# labdata and tools check the lab's truth with tshark and python: no pktpath
# code runs there, so they gain nothing from a sanitizer build
ctest --test-dir "$bin" --output-on-failure -j2 -E 'valgrind|memcheck|^sanitize\.|^lab\.|^labdata\.|^tools\.'
echo "sanitize.suite: suite ran in $(($(date +%s) - built))s"
