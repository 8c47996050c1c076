#!/usr/bin/env python3
"""Helpers for Tools/farm/test_slurm.sh and test_openjd.sh (plain python3: no numpy, no PIL).

  farmtest.py frames DIR COUNT [FIRST]
      Writes COUNT small distinct 64x48 RGB 8-bit PNGs DIR/src.%04d.png, frames FIRST.. (default 1).

  farmtest.py ports
      Prints two free TCP ports (for SlurmctldPort and SlurmdPort).

  farmtest.py check --ref REF --out OUT --count N [--shards K] [--ranges] REPORT...
      Checks that OUT holds exactly the N frames out.NNNN.png of REF, byte for byte, and that
      the REPORTs (restore --report JSON, one per task) name every output frame exactly once.
      An output is an item's "output" where the report has restore's "items" list, else any
      string in it that ends in OUT's folder name + /out.NNNN.png (or is a bare out.NNNN.png).
      --shards K: the REPORTs are shards 1..K in order; each must own exactly the K-th of K
                  contiguous chunks of the sorted frames, items [floor((K-1)n/N), floor(Kn/N)).
      --done F:   the items of frames F (--frames syntax) must have status "done", the rest
                  "skipped" (without --done: all "done"), where a report has restore's items
                  [{"output", "status"}] layout.
      --ranges:   each REPORT's file name holds its frames in --frames syntax (report.11-20.json,
                  report.1-10x3.json, report.8-10,20.json) and it must own exactly those frames.

  farmtest.py stamp DIR        Prints "name inode mtime_ns" for each file in DIR (sorted).
"""
import json
import os
import re
import socket
import struct
import sys
import zlib


