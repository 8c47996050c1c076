#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser: builds the harnesses with libFuzzer and
# AddressSanitizer (Swift's -sanitize=fuzzer,address) into .build-fuzz, then runs each target
# for SECONDS (default 20) from a copy of its seed corpus. A crash stops with the input saved
# under .build-fuzz/artifacts/TARGET/; add it to Fuzz/crashers/TARGET/ as a regression fixture.
#   bash Fuzz/run.sh [SECONDS] [TARGET…]       (CI: 20 s each; offline: ≥ 1 h or 1,000,000 runs)
#   FUZZ_RUNS=1000000 bash Fuzz/run.sh 3600    (stops each target at 10⁶ executions or 1 h)
#   FUZZ_TIMEOUT=60 …                          (seconds one input may take; default 10: a legal
#                                               14-megapixel TIFF of 1 KB takes ~11 s under ASan)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-20}; shift || true
swift build --scratch-path .build-fuzz --product restore-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING 2>&1 | grep -v "ld.gold: warning" | tail -2
BIN=$(swift build --scratch-path .build-fuzz --show-bin-path)/restore-fuzz
# Every harness of Fuzz/Harness/FuzzTargets.swift (FuzzRegressionTests checks this list is whole).
ALL="png tiff jpeg exr dpx cube 3dl spi1d spi3d csp clf cdl hald ncnn onnx safetensors config manifest raw frames elf"
TARGETS=${*:-$ALL}
printf '%-12s %12s %10s %s\n' target executions seconds result
status=0
for t in $TARGETS; do
  work=.build-fuzz/corpus/$t; art=.build-fuzz/artifacts/$t; mkdir -p "$work" "$art"
  cp -n Fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  log=.build-fuzz/$t.log
  set +e
  RESTORE_FUZZ_TARGET=$t ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    "$BIN" "$work" -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=4096 -malloc_limit_mb=3072 \
    -timeout=${FUZZ_TIMEOUT:-10} -artifact_prefix="$art/" -print_final_stats=1 ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} >"$log" 2>&1
  code=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  secs=$(sed -n 's/.*Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  if [ $code -eq 0 ]; then result="0 crashes"; else result="FAILED (exit $code; see $log, $art)"; status=1; fi
  printf '%-12s %12s %10s %s\n' "$t" "${runs:-?}" "${secs:-?}" "$result"
done
exit $status
