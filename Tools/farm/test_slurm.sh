#!/usr/bin/env bash
# Tools/farm/slurm_array.sh against a real single-node Slurm cluster started just for this test.
#
#   bash Tools/farm/test_slurm.sh [RESTORE_BINARY]      (default .build/release/restore)
#
# Needs slurmctld, slurmd, sbatch, sinfo, squeue, scancel (Debian: apt-get install -y slurm-wlm),
# python3, and root (both daemons run as root with auth/none: a throwaway cluster on
# free ports, with its config, state and logs in a temp folder; /etc/slurm is not used).
#
# It writes a 40-frame PNG sequence, runs `restore lut apply ... --jobs 1` once as the reference,
# then `sbatch --wait --array=0-3 slurm_array.sh lut apply ...`, and checks that each of the 40
# frames was written by exactly one task (the tasks' --report files), that the four tasks own
# the four contiguous chunks, and that every frame is byte-identical to the reference. Then it
# deletes some outputs and resubmits with --skip-existing as --array=10-16:2 (a resubmission
# after a lost node; other ids, a step): only the deleted frames may be rewritten. The daemons are stopped by pid and the
# folder deleted on every exit (KEEP=1 keeps the folder). Exits non-zero on any failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-$ROOT/.build/release/restore}
LUT=${LUT:-$ROOT/LUTs/look-teal-orange.cube}
FRAMES=40 TASKS=4
me=test_slurm
T0=$(date +%s)

fail() { echo "$me: FAIL: $*" >&2; exit 1; }
step() { echo "$me: [$(($(date +%s) - T0))s] $*"; }

[ "$(id -u)" = 0 ] || fail "run as root (the test cluster's daemons run as root)"
for c in slurmctld slurmd sbatch sinfo squeue scancel python3; do
    command -v "$c" >/dev/null || fail "$c not found (apt-get install -y slurm-wlm python3)"
