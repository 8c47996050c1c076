"""Trains restore's colour-grading predictor (GradeLUT, architecture `grade-lut`) and exports
it to Plugins/restore-grade/: `--mode auto` learns to undo random global grades
(restore_training/grades.py) from a thumbnail of the graded photo; `--mode match` learns,
from thumbnails of an image and of a reference, the grade that makes the image look like the
reference (two crops of one photo: the reference graded, the image ungraded or graded more
mildly, the target the reference's grade replayed on the image).

The held-out photos (data.split: every 12th) are never seen here; training monitors a
separate dev split (every 12th of the remaining photos), also left out of training.

Run (CPU or GPU; seeded and resumable — rerun the same command to continue):
  python3 Training/train_grade.py --mode auto --steps 6000
  python3 Training/train_grade.py --mode match --steps 15000 --tag long
A further stage from the shipped weights (fresh optimiser and schedule):
  python3 Training/train_grade.py --mode match --init Plugins/restore-grade/match.safetensors --lr 5e-4 --steps 16000 --tag cont
Writes .cache/train/grade-<mode>.pt, Plugins/restore-grade/<mode>.safetensors and the golden
pair Plugins/restore-grade/golden-<mode>.{in,out}.f32: the thumbnail (C, T, T) and the
predicted grade (3·P curve values, channel-major, then the 3·S³ LUT values, channel-major,
red fastest), float32 little-endian.
"""
import argparse
import os
import random
import sys
import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import split, load_rgb  # noqa: E402
from restore_training.models import GradeLUT, apply_grade, identity_lut, mkl_transfer, levels, apply_levels  # noqa: E402
from restore_training.loop import train  # noqa: E402
from restore_training import grades  # noqa: E402
from restore_training.ciede2000 import ciede2000, srgb_to_lab  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--mode", choices=["auto", "match"], default="auto")
ap.add_argument("--steps", type=int, default=12000)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--side", type=int, default=128, help="training images are side² crops (area-averaged)")
ap.add_argument("--thumb", type=int, default=64)
ap.add_argument("--bases", type=int, default=8)
ap.add_argument("--size", type=int, default=17)
ap.add_argument("--lr", type=float, default=2e-3)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--tag", default="", help="checkpoint name suffix (experiments)")
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--ungraded", type=float, default=0.2, help="--mode auto: share of the examples left ungraded "
                "(the network learns to leave a good photo alone from them)")
ap.add_argument("--mkl-blend", type=float, default=0.0, help="--mode match: the applied grade is (1 - B) × the "
                "network's grade + B × the MKL colour transfer from the image's to the reference's statistics; "
                "stored in the weights' metadata (`transfer_blend`), which restore reads")
ap.add_argument("--views", type=float, default=0.0, help="--mode match: share of the pairs that are two overlapping "
                "views of one region (a shot and a reference of one scene) instead of two independent crops")
ap.add_argument("--de-loss", type=float, default=0.0, help="weight of the mean CIEDE2000 (ΔE00) between output and "
                "target in the loss, beside the MSE")
ap.add_argument("--levels", action="store_true", help="--mode auto: the grade starts with a per-channel levels "
                "stretch (each channel's minimum to 0 and maximum to 1, measured on the graded image at its own "
                "resolution: models.levels), and the network sees the stretched thumbnail and the raw one (6 channels) "
                "and predicts what follows the stretch; stored in the weights' metadata (`levels: minmax`)")
ap.add_argument("--stretched-only", action="store_true", help="with --levels: the network sees the stretched "
                "thumbnail alone (3 channels), not the raw one beside it")
ap.add_argument("--whole", action="store_true", help="with --levels: train on most of each photo (70–100 %% of "
                "each side, squeezed to side²) instead of square crops, so that the levels are a whole frame's")
ap.add_argument("--view-min", type=float, default=0.7, help="with --whole: the smallest share of each side a view "
                "keeps (smaller shares: more varied colour distributions from the same photos)")
ap.add_argument("--mix", type=float, default=0.0, help="with --whole: share of the views that are two photos' views "
                "side by side (split at 30–70 %% across or down, the second part from a random training photo, one grade over "
                "both): colour distributions no single training photo has")
