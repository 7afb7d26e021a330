#!/usr/bin/env python
"""Benchmark: N converged kochava_trigger tasks against N ansible.builtin.uri
GETs of the same list endpoint (the floor: one HTTP call from a module),
alternating in one playbook against the emulator.

Prints the API calls each kind made (counted exactly in the emulator's log)
and the per-task wall times, and the median of the per-pair ratios
trigger/uri. The goal (issue 15; was 1.3) is a median ratio <= 1.0.
This is a benchmark, not a test: it prints figures and never fails on time.

    make bench                     # N=20, 3 rounds
    python tests/benchmark/bench_trigger.py --tasks 40 --rounds 5
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

from kochava_emulator import Emulator  # noqa: E402

SEED = os.path.join(ROOT, "tests", "playbooks", "seed.json")
APP = 87100
TEMPLATE = 3373
URL = "https://collector.example.com/in"


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
    body = [dict({"name": "warm-up trigger"}, **trigger), dict({"name": "warm-up uri"}, **uri)]
    for i in range(tasks):
        body.append(dict({"name": "uri %d" % i}, **uri))
        body.append(dict({"name": "trigger %d" % i}, **trigger))
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
        ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build", "collections"),
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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=20, help="pairs of tasks per round (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    args = parser.parse_args()

    with Emulator(seed=SEED) as emu, tempfile.TemporaryDirectory() as workdir:
        emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", active=True, context={"cpi_mostback_url": URL, "deferred_for": 0})
        ratios, trig_times, uri_times = [], [], []
        trig_calls = uri_calls = writes = trig_changed = 0
        for _round in range(args.rounds):
            records, log = run_round(emu, workdir, args.tasks)
            timed = [r for r in records if not r["name"].startswith("warm-up")]
            trig = [r for r in timed if r["name"].startswith("trigger")]
            uri = [r for r in timed if r["name"].startswith("uri")]
            assert len(trig) == len(uri) == args.tasks and not any(r["failed"] for r in timed)
            trig_changed += sum(r["changed"] for r in trig)
            ratios += [t["seconds"] / u["seconds"] for t, u in zip(trig, uri)]
            trig_times += [r["seconds"] for r in trig]
            uri_times += [r["seconds"] for r in uri]
            # the warm-up pair made one call each; the rest are told apart by User-Agent
            mine = [e for e in log if e["user_agent"].startswith("kochava.publisher")]
            writes += sum(1 for e in mine if e["method"] != "GET")
            trig_calls += len(mine) - 1
            uri_calls += len(log) - len(mine) - 1

    n = args.tasks * args.rounds
    print("converged kochava_trigger vs ansible.builtin.uri GET, %d pairs (%d rounds x %d), alternating" % (n, args.rounds, args.tasks))
    print(
        "API calls: kochava_trigger %d (%.2f per task, %d writes, %d changed); uri %d (%.2f per task)"
        % (trig_calls, trig_calls / n, writes, trig_changed, uri_calls, uri_calls / n)
    )
    print("wall time per task (median): kochava_trigger %.1f ms, uri %.1f ms" % (statistics.median(trig_times) * 1000, statistics.median(uri_times) * 1000))
    print(
        "ratio trigger/uri: median %.2f, p10 %.2f, p90 %.2f (goal: median <= 1.00, issue 15)"
        % (statistics.median(ratios), statistics.quantiles(ratios, n=10)[0], statistics.quantiles(ratios, n=10)[-1])
    )


if __name__ == "__main__":
    main()
