#!/usr/bin/env bash
# ONNX inference, restore vs ONNX Runtime, in-process, same exported model and input:
# SRVGGNetCompact (64 features, 16 convolutions, x4 — the size of Real-ESRGAN animevideov3)
# and DnCNN (64 features, depth 17, noise-level plane), random weights exported from PyTorch
# (Training/restore_training/models.py) into .cache/bench/. 2 threads, one warm-up, median of
# RUNS forward passes. Needs: python3 with torch, onnx, onnxruntime.
# Usage: bash Benchmarks/onnx.sh [RUNS] [SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; SIZE=${2:-256}
swift build -c release >/dev/null
mkdir -p .cache/bench
python3 - "$RUNS" "$SIZE" <<'PY'
import os, sys, time
import numpy as np, torch, onnxruntime as ort
sys.path.insert(0, "Training")
from restore_training.models import SRVGGNetCompact, DnCNN
runs, size = int(sys.argv[1]), int(sys.argv[2])
torch.manual_seed(0)
for name, model, c in (("srvgg64x16-x4", SRVGGNetCompact(num_feat=64, num_conv=16, upscale=4), 3),
                       ("dncnn64x17", DnCNN(features=64, depth=17, noise_map=True), 4)):
    path = f".cache/bench/{name}.onnx"
    x = torch.rand(1, c, size, size)
    torch.onnx.export(model.eval(), (x,), path, input_names=["input"], output_names=["output"], opset_version=17,
                      dynamic_axes={"input": {2: "h", 3: "w"}}, dynamo=False)
    o = ort.SessionOptions(); o.intra_op_num_threads = 2; o.inter_op_num_threads = 1
    s = ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])
    xin = {"input": x.numpy()}
    s.run(None, xin)
    ts = []
    for _ in range(runs):
        t = time.perf_counter(); s.run(None, xin); ts.append(time.perf_counter() - t)
    print(f"{name} {size}x{size}: ONNX Runtime {ort.__version__}, 2 threads: {sorted(ts)[len(ts) // 2]:.3f} s per forward", flush=True)
PY
for m in srvgg64x16-x4:3 dncnn64x17:4; do
  .build/release/restore-bench nn ".cache/bench/${m%%:*}.onnx" "$SIZE" --channels "${m##*:}" --threads 2 --runs "$RUNS"
done