done
case $BIN in /*) ;; *) BIN=$PWD/$BIN ;; esac
[ -x "$BIN" ] || fail "no restore binary at $BIN"
[ -f "$LUT" ] || fail "no LUT at $LUT"
"$BIN" lut apply --help 2>&1 | grep -q -- --shard || fail "$BIN lut apply has no --shard option"

# A hermetic environment: nothing from an enclosing Slurm job or a site config.
for v in $(compgen -e | grep -E '^(SLURM_|SBATCH_|SALLOC_|SRUN_)' || true); do unset "$v"; done
unset JOB_COMPLETION_INDEX RESTORE_THREADS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/restore-slurm.XXXXXX")
CTLD_PID= SLURMD_PID=
export SLURM_CONF=$WORK/slurm.conf

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
stop() {  # stop pid $1 (named $2): TERM, up to 10 s, then KILL
    local pid=$1 i
    alive "$pid" || return 0
    kill "$pid" 2>/dev/null || true
    for i in $(seq 50); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then echo "$me: $2 ($pid) did not stop; killing it" >&2; kill -9 "$pid" 2>/dev/null || true; fi
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local rc=$? i pid
    set +e
    trap - EXIT INT TERM
    if alive "$CTLD_PID"; then
        scancel --quiet --partition=test 2>/dev/null   # only this cluster's jobs (SLURM_CONF)
        for i in $(seq 50); do [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break; sleep 0.2; done
    fi
    stop "$SLURMD_PID" slurmd
    stop "$CTLD_PID" slurmctld
    # A job step outlives slurmd if it was still running: find ours by SLURM_CONF and end it.
    for pid in $(pgrep -x slurmstepd 2>/dev/null); do
        if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "SLURM_CONF=$SLURM_CONF"; then
            echo "$me: killing leftover slurmstepd $pid" >&2; kill -9 "$pid" 2>/dev/null
        fi
    done
    finish "$rc" 20
}
. "$HERE/common.sh"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the cluster ------------------------------------------------------------------------------
mkdir -p "$WORK"/{state,spool,log}
HOST=$(hostname -s)
read -r CTLD_PORT SLURMD_PORT < <(python3 "$HERE/farmtest.py" ports)
CPUS=$(nproc)
MEM=$(awk '/^MemTotal:/ { m = int($2 / 1024 * 0.9); print (m > 1 ? m : 1) }' /proc/meminfo)
sed -e "s|@HOST@|$HOST|g" -e "s|@ADDR@|127.0.0.1|g" -e "s|@DIR@|$WORK|g" -e "s|@CPUS@|$CPUS|g" \
    -e "s|@MEM@|$MEM|g" -e "s|@CTLD_PORT@|$CTLD_PORT|g" -e "s|@SLURMD_PORT@|$SLURMD_PORT|g" \
    "$HERE/slurm.conf.in" >"$SLURM_CONF"
step "starting slurmctld (port $CTLD_PORT) and slurmd (port $SLURMD_PORT) on $HOST, $CPUS CPUs, in $WORK"
# In the foreground (-D) under this shell, so $! is their pid from the start; -c: no saved state.
slurmctld -D -c -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
CTLD_PID=$!
for i in $(seq 100); do
    alive "$CTLD_PID" || fail "slurmctld exited at start"
    scontrol ping 2>/dev/null | grep -q 'is UP' && break
    sleep 0.2
done
scontrol ping 2>/dev/null | grep -q 'is UP' || fail "slurmctld did not answer in 20 s"
slurmd -D -c -f "$SLURM_CONF" -N "$HOST" >"$WORK/log/slurmd.out" 2>&1 &
SLURMD_PID=$!
state=
for i in $(seq 150); do
    alive "$SLURMD_PID" || fail "slurmd exited at start"
    state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
    [ "$state" = idle ] && break
    sleep 0.2
done
[ "$state" = idle ] || fail "node $HOST is '${state:-unknown}', not idle, after 30 s"
step "node $HOST idle"

# --- the shot and the reference ---------------------------------------------------------------
cd "$WORK"
python3 "$HERE/farmtest.py" frames in "$FRAMES"
step "reference: restore lut apply ... --jobs 1"
"$BIN" lut apply "$LUT" 'in/src.%04d.png' 'ref/out.%04d.png' --jobs 1 --quiet >log/ref.out 2>&1 ||
    fail "the reference run failed (exit $?): $(tail -n 5 log/ref.out)"

# --- the farm run -----------------------------------------------------------------------------
export RESTORE_BIN=$BIN
submit() {  # submit ARRAY REPORTDIR EXTRA...: an array of slurm_array.sh, waiting for it (90 s at most)
    local array=$1 reports=$2
    shift 2
    local rc=0 job
    timeout 90 sbatch --wait --parsable --array="$array" --output="$WORK/log/task-%A_%a.log" \
        "$HERE/slurm_array.sh" lut apply "$LUT" 'in/src.%04d.png' 'farm/out.%04d.png' \
        --report "$reports/report.%a.json" --quiet "$@" >log/sbatch.out 2>&1 || rc=$?
    [ "$rc" = 124 ] && fail "sbatch --wait --array=$array did not finish in 90 s: $(squeue 2>&1)"
    if [ "$rc" != 0 ]; then
        job=$(head -n 1 log/sbatch.out | cut -d';' -f1)
        fail "sbatch --wait --array=$array exited $rc; its tasks:"$'\n'"$(scontrol -o show job "$job" 2>&1 |
            grep -oE 'ArrayTaskId=[^ ]+|JobState=[^ ]+|ExitCode=[^ ]+' | paste -d' ' - - - ||
            cat log/sbatch.out)"
    fi
}
step "sbatch --wait --array=0-$((TASKS - 1)) slurm_array.sh lut apply ..."
submit "0-$((TASKS - 1))" reports
logs=$(ls log/task-*_*.log 2>/dev/null | wc -l)
[ "$logs" = "$TASKS" ] || fail "$logs task logs, expected $TASKS"
reports=()
for i in $(seq 0 $((TASKS - 1))); do
    [ -f "reports/report.$i.json" ] || fail "task $i wrote no report (reports/report.$i.json)"
    reports+=("reports/report.$i.json")
done
python3 "$HERE/farmtest.py" check --ref ref --out farm --count "$FRAMES" --shards "$TASKS" "${reports[@]}"

# --- a requeue: some outputs lost, the array resubmitted with --skip-existing ------------------
python3 "$HERE/farmtest.py" stamp farm >log/before.txt
rm farm/out.0003.png farm/out.0017.png farm/out.0040.png
step "resubmit as --array=10-$((10 + 2 * (TASKS - 1))):2 with --skip-existing after deleting 3 outputs"
submit "10-$((10 + 2 * (TASKS - 1))):2" reports2 --skip-existing
reports=()
for i in $(seq 10 2 $((10 + 2 * (TASKS - 1)))); do
    [ -f "reports2/report.$i.json" ] || fail "task $i of the rerun wrote no report"
    reports+=("reports2/report.$i.json")
done
python3 "$HERE/farmtest.py" check --ref ref --out farm --count "$FRAMES" --shards "$TASKS" --done 3,17,40 "${reports[@]}"
python3 "$HERE/farmtest.py" stamp farm >log/after.txt
changed=$(diff log/before.txt log/after.txt | grep '^>' | awk '{print $2}' | tr '\n' ' ' || true)
[ "$changed" = "out.0003.png out.0017.png out.0040.png " ] ||
    fail "the --skip-existing rerun rewrote '${changed}', expected only out.0003.png out.0017.png out.0040.png"
step "rerun rewrote only the 3 deleted frames"
