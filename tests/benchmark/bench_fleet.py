#!/usr/bin/env python
"""Fleet benchmark (issues 15 and 22): many apps under one API rate budget, on both paths.

N apps (default 30, BENCH_APPS=N or --apps N) with 4 triggers each, one
inventory host per app (as playbooks/multi_app/ lays them out), forks 20,
against the API emulator (in this process, 127.0.0.1 only) limited to
--rate 4 requests per second with a bucket of --burst 4 (429 + Retry-After: 1
above it, as a SaaS API). Phases:

  1. create: every app's 4 triggers are created (kochava_triggers, purge),
     on the default path (in-process when the collection has its action plugins);
  2. converged: the same run again (nothing to change), in-process and on
     the module path (-e '{"kochava_in_process": false}'), beside the same
     inventory running ansible.builtin.debug (the in-process floor: an action
     plugin, no module) and ansible.builtin.ping (a module: the old no-op),
     and the re-run once more on each path with the API's limit off and no
     pacing: what the controller alone costs;
  3. slices: a title change on one trigger of every app, run as --slices 3
     concurrent ansible-playbook processes, each with --limit to one slice of
     the inventory (as AWX job slicing runs a job), in-process, then another
     title change on the module path, beside the same slices running
     ansible.builtin.debug: what starting them costs the controller before
     any request is sent.

The play sets the rate options once with module_defaults, as the guide's
"Rate limits and many apps" advises (--pace, default: the guide's value for an
API allowing 4 requests per second; --pace 0: no pacing, only the 429 jitter).

For each phase it prints the wall time, the floor (the API requests the
emulator served in that phase / RPS: the API will not go faster), their
ratio, the 429 answers, the seconds the tasks reported waiting them out, the
hosts failed (from the play recap), the duplicates in the emulator's state
(two triggers with one key in an app) and whether every app equals its
declaration; then the goals (issue 22), MET or MISSED: the converged re-run
<= 1.3x the larger of its rate floor and the debug run; create and slices
<= 1.2x their rate floors; 0 failed, 0 duplicates, every app equal; and the
module path's figures beside those before issue 22. A benchmark: it never
fails on time. Exit status 1 only for a correctness failure (a failed host,
a duplicate, an app that differs from its declaration).

    make bench-fleet                          # 30 apps: a few minutes
    BENCH_APPS=10 make bench-fleet
    python tests/benchmark/bench_fleet.py --apps 30 --pace 0   # no pacing
    KOCHAVA_BENCH_COLLECTIONS=/tmp/benchcoll python tests/benchmark/bench_fleet.py   # another collections tree
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from benchcommon import COLLECTIONS, OPT_OUT, in_process_found, paths_line  # noqa: E402

from kochava_emulator import DEMO_SEED, Emulator  # noqa: E402

FIRST_APP = 91001
COLLECTOR = "https://collector.example.com"
# What the guide advises for an API allowing 4 requests per second ("Rate limits and many apps").
GUIDE_PACE = 4
PHASE_TIMEOUT = 900  # seconds; a phase still running then is killed (and its hosts count as failed)
GOAL_RATE_BOUND = 1.2  # create and slices: wall time <= 1.2 x floor
GOAL_CONVERGED = 1.3  # converged re-run <= 1.3 x the larger of its rate floor and the debug run (issue 22)
MODULE_PATH = ["-e", json.dumps({OPT_OUT: False})]

RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
RECAP_HOSTS = re.compile(r"^(\S+)\s+:\s+ok=", re.M)
WAITED = re.compile(r"rate limited (?:once|(\d+) times), waited ([\d.]+) s in all")


def declaration(app_id, version=1):
    """The 4 triggers of one app; version 2 changes the install trigger's title."""
    url = "%s/%d" % (COLLECTOR, app_id)
    return [
        {
            "type": "install",
            "template_id": 3373,
            "title": "Install %d" % app_id + (" v%d" % version if version > 1 else ""),
            "active": True,
            "context": {"cpi_mostback_url": url + "/install"},
        },
        {"type": "event", "template_id": 3373, "filter_str": "Purchase", "title": "Purchase %d" % app_id, "context": {"cpi_mostback_url": url + "/purchase"}},
        {"type": "event", "template_id": 2209, "filter_str": "Level", "title": "Level %d" % app_id, "context": {"cpi_jumptap_mostback_url": url + "/level"}},
        {"type": "click", "template_id": 2602, "title": "Click %d" % app_id, "context": {"cpi_openxperformance_mostback_url": url + "/click"}},
    ]


