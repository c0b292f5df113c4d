#!/usr/bin/env bash
# Builds and runs the GEMM benchmarks of bench/native/ against the core built by `npm run build:native`:
#   fma_peak     one core's FMA peak (AVX-512 and AVX2), the reference for GFLOP/s figures
#   gemm_bench   our GEMM on the LSTM's shapes, side by side with OpenBLAS when libopenblas-dev is installed
#   ukr_ceiling  what AVX-512 micro-kernel tiles reach alone on L1-resident panels (AVX-512 machines only)
# usage: bash scripts/bench-gemm.sh [threads]      (docs/benchmarks.md "Own GEMM")
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${1:-1}
out=build/bench-native
mkdir -p "$out"
[ -f build/liblstmts_core.a ] || { echo "build/liblstmts_core.a missing: npm run build:native first"; exit 1; }
g++ -O2 -mavx512f -mfma bench/native/fma_peak.cpp -o "$out/fma_peak"
blas=()
if [ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ]; then
  blas=(-DWITH_OPENBLAS -I/usr/include/x86_64-linux-gnu -lopenblas)
fi
g++ -O3 -std=gnu++17 -Inative/core bench/native/gemm_bench.cpp build/liblstmts_core.a -o "$out/gemm_bench" -pthread "${blas[@]}"
echo "peak: $("$out/fma_peak")"
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  g++ -O3 -mavx512f -mfma -std=gnu++17 bench/native/ukr_ceiling.cpp -o "$out/ukr_ceiling"
  "$out/ukr_ceiling"
fi
"$out/gemm_bench" "$threads"
