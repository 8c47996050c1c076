#!/usr/bin/env bash
# Issue #17's speed target: `restore denoise --sigma auto` (noise map estimated, network run)
# ≤ 2.5 s per megapixel as a whole process on 2 threads. Camera-noise PNGs (the "high" level of
# Training/restore_training/camera_noise.py) are made from a held-out photo at 1 MP (1024²)
# and 4.2 MP (2048²); median of 3 runs each, with peak RSS. Needs the training photos
# (bash ../shared/data/fetch_training_photos.sh .cache/photos), python3 with numpy, scipy, pillow.
# Usage: bash Benchmarks/denoise_speed.sh [PHOTO]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
restore=$PWD/.build/release/restore
photo=${1:-.cache/photos/lomiri-wallpapers-16.04/Wine_by_Jakkub_Mede.jpg}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
PYTHONPATH=Training python3 - "$photo" "$tmp" <<'PY'
import sys, numpy as np
from PIL import Image
from restore_training.camera_noise import camera_noise
src = Image.open(sys.argv[1]).convert("RGB")
for side in (1024, 2048):
    w, h = src.size
    s = max(side / w, side / h)
    img = src.resize((max(side, round(w * s)), max(side, round(h * s))), Image.BICUBIC) if s > 1 else src
    w, h = img.size
    crop = np.asarray(img.crop(((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side)))
    Image.fromarray(camera_noise(crop, "high", 11)).save(f"{sys.argv[2]}/noisy-{side}.png")
PY
printf '%-10s %5s %8s %8s %9s  %s\n' image MP seconds "s/MP" "peak RSS" "σ summary"
for side in 1024 2048; do
    f=$tmp/noisy-$side.png
    for i in 1 2 3; do
        /usr/bin/time -f "%e %M" -o "$tmp/t$i" $restore denoise "$f" "$tmp/out.png" --sigma auto --threads 2 --force --progress off 2>"$tmp/err" >/dev/null
    done
    read -r secs rss < <(cat "$tmp"/t1 "$tmp"/t2 "$tmp"/t3 | sort -n | sed -n 2p)
    mp=$(python3 -c "print(f'{$side * $side / 1e6:.2f}')")
    printf '%-10s %5s %8.2f %8.2f %6d MB  %s\n' "${side}²" "$mp" "$secs" "$(python3 -c "print($secs / $mp)")" $((rss / 1024)) \
        "$(grep -o 'σ ≈ [^;:]*' "$tmp/err" | head -1)"
done
