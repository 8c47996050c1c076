"""Golden for GradeTests.testAutoGradeMatchesPyTorch: PyTorch's `auto_grade` with the shipped
auto predictors of Plugins/restore-grade (plugin.yaml's files weights, weights-2, …: the mean of
their grades, each with its levels stretch, thumbnail and curves + LUT as training applied
them) on a 128×96 crop of Samples/fruits.jpg under one seeded random grade
(restore_training/grades.py, 8-bit). Writes Tests/Fixtures/grade/auto.in.f32 (the graded crop)
and auto.out.f32 (the restored crop, not clamped): interleaved RGB float32 little-endian, sRGB
0..1. Rerun whenever the auto weights change.

Run: python3 Tests/Fixtures/make_grade_goldens.py
"""
import os
import random
import sys
import numpy as np
import torch
import yaml
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "Training"))
from restore_training.models import auto_grade, load_grade  # noqa: E402
from restore_training import grades  # noqa: E402

plugin = os.path.join(root, "Plugins", "restore-grade")
files = yaml.safe_load(open(os.path.join(plugin, "plugin.yaml")))["files"]
roles = ["weights"] + [f"weights-{i}" for i in range(2, len(files) + 2)]
members = []
for role in [r for r in roles if r in files]:
    net, thumb, stretch, _ = load_grade(os.path.join(plugin, files[role]))
    members.append((net, thumb, stretch))
photo = np.asarray(Image.open(os.path.join(root, "Samples", "fruits.jpg")).convert("RGB"))[200:296, 150:278]
x = torch.from_numpy(photo.copy()).permute(2, 0, 1).float() / 255
image = grades.apply(x, grades.draw(random.Random(4), clean=0.0))[None]
with torch.no_grad():
    y = sum(auto_grade(net, image, thumb, stretch) for net, thumb, stretch in members) / len(members)
out = os.path.join(root, "Tests", "Fixtures", "grade")
os.makedirs(out, exist_ok=True)
hwc = lambda t: t[0].permute(1, 2, 0).numpy().astype("<f4")
hwc(image).tofile(os.path.join(out, "auto.in.f32"))
hwc(y).tofile(os.path.join(out, "auto.out.f32"))
print(f"{len(members)} predictors: PSNR of the grade's change {10 * np.log10(1 / float(((y - image) ** 2).mean())):.1f} dB")
