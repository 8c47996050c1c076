"""Writes the decoder corpus: each image file plus its reference pixels.

manifest.tsv columns:
  name  width  height  color_channels  alpha  ref_dtype  tolerance  icc_sha256
alpha: none | straight | assoc | unspecified  (assoc: the reference holds the stored,
premultiplied values; the test divides them out)
ref/<name>.raw: planar little-endian samples of ref_dtype (u8, u16 or f32), colour planes
then alpha, already in "meaning" order (min-is-white inverted). tolerance is in units of the
reference's integer scale (0 = exact).
"""
import hashlib, io, os, struct, subprocess, sys, zlib
import numpy as np
import png  # pypng
import tifffile
from PIL import Image, ImageOps

out = sys.argv[1]
rows = []
rng = np.random.default_rng(20261130)
ADOBE = "/usr/share/color/icc/compatibleWithAdobeRGB1998.icc"


def pattern(h, w, c, dtype):
    """Gradients plus noise: every value of the type's range shows up somewhere."""
    y, x = np.mgrid[0:h, 0:w]
    planes = []
    for k in range(c):
        base = ((x * (k + 1) * 7 + y * (3 + k) * 5) % 97) / 96.0
        noise = rng.random((h, w))
        planes.append(np.clip(0.8 * base + 0.2 * noise, 0, 1))
    a = np.stack(planes, axis=-1)
    if dtype == np.uint8:
        return np.round(a * 255).astype(np.uint8)
    if dtype == np.uint16:
        return np.round(a * 65535).astype(np.uint16)
    return (a * 1.5 - 0.25).astype(np.float32)  # float data outside [0, 1] on purpose


def add(name, pixels_hwc, color_channels, alpha, tolerance=0, icc=None):
    """Records a fixture: pixels_hwc is what the decoder must produce (H, W, C)."""
    h, w, c = pixels_hwc.shape
    dtype = {np.dtype(np.uint8): "u8", np.dtype(np.uint16): "u16", np.dtype(np.float32): "f32"}[pixels_hwc.dtype]
    planar = np.ascontiguousarray(np.moveaxis(pixels_hwc, -1, 0))
    planar.astype(planar.dtype.newbyteorder("<")).tofile(os.path.join(out, "ref", name + ".raw"))
    sha = hashlib.sha256(icc).hexdigest() if icc else "-"
    rows.append([name, w, h, color_channels, alpha, dtype, tolerance, sha])


def p(name):
    return os.path.join(out, name)


W, H = 37, 23  # odd sizes catch stride bugs

# ---- PNG (Pillow) ------------------------------------------------------------------------
for mode, c, cc, alpha in [("L", 1, 1, "none"), ("LA", 2, 1, "straight"), ("RGB", 3, 3, "none"), ("RGBA", 4, 3, "straight")]:
    a = pattern(H, W, c, np.uint8)
    Image.fromarray(a[..., 0] if c == 1 else a, mode).save(p(f"pil_{mode.lower()}8.png"))
    add(f"pil_{mode.lower()}8.png", a, cc, alpha)

# palette with tRNS -> RGBA
pal = pattern(1, 16, 3, np.uint8)[0]
idx = (np.arange(H * W).reshape(H, W) * 7) % 16
im = Image.fromarray(idx.astype(np.uint8), "P")
im.putpalette(pal.flatten().tolist())
trns = bytes([(i * 17) % 256 for i in range(16)])
im.save(p("pil_palette_trns.png"), transparency=trns)
rgba = np.concatenate([pal[idx], np.frombuffer(trns, np.uint8)[idx][..., None]], axis=-1)
add("pil_palette_trns.png", rgba, 3, "straight")

