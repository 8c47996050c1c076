"""The peer's whole job, as the official ncnn runtime (PyPI `ncnn`, CPU) does it: decode the
image (Pillow), normalise to 0..1, pad (waifu2x: its border, edge pixels repeated), run the
network on the whole image, clip, quantise, encode PNG (Pillow).

Usage: python3 Benchmarks/ncnn_job.py MODEL.param IN OUT [THREADS] [PAD]
"""
import sys
import numpy as np
import ncnn
from PIL import Image

param, src, dst = sys.argv[1:4]
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
pad = int(sys.argv[5]) if len(sys.argv) > 5 else 0
img = np.asarray(Image.open(src).convert("RGB"), dtype=np.float32).transpose(2, 0, 1) / 255
h, w = img.shape[1:]
if pad:
    img = np.pad(img, ((0, 0), (pad, pad), (pad, pad)), mode="edge")
    if "cunet" in param:   # its U-Net wants sizes that are multiples of 4 (cropped off below)
        extra = (-img.shape[1]) % 4, (-img.shape[2]) % 4
        img = np.pad(img, ((0, 0), (0, extra[0]), (0, extra[1])), mode="edge")
net = ncnn.Net()
net.opt.use_vulkan_compute = False
net.opt.num_threads = threads
net.load_param(param)
net.load_model(param[:-6] + ".bin")
ex = net.create_extractor()
names = net.input_names(), net.output_names()
img = np.ascontiguousarray(img)   # ncnn.Mat wraps this memory: keep it alive
ex.input(names[0][0], ncnn.Mat(img))
ret, out = ex.extract(names[1][0])
assert ret == 0
out = np.array(out)
scale = round(out.shape[1] / (img.shape[1] - 2 * pad))
out = np.clip(out[:, : h * scale, : w * scale], 0, 1)
Image.fromarray((out.transpose(1, 2, 0) * 255 + 0.5).astype(np.uint8)).save(dst)
