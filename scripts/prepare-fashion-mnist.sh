#!/usr/bin/env bash
# Converts Debian's dataset-fashion-mnist IDX files into PNG class folders for dltrain.
#   scripts/prepare-fashion-mnist.sh [out_dir] [--train-per-class N] [--test-per-class M] [--source DIR]
# out_dir defaults to datasets/fashion-mnist; a completed split is skipped on later runs.
# Quickstart subset: scripts/prepare-fashion-mnist.sh datasets/quickstart --train-per-class 1000 --test-per-class 200
set -euo pipefail
exec python3 "$(dirname "$0")/fashion_mnist_to_png.py" "$@"
