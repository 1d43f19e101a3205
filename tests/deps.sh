#!/usr/bin/env bash
# Installs the Debian 12 packages pktpath needs: "build" for building and
# running it, "test" (default) also for the test suite and the lab. Does
# nothing when everything is already installed, so it is cheap to repeat.
set -euo pipefail

build_pkgs=(cmake make gcc pkg-config libpcap-dev libnl-3-dev libnl-route-3-dev libjansson-dev
            zlib1g-dev libzstd-dev liblzma-dev)
test_pkgs=(tcpdump iproute2 iptables iputils-ping ethtool netcat-openbsd curl python3
           tshark graphviz cmark mandoc valgrind clang clang-format libclang-rt-14-dev tmux time libcap2-bin
           conntrack zstd xz-utils bzip2 gzip parallel python3-yaml)

pkgs=("${build_pkgs[@]}")
[ "${1:-test}" = build ] || pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
