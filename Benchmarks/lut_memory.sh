#!/usr/bin/env bash
# LUT parse memory (issue #14): peak RSS of `restore lut info` on a generated 256³ .cube
# (about 200 MB of text) and on a 100 MB file that fails at line 2, against the file size.
#   bash Benchmarks/lut_memory.sh [BINARY]     (default .build/release/restore)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/restore}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 - "$T" <<'PY'
import sys
import numpy as np
d = sys.argv[1]
n = 256
g = np.linspace(0, 1, n, dtype=np.float64)
b, gg, r = np.meshgrid(g, g, g, indexing="ij")
rows = np.stack([r.ravel() ** 0.9, gg.ravel(), b.ravel() ** 1.1], 1)
with open(f"{d}/big.cube", "w") as f:
    f.write(f'TITLE "big"\nLUT_3D_SIZE {n}\n')
    np.savetxt(f, rows, fmt="%.6f")
with open(f"{d}/bad.cube", "w") as f:
    f.write("LUT_3D_SIZE 256\n0.5 0.5\n" + "0.5 0.5 0.5\n" * 8_000_000)  # a short row at line 2
PY
printf '%-10s %10s %10s %8s %s\n' file size peak ratio result
for f in big bad; do
  size=$(stat -c %s "$T/$f.cube")
  set +e; /usr/bin/time -f "%M" -o "$T/t" "$BIN" lut info "$T/$f.cube" >/dev/null 2>"$T/err"; code=$?; set -e
  peak=$(( $(tail -1 "$T/t") * 1024 ))
  printf '%-10s %8d MB %8d MB %7.2f× exit %d\n' "$f.cube" $((size >> 20)) $((peak >> 20)) "$(echo "$peak / $size" | bc -l)" $code
done
