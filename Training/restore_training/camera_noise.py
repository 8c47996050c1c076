"""Realistic camera noise for evaluation (and, next, training) of the denoiser: Brooks et al.
2019, "Unprocessing Images for Learned Raw Denoising", without the tone curve and colour
matrix steps. An 8-bit sRGB photo is taken back to linear light (inverse sRGB). It then goes
to a raw-like signal by dividing out white-balance gains: red 1.9–2.4, blue 1.5–1.9, as in
the paper. Next come an RGGB Bayer mosaic and signal-dependent noise: a Gaussian of variance
shot·x + read, with the paper's log-linear link between shot and read noise. Last come a
bilinear demosaic, the gains reapplied, sRGB, 8 bits and optionally JPEG. The noise is
therefore correlated between neighbours and channels, brighter where the signal is, and
stronger in red and blue (their gains amplify it).

Levels (shot noise λ; read = exp(2.18·ln λ + 1.20)):
  low  λ = 0.0012  (ISO-800-like on a small sensor; read ≈ 1.4e-6)
  high λ = 0.008   (ISO-6400-like; read ≈ 8.9e-5)
"""
import io
import numpy as np
from PIL import Image
from scipy.ndimage import convolve

LEVELS = {"low": 0.0012, "high": 0.008}


def _to_linear(x):
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def _to_srgb(x):
    x = np.clip(x, 0, 1)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * x ** (1 / 2.4) - 0.055)


def _sensor(raw, shot, read, rng):
    """Linear raw RGB (H, W, 3) → an RGGB mosaic with noise of variance shot·x + read (clipped
    to 0…1), bilinearly demosaiced: each channel's samples spread by the usual kernels."""
    h, w, _ = raw.shape
    mask = np.zeros((h, w, 3), bool)
    mask[0::2, 0::2, 0] = True
    mask[0::2, 1::2, 1] = mask[1::2, 0::2, 1] = True
    mask[1::2, 1::2, 2] = True
    mosaic = (raw * mask).sum(axis=2)
    mosaic = np.clip(mosaic + rng.standard_normal(mosaic.shape) * np.sqrt(np.clip(mosaic, 0, None) * shot + read), 0, 1)
    k_rb = np.array([[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]])
    k_g = np.array([[0, 0.25, 0], [0.25, 1, 0.25], [0, 0.25, 0]])
    return np.stack([convolve(mosaic * mask[..., c], k_g if c == 1 else k_rb, mode="mirror") for c in range(3)], axis=2)


def camera_noise(clean, level, seed, jpeg=None):
    """`clean` (H, W, 3) uint8 sRGB → a noisy uint8 sRGB photo through the camera pipeline
    above; `level` "low"/"high" (or a shot-noise λ), `jpeg` a quality or None."""
    rng = np.random.default_rng(seed)
    shot = LEVELS.get(level, level)
    read = np.exp(2.18 * np.log(shot) + 1.20)
    gains = np.array([rng.uniform(1.9, 2.4), 1.0, rng.uniform(1.5, 1.9)])
    out = _sensor(_to_linear(clean / 255.0) / gains, shot, read, rng)
    srgb = np.round(_to_srgb(out * gains) * 255).astype(np.uint8)
    if jpeg:
        buf = io.BytesIO()
        Image.fromarray(srgb).save(buf, format="JPEG", quality=jpeg)
        srgb = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return srgb


def random_camera_noise(clean, rng):
    """Training noise: `clean` (H, W, 3) uint8 sRGB → noisy uint8 through the pipeline above
    with its parameters drawn from `rng` (a numpy Generator), wider than the evaluation's:
    shot noise λ log-uniform in [1e-4, 2e-2] (read noise by the same link, times a factor
    log-uniform in [0.5, 2]); white-balance gains as above; with probability 0.5 a colour
    matrix M = (1 + 3a)·I − a·J (J all ones; a uniform in [0, 0.25]), M⁻¹ applied before the
    mosaic and M after the demosaic, as a camera's colour correction does, which turns
    per-photosite noise into chroma noise; with probability 0.5, JPEG at a quality uniform in
    [60, 95]."""
    shot = float(np.exp(rng.uniform(np.log(1e-4), np.log(2e-2))))
    read = float(np.exp(2.18 * np.log(shot) + 1.20) * np.exp(rng.uniform(np.log(0.5), np.log(2))))
    gains = np.array([rng.uniform(1.9, 2.4), 1.0, rng.uniform(1.5, 1.9)])
    a = rng.uniform(0, 0.25) if rng.random() < 0.5 else 0.0
    m = (1 + 3 * a) * np.eye(3) - a * np.ones((3, 3))  # rows sum to 1: grey stays grey
    lin = _to_linear(clean / 255.0)
    out = _sensor(np.clip(lin @ np.linalg.inv(m).T, 0, None) / gains, shot, read, rng)
    srgb = np.round(_to_srgb((out * gains) @ m.T) * 255).astype(np.uint8)
    if rng.random() < 0.5:
        buf = io.BytesIO()
        Image.fromarray(srgb).save(buf, format="JPEG", quality=int(rng.integers(60, 96)))
        srgb = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    return srgb
