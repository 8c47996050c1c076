"""Random global grades: the damage `train_grade.py` teaches the grading network to undo
(`--auto`) or to transfer (`--match`), and the held-out benchmark applies
(Benchmarks/grade.py). Each grade is a parameter dict drawn by `draw` and applied by `apply`
to an sRGB image (3, H, W) in 0..1, so the same grade can be replayed on another image.

Every step works in the encoding it belongs to. In linear light (sRGB primaries, D65):
exposure (±1.5 EV), a white-balance error (Bradford adaptation from D65 to a daylight or
Planckian illuminant of 2800–12000 K plus a tint), saturation (0.4–1.6 about luminance) and
the fading of one dye layer (its density scaled by 0.5–0.9, as old prints fade). Then sRGB,
clipped to 0..1, and in sRGB: a gamma (0.7–1.4), an S-curve contrast change (−0.6…0.6), a
fade (lifted blacks up to 0.15, lowered whites down to 0.85, slightly per channel), split
toning (shadow and highlight tints up to ±0.06) and a random smooth 3D LUT perturbation (a
4³ lattice of offsets with σ 0.025, trilinear). A share of the draws (`clean`) is no grade at all.
Results are rounded to 8 bits (the photos are 8-bit).
"""
import math
import random
import torch
import torch.nn.functional as F

SRGB_TO_XYZ = torch.tensor([[0.4124564, 0.3575761, 0.1804375],
                            [0.2126729, 0.7151522, 0.0721750],
                            [0.0193339, 0.1191920, 0.9503041]])
BRADFORD = torch.tensor([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])
D65 = (0.31271, 0.32902)


def to_linear(x):
    return torch.where(x <= 0.04045, x / 12.92, ((x.clamp(min=0) + 0.055) / 1.055) ** 2.4)


def to_srgb(x):
    x = x.clamp(min=0)
    return torch.where(x <= 0.0031308, x * 12.92, 1.055 * x.clamp(min=1e-12) ** (1 / 2.4) - 0.055)


def illuminant_xy(cct):
    """CIE daylight locus above 4000 K, Kim et al.'s Planckian approximation below."""
    t = cct
    if t >= 4000:
        x = -4.6070e9 / t**3 + 2.9678e6 / t**2 + 0.09911e3 / t + 0.244063 if t <= 7000 else \
            -2.0064e9 / t**3 + 1.9018e6 / t**2 + 0.24748e3 / t + 0.237040
        y = -3.000 * x * x + 2.870 * x - 0.275
    else:
        x = -0.2661239e9 / t**3 - 0.2343589e6 / t**2 + 0.8776956e3 / t + 0.179910
        y = -1.1063814 * x**3 - 1.34811020 * x**2 + 2.18555832 * x - 0.20219683
    return x, y


def adaptation(src_xy, dst_xy):
    """The linear-sRGB 3×3 matrix of a Bradford adaptation from white src_xy to dst_xy."""
    def xyz(xy):
        return torch.tensor([xy[0] / xy[1], 1.0, (1 - xy[0] - xy[1]) / xy[1]])
    gain = (BRADFORD @ xyz(dst_xy)) / (BRADFORD @ xyz(src_xy))
    m = torch.linalg.inv(BRADFORD) @ torch.diag(gain) @ BRADFORD
    return torch.linalg.inv(SRGB_TO_XYZ) @ m @ SRGB_TO_XYZ


def draw(rng: random.Random, clean=0.1, strength=1.0):
    """A random grade (a dict; empty for no grade). `strength` scales every amount (the match
    trainer's milder source grades)."""
    if rng.random() < clean:
        return {}
    s, g = strength, {}
    if rng.random() < 0.6:
        g["ev"] = rng.uniform(-1.5, 1.5) * s
    if rng.random() < 0.6:
        cct = math.exp(rng.uniform(math.log(2800), math.log(12000)))
        x, y = illuminant_xy(cct)
        y += rng.uniform(-0.012, 0.012)
        g["wb"] = (D65[0] + (x - D65[0]) * s, D65[1] + (y - D65[1]) * s)
    if rng.random() < 0.5:
        g["sat"] = 1 + rng.uniform(-0.6, 0.6) * s
    if rng.random() < 0.25:
        g["dye"] = (rng.randrange(3), 1 - rng.uniform(0.1, 0.5) * s)
    if rng.random() < 0.6:
        g["gamma"] = math.exp(rng.uniform(-0.35, 0.35) * s)
    if rng.random() < 0.5:
        g["contrast"] = rng.uniform(-0.6, 0.6) * s
    if rng.random() < 0.4:
        lo, hi = rng.uniform(0, 0.15) * s, 1 - rng.uniform(0, 0.15) * s
        g["fade"] = [(lo + rng.uniform(-0.02, 0.02) * s, hi + rng.uniform(-0.02, 0.02) * s) for _ in range(3)]
    if rng.random() < 0.3:
        g["split"] = ([rng.uniform(-0.06, 0.06) * s for _ in range(3)], [rng.uniform(-0.06, 0.06) * s for _ in range(3)])
    if rng.random() < 0.3:
        gen = torch.Generator().manual_seed(rng.randrange(1 << 30))
        g["lut"] = torch.randn(3, 4, 4, 4, generator=gen) * 0.025 * s
    return g


def apply(x, g):
    """The grade `g` applied to x (3, H, W), sRGB 0..1; returns sRGB 0..1 rounded to 8 bits."""
    if not g:
        return x
    lin = to_linear(x)
    if "ev" in g:
        lin = lin * 2 ** g["ev"]
    if "wb" in g:
        lin = torch.einsum("ij,jhw->ihw", adaptation(D65, g["wb"]), lin)
    if "sat" in g:
        y = torch.einsum("j,jhw->hw", SRGB_TO_XYZ[1], lin)
        lin = y + g["sat"] * (lin - y)
    if "dye" in g:
        c, k = g["dye"]
        lin = lin.clone()
        lin[c] = lin[c].clamp(1e-4, 1) ** k
    y = to_srgb(lin).clamp(0, 1)
    if "gamma" in g:
        y = y ** g["gamma"]
    if "contrast" in g:
        y = y + g["contrast"] * (y * y * (3 - 2 * y) - y)
    if "fade" in g:
        lo = torch.tensor([f[0] for f in g["fade"]]).view(3, 1, 1)
        hi = torch.tensor([f[1] for f in g["fade"]]).view(3, 1, 1)
        y = lo + (hi - lo) * y
    if "split" in g:
        sh, hl = (torch.tensor(v).view(3, 1, 1) for v in g["split"])
        y = y + sh * (1 - y) ** 2 + hl * y * y
    if "lut" in g:
        grid = y.clamp(0, 1).permute(1, 2, 0).unsqueeze(0).unsqueeze(0) * 2 - 1
        y = y + F.grid_sample(g["lut"].unsqueeze(0), grid, mode="bilinear", padding_mode="border", align_corners=True)[0, :, 0]
    return (y.clamp(0, 1) * 255).round() / 255


def describe(g):
    return ", ".join(k for k in g) or "none"
