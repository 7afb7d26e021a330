#!/usr/bin/env bash
# Run one step of `make test` and record its time.
#
#   tools/step.sh NAME COMMAND [ARGS...]
#
# Runs COMMAND and exits with its status. When STEP_TIMES names a file (the
# Makefile sets it for `make test` / `make test-all`), appends one line to it:
#   NAME<TAB>SECONDS<TAB>pass|fail
# tools/steps.sh prints those lines as a table. A step made of several
# commands records several lines under one NAME; the table adds them up.
set -uo pipefail

name=$1
shift
start=$(date +%s.%N)
"$@"
rc=$?
if [ -n "${STEP_TIMES:-}" ]; then
    end=$(date +%s.%N)
    status=pass
    [ "$rc" -eq 0 ] || status=fail
    mkdir -p "$(dirname "$STEP_TIMES")"
    # One short line, appended in one write: concurrent steps (make -j) do not interleave.
    printf '%s\t%.1f\t%s\n' "$name" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" "$status" >>"$STEP_TIMES"
fi
exit "$rc"
