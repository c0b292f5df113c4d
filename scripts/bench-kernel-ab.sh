#!/usr/bin/env bash
# A/B timing of a CPU kernel change: builds bench/native/kernel_bench.cpp against the core of commit A (a git
# worktree, built with the same cmake options) and against the working tree's core (build/, `npm run build:native`),
# then runs the two binaries alternately, `rounds` times each, and prints the median of their medians and the best.
# Same bits is checked too: the sums of y and of every gradient must agree.
#   bash scripts/bench-kernel-ab.sh <commit-A> <rounds> <lstm|gru|srnn> <infer|train> B T I H reps
# e.g. bash scripts/bench-kernel-ab.sh HEAD~3 12 lstm train 32 50 64 128 100      (docs/benchmarks.md "Packed dZ")
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 9 ] || { sed -n 2,7p "$0"; exit 2; }
base=$1 rounds=$2; shift 2
[ -f build/liblstmts_core.a ] || { echo "build/liblstmts_core.a missing: npm run build:native first"; exit 1; }
out=build/bench-kernel-ab
rm -rf "$out" && mkdir -p "$out"
git worktree add -q --detach "$out/a" "$base"
trap 'git worktree remove --force "$out/a"' EXIT
cmake -S "$out/a" -B "$out/a/build" -DCMAKE_BUILD_TYPE=Release -DLSTMTS_WITH_CUDNN=OFF -DLSTMTS_BUILD_TESTS=OFF \
  -DLSTMTS_BUILD_ADDONS=OFF >/dev/null
cmake --build "$out/a/build" --target lstmts_core >/dev/null
cc=(g++ -O3 -std=gnu++17 -pthread)
"${cc[@]}" -I"$out/a/native/core" bench/native/kernel_bench.cpp "$out/a/build/liblstmts_core.a" -o "$out/kernel_a"
"${cc[@]}" -Inative/core bench/native/kernel_bench.cpp build/liblstmts_core.a -o "$out/kernel_b"
for i in $(seq "$rounds"); do
  "$out/kernel_a" "$@" | sed 's/^/A /'
  "$out/kernel_b" "$@" | sed 's/^/B /'
done > "$out/log.txt"
for side in A B; do
  grep "^$side .*median" "$out/log.txt" | sed 's/.*median \([0-9.]*\) ms min \([0-9.]*\) ms.*/\1 \2/' | sort -n |
    awk -v s="$side" '{m[NR]=$1; if (NR==1 || $2<b) b=$2} END {printf "%s (%s): median of %d medians %.3f ms, best %.3f ms\n", s, s=="A"?"'"$base"'":"working tree", NR, m[int((NR+1)/2)], b}'
done
sa=$(grep "^A   sums" "$out/log.txt" | sort -u | wc -l); sb=$(grep "^B   sums" "$out/log.txt" | sort -u | wc -l)
if [ "$(grep '^A   sums' "$out/log.txt" | head -1 | cut -c2-)" = "$(grep '^B   sums' "$out/log.txt" | head -1 | cut -c2-)" ] && [ "$sa" = 1 ] && [ "$sb" = 1 ]; then
  echo "same sums (y and every gradient) on both sides"
else
  echo "the sums differ between A and B (different bits):"; grep "sums" "$out/log.txt" | sort -u
fi
