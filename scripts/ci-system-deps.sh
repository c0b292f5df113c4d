#!/usr/bin/env bash
# System packages the native addon's CPU kernel needs (OpenBLAS). Safe to run repeatedly.
set -euo pipefail
if ! dpkg -s libopenblas-dev >/dev/null 2>&1; then
  apt-get update -qq || true
  apt-get install -y -qq libopenblas-dev || echo "[ci] libopenblas-dev could not be installed; the native CPU kernel will be skipped"
fi
