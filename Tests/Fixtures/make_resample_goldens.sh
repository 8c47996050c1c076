#!/usr/bin/env bash
# Golden resizes by ImageMagick (an independent Lanczos-3: -filter Lanczos, edge pixels
# repeated) for the alpha-plane test of `restore upscale`. Small outputs, committed; run only
# to change them.  Needs: imagemagick, python3 with numpy and tifffile.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/resample"
python3 - "$here" <<'PY'
import sys, numpy as np, tifffile
here = sys.argv[1]
a = tifffile.imread(f"{here}/corpus/tf_u16_c4.tif")[..., 3]
tifffile.imwrite(f"{here}/resample/tf_u16_c4_alpha.tif", a)
PY
for s in 200 300; do
  convert "$here/resample/tf_u16_c4_alpha.tif" -virtual-pixel edge -filter Lanczos -resize "$s%" -depth 16 \
    "$here/resample/tf_u16_c4_alpha_lanczos_$s.tif"
done
ls -l "$here/resample"