# 1-bit gray (Pillow), 2- and 4-bit gray (pypng)
bits1 = (pattern(H, W, 1, np.uint8)[..., 0] > 127)
Image.fromarray(bits1).save(p("pil_gray1.png"))
add("pil_gray1.png", (bits1.astype(np.uint8) * 255)[..., None], 1, "none")
for bits in (2, 4):
    levels = (1 << bits) - 1
    v = (pattern(H, W, 1, np.uint8)[..., 0].astype(np.int32) * levels + 127) // 255
    g8 = (v * 255 // levels).astype(np.uint8)
    png.Writer(W, H, greyscale=True, bitdepth=bits).write(open(p(f"pypng_gray{bits}.png"), "wb"), v.tolist())
    add(f"pypng_gray{bits}.png", g8[..., None], 1, "none")

# ---- PNG 16-bit and interlaced (ImageMagick from 16-bit TIFF sources) -------------------
for c, cc, alpha, name in [(3, 3, "none", "im_rgb16.png"), (4, 3, "straight", "im_rgba16.png"),
                           (1, 1, "none", "im_gray16.png")]:
    a = pattern(H, W, c, np.uint16)
    src = p("_src.tif")
    tifffile.imwrite(src, a[..., 0] if c == 1 else a, photometric="minisblack" if c == 1 else "rgb",
                     extrasamples=["unassalpha"] if c == 4 else None)
    subprocess.run(["convert", src, "-define", "png:exclude-chunks=date,time", f"PNG48:{p(name)}" if c == 3 else
                    (f"PNG64:{p(name)}" if c == 4 else p(name))], check=True)
    add(name, a, cc, alpha)
    if c == 3:
        subprocess.run(["convert", src, "-interlace", "PNG", f"PNG48:{p('im_rgb16_interlaced.png')}"], check=True)
        add("im_rgb16_interlaced.png", a, cc, alpha)
    os.remove(src)
a = pattern(H, W, 3, np.uint8)
Image.fromarray(a).save(p("_src.png"))
subprocess.run(["convert", p("_src.png"), "-interlace", "PNG", f"PNG24:{p('im_rgb8_interlaced.png')}"], check=True)
os.remove(p("_src.png"))
add("im_rgb8_interlaced.png", a, 3, "none")

# ---- PNG with an ICC profile (Pillow) -----------------------------------------------------
adobe = open(ADOBE, "rb").read()
open(os.path.join(out, "colour", "adobe.icc"), "wb").write(adobe)
a = pattern(H, W, 3, np.uint8)
Image.fromarray(a).save(p("pil_rgb8_adobe_icc.png"), icc_profile=adobe)
add("pil_rgb8_adobe_icc.png", a, 3, "none", icc=adobe)

# ---- TIFF (tifffile) ------------------------------------------------------------------------
def tiff(name, a, cc, alpha, **kw):
    extras = None
    if alpha != "none":
        extras = [{"straight": "unassalpha", "assoc": "assocalpha", "unspecified": "unspecified"}[alpha]]
    photometric = kw.pop("photometric", "rgb" if cc == 3 else "minisblack")
    data = a[..., 0] if a.shape[-1] == 1 else a
    planar = kw.pop("planar", False)
    if planar:
        data = np.ascontiguousarray(np.moveaxis(a, -1, 0))
    tifffile.imwrite(p(name), data, photometric=photometric, extrasamples=extras,
                     planarconfig="separate" if planar else "contig", **kw)

for dtype, tag in [(np.uint8, "u8"), (np.uint16, "u16"), (np.float32, "f32")]:
    for c, cc, alpha in [(1, 1, "none"), (2, 1, "straight"), (3, 3, "none"), (4, 3, "straight")]:
        a = pattern(H, W, c, dtype)
        name = f"tf_{tag}_c{c}.tif"
        tiff(name, a, cc, alpha)
        add(name, a, cc, alpha)

comp_cases = [
    ("none", {}), ("lzw", {"compression": "lzw"}), ("deflate", {"compression": "zlib"}),
    ("packbits", {"compression": "packbits"}),
    ("lzw_pred", {"compression": "lzw", "predictor": True}),
    ("deflate_pred", {"compression": "zlib", "predictor": True}),
]
for dtype, tag in [(np.uint8, "u8"), (np.uint16, "u16"), (np.float32, "f32")]:
    for cname, kw in comp_cases:
        if dtype == np.float32 and cname == "packbits":
            continue
        a = pattern(H, W, 3, dtype)
        name = f"tf_{tag}_rgb_{cname}.tif"
        tiff(name, a, 3, "none", **dict(kw))
        add(name, a, 3, "none")

# planar, tiled, strips of several rows, associated alpha, unspecified extra, min-is-white
a = pattern(H, W, 4, np.uint16)
tiff("tf_u16_rgba_planar.tif", a, 3, "straight", planar=True, compression="zlib")
add("tf_u16_rgba_planar.tif", a, 3, "straight")
a = pattern(40, 50, 3, np.uint16)
tiff("tf_u16_rgb_tiled.tif", a, 3, "none", tile=(16, 16), compression="zlib", predictor=True)
add("tf_u16_rgb_tiled.tif", a, 3, "none")
a = pattern(40, 50, 3, np.float32)
tiff("tf_f32_rgb_tiled_planar.tif", a, 3, "none", tile=(16, 32), planar=True, compression="lzw")
add("tf_f32_rgb_tiled_planar.tif", a, 3, "none")
a = pattern(H, W, 3, np.uint8)
tiff("tf_u8_rgb_strips3.tif", a, 3, "none", rowsperstrip=3, compression="packbits")
add("tf_u8_rgb_strips3.tif", a, 3, "none")
a = pattern(H, W, 4, np.uint16)
a[..., :3] = (a[..., :3].astype(np.uint32) * a[..., 3:4] // 65535).astype(np.uint16)
tiff("tf_u16_rgba_assoc.tif", a, 3, "assoc")
add("tf_u16_rgba_assoc.tif", a, 3, "assoc", tolerance=1)
a = pattern(H, W, 4, np.uint8)
tiff("tf_u8_rgba_unspecified.tif", a, 3, "unspecified")
add("tf_u8_rgba_unspecified.tif", a, 3, "unspecified")
a = pattern(H, W, 1, np.uint8)
tiff("tf_u8_miniswhite.tif", a, 1, "none", photometric="miniswhite")
add("tf_u8_miniswhite.tif", 255 - a, 1, "none")
a = pattern(H, W, 3, np.uint16)
tiff("tf_u16_rgb_adobe_icc.tif", a, 3, "none", iccprofile=adobe, resolution=(300, 300), resolutionunit="inch")
add("tf_u16_rgb_adobe_icc.tif", a, 3, "none", icc=adobe)

# ImageMagick TIFFs (another encoder), 16-bit RGBA LZW
a = pattern(H, W, 4, np.uint16)
tifffile.imwrite(p("_src.tif"), a, photometric="rgb", extrasamples=["unassalpha"])
subprocess.run(["convert", p("_src.tif"), "-compress", "LZW", p("im_u16_rgba_lzw.tif")], check=True)
os.remove(p("_src.tif"))
add("im_u16_rgba_lzw.tif", a, 3, "straight")

# ---- JPEG (Pillow; reference = Pillow's own decode) ---------------------------------------
def jpeg_ref(path):
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    arr = np.asarray(im)
    return arr[..., None] if arr.ndim == 2 else arr

a = pattern(H, W, 3, np.uint8)
Image.fromarray(a).save(p("pil_rgb.jpg"), quality=90)
add("pil_rgb.jpg", jpeg_ref(p("pil_rgb.jpg")), 3, "none", tolerance=1)
Image.fromarray(a[..., 0]).save(p("pil_gray.jpg"), quality=90)
add("pil_gray.jpg", jpeg_ref(p("pil_gray.jpg")), 1, "none", tolerance=1)
Image.fromarray(a).save(p("pil_rgb_progressive_icc.jpg"), quality=85, progressive=True, icc_profile=adobe)
add("pil_rgb_progressive_icc.jpg", jpeg_ref(p("pil_rgb_progressive_icc.jpg")), 3, "none", tolerance=1, icc=adobe)
for o in range(1, 9):
    exif = Image.Exif()
    exif[0x0112] = o
    name = f"pil_orient{o}.jpg"
    Image.fromarray(a).save(p(name), quality=95, exif=exif.tobytes(), subsampling=0)
    add(name, jpeg_ref(p(name)), 3, "none", tolerance=1)

# ---- Colour: Adobe RGB 16-bit -> sRGB by LittleCMS's tificc (float precision, -c0) ---------
a = pattern(32, 48, 3, np.uint16)
src = os.path.join(out, "colour", "adobe16.tif")
tifffile.imwrite(src, a, photometric="rgb", iccprofile=adobe)
dst = os.path.join(out, "colour", "adobe16_to_srgb_tificc.tif")
subprocess.run(["tificc", "-c0", "-t0", "-w16", "-o*sRGB", src, dst], check=True)

# ---- Hostile headers --------------------------------------------------------------------------
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
open(os.path.join(out, "bad_huge.png"), "wb").write(
    b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
# A TIFF that says 200000 x 200000 RGB 8-bit, one strip of 16 bytes.
entries = [(256, 4, 1, 200000), (257, 4, 1, 200000), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 2),
           (273, 4, 1, 8), (277, 3, 1, 3), (278, 4, 1, 200000), (279, 4, 1, 16)]
ifd_off = 8 + 16
body = b"II*\x00" + struct.pack("<I", ifd_off) + b"\0" * 16
body += struct.pack("<H", len(entries))
for tag, typ, cnt, val in entries:
    body += struct.pack("<HHI", tag, typ, cnt) + (struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val))
body += struct.pack("<I", 0)
open(os.path.join(out, "bad_huge.tif"), "wb").write(body)

# Valid files in variants we refuse (the error must say "unsupported").
Image.fromarray(pattern(H, W, 4, np.uint8), "CMYK").save(os.path.join(out, "unsupported_cmyk.jpg"))
tifffile.imwrite(os.path.join(out, "unsupported_palette.tif"), (np.arange(H * W).reshape(H, W) % 256).astype(np.uint8),
                 photometric="palette", colormap=np.tile(np.arange(256, dtype=np.uint16) * 257, (3, 1)))
tifffile.imwrite(os.path.join(out, "unsupported_int16.tif"), np.zeros((H, W), np.int16))

with open(os.path.join(out, "manifest.tsv"), "w") as f:
    f.write("# name\twidth\theight\tcolor_channels\talpha\tref_dtype\ttolerance\ticc_sha256\n")
    for r in rows:
        f.write("\t".join(str(x) for x in r) + "\n")
