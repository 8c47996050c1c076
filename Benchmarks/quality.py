"""Restoration quality on the held-out photos (Training/data.py split), by the protocol of
../shared/ANCHORS.md.

Super-resolution: each photo (long side ≤ 768, cropped to a multiple of the scale) is
downscaled with Pillow BICUBIC; restore upscales it as a whole process (`restore upscale
--model ID`), Pillow's BICUBIC and LANCZOS are the baselines; Y (BT.601) PSNR and SSIM with
`scale` pixels shaved. SSIM: Wang et al. 2004 (Gaussian window 11, σ 1.5, K1 0.01, K2 0.03).

Denoising: a 256×256 centre (or, with `--crop corner`, top-left) crop of each photo (long side
first scaled to ≤ 768) with additive Gaussian noise of σ 15/25/50 (8-bit levels, fixed seeds,
clipped, saved as 8-bit PNG); restore runs `restore denoise --model ID --sigma σ` and
`--sigma auto`; BM3D (PyPI `bm3d`, `bm3d_rgb` with the true σ) and OpenCV
`fastNlMeansDenoisingColored` (h = hColor = 0.8σ, 7×7 patches, 21×21 search) are the
baselines; RGB PSNR on 8-bit results.

Realistic camera noise (`--noise camera`): the same crops through the camera pipeline of
Training/restore_training/camera_noise.py (unprocessing, Bayer mosaic, shot and read noise,
bilinear demosaic, sRGB; low and high levels, without and with JPEG q90); restore runs
`--sigma auto`, BM3D gets the true error std of each image (in 8-bit levels).

Usage: python3 Benchmarks/quality.py sr --scale 2 --model restore-sr-x2 [--restore .build/release/restore]
       python3 Benchmarks/quality.py denoise --model restore-denoise [--photos N] [--crop corner] [--noise camera]
"""
import time
import argparse
import os
import subprocess
import sys
import tempfile
import numpy as np
from PIL import Image
from scipy.ndimage import gaussian_filter

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Training"))
from data import split, load_rgb, centre_crop, noisy_8bit, crop_to_multiple, bicubic_down, y_channel, psnr  # noqa: E402


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


def camera(args):
    import bm3d
    from restore_training.camera_noise import camera_noise
    _, val = split()
    val = val[: args.photos]
    print(f"realistic camera noise on {len(val)} held-out photos (256x256 {args.crop} crops, RGB PSNR dB; gain over the noisy input):")
    print(f"  {'noise':18s} {'noisy':>6s} {'true std':>8s} {'restore auto':>13s} {'BM3D (true std)':>16s}")
    with tempfile.TemporaryDirectory() as tmp:
        for level in ("low", "high"):
            for jpeg in (None, 90):
                noisy_p, ours, theirs, stds = [], [], [], []
                for i, p in enumerate(val):
                    photo = np.asarray(load_rgb(p, 768))
                    clean = centre_crop(photo, 256) if args.crop == "centre" else photo[:256, :256]
                    noisy = camera_noise(clean, level, 7000 + i, jpeg)
                    std = float(np.std(noisy.astype(np.float64) - clean))
                    src, dst = os.path.join(tmp, f"n{i}.png"), os.path.join(tmp, f"d{i}.png")
                    Image.fromarray(noisy).save(src)
                    subprocess.run([args.restore, "denoise", src, dst, "--model", args.model, "--sigma", "auto", "--threads", "2",
                                    "--progress", "off", "--force"], check=True, capture_output=True)
                    c = clean.astype(np.float64)
                    noisy_p.append(psnr(noisy.astype(np.float64), c)); stds.append(std)
                    ours.append(psnr(np.asarray(Image.open(dst).convert("RGB"), dtype=np.float64), c))
                    if not args.no_baselines:
                        b = bm3d.bm3d_rgb(noisy / 255.0, std / 255.0)
                        theirs.append(psnr(np.round(np.clip(b, 0, 1) * 255), c))
                n0 = np.mean(noisy_p)
                name = f"{level}{' + JPEG q90' if jpeg else ''}"
                bm = f"{np.mean(theirs):8.2f} ({np.mean(theirs) - n0:+.2f})" if theirs else "(not run)"
                print(f"  {name:18s} {n0:6.2f} {np.mean(stds):8.2f} {np.mean(ours):6.2f} ({np.mean(ours) - n0:+.2f}) {bm}", flush=True)


