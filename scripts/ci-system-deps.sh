#!/usr/bin/env bash
# System dependencies of the native addon and the browser tests, for CI (.ci/run) and fresh machines. Safe to run repeatedly; never
# fails the CI run: whatever cannot be installed is left out and scripts/build-native.mjs reports why.
#  The CPU kernel needs no system package: it runs on lstm-ts's own GEMM (native/core/gemm.h; issue #14 removed
#  the OpenBLAS dependency, which every fresh `npm install` lacked).
#  cuDNN headers + the libcudnn.so.9 shim, from the nvidia-cudnn-cu13 wheel of the local pip index, unpacked
#     into .cache/cudnn (git-ignored), so the cuDNN backend compiles and links in CI. Only include/ and the
#     129 KB shim are unpacked (not the ~950 MB of sub-libraries): enough to link; at run time the addon checks
#     the sub-libraries and reports "not loadable" instead of calling cuDNN (docs/native.md).
#     Needs the CUDA toolkit headers (cuda_runtime_api.h) and cudart; without nvcc/CUDA it is skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)

# Chromium for the browser tests (test/browser/, issue #17; driven by playwright-core at /usr/bin/chromium).
if [ -x /usr/bin/chromium ]; then
  echo "[ci-deps] chromium already installed"
elif command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo -n"
  $SUDO apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q --no-install-recommends chromium >/dev/null 2>&1; } \
    || echo "[ci-deps] apt-get install chromium failed: the browser tests will skip and say so"
  [ -x /usr/bin/chromium ] && echo "[ci-deps] chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') installed"
else
  echo "[ci-deps] no apt-get: install Chromium at /usr/bin/chromium (or set LSTM_TS_CHROMIUM) for the browser tests"
fi

CUDNN_DIR=.cache/cudnn
if [ "${LSTM_TS_SKIP_CUDNN:-0}" = "1" ]; then
  echo "[ci-deps] LSTM_TS_SKIP_CUDNN=1: not fetching cuDNN"
elif [ -f "$CUDNN_DIR/nvidia/cudnn/include/cudnn_version.h" ] && [ -f "$CUDNN_DIR/nvidia/cudnn/lib/libcudnn.so.9" ]; then
  echo "[ci-deps] cuDNN headers + shim already in $CUDNN_DIR"
elif ! command -v nvcc >/dev/null 2>&1 && [ ! -f /usr/local/cuda/include/cuda_runtime_api.h ]; then
  echo "[ci-deps] no CUDA toolkit (nvcc / cuda_runtime_api.h): the cuDNN addon will be skipped and reported"
else
  mkdir -p "$CUDNN_DIR/wheel"
  if timeout 600 python3 -m pip download -q --no-deps nvidia-cudnn-cu13 -d "$CUDNN_DIR/wheel"; then
    whl=$(ls "$CUDNN_DIR"/wheel/nvidia_cudnn_cu13-*.whl | head -1)
    unzip -q -o "$whl" 'nvidia/cudnn/include/*' 'nvidia/cudnn/lib/libcudnn.so.9' -d "$CUDNN_DIR" \
      || python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); [z.extract(n, sys.argv[2]) for n in z.namelist() if n.startswith('nvidia/cudnn/include/') or n.endswith('lib/libcudnn.so.9')]" "$whl" "$CUDNN_DIR"
    rm -rf "$CUDNN_DIR/wheel"  # 550 MB; the unpacked headers + shim are all the build needs
    echo "[ci-deps] cuDNN $(grep -E 'define CUDNN_(MAJOR|MINOR|PATCHLEVEL) ' $CUDNN_DIR/nvidia/cudnn/include/cudnn_version.h | awk '{print $3}' | paste -sd.) headers + shim in $CUDNN_DIR"
  else
    echo "[ci-deps] pip download nvidia-cudnn-cu13 failed: the cuDNN addon will be skipped and reported"
  fi
fi
echo "[ci-deps] done in $(( $(date +%s) - t0 ))s"
exit 0
