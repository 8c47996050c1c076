#!/usr/bin/env bash
# 8-bit image goldens for every model family from the official ncnn runtime with each tool's
# pre/post-processing (Benchmarks/ncnn_job.py: 0..1 RGB input, waifu2x border padding with
# repeated edge pixels, clip, round to 8-bit), on a 40x40 crop of Samples/baboon.jpg.
# restore's `upscale`/`denoise` output must match within one level (RestoreCLITests).
# Needs: bash Tools/fetch_models.sh; python3 with ncnn, numpy, pillow.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=Tests/Fixtures/nn/images
mkdir -p "$out"
python3 -c "from PIL import Image; Image.open('Samples/baboon.jpg').convert('RGB').crop((200, 120, 240, 160)).save('$out/input.png')"
while read -r id pad; do
  param=$(sed -n 's/^files: {param: \([^,]*\),.*/\1/p' ".cache/plugins/$id/plugin.yaml"); param=$(cd ".cache/plugins/$id" && realpath "$param")
  python3 Benchmarks/ncnn_job.py "$param" "$out/input.png" "$out/$id.png" 1 "$pad"
  echo "$id"
done <<'LIST'
realesr-animevideov3-x2 0
realesrgan-x4plus-anime 0
waifu2x-upconv7-photo-noise1-scale2 7
waifu2x-cunet-noise0-scale2 18
waifu2x-cunet-noise2 28
LIST
