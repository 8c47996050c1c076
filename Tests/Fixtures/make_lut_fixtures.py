"""LUT fixtures baked and applied by OpenColorIO (PyPI `opencolorio`), the independent reference.

Writes Tests/Fixtures/luts/:
  input.f32                     planar float32 RGB test colours (N pixels: random in 0..1 plus
                                greys, primaries and a few values outside 0..1)
  <name>.<ext>                  a LUT baked by OCIO's Baker in that format
  <name>.<interp>.ocio.f32      OCIO's CPU processor applied to input.f32 through that file
  manifest.tsv                  name, file, interpolation, count
Run: pip install opencolorio numpy && python3 Tests/Fixtures/make_lut_fixtures.py
"""
import os, sys
import numpy as np
import PyOpenColorIO as OCIO

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "luts")
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.remove(os.path.join(out, f))

rng = np.random.default_rng(3)
cols = [rng.random((4000, 3))]
g = np.linspace(0, 1, 33)
cols.append(np.stack([g, g, g], 1))
cols.append(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1], [0, 0, 0],
                      [-0.2, 0.5, 1.3], [1.5, -0.1, 0.3], [0.25, 0.5, 0.75]]))
rgb = np.concatenate(cols).astype(np.float32)
n = len(rgb)
np.ascontiguousarray(rgb.T).astype("<f4").tofile(os.path.join(out, "input.f32"))


def config(one_d):
    """A reference space and a 'look' space: per-channel gammas (1D) or gammas plus a matrix."""
    cfg = OCIO.Config.CreateRaw()
    lin = OCIO.ColorSpace(name="lin")
    cfg.addColorSpace(lin)
    look = OCIO.ColorSpace(name="look")
    grp = OCIO.GroupTransform()
    grp.appendTransform(OCIO.ExponentTransform(value=[1 / 1.8, 1 / 1.6, 1 / 2.2, 1.0]))
    if not one_d:
        grp.appendTransform(OCIO.MatrixTransform(matrix=[0.8, 0.15, 0.05, 0, 0.1, 0.75, 0.15, 0, 0.0, 0.25, 0.75, 0, 0, 0, 0, 1]))
        grp.appendTransform(OCIO.ExponentTransform(value=[1.3, 1.1, 0.9, 1.0]))
    look.setTransform(grp, OCIO.COLORSPACE_DIR_FROM_REFERENCE)
    cfg.addColorSpace(look)
    return cfg


rows = []
cases = [("iridas", "iridas_cube", "cube", 17, False), ("resolve", "resolve_cube", "cube", 17, False),
         ("flame", "flame", "3dl", 17, False), ("lustre", "lustre", "3dl", 17, False),
         ("spi3d", "spi3d", "spi3d", 17, False), ("csp3d", "cinespace", "csp", 17, False),
         ("spi1d", "spi1d", "spi1d", 1024, True), ("resolve1d", "resolve_cube", "cube", 1024, True),
         ("csp1d", "cinespace", "csp", 1024, True)]
interps = {"tetrahedral": OCIO.INTERP_TETRAHEDRAL, "trilinear": OCIO.INTERP_LINEAR}
for name, fmt, ext, size, one_d in cases:
    b = OCIO.Baker()
    b.setConfig(config(one_d))
    b.setFormat(fmt)
    b.setInputSpace("lin")
    b.setTargetSpace("look")
    if one_d:
        b.setCubeSize(-1)
        b.setShaperSize(size)
    else:
        b.setCubeSize(size)
    path = os.path.join(out, f"{name}.{ext}")
    open(path, "w").write(b.bake())
    # (OCIO's CPU path renders INTERP_NEAREST on 3D LUTs as trilinear, so nearest is tested
    # against our own reference instead.)
    for interp in (["tetrahedral", "trilinear"] if name == "iridas" else ["tetrahedral"] if not one_d else ["linear"]):
        cfg = OCIO.Config.CreateRaw()
        ft = OCIO.FileTransform(src=path, interpolation=interps.get(interp, OCIO.INTERP_LINEAR))
        proc = cfg.getProcessor(ft).getDefaultCPUProcessor()
        img = rgb.copy()
        proc.applyRGB(img)
        np.ascontiguousarray(img.T).astype("<f4").tofile(os.path.join(out, f"{name}.{interp}.ocio.f32"))
        rows.append((name, f"{name}.{ext}", interp, n))

with open(os.path.join(out, "manifest.tsv"), "w") as f:
    f.write("# name\tfile\tinterpolation\tpixels\n")
    for r in rows:
        f.write("\t".join(map(str, r)) + "\n")
print(f"{len(rows)} cases, {n} pixels, in {out}")
