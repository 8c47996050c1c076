# Shared by the farm tests (sourced): the end of a test run, whatever its outcome.
# finish RC TAIL_LINES — on failure print the tail of every log under $WORK/log, remove $WORK
# (KEEP=1 keeps it), print PASS or FAIL with the time since $T0, and exit RC. Needs $me, $WORK, $T0.
finish() {
    local rc=$1 lines=$2 f
    if [ "$rc" != 0 ]; then
        for f in "$WORK"/log/*; do
            [ -f "$f" ] && { echo "---- ${f#$WORK/} (last $lines lines)" >&2; tail -n "$lines" "$f" >&2; }
        done
    fi
    if [ "${KEEP:-0}" = 1 ]; then echo "$me: kept $WORK" >&2; else rm -rf "$WORK"; fi
    [ "$rc" = 0 ] && echo "$me: PASS in $(($(date +%s) - T0))s" || echo "$me: FAIL (exit $rc)" >&2
    exit "$rc"
}
