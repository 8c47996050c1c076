#!/usr/bin/env bash
# Tools/farm/restore.openjd.yaml under `openjd run` (Open Job Description's local runner, the job
# format of AWS Deadline Cloud), against a single-process reference run.
#
#   bash Tools/farm/test_openjd.sh [RESTORE_BINARY]     (default .build/release/restore)
#
# Needs openjd (pip install openjd-cli; 0.8+ for the TASK_CHUNKING extension) and python3.
# It writes a 40-frame PNG sequence, runs `restore lut apply ... --jobs 1` as the
# reference, checks the template (`openjd check`), runs all of its tasks (Frames=1-40,
# ChunkSize=12: openjd balances the chunks, 1-10 11-20 21-30 31-40) and checks that each frame was written by
# exactly the task whose chunk holds it (the tasks' --report files) and is byte-identical to the
# reference. Then it deletes two outputs and runs the job again (SkipExisting=yes): only those
# two may be rewritten. The temp folder is deleted on every exit (KEEP=1 keeps it).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-$ROOT/.build/release/restore}
LUT=${LUT:-$ROOT/LUTs/look-teal-orange.cube}
TEMPLATE=$HERE/restore.openjd.yaml
FRAMES=40 CHUNK=12 CHUNKS=4
me=test_openjd
T0=$(date +%s)

fail() { echo "$me: FAIL: $*" >&2; exit 1; }
step() { echo "$me: [$(($(date +%s) - T0))s] $*"; }

for c in openjd python3; do
    command -v "$c" >/dev/null || fail "$c not found (pip install openjd-cli; apt-get install -y python3)"
done
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || fail "no restore binary at $BIN"
[ -f "$LUT" ] || fail "no LUT at $LUT"
"$BIN" lut apply --help 2>&1 | grep -q -- --frames || fail "$BIN lut apply has no --frames option"
unset SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX RESTORE_THREADS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/restore-openjd.XXXXXX")
cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    finish "$rc" 30
}
. "$HERE/common.sh"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$WORK"
mkdir log
step "openjd $(openjd --version 2>&1 | tr -d '\n'): openjd check"
openjd check "$TEMPLATE" >log/check.out 2>&1 || fail "openjd check: $(cat log/check.out)"

python3 "$HERE/farmtest.py" frames in "$FRAMES"
step "reference: restore lut apply ... --jobs 1"
"$BIN" lut apply "$LUT" 'in/src.%04d.png' 'ref/out.%04d.png' --jobs 1 --quiet >log/ref.out 2>&1 ||
    fail "the reference run failed (exit $?): $(tail -n 5 log/ref.out)"

run_job() {  # run_job LOGNAME: all tasks of the template, 90 s at most
    local rc=0
    # Absolute paths: openjd run makes relative PATH parameters absolute too, a farm would not.
    timeout 90 openjd run "$TEMPLATE" --timestamp-format relative \
        -p RestoreBin="$BIN" -p LutFile="$LUT" \
        -p InputPattern="$WORK/in/src.%04d.png" -p OutputPattern="$WORK/farm/out.%04d.png" \
        -p Frames="1-$FRAMES" -p ChunkSize="$CHUNK" -p SkipExisting=yes -p ReportDir="$WORK/$1" \
        >"log/$1.out" 2>&1 || rc=$?
    [ "$rc" = 124 ] && fail "openjd run did not finish in 90 s"
    [ "$rc" = 0 ] || fail "openjd run exited $rc: $(grep -E 'exited with code: [1-9]|ERROR|rror' "log/$1.out" | head -n 10)"
    grep -q 'Session ended successfully' "log/$1.out" || fail "openjd run: no 'Session ended successfully' in its log"
    local chunks
    chunks=$(sed -n 's/^Chunks run: //p' "log/$1.out")
    [ "$chunks" = "$CHUNKS" ] || fail "openjd run ran '${chunks}' chunks, expected $CHUNKS"
}
step "openjd run (Frames=1-$FRAMES, ChunkSize=$CHUNK)"
run_job reports
reports=("$WORK"/reports/report.*.json)
[ "${#reports[@]}" = "$CHUNKS" ] && [ -f "${reports[0]}" ] ||
    fail "$(ls reports 2>/dev/null | wc -l) report files in reports/, expected $CHUNKS"
python3 "$HERE/farmtest.py" check --ref ref --out farm --count "$FRAMES" --ranges "${reports[@]}"

python3 "$HERE/farmtest.py" stamp farm >log/before.txt
rm farm/out.0001.png farm/out.0030.png
step "openjd run again (SkipExisting=yes) after deleting 2 outputs"
run_job reports2
reports=("$WORK"/reports2/report.*.json)
python3 "$HERE/farmtest.py" check --ref ref --out farm --count "$FRAMES" --ranges --done 1,30 "${reports[@]}"
python3 "$HERE/farmtest.py" stamp farm >log/after.txt
changed=$(diff log/before.txt log/after.txt | grep '^>' | awk '{print $2}' | tr '\n' ' ' || true)
[ "$changed" = "out.0001.png out.0030.png " ] ||
    fail "the SkipExisting rerun rewrote '${changed}', expected only out.0001.png out.0030.png"
step "rerun rewrote only the 2 deleted frames"
