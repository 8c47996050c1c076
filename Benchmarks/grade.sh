#!/usr/bin/env bash
# Colour grading (#16): quality on held-out photos against the classical baselines and
# color-matcher (Benchmarks/grade.py), then speed: `restore grade --auto` on a 4K 16-bit TIFF
# as a whole process beside `restore convert` of the same file, and the predictor alone.
# Needs the training photos (bash ../shared/data/fetch_training_photos.sh .cache/photos),
# python3 with torch, numpy, pillow, scikit-image and color-matcher (GPL; only run here, as
# an outside comparison), ImageMagick and ffmpeg.
# Usage: bash Benchmarks/grade.sh [auto|match|all|speed]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
what="${1:-all}"
if [ "$what" != speed ]; then python3 Benchmarks/grade.py "$what"; fi
if [ "$what" = speed ] || [ "$what" = all ]; then
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    ffmpeg -v error -i Samples/fruits.jpg -vf scale=3840:2160:flags=lanczos -pix_fmt rgb48le "$work/4k.tif"
    B=.build/release/restore
    best() { local b=999; for _ in 1 2 3; do /usr/bin/time -o "$work/t" -f %e "$@" >/dev/null 2>&1; b=$(python3 -c "print(min($b, $(cat "$work/t")))"); done; echo "$b"; }
    g=$(best $B grade "$work/4k.tif" "$work/g.tif" --auto --force)
    c=$(best $B convert "$work/4k.tif" "$work/c.tif" --force)
    echo "4K 16-bit TIFF, 2 cores, best of 3: restore grade --auto ${g} s; restore convert ${c} s (read + write alone)"
    .build/release/restore-bench grade --runs 20
fi
