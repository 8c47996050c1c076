#!/bin/bash
# The scenarios issue #13 measured, as exit codes and facts, for any restore binary (run it
# with an old build beside a new one to compare):  bash Benchmarks/plan_scenarios.sh BINARY
B=$1; R=$(cd "$(dirname "$0")/.." && pwd); F=$R/Tests/Fixtures/corpus; T=$(mktemp -d)
printf 'LUT_3D_SIZE 2\n0 0 0\n1 0 0\n0 1 0\n1 1 0\n0 0 1\n1 0 1\n0 1 1\n1 1 1\n' > $T/id.cube
printf 'LUT_1D_SIZE 3\n0 0 0\n0.25 0.25 0.25\n1 1 1\n' > $T/sq.cube
$B lut apply $T/id.cube $F/pipeline/gama_chrm_rgb8.png $T/g.png --space srgb; echo "gAMA+lut --space: exit $?, $($B info $T/g.png | grep ^icc)"
$B run $F/pipeline/untagged_rgb8.png $T/a.png --denoise off --lut $T/sq.cube --lut-space srgb --assume-profile adobe-rgb 2>/dev/null
$B run $F/pipeline/untagged_rgb8.png $T/b.png --denoise off --lut $T/sq.cube --lut-space srgb 2>/dev/null
cmp -s $T/a.png $T/b.png && echo "assume-profile + LUT: identical (ignored)" || echo "assume-profile + LUT: differs (honoured)"
for a in "--scale 9" "--denoise 1e308"; do $B run $F/im_rgba16.png $T/s.png $a >/dev/null 2>$T/err; echo "$a: exit $? $(head -c 120 $T/err)"; rm -f $T/s.png; done
for st in "upscale: {scale: nan}" "upscale: {scale: 1e9}" "upscale: {scale: -2}" "denoise: {sigma: 1e308}" "lut: {file: $T/id.cube, strength: 1e308}"; do
  printf 'presets:\n  p:\n    - %s\n' "$st" > $T/c.yaml
  timeout 20 $B run $F/im_rgb16.png $T/p.png --config $T/c.yaml --preset p >/dev/null 2>$T/err; echo "config $st: exit $? $(head -c 140 $T/err | tr '\n' ' ')"; rm -f $T/p.png
done
s=$(date +%s.%N); $B run $R/Samples/baboon-alpha.png $T/x.jpg --scale 2 2>$T/err; e=$?; echo "RGBA→JPEG --scale 2: exit $e in $(echo "$(date +%s.%N) - $s" | bc) s: $(head -c 100 $T/err)"
# (a binary built from this checkout still finds its data through the compiled-in package path;
#  on a machine without the checkout it finds none and the default preset fails, exit 2)
mkdir -p $T/bin; cp $B $T/bin/restore; RESTORE_DATA_DIR= $T/bin/restore $F/im_rgb16.png $T/d.png 2>$T/err; echo "copied binary, default preset: exit $? $(head -c 160 $T/err)"
rm -rf $T