def key_of(trigger):
    return (int(trigger["template_id"]), trigger["type"], trigger.get("filter_str") or "")


def check_state(emu, apps, version):
    """(duplicates, apps differing from their declaration) in the emulator's state."""
    duplicates = differing = 0
    for app_id in apps:
        stored = emu.triggers(app_id)
        by_key = {}
        for trigger in stored:
            by_key.setdefault(key_of(trigger), []).append(trigger)
        duplicates += sum(len(same) - 1 for same in by_key.values())
        declared = {key_of(t): t for t in declaration(app_id, version)}
        equal = set(by_key) == set(declared)
        for key, want in declared.items():
            if not equal:
                break
            have = by_key[key][0]
            equal = have.get("title") == want["title"]
            if "active" in want:
                equal = equal and str(have.get("active")).lower() == str(want["active"]).lower()
            context = have.get("context") or {}
            equal = equal and all(str(context.get(name)) == str(value) for name, value in want["context"].items())
        differing += not equal
    return duplicates, differing


def write_inventory(workdir, apps, slices, version):
    """One host per app, in groups slice_1 .. slice_<slices> (AWX job slicing's split)."""
    inventory = os.path.join(workdir, "inventory")
    os.makedirs(os.path.join(inventory, "host_vars"), exist_ok=True)
    hosts = ["app%d" % app_id for app_id in apps]
    groups = {"slice_%d" % (n + 1): {"hosts": {h: None for h in hosts[n::slices]}} for n in range(slices)}
    doc = {"kochava_apps": {"hosts": {h: None for h in hosts}, "children": groups}}
    with open(os.path.join(inventory, "hosts.yml"), "w") as handle:
        yaml.safe_dump(doc, handle, sort_keys=False)
    os.makedirs(os.path.join(inventory, "group_vars"), exist_ok=True)
    with open(os.path.join(inventory, "group_vars", "kochava_apps.yml"), "w") as handle:
        # as playbooks/multi_app: the modules run on the controller
        yaml.safe_dump({"ansible_connection": "local", "ansible_python_interpreter": sys.executable}, handle)
    for host, app_id in zip(hosts, apps):
        with open(os.path.join(inventory, "host_vars", host + ".yml"), "w") as handle:
            yaml.safe_dump({"kochava_app_id": app_id, "kochava_triggers": declaration(app_id, version)}, handle, sort_keys=False)
    return inventory


def write_playbooks(workdir, pace):
    defaults = {}
    if pace is not None:
        defaults["max_requests_per_second"] = pace
    triggers = {
        "name": "Postback triggers of every app",
        "hosts": "kochava_apps",
        "gather_facts": False,
        "tasks": [
            {
                "name": "Declare the app's whole set",
                "kochava.publisher.kochava_triggers": {
                    "app_id": "{{ kochava_app_id }}",
                    "triggers": "{{ kochava_triggers }}",
                    "purge": True,
                },
            }
        ],
    }
    if defaults:
        triggers["module_defaults"] = {"group/kochava.publisher.kochava": defaults}
    noop = {
        "name": "The same inventory, a no-op module",
        "hosts": "kochava_apps",
        "gather_facts": False,
        "tasks": [{"name": "No-op", "ansible.builtin.ping": {}}],
    }
    debug = {
        "name": "The same inventory, ansible.builtin.debug (an action plugin, no module)",
        "hosts": "kochava_apps",
        "gather_facts": False,
        "tasks": [{"name": "Debug", "ansible.builtin.debug": {"msg": "app {{ kochava_app_id }}"}}],
    }
    unpaced = dict(triggers)
    unpaced.pop("module_defaults", None)
    paths = {}
    for name, play in (("site.yml", triggers), ("unpaced.yml", unpaced), ("noop.yml", noop), ("debug.yml", debug)):
        paths[name] = os.path.join(workdir, name)
        with open(paths[name], "w") as handle:
            yaml.safe_dump([play], handle, sort_keys=False)
    return paths


