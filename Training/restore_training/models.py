"""Architectures restore runs natively (RestoreNN/Architectures mirrors them for .safetensors
weights; any of them also exports to ONNX). Parameter names are the state-dict keys the Swift
side reads.
"""
import torch
from torch import nn
import torch.nn.functional as F


class SRVGGNetCompact(nn.Module):
    """Real-ESRGAN's compact SR net: conv + PReLU, num_conv × (conv + PReLU), conv to
    3·scale² channels, pixel shuffle, plus the nearest-upsampled input.
    Keys: body.{2k}.weight/bias (convs), body.{2k+1}.weight (PReLU slopes)."""

    def __init__(self, num_in_ch=3, num_out_ch=3, num_feat=64, num_conv=16, upscale=4):
        super().__init__()
        self.upscale = upscale
        body = [nn.Conv2d(num_in_ch, num_feat, 3, 1, 1), nn.PReLU(num_parameters=num_feat)]
        for _ in range(num_conv):
            body += [nn.Conv2d(num_feat, num_feat, 3, 1, 1), nn.PReLU(num_parameters=num_feat)]
        body += [nn.Conv2d(num_feat, num_out_ch * upscale * upscale, 3, 1, 1)]
        self.body = nn.Sequential(*body)
        self.upsampler = nn.PixelShuffle(upscale)

    def forward(self, x):
        out = self.upsampler(self.body(x))
        return out + F.interpolate(x, scale_factor=self.upscale, mode="nearest")


class ESPCN(nn.Module):
    """Shi et al. 2016: 5×5 conv 64, 3×3 conv 32 (tanh in the paper; ReLU here), 3×3 conv to
    3·r², pixel shuffle."""

    def __init__(self, scale=2, channels=3):
        super().__init__()
        self.c1 = nn.Conv2d(channels, 64, 5, 1, 2)
        self.c2 = nn.Conv2d(64, 32, 3, 1, 1)
        self.c3 = nn.Conv2d(32, channels * scale * scale, 3, 1, 1)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        return self.shuffle(self.c3(F.relu(self.c2(F.relu(self.c1(x))))))


class DnCNN(nn.Module):
    """Zhang et al. 2017, residual denoiser; with `noise_map` the input gains a σ plane
    (FFDNet-style non-blind). Keys: body.{k}.weight/bias for the convs (ReLU between)."""

    def __init__(self, channels=3, features=64, depth=17, noise_map=False):
        super().__init__()
        self.noise_map = noise_map
        layers = [nn.Conv2d(channels + (1 if noise_map else 0), features, 3, 1, 1), nn.ReLU(inplace=True)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(features, features, 3, 1, 1), nn.ReLU(inplace=True)]
        layers += [nn.Conv2d(features, channels, 3, 1, 1)]
        self.body = nn.Sequential(*layers)
        self.channels = channels

    def forward(self, x):
        return x[:, : self.channels] - self.body(x)


class ResBlock(nn.Module):
    """conv 3×3 + ReLU + conv 3×3, added to the input. Keys: c1/c2.weight/bias."""

    def __init__(self, features):
        super().__init__()
        self.c1 = nn.Conv2d(features, features, 3, 1, 1)
        self.c2 = nn.Conv2d(features, features, 3, 1, 1)

    def forward(self, x):
        return x + self.c2(F.relu(self.c1(x)))


class UNet(nn.Module):
    """A compact DRUNet-style residual U-Net denoiser with noise-level input planes (one σ plane,
    or one per colour channel: a noise map).

    head conv 3×3 (channels + planes → f0); at each level i < L-1: `blocks[i]` ResBlocks, then a 2×2
    stride-2 convolution down to f(i+1); the bottom level: `blocks[L-1]` ResBlocks; going up: a
    2×2 stride-2 transposed convolution to f(i), added to the skip from the way down, then
    `blocks[i]` ResBlocks; tail conv 3×3 (f0 → channels) predicts the noise, subtracted from
    the input's colour channels. Input sides must be multiples of 2^(L-1).
    Keys: head, tail, down.{i}, up.{i} (.weight/.bias), enc.{i}.{j}.c{1,2}, dec.{i}.{j}.c{1,2},
    bottom.{j}.c{1,2}."""

    def __init__(self, channels=3, features=(32, 64, 128), blocks=(1, 1, 2), noise_map=True, planes=1):
        super().__init__()
        self.channels = channels
        L = len(features)
        self.head = nn.Conv2d(channels + (planes if noise_map else 0), features[0], 3, 1, 1)
        self.enc = nn.ModuleList(nn.Sequential(*[ResBlock(features[i]) for _ in range(blocks[i])]) for i in range(L - 1))
        self.down = nn.ModuleList(nn.Conv2d(features[i], features[i + 1], 2, 2) for i in range(L - 1))
        self.bottom = nn.Sequential(*[ResBlock(features[-1]) for _ in range(blocks[-1])])
        self.up = nn.ModuleList(nn.ConvTranspose2d(features[i + 1], features[i], 2, 2) for i in range(L - 1))
        self.dec = nn.ModuleList(nn.Sequential(*[ResBlock(features[i]) for _ in range(blocks[i])]) for i in range(L - 1))
        self.tail = nn.Conv2d(features[0], channels, 3, 1, 1)

    def forward(self, x):
        h = self.head(x)
        skips = []
        for enc, down in zip(self.enc, self.down):
            h = enc(h)
            skips.append(h)
            h = down(h)
        h = self.bottom(h)
        for i in reversed(range(len(self.up))):
            h = self.dec[i](self.up[i](h) + skips[i])
        return x[:, : self.channels] - self.tail(h)


