#!/usr/bin/env python3
"""PNG fixtures for the pipeline tests, written byte by byte (zlib + struct, no imaging
library): a 16x12 RGB gradient
  - corpus/pipeline/gama_chrm_rgb8.png: gAMA 0.45455 and cHRM with Adobe RGB (1998)
    primaries, no iCCP (its meaning is only in the chunks);
  - corpus/pipeline/untagged_rgb8.png: the same pixels, no colour chunks at all.
Run from this folder: python3 make_pipeline_fixtures.py"""
import struct, zlib

W, H = 16, 12

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(extra):
    raw = b""
    for y in range(H):
        raw += b"\0" + bytes(v for x in range(W) for v in (x * 16 + 8, y * 20 + 10, (x * 7 + y * 11) % 256))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)) + extra
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))

# cHRM: white, red, green, blue x/y times 100000.
chrm = struct.pack(">8I", 31270, 32900, 64000, 33000, 21000, 71000, 15000, 6000)
open("corpus/pipeline/gama_chrm_rgb8.png", "wb").write(png(chunk(b"gAMA", struct.pack(">I", 45455)) + chunk(b"cHRM", chrm)))
open("corpus/pipeline/untagged_rgb8.png", "wb").write(png(b""))