ap.add_argument("--pointwise", action="store_true", help="1×1 stride-1 convolutions in the predictor's body "
                "(models.GradeLUT; the weights' metadata `body: pointwise`): it sees the thumbnail's colour distribution, "
                "not the scene, and so cannot memorise the training photos")
ap.add_argument("--features", default="16,32,64,128,128", help="the body's widths")
ap.add_argument("--loss", choices=["mse", "psnr"], default="mse", help="the fidelity term: the batch's MSE, or its "
                "mean per-image log MSE (the benchmark's mean PSNR; images already near their target then weigh as much "
                "as the worst ones)")
ap.add_argument("--weight-decay", type=float, default=0.0)
ap.add_argument("--export-dir", help="where the weights and the golden pair go (default Plugins/restore-grade; "
                "another folder for experiments that must not replace the shipped files)")
ap.add_argument("--init", help="start from these .safetensors weights (the shipped file, to continue on a fresh "
                "machine) with a fresh optimiser and schedule; use a --tag for the new checkpoint")
args = ap.parse_args()

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.set_num_threads(args.threads)
device = "cuda" if torch.cuda.is_available() else "cpu"
cache = os.path.join(repo, ".cache", "train", "grade-photos.npz")


def photos():
    """(train, dev) uint8 (H, W, 3) arrays at a long side of 384, cached."""
    if os.path.exists(cache):
        z = np.load(cache)
        return [z[k] for k in sorted(z.files) if k.startswith("t")], [z[k] for k in sorted(z.files) if k.startswith("d")]
    train_files, _ = split()
    dev_files = train_files[::12]
    train_files = [f for f in train_files if f not in dev_files]
    t = [np.asarray(load_rgb(p, 384)) for p in train_files]
    d = [np.asarray(load_rgb(p, 384)) for p in dev_files]
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    np.savez(cache, **{f"t{i:04d}": a for i, a in enumerate(t)}, **{f"d{i:04d}": a for i, a in enumerate(d)})
    return t, d


train_photos, dev_photos = photos()
print(f"{len(train_photos)} training photos, {len(dev_photos)} dev; device {device}", flush=True)


def crop(a, rng, side, native=False):
    """A random crop (the largest square up to 2·side, of a random size from side) brought to
    side² by area averaging (with `native`, left at its own size)."""
    h, w = a.shape[:2]
    c = rng.randint(min(side, h, w), min(2 * side, h, w))
    y, x = rng.randint(0, h - c), rng.randint(0, w - c)
    t = torch.from_numpy(a[y:y + c, x:x + c].copy()).permute(2, 0, 1).float() / 255
    if rng.random() < 0.5:
        t = t.flip(2)
    return t if native else area(t, side)


def view(a, rng):
    """Most of the photo (--view-min…100 % of each side, at a random place; flipped half the
    time), at its own resolution: what `restore grade --auto` sees is a whole frame."""
    h, w = a.shape[:2]
    ch, cw = int(h * rng.uniform(args.view_min, 1)), int(w * rng.uniform(args.view_min, 1))
    y, x = rng.randint(0, h - ch), rng.randint(0, w - cw)
    t = torch.from_numpy(a[y:y + ch, x:x + cw].copy()).permute(2, 0, 1).float() / 255
    return t.flip(2) if rng.random() < 0.5 else t


def mosaic(a, b, rng):
    """a's first 30–70 % across (or down) beside the rest filled from b, b resized to a's size."""
    b = F.interpolate(b.unsqueeze(0), size=a.shape[1:], mode="bilinear", antialias=True, align_corners=False)[0]
    d = 2 if rng.random() < 0.5 else 1
    k = int(a.shape[d] * rng.uniform(0.3, 0.7))
    return torch.cat([a.narrow(d, 0, k), b.narrow(d, k, a.shape[d] - k)], d)


def area(t, side):
    return F.interpolate(t.unsqueeze(0), size=(side, side), mode="area")[0]


