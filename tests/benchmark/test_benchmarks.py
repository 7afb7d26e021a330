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
    """Both paths and uri, one call each per task, and the goal lines of each path."""
    out = run("bench_trigger.py", "--tasks", "2", "--rounds", "1")
    assert "API calls: in-process 2 (1.00 per task), module path 2 (1.00 per task), uri 2 (1.00 per task)" in out
    for kind in ("in-process", "module"):  # p10 of 2 points may extrapolate below 0
        assert re.search(r"^ratio %s/uri: median [0-9.]+, p10 -?[0-9.]+, p90 [0-9.]+ -> goal <= [0-9.]+ (MET|MISSED)" % kind, out, re.M)
    assert out.rstrip().endswith("exact counts: all as expected")


def case_line(out, label):
    return out.split("(a) %s:" % label, 1)[1].splitlines()[0]


def test_bench_scale_small():
    """60 triggers in 2 pages: every set case on both paths, the floors, the result cases, the uri pages
    and the four loops (3 items; the module path's 2), with their exact calls."""
    out = run("bench_scale.py", "--triggers", "60", "--rounds", "1", "--loop", "3", "--sample", "2", "--no-profile")
    assert "page size 50 -> 2 pages" in out
    for label in ("noop", "result"):
        assert "API calls 0 per task" in case_line(out, label)
    for label in ("floor", "floor in-process", "result in-process", "engine", "engine lean", "triggers by id", "module by id", "module hidden key"):
        assert "API calls 2 per task" in case_line(out, label), label
    assert "API calls 3 per task" in case_line(out, "triggers by name")
    assert "(module path: kochava_in_process: false)" in case_line(out, "module by id")
    for goal in ("set/in-process floor", "set/no-op module", "hidden/plain (hidden_context_keys: [cpi_mostback_url], in every item"):
        assert re.search(r"^  ratio %s.* -> goal <?=? ?[0-9.]+ (MET|MISSED)$" % re.escape(goal), out, re.M), goal
    assert re.search(r"^  in-process: .*: 3 items, API calls 6 \(2.0 an item\)", out, re.M)
    assert re.search(r"^  module: .*: 2 items, API calls 4 \(2.0 an item\)", out, re.M)
    assert re.search(r"^  debug: .*: 3 items, API calls 0 ", out, re.M)
    assert len(re.findall(r"^  goal: in-process item .* -> (MET|MISSED)$", out, re.M)) == 2
    assert out.rstrip().endswith("exact counts: all as expected")


def test_bench_scale_profile_small():
    """The profile runs (imports, payloads, main(), run_set's result costs, the workers' cProfile and CPU) and writes nothing."""
    out = run("bench_scale.py", "--triggers", "60", "--profile-only", "--top", "3")
    assert "the unchanged entries alone" in out
    for name in ("kochava_triggers", "engine", "engine lean", "floor"):
        assert "worker of %r" % name in out, name
    assert "the controller's results thread" in out
    for name in ("kochava_triggers", "module path", "engine", "engine lean", "floor", "noop module"):
        assert re.search(r"^  %s: +worker CPU median \d+ ms .*; with the module's process: median \d+ ms$" % re.escape(name), out, re.M), name


def test_bench_fleet_small():
    """4 apps under a limit of 20 requests/s, 2 concurrent slices, both paths: no host fails, nothing is duplicated, every app as declared."""
    out = run("bench_fleet.py", "--apps", "4", "--slices", "2", "--forks", "4", "--rate", "20", "--burst", "5")
    assert re.search(r"^goal 0 hosts failed, 0 duplicates, every app equal to its declaration +MET$", out, re.M)
    assert len(re.findall(r"^goal .* (MET|MISSED)$", out, re.M)) == 4
    for phase in ("create", "converged", "conv. mod.", "slices", "slices mod."):
        assert re.search(r"^ +hosts failed 0 of 4, changed \d+, duplicates 0, apps equal to their declaration 4 of 4$", out.split("\n%s " % phase, 1)[1], re.M)


def test_bench_edges_small():
    """The gzip bomb and trickled headers, with a 3 s timeout (time enough to read 16 MiB on a busy machine): attempts counted, no write."""
    out = run("bench_edges.py", "--timeout", "3", "--cases", "baseline,bomb,trickle_headers")
    for case in ("baseline", "bomb", "trickle_headers"):
        assert re.search(r"^%s +.* peak +[0-9.]+ MB  wall +[0-9.]+ s  attempts %d " % (case, 1 if case == "baseline" else 2), out, re.M), out
    assert out.rstrip().endswith("exact counts: all as expected")
