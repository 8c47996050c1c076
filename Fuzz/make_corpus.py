#!/usr/bin/env python3
"""Builds Fuzz/corpus/<target>/ (small seeds from the test fixtures and hand-made models) and
Fuzz/crashers/<target>/ (inputs that crashed restore on main before issue #14; each must now
be rejected). Run from the repository root: python3 Fuzz/make_corpus.py"""
import json, os, shutil, struct

F = "Tests/Fixtures/corpus"
def put(kind, target, name, data):
    d = f"Fuzz/{kind}/{target}"
    os.makedirs(d, exist_ok=True)
    open(f"{d}/{name}", "wb").write(data if isinstance(data, bytes) else data.encode())
def copy(target, path):
    put("corpus", target, os.path.basename(path), open(path, "rb").read())

for p in ["pil_rgb8.png", "im_rgba16.png", "pil_palette_trns.png", "pil_la8.png"]: copy("png", f"{F}/{p}")
for p in ["tf_u8_c3.tif", "tf_f32_c1.tif", "tf_u16_rgba_planar.tif", "tf_u8_rgb_lzw_pred.tif"]: copy("tiff", f"{F}/{p}")
for p in ["pil_rgb.jpg", "pil_gray.jpg", "pil_orient6.jpg"]: copy("jpeg", f"{F}/{p}")
put("corpus", "cube", "3d.cube", 'TITLE "fuzz"\nDOMAIN_MIN 0 0 0\nDOMAIN_MAX 1 1 1\nLUT_3D_SIZE 2\n' + "".join(f"{r} {g} {b}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1)))
put("corpus", "cube", "1d3d.cube", "LUT_1D_SIZE 3\nLUT_3D_SIZE 2\n0 0 0\n0.5 0.5 0.5\n1 1 1\n" + "".join(f"{r} {g} {b}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1)))
# Small seeds (a few hundred bytes run thousands of times a second; the fixtures are 100 kB).
cube2 = [(r, g, b) for r in (0, 1) for g in (0, 1) for b in (0, 1)]
put("corpus", "3dl", "flame.3dl", "0 1023\n" + "".join(f"{r * 4095} {g * 4095} {b * 4095}\n" for r, g, b in cube2))
put("corpus", "spi1d", "gamma.spi1d", "Version 1\nFrom 0.0 1.0\nLength 4\nComponents 1\n{\n0\n0.1\n0.4\n1\n}\n")
put("corpus", "spi1d", "rgb.spi1d", "Version 1\nFrom -0.125 1.125\nLength 2\nComponents 3\n{\n0 0 0\n1 1 1\n}\n")
put("corpus", "spi3d", "identity.spi3d", "SPILUT 1.0\n3 3\n2 2 2\n" + "".join(f"{r} {g} {b} {r} {g} {b}\n" for r, g, b in cube2))
put("corpus", "csp", "3d.csp", "CSPLUTV100\n3D\n\nBEGIN METADATA\nfuzz\nEND METADATA\n\n2\n0 1\n0 1\n3\n0 0.5 1\n0 0.4 1\n2\n0 1\n0 1\n\n2 2 2\n"
    + "".join(f"{r} {g} {b}\n" for b, g, r in cube2))
put("corpus", "csp", "1d.csp", "CSPLUTV100\n1D\n\n2\n0 1\n0 1\n2\n0 1\n0 1\n2\n0 1\n0 1\n\n3\n0 0.5 1\n3\n0 0.5 1\n3\n0 0.5 1\n")

# A level-2 Hald CLUT (8×8 RGB, identity), as a PNG written byte by byte.
import zlib
def png(w, h, rows):
    def chunk(k, d): return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + r for r in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
n = 4  # level 2: 4 steps per axis, 64 colours, an 8×8 image
px = [(r * 85, g * 85, b * 85) for b in range(n) for g in range(n) for r in range(n)]
put("corpus", "hald", "identity2.png", png(8, 8, [bytes(v for p in px[y * 8:(y + 1) * 8] for v in p) for y in range(8)]))

# ncnn: Input, a 3→3 1×1 convolution with bias and ReLU, a PReLU.
param = "7767517\n3 3\nInput in 0 1 in\nConvolution c 1 1 in c 0=3 1=1 5=1 6=9 9=1\nPReLU p 1 1 c out 0=1\n"
binary = struct.pack("<I", 0) + struct.pack("<9f", *[0.5 if i % 4 == 0 else 0.1 for i in range(9)]) + struct.pack("<3f", 0, 0, 0) + struct.pack("<f", 0.2)
put("corpus", "ncnn", "conv-prelu", param.encode() + b"\n---\n" + binary)
put("corpus", "onnx", "unsupported.onnx", open("Tests/Fixtures/onnx/unsupported.onnx", "rb").read())
# A tiny ONNX model written field by field (protobuf wire format): x → Conv 3→3 1×1 → Relu → y.
def varint(n):
    out = b""
    while True:
        b = n & 0x7F; n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n: return out
def field(no, data): return varint(no << 3 | 2) + varint(len(data)) + data
def text(no, s): return field(no, s.encode())
def ints(no, values): return field(no, b"".join(varint(v) for v in values))
def floats(no, values): return field(no, struct.pack(f"<{len(values)}f", *values))
def tensor(name, dims, values): return ints(1, dims) + varint(2 << 3) + varint(1) + floats(4, values) + text(8, name)
def node(op, ins, outs): return b"".join(text(1, i) for i in ins) + b"".join(text(2, o) for o in outs) + text(3, op.lower()) + text(4, op)
graph = (field(1, node("Conv", ["x", "w", "b"], ["c"])) + field(1, node("Relu", ["c"], ["y"])) + text(2, "fuzz")
         + field(5, tensor("w", [3, 3, 1, 1], [0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5])) + field(5, tensor("b", [3], [0, 0, 0]))
         + field(11, text(1, "x")) + field(12, text(1, "y")))
put("corpus", "onnx", "conv-relu.onnx", varint(1 << 3) + varint(7) + field(7, graph))

def safetensors(tensors, metadata=None):
    header, data = ({"__metadata__": metadata} if metadata else {}), b""
    for name, shape in tensors.items():
        count = 1
        for d in shape: count *= d
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + 4 * count]}
        data += struct.pack(f"<{count}f", *[0.01] * count)
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data
put("corpus", "safetensors", "espcn-tiny.safetensors", safetensors({"c1.weight": [4, 3, 1, 1], "c1.bias": [4], "c2.weight": [4, 4, 1, 1],
    "c2.bias": [4], "c3.weight": [12, 4, 1, 1], "c3.bias": [12]}))
# A tiny grading predictor (architecture grade-lut): a pointwise body after a levels stretch, 2-node curves, one 2³ basis.
put("corpus", "safetensors", "grade-levels-tiny.safetensors", safetensors({"body.0.weight": [4, 3, 1, 1], "body.0.bias": [4],
    "fc1.weight": [8, 4], "fc1.bias": [8], "fc2.weight": [7, 8], "fc2.bias": [7], "bases": [1, 3, 2, 2, 2]},
    {"architecture": "grade-lut", "mode": "auto", "thumbnail": "8", "levels": "minmax", "body": "pointwise"}))
put("corpus", "config", "studio.yaml", "plugin_paths: [plugins]\npresets:\n  film:\n    - denoise: {sigma: auto}\n"
    "    - upscale: {plugin: restore-sr-x2, scale: 2}\n    - lut: {file: look.cube, space: rec709, strength: 0.8}\ndefault_preset: film\n")
for p in ["Plugins/restore-sr-x2/plugin.yaml", "Plugins/vignette/plugin.yaml", "Plugins/restore-denoise/plugin.yaml", "Plugins/restore-grade/plugin.yaml"]:
    put("corpus", "manifest", p.split("/")[1] + ".yaml", open(p, "rb").read())
for s in ["3840x2160:rgb48le", "64x64:rgb24", "8x4:rgbf32le", "1920x1080:gbrp10le", "64x32:gbrapf32le"]: put("corpus", "raw", s.replace(":", "_"), s)
# elf: a tiny shared object defining restore_plugin_entry (built with gcc when there is one).
import shutil, subprocess, tempfile
if shutil.which("gcc"):
    with tempfile.TemporaryDirectory() as t:
        open(f"{t}/p.c", "w").write("int restore_plugin_entry(void){return 0;}\nint other_symbol = 3;\n")
        subprocess.run(["gcc", "-shared", "-nostdlib", "-fPIC", "-Os", "-s", "-o", f"{t}/p.so", f"{t}/p.c"], check=True)
        put("corpus", "elf", "tiny.so", open(f"{t}/p.so", "rb").read())
# frames: a --frames set, a frame pattern, a --shard value, the environment, --shard-count.
for name, s in [("seed1", "1001-1100\nshot.%04d.exr\n3/8\n\n"),
                ("seed2", "1,5,10-20x2\nd/shot.1001-1100#.exr\nauto\nSLURM_ARRAY_TASK_ID=12;SLURM_ARRAY_TASK_MIN=10;SLURM_ARRAY_TASK_COUNT=4;SLURM_ARRAY_TASK_STEP=2\n"),
                ("seed3", "0-9999\nplate.####.png\nauto\nJOB_COMPLETION_INDEX=3\n8\n")]:
    put("corpus", "frames", name, s)

# Crashers from issue #14 (signal deaths on main).
put("crashers", "spi1d", "length-overflow.spi1d", "Version 1\nFrom 0 1\nLength 3074457345618258603\nComponents 3\n{\n0 0 0\n}\n")
put("crashers", "spi3d", "size-1e30.spi3d", "SPILUT 1.0\n3 3\n1e30 1e30 1e30\n0 0 0 0 0 0\n")
put("crashers", "csp", "size-1e20.csp", "CSPLUTV100\n3D\n\n2\n0 1\n0 1\n2\n0 1\n0 1\n2\n0 1\n0 1\n\n1e20 1e20 1e20\n")
for name, layer in [("float-1e400", "Interp up 1 1 in out 0=1 1=-1e400 2=2.0"), ("n-in-max", "Noop n 9223372036854775807 1 in out"),
                    ("array-id-min", "Eltwise e 1 1 in out -9223372036854775808=1,1.0"), ("array-count-max", "Eltwise e 1 1 in out -23301=9223372036854775807,1.0"),
                    ("prelu-huge", "PReLU p 1 1 in out 0=4611686018427387904"), ("inner-huge", "InnerProduct i 1 1 in out 0=4 1=1 2=4611686018427387904"),
                    ("conv-overflow", "Convolution c 1 1 in out 0=3037000500 1=3037000500 6=1"), ("pixelshuffle-0", "PixelShuffle ps 1 1 in out 0=0"),
                    ("interp-huge", "Interp up 1 1 in out 0=1 1=100000.0 2=100000.0")]:
    put("crashers", "ncnn", name, f"7767517\n2 3\nInput in 0 1 in\n{layer}\n\n---\n")
for name, header in [("shape-overflow", {"c1.weight": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 16]}}),
                     ("offset-overflow", {"c1.weight": {"dtype": "F32", "shape": [4], "data_offsets": [9223372036854775800, 9223372036854775807]}}),
                     ("srvgg-0-channels", {"body.0.weight": {"dtype": "F32", "shape": [4, 0, 3, 3], "data_offsets": [0, 0]},
                                            "body.0.bias": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})]:
    h = json.dumps(header).encode()
    put("crashers", "safetensors", name, struct.pack("<Q", len(h)) + h + bytes(16))
for s in ["3037000500x3037000500:rgbf32le", "100000x100000:rgb48le"]: put("crashers", "raw", s.replace(":", "_"), s)
