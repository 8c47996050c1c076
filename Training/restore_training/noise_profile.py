"""The noise profile restore estimates for `--sigma auto`, and the noise map built from it:
the exact algorithm of Sources/Restore/Pipeline/NoiseProfile.swift (a golden test keeps the
two equal), so the denoiser trains on the maps it will be given.

Profile: for each colour channel, σ (8-bit levels) in BINS brightness bins, from the
lower envelope of local estimates (flat regions show the noise; texture only adds to it).
Each interior pixel's noise response is Immerkær's Laplacian-like mask on its channel
(deviation 6σ for white noise of σ); masks touching a clipped value (≤ 0 or ≥ 1) are left
out. The interior is cut into BLOCK×BLOCK blocks of masks (partial blocks at the right and
bottom are dropped; above MAX_BLOCKS blocks, every `step`-th block in row-major order). A
block's σ in a channel is its median unclipped response / (0.6745 · 6) · 255, when at least
half its masks are unclipped; its brightness is the mean over its masks' centres of the
pixel brightness (the mean of the colour values, 0…1), and its bin is ⌊brightness · BINS⌋.
A bin's σ is the lower quartile (the element at count/4 of the sorted values) of its blocks'
σ when it holds at least MIN_BLOCKS; other bins take the linear interpolation of their valid
neighbours (the nearest one past the ends); a channel with no valid bin takes the lower
quartile of all its blocks, and with no block at all (images under BLOCK + 2 pixels, or
clipped everywhere) the median of all its responses, clipped ones included (0 when none).
The channel's overall level, which the skip decision reads, is the lower quartile of all
its blocks (or the same fallbacks).

Map: channel c at a pixel of brightness t is the profile of c interpolated linearly between
bin centres (constant past the first and last centre), / 255 (the network's noise planes).
"""
import numpy as np

BINS = 8
BLOCK = 16
MIN_BLOCKS = 4
MAX_BLOCKS = 4096


def _sigma(median_response):
    return float(median_response) * 255 / (0.6745 * 6)


def profile(x):
    """x (C, H, W) float32 0…1 → ((C, BINS) σ, (C,) overall level), 8-bit levels."""
    x = np.asarray(x, np.float32)
    C, H, W = x.shape
    prof, level = np.zeros((C, BINS)), np.zeros(C)
    if H < 3 or W < 3:
        return prof, level
    s = lambda dy, dx: x[:, 1 + dy:H - 1 + dy, 1 + dx:W - 1 + dx]  # noqa: E731
    r = np.abs(s(-1, -1) - 2 * s(-1, 0) + s(-1, 1) - 2 * s(0, -1) + 4 * s(0, 0) - 2 * s(0, 1)
               + s(1, -1) - 2 * s(1, 0) + s(1, 1))
    win = np.stack([s(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    clipped = (win.min(axis=0) <= 0) | (win.max(axis=0) >= 1)
    total = (x[:, 1:H - 1, 1:W - 1].astype(np.float64).sum(axis=0) if C == 3
             else x[0, 1:H - 1, 1:W - 1].astype(np.float64) * 3)
    bh, bw = (H - 2) // BLOCK, (W - 2) // BLOCK
    n = bh * bw
    step = max(1, n // MAX_BLOCKS)
    picked = np.arange(step - 1, n, step) if n else np.zeros(0, np.int64)
    blocks = [[] for _ in range(C)]  # (σ, bin) per channel
    for b in picked:
        y0, x0 = (b // bw) * BLOCK, (b % bw) * BLOCK
        cell = (slice(y0, y0 + BLOCK), slice(x0, x0 + BLOCK))
        k = min(int(total[cell].sum() * BINS / (3 * BLOCK * BLOCK)), BINS - 1)
        for ch in range(C):
            v = r[ch][cell][~clipped[ch][cell]]
            if 2 * len(v) >= BLOCK * BLOCK:
                blocks[ch].append((_sigma(np.sort(v)[len(v) // 2]), k))
    for ch in range(C):
        if not blocks[ch]:
            v = np.sort(r[ch].reshape(-1))
            prof[ch] = level[ch] = _sigma(v[len(v) // 2]) if len(v) else 0
            continue
        quartile = lambda vals: sorted(vals)[len(vals) // 4]  # noqa: E731
        level[ch] = quartile([sg for sg, _ in blocks[ch]])
        valid = {}
        for k in range(BINS):
            vals = [sg for sg, kk in blocks[ch] if kk == k]
            if len(vals) >= MIN_BLOCKS:
                valid[k] = quartile(vals)
        if not valid:
            prof[ch] = level[ch]
            continue
        ks = sorted(valid)
        for k in range(BINS):
            lo = max((j for j in ks if j <= k), default=None)
            hi = min((j for j in ks if j >= k), default=None)
            if lo is None or hi is None or lo == hi:
                prof[ch, k] = valid[lo if hi is None else hi if lo is None else lo]
            else:
                prof[ch, k] = valid[lo] + (valid[hi] - valid[lo]) * (k - lo) / (hi - lo)
    return prof, level


def noise_map(x, prof, strength=1.0):
    """The (C, H, W) float32 noise planes for image x (C, H, W, 0…1) from `prof` (C, BINS)."""
    x = np.asarray(x, np.float32)
    t = np.clip(x.mean(axis=0) if x.shape[0] == 3 else x[0], 0, 1)
    u = np.clip(t * BINS - 0.5, 0, BINS - 1)
    i0 = np.minimum(np.floor(u).astype(np.int64), BINS - 2)
    f = (u - i0).astype(np.float32)
    p = np.asarray(prof, np.float32)
    return np.stack([(p[c][i0] * (1 - f) + p[c][i0 + 1] * f) * (strength / 255) for c in range(p.shape[0])]).astype(np.float32)
