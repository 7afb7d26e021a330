#!/usr/bin/env python
"""Benchmark: N converged kochava_trigger tasks on each path against N
ansible.builtin.uri GETs of the same list endpoint (one HTTP call from a
module), in turn in one playbook against the emulator (issue 22).

The two paths: in-process (the default for a local host: the action plugin
runs the engine in the controller's worker) and the module path (the same
task with kochava_in_process: false, a task var). The three kinds take turns
in a rotating order (uri, in-process, module; then in-process, module, uri;
...) so that none keeps the same neighbour.

Prints the API calls of each kind (counted exactly in the emulator's log,
each call attributed to the task during which it was answered), the per-task
wall times and the median of the per-triple ratios. Goals: in-process / uri
<= 0.3 (issue 22); the module path keeps today's figure (1.06-1.07 before
issue 22; issue 15's goal was <= 1.0). A benchmark, not a test: it prints
figures and never fails on time; it exits 1 only when a count is wrong (not
one call per task, a write, a changed or failed task).

    make bench                     # N=20, 3 rounds
    python tests/benchmark/bench_trigger.py --tasks 40 --rounds 5
    KOCHAVA_BENCH_COLLECTIONS=/tmp/benchcoll python tests/benchmark/bench_trigger.py   # another collections tree
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from benchcommon import COLLECTIONS, OPT_OUT, attribute, in_process_found, paths_line, verdict  # noqa: E402

from kochava_emulator import Emulator  # noqa: E402

SEED = os.path.join(ROOT, "tests", "playbooks", "seed.json")
APP = 87100
TEMPLATE = 3373
URL = "https://collector.example.com/in"
GOAL_IN_PROCESS = 0.3  # in-process / uri (issue 22)
GOAL_MODULE = 1.0  # module path / uri (issue 15)
KINDS = ("uri", "in-process", "module")


def build_playbook(tasks, api_url, key):
    trigger = {
        "kochava.publisher.kochava_trigger": {
            "app_id": APP,
            "type": "install",
            "template_id": TEMPLATE,
            "title": "Install",
            "active": True,
            "context": {"cpi_mostback_url": URL, "deferred_for": 0},
        }
    }
    uri = {
        "ansible.builtin.uri": {
            "url": "%s/apps/%d/postbacks" % (api_url, APP),
            "headers": {"Authentication-Key": key},
            "return_content": False,
        },
        "no_log": True,
    }
    module = dict(trigger, vars={OPT_OUT: False})
    task = {"uri": uri, "in-process": trigger, "module": module}
    body = [dict({"name": "warm-up %s" % kind}, **task[kind]) for kind in KINDS]
    for i in range(tasks):
        for k in range(len(KINDS)):
            kind = KINDS[(i + k) % len(KINDS)]
            body.append(dict({"name": "%s %d" % (kind, i)}, **task[kind]))
    return [{"name": "benchmark", "hosts": "localhost", "gather_facts": False, "tasks": body}]


def run_round(emu, workdir, tasks):
    playbook = os.path.join(workdir, "bench.yml")
    with open(playbook, "w") as handle:
        yaml.safe_dump(build_playbook(tasks, emu.url, emu.demo_key), handle, sort_keys=False)
    inventory = os.path.join(workdir, "hosts.ini")
    with open(inventory, "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    out = os.path.join(workdir, "times.json")
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="task_timer",
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal",
        TASK_TIMER_OUT=out,
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=emu.demo_key,
    )
    emu.clear_log()
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, playbook],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit("benchmark playbook failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:]))
    with open(out) as handle:
        records = json.load(handle)
    return records, list(emu.log)


def quantiles(values):
    """(p10, p90); a single value is both."""
    if len(values) < 2:
        return values[0], values[0]
    cuts = statistics.quantiles(values, n=10)
    return cuts[0], cuts[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20, help="triples of tasks per round (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()
    errors = []
    print(paths_line())

    with Emulator(seed=SEED) as emu, tempfile.TemporaryDirectory() as workdir:
        emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", active=True, context={"cpi_mostback_url": URL, "deferred_for": 0})
        times = {kind: [] for kind in KINDS}
        ratios = {kind: [] for kind in KINDS[1:]}
        calls = {kind: 0 for kind in KINDS}
        for n in range(args.rounds):
            records, log = run_round(emu, workdir, args.tasks)
            orphans = attribute(records, log)
            if orphans:
                errors.append("round %d: %d API calls answered outside any task" % (n, orphans))
            writes = [e for e in log if e["method"] != "GET"]
            if writes:
                errors.append("round %d: %d writes" % (n, len(writes)))
            timed = [r for r in records if not r["name"].startswith("warm-up")]
            of = {kind: [r for r in timed if r["name"].rsplit(" ", 1)[0] == kind] for kind in KINDS}
            for kind in KINDS:
                if len(of[kind]) != args.tasks:
                    errors.append("round %d: %d %s tasks recorded, expected %d" % (n, len(of[kind]), kind, args.tasks))
                for r in of[kind]:
                    calls[kind] += len(r["calls"])
                    if len(r["calls"]) != 1 or r["failed"] or r["changed"]:
                        errors.append(
                            "%s (round %d): %d API calls (expected 1), failed=%s, changed=%s" % (r["name"], n, len(r["calls"]), r["failed"], r["changed"])
                        )
                times[kind] += [r["seconds"] for r in of[kind]]
            for kind in KINDS[1:]:
                ratios[kind] += [t["seconds"] / u["seconds"] for t, u in zip(of[kind], of["uri"])]

    n = args.tasks * args.rounds
    print(
        "converged kochava_trigger, in-process and module path, vs ansible.builtin.uri GET: %d triples (%d rounds x %d), in turn" % (n, args.rounds, args.tasks)
    )
    print(
        "API calls: in-process %d (%.2f per task), module path %d (%.2f per task), uri %d (%.2f per task); writes, changed and failed tasks: counted below"
        % (calls["in-process"], calls["in-process"] / n, calls["module"], calls["module"] / n, calls["uri"], calls["uri"] / n)
    )
    print("wall time per task (median): " + ", ".join("%s %.1f ms" % (kind, statistics.median(times[kind]) * 1000) for kind in ("in-process", "module", "uri")))
    for kind, goal, what in (
        ("in-process", GOAL_IN_PROCESS, "issue 22"),
        ("module", GOAL_MODULE, "issue 15; 1.06-1.07 before issue 22"),
    ):
        value = statistics.median(ratios[kind])
        p10, p90 = quantiles(ratios[kind])
        print("ratio %s/uri: median %.2f, p10 %.2f, p90 %.2f -> goal <= %.2f %s (%s)" % (kind, value, p10, p90, goal, verdict(value, goal), what))
    both = [a / b for a, b in zip(times["in-process"], times["module"])]
    print("ratio in-process/module: median %.2f (the same triple)" % statistics.median(both))
    if not in_process_found():
        print("(in-process path not found: both kinds ran the module)")
    print("exact counts: %s" % ("all as expected" if not errors else "WRONG"))
    for error in errors[:50]:
        print("  " + error)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
