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
