#!/usr/bin/env bash
# Post-production formats (issue #18), us and oiiotool on the same files in one run, each as a
# whole process (median of RUNS, default 5):
#   1. a 4K (4096 × 2160) half-float RGB OpenEXR, read and written again with ZIP, then PIZ;
#   2. a 4K 10-bit DPX (filled method A) read and written again as 10-bit DPX.
# The picture is a natural-looking HDR frame (a smooth gradient with noise and highlights to
# 6.0, from oiiotool), so compression works as on real plates. Target: ratio ≤ 1.0.
#   bash Benchmarks/formats.sh [RUNS]        (release build; oiiotool from openimageio-tools)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build/release/restore}
RUNS=${1:-5}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
command -v oiiotool >/dev/null || { echo "oiiotool is needed (apt-get install openimageio-tools)" >&2; exit 1; }
oiiotool --pattern fill:topleft=0.02,0.03,0.05:topright=6,2,0.5:bottomleft=0.1,0.5,1:bottomright=1,3,6 4096x2160 3 \
  --noise:type=gaussian:mean=0:stddev=0.02 -d half --compression zip -o "$T/plate_zip.exr"
oiiotool "$T/plate_zip.exr" --compression piz -o "$T/plate_piz.exr"
oiiotool "$T/plate_zip.exr" --clamp:min=0:max=1 -d uint10 -o "$T/plate.dpx"
median() { python3 -c "import statistics,sys; print(statistics.median(map(float, sys.argv[1:])))" "$@"; }
time_it() {  # RUNS times, median seconds
  local ts=()
  for _ in $(seq "$RUNS"); do
    local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; local t1; t1=$(date +%s.%N)
    ts+=("$(python3 -c "print($t1-$t0)")")
  done
  median "${ts[@]}"
}
row() {  # label, ours, peer
  printf '%-34s restore %6.3f s   oiiotool %6.3f s   ratio %s (target ≤ 1.0)\n' "$1" "$2" "$3" "$(python3 -c "print(f'{$2/$3:.2f}')")"
}
echo "machine: $(nproc) cores; $(oiiotool --version | head -1); files: $(du -h "$T/plate_zip.exr" | cut -f1) ZIP, $(du -h "$T/plate_piz.exr" | cut -f1) PIZ, $(du -h "$T/plate.dpx" | cut -f1) DPX"
for c in zip piz; do
  ours=$(time_it "$BIN" convert "$T/plate_$c.exr" "$T/ours_$c.exr" --compression $c --force)
  peer=$(time_it oiiotool "$T/plate_$c.exr" --compression $c -o "$T/oiio_$c.exr")
  row "4K half EXR read + write ($c)" "$ours" "$peer"
  oiiotool --diff "$T/ours_$c.exr" "$T/oiio_$c.exr" | grep -E "PASS|FAIL" | sed 's/^/    same pixels as oiiotool: /'
done
ours=$(time_it "$BIN" convert "$T/plate.dpx" "$T/ours.dpx" --depth 10 --force)
peer=$(time_it oiiotool "$T/plate.dpx" -d uint10 -o "$T/oiio.dpx")
row "4K 10-bit DPX read + write" "$ours" "$peer"
oiiotool --diff "$T/ours.dpx" "$T/oiio.dpx" | grep -E "PASS|FAIL" | sed 's/^/    same pixels as oiiotool: /'
