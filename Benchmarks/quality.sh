#!/usr/bin/env bash
# Restoration quality of our models against the classical baselines on held-out photos
# (see Benchmarks/quality.py for the protocol). Needs the training photos
# (bash ../shared/data/fetch_training_photos.sh .cache/photos), python3 with numpy, scipy, pillow.
# Usage: bash Benchmarks/quality.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
python3 Benchmarks/quality.py sr --scale 2 --model restore-sr-x2
python3 Benchmarks/quality.py sr --scale 4 --model restore-sr-x4
python3 Benchmarks/quality.py denoise --model restore-denoise   # BM3D takes ~5 minutes here
python3 Benchmarks/quality.py denoise --model restore-denoise --crop corner   # a second look: the top-left crops
