#!/usr/bin/env bash
# Peak memory (issue #14): peak RSS of whole processes against megapixels, for the default
# preset (denoise auto) and for a plain conversion, on synthetic photo-like 8-bit RGB PNGs.
#   bash Benchmarks/memory.sh [MP…]      (default: 8.3 (4K UHD) 12 20; needs a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/restore}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
SIZES=${*:-"3840x2160 4000x3000 5472x3648"}
printf '%-10s %6s %10s %8s %10s %8s %8s\n' size MP float32 default ×f32 convert ×f32 seconds
for s in $SIZES; do
  w=${s%x*}; h=${s#*x}
  python3 - "$T/in.png" "$w" "$h" <<'PY'
import struct, sys, zlib
import numpy as np
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
y, x = np.mgrid[0:h, 0:w].astype(np.float32)
rng = np.random.default_rng(1)
img = np.stack([128 + 90 * np.sin(x / 97 + c) * np.cos(y / 131 - c) for c in range(3)], -1) + rng.normal(0, 6, (h, w, 3))
raw = np.clip(img, 0, 255).astype(np.uint8)
rows = np.concatenate([np.zeros((h, 1), np.uint8), raw.reshape(h, w * 3)], 1).tobytes()
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                       + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))
PY
  mp=$(python3 -c "print(f'{$w*$h/1e6:.1f}')"); f32=$(( w * h * 3 * 4 / 1048576 ))
  /usr/bin/time -f "%M %e" -o "$T/t1" "$BIN" "$T/in.png" "$T/out.png" --force 2>/dev/null
  /usr/bin/time -f "%M %e" -o "$T/t2" "$BIN" convert "$T/in.png" "$T/conv.png" --force 2>/dev/null
  read d secs < "$T/t1"; read c _ < "$T/t2"
  printf '%-10s %6s %8d MB %7d MB %7.1f %7d MB %7.1f %8s\n' "$s" "$mp" "$f32" $((d / 1024)) \
    "$(echo "$d / 1024 / $f32" | bc -l)" $((c / 1024)) "$(echo "$c / 1024 / $f32" | bc -l)" "$secs"
done
