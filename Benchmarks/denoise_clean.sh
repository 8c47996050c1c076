#!/usr/bin/env bash
# Issue #17's clean-photo target: `restore IN OUT` (the default preset: denoise --sigma auto)
# on clean photos must leave them alone (PSNR(output, input) ≥ 45 dB) in ≤ 1.3× the time of
# `restore convert` of the same file (the same decode and encode, no stages). Median of 3
# whole-process runs each, 2 threads, release build. Needs the training photos
# (bash ../shared/data/fetch_training_photos.sh .cache/photos) and python3 with numpy, pillow.
# Usage: bash Benchmarks/denoise_clean.sh [PHOTO...]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
restore=.build/release/restore
photos=("$@")
if [ ${#photos[@]} -eq 0 ]; then
    d=.cache/photos/lomiri-wallpapers-16.04
    photos=("$d/seeding_by_Clements_Engelhardt.jpg" "$d/Dragonfly_by_Bolly.jpg" "$d/Wine_by_Jakkub_Mede.jpg")
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
median3() { sort -n | sed -n 2p; }
run() {  # prints the wall seconds of one whole process
    local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }; t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}
printf '%-40s %6s %10s %10s %6s %8s  %s\n' photo MP convert "restore" ratio "PSNR" "note"
for p in "${photos[@]}"; do
    conv=$(for i in 1 2 3; do run $restore convert "$p" "$tmp/c.png" --threads 2 --force; done | median3)
    ours=$(for i in 1 2 3; do run $restore "$p" "$tmp/r.png" --threads 2 --force --progress off; done | median3)
    note=$(grep -o 'denoise: .*' "$tmp/err" | head -1)
    read -r mp psnr < <(python3 - "$tmp/c.png" "$tmp/r.png" <<'PY'
import sys, numpy as np
from PIL import Image
a, b = (np.asarray(Image.open(f).convert("RGB"), dtype=np.float64) for f in sys.argv[1:])
mse = ((a - b) ** 2).mean()
print(f"{a.shape[0] * a.shape[1] / 1e6:.1f}", "inf" if mse == 0 else f"{10 * np.log10(255 ** 2 / mse):.2f}")
PY
)
    printf '%-40s %6s %9.2fs %9.2fs %6.2f %8s  %s\n' "$(basename "$p")" "$mp" "$conv" "$ours" "$(echo "$ours / $conv" | bc -l)" "$psnr" "$note"
done
