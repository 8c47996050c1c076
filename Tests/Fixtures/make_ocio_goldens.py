#!/usr/bin/env python3
"""Goldens for restore's named colour spaces, from OpenColorIO (PyPI `opencolorio`, >= 2.4).

For each space: random RGB triples in its encoding go to ACES2065-1 through OpenColorIO's
built-in studio config (ocio://studio-config-latest), and random linear Rec.709 triples
(some above 1) come into it. Cineon log is not in that config: it is built from OpenColorIO's
LogAffineTransform (Kodak 95/685/0.6) and the Rec.709 → ACES2065-1 matrix of the same config.
Writes corpus/colour/ocio_spaces.json. Run: python3 Tests/Fixtures/make_ocio_goldens.py
"""
import json, os
import numpy as np
import PyOpenColorIO as ocio

cfg = ocio.Config.CreateFromFile("ocio://studio-config-latest")
SPACES = {  # restore name -> OCIO studio-config name (None: built here)
    "srgb": "sRGB Encoded Rec.709 (sRGB)", "rec709": "Gamma 2.4 Encoded Rec.709",
    "linear-srgb": "Linear Rec.709 (sRGB)", "display-p3": "sRGB Encoded P3-D65", "rec2020": "Linear Rec.2020",
    "acescg": "ACEScg", "aces2065-1": "ACES2065-1", "acescct": "ACEScct", "acescc": "ACEScc",
    "arri-logc3": "ARRI LogC3 (EI800)", "arri-logc4": "ARRI LogC4", "slog3-sgamut3cine": "S-Log3 S-Gamut3.Cine",
    "vlog": "V-Log V-Gamut", "canonlog3": "CanonLog3 CinemaGamut D55", "cineon-log": None,
}
# rec2020 in restore is the BT.2020 camera curve; OCIO's studio config has only the linear one,
# so it is checked through the linear Rec.2020 space with restore's curve (BT.2020's 10-bit
# constants 1.099/0.018, as restore's profile) applied here.

def cineon_group(to_aces):
    off = 10 ** ((95 - 685) * 0.002 / 0.6)
    log = ocio.LogAffineTransform(logSideSlope=[0.6 / 0.002 / 1023] * 3, logSideOffset=[685 / 1023] * 3,
                                  linSideSlope=[1 - off] * 3, linSideOffset=[off] * 3)
    log.setBase(10)
    lin709 = cfg.getProcessor("Linear Rec.709 (sRGB)", "ACES2065-1").createGroupTransform()
    g = ocio.GroupTransform()
    if to_aces:
        log.setDirection(ocio.TRANSFORM_DIR_INVERSE); g.appendTransform(log); g.appendTransform(lin709)
    else:
        lin709.setDirection(ocio.TRANSFORM_DIR_INVERSE); g.appendTransform(lin709); g.appendTransform(log)
    return cfg.getProcessor(g).getDefaultCPUProcessor()

def processor(src, dst):
    return cfg.getProcessor(src, dst).getDefaultCPUProcessor()

def rec2020_encode(x):
    x = np.asarray(x, dtype=np.float64)
    return np.where(x < 0.018, 4.5 * x, 1.099 * np.power(np.maximum(x, 0), 0.45) - 0.099)

rng = np.random.default_rng(2026)
out = {"tolerance": 2e-4, "config": cfg.getName(), "ocio": ocio.__version__, "spaces": []}
for name, oname in SPACES.items():
    hi = 1.0 if name == "canonlog3" else 1.05  # OpenColorIO clamps Canon Log 3 codes to 0…1
    enc = rng.uniform(-0.02 if name != "canonlog3" else 0.0, hi, (48, 3)).astype(np.float32)
    lin = np.concatenate([rng.uniform(0, 1, (40, 3)), rng.uniform(0, 6, (8, 3))]).astype(np.float32)
    if oname is None:
        to_aces, from_lin = cineon_group(True), None
        g = cineon_group(False)
        l2a = processor("Linear Rec.709 (sRGB)", "ACES2065-1")
        into = [g.applyRGB(l2a.applyRGB([float(v) for v in x])) for x in lin]
        aces = [to_aces.applyRGB([float(v) for v in x]) for x in enc]
    elif name == "rec2020":
        a = processor(oname, "ACES2065-1"); b = processor("Linear Rec.709 (sRGB)", oname)
        lin2020 = enc.astype(np.float64)  # enc holds BT.2020-encoded values; decode with the inverse curve
        dec = np.where(lin2020 < 4.5 * 0.018, lin2020 / 4.5,
                       np.power(np.maximum((lin2020 + 0.099) / 1.099, 0), 1 / 0.45))
        aces = [a.applyRGB([float(v) for v in x]) for x in dec]
        into = [list(map(float, rec2020_encode(b.applyRGB([float(v) for v in x])))) for x in lin]
    else:
        a = processor(oname, "ACES2065-1"); b = processor("Linear Rec.709 (sRGB)", oname)
        aces = [a.applyRGB([float(v) for v in x]) for x in enc]
        into = [b.applyRGB([float(v) for v in x]) for x in lin]
    if name in ("srgb", "rec709", "display-p3"):  # display curves: compare inside 0…1 only
        enc = np.clip(enc, 0, 1); lin = np.clip(lin, 0, 1)
        a = processor(oname, "ACES2065-1"); b = processor("Linear Rec.709 (sRGB)", oname)
        aces = [a.applyRGB([float(v) for v in x]) for x in enc]
        into = [b.applyRGB([float(v) for v in x]) for x in lin]
    out["spaces"].append({"restore": name, "ocio": oname or "LogAffineTransform(Cineon 95/685/0.6) + Linear Rec.709",
                          "encoded": enc.round(7).tolist(), "aces2065": np.round(aces, 7).tolist(),
                          "linear709": lin.round(7).tolist(), "into": np.round(into, 7).tolist()})
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "colour", "ocio_spaces.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path)
