"""Goldens for ColorTransferTests: color-matcher's MKL transfer (GPL; an outside tool run only
here, never a dependency: pip install color-matcher) between crops of Samples/fruits.jpg,
saved as 8-bit PNGs, and its output for every source pixel (float, sRGB 0..1, not clamped).

Run: python3 Tests/Fixtures/make_color_transfer_goldens.py
"""
import json
import os
import numpy as np
from PIL import Image
from color_matcher import ColorMatcher

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
out = os.path.join(root, "Tests", "Fixtures", "transfer")
photo = np.asarray(Image.open(os.path.join(root, "Samples", "fruits.jpg")).convert("RGB")).astype(np.float64)
tinted = np.clip(photo[300:318, 200:224] * [0.8, 1.0, 1.1] + [0, 0, 12], 0, 255)
gray = np.repeat(photo[40:58, 320:344].mean(2, keepdims=True), 3, 2)  # a rank-1 covariance
cases = {"tinted": (photo[100:116, 150:170], tinted), "gray-ref": (photo[200:216, 60:80], gray)}
golden = {}
for name, (src, ref) in cases.items():
    src, ref = src.round().astype(np.uint8), ref.round().astype(np.uint8)
    Image.fromarray(src).save(os.path.join(out, name + ".src.png"))
    Image.fromarray(ref).save(os.path.join(out, name + ".ref.png"))
    y = ColorMatcher().transfer(src=src / 255.0, ref=ref / 255.0, method="mkl")
    golden[name] = y.reshape(-1, 3).round(9).tolist()
with open(os.path.join(out, "mkl.json"), "w") as f:
    json.dump(golden, f)
print({k: len(v) for k, v in golden.items()})
