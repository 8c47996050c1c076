"""Packs the denoiser's photos (training photos with the long side ≤ --max-side, and the
validation crops) into one compressed .npz, to carry to a GPU machine where the photos are not
(the device tool carries ≤ 64 MiB per call). The photos come from .cache/photos.

Run: python3 Training/pack_photos.py .cache/train/photos-448.npz --max-side 448
Then, there: python3 Training/train_denoise.py --pack .cache/train/photos-448.npz --batch 32 --steps 100000
"""
import argparse
import os
import sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import denoise_photos  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--max-side", type=int, default=448)
args = ap.parse_args()
train, val = denoise_photos(max_side=args.max_side)
np.savez_compressed(args.out, **{f"train_{i}": a for i, a in enumerate(train)}, **{f"val_{i}": a for i, a in enumerate(val)})
print(f"{args.out}: {len(train)} training photos (long side ≤ {args.max_side}), {len(val)} validation crops, "
      f"{os.path.getsize(args.out) / 2**20:.1f} MiB")