def fail(msg):
    print(f"farmtest: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def png(path, width, height, rows):
    """An 8-bit RGB PNG from `rows` (height byte strings of width*3 bytes), filter 0."""
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def frames(folder, count, first=1):
    os.makedirs(folder, exist_ok=True)
    w, h = 64, 48
    for i in range(count):
        f = first + i
        # Gradients that shift with the frame, and a bright 8x8 square that moves with it, so
        # every frame differs.
        sx, sy = (f * 5) % (w - 8), (f * 3) % (h - 8)
        rows = []
        for y in range(h):
            row = bytearray(w * 3)
            for x in range(w):
                if sx <= x < sx + 8 and sy <= y < sy + 8:
                    px = (250, 240, 30)
                else:
                    px = ((x * 4 + f * 7) % 256, (y * 5 + f * 3) % 256, ((x + y) * 2 + f * 11) % 256)
                row[x * 3:x * 3 + 3] = bytes(px)
            rows.append(bytes(row))
        png(os.path.join(folder, f"src.{f:04d}.png"), w, h, rows)


def ports():
    socks = [socket.socket() for _ in range(2)]
    for s in socks:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("", 0))
    print(*(s.getsockname()[1] for s in socks))
    for s in socks:
        s.close()


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def check(argv):
    import argparse
    p = argparse.ArgumentParser(prog="farmtest.py check")
    p.add_argument("--ref", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--shards", type=int)
    p.add_argument("--ranges", action="store_true")
    p.add_argument("--done", help="frames (--frames syntax) whose items must be 'done'; the rest 'skipped'")
    p.add_argument("reports", nargs="*")
    a = p.parse_args(argv)

    name = re.compile(r"^out\.(\d{4})\.png$")
    ref = sorted(n for n in os.listdir(a.ref) if name.match(n))
    if len(ref) != a.count:
        fail(f"the reference run wrote {len(ref)} frames to {a.ref}, expected {a.count}")
    out = sorted(os.listdir(a.out)) if os.path.isdir(a.out) else []
    missing = sorted(set(ref) - set(out))
    extra = sorted(set(out) - set(ref))
    if missing:
        fail(f"{len(missing)} frames missing from {a.out}: {' '.join(missing[:10])}")
    if extra:
        fail(f"unexpected files in {a.out}: {' '.join(extra[:10])}")
    differ = []
    for n in ref:
        with open(os.path.join(a.ref, n), "rb") as r, open(os.path.join(a.out, n), "rb") as o:
            if r.read() != o.read():
                differ.append(n)
    if differ:
        fail(f"{len(differ)} frames differ from the single-process reference: {' '.join(differ[:10])}")

    all_frames = sorted(int(name.match(n).group(1)) for n in ref)
    if not a.reports:
        print(f"farmtest: ok: {len(ref)} frames identical to the reference (no reports checked)")
        return
    folder = os.path.basename(os.path.normpath(a.out))
    owned = re.compile(r"(?:^|/)" + re.escape(folder) + r"/out\.(\d{4})\.png$|^out\.(\d{4})\.png$")
    owner = {}
    for idx, rp in enumerate(a.reports):
        try:
            with open(rp) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            fail(f"report {rp}: {e}")
        mine, status = set(), {}
        # restore's layout: items [{"output": ..., "status": "done"|"skipped"|"failed", ...}].
        items = doc.get("items") if isinstance(doc, dict) else None
        structured = isinstance(items, list) and items and all(
            isinstance(i, dict) and isinstance(i.get("output"), str) and "status" in i for i in items)
        for s in ([i["output"] for i in items] if structured else strings(doc)):
            m = owned.search(s)
            if m:
                mine.add(int(m.group(1) or m.group(2)))
        if structured:
            for i in items:
                m = owned.search(i["output"])
                if m:
                    status[int(m.group(1) or m.group(2))] = i["status"]
            done = frame_set(a.done) if a.done else None
            for fr, st in sorted(status.items()):
                want = ("done" if fr in done else "skipped") if done is not None else "done"
                if st != want:
                    fail(f"report {rp}: frame {fr} has status '{st}', expected '{want}'")
        for fr in sorted(mine):
            if fr in owner:
                fail(f"frame {fr} was written by two tasks: {owner[fr]} and {rp}")
            owner[fr] = rp
        mine = sorted(mine)
        if a.shards:
            k, n, cnt = idx + 1, a.shards, len(all_frames)
            want = all_frames[(k - 1) * cnt // n: k * cnt // n]
            if mine != want:
                fail(f"report {rp} (shard {k}/{n}) lists frames {fmt(mine)}, expected {fmt(want)}")
        if a.ranges:
            m = re.search(r"report\.([0-9x,-]+)\.json$", rp)
            if not m:
                fail(f"report {rp}: no frame range in its name")
            spec = frame_set(m.group(1))
            want = [f for f in all_frames if f in spec]
            if mine != want:
                fail(f"report {rp} lists frames {fmt(mine)}, expected {fmt(want)}")
    if a.shards and len(a.reports) != a.shards:
        fail(f"{len(a.reports)} reports for {a.shards} shards")
    unowned = [f for f in all_frames if f not in owner]
    if unowned:
        fail(f"{len(unowned)} frames are in no task's report: {fmt(unowned)}")
    print(f"farmtest: ok: {len(ref)} frames identical to the reference, each in exactly one of "
          f"{len(a.reports)} task reports")


def frame_set(spec):
    """restore's --frames syntax: 1001-1100, 1-10x3, 1,5,10-20."""
    out = set()
    for part in spec.split(","):
        rng, _, step = part.partition("x")
        lo, _, hi = rng.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1, int(step or 1)))
    return out


def fmt(frames):
    if not frames:
        return "(none)"
    return f"{frames[0]}-{frames[-1]} ({len(frames)})" if frames == list(range(frames[0], frames[-1] + 1)) \
        else ",".join(map(str, frames))


def stamp(folder):
    for n in sorted(os.listdir(folder)):
        st = os.stat(os.path.join(folder, n))
        print(n, st.st_ino, st.st_mtime_ns)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "frames" and len(rest) in (2, 3):
        frames(rest[0], int(rest[1]), int(rest[2]) if len(rest) == 3 else 1)
    elif cmd == "ports" and not rest:
        ports()
    elif cmd == "check":
        check(rest)
    elif cmd == "stamp" and len(rest) == 1:
        stamp(rest[0])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