def ansible_env(emu):
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_RETRY_FILES_ENABLED="false",
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=emu.demo_key,
    )
    return env


def run_phase(emu, label, commands, env, hosts, rate, burst):
    """Run ``commands`` at once (one ansible-playbook each); returns the phase's figures."""
    emu.rate_limit(rate, burst)  # counters at 0, bucket full (the API was idle between phases); rate None: no limit
    emu.clear_log()
    started = time.monotonic()
    started_epoch = time.time()
    procs = []
    for command in commands:
        out = tempfile.TemporaryFile(mode="w+")
        procs.append((subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, text=True), out))
    last_note = started
    while any(proc.poll() is None for proc, _out in procs):
        now = time.monotonic()
        if now - started > PHASE_TIMEOUT:
            for proc, _out in procs:
                if proc.poll() is None:
                    proc.kill()
            print("  %s: killed after %d s" % (label, PHASE_TIMEOUT), flush=True)
            break
        if now - last_note >= 15:
            counters = emu.rate_config()
            print("  %s: %3.0f s, %d requests served, %d answered 429 ..." % (label, now - started, counters["served"], counters["limited"]), flush=True)
            last_note = now
        time.sleep(0.2)
    for proc, _out in procs:
        proc.wait()
    wall = time.monotonic() - started
    emu.wait_idle()
    counters = emu.rate_config()
    text = ""
    for _proc, out in procs:
        out.seek(0)
        text += out.read()
        out.close()
    recap = {m.group(1): m for m in RECAP.finditer(text)}
    failed = sum(1 for h in hosts if h not in recap or int(recap[h].group(4)) or int(recap[h].group(5)))
    changed = sum(1 for h in hosts if h in recap and int(recap[h].group(3)))
    flat = " ".join(text.split())
    waits = [(int(m.group(1) or 1), float(m.group(2))) for m in WAITED.finditer(flat)]
    log = emu.log
    log_429 = sum(1 for entry in log if entry.get("rate_limited"))
    times = [entry["time"] - started_epoch for entry in log if not entry.get("rate_limited")]
    return {
        "label": label,
        "wall": wall,
        "served": counters["served"],
        "limited": counters["limited"],
        "log_429": log_429,
        "first": min(times) if times else 0.0,
        "last": max(times) if times else 0.0,
        "waited": sum(w for _count, w in waits),
        "tasks_waited": len(waits),
        "failed": failed,
        "changed": changed,
        "returncodes": [proc.returncode for proc, _out in procs],
        "output": text,
    }


