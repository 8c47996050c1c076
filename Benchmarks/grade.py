"""Colour grading on held-out photos (data.split: every 12th photo, never trained or tuned on),
us against the classical baselines and color-matcher in one run.

auto:  each photo (long side 768) under 3 random global grades (Training/restore_training/
       grades.py, seeded, always graded), restored by each method and scored against the
       original: PSNR (8-bit RGB) and mean CIEDE2000. Then the undamaged photos through
       `restore grade --auto` (PSNR against the input).
       Baselines: gray world (in linear light) + per-channel auto-levels (0.5/99.5 %);
       ImageMagick -auto-level; ffmpeg grayworld; ffmpeg normalize.
match: the photo's left 60 % is the image, its right 60 % graded by a random grade is the
       reference (they share the middle 20 %: a reference frame of the same shot); the truth
       is the grade replayed on the image. Then the same with the left 45 % and the right 45 %
       (nothing shared: a reference from another part of the scene). color-matcher (GPL, an
       outside comparison only: pip install color-matcher) mkl, hm-mkl-hm and reinhard
       against `restore grade --match`.
Usage: python3 Benchmarks/grade.py [auto|match|all] (after swift build -c release)
"""
import os
import random
import subprocess
import sys
import tempfile
import time
import numpy as np
import torch
from PIL import Image
from skimage.color import rgb2lab, deltaE_ciede2000

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(repo, "Training"))
from data import split, load_rgb  # noqa: E402
from restore_training import grades  # noqa: E402

RESTORE = os.path.join(repo, ".build", "release", "restore")
# Debian's ImageMagick 6 (a shell stand-in may shadow `convert` earlier on PATH).
CONVERT = "/usr/bin/convert" if os.path.exists("/usr/bin/convert") else "convert"
GRADES_PER_PHOTO = 3


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255 ** 2 / max(mse, 1e-10))


def de2000(a, b):
    return float(np.mean(deltaE_ciede2000(rgb2lab(a / 255.0), rgb2lab(b / 255.0))))


def graded(a, g):
    t = torch.from_numpy(a).permute(2, 0, 1).float() / 255
    return (grades.apply(t, g).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)


def gray_world_levels(a):
    x = a / 255.0
    lin = np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)
    m = lin.reshape(-1, 3).mean(0)
    lin = lin * (m.mean() / np.maximum(m, 1e-6))
    x = np.where(lin <= 0.0031308, lin * 12.92, 1.055 * np.clip(lin, 0, None) ** (1 / 2.4) - 0.055)
    lo, hi = np.percentile(x.reshape(-1, 3), [0.5, 99.5], axis=0)
    x = (x - lo) / np.maximum(hi - lo, 1e-6)
    return (np.clip(x, 0, 1) * 255).round().astype(np.uint8)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)}: {r.stderr}")


def tool(cmd_of, src, dst):
    run(cmd_of(src, dst))
    return np.asarray(Image.open(dst).convert("RGB"))


def table(rows, truth):
    base = None
    print(f"{'method':34s} {'PSNR dB':>8s} {'CIEDE2000':>10s}")
    for name, outs in rows:
        p = np.mean([psnr(o, t) for o, t in zip(outs, truth)])
        d = np.mean([de2000(o, t) for o, t in zip(outs, truth)])
        print(f"{name:34s} {p:8.2f} {d:10.2f}", flush=True)
        yield name, p, d


