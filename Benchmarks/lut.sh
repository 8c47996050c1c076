#!/usr/bin/env bash
# 3D LUT application, restore vs the peers, side by side on 3840x2160 frames with a 33^3 LUT:
#  1. kernel, in-process: restore-bench (planar and interleaved float, 1 and 2 threads) and
#     OpenColorIO's CPU processor (PyOpenColorIO applyRGB on packed float RGB);
#  2. rgb48le raw stream end to end: FFmpeg's lut3d filter vs `restore lut apply - -`, the
#     same frames read from a file and written to /dev/null, alternating runs.
# Needs: ffmpeg, python3 with numpy and opencolorio. Usage: bash Benchmarks/lut.sh [RUNS] [FRAMES]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; FRAMES=${2:-8}
swift build -c release >/dev/null
LUT=Benchmarks/data/bench33.cube
echo "== kernel (in-process), 33^3 tetrahedral, 3840x2160 float"
.build/release/restore-bench lut --runs "$RUNS"
python3 - "$LUT" "$RUNS" <<'PY'
import sys, time
import numpy as np
import PyOpenColorIO as OCIO
lut, runs = sys.argv[1], int(sys.argv[2])
p = OCIO.Config.CreateRaw().getProcessor(OCIO.FileTransform(src=lut, interpolation=OCIO.INTERP_TETRAHEDRAL)).getDefaultCPUProcessor()
img = np.random.default_rng(0).random((2160, 3840, 3), dtype=np.float32)
ts = []
for _ in range(runs):
    a = img.copy(); t = time.perf_counter(); p.applyRGB(a); ts.append(time.perf_counter() - t)
t = sorted(ts)[len(ts) // 2]
print(f"  OpenColorIO {OCIO.__version__} CPU processor (Python applyRGB, packed RGB): {3840 * 2160 / 1e6 / t:7.1f} Mpx/s")
PY
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
ffmpeg -v error -f lavfi -i "testsrc2=size=3840x2160:rate=24" -frames:v "$FRAMES" -pix_fmt rgb48le -f rawvideo "$W/in.raw"
MPX=$(python3 -c "print(3840*2160*$FRAMES/1e6)")
echo "== rgb48le stream end to end, $FRAMES frames of 3840x2160 ($MPX Mpx), 2 threads, median of $RUNS"
ff=(); us=()
for i in $(seq "$RUNS"); do
  t0=$(date +%s.%N)
  ffmpeg -v error -threads 2 -filter_threads 2 -f rawvideo -pix_fmt rgb48le -s 3840x2160 -i "$W/in.raw" \
    -vf "lut3d=file=$LUT:interp=tetrahedral" -f rawvideo -pix_fmt rgb48le - > /dev/null
  t1=$(date +%s.%N)
  RESTORE_THREADS=2 .build/release/restore lut apply "$LUT" - - --raw 3840x2160:rgb48le < "$W/in.raw" > /dev/null
  t2=$(date +%s.%N)
  ff+=("$(echo "$t1 - $t0" | bc)"); us+=("$(echo "$t2 - $t1" | bc)")
done
python3 - "$MPX" "${ff[*]}" "${us[*]}" <<'PY'
import sys, statistics
mpx = float(sys.argv[1]); ff = statistics.median(map(float, sys.argv[2].split())); us = statistics.median(map(float, sys.argv[3].split()))
print(f"  ffmpeg lut3d:       {ff:6.2f} s  {mpx / ff:6.1f} Mpx/s")
print(f"  restore lut apply:  {us:6.2f} s  {mpx / us:6.1f} Mpx/s   ratio restore/ffmpeg time = {us / ff:.2f}")
PY
