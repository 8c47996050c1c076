#!/usr/bin/env bash
# OpenEXR fixtures written by oiiotool (Debian: openimageio-tools), each with the float TIFF
# that oiiotool decodes from it (`*.expect.tif`): the golden restore's EXR reader must match
# exactly. Sizes are odd so that the last scanline block and tiles are partial; values reach
# 6.0 and go below 0 (scene-linear). Run: bash Tests/Fixtures/make_exr_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/corpus/exr"
rm -f ./*.exr ./*.tif
SRC="--pattern fill:topleft=-0.05,0,0:topright=6,0.5,0:bottomleft=0,0.02,3:bottomright=1,6,0.25 37x23 3"
golden() { oiiotool "$1" -d float --compression none --scanline -o "${1%.exr}.expect.tif"; }
for c in none rle zips zip piz pxr24 b44 b44a; do
  oiiotool $SRC -d half --compression $c -o half_$c.exr; golden half_$c.exr
done
for c in none zip piz pxr24; do
  oiiotool $SRC -d float --compression $c -o float_$c.exr; golden float_$c.exr
done
oiiotool $SRC -d half --tile 16 16 --compression zip -o tiled_half_zip.exr; golden tiled_half_zip.exr
oiiotool $SRC -d float --tile 8 8 --compression piz -o tiled_float_piz.exr; golden tiled_float_piz.exr
# A data window offset inside a larger display window.
oiiotool $SRC -d half --origin +5+7 --fullsize 64x48+0+0 --compression zip -o window_half_zip.exr; golden window_half_zip.exr
# RGBA (associated alpha), gray Y, and a layered file (diffuse.R/G/B plus an unnamed RGB).
oiiotool $SRC --pattern fill:top=1:bottom=0.25 37x23 1 --chappend --chnames R,G,B,A -d half --compression zip -o rgba_half_zip.exr
golden rgba_half_zip.exr
oiiotool $SRC --ch R --chnames Y -d half --compression piz -o y_half_piz.exr; golden y_half_piz.exr
oiiotool $SRC $SRC --mulc 0.5 --chappend --chnames R,G,B,diffuse.R,diffuse.G,diffuse.B -d half --compression zip -o layers.exr
oiiotool layers.exr --ch diffuse.R,diffuse.G,diffuse.B --chnames R,G,B -d float --compression none -o layers.diffuse.expect.tif
oiiotool layers.exr --ch R,G,B -d float --compression none -o layers.expect.tif
# RGB plus a depth channel restore does not read (4 half channels: OpenEXRCore's specialised
# unpacker for them writes through every channel's pointer, so a skipped one needs a destination).
oiiotool $SRC --pattern fill:top=1:bottom=40 37x23 1 --chappend --chnames R,G,B,Z -d half --compression zip -o rgbz_half_zip.exr
oiiotool rgbz_half_zip.exr --ch R,G,B -d float --compression none -o rgbz_half_zip.expect.tif
# Two parts: the second (half the values) is read with --part 1.
oiiotool $SRC -d half -o p0.exr; oiiotool $SRC --mulc 0.5 -d half -o p1.exr
oiiotool p0.exr p1.exr --siappend -o parts.exr; rm p0.exr p1.exr
oiiotool parts.exr --subimage 1 -d float --compression none -o parts.1.expect.tif
# DWAA (OpenEXRCore 3.1 cannot decode it: a clear error).
oiiotool $SRC -d half --compression dwaa -o half_dwaa.exr
ls -la
