#!/usr/bin/env bash
# Installs the Debian packages dltrain needs to build, test and run. Idempotent: installs only what is missing.
set -euo pipefail

packages=(
  libopenblas-dev          # CPU engine GEMM
  ocl-icd-opencl-dev       # OpenCL ICD loader (libOpenCL.so)
  opencl-headers
  pocl-opencl-icd          # a real OpenCL platform on the CPU, so the OpenCL engine runs everywhere
  libclblast-dev           # OpenCL GEMM
  libpng-dev               # PNG decoding (png_image API)
  libjpeg-dev
  libturbojpeg0-dev        # JPEG decoding without libjpeg's exit()-on-error handler
  dataset-fashion-mnist    # the real data set behind configs/fashion-mnist.json and quickstart
  python3                  # scripts/prepare-fashion-mnist.sh
  clinfo
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all system packages present"
fi

command -v swift >/dev/null || { echo "setup: swift is not on PATH; install Swift 6 (swift.org) first" >&2; exit 1; }
