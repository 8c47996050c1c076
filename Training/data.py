"""Photos for training and validation, and the degradations (Pillow BICUBIC downscaling,
Gaussian noise). Photos come from ../shared/data/fetch_training_photos.sh into the
git-ignored .cache/photos; every 12th file (sorted by path) is held out for validation.
"""
import glob
import os
import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".cache", "photos")


def photo_paths(root=ROOT):
    files = sorted(p for p in glob.glob(os.path.join(root, "**", "*"), recursive=True)
                   if p.lower().endswith((".jpg", ".jpeg", ".png")))
    if not files:
        raise SystemExit(f"no photos under {root}: run bash ../shared/data/fetch_training_photos.sh {root}")
    return files


def split(root=ROOT):
    files = photo_paths(root)
    val = files[::12]
    train = [f for f in files if f not in val]
    return train, val


def load_rgb(path, max_side=None):
    return fit(Image.open(path).convert("RGB"), max_side)


def fit(im, max_side):
    """The PIL image `im` brought down (bicubic) to a long side of `max_side` when it is larger."""
    if max_side and max(im.size) > max_side:  # keep memory and epoch time bounded
        s = max_side / max(im.size)
        im = im.resize((max(1, round(im.width * s)), max(1, round(im.height * s))), Image.BICUBIC)
    return im


def centre_crop(a, side):
    """The centre side×side crop of an (H, W, C) array."""
    h, w = a.shape[:2]
    return a[(h - side) // 2:(h - side) // 2 + side, (w - side) // 2:(w - side) // 2 + side]


def noisy_8bit(clean, sigma, seed):
    """`clean` (0..255 floats) plus Gaussian noise of `sigma` levels drawn with `seed`,
    rounded and clipped to 0..255 as an 8-bit noisy photo holds it (the evaluation protocol)."""
    return np.clip(np.round(clean + np.random.default_rng(seed).standard_normal(clean.shape) * sigma), 0, 255)


def denoise_photos(pack=None, max_side=1024):
    """The denoiser's data as uint8 (H, W, 3) arrays: training photos (long side ≤ max_side)
    and the 256² centre crops of the held-out photos (long side 768 first) it validates on —
    from .cache/photos, or from a file written by pack_photos.py (to carry to a GPU machine)."""
    if pack:
        z = np.load(pack)
        def part(prefix):
            keys = [k for k in z.files if k.startswith(prefix)]
            return [z[k] for k in sorted(keys, key=lambda k: int(k[len(prefix):]))]
        return part("train_"), part("val_")
    train, val = split()
    return ([np.asarray(load_rgb(p, max_side)) for p in train],
            [centre_crop(np.asarray(load_rgb(p, 768)), 256) for p in val])


def with_smaller_copies(photos, sides):
    """`photos` (uint8 (H, W, 3) arrays) plus, for each long side in `sides`, a bicubic copy of
    every photo larger than it: a scale augmentation (photos come at every scale, and a smaller
    copy holds more detail per pixel)."""
    out = list(photos)
    for side in sides:
        for a in photos:
            if max(a.shape[:2]) > side:
                out.append(np.asarray(fit(Image.fromarray(a), side)))
    return out


def random_crop(im, side, rng, vflip=True):
    """A random side×side crop of an (H, W, C) uint8 array, flipped left-right, (with `vflip`)
    upside down and transposed at random; None when the photo is smaller than `side`."""
    if im.shape[0] < side or im.shape[1] < side:
        return None
    y0, x0 = rng.randrange(im.shape[0] - side + 1), rng.randrange(im.shape[1] - side + 1)
    c = im[y0:y0 + side, x0:x0 + side]
    if rng.random() < 0.5: c = c[:, ::-1]
    if vflip and rng.random() < 0.5: c = c[::-1]
    if rng.random() < 0.5: c = c.transpose(1, 0, 2)
    return np.ascontiguousarray(c)


def crop_to_multiple(im, m):
    return im.crop((0, 0, im.width - im.width % m, im.height - im.height % m))


def bicubic_down(im, scale):
    """The standard SR protocol: Pillow BICUBIC to 1/scale."""
    return im.resize((im.width // scale, im.height // scale), Image.BICUBIC)


def to_array(im):
    return np.asarray(im, dtype=np.float32).transpose(2, 0, 1) / 255


def y_channel(rgb):
    """BT.601 luma of a 0..255 RGB array (H, W, 3), as in the SR literature."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255


def psnr(a, b, peak=255.0):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(peak * peak / mse)
