# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmarks, run small, so that `make bench` and `make bench-fleet` keep working.

Each script checks exact counts of its own (API calls from the emulator's log,
writes, failed hosts, duplicates, apps equal to their declaration) and exits 1
when one is wrong; bench_trigger prints its counts, checked here. Nothing here
looks at a time: at these sizes the figures mean nothing.
"""

from __future__ import absolute_import, division, print_function

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(script, *args):
    proc = subprocess.run([sys.executable, os.path.join(HERE, script)] + list(args), capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, "%s %s exited %d:\n%s\n%s" % (script, " ".join(args), proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:])
    return proc.stdout


def test_bench_trigger_small():
    out = run("bench_trigger.py", "--tasks", "2", "--rounds", "1")
    assert "API calls: kochava_trigger 2 (1.00 per task, 0 writes, 0 changed); uri 2 (1.00 per task)" in out
    assert re.search(r"^ratio trigger/uri: median [0-9.]+, p10 -?[0-9.]+, p90 [0-9.]+", out, re.M)  # p10 of 2 points may extrapolate below 0


def test_bench_scale_small():
    """60 triggers in 2 pages: every set case, the result case and the uri pages, with their exact calls."""
    out = run("bench_scale.py", "--triggers", "60", "--rounds", "1", "--skip-loop", "--no-profile")
    assert "page size 50 -> 2 pages" in out
    assert "(a) result:" in out and "API calls 0 per task" in out.split("(a) result:")[1].splitlines()[0]
    assert "(a) triggers by name:" in out and "API calls 3 per task" in out.split("(a) triggers by name:")[1].splitlines()[0]
    assert out.rstrip().endswith("exact counts: all as expected")


def test_bench_fleet_small():
    """4 apps under a limit of 20 requests/s, 2 concurrent slices: no host fails, nothing is duplicated."""
    out = run("bench_fleet.py", "--apps", "4", "--slices", "2", "--forks", "4", "--rate", "20", "--burst", "5")
    assert re.search(r"^goal 0 hosts failed, 0 duplicates, every app equal to its declaration +met$", out, re.M)
    for phase in ("create", "converged", "slices"):
        assert re.search(r"^ +hosts failed 0 of 4, changed \d+, duplicates 0, apps equal to their declaration 4 of 4$", out.split("\n%s " % phase, 1)[1], re.M)


def test_bench_edges_small():
    """The gzip bomb and trickled headers, with a 3 s timeout (time enough to read 16 MiB on a busy machine): attempts counted, no write."""
    out = run("bench_edges.py", "--timeout", "3", "--cases", "baseline,bomb,trickle_headers")
    for case in ("baseline", "bomb", "trickle_headers"):
        assert re.search(r"^%s +.* peak +[0-9.]+ MB  wall +[0-9.]+ s  attempts %d " % (case, 1 if case == "baseline" else 2), out, re.M), out
    assert out.rstrip().endswith("exact counts: all as expected")
