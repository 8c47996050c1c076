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
from PIL import Image  # noqa: E402
from data import denoise_photos, with_smaller_copies, random_crop, noisy_8bit, psnr, centre_crop, fit  # noqa: E402
from restore_training.camera_noise import camera_noise, random_camera_noise  # noqa: E402
from restore_training.noise_profile import profile, noise_map  # noqa: E402
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
ap.add_argument("--noise-planes", type=int, choices=[1, 3], default=1,
                help="1: one σ plane (Gaussian noise only); 3: a noise map per colour channel, built from restore's "
                "noise profile (restore_training/noise_profile.py) as `--sigma auto` builds it")
ap.add_argument("--camera", type=float, default=0.0,
                help="share of the crops with realistic camera noise (camera_noise.random_camera_noise); "
                "needs --noise-planes 3")
ap.add_argument("--true-map", type=float, default=0.5,
                help="with --noise-planes 3: share of the Gaussian crops given their true σ as the map "
                "(`--sigma N`); the others get the estimated one (`--sigma auto`)")
ap.add_argument("--dev", action="store_true",
                help="validate on a dev split carved from the training photos (every 12th, left out of training), "
                "with camera noise too, instead of printing figures for the held-out photos")
ap.add_argument("--init", help="start from this checkpoint's (or .safetensors file's) weights: a further stage, "
                "with a fresh optimiser and schedule")
ap.add_argument("--stage", default="", help="checkpoint name suffix for a further stage")
args = ap.parse_args()

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
device = "cuda" if torch.cuda.is_available() else "cpu"
photos, val_crops = denoise_photos(args.pack)
if args.dev:  # the held-out photos are not looked at; the dev photos are not trained on
    val_crops = [centre_crop(np.asarray(fit(Image.fromarray(a), 768)), 256) for a in photos[::12]][:8]
    photos = [a for i, a in enumerate(photos) if i % 12]
photos = with_smaller_copies(photos, args.extra_sides)
print(f"{len(photos)} training photos, {len(val_crops)} {'dev' if args.dev else 'held-out'} validation crops; device {device}", flush=True)


def draw_sigma(rng):
    lo, hi = args.sigma_focus[:2] if args.sigma_focus and rng.random() < args.sigma_focus[2] else (0, 75)
    return rng.uniform(lo, hi)


def estimated_map(noisy):
    """The noise planes `--sigma auto` gives a (3, H, W) 0…1 image."""
    return noise_map(noisy, profile(noisy)[0])


def pair(rng):
    """One (input, clean) training pair, CHW float32: the noisy crop plus its noise plane(s)."""
    p = args.patch
    if args.noise_planes == 1:
        c = random_crop(photos[rng.randrange(len(photos))], p, rng, vflip=False)
        if c is None:
            return None
        clean = c.transpose(2, 0, 1).astype(np.float32)
        sigma = draw_sigma(rng)
        noisy = noisy_8bit(clean, sigma, rng.randrange(1 << 30))  # as the evaluation makes it
        return np.concatenate([noisy / 255, np.full((1, p, p), sigma / 255)]).astype(np.float32), clean / 255
    # The profile is estimated on a 2p² region, nearer the whole images it sees in use, and
    # a p² part of it is trained on.
    c = random_crop(photos[rng.randrange(len(photos))], 2 * p, rng, vflip=False)
    if c is None:
        return None
    sigma = None
    if rng.random() < args.camera:
        noisy = random_camera_noise(c, np.random.default_rng(rng.randrange(1 << 30))).transpose(2, 0, 1) / 255
    else:
        sigma = draw_sigma(rng)
        noisy = noisy_8bit(c.transpose(2, 0, 1).astype(np.float64), sigma, rng.randrange(1 << 30)) / 255
    noisy = noisy.astype(np.float32)
    planes = (np.full((3,) + noisy.shape[1:], sigma / 255, np.float32) if sigma is not None and rng.random() < args.true_map
              else estimated_map(noisy))
    y, x = rng.randrange(p + 1), rng.randrange(p + 1)
    part = (slice(None), slice(y, y + p), slice(x, x + p))
    return np.concatenate([noisy, planes])[part], (c.transpose(2, 0, 1).astype(np.float32) / 255)[part]


