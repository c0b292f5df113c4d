#!/usr/bin/env bash
# One command for a GPU session (docs/native.md, "GPU checks"). Run from the repository root:
#
#   bash scripts/gpu-check.sh              all stages that fit in the time budget (default 540 s)
#   bash scripts/gpu-check.sh --pack-node  (on a machine WITH node + node_modules) write .cache/gpu-node/: an
#                                          xz'd node binary and the few node_modules the GPU stages need
#
# Made for a bare GPU machine: root, no network, nvcc + CMake, python3 = a torch venv with the
# nvidia-cudnn-cu13 wheel, no node unless carried (.cache/gpu-node from --pack-node). Stages:
#   env       nvidia-smi, python/torch/cuDNN versions, where cuDNN is (CUDNN_ROOT from python's nvidia.cudnn)
#   core      plain CMake build (LSTMTS_BUILD_ADDONS=OFF: no node needed) of the core, test_lstm_cpu and
#             test_lstm_cudnn; runs both (test_lstm_cudnn: cuDNN vs CPU core, re-upload, errors, leaks)
#   node      only if node is found: builds the two addons with the same CMake (node-api-headers instead of
#             cmake-js) and runs the mocha cuDNN tests (test/native/cudnn*.test.ts)
#   compare   only with node: bench/torch_compare_dump.ts + bench/torch_compare.py (vs torch.nn.LSTM on cuda)
#   bench     only with node: bench/native.ts --gpu --configs medium (cuDNN backend vs torch cuda)
# Logs go to $GPU_CHECK_LOGS (/tmp/gpu-check-logs); ${OUT:-/tmp/gpu-out} gets summary.txt (each stage PASS / FAIL /
# SKIP with why), the key logs and logs.tar.gz (all logs).
# Exit status: 0 when no stage failed. Environment knobs: GPU_CHECK_BUDGET_S (540), GPU_CHECK_STAGES
# (default "env core node compare bench"), PYTHON (python3), CUDNN_ROOT (else from python), BUILD_DIR.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}

# ------------------------------------------------------------------------------------------- --pack-node
if [ "${1:-}" = "--pack-node" ]; then
  set -e
  dest=.cache/gpu-node
  mkdir -p "$dest"
  node_bin=$(command -v node)
  # Only what the node stage loads (found with strace on a mocha run of test/native/cudnn*.test.ts, plus the
  # two header packages for the addon build); all of node_modules is ~670 MB, far over the 64 MiB carry limit.
  mods="mocha tsx esbuild @esbuild/linux-x64 chai fast-check pure-rand node-addon-api node-api-headers
        cli-progress ndarray iota-array is-buffer ansi-regex balanced-match brace-expansion chokidar debug diff
        emoji-regex find-up-simple glob has-flag is-fullwidth-code-point is-path-inside is-unicode-supported
        minimatch ms picocolors readdirp string-width strip-ansi supports-color"
  paths=""
  for m in $mods; do
    [ -e "node_modules/$m" ] || { echo "missing node_modules/$m (npm ci first)"; exit 1; }
    paths="$paths node_modules/$m"
  done
  xz -6 -T2 -c "$node_bin" > "$dest/node.xz"
  tar -cf - $paths node_modules/.bin/mocha node_modules/.bin/tsx | xz -6 -T2 > "$dest/node_modules.tar.xz"
  "$node_bin" --version > "$dest/node-version.txt"
  ls -l "$dest"
  du -sh "$dest"
  exit 0
fi

OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
# The device tool brings back at most 8 files of <= 16 MiB from $OUT (device README, Limits), so the logs are
# written to $LOGS and publish() copies the summary, a few key logs and one logs.tar.gz to $OUT after each stage
# (a call killed at its time limit still returns what was published).
LOGS=${GPU_CHECK_LOGS:-/tmp/gpu-check-logs}
rm -rf "$LOGS"
mkdir -p "$LOGS"
BUDGET=${GPU_CHECK_BUDGET_S:-540}
STAGES=" ${GPU_CHECK_STAGES:-env core node compare bench} "
BUILD_DIR=${BUILD_DIR:-$ROOT/build/gpu}
START=$(date +%s)
SUMMARY="$LOGS/summary.txt"
: > "$SUMMARY"
FAILED=0

