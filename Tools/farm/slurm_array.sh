#!/usr/bin/env bash
# One Slurm array task of a `restore` batch: runs `restore ARGS... --shard auto`, so task K of an
# N-task array (K = (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / STEP + 1, N = SLURM_ARRAY_TASK_COUNT)
# takes the K-th of N contiguous chunks of the sorted frame list. Every frame goes to exactly one
# task, whatever the frame count; the array size is the chunk count, not the frame count
# (MaxArraySize defaults to 1001).
#
# Usage:
#   sbatch --array=0-9 Tools/farm/slurm_array.sh lut apply LUT 'in/seq.%04d.png' 'out/seq.%04d.png' --skip-existing
#   sbatch --array=0-9%4 ...                     # at most 4 tasks at once (a throttle is fine)
#   RESTORE_BIN=/opt/restore/bin/restore sbatch --array=0-9 Tools/farm/slurm_array.sh ...
#
#   - restore is $RESTORE_BIN, else the first `restore` on the task's PATH (sbatch passes the
#     submitting shell's environment on by default).
#   - Relative paths are relative to the folder sbatch was run in (or sbatch --chdir).
#   - In a --report value, %A becomes the array's job id and %a the task's array index, as in
#     sbatch's own file names: --report 'reports/%A_%a.json' gives one report per task (its
#     folder is created).
#   - Submit one range, --array=A-B (or A-B:S, with an optional %throttle): task ids then map
#     onto chunks 1..COUNT. A list such as 1,4,7,8 does not (Slurm reports it with step 1); this
#     script refuses it rather than run the wrong chunks.
#   - Pass --skip-existing so that a requeued or resubmitted task resumes. To rerun one failed or
#     lost task, `scontrol requeue JOBID_INDEX`: it keeps its index, so its chunk (Slurm holds a
#     requeued job for about two minutes before it may start). Or submit the same whole array
#     again with --skip-existing: finished frames are skipped.
#   - Restore's worker threads follow the CPUs Slurm gave the task (sbatch --cpus-per-task=N)
#     unless RESTORE_THREADS is set.
#   - Exit status is restore's: 0 all written or skipped, 1 some frames failed, 2 usage error,
#     3 input unreadable, 4 output unwritable, 130 interrupted (this script's own refusals are 2).
#     A non-zero status marks the task FAILED; `sbatch --wait` exits with the highest status of
#     any task.
#
#SBATCH --job-name=restore
#SBATCH --output=restore-%A_%a.log
#SBATCH --open-mode=append
#SBATCH --requeue
set -uo pipefail
me=slurm_array.sh

if [ -z "${SLURM_ARRAY_TASK_ID:-}" ]; then
    echo "$me: not a Slurm array task; submit it with: sbatch --array=0-N $me ARGS..." >&2
    exit 2
fi
min=${SLURM_ARRAY_TASK_MIN:?} max=${SLURM_ARRAY_TASK_MAX:?} count=${SLURM_ARRAY_TASK_COUNT:?}
step=${SLURM_ARRAY_TASK_STEP:-1}
if [ "$step" -lt 1 ] || [ $(((max - min) % step)) -ne 0 ] || [ $(((max - min) / step + 1)) -ne "$count" ]; then
    echo "$me: array ${SLURM_ARRAY_JOB_ID:-?} is not one range A-B[:S] (min $min, max $max, count $count," \
        "step $step); submit --array=A-B so that task ids map onto chunks 1..count" >&2
    exit 2
fi
if [ $# -eq 0 ]; then
    echo "$me: no restore arguments (e.g. lut apply LUT IN OUT)" >&2
    exit 2
fi

bin=${RESTORE_BIN:-$(command -v restore || true)}
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "$me: restore not found: set RESTORE_BIN or put restore on PATH (RESTORE_BIN='${RESTORE_BIN:-}')" >&2
    exit 2
fi

if [ -z "${RESTORE_THREADS:-}" ]; then
    cpus=${SLURM_CPUS_PER_TASK:-${SLURM_CPUS_ON_NODE:-}}
    [ -n "$cpus" ] && export RESTORE_THREADS=$cpus
fi

# %A / %a in --report's value (only there: %04d in frame patterns is left alone), and its
# folder made (restore creates it too; done here so the log names it first).
expand() {
    local v=$1
    v=${v//\%A/${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}}
    v=${v//\%a/$SLURM_ARRAY_TASK_ID}
    case $v in */*) mkdir -p -- "${v%/*}" ;; esac
    printf '%s' "$v"
}
args=() prev=
for a in "$@"; do
    if [ "$prev" = --report ]; then
        a=$(expand "$a")
    elif [[ $a == --report=* ]]; then
        a=--report=$(expand "${a#--report=}")
    fi
    args+=("$a")
    prev=$a
done

echo "$me: job ${SLURM_ARRAY_JOB_ID:-?}_${SLURM_ARRAY_TASK_ID} (chunk $(((SLURM_ARRAY_TASK_ID - min) / step + 1)) of $count)" \
    "on $(hostname -s), restart ${SLURM_RESTART_COUNT:-0}: $bin ${args[*]} --shard auto" >&2
exec "$bin" "${args[@]}" --shard auto
