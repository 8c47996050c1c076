#!/usr/bin/env bash
# Rebuilds the derived samples from the two photographs in this folder, with restore itself:
#   fruits-adobergb-16.tif  16-bit RGB TIFF, converted to Adobe RGB (1998) and tagged with it
#   baboon-alpha.png        16-bit RGBA PNG with a soft vignette alpha (made with ImageMagick)
# Usage: bash Samples/make_samples.sh   (after swift build -c release)
set -euo pipefail
cd "$(dirname "$0")/.."
R=${RESTORE:-.build/release/restore}
"$R" convert Samples/fruits.jpg Samples/fruits-adobergb-16.tif --to adobe-rgb --depth 16 --compression deflate --force
convert Samples/baboon.jpg -depth 16 \( -size 512x512 radial-gradient:white-black -level 0,80% \) \
  -alpha off -compose CopyOpacity -composite -define png:exclude-chunks=date,time PNG64:Samples/baboon-alpha.png
