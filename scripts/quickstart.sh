#!/usr/bin/env bash
# From a fresh clone to a trained, evaluated Fashion-MNIST classifier:
# installs system packages, builds release, prepares a 10,000-image subset, trains configs/quickstart.json on the
# CPU engine (about a minute on 2 cores) and evaluates the best checkpoint on 2,000 held-out images.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "== building dltrain (release)"
swift build -c release --product dltrain
dltrain=.build/release/dltrain

echo "== preparing datasets/quickstart (Fashion-MNIST subset: 1,000 training + 200 test images per class)"
scripts/prepare-fashion-mnist.sh datasets/quickstart --train-per-class 1000 --test-per-class 200

echo "== engines on this machine"
"$dltrain" devices
echo "== the network"
"$dltrain" summary configs/quickstart.json

echo "== training"
"$dltrain" train configs/quickstart.json --overwrite "$@"

echo "== evaluating the best checkpoint"
"$dltrain" eval runs/quickstart/checkpoints/best.safetensors
