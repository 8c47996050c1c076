#!/usr/bin/env bash
# Does --max-memory bound a network's intermediate blobs (issue #14)? A 14 KB ONNX (Conv 3→64,
# Resize ×8, Conv 64→3) on a 512² sample: whole-image, its 64-channel ×8 blob would be 4.3 GB.
# Peak RSS per budget; the output itself (4096² RGB float, 201 MB, plus alpha) is held whole.
#   bash Benchmarks/nn_budget.sh        (release build; pip install onnx)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/restore}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 Benchmarks/make_blowup_onnx.py 64 8 "$T/blow.onnx"
for mm in 64 256 1024; do
  /usr/bin/time -f "--max-memory $mm: %e s, peak RSS %M KB" "$BIN" upscale Samples/baboon-alpha.png "$T/out.png" \
    --model "$T/blow.onnx" --max-memory "$mm" --force -q
done
