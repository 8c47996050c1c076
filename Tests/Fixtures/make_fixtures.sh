#!/usr/bin/env bash
# Rebuilds the decoder test corpus in Tests/Fixtures/corpus from independent encoders:
# Pillow, pypng, tifffile (+imagecodecs), ImageMagick and LittleCMS's tificc. The outputs are small
# and committed; run this only to change the corpus.
#
# Needs: python3 with numpy, pillow, tifffile, imagecodecs; ImageMagick (convert);
#        liblcms2-utils (tificc); icc-profiles-free (an Adobe RGB compatible profile).
#   apt-get install -y imagemagick liblcms2-utils icc-profiles-free
#   pip install numpy pillow tifffile imagecodecs pypng
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus"
rm -rf "$out"
mkdir -p "$out/ref" "$out/colour"
python3 "$here/make_fixtures.py" "$out"
echo "corpus written to $out ($(ls "$out" | wc -l) entries)"
