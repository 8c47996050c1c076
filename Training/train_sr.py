"""Trains restore's own PSNR-oriented super-resolution (SRVGGNetCompact, L1 loss) on the
training photos, bicubic-degraded (Pillow BICUBIC, the standard protocol), and exports the
weights for Plugins/restore-sr-x<scale>/.

Run (CPU or GPU; resumable — rerun the same command to continue from the checkpoint):
  bash ../shared/data/fetch_training_photos.sh .cache/photos
  python3 Training/train_sr.py --scale 2 --steps 6000
Writes .cache/train/sr-x<scale>.pt (checkpoint), Plugins/restore-sr-x<scale>/weights.safetensors
and a golden pair Plugins/restore-sr-x<scale>/golden.{in,out}.f32 (CHW float32) with which a
Swift test checks that restore reproduces PyTorch.
"""
import argparse
import os
import sys
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import split, load_rgb, random_crop, bicubic_down, crop_to_multiple, to_array, y_channel, psnr  # noqa: E402
from restore_training.models import SRVGGNetCompact  # noqa: E402
from restore_training.loop import train, export  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--scale", type=int, default=2)
ap.add_argument("--steps", type=int, default=6000)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--patch", type=int, default=48, help="LR patch size")
ap.add_argument("--features", type=int, default=32)
ap.add_argument("--convs", type=int, default=8)
ap.add_argument("--lr", type=float, default=1e-3)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--threads", type=int, default=os.cpu_count())
args = ap.parse_args()

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)
device = "cuda" if torch.cuda.is_available() else "cpu"
s = args.scale
train_files, val_files = split()
print(f"{len(train_files)} training photos, {len(val_files)} held out; device {device}", flush=True)

# HR photos kept in memory as uint8 (long side ≤ 1024, so an epoch sees varied scales).
hr = [np.asarray(crop_to_multiple(load_rgb(p, 1024), s)) for p in train_files]


def batch(rng):
    """Random HR crops, flips and transposes; LR by Pillow BICUBIC of each crop."""
    from PIL import Image
    hs = args.patch * s
    xs, ys = [], []
    for _ in range(args.batch):
        c = random_crop(hr[rng.randrange(len(hr))], hs, rng)
        if c is None:
            continue
        c = Image.fromarray(c)
        xs.append(to_array(bicubic_down(c, s))); ys.append(to_array(c))
    return torch.from_numpy(np.stack(xs)).to(device), torch.from_numpy(np.stack(ys)).to(device)


model = SRVGGNetCompact(num_feat=args.features, num_conv=args.convs, upscale=s).to(device)


def validate():
    """Y-PSNR (scale pixels shaved) of the model and of bicubic on the held-out photos (the
    loop calls it in eval mode without gradients)."""
    from PIL import Image
    ours, bic = [], []
    for p in val_files:
        h = crop_to_multiple(load_rgb(p, 768), s)
        l = bicubic_down(h, s)
        out = model(torch.from_numpy(to_array(l))[None].to(device)).clamp(0, 1)[0].cpu().numpy()
        out = np.round(out.transpose(1, 2, 0) * 255)
        ref = np.asarray(h, dtype=np.float64)
        up = np.asarray(l.resize(h.size, Image.BICUBIC), dtype=np.float64)
        cut = (slice(s, -s), slice(s, -s))
        ours.append(psnr(y_channel(out)[cut], y_channel(ref)[cut])); bic.append(psnr(y_channel(up)[cut], y_channel(ref)[cut]))
    o, b = float(np.mean(ours)), float(np.mean(bic))
    return f"Y-PSNR model {o:.2f} dB, bicubic {b:.2f} dB (+{o - b:.2f})"


train(model, batch, validate, F.l1_loss, steps=args.steps, lr=args.lr, seed=args.seed,
      checkpoint=os.path.join(repo, ".cache", "train", f"sr-x{s}.pt"), device=device)
export(model, os.path.join(repo, "Plugins", f"restore-sr-x{s}"), torch.rand((1, 3, 24, 24), generator=torch.Generator().manual_seed(1)))
