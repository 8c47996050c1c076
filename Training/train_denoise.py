"""Trains restore's own non-blind denoiser (DnCNN with a noise-level input plane, FFDNet-style:
one model for σ 0–75) on the training photos with additive white Gaussian noise, and exports
the weights for Plugins/restore-denoise/.

Run (CPU or GPU; resumable — rerun the same command to continue from the checkpoint):
  python3 Training/train_denoise.py --steps 4000
Writes .cache/train/denoise.pt, Plugins/restore-denoise/weights.safetensors and a golden pair
Plugins/restore-denoise/golden.{in,out}.f32 (4-channel input: RGB + σ/255 plane).
"""
import argparse
import os
import random
import sys
import time
import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import split, load_rgb, psnr  # noqa: E402
from restore_training.models import DnCNN  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--steps", type=int, default=4000)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--patch", type=int, default=64)
ap.add_argument("--features", type=int, default=32)
ap.add_argument("--depth", type=int, default=12)
ap.add_argument("--lr", type=float, default=1e-3)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--threads", type=int, default=os.cpu_count())
args = ap.parse_args()

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.set_num_threads(args.threads)
random.seed(args.seed); np.random.seed(args.seed); torch.manual_seed(args.seed)
device = "cuda" if torch.cuda.is_available() else "cpu"
train_files, val_files = split()
print(f"{len(train_files)} training photos, {len(val_files)} held out; device {device}", flush=True)
photos = [np.asarray(load_rgb(p, 1024)) for p in train_files]


def batch(rng):
    p = args.patch
    xs, ys = [], []
    while len(ys) < args.batch:
        im = photos[rng.randrange(len(photos))]
        if im.shape[0] < p or im.shape[1] < p:
            continue
        y0, x0 = rng.randrange(im.shape[0] - p + 1), rng.randrange(im.shape[1] - p + 1)
        c = im[y0:y0 + p, x0:x0 + p]
        if rng.random() < 0.5: c = c[:, ::-1]
        if rng.random() < 0.5: c = c.transpose(1, 0, 2)
        clean = np.ascontiguousarray(c).astype(np.float32).transpose(2, 0, 1) / 255
        sigma = rng.uniform(0, 75) / 255
        noisy = clean + np.random.default_rng(rng.randrange(1 << 30)).standard_normal(clean.shape).astype(np.float32) * sigma
        xs.append(np.concatenate([noisy, np.full((1, p, p), sigma, np.float32)])); ys.append(clean)
    return torch.from_numpy(np.stack(xs)).to(device), torch.from_numpy(np.stack(ys)).to(device)


model = DnCNN(features=args.features, depth=args.depth, noise_map=True).to(device)
opt = torch.optim.Adam(model.parameters(), lr=args.lr)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps, eta_min=args.lr / 50)
ckpt = os.path.join(repo, ".cache", "train", "denoise.pt")
os.makedirs(os.path.dirname(ckpt), exist_ok=True)
step = 0
if os.path.exists(ckpt):
    st = torch.load(ckpt, map_location=device)
    model.load_state_dict(st["model"]); opt.load_state_dict(st["opt"]); sched.load_state_dict(st["sched"]); step = st["step"]
    print(f"resumed at step {step}", flush=True)
rng = random.Random(args.seed * 1000 + step)


def validate():
    """RGB PSNR (8-bit, clipped noisy input) at σ 15/25/50 with fixed seeds, 256² centre crops."""
    model.eval()
    out = {}
    with torch.no_grad():
        for sigma in (15, 25, 50):
            scores = []
            for i, p in enumerate(val_files):
                im = np.asarray(load_rgb(p, 768)).astype(np.float64)
                h, w = im.shape[:2]
                im = im[(h - 256) // 2:(h - 256) // 2 + 256, (w - 256) // 2:(w - 256) // 2 + 256]
                noisy = np.clip(im + np.random.default_rng(1000 * sigma + i).standard_normal(im.shape) * sigma, 0, 255)
                x = torch.from_numpy(np.concatenate([noisy.transpose(2, 0, 1) / 255, np.full((1,) + noisy.shape[:2], sigma / 255)]).astype(np.float32))
                d = model(x[None].to(device)).clamp(0, 1)[0].cpu().numpy().transpose(1, 2, 0)
                scores.append(psnr(np.round(d * 255), im))
            out[sigma] = float(np.mean(scores))
    model.train()
    return out


t0 = time.time()
model.train()
while step < args.steps:
    x, y = batch(rng)
    loss = F.mse_loss(model(x), y)
    opt.zero_grad(); loss.backward(); opt.step(); sched.step(); step += 1
    if step % 100 == 0:
        print(f"step {step}/{args.steps} loss {loss.item():.6f} {time.time() - t0:.0f}s", flush=True)
    if step % 1000 == 0 or step == args.steps:
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step}, ckpt)
        print("validation PSNR (256² crops):", {k: round(v, 2) for k, v in validate().items()}, flush=True)

out = os.path.join(repo, "Plugins", "restore-denoise")
os.makedirs(out, exist_ok=True)
model = model.cpu().eval()
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(out, "weights.safetensors"))
g = torch.Generator().manual_seed(1)
x = torch.rand((1, 4, 24, 24), generator=g)
x[:, 3] = 25 / 255
with torch.no_grad():
    y = model(x)
x[0].numpy().astype("<f4").tofile(os.path.join(out, "golden.in.f32"))
y[0].numpy().astype("<f4").tofile(os.path.join(out, "golden.out.f32"))
print(f"exported {out}: {sum(p.numel() for p in model.parameters())} parameters", flush=True)
