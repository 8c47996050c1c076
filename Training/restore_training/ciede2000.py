"""Differentiable CIE Lab and CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), for
training losses; the evaluation uses scikit-image's (Benchmarks/grade.py). Agrees with
skimage.color.deltaE_ciede2000 within 0.003 (run this file to check); the small eps terms
keep the gradient finite at zero chroma and zero difference."""
import math, torch
def srgb_to_lab(x):
    """x (N, 3, H, W) sRGB 0..1 → CIE Lab (D65 white, as scikit-image)."""
    x = x.clamp(0, 1)
    lin = torch.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055).clamp(min=1e-8) ** 2.4)
    m = torch.tensor([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750], [0.0193339, 0.1191920, 0.9503041]],
                     dtype=x.dtype, device=x.device)
    xyz = torch.einsum("ij,njhw->nihw", m, lin) / torch.tensor([0.95047, 1.0, 1.08883], dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    e = 216 / 24389; k = 24389 / 27
    f = torch.where(xyz > e, xyz.clamp(min=1e-8) ** (1 / 3), (k * xyz + 16) / 116)
    return torch.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], 1)
def ciede2000(lab1, lab2, eps=1e-6):
    """ΔE00 per pixel (N, H, W) between two Lab images (N, 3, H, W)."""
    L1, a1, b1 = lab1.unbind(1); L2, a2, b2 = lab2.unbind(1)
    C1 = (a1 ** 2 + b1 ** 2 + eps).sqrt(); C2 = (a2 ** 2 + b2 ** 2 + eps).sqrt()
    Cb = (C1 + C2) / 2
    G = 0.5 * (1 - (Cb ** 7 / (Cb ** 7 + 25.0 ** 7)).sqrt())
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p = (a1p ** 2 + b1 ** 2 + eps).sqrt(); C2p = (a2p ** 2 + b2 ** 2 + eps).sqrt()
    h1 = torch.atan2(b1, a1p + eps * (a1p == 0)) % (2 * math.pi); h2 = torch.atan2(b2, a2p + eps * (a2p == 0)) % (2 * math.pi)
    dL = L2 - L1; dC = C2p - C1p
    dh = h2 - h1
    dh = torch.where(dh > math.pi, dh - 2 * math.pi, torch.where(dh < -math.pi, dh + 2 * math.pi, dh))
    dH = 2 * (C1p * C2p).sqrt() * torch.sin(dh / 2)
    Lb = (L1 + L2) / 2; Cbp = (C1p + C2p) / 2
    hs = h1 + h2
    hb = torch.where((h1 - h2).abs() > math.pi, torch.where(hs < 2 * math.pi, hs + 2 * math.pi, hs - 2 * math.pi), hs) / 2
    T = 1 - 0.17 * torch.cos(hb - math.pi / 6) + 0.24 * torch.cos(2 * hb) + 0.32 * torch.cos(3 * hb + math.pi / 30) - 0.20 * torch.cos(4 * hb - 63 * math.pi / 180)
    dtheta = (30 * math.pi / 180) * torch.exp(-(((hb * 180 / math.pi) - 275) / 25) ** 2)
    Rc = 2 * (Cbp ** 7 / (Cbp ** 7 + 25.0 ** 7)).sqrt()
    Sl = 1 + 0.015 * (Lb - 50) ** 2 / (20 + (Lb - 50) ** 2).sqrt(); Sc = 1 + 0.045 * Cbp; Sh = 1 + 0.015 * Cbp * T
    Rt = -torch.sin(2 * dtheta) * Rc
    return ((dL / Sl) ** 2 + (dC / Sc) ** 2 + (dH / Sh) ** 2 + Rt * (dC / Sc) * (dH / Sh) + eps).sqrt()
if __name__ == "__main__":
    import numpy as np
    from skimage.color import rgb2lab, deltaE_ciede2000
    rng = np.random.default_rng(0)
    a = rng.random((1, 3, 40, 40)); b = np.clip(a + rng.normal(0, 0.05, a.shape), 0, 1)
    a[0, :, :5] = 0.5; b[0, :, :5] = 0.52  # greys
    ta, tb = torch.from_numpy(a).requires_grad_(), torch.from_numpy(b)
    ours = ciede2000(srgb_to_lab(ta), srgb_to_lab(tb))
    ref = deltaE_ciede2000(rgb2lab(a[0].transpose(1, 2, 0)), rgb2lab(b[0].transpose(1, 2, 0)))
    print(abs(ours[0].detach().numpy() - ref).max(), ref.mean())
    ours.mean().backward(); print(torch.isfinite(ta.grad).all())
