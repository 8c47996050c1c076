"""Restoration quality on the held-out photos (Training/data.py split), by the protocol of
../shared/ANCHORS.md.

Super-resolution: each photo (long side ≤ 768, cropped to a multiple of the scale) is
downscaled with Pillow BICUBIC; restore upscales it as a whole process (`restore upscale
--model ID`), Pillow's BICUBIC and LANCZOS are the baselines; Y (BT.601) PSNR and SSIM with
`scale` pixels shaved. SSIM: Wang et al. 2004 (Gaussian window 11, σ 1.5, K1 0.01, K2 0.03).

Usage: python3 Benchmarks/quality.py sr --scale 2 --model restore-sr-x2 [--restore .build/release/restore]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Training"))
from data import split, load_rgb, crop_to_multiple, bicubic_down, y_channel, psnr  # noqa: E402


def ssim(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    f = lambda x: gaussian_filter(x, 1.5, truncate=3.5)  # noqa: E731  (11-tap window)
    ma, mb = f(a), f(b)
    va, vb, cov = f(a * a) - ma * ma, f(b * b) - mb * mb, f(a * b) - ma * mb
    m = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
    return float(m[5:-5, 5:-5].mean())


def sr(args):
    _, val = split()
    s = args.scale
    rows = {"restore " + args.model: [], "bicubic": [], "lanczos": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i, p in enumerate(val):
            hr = crop_to_multiple(load_rgb(p, 768), s)
            lr = bicubic_down(hr, s)
            src, dst = os.path.join(tmp, f"{i}.png"), os.path.join(tmp, f"{i}.out.png")
            lr.save(src)
            subprocess.run([args.restore, "upscale", src, dst, "--model", args.model, "--scale", str(s), "--threads", "2",
                            "--progress", "off", "--force"], check=True)
            outs = {"restore " + args.model: Image.open(dst).convert("RGB"),
                    "bicubic": lr.resize(hr.size, Image.BICUBIC), "lanczos": lr.resize(hr.size, Image.LANCZOS)}
            ref = y_channel(np.asarray(hr, dtype=np.float64))[s:-s, s:-s]
            for k, im in outs.items():
                y = y_channel(np.asarray(im, dtype=np.float64))[s:-s, s:-s]
                rows[k].append((psnr(y, ref), ssim(y, ref)))
    print(f"super-resolution x{s} on {len(val)} held-out photos (Y, {s} px shaved): PSNR dB / SSIM")
    base = np.mean([r[0] for r in rows["bicubic"]])
    for k, v in rows.items():
        ps, ss = np.mean([r[0] for r in v]), np.mean([r[1] for r in v])
        print(f"  {k:28s} {ps:6.2f} dB  {ss:.4f}  ({ps - base:+.2f} dB vs bicubic)")


ap = argparse.ArgumentParser()
ap.add_argument("task", choices=["sr"])
ap.add_argument("--scale", type=int, default=2)
ap.add_argument("--model", default="restore-sr-x2")
ap.add_argument("--restore", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".build", "release", "restore"))
args = ap.parse_args()
sr(args)