def denoise(args):
    if args.noise == "camera":
        return camera(args)
    import bm3d
    import cv2
    _, val = split()
    val = val[: args.photos]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for sigma in (15, 25, 50):
            rows = {k: [] for k in ("restore", "restore auto", "BM3D", "OpenCV NLM")}
            times = {k: 0.0 for k in rows}
            for i, p in enumerate(val):
                photo = np.asarray(load_rgb(p, 768))
                clean = (centre_crop(photo, 256) if args.crop == "centre" else photo[:256, :256]).astype(np.float64)
                noisy = noisy_8bit(clean, sigma, 1000 * sigma + i).astype(np.uint8)
                src = os.path.join(tmp, f"{sigma}-{i}.png")
                Image.fromarray(noisy).save(src)
                for key, s in (("restore", str(sigma)), ("restore auto", "auto")):
                    dst = os.path.join(tmp, f"{sigma}-{i}-{key.replace(' ', '')}.png")
                    t = time.perf_counter()
                    subprocess.run([args.restore, "denoise", src, dst, "--model", args.model, "--sigma", s, "--threads", "2",
                                    "--progress", "off", "--force"], check=True, capture_output=True)
                    times[key] += time.perf_counter() - t
                    rows[key].append(psnr(np.asarray(Image.open(dst).convert("RGB"), dtype=np.float64), clean))
                if args.no_baselines:
                    continue
                t = time.perf_counter()
                b = bm3d.bm3d_rgb(noisy / 255.0, sigma / 255.0)
                times["BM3D"] += time.perf_counter() - t
                rows["BM3D"].append(psnr(np.round(np.clip(b, 0, 1) * 255), clean))
                t = time.perf_counter()
                n = cv2.fastNlMeansDenoisingColored(noisy[..., ::-1].copy(), None, 0.8 * sigma, 0.8 * sigma, 7, 21)[..., ::-1]
                times["OpenCV NLM"] += time.perf_counter() - t
                rows["OpenCV NLM"].append(psnr(n.astype(np.float64), clean))
            mp = len(val) * 256 * 256 / 1e6
            results[sigma] = {k: (float(np.mean(v)), times[k] / mp) for k, v in rows.items() if v}
    print(f"denoising on {len(val)} held-out photos (256x256 {args.crop} crops, RGB PSNR dB, seconds per megapixel incl. process start):")
    print("  method          " + "  ".join(f"σ={s:<10d}" for s in results))
    for k in [k for k in ("restore", "restore auto", "BM3D", "OpenCV NLM") if k in results[15]]:
        print(f"  {k:15s} " + "  ".join(f"{results[s][k][0]:5.2f} {results[s][k][1]:5.1f}s" for s in results))


ap = argparse.ArgumentParser()
ap.add_argument("task", choices=["sr", "denoise"])
ap.add_argument("--photos", type=int, default=15)
ap.add_argument("--noise", choices=["gaussian", "camera"], default="gaussian", help="denoise: additive Gaussian (σ 15/25/50) or realistic camera noise")
ap.add_argument("--no-baselines", action="store_true", help="denoise: skip BM3D and NLM (slow; for a quick look, not for the record)")
ap.add_argument("--crop", choices=["centre", "corner"], default="centre",
                help="denoise: which 256² crop of each photo; `corner` (top-left) is a second look, mostly at other "
                     "content than the centre crops the training validation prints")
ap.add_argument("--scale", type=int, default=2)
ap.add_argument("--model", default="restore-sr-x2")
ap.add_argument("--restore", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".build", "release", "restore"))
args = ap.parse_args()
sr(args) if args.task == "sr" else denoise(args)
