"""ONNX models exported from PyTorch, with PyTorch's own output on a fixed input, for
restore's ONNX importer tests (Tests/Fixtures/onnx/), and the same weights as .safetensors
(architectures srvgg, espcn, dncnn, unet) for the safetensors importer. Random-initialised weights (seeded):
the point is the graph and the numbers, not the quality.

Run: pip install torch onnx safetensors && python3 Training/make_onnx_goldens.py
Writes Tests/Fixtures/onnx/<name>.onnx, <name>.safetensors, <name>.in.f32, <name>.out.f32
(CHW float32 LE) and manifest.tsv (name, in c h w, out c h w).
"""
import os
import sys
import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from restore_training.models import SRVGGNetCompact, ESPCN, DnCNN, UNet  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(os.path.dirname(here), "Tests", "Fixtures", "onnx")
os.makedirs(out, exist_ok=True)

CASES = [  # name, model, input channels, size
    ("srvgg-x4", lambda: SRVGGNetCompact(num_feat=32, num_conv=6, upscale=4), 3, 20),
    ("espcn-x2", lambda: ESPCN(scale=2), 3, 24),
    ("dncnn-noisemap", lambda: DnCNN(features=32, depth=8, noise_map=True), 4, 26),
    ("unet-noisemap", lambda: UNet(features=(8, 16, 32), blocks=(1, 2, 1), noise_map=True), 4, 28),
]
rows = []
for name, make, cin, size in CASES:
    torch.manual_seed(len(name))
    model = make().eval()
    g = torch.Generator().manual_seed(7)
    yy, xx = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    x = torch.stack([0.5 + 0.4 * torch.sin(6 * xx + 2 * k) * torch.cos(4 * yy - k) for k in range(cin)])[None]
    x = (x + 0.05 * torch.randn(x.shape, generator=g)).clamp(0, 1)
    if name.endswith("noisemap"):
        x[:, 3] = 25 / 255  # the noise-level plane
    with torch.no_grad():
        y = model(x)
    path = os.path.join(out, name + ".onnx")
    torch.onnx.export(model, (x,), path, input_names=["input"], output_names=["output"], opset_version=17,
                      dynamic_axes={"input": {2: "h", 3: "w"}, "output": {2: "H", 3: "W"}}, dynamo=False)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(out, name + ".safetensors"))
    x[0].numpy().astype("<f4").tofile(os.path.join(out, name + ".in.f32"))
    y[0].numpy().astype("<f4").tofile(os.path.join(out, name + ".out.f32"))
    rows.append([name, *x.shape[1:], *y.shape[1:]])
    print(name, tuple(x.shape), "->", tuple(y.shape), os.path.getsize(path), "bytes")
with open(os.path.join(out, "manifest.tsv"), "w") as f:
    f.write("# name\tin_c\tin_h\tin_w\tout_c\tout_h\tout_w\n")
    for r in rows:
        f.write("\t".join(map(str, r)) + "\n")

# A graph with an op restore does not run, for the error-message test.
import onnx  # noqa: E402
from onnx import helper, TensorProto  # noqa: E402
node = helper.make_node("Softmax", ["input"], ["output"], name="soft", axis=1)
graph = helper.make_graph([node], "unsupported", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "h", "w"])],
                          [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, "h", "w"])])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), os.path.join(out, "unsupported.onnx"))
