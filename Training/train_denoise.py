"""Trains restore's own non-blind denoiser (a residual U-Net, or DnCNN, with a noise-level input
plane, FFDNet/DRUNet-style: one model for σ 0–75) on the training photos with additive white
Gaussian noise, clipped and rounded to 8 bits as in the evaluation, and exports the weights for
Plugins/restore-denoise/.

Run (CPU or GPU; resumable — rerun the same command to continue from the checkpoint):
  python3 Training/train_denoise.py --steps 6000
then further stages with --init/--stage (mean-PSNR loss, --sigma-focus on low σ, --extra-sides):
the shipped weights' six commands are in Training/README.md, each stage's validation figures in
Plugins/restore-denoise/README.md.
Writes .cache/train/denoise-<arch><stage>.pt, Plugins/restore-denoise/weights.safetensors (float16)
and a golden pair Plugins/restore-denoise/golden.{in,out}.f32 (4-channel input: RGB + σ/255
plane; the output is computed with the float16-rounded weights).
"""
import argparse
import os
import sys
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import denoise_photos, with_smaller_copies, random_crop, noisy_8bit, psnr  # noqa: E402
from restore_training.models import DnCNN, UNet  # noqa: E402
from restore_training.loop import train, export  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--arch", choices=["unet", "dncnn"], default="unet")
ap.add_argument("--steps", type=int, default=6000)
ap.add_argument("--batch", type=int, default=8)
ap.add_argument("--patch", type=int, default=128)
ap.add_argument("--features", type=int, nargs="+", default=[32, 64, 128, 256],
                help="U-Net: features per level; DnCNN: one width")
ap.add_argument("--blocks", type=int, nargs="+", default=[1, 1, 2, 2], help="U-Net: residual blocks per level")
ap.add_argument("--depth", type=int, default=12, help="DnCNN: convolutions")
ap.add_argument("--lr", type=float, default=5e-4)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--pack", help="photos packed by pack_photos.py instead of .cache/photos")
ap.add_argument("--loss", choices=["mse", "psnr"], default="mse",
                help="psnr: the mean over the batch of log MSE, i.e. mean PSNR, which weighs low σ as much as high σ")
ap.add_argument("--sigma-focus", type=float, nargs=3, metavar=("LO", "HI", "SHARE"),
                help="draw σ from [LO, HI] for this SHARE of the crops (the rest from [0, 75]): "
                "a later stage that gives the low σ, where fine detail must survive, more of the training")
ap.add_argument("--extra-sides", type=int, nargs="*", default=[],
                help="also train on bicubic copies of the photos at these long sides (scale augmentation)")
ap.add_argument("--init", help="start from this checkpoint's (or .safetensors file's) weights: a further stage, "
                "with a fresh optimiser and schedule")
ap.add_argument("--stage", default="", help="checkpoint name suffix for a further stage")
args = ap.parse_args()

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
device = "cuda" if torch.cuda.is_available() else "cpu"
photos, val_crops = denoise_photos(args.pack)
photos = with_smaller_copies(photos, args.extra_sides)
print(f"{len(photos)} training photos, {len(val_crops)} held out; device {device}", flush=True)


def batch(rng):
    p = args.patch
    xs, ys = [], []
    while len(ys) < args.batch:
        c = random_crop(photos[rng.randrange(len(photos))], p, rng, vflip=False)
        if c is None:
            continue
        clean = c.transpose(2, 0, 1).astype(np.float32)
        lo, hi = args.sigma_focus[:2] if args.sigma_focus and rng.random() < args.sigma_focus[2] else (0, 75)
        sigma = rng.uniform(lo, hi)
        noisy = noisy_8bit(clean, sigma, rng.randrange(1 << 30))  # as the evaluation makes it
        xs.append(np.concatenate([noisy / 255, np.full((1, p, p), sigma / 255)]).astype(np.float32)); ys.append(clean / 255)
    to = dict(device=device, memory_format=torch.channels_last)  # ~15% faster convolutions on the CPU
    return torch.from_numpy(np.stack(xs)).to(**to), torch.from_numpy(np.stack(ys)).to(**to)


if args.arch == "unet":
    model = UNet(features=tuple(args.features), blocks=tuple(args.blocks), noise_map=True).to(device)
else:
    model = DnCNN(features=args.features[0], depth=args.depth, noise_map=True).to(device)


def validate():
    """RGB PSNR (8-bit, clipped noisy input) at σ 15/25/50 with fixed seeds, 256² centre crops
    (the loop calls it in eval mode without gradients)."""
    out = {}
    for sigma in (15, 25, 50):
        scores = []
        for i, crop in enumerate(val_crops):
            im = crop.astype(np.float64)
            noisy = noisy_8bit(im, sigma, 1000 * sigma + i)
            x = torch.from_numpy(np.concatenate([noisy.transpose(2, 0, 1) / 255, np.full((1,) + noisy.shape[:2], sigma / 255)]).astype(np.float32))
            d = model(x[None].to(device)).clamp(0, 1)[0].cpu().numpy().transpose(1, 2, 0)
            scores.append(psnr(np.round(d * 255), im))
        out[sigma] = float(np.mean(scores))
    return {k: round(v, 2) for k, v in out.items()}


def psnr_loss(out, target):
    return torch.log10(((out - target) ** 2).mean(dim=(1, 2, 3)) + 1e-10).mean()


model = model.to(memory_format=torch.channels_last)
if args.init:  # a checkpoint, or the shipped .safetensors (to continue on a fresh machine)
    if args.init.endswith(".safetensors"):
        from safetensors.torch import load_file
        model.load_state_dict({k: v.float() for k, v in load_file(args.init).items()})
    else:
        model.load_state_dict(torch.load(args.init, map_location=device)["model"])
    print(f"weights from {args.init}", flush=True)
train(model, batch, validate, psnr_loss if args.loss == "psnr" else F.mse_loss, steps=args.steps, lr=args.lr, seed=args.seed,
      checkpoint=os.path.join(repo, ".cache", "train", f"denoise-{args.arch}{args.stage}.pt"), device=device)
golden = torch.rand((1, 4, 24, 24), generator=torch.Generator().manual_seed(1))
golden[:, 3] = 25 / 255
export(model, os.path.join(repo, "Plugins", "restore-denoise"), golden, half=True)