class GradeLUT(nn.Module):
    """restore's colour-grading predictor (architecture `grade-lut`, SepLUT-style): a small
    CNN on a `thumb`² thumbnail (sRGB 0..1; 3 channels for `--auto`, 6 for `--match`: the
    image then the reference) predicts one global grade, a per-channel 1D curve of
    `curve_points` nodes followed by a `size`³ 3D LUT that is the identity plus a weighted sum
    of `bases` learned residual LUTs. The result is exactly one LUT (what --export-lut writes).
    Keys: body.{i}.weight/bias (3×3 stride-2 convolutions, LeakyReLU 0.1), fc1, fc2 (linear;
    fc2's outputs are 3·curve_points curve offsets, then the basis weights) and `bases`
    (bases, 3, size, size, size), indexed [k][channel][blue][green][red].
    With `pointwise` the body's convolutions are 1×1 with stride 1 (weights' metadata
    `body: pointwise`): the prediction is then a function of the thumbnail's colours alone, not
    of where they are (it cannot recognise a scene, only a colour distribution)."""

    def __init__(self, in_ch=3, features=(16, 32, 64, 128, 128), hidden=128, curve_points=33, bases=8, size=17, pointwise=False):
        super().__init__()
        layers, c = [], in_ch
        for f in features:
            layers += [nn.Conv2d(c, f, 1) if pointwise else nn.Conv2d(c, f, 3, 2, 1), nn.LeakyReLU(0.1)]
            c = f
        self.body = nn.Sequential(*layers)
        self.fc1 = nn.Linear(c, hidden)
        self.fc2 = nn.Linear(hidden, 3 * curve_points + bases)
        # He initialisation keeps the features' spread through the stack (PyTorch's default
        # shrinks it by about √3 a layer, and the prediction then hardly depends on the image).
        for m in list(self.body) + [self.fc1]:
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, a=0.1, nonlinearity="leaky_relu"); nn.init.zeros_(m.bias)
        nn.init.zeros_(self.fc2.weight); nn.init.zeros_(self.fc2.bias)
        self.bases = nn.Parameter(torch.randn(bases, 3, size, size, size) * 1e-3)
        self.curve_points, self.size = curve_points, size

    @classmethod
    def from_state(cls, state):
        """The predictor a state dict describes (its widths, kernels, curves and bases), loaded."""
        convs = [state[f"body.{2 * i}.weight"] for i in range(len(state)) if f"body.{2 * i}.weight" in state]
        k, _, size = state["bases"].shape[:3]
        net = cls(convs[0].shape[1], tuple(w.shape[0] for w in convs), state["fc1.weight"].shape[0],
                  (state["fc2.bias"].shape[0] - k) // 3, k, size, pointwise=convs[0].shape[2] == 1)
        net.load_state_dict(state)
        return net

    def forward(self, thumb):
        """(curves (N, 3, curve_points), lut (N, 3, size, size, size)) for thumbnails (N, C, T, T)."""
        n = thumb.shape[0]
        v = self.body(thumb).mean(dim=(2, 3))
        v = self.fc2(F.leaky_relu(self.fc1(v), 0.1))
        p, s = self.curve_points, self.size
        ramp = torch.linspace(0, 1, p, device=thumb.device)
        curves = ramp.expand(n, 3, p) + v[:, :3 * p].view(n, 3, p)
        lut = identity_lut(s, thumb.device) + torch.einsum("nk,kcdhw->ncdhw", v[:, 3 * p:], self.bases)
        return curves, lut


def identity_lut(size, device=None):
    """The identity 3D LUT (3, size, size, size), indexed [channel][blue][green][red]."""
    grid = torch.linspace(0, 1, size, device=device)
    b, g, r = torch.meshgrid(grid, grid, grid, indexing="ij")
    return torch.stack([r, g, b])


def apply_curves(x, curves):
    """Per-channel 1D LUTs (N, 3, P) applied to x (N, 3, H, W) with linear interpolation,
    inputs clamped to 0..1 (as restore's LUT1D step)."""
    p = curves.shape[2]
    t = x.clamp(0, 1) * (p - 1)
    i0 = t.floor().clamp(max=p - 2).long()
    f = t - i0
    n, c, h, w = x.shape
    lo = torch.gather(curves, 2, i0.view(n, c, -1)).view(n, c, h, w)
    hi = torch.gather(curves, 2, (i0 + 1).view(n, c, -1)).view(n, c, h, w)
    return lo + (hi - lo) * f


def apply_lut3d(x, lut):
    """A 3D LUT (N, 3, S, S, S) indexed [channel][blue][green][red] applied to x (N, 3, H, W)
    with trilinear interpolation, inputs clamped to 0..1."""
    g = x.clamp(0, 1).permute(0, 2, 3, 1).unsqueeze(1) * 2 - 1  # (N, 1, H, W, 3) as (r, g, b) = (x, y, z)
    return F.grid_sample(lut, g, mode="bilinear", padding_mode="border", align_corners=True).squeeze(2)


def apply_grade(x, curves, lut):
    """The curves, then the 3D LUT."""
    return apply_lut3d(apply_curves(x, curves), lut)


LEVELS_MIN_RANGE = 0.1


def levels(x):
    """The per-channel levels stretch of images x (N, 3, H, W), sRGB 0..1, that `--levels`
    grades start with: (lo, gain), each (N, 3, 1, 1), mapping a channel's minimum to 0 and its
    maximum to 1 as (x − lo) · gain, the gain at most 1 / LEVELS_MIN_RANGE (a nearly flat
    channel is not blown up). restore's `GradeLevels` measures the same."""
    f = x.flatten(2)
    lo, hi = f.min(dim=2).values, f.max(dim=2).values
    gain = 1 / (hi - lo).clamp(min=LEVELS_MIN_RANGE)
    return lo[..., None, None], gain[..., None, None]


def apply_levels(x, lo, gain):
    """x (N, 3, H, W) under the stretch `levels` measured: (x − lo) · gain, clamped to 0..1."""
    return ((x - lo) * gain).clamp(0, 1)


def mkl_transfer(x, ref, eps=1e-5):
    """Pitié's Monge–Kantorovich linear colour transfer (MKL), batched: the affine map taking
    the mean and covariance of each image of x (N, 3, H, W) to those of ref (N, 3, H', W'),
    applied to x; values as given (sRGB 0..1), no clamping. With A, B the two covariances,
    T = A^-1/2 (A^1/2 B A^1/2)^1/2 A^-1/2; A's eigenvalues are floored at eps before the
    inverse, the inner matrix's negative ones at 0 (as restore's ColorTransfer)."""
    def stats(t):
        v = t.flatten(2)
        mu = v.mean(2, keepdim=True)
        d = v - mu
        return mu, d @ d.transpose(1, 2) / max(v.shape[2] - 1, 1)

    def sqrtm(m, floor):
        e, u = torch.linalg.eigh(m)
        return u @ torch.diag_embed(e.clamp(min=floor).sqrt()) @ u.transpose(1, 2), e, u

    with torch.no_grad():
        mu_x, a = stats(x.double())
        mu_r, b = stats(ref.double())
        ah, e, u = sqrtm(a, eps)
        aih = u @ torch.diag_embed(1 / e.clamp(min=eps).sqrt()) @ u.transpose(1, 2)
        t = aih @ sqrtm(ah @ b @ ah, 0.0)[0] @ aih
        n, c, h, w = x.shape
        y = t @ (x.double().flatten(2) - mu_x) + mu_r
    return y.view(n, c, h, w).to(x.dtype)


def load_grade(path):
    """The grading predictor in restore's `path` (.safetensors), in eval mode, with its
    metadata: (net, thumbnail side, whether its grade starts with the levels stretch, its
    transfer_blend)."""
    from safetensors import safe_open
    from safetensors.torch import load_file
    meta = safe_open(path, "pt").metadata() or {}
    net = GradeLUT.from_state({k: v.float() for k, v in load_file(path).items()}).eval()
    return net, int(meta.get("thumbnail", "64")), "levels" in meta, float(meta.get("transfer_blend", "0"))


def auto_grade(net, x, thumb, stretch):
    """What `restore grade --auto` does with the restoring predictor `net` to x (1, 3, H, W),
    sRGB 0..1: with `stretch` (the weights' `levels: minmax`) the levels stretch first, the
    network seeing the stretched `thumb`² thumbnail (and, with 6 input channels, the raw one
    after it); the curves and LUT then apply to the (stretched) image."""
    raw = F.adaptive_avg_pool2d(x, thumb)
    if not stretch:
        return apply_grade(x, *net(raw))
    lo, gain = levels(x)
    t = apply_levels(raw, lo, gain)
    return apply_grade(apply_levels(x, lo, gain), *net(t if net.body[0].in_channels == 3 else torch.cat([t, raw], 1)))