def auto(work):
    _, val = split()
    clean, damaged, names = [], [], []
    os.makedirs(f"{work}/in", exist_ok=True)
    for i, path in enumerate(val):
        a = np.asarray(load_rgb(path, 768))
        for k in range(GRADES_PER_PHOTO):
            g = grades.draw(random.Random(1000 * i + k), clean=0.0)
            d = graded(a, g)
            name = f"p{i:02d}g{k}.png"
            Image.fromarray(d).save(f"{work}/in/{name}")
            clean.append(a); damaged.append(d); names.append(name)
    print(f"auto: {len(val)} held-out photos × {GRADES_PER_PHOTO} grades = {len(names)} images", flush=True)
    t0 = time.time()
    run([RESTORE, "grade", f"{work}/in", f"{work}/ours", "--auto", "--quiet"])
    ours_s = time.time() - t0
    ours = [np.asarray(Image.open(f"{work}/ours/{n}").convert("RGB")) for n in names]
    rows = [("as given (graded)", damaged), ("gray world + auto-levels", [gray_world_levels(d) for d in damaged])]
    os.makedirs(f"{work}/im", exist_ok=True); os.makedirs(f"{work}/ffg", exist_ok=True); os.makedirs(f"{work}/ffn", exist_ok=True)
    rows.append(("ImageMagick -auto-level", [tool(lambda s, t: [CONVERT, s, "-auto-level", t], f"{work}/in/{n}", f"{work}/im/{n}") for n in names]))
    ff = ["ffmpeg", "-v", "error", "-y", "-i"]
    rows.append(("ffmpeg grayworld", [tool(lambda s, t: ff + [s, "-vf", "format=gbrpf32le,grayworld,format=rgb24", t], f"{work}/in/{n}", f"{work}/ffg/{n}") for n in names]))
    rows.append(("ffmpeg normalize", [tool(lambda s, t: ff + [s, "-vf", "normalize", t], f"{work}/in/{n}", f"{work}/ffn/{n}") for n in names]))
    rows.append(("restore grade --auto", ours))
    results = list(table(rows, clean))
    best = max((r for r in results[1:-1]), key=lambda r: r[1])
    _, p, d = results[-1]
    print(f"restore vs best classical ({best[0]}): {p - best[1]:+.2f} dB, CIEDE2000 × {d / best[2]:.2f}; "
          f"{ours_s:.1f} s for {len(names)} images", flush=True)
    # Undamaged photos: a good photo should be left alone.
    os.makedirs(f"{work}/clean", exist_ok=True)
    originals = []
    for i, path in enumerate(val):
        a = np.asarray(load_rgb(path, 768))
        Image.fromarray(a).save(f"{work}/clean/c{i:02d}.png"); originals.append(a)
    run([RESTORE, "grade", f"{work}/clean", f"{work}/clean_out", "--auto", "--quiet"])
    ps = [psnr(np.asarray(Image.open(f"{work}/clean_out/c{i:02d}.png").convert("RGB")), a) for i, a in enumerate(originals)]
    print(f"undamaged photos through restore grade --auto: PSNR(output, input) mean {np.mean(ps):.2f} dB, min {np.min(ps):.2f} dB", flush=True)


def match(work, share=0.6):
    """The match protocol with the image the photo's left `share` and the reference its right `share`."""
    from color_matcher import ColorMatcher
    _, val = split()
    os.makedirs(f"{work}/m", exist_ok=True)
    truth, methods = [], {"as given (ungraded image)": [], "color-matcher reinhard": [], "color-matcher mkl": [],
                          "color-matcher hm-mkl-hm": [], "restore grade --match": []}
    cm = ColorMatcher()
    for i, path in enumerate(val):
        a = np.asarray(load_rgb(path, 768))
        w = a.shape[1]
        image, ref_clean = a[:, : int(w * share)].copy(), a[:, w - int(w * share):].copy()
        for k in range(GRADES_PER_PHOTO):
            g = grades.draw(random.Random(5000 + 1000 * i + k), clean=0.0)
            ref, target = graded(ref_clean, g), graded(image, g)
            Image.fromarray(image).save(f"{work}/m/img.png"); Image.fromarray(ref).save(f"{work}/m/ref.png")
            truth.append(target)
            methods["as given (ungraded image)"].append(image)
            for m in ("reinhard", "mkl", "hm-mkl-hm"):
                out = cm.transfer(src=image.astype(np.float64) / 255, ref=ref.astype(np.float64) / 255, method=m)
                methods[f"color-matcher {m}"].append((np.clip(out, 0, 1) * 255).round().astype(np.uint8))
            run([RESTORE, "grade", f"{work}/m/img.png", f"{work}/m/out.png", "--match", f"{work}/m/ref.png", "--force", "--quiet"])
            methods["restore grade --match"].append(np.asarray(Image.open(f"{work}/m/out.png").convert("RGB")))
    print(f"match, image the left {share:.0%} and reference the right {share:.0%} "
          f"({'sharing the middle ' + format(2 * share - 1, '.0%') if share > 0.5 else 'nothing shared'}): "
          f"{len(val)} held-out photos × {GRADES_PER_PHOTO} grades = {len(truth)} pairs", flush=True)
    results = list(table(list(methods.items()), truth))
    best = max((r for r in results[1:-1]), key=lambda r: r[1])
    _, p, d = results[-1]
    print(f"restore vs best color-matcher ({best[0]}): {p - best[1]:+.2f} dB, CIEDE2000 × {d / best[2]:.2f}", flush=True)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    with tempfile.TemporaryDirectory() as work:
        if what in ("auto", "all"):
            auto(work)
        if what in ("match", "all"):
            match(work, 0.6)
            match(work, 0.45)
