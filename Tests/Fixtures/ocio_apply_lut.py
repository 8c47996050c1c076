"""Applies a LUT file with OpenColorIO's CPU processor (tetrahedral) to raw interleaved RGB
frames, as an independent check of `restore grade --export-lut` (GradeTests).
Usage: python3 ocio_apply_lut.py LUT IN.raw OUT.raw rgb24|rgbf32le
"""
import sys
import numpy as np
import PyOpenColorIO as ocio

lut, src, dst, fmt = sys.argv[1:5]
cfg = ocio.Config.CreateRaw()
t = ocio.FileTransform(src=lut, interpolation=ocio.INTERP_TETRAHEDRAL, direction=ocio.TRANSFORM_DIR_FORWARD)
cpu = cfg.getProcessor(t).getDefaultCPUProcessor()
if fmt == "rgb24":
    px = np.fromfile(src, dtype=np.uint8).astype(np.float32) / 255
else:
    px = np.fromfile(src, dtype="<f4").astype(np.float32)
px = np.ascontiguousarray(px.reshape(-1, 3))
cpu.applyRGB(px)
if fmt == "rgb24":
    np.clip(np.round(px * 255), 0, 255).astype(np.uint8).tofile(dst)
else:
    px.astype("<f4").tofile(dst)
