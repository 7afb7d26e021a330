"""Run make goals, then print the time of every step: the end of `make test` and `make test-all`.

    python3 tools/steps.py [--defer] --label "make test" --steps "venv test-py lint ..." -- make ARGS...

Runs the command (a sub-make with --keep-going, so every step whose
prerequisites built runs), then prints a table of the steps recorded in the
file named by STEP_TIMES (tools/step.sh appends one line per step:
NAME, seconds, pass|fail), in the order they ended. A step of --steps that left
no line did not run (a prerequisite failed) and is listed as such; steps that
may be up to date (venv builds) are left out of --steps and listed when they ran.

Exit status: 1 when the command failed or any step recorded in STEP_TIMES
failed, else 0. With --defer it is 0 either way: a later goal of the same make
invocation (`make test test-all`) prints the whole table and fails for both.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def read(path):
    """[(name, seconds, passed)] from the times file, one entry per name, in the order the names first ended."""
    order, seconds, passed = [], {}, {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 3:
                    continue
                name, secs, status = parts
                if name not in seconds:
                    order.append(name)
                    seconds[name], passed[name] = 0.0, True
                seconds[name] += float(secs)
                passed[name] = passed[name] and status == "pass"
    return [(name, seconds[name], passed[name]) for name in order]


def table(rows, expected, label, wall, rc):
    """The table; ``wall`` is the time since make started (STEP_START), or since this command started."""
    recorded = {name for name, dummy, dummy2 in rows}
    lines = [(name, "%.0f" % secs, "pass" if ok else "FAIL") for name, secs, ok in rows]
    lines += [(name, "-", "not run: a prerequisite failed") for name in expected if name not in recorded]
    lines.append(("%s (wall clock)" % label, "%.0f" % wall, "pass" if rc == 0 else "FAIL"))
    width = max(len(name) for name, dummy, dummy2 in lines + [("step", "", "")])
    out = ["", "Step times (%s):" % label, "  %-*s  %7s  %s" % (width, "step", "seconds", "result")]
    out += ["  %-*s  %7s  %s" % (width, name, secs, result) for name, secs, result in lines]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--steps", default="", help="the step names the table must account for")
    parser.add_argument("--defer", action="store_true", help="exit 0; a later goal reports the failure")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    times = os.environ.get("STEP_TIMES")
    if not times or not command:
        parser.error("STEP_TIMES must name the times file, and a command must follow --")

    start = time.time()
    rc = subprocess.call(command)
    # STEP_START: when the top make started (the Makefile sets it), so that
    # `make test test-all` reports the whole run, not only its last goal.
    wall = time.time() - float(os.environ.get("STEP_START") or start)
    rows = read(times)
    failed = rc != 0 or any(not ok for dummy, dummy2, ok in rows)
    print(table(rows, args.steps.split(), args.label, wall, 1 if failed else 0))
    if failed:
        print("%s: FAILED (the failed steps are named above and in make's 'Error' lines)" % args.label)
    sys.stdout.flush()
    return 0 if args.defer or not failed else 1


if __name__ == "__main__":
    sys.exit(main())
