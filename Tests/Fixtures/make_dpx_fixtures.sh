#!/usr/bin/env bash
# DPX fixtures from two independent encoders, FFmpeg's `dpx` and oiiotool (openimageio-tools).
# The 10/12-bit files hold every code value: pixel i (of 64 × 16) has R = i, G = 1023 − i,
# B = 37·i mod 1024 (10-bit; 12-bit: the same codes × 4 + 3). The tests compute the same codes.
# Run: bash Tests/Fixtures/make_dpx_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/corpus/dpx"
rm -f ./*.dpx
python3 - <<'PY'
import struct
W, H = 64, 16
r = list(range(1024)); g = [1023 - i for i in r]; b = [(37 * i) % 1024 for i in r]
def planes(scale, add, big):
    f = ">" if big else "<"
    return b"".join(struct.pack(f + "%dH" % len(p), *[v * scale + add for v in p]) for p in (g, b, r))  # gbrp: G, B, R
open("codes10le.raw", "wb").write(planes(1, 0, False))
open("codes10be.raw", "wb").write(planes(1, 0, True))
open("codes12le.raw", "wb").write(planes(4, 3, False))
rgb48 = b"".join(struct.pack("<3H", *[round(v * 65535 / 1023) for v in (r[i], g[i], b[i])]) for i in range(W * H))
open("codes16.raw", "wb").write(rgb48)
PY
ff() { ffmpeg -loglevel error -y -f rawvideo -s 64x16 -pix_fmt "$1" -i "$2" -frames:v 1 "$3"; }
ff gbrp10le codes10le.raw ffmpeg_10_le.dpx
ff gbrp10be codes10be.raw ffmpeg_10_be.dpx
ff gbrp12le codes12le.raw ffmpeg_12_le.dpx
ff rgb48le codes16.raw ffmpeg_16.dpx
ffmpeg -loglevel error -y -f rawvideo -s 64x16 -pix_fmt rgb48le -i codes16.raw -frames:v 1 codes16.png
oiiotool codes16.png -d uint10 -o oiio_10.dpx
oiiotool codes16.png -d uint12 -o oiio_12.dpx
oiiotool codes16.png -d uint16 -o oiio_16.dpx
oiiotool codes16.png --ch R,G,B,A=1.0 -d uint10 -o oiio_10_rgba.dpx
oiiotool codes16.png -d uint8 -o oiio_8.dpx
oiiotool codes16.png --ch R -d uint10 -o oiio_10_luma.dpx   # one component: descriptor 1, packed
rm -f ./*.raw codes16.png
ls -la
