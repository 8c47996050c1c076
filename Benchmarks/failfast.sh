#!/usr/bin/env bash
# Fail-fast (issue #13): an output the input cannot fit is refused from the header, before
# any pixel is decoded or any network loaded. Times the heaviest presets on a 1600² RGBA PNG
# written to JPEG (alpha cannot go there), as whole processes.
#   bash Benchmarks/failfast.sh        (uses .build/release/restore; swift build -c release first)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/restore}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
python3 - "$T/rgba.png" <<'PY'
import struct, sys, zlib
W = H = 1600
row = bytes(v for x in range(W) for v in (x % 256, (x * 3) % 256, 128, 200))
raw = b"".join(b"\0" + row for _ in range(H))
def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 6, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
PY
for args in "--preset upscale2" "--preset upscale4" "--scale 4 --denoise 25"; do
  start=$(date +%s%N)
  set +e; "$BIN" "$T/rgba.png" "$T/out.jpg" $args 2>"$T/err"; code=$?; set -e
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '%-26s exit %d in %5d ms: %s\n' "$args" "$code" "$ms" "$(head -c 90 "$T/err")"
done
