#!/usr/bin/env bash
# Network inference, whole process, restore vs the official ncnn runtime on the same 512x512
# photo (Samples/baboon.jpg as PNG), two threads, alternating runs, median wall time and peak
# RSS: decode, load the model, run, encode PNG. restore runs `restore upscale` (its default
# tiling; one tile at this size); ncnn runs Benchmarks/ncnn_job.py (whole image).
# Needs: bash Tools/fetch_models.sh; python3 with ncnn, numpy, pillow; GNU time.
# Usage: bash Benchmarks/nn.sh [RUNS] [MODEL_ID...]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}; shift || true
MODELS=("$@"); [ ${#MODELS[@]} -gt 0 ] || MODELS=(realesr-animevideov3-x4 waifu2x-cunet-noise0-scale2 waifu2x-upconv7-photo-scale2)
swift build -c release >/dev/null
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
python3 -c "from PIL import Image; Image.open('Samples/baboon.jpg').convert('RGB').save('$W/in.png')"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for id in "${MODELS[@]}"; do
  yaml=.cache/plugins/$id/plugin.yaml
  param=$(sed -n 's/^files: {param: \([^,]*\),.*/\1/p' "$yaml"); param=$(cd ".cache/plugins/$id" && realpath "$param")
  pad=0; case $id in waifu2x-cunet-*scale2) pad=18;; waifu2x-cunet-*) pad=28;; waifu2x-upconv7-*) pad=7;; esac
  rt=(); nt=(); rm_=(); nm=()
  for i in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$W/t" .build/release/restore upscale "$W/in.png" "$W/r.png" --model "$id" --threads 2 --depth 8 --force --progress off
    read -r t m < "$W/t"; rt+=("$t"); rm_+=("$m")
    /usr/bin/time -f "%e %M" -o "$W/t" python3 Benchmarks/ncnn_job.py "$param" "$W/in.png" "$W/n.png" 2 "$pad"
    read -r t m < "$W/t"; nt+=("$t"); nm+=("$m")
  done
  r=$(median "${rt[@]}"); n=$(median "${nt[@]}")
  diff=$(python3 -c "
import numpy as np; from PIL import Image
a=np.asarray(Image.open('$W/r.png'),dtype=int); b=np.asarray(Image.open('$W/n.png'),dtype=int)
h,w=min(a.shape[0],b.shape[0]),min(a.shape[1],b.shape[1]); d=np.abs(a[:h,:w]-b[:h,:w]); print(f'max {d.max()} levels, {np.mean(d>1)*100:.3f}% > 1')")
  printf '%-30s restore %6.2f s %5d MB | ncnn %6.2f s %5d MB | ratio %.2f | outputs differ: %s\n' "$id" "$r" "$(( $(median "${rm_[@]}") / 1024 ))" \
    "$n" "$(( $(median "${nm[@]}") / 1024 ))" "$(echo "$r / $n" | bc -l)" "$diff"
done
