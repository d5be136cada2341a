#!/bin/sh
# Cross-compiles the NEON dropout kernels with the scalar ones and runs the comparison under
# qemu-aarch64 (Debian: g++-aarch64-linux-gnu, qemu-user). Usage: sh scripts/neon/check.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
src="$root/native/kernels/dropout"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
aarch64-linux-gnu-g++ -std=c++17 -O2 -Wall -Wextra -static -I"$src" \
  "$root/scripts/neon/dropout_check.cc" "$src/dropout_mask_scalar.cc" "$src/dropout_mask_neon.cc" -o "$out/check"
qemu-aarch64 "$out/check"