def views(a, rng, side):
    """Two overlapping windows of one region of the photo (the region 50–100 % of each side;
    each window 50–80 % of it along a random axis, one from each end), each brought to side²."""
    h, w = a.shape[:2]
    rh, rw = rng.randint(h // 2, h), rng.randint(w // 2, w)
    y, x = rng.randint(0, h - rh), rng.randint(0, w - rw)
    r = torch.from_numpy(a[y:y + rh, x:x + rw].copy()).permute(2, 0, 1).float() / 255
    if rng.random() < 0.5:
        r = r.transpose(1, 2)
    n = r.shape[2]
    wa, wb = int(n * rng.uniform(0.5, 0.8)), int(n * rng.uniform(0.5, 0.8))
    first, second = r[:, :, :wa], r[:, :, n - wb:]
    if rng.random() < 0.5:
        first, second = second, first
    size = lambda t: F.interpolate(t.unsqueeze(0), size=(side, side), mode="bilinear", antialias=True, align_corners=False)[0]
    return size(first), size(second)


def thumb(x):
    return F.adaptive_avg_pool2d(x, args.thumb)


def sample(rng, pool):
    """(network input thumbnail, image to grade, target) for one training example."""
    a = pool[rng.randrange(len(pool))]
    if args.mode == "auto" and args.levels:
        # Graded at the crop's own resolution, where the levels are measured (as restore
        # measures them on the image), then brought to side².
        clean = view(a, rng) if args.whole else crop(a, rng, args.side, native=True)
        if args.whole and args.mix > 0 and rng.random() < args.mix:
            clean = mosaic(clean, view(pool[rng.randrange(len(pool))], rng), rng)
        damaged = grades.apply(clean, grades.draw(rng, clean=args.ungraded))
        lo, gain = levels(damaged.unsqueeze(0))
        damaged, clean = area(damaged, args.side), area(clean, args.side)
        stretched = apply_levels(damaged.unsqueeze(0), lo, gain)[0]
        t = thumb(stretched.unsqueeze(0))[0]
        return (t if args.stretched_only else torch.cat([t, thumb(damaged.unsqueeze(0))[0]])), stretched, clean
    if args.mode == "auto":
        clean = crop(a, rng, args.side)
        damaged = grades.apply(clean, grades.draw(rng, clean=args.ungraded))
        return thumb(damaged.unsqueeze(0))[0], damaged, clean
    src, ref = views(a, rng, args.side) if args.views > 0 and rng.random() < args.views else (crop(a, rng, args.side), crop(a, rng, args.side))
    g_ref = grades.draw(rng, clean=0.1)
    g_src = grades.draw(rng, clean=0.5, strength=0.5)
    image = grades.apply(src, g_src)
    target = grades.apply(src, g_ref)
    reference = grades.apply(ref, g_ref)
    return torch.cat([thumb(image.unsqueeze(0))[0], thumb(reference.unsqueeze(0))[0]]), image, target, reference


class Trainer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = GradeLUT(in_ch=3 if args.mode == "auto" and (not args.levels or args.stretched_only) else 6, bases=args.bases, size=args.size,
                            features=tuple(int(f) for f in args.features.split(",")), pointwise=args.pointwise)
        self.register_buffer("identity", identity_lut(args.size), persistent=False)

    def forward(self, batch):
        t, image, reference = batch
        curves, lut = self.net(t)
        y = apply_grade(image, curves, lut)
        if args.mkl_blend > 0:
            y = (1 - args.mkl_blend) * y + args.mkl_blend * mkl_transfer(image, reference)
        return y, curves, lut


def batch_of(rng, pool, n):
    items = [sample(rng, pool) for _ in range(n)]
    t, image, target, *reference = (torch.stack([it[k] for it in items]).to(device) for k in range(len(items[0])))
    return (t, image, reference[0] if reference else None), target


def loss_fn(out, target):
    y, curves, lut = out
    # Plain MSE by default: without --levels, a mean of log MSE (mean PSNR) made graded photos
    # worse, since the ungraded examples (near-zero error) then dominate the gradient.
    if args.loss == "psnr":
        mse = 10 * torch.log10(((y - target) ** 2).mean(dim=(1, 2, 3)) + 1e-5).mean() / 100
    else:
        mse = F.mse_loss(y, target)
    # Smooth, monotone grades: total variation of the LUT's residual and the curves' descents.
    r = lut - trainer.identity
    tv = sum((r.diff(dim=d) ** 2).mean() for d in (2, 3, 4))
    mono = F.relu(-curves.diff(dim=2)).mean() + F.relu(-lut[:, 0].diff(dim=3)).mean() \
        + F.relu(-lut[:, 1].diff(dim=2)).mean() + F.relu(-lut[:, 2].diff(dim=1)).mean()
    loss = mse + 1e-2 * tv + 1e-2 * mono
    if args.de_loss > 0:
        loss = loss + args.de_loss * ciede2000(srgb_to_lab(y), srgb_to_lab(target)).mean()
    return loss


trainer = Trainer()
if args.init:
    from safetensors.torch import load_file
    trainer.net.load_state_dict({k: v.float() for k, v in load_file(args.init).items()})
    print(f"weights from {args.init}", flush=True)
trainer = trainer.to(device)
dev_rng = random.Random(12345)
dev_set = [batch_of(dev_rng, dev_photos, 16) for _ in range(4)]


def validate():
    """Mean PSNR over the dev examples that were graded, and over those that were not."""
    given, out, clean = [], [], []
    for x, target in dev_set:
        image = x[1]
        y, _, _ = trainer(x)
        for i in range(len(image)):
            e0, e1 = F.mse_loss(image[i], target[i]), F.mse_loss(y[i], target[i])
            # With --levels the image is the stretched one: the raw thumbnail tells a graded example
            # (with --stretched-only there is none: a stretched image within 40 dB of its target
            # counts as ungraded).
            if args.stretched_only:
                graded = e0 > 1e-4
            elif args.levels:
                graded = F.mse_loss(x[0][i, 3:], thumb(target[i:i + 1])[0]) > 0
            else:
                graded = e0 > 0
            if graded:
                given.append(float(10 * torch.log10(1 / e0))); out.append(float(10 * torch.log10(1 / e1)))
            else:
                clean.append(float(10 * torch.log10(1 / e1.clamp(min=1e-10))))
    m = lambda v: sum(v) / max(len(v), 1)
    return f"dev: graded {m(given):.2f}{' (stretched)' if args.levels else ''} → {m(out):.2f} dB ({len(given)}), ungraded → {m(clean):.2f} dB ({len(clean)})"


checkpoint = os.path.join(repo, ".cache", "train", f"grade-{args.mode}{args.tag}.pt")
train(trainer, lambda rng: batch_of(rng, train_photos, args.batch), validate, loss_fn,
      steps=args.steps, lr=args.lr, seed=args.seed, checkpoint=checkpoint, device=device,
      weight_decay=args.weight_decay)

# Export: the predictor's weights (float32: they are small) and a golden pair.
net = trainer.net.cpu().eval()
folder = args.export_dir or os.path.join(repo, "Plugins", "restore-grade")
os.makedirs(folder, exist_ok=True)
save_file({k: v.contiguous() for k, v in net.state_dict().items()}, os.path.join(folder, f"{args.mode}.safetensors"),
          metadata={"architecture": "grade-lut", "thumbnail": str(args.thumb), "mode": args.mode,
                   **({"levels": "minmax"} if args.levels else {}),
                   **({"body": "pointwise"} if args.pointwise else {}),
                   **({"transfer_blend": str(args.mkl_blend)} if args.mkl_blend > 0 else {})})
(t, _, _), _ = dev_set[0]
with torch.no_grad():
    grade = net(t[:1].cpu())
t[0].cpu().numpy().astype("<f4").tofile(os.path.join(folder, f"golden-{args.mode}.in.f32"))
np.concatenate([g[0].numpy().ravel() for g in grade]).astype("<f4").tofile(os.path.join(folder, f"golden-{args.mode}.out.f32"))
params = sum(p.numel() for p in net.parameters())
print(f"exported {folder}/{args.mode}.safetensors: {params} parameters", flush=True)
