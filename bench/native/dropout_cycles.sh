#!/bin/sh
# Builds bench/native/dropout_cycles.cc against the dropout and element-wise kernels, each ISA
# file with its group's flags from native/sources.json, and runs it: sh bench/native/dropout_cycles.sh [n] [reps]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cxx="${CXX:-g++} -std=c++17 -O3 -ffp-contract=off -fno-math-errno"
k="$root/native/kernels"
for isa in avx2 avx512; do
  flags=$(node -p "require('$root/native/sources.json').groups.$isa.flags.join(' ')")
  $cxx $flags -c "$k/dropout/dropout_mask_$isa.cc" -o "$out/d_$isa.o"
  $cxx $flags -c "$k/eltwise/eltwise_$isa.cc" -o "$out/e_$isa.o"
done
$cxx "$root/bench/native/dropout_cycles.cc" "$out"/*.o -o "$out/dropout_cycles"
"$out/dropout_cycles" "$@"
