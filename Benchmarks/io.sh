#!/usr/bin/env bash
# Image I/O and colour conversion, restore vs the peers, side by side on one 3840x2160 16-bit
# RGB frame: TIFF read+write (none / Deflate / LZW) vs tifffile, PNG read+write vs libvips,
# Adobe RGB -> sRGB vs LittleCMS's tificc, and restore's peak memory.
# Needs: libvips-tools liblcms2-utils time, python3 with numpy tifffile imagecodecs pillow.
# Usage: bash Benchmarks/io.sh [RUNS]     (RUNS alternating pairs, default 5; 2 threads)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product restore >/dev/null
exec python3 Benchmarks/io.py "${1:-5}"
