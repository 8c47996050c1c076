"""Driver for io.sh: makes the test frame, alternates A B A B, prints medians and ratios."""
import os, statistics, subprocess, sys, tempfile, time
import numpy as np
import tifffile
from PIL import Image

RUNS = int(sys.argv[1])
R = os.path.abspath(".build/release/restore")
env = dict(os.environ, RESTORE_THREADS="2", VIPS_CONCURRENCY="2", OMP_NUM_THREADS="2")
W, H = 3840, 2160
work = tempfile.mkdtemp(prefix="restore-io-bench-")


def frame():
    """A photo upscaled to 4K, 16-bit, with sensor-like noise so compression is realistic."""
    im = Image.open("Samples/fruits.jpg").convert("RGB").resize((W, H), Image.BICUBIC)
    a = np.asarray(im).astype(np.float32) * 257
    a += np.random.default_rng(1).normal(0, 180, a.shape)
    return np.clip(a, 0, 65535).astype(np.uint16)


def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def tifffile_rw(src, dst, compression):
    """tifffile in-process: read + write (its own timing, no interpreter start-up counted)."""
    code = ("import tifffile,time,sys;t=time.perf_counter();a=tifffile.imread(sys.argv[1]);r=time.perf_counter()-t;"
            "t=time.perf_counter();tifffile.imwrite(sys.argv[2],a,photometric='rgb',compression=None if sys.argv[3]=='none' else sys.argv[3],maxworkers=2);"
            "print(r,time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code, src, dst, compression], check=True, env=env,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def pair(a, b):
    """Alternates a() and b() RUNS times; returns their medians."""
    ta, tb = [], []
    for _ in range(RUNS):
        ta.append(a()); tb.append(b())
    return statistics.median(ta), statistics.median(tb)


rows = []
img = frame()
codec = {"none": None, "deflate": "zlib", "lzw": "lzw"}
for comp in ["none", "deflate", "lzw"]:
    src = f"{work}/src_{comp}.tif"
    tifffile.imwrite(src, img, photometric="rgb", compression=codec[comp])
    peer_r, peer_w = [], []

    def peer():
        r, w = tifffile_rw(src, f"{work}/peer_{comp}.tif", "zlib" if comp == "deflate" else comp)
        peer_r.append(r); peer_w.append(w)
        return r + w

    ours = lambda: timed([R, "convert", src, f"{work}/ours_{comp}.tif", "--compression", comp, "--force"])
    tp, to = pair(peer, ours)
    rows.append((f"TIFF 16-bit {comp}: read+write", f"tifffile {statistics.median(peer_r):.3f}+{statistics.median(peer_w):.3f} s", tp, to))
    # The same peer as a whole process (interpreter start-up and import included), like restore.
    whole = statistics.median([timed([sys.executable, "-c",
        "import tifffile,sys;a=tifffile.imread(sys.argv[1]);tifffile.imwrite(sys.argv[2],a,photometric='rgb',compression=None if sys.argv[3]=='none' else sys.argv[3],maxworkers=2)",
        src, f"{work}/peer_{comp}.tif", "zlib" if comp == "deflate" else comp]) for _ in range(RUNS)])
    rows.append((f"  same, peer as a whole process", "python3 -c 'import tifffile; ...'", whole, to))

png = f"{work}/src.png"
subprocess.run(["vips", "copy", f"{work}/src_none.tif", png], check=True, env=env)
tp, to = pair(lambda: timed(["vips", "copy", png, f"{work}/peer.png"]),
              lambda: timed([R, "convert", png, f"{work}/ours.png", "--force"]))
rows.append(("PNG 16-bit: read+write", "libvips (vips copy)", tp, to))

# Colour: conversion time = (convert --to srgb) - (plain convert), uncompressed, same process shape.
adobe = f"{work}/adobe.tif"
subprocess.run([R, "convert", f"{work}/src_none.tif", adobe, "--to", "adobe-rgb", "--compression", "none", "--force"], check=True, env=env)
plain, conv = pair(lambda: timed([R, "convert", adobe, f"{work}/a.tif", "--compression", "none", "--force"]),
                   lambda: timed([R, "convert", adobe, f"{work}/b.tif", "--to", "srgb", "--compression", "none", "--force"]))
tificc = statistics.median([timed(["tificc", "-c0", "-w16", "-o*sRGB", adobe, f"{work}/c.tif"]) for _ in range(max(1, RUNS // 2))])
mpx = W * H / 1e6
rows.append(("Adobe RGB -> sRGB 16-bit file to file", "tificc -c0 (1 thread)", tificc, conv))

mem = subprocess.run(["/usr/bin/time", "-f", "%M", R, "convert", f"{work}/src_deflate.tif", f"{work}/m.tif", "--force"],
                     env=env, capture_output=True, text=True).stderr.strip().splitlines()[-1]
mem_png = subprocess.run(["/usr/bin/time", "-f", "%M", R, "convert", png, f"{work}/m.png", "--force"],
                         env=env, capture_output=True, text=True).stderr.strip().splitlines()[-1]
float_mb = W * H * 3 * 4 / 2**20

print(f"restore I/O benchmark, {W}x{H} 16-bit RGB, 2 threads, median of {RUNS} alternating runs")
print(f"{'job':42} {'peer':34} {'peer s':>8} {'restore s':>10} {'ratio':>7}")
for job, peer, tp, to in rows:
    print(f"{job:42} {peer:34} {tp:8.3f} {to:10.3f} {to / tp:7.2f}")
print(f"colour conversion alone: {conv - plain:.3f} s = {mpx / max(conv - plain, 1e-9):.0f} Mpx/s "
      f"(convert --to srgb {conv:.3f} s minus plain convert {plain:.3f} s)")
print(f"peak memory, TIFF Deflate convert: {int(mem) / 1024:.0f} MiB = {int(mem) / 1024 / float_mb:.2f}x the decoded Float32 frame ({float_mb:.0f} MiB)")
print(f"peak memory, PNG convert: {int(mem_png) / 1024:.0f} MiB = {int(mem_png) / 1024 / float_mb:.2f}x")
