#!/usr/bin/env python3
"""CLF, CTF and ASC CDL fixtures written by OpenColorIO (PyPI `opencolorio`, >= 2.4), with the
values OpenColorIO computes applying each file (FileTransform, no optimisation) to the same
colours: luts/clf/expected.json. The 10-bit CLF is hand-written (OpenColorIO writes 32f).
Run: python3 Tests/Fixtures/make_clf_fixtures.py
"""
import json, os
import numpy as np
import PyOpenColorIO as ocio

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "luts", "clf")
cfg = ocio.Config.CreateRaw()

def write(group, name, fmt):
    path = os.path.join(here, name)
    group.write(formatName=fmt, fileName=path, config=cfg)
    return path

def cdl(style=ocio.CDL_ASC):
    t = ocio.CDLTransform(slope=[1.2, 0.9, 1.1], offset=[0.02, -0.01, 0.03], power=[1.1, 0.95, 1.2], sat=0.8)
    t.setStyle(style); t.setID("shot_042")
    return t

g = ocio.GroupTransform(); g.appendTransform(cdl())
for name, fmt in [("grade.cc", "ColorCorrection"), ("grade.ccc", "ColorCorrectionCollection"), ("grade.cdl", "ColorDecisionList")]:
    write(g, name, fmt)

# A process list with every step kind restore reads.
chain = ocio.GroupTransform()
chain.appendTransform(ocio.MatrixTransform(matrix=[0.9, 0.05, 0.05, 0, 0.1, 0.8, 0.1, 0, 0.02, 0.08, 0.9, 0, 0, 0, 0, 1],
                                           offset=[0.01, 0.0, -0.01, 0]))
chain.appendTransform(ocio.RangeTransform(minInValue=-0.05, maxInValue=1.1, minOutValue=0.0, maxOutValue=1.0))
chain.appendTransform(ocio.LogCameraTransform(linSideBreak=[0.01] * 3, base=2.0, logSideSlope=[0.07] * 3, logSideOffset=[0.55] * 3,
                                              linSideSlope=[1.0] * 3, linSideOffset=[0.002] * 3))
n1 = 1024
lut1 = ocio.Lut1DTransform(length=n1)
for i in range(n1):
    x = i / (n1 - 1); lut1.setValue(i, x ** 0.9, x ** 1.05, 0.95 * x + 0.02)
chain.appendTransform(lut1)
n3 = 17
lut3 = ocio.Lut3DTransform(gridSize=n3)
for r in range(n3):
    for gg in range(n3):
        for b in range(n3):
            x = np.array([r, gg, b]) / (n3 - 1)
            y = x + 0.08 * np.sin(3 * x[[1, 2, 0]])
            lut3.setValue(r, gg, b, *map(float, y))
lut3.setInterpolation(ocio.INTERP_TETRAHEDRAL)
chain.appendTransform(lut3)
chain.appendTransform(cdl(ocio.CDL_NO_CLAMP))
chain.appendTransform(ocio.LogAffineTransform(logSideSlope=[0.3] * 3, logSideOffset=[0.6] * 3, linSideSlope=[1.0] * 3, linSideOffset=[0.01] * 3))
write(chain, "chain.clf", "Academy/ASC Common LUT Format")
write(chain, "chain.ctf", "Color Transform Format")

# CDL styles with clamps, forward and reverse; an unclamped Range; the pure logarithms.
styles = ocio.GroupTransform()
styles.appendTransform(cdl())
rev = cdl(); rev.setSlope([0.8, 1.1, 1.3]); rev.setDirection(ocio.TRANSFORM_DIR_INVERSE)
styles.appendTransform(rev)
rt = ocio.RangeTransform(minInValue=0.0, maxInValue=1.0, minOutValue=0.1, maxOutValue=2.0); rt.setStyle(ocio.RANGE_NO_CLAMP)
styles.appendTransform(rt)
lg = ocio.LogTransform(base=10.0); styles.appendTransform(lg)
alg = ocio.LogTransform(base=2.0); alg.setDirection(ocio.TRANSFORM_DIR_INVERSE); styles.appendTransform(alg)
write(styles, "styles.clf", "Academy/ASC Common LUT Format")

# Integer bit depths: a 10-bit Matrix and a 10-in/12-out LUT1D.
with open(os.path.join(here, "bitdepth.clf"), "w") as f:
    lut = "\n".join(f"{round(4095 * (i / 15) ** 0.8)} {round(4095 * (i / 15))} {round(4095 * (i / 15) ** 1.2)}" for i in range(16))
    f.write(f"""<?xml version="1.0" encoding="UTF-8"?>
<ProcessList compCLFversion="3.0" id="bitdepth">
    <Description>10-bit matrix, 10i to 12i LUT1D</Description>
    <Matrix inBitDepth="10i" outBitDepth="10i">
        <Array dim="3 3">
            0.8 0.1 0.1
            0.05 0.9 0.05
            0 0.2 0.8
        </Array>
    </Matrix>
    <Range inBitDepth="10i" outBitDepth="10i"><minInValue>0</minInValue><maxInValue>1023</maxInValue><minOutValue>0</minOutValue><maxOutValue>1023</maxOutValue></Range>
    <LUT1D inBitDepth="10i" outBitDepth="12i">
        <Array dim="16 3">
{lut}
        </Array>
    </LUT1D>
</ProcessList>
""")

rng = np.random.default_rng(18)
colours = np.concatenate([rng.uniform(-0.1, 1.2, (160, 3)), rng.uniform(0, 1, (40, 3))]).astype(np.float32)
expected = {"tolerance": 1e-5, "ocio": ocio.__version__, "colours": colours.round(7).tolist(), "files": {}}
for name in ["grade.cc", "grade.ccc", "grade.cdl", "chain.clf", "chain.ctf", "bitdepth.clf", "styles.clf"]:
    ft = ocio.FileTransform(src=os.path.join(here, name), interpolation=ocio.INTERP_DEFAULT)
    if name.startswith("grade"):
        ft.setCCCId("shot_042")
    p = cfg.getProcessor(ft).getOptimizedCPUProcessor(ocio.OPTIMIZATION_NONE)
    expected["files"][name] = [p.applyRGB([float(v) for v in c]) for c in colours]
with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, separators=(",", ":"))
print("wrote", here)
