"""Goldens for NoiseProfileTests: Samples/fruits.jpg crops through the camera-noise pipeline
(Training/restore_training/camera_noise.py) and with Gaussian noise, saved as 8-bit PNGs, and
the profile, levels and noise map that Training/restore_training/noise_profile.py computes for
them (the denoiser trains on those maps; restore must compute the same).

Run: python3 Tests/Fixtures/make_noise_profile_goldens.py
"""
import json
import os
import sys
import numpy as np
from PIL import Image

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "Training"))
from restore_training.camera_noise import camera_noise  # noqa: E402
from restore_training.noise_profile import profile, noise_map  # noqa: E402

out = os.path.join(root, "Tests", "Fixtures", "noise")
photo = np.asarray(Image.open(os.path.join(root, "Samples", "fruits.jpg")).convert("RGB"))
cases = {
    "camera-high": camera_noise(photo[100:250, 150:350], "high", 3),
    "camera-low-jpeg": camera_noise(photo[200:350, 50:250], "low", 4, 90),
    "gauss10": np.clip(np.round(photo[:150, :200] + np.random.default_rng(5).standard_normal((150, 200, 3)) * 10), 0, 255).astype(np.uint8),
    "gray-tiny": np.asarray(Image.fromarray(photo[:17, :30]).convert("L"))[..., None],
}
golden = {}
for name, a in cases.items():
    Image.fromarray(a[..., 0] if a.shape[2] == 1 else a).save(os.path.join(out, name + ".png"))
    x = a.transpose(2, 0, 1).astype(np.float32) / 255
    prof, level = profile(x)
    m = noise_map(x, prof)
    points = [(0, 0), (7, 3), (a.shape[0] - 1, a.shape[1] - 1), (a.shape[0] // 2, a.shape[1] // 3)]
    golden[name] = {"sigma": prof.tolist(), "levels": level.tolist(),
                    "map": [{"y": y, "x": x_, "values": m[:, y, x_].tolist()} for y, x_ in points]}
with open(os.path.join(out, "profiles.json"), "w") as f:
    json.dump(golden, f, indent=1)
print({k: [round(v, 2) for v in g["levels"]] for k, g in golden.items()})
