"""The held-out benchmark's protocols (Benchmarks/grade.py) on the dev photos (train_grade.py's
dev split: never trained on), with the PyTorch predictor: the choices between recipes are
made here, never on the held-out photos.

match (default): each dev photo (long side 768, as the benchmark) under --grades (3) seeded random
grades: the left 60 % (--share) is the image, the right 60 % graded is the reference, the truth is the
grade replayed on the image. Prints PSNR (8-bit RGB) and mean CIEDE2000 for the image as
given, the MKL transfer, and each predictor given (.safetensors with its `transfer_blend`
metadata, or a train_grade.py checkpoint with --blend).
auto: each dev photo under --grades seeded random grades, restored and scored against the original
(as given, a per-channel min/max levels stretch — what ffmpeg's normalize does — and each
predictor: a 6-channel one starts with that stretch, as `--levels` trained it); then the
undamaged photos (PSNR against the input, mean and min).

Run: python3 Training/eval_grade_dev.py [--mode auto] [--blend B] WEIGHTS...
(--mode auto: WEIGHTS may be an ensemble A+B+…, scored as the mean of its members' grades)
"""
import argparse
import os
import random
import sys
import numpy as np
import torch
import torch.nn.functional as F
from skimage.color import rgb2lab, deltaE_ciede2000

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from restore_training.models import GradeLUT, apply_grade, auto_grade, load_grade, mkl_transfer, levels, apply_levels  # noqa: E402
from restore_training import grades  # noqa: E402
from data import split, load_rgb  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("weights", nargs="+")
ap.add_argument("--mode", choices=["auto", "match"], default="match")
ap.add_argument("--blend", type=float, default=0.0, help="transfer_blend for checkpoints (.pt)")
ap.add_argument("--side", type=int, default=768, help="long side of the photos (the benchmark's 768)")
ap.add_argument("--grades", type=int, default=3, help="random grades per photo (the benchmark's 3; more for a steadier mean)")
ap.add_argument("--share", type=float, default=0.6, help="--mode match: the image is the left SHARE of the photo, "
                "the reference the right SHARE (the benchmark's 0.6, 20 %% shared, and 0.45, nothing shared)")
ap.add_argument("--thumb", type=int, default=64, help="thumbnail side for checkpoints (.pt); weights carry their own")
ap.add_argument("--stretched-only", action="store_true", help="for 3-channel checkpoints (.pt) of a train_grade.py "
                "--levels --stretched-only run (weights say so in their metadata)")
args = ap.parse_args()
if args.mode == "match" and any("+" in w for w in args.weights):
    ap.error("ensembles (A+B+…) are scored in --mode auto only")
torch.set_num_threads(1)
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
dev = [np.asarray(load_rgb(p, args.side)) for p in split()[0][::12]]  # train_grade.py's dev photos


def load(path):
    if path.endswith(".pt"):
        state = {k[4:]: v for k, v in torch.load(path)["model"].items() if k.startswith("net.")}
        net = GradeLUT.from_state(state).eval()
        blend, thumb = args.blend, args.thumb
        stretch = args.mode == "auto" and (state["body.0.weight"].shape[1] == 6 or args.stretched_only)
    else:
        net, thumb, stretch, blend = load_grade(path)
    net.thumb, net.levels = thumb, stretch
    return net, blend


# A weights argument A+B+… is an ensemble (as a plugin's files weights, weights-2, …): the mean
# of its members' grades.
nets = [[load(m) for m in w.split("+")] for w in args.weights]


def ensemble_grade(members, x):
    return sum(auto_grade(net, x, net.thumb, net.levels) for net, _ in members) / len(members)


def score(name, y, target):
    y = np.round(np.clip(y, 0, 1) * 255) / 255
    scores[name][0].append(10 * np.log10(1 / max(np.mean((y - target) ** 2), 1e-10)))
    scores[name][1].append(np.mean(deltaE_ciede2000(rgb2lab(y), rgb2lab(target))))


def auto():
    hwc = lambda t: t[0].permute(1, 2, 0).double().numpy()
    clean = {name: [] for name in args.weights}
    for i, a in enumerate(dev):
        original = torch.from_numpy(a.copy()).permute(2, 0, 1).float()[None] / 255
        for k in range(args.grades):
            g = grades.draw(random.Random(90000 + 1000 * i + k), clean=0.0)
            image = grades.apply(original[0], g)[None]
            score("as given", hwc(image), hwc(original))
            score("levels stretch", hwc(apply_levels(image, *levels(image))), hwc(original))
            for path, members in zip(args.weights, nets):
                score(path, hwc(ensemble_grade(members, image)), hwc(original))
        for path, members in zip(args.weights, nets):
            y = np.round(np.clip(hwc(ensemble_grade(members, original)), 0, 1) * 255) / 255
            clean[path].append(10 * np.log10(1 / max(np.mean((y - hwc(original)) ** 2), 1e-10)))
    print(f"{len(scores['as given'][0])} dev images ({len(dev)} photos × {args.grades} grades)")
    for name, (p, d) in scores.items():
        print(f"{name:60s} {np.mean(p):6.2f} dB {np.mean(d):6.2f}")
    for name, p in clean.items():
        print(f"undamaged through {name}: {np.mean(p):6.2f} dB mean, {np.min(p):6.2f} min")


def match():
    for i, a in enumerate(dev):
        w = a.shape[1]
        for k in range(args.grades):
            g = grades.draw(random.Random(9000 + 1000 * i + k), clean=0.0)
            graded = lambda x: (grades.apply(torch.from_numpy(x).permute(2, 0, 1).float() / 255, g) * 255).round()[None] / 255
            n = int(w * args.share)
            image = torch.from_numpy(a[:, :n].copy()).permute(2, 0, 1).float()[None] / 255
            ref, target = graded(a[:, w - n:]), graded(a[:, :n])
            hwc = lambda t: t[0].permute(1, 2, 0).double().numpy()
            score("as given", hwc(image), hwc(target))
            mkl = mkl_transfer(image, ref)
            score("MKL", hwc(mkl), hwc(target))
            for path, [(net, blend)] in zip(args.weights, nets):
                y = apply_grade(image, *net(torch.cat([F.adaptive_avg_pool2d(image, net.thumb), F.adaptive_avg_pool2d(ref, net.thumb)], 1)))
                score(path, hwc((1 - blend) * y + blend * mkl), hwc(target))
    print(f"{len(scores['MKL'][0])} dev pairs ({len(dev)} photos × {args.grades} grades)")
    for name, (p, d) in scores.items():
        print(f"{name:60s} {np.mean(p):6.2f} dB {np.mean(d):6.2f}")


scores = {name: ([], []) for name in ["as given", "levels stretch" if args.mode == "auto" else "MKL"] + args.weights}
with torch.no_grad():
    if args.mode == "auto":
        auto()
    else:
        match()