def report(phase, rate, hosts, duplicates=None, differing=None):
    floor = phase["served"] / rate
    phase["floor"] = floor
    phase["ratio"] = phase["wall"] / floor if floor else float("inf")
    print(
        "%-10s wall %6.1f s  floor %6.1f s (%d served / %g rps)  wall/floor %5.2f  429s %d  (tasks report %.0f s waiting them out)"
        % (phase["label"], phase["wall"], floor, phase["served"], rate, phase["ratio"], phase["limited"], phase["waited"])
    )
    span = phase["last"] - phase["first"]
    print(
        "           requests served from +%.1f s to +%.1f s of the phase: %.2f rps while the API was in use; "
        "before the first, the controller started (ansible-playbook, forks, module start-up)"
        % (phase["first"], phase["last"], (phase["served"] - 1) / span if span > 0 else 0.0)
    )
    line = "           hosts failed %d of %d, changed %d" % (phase["failed"], len(hosts), phase["changed"])
    if duplicates is not None:
        line += ", duplicates %d, apps equal to their declaration %d of %d" % (duplicates, len(hosts) - differing, len(hosts))
    print(line, flush=True)
    if phase["failed"]:
        missing = [h for h in hosts if h not in RECAP_HOSTS.findall(phase["output"])]
        errors = [line for line in phase["output"].splitlines() if line.startswith(("fatal:", "failed:", "[ERROR]", "ERROR!"))]
        print("           hosts missing from the recap: %s" % (", ".join(missing) or "none"))
        print("           --- the failures (at most 20 lines of 2,000 characters) ---")
        for error in errors[:20]:
            print("           " + error[:2000])
        print("           --- output tail ---\n" + phase["output"][-2000:], flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apps", type=int, default=int(os.environ.get("BENCH_APPS") or 30), help="apps, one host each (default 30, or BENCH_APPS)")
    parser.add_argument("--rate", type=float, default=4.0, help="the API's requests per second (default 4)")
    parser.add_argument("--burst", type=int, default=4, help="the API's bucket (default 4)")
    parser.add_argument("--forks", type=int, default=20, help="forks (default 20)")
    parser.add_argument("--slices", type=int, default=3, help="concurrent ansible-playbook slices of phase 3 (default 3)")
    parser.add_argument(
        "--pace",
        type=float,
        default=GUIDE_PACE,
        help="max_requests_per_second set in module_defaults (default %g, the guide's advice for an API allowing 4/s; 0: no pacing)" % GUIDE_PACE,
    )
    args = parser.parse_args()
    if args.apps < 1 or args.slices < 1 or args.forks < 1 or args.rate <= 0 or args.burst < 1:
        parser.error("--apps, --slices, --forks, --burst must be at least 1 and --rate above 0")

    apps = list(range(FIRST_APP, FIRST_APP + args.apps))
    hosts = ["app%d" % app_id for app_id in apps]
    playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    problems = []
    print(paths_line())
    print(
        "fleet benchmark: %d apps x 4 triggers, one host per app, forks %d, API limited to %g requests/s (burst %d, 429 + Retry-After above it); "
        "module_defaults: max_requests_per_second: %g%s; %d CPU cores, load average %.1f"
        % (args.apps, args.forks, args.rate, args.burst, args.pace, " (no pacing)" if not args.pace else "", os.cpu_count(), os.getloadavg()[0]),
        flush=True,
    )
    with Emulator(seed=DEMO_SEED, apps=apps, rate=args.rate, burst=args.burst) as emu, tempfile.TemporaryDirectory() as workdir:
        env = ansible_env(emu)
        books = write_playbooks(workdir, args.pace or None)
        inventory = write_inventory(workdir, apps, args.slices, version=1)
        base = [playbook_bin, "-i", inventory, "--forks", str(args.forks)]

        def phase(label, commands, version):
            print("%s ..." % label, flush=True)
            result = run_phase(emu, label, commands, env, hosts, args.rate, args.burst)
            duplicates, differing = check_state(emu, apps, version)
            report(result, args.rate, hosts, duplicates, differing)
            if result["failed"] or duplicates or differing:
                problems.append("%s: %d hosts failed, %d duplicates, %d apps differ" % (label, result["failed"], duplicates, differing))
            return result

        create = phase("create", [base + [books["site.yml"]]], 1)
        converged = phase("converged", [base + [books["site.yml"]]], 1)
        converged_module = phase("conv. mod.", [base + MODULE_PATH + [books["site.yml"]]], 1)
        baselines = {}
        for label, book, what in (("debug", "debug.yml", "ansible.builtin.debug: an action plugin"), ("no-op", "noop.yml", "ansible.builtin.ping: a module")):
            print("%s ..." % label, flush=True)
            baselines[label] = run_phase(emu, label, [base + [books[book]]], env, hosts, args.rate, args.burst)
            print(
                "%-10s wall %6.1f s  (%s, same inventory and forks; hosts failed %d)" % (label, baselines[label]["wall"], what, baselines[label]["failed"]),
                flush=True,
            )
        unlimited = {}
        for label, extra in (("unlimited", []), ("unl. mod.", MODULE_PATH)):
            print("%s ..." % label, flush=True)
            unlimited[label] = run_phase(emu, label, [base + extra + [books["unpaced.yml"]]], env, hosts, None, None)
            duplicates, differing = check_state(emu, apps, 1)
            if unlimited[label]["failed"] or duplicates or differing:
                problems.append("%s: %d hosts failed, %d duplicates, %d apps differ" % (label, unlimited[label]["failed"], duplicates, differing))
            print(
                "%-10s wall %6.1f s  (the converged re-run again%s with the API's limit off and no pacing: what the controller alone costs; "
                "%d requests, hosts failed %d)"
                % (label, unlimited[label]["wall"], " on the module path" if extra else "", unlimited[label]["served"], unlimited[label]["failed"]),
                flush=True,
            )
        slices = {}
        for label, extra, version in (("slices", [], 2), ("slices mod.", MODULE_PATH, 3)):
            write_inventory(workdir, apps, args.slices, version=version)
            slices[label] = phase(label, [base + extra + ["--limit", "slice_%d" % (n + 1), books["site.yml"]] for n in range(args.slices)], version)
        print("debug slices ...", flush=True)
        debug_slices = run_phase(
            emu, "debug slices", [base + ["--limit", "slice_%d" % (n + 1), books["debug.yml"]] for n in range(args.slices)], env, hosts, args.rate, args.burst
        )
        print(
            "%-10s wall %6.1f s  (ansible.builtin.debug as the same %d concurrent slices: the controller's own cost of this shape; hosts failed %d)"
            % ("debug sl.", debug_slices["wall"], args.slices, debug_slices["failed"]),
            flush=True,
        )

    found = in_process_found()
    debug, noop = baselines["debug"], baselines["no-op"]
    bound = max(converged["floor"], debug["wall"])
    converged_ratio = converged["wall"] / bound
    print()
    if not found:
        print("(the in-process path was NOT found: the in-process phases ran the module)")
    print(
        "converged / max(rate floor %.1f s, debug %.1f s): %.2f; converged %.1f s, module path %.1f s; in-process/module %.2f"
        % (converged["floor"], debug["wall"], converged_ratio, converged["wall"], converged_module["wall"], converged["wall"] / converged_module["wall"])
    )
    print(
        "converged with no limit: in-process %.1f s, module path %.1f s; / debug %.2f and %.2f; / ping %.2f and %.2f"
        % (
            unlimited["unlimited"]["wall"],
            unlimited["unl. mod."]["wall"],
            unlimited["unlimited"]["wall"] / debug["wall"],
            unlimited["unl. mod."]["wall"] / debug["wall"],
            unlimited["unlimited"]["wall"] / noop["wall"],
            unlimited["unl. mod."]["wall"] / noop["wall"],
        )
    )
    print(
        "slices - floor = %.1f s in-process, %.1f s module path, beside %.1f s for the same slices running ansible.builtin.debug; "
        "(floor + debug slices) / floor = %.2f"
        % (
            slices["slices"]["wall"] - slices["slices"]["floor"],
            slices["slices mod."]["wall"] - slices["slices mod."]["floor"],
            debug_slices["wall"],
            (slices["slices"]["floor"] + debug_slices["wall"]) / slices["slices"]["floor"],
        )
    )
    print(
        "module path (%s: false), beside the figures before issue 22: converged / ping %.2f (1.87-2.28), unlimited / ping %.2f (1.43-1.56), "
        "slices wall/floor %.2f (1.18-1.32)"
        % (OPT_OUT, converged_module["wall"] / noop["wall"], unlimited["unl. mod."]["wall"] / noop["wall"], slices["slices mod."]["ratio"])
    )
    goals = [
        ("0 hosts failed, 0 duplicates, every app equal to its declaration", not problems),
        ("create wall/floor %.2f <= %.1f" % (create["ratio"], GOAL_RATE_BOUND), create["ratio"] <= GOAL_RATE_BOUND),
        ("slices wall/floor %.2f <= %.1f" % (slices["slices"]["ratio"], GOAL_RATE_BOUND), slices["slices"]["ratio"] <= GOAL_RATE_BOUND),
        ("converged / max(rate floor, debug) %.2f <= %.1f" % (converged_ratio, GOAL_CONVERGED), converged_ratio <= GOAL_CONVERGED),
    ]
    for text, met in goals:
        print("goal %-70s %s" % (text, "MET" if met else "MISSED"))
    if problems:
        print("correctness failures:\n  " + "\n  ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
