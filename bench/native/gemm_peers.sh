#!/bin/sh
# sgemm at one thread against OpenBLAS and oneDNN in one process (gemm_peers.cc), from the
# objects of native builds: sh bench/native/gemm_peers.sh ISA SAMPLES MxNxK... with
# DNB_BUILDS="name=obj_dir ..." (default: now=build/Release/obj.target, the current build).
# The peers are capped to the same ISA (OPENBLAS_CORETYPE, DNNL_MAX_CPU_ISA), one thread each.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cxx="${CXX:-g++} -std=c++17 -O2"
libs=""
for build in ${DNB_BUILDS:-now=$root/build/Release/obj.target}; do
  name=${build%%=*}
  dir=${build#*=}
  objs=$(find "$dir" -name '*.o' ! -path '*/addon/*')
  $cxx -fPIC -shared -Wl,-Bsymbolic "$root/bench/native/gemm_entry.cc" $objs -o "$out/$name.so" -lpthread
  libs="${libs:+$libs:}$name=$out/$name.so"
done
$cxx "$root/bench/native/gemm_peers.cc" -o "$out/gemm_peers" -ldl
case "$1" in
  avx2) core=Haswell dnnl=AVX2 ;;
  avx512) core=SkylakeX dnnl=AVX512_CORE ;;
  *) core=Prescott dnnl=SSE41 ;;
esac
DNB_LIBS=$libs OMP_NUM_THREADS=1 OPENBLAS_CORETYPE=$core DNNL_MAX_CPU_ISA=$dnnl ONEDNN_MAX_CPU_ISA=$dnnl \
  "$out/gemm_peers" "$@"
