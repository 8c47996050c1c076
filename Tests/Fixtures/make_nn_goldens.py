"""Golden outputs of the published ncnn models from the official ncnn runtime (PyPI `ncnn`,
CPU, fp32), on small deterministic inputs: the reference every restore backend must match.

Run: bash Tools/fetch_models.sh && pip install ncnn numpy && python3 Tests/Fixtures/make_nn_goldens.py
Writes Tests/Fixtures/nn/: <case>.in.f32 and <case>.out.f32 (CHW float32 little-endian, raw
network tensors: input in 0..1, no pre/post-processing) and manifest.tsv.
"""
import os
import zlib
import numpy as np
import ncnn

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
models = os.path.join(repo, ".cache", "models")
out = os.path.join(here, "nn")
os.makedirs(out, exist_ok=True)

CASES = [  # name, model (under .cache/models, without extension), input blob, output blob, input size
    ("animevideov3-x4", "realesrgan/realesr-animevideov3-x4", "data", "output", 24),
    ("animevideov3-x2", "realesrgan/realesr-animevideov3-x2", "data", "output", 24),
    ("x4plus-anime", "realesrgan/realesrgan-x4plus-anime", "data", "output", 16),
    ("x4plus", "realesrgan/realesrgan-x4plus", "data", "output", 12),
    ("upconv7-photo-noise1", "waifu2x/models-upconv_7_photo/noise1_scale2.0x_model", "Input1", "Eltwise4", 32),
    ("upconv7-anime-scale2", "waifu2x/models-upconv_7_anime_style_art_rgb/scale2.0x_model", "Input1", "Eltwise4", 32),
    ("cunet-noise0-scale2", "waifu2x/models-cunet/noise0_scale2.0x_model", "Input1", "Eltwise4", 56),
    ("cunet-noise2", "waifu2x/models-cunet/noise2_model", "Input1", "Eltwise4", 64),
]

rows = []
for name, model, inp, outp, size in CASES:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    y, x = np.mgrid[0:size, 0:size] / size
    img = np.stack([0.5 + 0.4 * np.sin(6 * x + 2 * k) * np.cos(4 * y - k) for k in range(3)]) + 0.05 * rng.standard_normal((3, size, size))
    img = np.clip(img, 0, 1).astype(np.float32)
    net = ncnn.Net()
    net.opt.use_vulkan_compute = False
    net.opt.num_threads = 1
    net.load_param(os.path.join(models, model + ".param"))
    net.load_model(os.path.join(models, model + ".bin"))
    ex = net.create_extractor()
    ex.input(inp, ncnn.Mat(img))
    ret, o = ex.extract(outp)
    assert ret == 0, (name, ret)
    res = np.array(o, dtype=np.float32)
    img.astype("<f4").tofile(os.path.join(out, name + ".in.f32"))
    res.astype("<f4").tofile(os.path.join(out, name + ".out.f32"))
    rows.append([name, model, inp, outp, *img.shape, *res.shape])
    print(name, img.shape, "->", res.shape)

with open(os.path.join(out, "manifest.tsv"), "w") as f:
    f.write("# name\tmodel\tinput_blob\toutput_blob\tin_c\tin_h\tin_w\tout_c\tout_h\tout_w\n")
    for r in rows:
        f.write("\t".join(map(str, r)) + "\n")