publish() {
  local f
  for f in summary.txt gpu-check.log test_lstm_cudnn.log mocha-cudnn.log compare-torch.log bench-gpu.log; do
    [ -f "$LOGS/$f" ] && cp "$LOGS/$f" "$OUT/$f"
  done
  # everything else, without the large data files (torch_compare.json is ~30 MB)
  (cd "$LOGS" && find . -type f -size -8M -print0 | tar --null -czf "$OUT/logs.tar.gz" -T - 2> /dev/null)
  return 0
}
log() { echo "[gpu-check $(($(date +%s) - START))s] $*" | tee -a "$LOGS/gpu-check.log"; }
result() {  # stage status text
  printf '%-8s %-5s %s\n' "$1" "$2" "$3" | tee -a "$SUMMARY"
  [ "$2" = FAIL ] && FAILED=1
  publish
  return 0
}
left() { echo $((BUDGET - ($(date +%s) - START))); }
want() { case "$STAGES" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# run_logged LOGNAME MAX_SECONDS cmd...: runs under timeout min(MAX, time left - 15); returns its status
# (124 on timeout, 125 when there is no time left).
run_logged() {
  local name=$1 max=$2
  shift 2
  local t
  t=$(left)
  t=$((t - 15))
  [ "$t" -gt "$max" ] && t=$max
  if [ "$t" -lt 10 ]; then
    echo "no time left for $name" > "$LOGS/$name.log"
    return 125
  fi
  log "$name (limit ${t}s): $*"
  timeout --kill-after=10 "$t" "$@" > "$LOGS/$name.log" 2>&1
  local rc=$?
  log "$name -> exit $rc"
  return $rc
}

# ------------------------------------------------------------------------------------------- env
GPU_PRESENT=0
if command -v nvidia-smi > /dev/null 2>&1 && nvidia-smi -L > "$LOGS/nvidia-smi-L.txt" 2>&1 && grep -q GPU "$LOGS/nvidia-smi-L.txt"; then
  GPU_PRESENT=1
  nvidia-smi > "$LOGS/nvidia-smi.txt" 2>&1
fi
{
  echo "date: $(date -u +%FT%TZ)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null) $(git status --short 2>/dev/null | wc -l) changed files"
  echo "gpu present (nvidia-smi): $GPU_PRESENT"
  echo "nproc: $(nproc)"
  echo "cmake: $(cmake --version 2>/dev/null | head -1)"
  echo "nvcc: $(command -v nvcc || echo none) $(nvcc --version 2>/dev/null | tail -2 | head -1)"
  echo "c++: $(c++ --version 2>/dev/null | head -1)"
  echo "python: $PY $($PY --version 2>&1)"
} > "$LOGS/env.txt"
if want env; then
  $PY - > "$LOGS/torch.txt" 2>&1 <<'EOF'
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
print("torch cudnn", torch.backends.cudnn.version())
if torch.cuda.is_available():
    print("device", torch.cuda.get_device_name(0), torch.cuda.get_device_capability(0))
EOF
  result env INFO "$(tr '\n' ';' < "$LOGS/torch.txt" | cut -c1-200)"
fi

# Where cuDNN is: CUDNN_ROOT, else python's nvidia.cudnn (a namespace package: __path__, no __file__),
# else the headers + shim that scripts/ci-system-deps.sh unpacks (enough to build; no GPU run possible).
if [ -z "${CUDNN_ROOT:-}" ]; then
  CUDNN_ROOT=$($PY -c 'import nvidia.cudnn as m, os; f = getattr(m, "__file__", None); print(os.path.dirname(f) if f else list(m.__path__)[0])' 2>/dev/null || true)
  if [ -z "$CUDNN_ROOT" ] && [ -f .cache/cudnn/nvidia/cudnn/include/cudnn_version.h ]; then
    CUDNN_ROOT=$ROOT/.cache/cudnn/nvidia/cudnn
  fi
fi
export CUDNN_ROOT
{
  echo "CUDNN_ROOT=$CUDNN_ROOT"
  ls -l "$CUDNN_ROOT/lib" 2>&1
  grep -E 'define CUDNN_(MAJOR|MINOR|PATCHLEVEL) ' "$CUDNN_ROOT/include/cudnn_version.h" 2>&1
} >> "$LOGS/env.txt"
# libcudnn.so.9 dlopens its sub-libraries from its own folder; libcudnn_adv needs cuBLASLt 13, which the CUDA 13
# wheels put in nvidia/cu13/lib (cudnn.md §d). Our binaries carry a RUNPATH to the cuDNN lib folder and the
# toolkit's (CMakeLists.txt BUILD_RPATH), so only the cuBLASLt folders are added, at the END: anything on
# LD_LIBRARY_PATH is searched before every RUNPATH, and a toolkit folder there would pick another cuDNN or
# cudart than the one the addon was linked against. torch runs with the original LD_LIBRARY_PATH (ORIG_LD).
ORIG_LD=${LD_LIBRARY_PATH:-}
NV_DIR=$(dirname "$CUDNN_ROOT")
for d in "$NV_DIR/cu13/lib" "$NV_DIR/cublas/lib"; do
  [ -d "$d" ] && LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d"
done
export LD_LIBRARY_PATH
echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH" >> "$LOGS/env.txt"
if [ -f "$CUDNN_ROOT/lib/libcudnn_adv.so.9" ]; then
  ldd "$CUDNN_ROOT/lib/libcudnn_adv.so.9" > "$LOGS/ldd-libcudnn_adv.txt" 2>&1
  grep -q "not found" "$LOGS/ldd-libcudnn_adv.txt" && log "WARNING: libcudnn_adv.so.9 has unresolved dependencies (see ldd-libcudnn_adv.txt)"
fi
if ! command -v nvcc > /dev/null 2>&1; then
  for d in /usr/local/cuda/bin /usr/local/cuda-13*/bin; do [ -x "$d/nvcc" ] && PATH="$d:$PATH" && break; done
fi
# cuDNN's own error log (cuDNN 9: CUDNN_LOGLEVEL_DBG 1 = errors, 2 = + warnings, 3 = + info), for a first diagnosis.
export CUDNN_LOGLEVEL_DBG=${CUDNN_LOGLEVEL_DBG:-1}
export CUDNN_LOGDEST_DBG=${CUDNN_LOGDEST_DBG:-$LOGS/cudnn-api.log}

# ------------------------------------------------------------------------------------------- core
if want core; then
  jobs=$(nproc)
  [ "$jobs" -gt 16 ] && jobs=16
  [ "$GPU_PRESENT" = 0 ] && jobs=2  # a shared CPU-only machine
  if run_logged core-configure 180 cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release \
      -DLSTMTS_BUILD_ADDONS=OFF -DLSTMTS_BUILD_TESTS=ON -DCUDNN_ROOT="$CUDNN_ROOT" &&
     run_logged core-build 240 cmake --build "$BUILD_DIR" -j "$jobs"; then
    cp "$BUILD_DIR/native-config.json" "$LOGS/native-config.json" 2>/dev/null
    if run_logged test_lstm_cpu 120 "$BUILD_DIR/test_lstm_cpu"; then
      result test_lstm_cpu PASS "$(tail -1 "$LOGS/test_lstm_cpu.log")"
    else
      result test_lstm_cpu FAIL "exit $? (see test_lstm_cpu.log)"
    fi
    if [ ! -x "$BUILD_DIR/test_lstm_cudnn" ]; then
      result test_lstm_cudnn FAIL "not built: cuDNN/CUDA not found by CMake ($(tr -d '\n' < "$LOGS/native-config.json" | grep -o '"reasons".*' | cut -c1-300))"
    else
      ldd "$BUILD_DIR/test_lstm_cudnn" > "$LOGS/ldd-test_lstm_cudnn.txt" 2>&1
      run_logged test_lstm_cudnn 240 "$BUILD_DIR/test_lstm_cudnn"
      rc=$?
      if [ $rc = 0 ]; then
        result test_lstm_cudnn PASS "$(grep -c '^ok' "$LOGS/test_lstm_cudnn.log") checks ok; $(grep '^info' "$LOGS/test_lstm_cudnn.log" | cut -c1-160)"
      elif [ $rc = 77 ] && [ "$GPU_PRESENT" = 0 ]; then
        result test_lstm_cudnn SKIP "$(grep -m1 '^SKIP' "$LOGS/test_lstm_cudnn.log")"
      elif [ $rc = 77 ]; then
        result test_lstm_cudnn FAIL "nvidia-smi sees a GPU but the test skipped: $(grep -m1 '^SKIP' "$LOGS/test_lstm_cudnn.log")"
      else
        result test_lstm_cudnn FAIL "exit $rc: $(grep -m3 -E '^FAIL' "$LOGS/test_lstm_cudnn.log" | cut -c1-300 | tr '\n' ' ')"
        # A crash or a wrong number: once more under compute-sanitizer if there is one (quick cases only).
        if [ $rc != 1 ] && command -v compute-sanitizer > /dev/null 2>&1; then
          run_logged test_lstm_cudnn-memcheck 180 compute-sanitizer --tool memcheck "$BUILD_DIR/test_lstm_cudnn" --quick
        fi
      fi
    fi
  else
    result core FAIL "configure/build failed (core-configure.log, core-build.log): $(tail -3 "$LOGS/core-build.log" "$LOGS/core-configure.log" 2>/dev/null | tr '\n' ' ' | cut -c1-300)"
  fi
fi

# ------------------------------------------------------------------------------------------- node
NODE=""
if command -v node > /dev/null 2>&1; then
  NODE=$(command -v node)
elif [ -x .node-dist/bin/node ]; then
  NODE=$ROOT/.node-dist/bin/node
elif [ -f .cache/gpu-node/node.xz ]; then
  mkdir -p /tmp/lstmts-node/bin
  $PY -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    .cache/gpu-node/node.xz /tmp/lstmts-node/bin/node && chmod +x /tmp/lstmts-node/bin/node && NODE=/tmp/lstmts-node/bin/node
fi
if [ -n "$NODE" ] && [ ! -d node_modules/mocha ] && [ -f .cache/gpu-node/node_modules.tar.xz ]; then
  $PY -c 'import tarfile, sys; tarfile.open(sys.argv[1]).extractall(".")' .cache/gpu-node/node_modules.tar.xz
fi
node_ok=1
if [ -z "$NODE" ]; then
  node_ok=0
  why_node="no node on PATH, in .node-dist/bin or .cache/gpu-node (carry it: bash scripts/gpu-check.sh --pack-node)"
elif [ ! -d node_modules/mocha ] || [ ! -d node_modules/tsx ] || [ ! -f node_modules/node-api-headers/include/node_api.h ]; then
  node_ok=0
  why_node="node found ($NODE) but node_modules lacks mocha / tsx / node-api-headers"
fi
if [ $node_ok = 1 ]; then
  export PATH="$(dirname "$NODE"):$PATH"
  echo "node: $NODE $("$NODE" --version)" >> "$LOGS/env.txt"
fi
export LSTM_TS_NATIVE_DIR=$BUILD_DIR/Release

if want node; then
  if [ $node_ok = 0 ]; then
    result node SKIP "$why_node"
  elif run_logged node-configure 120 cmake -S "$ROOT" -B "$BUILD_DIR" -DLSTMTS_BUILD_ADDONS=ON \
         -DCMAKE_JS_INC="$ROOT/node_modules/node-api-headers/include" \
         -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$BUILD_DIR/Release" &&
       run_logged node-build 180 cmake --build "$BUILD_DIR" -j "$(nproc)"; then
    LSTMTS_CUDNN_CPP_TEST=$BUILD_DIR/test_lstm_cudnn run_logged mocha-cudnn 300 "$NODE" node_modules/mocha/bin/mocha.js \
      --no-config --node-option import=tsx --timeout 600000 test/native/cudnn.test.ts test/native/cudnn-cpp.test.ts
    rc=$?
    passing=$(grep -E '[0-9]+ (passing|failing|pending)' "$LOGS/mocha-cudnn.log" | tr -s ' ' | tr '\n' ' ')
    if [ $rc != 0 ]; then
      result mocha FAIL "exit $rc: $passing (mocha-cudnn.log)"
    elif [ "$GPU_PRESENT" = 1 ] && ! grep -q '✔ cudnn == ts fused' "$LOGS/mocha-cudnn.log"; then
      result mocha FAIL "a GPU is present but the cuDNN property test did not run: $passing (mocha-cudnn.log)"
    else
      result mocha PASS "$passing"
    fi
  else
    result node FAIL "addon configure/build failed (node-configure.log, node-build.log)"
  fi
fi

if want compare; then
  if [ $node_ok = 0 ]; then
    result compare SKIP "needs node: $why_node"
  elif ! "$PY" -c 'import torch' > /dev/null 2>&1; then
    result compare SKIP "$PY cannot import torch (set PYTHON to the torch venv's python)"
  elif [ ! -f bench/torch_compare_dump.ts ] || [ ! -f bench/torch_compare.py ]; then
    result compare SKIP "bench/torch_compare_dump.ts or bench/torch_compare.py missing"
  elif run_logged compare-dump 120 "$NODE" --import tsx bench/torch_compare_dump.ts "$LOGS/torch_compare.json"; then
    if run_logged compare-torch 180 env LD_LIBRARY_PATH="$ORIG_LD" "$PY" bench/torch_compare.py "$LOGS/torch_compare.json"; then
      if [ "$GPU_PRESENT" = 1 ] && grep -q 'cudnn skipped' "$LOGS/compare-torch.log"; then
        result compare FAIL "a GPU is present but the cudnn rows were skipped: $(grep -m1 'cudnn skipped' "$LOGS/compare-torch.log" | cut -c1-200)"
      else
        result compare PASS "$(grep -c ' ok$' "$LOGS/compare-torch.log") rows ok, $(grep -c 'skipped' "$LOGS/compare-torch.log") skipped; $(tail -1 "$LOGS/compare-torch.log" | cut -c1-100)"
      fi
    else
      result compare FAIL "exit $? (compare-torch.log)"
    fi
  else
    result compare FAIL "dump failed (compare-dump.log)"
  fi
fi

if want bench; then
  if [ $node_ok = 0 ]; then
    result bench SKIP "needs node: $why_node"
  elif TORCH_PYTHON=$PY run_logged bench-gpu 240 "$NODE" --import tsx bench/native.ts --gpu --configs "${GPU_CHECK_BENCH_CONFIGS:-medium}" \
         --json "$LOGS/bench-gpu.json"; then
    if grep -q 'cuDNN backend not available' "$LOGS/bench-gpu.log"; then
      [ "$GPU_PRESENT" = 1 ] && st=FAIL || st=SKIP
      result bench $st "$(grep -m1 'not available' "$LOGS/bench-gpu.log" | cut -c1-200)"
    else
      result bench PASS "$(grep -E 'TFLOP/s' "$LOGS/bench-gpu.log" | tr '\n' ';' | cut -c1-300)"
    fi
  else
    result bench FAIL "exit $? (bench-gpu.log)"
  fi
fi

log "done in $(($(date +%s) - START))s; logs in $LOGS, published to $OUT"
publish
echo "---------------------------------------------------------------- summary ($OUT/summary.txt)"
cat "$SUMMARY"
exit $FAILED
