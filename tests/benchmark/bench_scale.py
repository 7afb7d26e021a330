#!/usr/bin/env python
"""Scale benchmark (issue #8): an app with 1,000 event triggers on the emulator.

The app (87100 of tests/playbooks/seed.json) is seeded with 1,000 event
triggers of template 3373, each with its own filter_str. The emulator serves
50 triggers a page (its default, set explicitly), so the listing is 20 pages.
Three cases, every one converged (nothing to change):

  (a) one kochava_triggers task declaring all 1,000 triggers, by template_id
      (expected calls: 20 = pages), and the same by template name
      (expected: 21 = pages + 1 templates call);
  (b) ansible.builtin.uri tasks reading the same 20 pages, one task a page,
      each following the previous page's nextToken with ?pageToken=;
  (c) converged kochava_trigger tasks, one a trigger, as one task with a loop
      (one module start an item; expected calls: 20 an item). By default
      (quick) a sample of 50 evenly spread items is run and the totals are
      extrapolated x20, labelled EXTRAPOLATED; --full runs all 1,000 (1,000
      module starts: 10 minutes or more on 2 cores).

(a) and (b) run alternating in one playbook, --rounds times (default 3); the
goal is the median over rounds of (the kochava_triggers task's own duration,
as the task_timer callback times it) / (the median duration of a uri task
reading one page of that round) <= 2. With --profile (or --profile-only),
kochava_triggers' main() is then run in this process against the emulator,
once plain and once under cProfile, and the hot spots printed (about a
minute more; not in the default run). API calls and writes are counted
exactly from the emulator's request log, each entry attributed to the task
during which it was answered. This is a benchmark: it never fails on time.
It exits 1 only if an exact count is wrong (calls != pages (+1), a write, a
changed or failed task, the uri pages not covering the 1,000 triggers).

    python tests/benchmark/bench_scale.py                # default (quick loop): ~3 minutes on 2 idle cores
    python tests/benchmark/bench_scale.py --full         # the 1,000-task loop in full
    python tests/benchmark/bench_scale.py --profile-only # only the in-process profile (seconds)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import math
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from kochava_emulator import Emulator  # noqa: E402

SEED = os.path.join(ROOT, "tests", "playbooks", "seed.json")
APP = 87100
TEMPLATE = 3373
TEMPLATE_NAME = "Custom Postback"
URL = "https://collector.example.com/scale"
PAGE_SIZE = 50


def filter_str(i):
    return "scale_event_%04d" % i


def seed_triggers(emu, count):
    for i in range(count):
        emu.add_trigger(
            APP,
            type="event",
            template_id=TEMPLATE,
            filter_str=filter_str(i),
            title="Scale event %04d" % i,
            active=True,
            context={"cpi_mostback_url": "%s/%04d" % (URL, i)},
        )


def declared(count, by_name=False):
    """The items of kochava_triggers (and of the kochava_trigger loop): what is seeded."""
    items = []
    for i in range(count):
        item = {"type": "event"}
        if by_name:
            item["template"] = TEMPLATE_NAME
        else:
            item["template_id"] = TEMPLATE
        item.update(filter_str=filter_str(i), title="Scale event %04d" % i, active=True, context={"cpi_mostback_url": "%s/%04d" % (URL, i)})
        items.append(item)
    return items


def uri_task(name, api_url, key, first):
    url = "%s/apps/%d/postbacks" % (api_url, APP)
    if not first:
        url += "?pageToken={{ page.json.nextToken | urlencode }}"
    return {
        "name": name,
        "ansible.builtin.uri": {"url": url, "headers": {"Authentication-Key": key}, "return_content": False},
        "register": "page",
        "no_log": True,
    }


def scale_playbook(api_url, key, count, pages, rounds):
    """(a) and (b), alternating, ``rounds`` times.

    The 1,000 items are written into each kochava_triggers task's arguments
    (YAML aliases keep the file small), not into play vars, so the uri tasks
    carry no share of them.
    """
    items = {"id": declared(count), "name": declared(count, by_name=True)}

    def sets(name, by):
        return {"name": name, "kochava.publisher.kochava_triggers": {"app_id": APP, "triggers": items[by]}}

    body = [uri_task("warm-up uri", api_url, key, True), sets("warm-up triggers", "id")]
    for r in range(rounds):
        for p in range(pages):
            body.append(uri_task("r%d uri page %d" % (r, p + 1), api_url, key, p == 0))
        body.append(sets("r%d triggers by id" % r, "id"))
        body.append(sets("r%d triggers by name" % r, "name"))
    return [{"name": "scale benchmark", "hosts": "localhost", "gather_facts": False, "tasks": body}]


def loop_playbook(sample):
    """(c): converged kochava_trigger tasks, one loop item each."""
    return [
        {
            "name": "kochava_trigger loop",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {"loop_items": sample},
            "tasks": [
                {
                    "name": "loop kochava_trigger",
                    "kochava.publisher.kochava_trigger": {
                        "app_id": APP,
                        "type": "{{ item.type }}",
                        "template_id": "{{ item.template_id }}",
                        "filter_str": "{{ item.filter_str }}",
                        "title": "{{ item.title }}",
                        "active": "{{ item.active }}",
                        "context": "{{ item.context }}",
                    },
                    "loop": "{{ loop_items }}",
                    "loop_control": {"label": "{{ item.filter_str }}"},
                }
            ],
        }
    ]


def run_playbook(emu, workdir, name, playbook):
    path = os.path.join(workdir, name + ".yml")
    with open(path, "w") as handle:
        yaml.safe_dump(playbook, handle, sort_keys=False)
    inventory = os.path.join(workdir, "hosts.ini")
    with open(inventory, "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    out = os.path.join(workdir, name + ".times.json")
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
    started = time.perf_counter()
    proc = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, path],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit("benchmark playbook %s failed:\n%s\n%s" % (name, proc.stdout[-3000:], proc.stderr[-3000:]))
    with open(out) as handle:
        records = json.load(handle)
    return records, emu.log, wall


def attribute(records, log):
    """Each log entry to the one task during which it was answered."""
    for record in records:
        record["calls"] = []
    orphans = 0
    for entry in log:
        owners = [r for r in records if r["start"] <= entry["time"] <= r["end"]]
        if len(owners) != 1:
            orphans += 1
            continue
        owners[0]["calls"].append(entry)
    return orphans


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def ms(seconds):
    return "%.0f ms" % (seconds * 1000)


def profile_main(emu, count, by_name, top):
    """cProfile of kochava_triggers' main(), in this process, against the emulator."""
    sys.path.insert(0, COLLECTIONS)
    from ansible.module_utils import basic

    from ansible_collections.kochava.publisher.plugins.modules import kochava_triggers

    args = {"app_id": APP, "triggers": declared(count, by_name=by_name), "api_url": emu.url, "api_key": emu.demo_key}
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
    basic._ANSIBLE_PROFILE = "legacy"  # ansible-core >= 2.19 wants a serialization profile

    def once(profiler=None):
        emu.clear_log()
        out = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out):
            if profiler:
                profiler.enable()
            try:
                kochava_triggers.main()
            except SystemExit:
                pass
            finally:
                if profiler:
                    profiler.disable()
        elapsed = time.perf_counter() - started
        return elapsed, json.loads(out.getvalue()), len(emu.log)

    plain, result, calls = once()
    profiler = cProfile.Profile()
    profiled, _result, _calls = once(profiler)
    print(
        "\nprofile: kochava_triggers main() in process (no Ansible around it), %d items by %s: %s without the profiler, %s under cProfile;"
        " %d API calls, changed=%s; %s" % (count, "name" if by_name else "id", ms(plain), ms(profiled), calls, result.get("changed"), load())
    )
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(text.getvalue().replace(ROOT + "/", "").replace(os.path.dirname(os.__file__) + "/", ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triggers", type=int, default=1000, help="triggers seeded and declared (default 1000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (a) and (b) (default 3)")
    parser.add_argument("--sample", type=int, default=50, help="kochava_trigger loop items run without --full (default 50)")
    parser.add_argument("--full", action="store_true", help="run the kochava_trigger loop over all triggers (slow)")
    parser.add_argument("--skip-loop", action="store_true", help="skip case (c)")
    parser.add_argument("--profile", action="store_true", help="also profile kochava_triggers' main() in process")
    parser.add_argument("--profile-only", action="store_true", help="only the in-process profile, no playbook")
    parser.add_argument("--top", type=int, default=25, help="rows of each profile table (default 25)")
    args = parser.parse_args()
    count = args.triggers
    pages = math.ceil(count / PAGE_SIZE)
    errors = []

    with Emulator(seed=SEED, page_size=PAGE_SIZE) as emu, tempfile.TemporaryDirectory() as workdir:
        seed_triggers(emu, count)
        assert emu.config()["page_size"] == PAGE_SIZE and len(emu.triggers(APP)) == count
        print(
            "scale benchmark: app %d with %d event triggers (template %d, distinct filter_str), page size %d -> %d pages; %s"
            % (APP, count, TEMPLATE, PAGE_SIZE, pages, load())
        )
        if args.profile_only:
            profile_main(emu, count, False, args.top)
            sys.exit(1 if emu.writes() else 0)

        # (a) and (b), alternating in one playbook
        records, log, wall = run_playbook(emu, workdir, "scale", scale_playbook(emu.url, emu.demo_key, count, pages, args.rounds))
        orphans = attribute(records, log)
        if orphans:
            errors.append("%d API calls answered outside any task" % orphans)
        writes = [e for e in log if e["method"] != "GET"]
        if writes:
            errors.append("%d writes in the converged scale playbook" % len(writes))
        for r in records:
            if r["failed"] or r["changed"]:
                errors.append("task %r: failed=%s changed=%s" % (r["name"], r["failed"], r["changed"]))
        by_id = [r for r in records if r["name"].endswith("triggers by id")]
        by_name = [r for r in records if r["name"].endswith("triggers by name")]
        ratios, uri_times, uri_round_times, uri_calls = [], [], [], []
        for n in range(args.rounds):
            uris = [r for r in records if r["name"].startswith("r%d uri page" % n)]
            calls = [e for r in uris for e in r["calls"]]
            uri_calls.append(len(calls))
            if len(calls) != pages or any(len(r["calls"]) != 1 for r in uris):
                errors.append("round %d: uri tasks made %d calls, expected %d (one a page)" % (n, len(calls), pages))
            listed = sum(len((e["response"] or {}).get("data") or []) for e in calls)
            if listed != count or (calls and calls[-1]["response"]["nextToken"] is not None):
                errors.append("round %d: uri pages listed %d triggers, expected %d and a last page" % (n, listed, count))
            median_uri = statistics.median(r["seconds"] for r in uris)
            uri_times += [r["seconds"] for r in uris]
            uri_round_times.append(sum(r["seconds"] for r in uris))
            ratios.append(by_id[n]["seconds"] / median_uri)
        for label, tasks, expected in (("by id", by_id, pages), ("by name", by_name, pages + 1)):
            for r in tasks:
                got = len(r["calls"])
                paths = [e["path"] for e in r["calls"]]
                if got != expected:
                    errors.append("kochava_triggers %s (%s): %d calls, expected %d: %s" % (label, r["name"], got, expected, paths))
        scale_load = load()

        print("\n(a)+(b) one playbook, %d rounds, alternating; playbook wall %.1f s; %s" % (args.rounds, wall, scale_load))
        print(
            "  (a) kochava_triggers, %d items, template_id:   API calls %s per task (expected %d = pages), writes %d, task duration median %s (min %s, max %s)"
            % (
                count,
                "/".join(str(len(r["calls"])) for r in by_id),
                pages,
                len(writes),
                ms(statistics.median(r["seconds"] for r in by_id)),
                ms(min(r["seconds"] for r in by_id)),
                ms(max(r["seconds"] for r in by_id)),
            )
        )
        print(
            "  (a) kochava_triggers, %d items, template name: API calls %s per task (expected %d = pages + 1 templates), writes %d,"
            " task duration median %s (min %s, max %s)"
            % (
                count,
                "/".join(str(len(r["calls"])) for r in by_name),
                pages + 1,
                len(writes),
                ms(statistics.median(r["seconds"] for r in by_name)),
                ms(min(r["seconds"] for r in by_name)),
                ms(max(r["seconds"] for r in by_name)),
            )
        )
        print(
            "  (b) ansible.builtin.uri, %d tasks (one a page): API calls %s per round (expected %d), writes 0,"
            " one page-task median %s; all %d pages: median %s a round"
            % (
                pages,
                "/".join(str(c) for c in uri_calls),
                pages,
                ms(statistics.median(uri_times)),
                pages,
                ms(statistics.median(uri_round_times)),
            )
        )
        ratio = statistics.median(ratios)
        met = ratio <= 2.0
        print(
            "  ratio kochava_triggers (by id) task / one uri page-task: median %.2f over %d rounds (%s) -> goal <= 2.00 %s"
            % (ratio, len(ratios), ", ".join("%.2f" % x for x in ratios), "MET" if met else "MISSED")
        )
        name_ratio = statistics.median(b["seconds"] / a["seconds"] for a, b in zip(by_id, by_name))
        print("  by name / by id duration: median %.2f" % name_ratio)

        # (c) the kochava_trigger loop
        if not args.skip_loop:
            everything = declared(count)
            if args.full or args.sample >= count:
                sample, label = everything, "all %d" % count
            else:
                step = count / args.sample
                sample = [everything[int(k * step)] for k in range(args.sample)]
                label = "QUICK: a sample of %d evenly spread of %d, totals EXTRAPOLATED x%.1f (--full runs all)" % (len(sample), count, count / len(sample))
            loop_records, loop_log, loop_wall = run_playbook(emu, workdir, "loop", loop_playbook(sample))
            orphans = attribute(loop_records, loop_log)
            task = loop_records[0]
            items = task["items"]
            loop_writes = sum(1 for e in loop_log if e["method"] != "GET")
            changed = sum(i["changed"] for i in items)
            failed = sum(i["failed"] for i in items)
            if orphans or len(items) != len(sample):
                errors.append("loop: %d items recorded for %d, %d calls outside the task" % (len(items), len(sample), orphans))
            if loop_writes or changed or failed:
                errors.append("loop: %d writes, %d changed, %d failed" % (loop_writes, changed, failed))
            expected = pages * len(sample)
            if len(task["calls"]) != expected:
                errors.append("loop: %d API calls, expected %d (%d pages x %d items)" % (len(task["calls"]), expected, pages, len(sample)))
            scale = count / len(sample)
            per_item = statistics.median(i["seconds"] for i in items)
            print("\n(c) kochava_trigger loop, one converged task per trigger: %s; %s" % (label, load()))
            print(
                "  ran %d items: API calls %d (%.1f per item, expected %d = pages), writes %d, changed %d;"
                " loop task %.1f s, playbook wall %.1f s, per item median %s"
                % (len(sample), len(task["calls"]), len(task["calls"]) / len(sample), pages, loop_writes, changed, task["seconds"], loop_wall, ms(per_item))
            )
            if scale != 1:
                print(
                    "  EXTRAPOLATED to %d tasks: API calls %d, writes 0, loop task ~%.0f s (%.1f min)"
                    % (count, pages * count, task["seconds"] * scale, task["seconds"] * scale / 60)
                )
            total_c = task["seconds"] * scale
            print(
                "  (c) / (a): %.0fx the time (%.0f s vs %s), %dx the API calls (%d vs %d)"
                % (
                    total_c / statistics.median(r["seconds"] for r in by_id),
                    total_c,
                    ms(statistics.median(r["seconds"] for r in by_id)),
                    count,
                    pages * count,
                    pages,
                )
            )

        print("\nexact counts: %s" % ("all as expected" if not errors else "WRONG"))
        for error in errors:
            print("  " + error)

        if args.profile:
            profile_main(emu, count, False, args.top)
        elif not met:
            print("\ngoal missed: --profile-only profiles kochava_triggers' main() in process")
            if emu.writes():
                errors.append("profiled run wrote")

    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