def batch(rng):
    xs, ys = [], []
    while len(ys) < args.batch:
        got = pair(rng)
        if got is not None:
            xs.append(got[0]); ys.append(got[1])
    to = dict(device=device, memory_format=torch.channels_last)  # ~15% faster convolutions on the CPU
    return torch.from_numpy(np.stack(xs)).to(**to), torch.from_numpy(np.stack(ys)).to(**to)


if args.arch == "unet":
    model = UNet(features=tuple(args.features), blocks=tuple(args.blocks), noise_map=True, planes=args.noise_planes).to(device)
else:
    assert args.noise_planes == 1, "DnCNN takes one σ plane"
    model = DnCNN(features=args.features[0], depth=args.depth, noise_map=True).to(device)


def denoised(noisy, planes):
    x = torch.from_numpy(np.concatenate([noisy.transpose(2, 0, 1) / 255, planes]).astype(np.float32))
    return model(x[None].to(device)).clamp(0, 1)[0].cpu().numpy().transpose(1, 2, 0)


def validate():
    """RGB PSNR (8-bit) on the validation crops: Gaussian noise (clipped noisy input) at σ
    15/25/50 with fixed seeds given the true σ; with three planes also σ 50 and the camera
    noise of the benchmark (low/high, without and with JPEG q90) given the estimated map (the
    loop calls it in eval mode without gradients)."""
    out = {}
    shape = lambda im: im.shape[:2]  # noqa: E731
    for sigma in (15, 25, 50):
        scores = []
        for i, crop in enumerate(val_crops):
            im = crop.astype(np.float64)
            noisy = noisy_8bit(im, sigma, 1000 * sigma + i)
            d = denoised(noisy, np.full((args.noise_planes,) + shape(im), sigma / 255))
            scores.append(psnr(np.round(d * 255), im))
        out[sigma] = float(np.mean(scores))
    if args.noise_planes == 3:
        scores = []
        for i, crop in enumerate(val_crops):
            im = crop.astype(np.float64)
            noisy = noisy_8bit(im, 50, 50000 + i)
            scores.append(psnr(np.round(denoised(noisy, estimated_map((noisy / 255).transpose(2, 0, 1).astype(np.float32))) * 255), im))
        out["50 auto"] = float(np.mean(scores))
        for level in ("low", "high"):
            for jpeg in (None, 90):
                gains = []
                for i, crop in enumerate(val_crops):
                    noisy = camera_noise(crop, level, 7000 + i, jpeg).astype(np.float64)
                    d = denoised(noisy, estimated_map((noisy / 255).transpose(2, 0, 1).astype(np.float32)))
                    gains.append(psnr(np.round(d * 255), crop.astype(np.float64)) - psnr(noisy, crop.astype(np.float64)))
                out[f"{level}{'+jpeg' if jpeg else ''} gain"] = float(np.mean(gains))
    return {k: round(v, 2) for k, v in out.items()}


def psnr_loss(out, target):
    return torch.log10(((out - target) ** 2).mean(dim=(1, 2, 3)) + 1e-10).mean()


model = model.to(memory_format=torch.channels_last)
if args.init:  # a checkpoint, or the shipped .safetensors (to continue on a fresh machine)
    if args.init.endswith(".safetensors"):
        from safetensors.torch import load_file
        state = {k: v.float() for k, v in load_file(args.init).items()}
    else:
        state = torch.load(args.init, map_location=device)["model"]
    head = state.get("head.weight")
    if head is not None and head.shape[1] == 4 and args.noise_planes == 3:
        # One σ plane → three: each new plane gets a third of its weights, so equal planes
        # compute what the one plane did.
        state["head.weight"] = torch.cat([head[:, :3], head[:, 3:4].repeat(1, 3, 1, 1) / 3], dim=1)
    model.load_state_dict(state)
    print(f"weights from {args.init}", flush=True)
train(model, batch, validate, psnr_loss if args.loss == "psnr" else F.mse_loss, steps=args.steps, lr=args.lr, seed=args.seed,
      checkpoint=os.path.join(repo, ".cache", "train", f"denoise-{args.arch}{args.stage}.pt"), device=device)
golden = torch.rand((1, 3 + args.noise_planes, 24, 24), generator=torch.Generator().manual_seed(1))
golden[:, 3:] = (torch.linspace(15, 35, 24)[None, None, None, :] + 5 * torch.arange(args.noise_planes)[None, :, None, None]) / 255
export(model, os.path.join(repo, "Plugins", "restore-denoise"), golden, half=True)
