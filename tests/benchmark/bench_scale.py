#!/usr/bin/env python
"""Scale benchmark (issue #8): an app with 1,000 event triggers on the emulator.

The app (87100 of tests/playbooks/seed.json) is seeded with 1,000 event
triggers of template 3373, each with its own filter_str. The emulator serves
50 triggers a page (its default, set explicitly), so the listing is 20 pages.
Three cases, every one converged (nothing to change):

  (a) one kochava_triggers task declaring all 1,000 triggers, by template_id
      (expected calls: 20 = pages), and the same by template name
      (expected: 21 = pages + 1 templates call); issue 15 adds, each round:
      the no-op module library/noop_items.py given the very same items (the
      baseline: ansible-core's own cost of templating, shipping, validating
      and echoing 1,000 items; 0 calls), the floor module
      library/floor_items.py (the no-op plus importing requests and reading
      the 20 pages: what no module built on requests goes under), the no-op
      module returning the by-id task's own result (result_file, recorded
      before the playbook: what ansible-core pays for the
      plan of 1,000 unchanged entries; 0 calls), the by-id
      task with return_triggers: true, and with one hidden context key
      (hidden_context_keys: [cpi_mostback_url]) and one hidden URL parameter
      (hidden_url_params: [token]; every seeded URL carries ?token=...),
      the hidden key also with return_triggers: true;
  (b) ansible.builtin.uri tasks reading the same 20 pages, one task a page,
      each following the previous page's nextToken with ?pageToken=;
  (c) converged kochava_trigger tasks, one a trigger, as one task with a loop
      (one module start an item; expected calls: 20 an item). By default
      (quick) a sample of 50 evenly spread items is run and the totals are
      extrapolated x20, labelled EXTRAPOLATED; --full runs all 1,000 (1,000
      module starts: 10 minutes or more on 2 cores).

(a) and (b) run alternating in one playbook, --rounds times (default 5), the
set cases in a new order each round (seeded shuffle, the same every run: a
task after one with a large result runs slower, so no case may keep the same
neighbours; reversing every other round kept them). Goals (medians over rounds of
per-round ratios, each against a baseline of the same round):
kochava_triggers (by id) / one uri page-task <= 2 (issue 8); kochava_triggers
(by id) / noop_items <= 1.2 and hidden / plain <= 1.05 (issue 15).
Then the profile (--no-profile skips it; --profile-only runs only it):
1. imports: CPU of `python -c "import <module>"` against ansible's basic
   alone and basic + requests, and -X importtime's heaviest imports beyond basic;
2. the AnsiballZ payloads ansible ships (kept with ANSIBLE_KEEP_REMOTE_FILES=1),
   their sizes, and each kept file run as the target runs it (start-up + one call);
3. kochava_triggers' main() in this process (plain, hidden key, hidden
   parameter: time and result size), and cProfile of the plain run.
API calls and writes are counted exactly from the emulator's request log,
each entry attributed to the task during which it was answered. This is a
benchmark: it never fails on time. It exits 1 only if an exact count is
wrong (calls != pages (+1), a write, a changed or failed task, the uri
pages not covering the 1,000 triggers). Figures: tests/benchmark/README.md.

    python tests/benchmark/bench_scale.py                # default (quick loop): ~3 minutes on 2 idle cores
    python tests/benchmark/bench_scale.py --full         # the 1,000-task loop in full
    python tests/benchmark/bench_scale.py --profile-only # only the profile (under a minute)
    python tests/benchmark/bench_scale.py --skip-loop --no-profile  # only (a) and (b)
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
import random
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

from benchcommon import ACTION_PLUGINS, COLLECTIONS, LIBRARY, OPT_OUT, attribute, in_process_found, paths_line, verdict  # noqa: E402

from kochava_emulator import Emulator  # noqa: E402

SEED = os.path.join(ROOT, "tests", "playbooks", "seed.json")
APP = 87100
TEMPLATE = 3373
TEMPLATE_NAME = "Custom Postback"
URL = "https://collector.example.com/scale"
PAGE_SIZE = 50


def filter_str(i):
    return "scale_event_%04d" % i


def url(i):
    """Every trigger's URL carries its own partner token (what the hidden cases hide)."""
    return "%s/%04d?token=tok%04d-5f1c" % (URL, i, i)


def seed_triggers(emu, count):
    for i in range(count):
        emu.add_trigger(
            APP,
            type="event",
            template_id=TEMPLATE,
            filter_str=filter_str(i),
            title="Scale event %04d" % i,
            active=True,
            context={"cpi_mostback_url": url(i)},
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
        item.update(filter_str=filter_str(i), title="Scale event %04d" % i, active=True, context={"cpi_mostback_url": url(i)})
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


# The set cases of each round: label -> (action, extra arguments, items by name, task vars). "noop" is the
# module baseline (library/noop_items.py: the same items, nothing done); "floor" is what any module built
# on requests pays beyond it (library/floor_items.py: import requests, read the 20 pages); "floor
# in-process" the same in the controller's worker (action_plugins/inprocess_floor.py: the issue 22 floor);
# "result" / "result in-process" return the by-id task's recorded result from the no-op module / the
# in-process floor (what that result costs each path); "engine" runs _plan.engine.run_set in the worker
# with no glue (action_plugins/engine_set.py), "engine lean" the same without the echo and the unchanged
# entries (what nobody asked for); "triggers ..." are kochava_triggers on the default path (in-process
# when the collection has its action plugins), "module ..." the same opted out (kochava_in_process:
# false); the hidden cases hide what every trigger's URL carries (one hidden context key; one hidden URL
# parameter), with the default result and with return_triggers: true (every trigger's URL shown, masked).
KOCHAVA_TRIGGERS = "kochava.publisher.kochava_triggers"
RESULT_FILE = "{{ lookup('env', 'BENCH_RESULT_FILE') }}"
MODULE_PATH = {OPT_OUT: False}
HIDDEN_KEY = {"hidden_context_keys": ["cpi_mostback_url"]}
SET_CASES = (
    ("noop", "noop_items", {}, False, {}),
    ("floor", "floor_items", {}, False, {}),
    ("floor in-process", "inprocess_floor", {}, False, {}),
    ("result", "noop_items", {"result_file": RESULT_FILE}, False, {}),
    ("result in-process", "inprocess_floor", {"result_file": RESULT_FILE}, False, {}),
    ("engine", "engine_set", {}, False, {}),
    ("engine lean", "engine_set", {"echo": False, "unchanged": False}, False, {}),
    ("triggers by id", KOCHAVA_TRIGGERS, {}, False, {}),
    ("module by id", KOCHAVA_TRIGGERS, {}, False, MODULE_PATH),
    ("triggers full", KOCHAVA_TRIGGERS, {"return_triggers": True}, False, {}),
    ("triggers hidden key", KOCHAVA_TRIGGERS, HIDDEN_KEY, False, {}),
    ("module hidden key", KOCHAVA_TRIGGERS, HIDDEN_KEY, False, MODULE_PATH),
    ("triggers hidden param", KOCHAVA_TRIGGERS, {"hidden_url_params": ["token"]}, False, {}),
    ("full hidden key", KOCHAVA_TRIGGERS, dict(HIDDEN_KEY, return_triggers=True), False, {}),
    ("triggers by name", KOCHAVA_TRIGGERS, {}, True, {}),
)
NO_CALLS = ("noop", "result")  # every other case reads the pages (by name: and the templates)
WARM_UP = ("noop", "floor", "floor in-process", "engine", "triggers by id", "module by id")  # each action once before round 0


SHUFFLE_SEED = 15  # the set cases' order in each round (random.Random(SHUFFLE_SEED).shuffle)


def scale_playbook(api_url, key, count, pages, rounds):
    """(a) and (b), alternating, ``rounds`` times; the set cases shuffled each round (seeded: the same orders every run).

    The 1,000 items are written into each set task's arguments (YAML aliases
    keep the file small), not into play vars, so the uri tasks carry no share
    of them; the no-op task gets the very items of the by-id tasks.
    """
    items = {False: declared(count), True: declared(count, by_name=True)}

    def sets(name, module, extra, by_name, task_vars):
        task = {"name": name, module: dict({"app_id": APP, "triggers": items[by_name]}, **extra)}
        if task_vars:
            task["vars"] = task_vars
        return task

    body = [uri_task("warm-up uri", api_url, key, True)] + [sets("warm-up %s" % case[0], *case[1:]) for case in SET_CASES if case[0] in WARM_UP]
    order = random.Random(SHUFFLE_SEED)
    for r in range(rounds):
        for p in range(pages):
            body.append(uri_task("r%d uri page %d" % (r, p + 1), api_url, key, p == 0))
        cases = list(SET_CASES)
        order.shuffle(cases)
        for label, *rest in cases:
            body.append(sets("r%d %s" % (r, label), *rest))
    return [{"name": "scale benchmark", "hosts": "localhost", "gather_facts": False, "tasks": body}]


def loop_playbook(sample, module_sample):
    """(c): one loop task a kind, one item a trigger: debug, the in-process floor, kochava_trigger in-process and on the module path."""
    trigger = {
        "app_id": APP,
        "type": "{{ item.type }}",
        "template_id": "{{ item.template_id }}",
        "filter_str": "{{ item.filter_str }}",
        "title": "{{ item.title }}",
        "active": "{{ item.active }}",
        "context": "{{ item.context }}",
    }
    label = {"label": "{{ item.filter_str }}"}
    tasks = [
        {"name": "loop debug", "ansible.builtin.debug": {"msg": "{{ item.filter_str }}"}, "loop": "{{ loop_items }}", "loop_control": label},
        {"name": "loop floor", "inprocess_floor": {"app_id": APP, "triggers": "{{ [item] }}"}, "loop": "{{ loop_items }}", "loop_control": label},
        {"name": "loop in-process", "kochava.publisher.kochava_trigger": trigger, "loop": "{{ loop_items }}", "loop_control": label},
        {
            "name": "loop module",
            "kochava.publisher.kochava_trigger": trigger,
            "loop": "{{ module_items }}",
            "loop_control": label,
            "vars": {OPT_OUT: False},
        },
    ]
    return [
        {
            "name": "kochava_trigger loops",
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {"loop_items": sample, "module_items": module_sample},
            "tasks": tasks,
        }
    ]


def run_playbook(emu, workdir, name, playbook, **extra_env):
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
        ANSIBLE_LIBRARY=LIBRARY,  # noop_items, floor_items
        ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS,  # inprocess_floor, engine_set
        # minimal prints every result whole, as every figure in README.md was taken; BENCH_STDOUT_CALLBACK=default
        # shows what that printing costs a big result (the default callback prints "ok: [host]" at verbosity 0)
        ANSIBLE_STDOUT_CALLBACK=os.environ.get("BENCH_STDOUT_CALLBACK", "ansible.builtin.minimal"),
        TASK_TIMER_OUT=out,
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=emu.demo_key,
        **extra_env,
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


def load():
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def ms(seconds):
    return "%.0f ms" % (seconds * 1000)


MODULE_FQN = "ansible_collections.kochava.publisher.plugins.modules.kochava_triggers"
IMPORTS = (
    ("python alone", "pass"),
    ("ansible.module_utils.basic", "import ansible.module_utils.basic"),
    ("basic + requests", "import ansible.module_utils.basic, requests"),
    ("kochava_triggers (its module_utils)", "import " + MODULE_FQN),
)


def child_cpu(command, env=None, runs=5):
    """Median CPU seconds (user + sys) and wall seconds of ``command`` run ``runs`` times."""
    cpu, wall = [], []
    for _run in range(runs):
        before = os.times()
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=False)
        wall.append(time.perf_counter() - started)
        after = os.times()
        cpu.append(after.children_user - before.children_user + after.children_system - before.children_system)
    return statistics.median(cpu), statistics.median(wall)


def import_profile(top):
    """Module start-up: CPU of importing the module vs ansible's basic alone, and -X importtime's heaviest imports beyond basic."""
    env = dict(os.environ, PYTHONPATH=COLLECTIONS)
    print("\nprofile 1: imports (python -c 'import ...', source files with their .pyc; median CPU user+sys of 5 runs); %s" % load())
    for label, code in IMPORTS:
        cpu, wall = child_cpu([sys.executable, "-c", code], env)
        print("  %-38s CPU %s  wall %s" % (label, ms(cpu), ms(wall)))

    def importtime(code):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env, capture_output=True, text=True, check=False)
        found = {}
        for line in proc.stderr.splitlines():
            if line.startswith("import time:") and "self [us]" not in line:
                own, cumulative, name = line[len("import time:") :].split("|")
                found[name.strip()] = (int(own), int(cumulative), len(name) - len(name.lstrip()))
        return found

    basic, module = importtime(IMPORTS[1][1]), importtime(IMPORTS[3][1])
    extra = dict((name, row) for name, row in module.items() if name not in basic)
    print(
        "  -X importtime (one run, inflated by the tracing): basic %s self in all, the module %s; beyond basic %s, the heaviest (cumulative, self):"
        % (ms(sum(r[0] for r in basic.values()) / 1e6), ms(sum(r[0] for r in module.values()) / 1e6), ms(sum(r[0] for r in extra.values()) / 1e6))
    )
    for name, (own, cumulative, depth) in sorted(extra.items(), key=lambda kv: -kv[1][1])[:top]:
        print("    %8s %8s  %s%s" % (ms(cumulative / 1e6), ms(own / 1e6), " " * (depth - 1), name))


def payload_profile(emu, workdir, runs=5):
    """The AnsiballZ files ansible ships (kept with ANSIBLE_KEEP_REMOTE_FILES=1), and each run as the target runs it."""
    import base64
    import re
    import zipfile

    remote = os.path.join(workdir, "remote")
    tasks = [
        # the module path: the in-process path ships no AnsiballZ payload
        {"name": "payload kochava_triggers", "kochava.publisher.kochava_triggers": {"app_id": 17, "triggers": []}, "vars": {OPT_OUT: False}},
        {"name": "payload noop", "noop_items": {"app_id": 17, "triggers": []}},
    ]
    play = [{"hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    run_playbook(emu, workdir, "payload", play, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=remote)
    print("\nprofile 2: AnsiballZ payloads (ANSIBLE_KEEP_REMOTE_FILES=1; app 17, triggers: []), and each kept file run %d times as the target runs it" % runs)
    env = dict(os.environ, KOCHAVA_API_URL=emu.url, KOCHAVA_API_KEY=emu.demo_key)
    for name in ("kochava_triggers", "noop_items"):
        path = [os.path.join(d, f) for d, _dirs, files in os.walk(remote) for f in files if f == "AnsiballZ_%s.py" % name][0]
        with open(path) as handle:
            text = handle.read()
        data = base64.b64decode(re.search(r"zip_data='([^']*)'", text).group(1))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
        ours = [i for i in infos if i.filename.startswith("ansible_collections/")]
        cpu, wall = child_cpu([sys.executable, path], env, runs)
        source, ours_source = sum(i.file_size for i in infos), sum(i.file_size for i in ours)
        print(
            "  %-16s file %6.1f kB, zip %6.1f kB: %3d files, %5.1f kB of Python source (%d files, %5.1f kB, of the collection): CPU %s, wall %s"
            % (name, len(text) / 1e3, len(data) / 1e3, len(infos), source / 1e3, len(ours), ours_source / 1e3, ms(cpu), ms(wall))
        )
    print("  (modules run from the zip: zipimport compiles every imported .py each start, no .pyc is kept)")


def run_main(emu, count, by_name=False, extra=None, profiler=None):
    """kochava_triggers' main() in this process against the emulator: ``(seconds, stdout, API calls)``."""
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)
    from ansible.module_utils import basic

    from ansible_collections.kochava.publisher.plugins.modules import kochava_triggers

    args = dict({"app_id": APP, "triggers": declared(count, by_name=by_name), "api_url": emu.url, "api_key": emu.demo_key}, **(extra or {}))
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()
    basic._ANSIBLE_PROFILE = "legacy"  # ansible-core >= 2.19 wants a serialization profile
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
    return elapsed, out.getvalue(), len(emu.log)


def record_result(emu, count, path):
    """The by-id set task's result, written to ``path`` for noop_items' result_file (the "result" case)."""
    _seconds, out, _calls = run_main(emu, count)
    result = json.loads(out)
    if result.get("changed") or result.get("failed"):
        sys.exit("recording the set result: the converged run reported changed=%s failed=%s" % (result.get("changed"), result.get("failed")))
    with open(path, "w") as handle:
        json.dump(result, handle)


def profile_main(emu, count, by_name, top):
    """kochava_triggers' main() in this process against the emulator: plain and hidden (median of 3), then cProfile of plain."""

    def once(extra=None, profiler=None):
        return run_main(emu, count, by_name, extra, profiler)

    by = "name" if by_name else "id"
    print("\nprofile 3: kochava_triggers main() in process (no Ansible around it), %d items by %s, median of 3; %s" % (count, by, load()))
    once()  # warm
    for label, extra in (("plain", None), ("hidden key", {"hidden_context_keys": ["cpi_mostback_url"]}), ("hidden param", {"hidden_url_params": ["token"]})):
        runs = [once(extra) for _run in range(3)]
        result = json.loads(runs[0][1])
        print(
            "  %-13s %s; result %5.0f kB of JSON, %d API calls, changed=%s"
            % (label + ":", ms(statistics.median(r[0] for r in runs)), len(runs[0][1]) / 1e3, runs[0][2], result.get("changed"))
        )
    profiler = cProfile.Profile()
    profiled, _out, _calls = once(profiler=profiler)
    print("  plain under cProfile: %s" % ms(profiled))
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(text.getvalue().replace(ROOT + "/", "").replace(os.path.dirname(os.__file__) + "/", ""))


def engine_params(emu, count, **extra):
    """run_set's parameters as engine_set (the in-process stand-in) passes them."""
    if ACTION_PLUGINS not in sys.path:
        sys.path.insert(0, ACTION_PLUGINS)
    import engine_set

    return dict(engine_set.DEFAULTS, app_id=APP, triggers=declared(count), api_key=emu.demo_key, api_url=emu.url, **extra)


def profile_engine(emu, count, runs=3):
    """run_set in this process, as an action plugin calls it: time, and the size of its result with and without what nobody asked for."""
    import pickle

    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)
    from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient
    from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_set

    def once(extra=None):
        params = engine_params(emu, count, **(extra or {}))
        started = time.perf_counter()
        client = KochavaClient(api_key=params["api_key"], api_url=params["api_url"])
        result = run_set(client, params, check_mode=False, diff=False)
        return time.perf_counter() - started, result, params

    print(
        "\nprofile 4: _plan.engine.run_set in this process (as an action plugin calls it: a client, plain parameters), %d items by id, median of %d; %s"
        % (count, runs, load())
    )
    once()
    for label, extra in (("plain", None), ("hidden key", {"hidden_context_keys": ["cpi_mostback_url"]}), ("full", {"return_triggers": True})):
        timed = [once(extra) for _run in range(runs)]
        print("  %-11s run_set %s (the %d page reads included)" % (label + ":", ms(statistics.median(t[0] for t in timed)), math.ceil(count / PAGE_SIZE)))
    _seconds, result, params = once()
    result.pop("notes", None)
    result.pop("diff", None)
    echo = {"module_args": dict((k, v) for k, v in params.items() if k != "api_key")}
    shapes = (
        ("result + invocation (as the module returns it)", dict(result, invocation=echo)),
        ("result, no invocation", result),
        ("result, no invocation, no unchanged entries", dict(result, plan=dict(result["plan"], unchanged=[]))),
        ("the unchanged entries alone", result["plan"]["unchanged"]),
        ("the invocation alone (the items echoed)", echo),
    )
    from ansible.module_utils.common.parameters import remove_values

    secrets = {params["api_key"]}
    print(
        "  what the controller does with the converged result on the in-process path, CPU ms (time.process_time), median of 5:\n"
        "  remove_values = the no_log scrub (AnsibleModule's, the action glue's); linear mask = one pass replacing the key in strings\n"
        "  (what it could be); pickle = the worker sending it to the controller; dump = json.dumps(indent=4), what the minimal stdout callback prints"
    )
    print("    %-48s %9s %9s %14s %12s %8s %6s" % ("", "JSON kB", "pickle kB", "remove_values", "linear mask", "pickle", "dump"))
    for label, value in shapes:
        text = json.dumps(value)
        costs = []
        for work in (
            lambda value=value: remove_values(value, secrets),
            lambda value=value: linear_mask(value, secrets),
            lambda value=value: pickle.loads(pickle.dumps(value)),
            lambda value=value: json.dumps(value, indent=4),
        ):
            loops = []
            for _run in range(5):
                started = time.process_time()
                work()
                loops.append(time.process_time() - started)
            costs.append(statistics.median(loops) * 1000)
        print("    %-48s %9.1f %9.1f %14.1f %12.1f %8.1f %6.1f" % ((label, len(text) / 1e3, len(pickle.dumps(value)) / 1e3) + tuple(costs)))


def linear_mask(value, secrets, mask="********"):
    """One pass over a result replacing each secret in every string (what remove_values could cost)."""
    if isinstance(value, str):
        for secret in secrets:
            if secret in value:
                value = value.replace(secret, mask)
        return value
    if isinstance(value, dict):
        return dict((linear_mask(k, secrets, mask), linear_mask(v, secrets, mask)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [linear_mask(v, secrets, mask) for v in value]
    return value


PROFILED_TASKS = (
    ("kochava_triggers", KOCHAVA_TRIGGERS, {}),
    ("engine", "engine_set", {}),
    ("engine lean", "engine_set", {"echo": False, "unchanged": False}),
    ("floor", "inprocess_floor", {}),
)


def profile_worker(emu, workdir, count, top, result_file):
    """cProfile of the workers of one converged 1,000-item task each (the default path, the engine stand-in, lean, the floor) and of the controller."""
    items = declared(count)
    tasks = [{"name": name, module: dict({"app_id": APP, "triggers": items}, **extra)} for name, module, extra in PROFILED_TASKS]
    play = [{"name": "profile", "hosts": "localhost", "gather_facts": False, "tasks": tasks + [LAST_WORKER_WRITES]}]
    out = os.environ.get("BENCH_PROFILE_DIR") or os.path.join(workdir, "profiles")  # BENCH_PROFILE_DIR keeps the .prof files
    playbook = os.path.join(workdir, "profile.yml")
    with open(playbook, "w") as handle:
        yaml.safe_dump(play, handle, sort_keys=False)
    inventory = os.path.join(workdir, "hosts.ini")
    with open(inventory, "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_LIBRARY=LIBRARY,
        ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS,
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal",
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=emu.demo_key,
    )
    emu.clear_log()
    print(
        "\nprofile 5: cProfile of each task's worker process, and of the controller (tests/benchmark/profile_worker.py), one task each, %d items; %s"
        % (count, load())
    )
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "profile_worker.py"), out, "-i", inventory, playbook], env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        print("  the profiled playbook failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
        return
    print(
        "  (in-process path %s; API calls in all: %d)"
        % ("found" if in_process_found() else "NOT found: kochava_triggers ran the module, its worker waits on it", len(emu.log))
    )
    strip = (ROOT + "/", os.path.dirname(os.__file__) + "/", os.path.dirname(os.path.dirname(yaml.__file__)) + "/")

    def table(path, title, sort, rows):
        text = io.StringIO()
        stats = pstats.Stats(path, stream=text)
        total = stats.total_tt
        stats.sort_stats(sort).print_stats(rows)
        body = text.getvalue()
        for prefix in strip:
            body = body.replace(prefix, "")
        lines = [line for line in body.splitlines() if line.strip()]
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print("  %s: %s in all, by %s:" % (title, ms(total), sort))
        for line in lines[start : start + rows + 1]:
            print("    " + line)

    expected = [os.path.join(out, "worker-%s.prof" % name.replace(" ", "_")) for name, _module, _extra in PROFILED_TASKS]
    wait_for_files(lambda: [path for path in expected if os.path.exists(path)], len(expected))
    for (name, _module, _extra), path in zip(PROFILED_TASKS, expected):
        if os.path.exists(path):
            table(path, "worker of %r" % name, "cumulative", top)
            table(path, "worker of %r" % name, "tottime", top)
    for name, title in (("results.prof", "the controller's results thread"), ("main.prof", "the controller's main thread (the whole playbook)")):
        path = os.path.join(out, name)
        if os.path.exists(path):
            table(path, title, "tottime", top)


CPU_TASKS = (
    ("kochava_triggers", KOCHAVA_TRIGGERS, {}, {}),
    ("module path", KOCHAVA_TRIGGERS, {}, MODULE_PATH),
    ("engine", "engine_set", {}, {}),
    ("engine lean", "engine_set", {"echo": False, "unchanged": False}, {}),
    ("floor", "inprocess_floor", {}, {}),
    ("noop module", "noop_items", {}, {}),
)


# The last task of a profiled playbook: ansible-playbook terminates the workers still alive when it ends, and
# a worker writes its profile after sending its result, so the last measured task gets a task after it.
LAST_WORKER_WRITES = {"name": "let the last worker write its profile", "ansible.builtin.pause": {"seconds": 1}}


def wait_for_files(found, count, seconds=30):
    """The files ``found()`` gives once there are ``count`` of them (at most ``seconds``): a worker writes its
    profile after sending its result, so the playbook can end before the last one is in place (profile_worker.py)."""
    deadline = time.monotonic() + seconds
    while len(found()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(found())


def worker_cpu(emu, workdir, count, runs=5):
    """CPU seconds of each task's worker, no profiler (profile_worker.py --cpu-only): what a task costs, whatever else the machine runs."""
    items = declared(count)
    tasks = []
    for n in range(runs):
        for name, module, extra, task_vars in CPU_TASKS:
            task = {"name": "%s %d" % (name, n), module: dict({"app_id": APP, "triggers": items}, **extra)}
            if task_vars:
                task["vars"] = task_vars
            tasks.append(task)
    play = [{"name": "cpu", "hosts": "localhost", "gather_facts": False, "tasks": tasks + [LAST_WORKER_WRITES]}]
    out = os.path.join(workdir, "cpu")
    playbook = os.path.join(workdir, "cpu.yml")
    with open(playbook, "w") as handle:
        yaml.safe_dump(play, handle, sort_keys=False)
    inventory = os.path.join(workdir, "hosts.ini")
    with open(inventory, "w") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_LIBRARY=LIBRARY,
        ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS,
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.minimal",
        KOCHAVA_API_URL=emu.url,
        KOCHAVA_API_KEY=emu.demo_key,
    )
    print(
        "\nprofile 6: CPU of each task's worker process (profile_worker.py --cpu-only: no profiler), %d items, %d runs of each in turn, median; "
        "the task's worker alone, then with the processes it waited for (a module's); %s" % (count, runs, load())
    )
    proc = subprocess.run(
        [sys.executable, os.path.join(HERE, "profile_worker.py"), "--cpu-only", out, "-i", inventory, playbook],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        print("  the playbook failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
        return
    expected = [os.path.join(out, "cpu-%s.json" % task["name"].replace(" ", "_")) for task in tasks]
    found = wait_for_files(lambda: [path for path in expected if os.path.exists(path)], len(expected))
    if len(found) < len(tasks):
        print("  only %d of the %d workers wrote their CPU figures within 30 s: %s" % (len(found), len(tasks), ", ".join(map(os.path.basename, found))))
    lines = []
    for path in found:
        with open(path) as handle:
            lines.append(json.loads(handle.read()))
    for name, *_rest in CPU_TASKS:
        mine = [line for line in lines if line["task"].rsplit(" ", 1)[0] == name]
        cpu = [line["cpu"] for line in mine]
        total = [line["cpu"] + line["children"] for line in mine]
        print(
            "  %-17s worker CPU median %s (min %s, max %s); with the module's process: median %s"
            % (name + ":", ms(statistics.median(cpu)), ms(min(cpu)), ms(max(cpu)), ms(statistics.median(total)))
        )


def describe(label, module, extra, named, task_vars, count):
    if label == "noop":
        return "no-op module (library/noop_items.py), the same %d items" % count
    if label == "floor":
        return "floor module (library/floor_items.py), the same %d items, import requests, read the pages" % count
    if label == "floor in-process":
        return "in-process floor (action_plugins/inprocess_floor.py), the same %d items, read the pages with requests" % count
    if label == "result":
        return "no-op module returning the by-id task's recorded result (noop_items, result_file), the same %d items" % count
    if label == "result in-process":
        return "in-process floor returning the by-id task's recorded result (inprocess_floor, result_file)"
    if label.startswith("engine"):
        return "run_set in the worker, no glue (action_plugins/engine_set.py)%s" % (", no echo, no unchanged entries" if extra else "")
    return "%s%s, %d items, %s%s" % (
        module.rsplit(".", maxsplit=1)[-1],
        " (module path: %s: false)" % OPT_OUT if task_vars else "",
        count,
        "template name" if named else "template_id",
        ", " + ", ".join("%s: %s" % kv for kv in extra.items()) if extra else "",
    )


def loop_figures(task, sample_size, pages, errors, label, calls_per_item):
    """Per-item figures of one loop task; the exact counts go to ``errors``."""
    items = task["items"]
    changed = sum(i["changed"] for i in items)
    failed = sum(i["failed"] for i in items)
    if len(items) != sample_size or changed or failed:
        errors.append("loop %s: %d items recorded for %d, %d changed, %d failed" % (label, len(items), sample_size, changed, failed))
    expected = calls_per_item * sample_size
    if len(task["calls"]) != expected:
        errors.append("loop %s: %d API calls, expected %d (%d x %d items)" % (label, len(task["calls"]), expected, calls_per_item, sample_size))
    # each call to the item during which it was answered: after the previous item's result, before its own
    spans, previous = [], task["start"]
    for item in items:
        times = [e["time"] for e in task["calls"] if previous < e["time"] <= item["end"]]
        if len(times) >= 2:
            spans.append(max(times) - min(times))
        previous = item["end"]
    return {
        "item": statistics.median(i["seconds"] for i in items) if items else 0.0,
        "span": statistics.median(spans) if spans else 0.0,
        "seconds": task["seconds"],
        "calls": len(task["calls"]),
        "items": len(items),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--triggers", type=int, default=1000, help="triggers seeded and declared (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of (a) and (b) (default 5: one slow task moves a median of 3 by 0.1 or more)")
    parser.add_argument(
        "--loop", type=int, default=None, help="items of the in-process, debug and floor loops (default: all triggers, or --sample without the in-process path)"
    )
    parser.add_argument("--sample", type=int, default=50, help="items of the module path's kochava_trigger loop without --full (default 50)")
    parser.add_argument("--full", action="store_true", help="run every loop over all triggers (the module path's: 10 minutes or more)")
    parser.add_argument("--skip-loop", action="store_true", help="skip case (c)")
    parser.add_argument("--profile", action="store_true", help="(the default now; kept for old command lines)")
    parser.add_argument("--no-profile", action="store_true", help="skip the profile (imports, AnsiballZ payload, cProfile of main() and of the worker)")
    parser.add_argument("--profile-only", action="store_true", help="only the profile, no timed playbook")
    parser.add_argument("--top", type=int, default=15, help="rows of each profile table (default 15)")
    args = parser.parse_args()
    count = args.triggers
    pages = math.ceil(count / PAGE_SIZE)
    errors = []
    found = in_process_found()

    with Emulator(seed=SEED, page_size=PAGE_SIZE) as emu, tempfile.TemporaryDirectory() as workdir:
        seed_triggers(emu, count)
        assert emu.config()["page_size"] == PAGE_SIZE and len(emu.triggers(APP)) == count
        print(paths_line())
        print(
            "scale benchmark: app %d with %d event triggers (template %d, distinct filter_str), page size %d -> %d pages; %s"
            % (APP, count, TEMPLATE, PAGE_SIZE, pages, load())
        )
        result_file = os.path.join(workdir, "set-result.json")
        if args.profile_only:
            import_profile(args.top)
            payload_profile(emu, workdir)
            profile_main(emu, count, False, args.top)
            profile_engine(emu, count)
            record_result(emu, count, result_file)
            profile_worker(emu, workdir, count, args.top, result_file)
            worker_cpu(emu, workdir, count)
            sys.exit(1 if emu.writes() else 0)

        # (a) and (b), alternating in one playbook
        record_result(emu, count, result_file)
        records, log, wall = run_playbook(
            emu, workdir, "scale", scale_playbook(emu.url, emu.demo_key, count, pages, args.rounds), BENCH_RESULT_FILE=result_file
        )
        orphans = attribute(records, log)
        if orphans:
            errors.append("%d API calls answered outside any task" % orphans)
        writes = [e for e in log if e["method"] != "GET"]
        if writes:
            errors.append("%d writes in the converged scale playbook" % len(writes))
        for r in records:
            if r["failed"] or r["changed"]:
                errors.append("task %r: failed=%s changed=%s" % (r["name"], r["failed"], r["changed"]))
        case = dict((label, [r for r in records if r["name"].startswith("r") and r["name"].split(" ", 1)[1] == label]) for label, *_rest in SET_CASES)
        ratios = {"triggers by id": [], "module by id": []}
        uri_times, uri_round_times, uri_calls = [], [], []
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
            for label, values in ratios.items():
                values.append(case[label][n]["seconds"] / median_uri)
        for label, _module, _extra, named, _vars in SET_CASES:
            expected = 0 if label in NO_CALLS else pages + 1 if named else pages
            for r in case[label]:
                if len(r["calls"]) != expected:
                    errors.append("%s (%s): %d calls, expected %d: %s" % (label, r["name"], len(r["calls"]), expected, [e["path"] for e in r["calls"]]))
        scale_load = load()

        def seconds(label):
            return [r["seconds"] for r in case[label]]

        print("\n(a)+(b) one playbook, %d rounds, alternating (set cases shuffled each round, seed %d)" % (args.rounds, SHUFFLE_SEED))
        print("  playbook wall %.1f s; %s" % (wall, scale_load))
        for label, *rest in SET_CASES:
            times = seconds(label)
            calls = "/".join(str(len(r["calls"])) for r in case[label])
            print(
                "  (a) %-22s %s: API calls %s per task, task duration median %s (min %s, max %s)"
                % (label + ":", describe(label, *rest, count), calls, ms(statistics.median(times)), ms(min(times)), ms(max(times)))
            )
        print("      writes in all (a) tasks: %d (expected 0)" % len(writes))
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
        for label, what in (("triggers by id", "in-process"), ("module by id", "module path")):
            ratio = statistics.median(ratios[label])
            print(
                "  ratio kochava_triggers (by id, %s) task / one uri page-task: median %.2f over %d rounds (%s) -> goal <= 2.00 %s (issue 8)"
                % (what, ratio, len(ratios[label]), ", ".join("%.2f" % x for x in ratios[label]), verdict(ratio, 2.0))
            )

        def pair_ratio(top, bottom, goal, what, below=False):
            per_round = [t / b for t, b in zip(seconds(top), seconds(bottom))]
            value = statistics.median(per_round)
            if goal:
                met = value < goal if below else value <= goal
                aim = " -> goal %s %.2f %s" % ("<" if below else "<=", goal, "MET" if met else "MISSED")
            else:
                aim = ""
            print(
                "  ratio %s: median %.2f over %d rounds (%s), ratio of medians %.2f%s"
                % (
                    what,
                    value,
                    len(per_round),
                    ", ".join("%.2f" % x for x in per_round),
                    statistics.median(seconds(top)) / statistics.median(seconds(bottom)),
                    aim,
                )
            )
            return value

        print("  issue 22 goals (the default path%s):" % ("" if found else "; the in-process path was NOT found: it ran the module"))
        pair_ratio("triggers by id", "floor in-process", 1.2, "set/in-process floor (kochava_triggers by id / inprocess_floor, same items)")
        pair_ratio("triggers by id", "noop", 1.0, "set/no-op module (kochava_triggers by id / noop_items, same items): below it", below=True)
        pair_ratio("triggers hidden key", "triggers by id", 1.05, "hidden/plain (hidden_context_keys: [cpi_mostback_url], in every item / none)")
        print("  the module path (%s: false; before issue 22 set/no-op was 1.33-1.66, issue 15's goal 1.2):" % OPT_OUT)
        pair_ratio("module by id", "noop", 1.2, "module set/no-op (kochava_triggers by id / noop_items, same items)")
        pair_ratio("module hidden key", "module by id", 1.05, "module hidden/plain (hidden_context_keys: [cpi_mostback_url] / none)")
        print("  between the two, and what the floors and the result cost:")
        pair_ratio("triggers by id", "module by id", None, "in-process/module (kochava_triggers by id, the two paths)")
        pair_ratio("floor in-process", "noop", None, "in-process floor/no-op module (inprocess_floor / noop_items)")
        pair_ratio("floor", "noop", None, "floor/no-op (floor_items: requests and the pages / noop_items): what no requests-based module goes under")
        pair_ratio("module by id", "floor", None, "module set/floor (kochava_triggers by id, module path / floor_items): the collection's own cost")
        pair_ratio("result", "noop", None, "result/no-op (noop_items returning the by-id task's result / noop_items): what its result costs a module")
        pair_ratio("result in-process", "floor in-process", None, "result in-process/in-process floor: what the same result costs in the worker")
        pair_ratio("engine", "floor in-process", None, "engine/in-process floor (run_set in the worker, no glue / inprocess_floor)")
        pair_ratio("engine lean", "floor in-process", None, "engine lean/in-process floor (run_set, no echo, no unchanged entries / inprocess_floor)")
        pair_ratio("triggers by id", "engine", None, "set/engine (kochava_triggers by id / engine_set): the action glue's own cost")
        pair_ratio("triggers full", "noop", None, "set/no-op, return_triggers: true (the app's 1,000 triggers in the result)")
        pair_ratio("triggers hidden param", "triggers by id", 1.05, "hidden/plain (hidden_url_params: [token] / none)")
        pair_ratio("full hidden key", "triggers full", 1.05, "hidden/plain, return_triggers: true (1,000 masked URLs in the result / none)")
        pair_ratio("triggers by name", "triggers by id", None, "by name / by id")

        if not args.skip_loop:
            loop_case(emu, workdir, args, count, pages, found, errors)

        print("\nexact counts: %s" % ("all as expected" if not errors else "WRONG"))
        for error in errors:
            print("  " + error)

        if not args.no_profile:
            import_profile(args.top)
            payload_profile(emu, workdir)
            profile_main(emu, count, False, args.top)
            profile_engine(emu, count)
            profile_worker(emu, workdir, count, args.top, result_file)
            worker_cpu(emu, workdir, count)
            if emu.writes():
                errors.append("the profiled runs wrote")

    sys.exit(1 if errors else 0)


def loop_case(emu, workdir, args, count, pages, found, errors):
    """(c): loops of one converged task a trigger: in-process, the module path, ansible.builtin.debug and the in-process floor."""
    everything = declared(count)

    def spread(size):
        if size >= count:
            return everything
        step = count / size
        return [everything[int(k * step)] for k in range(size)]

    full_loop = args.loop if args.loop is not None else count if found or args.full else args.sample
    full_loop = count if args.full else min(full_loop, count)
    sample = spread(full_loop)
    module_sample = everything if args.full else spread(min(args.sample, count))
    plays = loop_playbook(sample, module_sample)
    loop_records, loop_log, loop_wall = run_playbook(emu, workdir, "loop", plays)
    orphans = attribute(loop_records, loop_log)
    if orphans:
        errors.append("loop: %d calls outside the loop tasks" % orphans)
    loop_writes = sum(1 for e in loop_log if e["method"] != "GET")
    if loop_writes:
        errors.append("loop: %d writes" % loop_writes)
    tasks = dict((r["name"], r) for r in loop_records)
    figures = {}
    for name, size, per_item in (
        ("debug", len(sample), 0),
        ("floor", len(sample), pages),
        ("in-process", len(sample), pages),
        ("module", len(module_sample), pages),
    ):
        figures[name] = loop_figures(tasks["loop " + name], size, pages, errors, name, per_item)
    print(
        "\n(c) loops of one converged kochava_trigger task a trigger: in-process, debug and floor over %d items%s, the module path over %d%s; "
        "playbook wall %.1f s; %s"
        % (
            len(sample),
            "" if len(sample) == count else " (a sample evenly spread of %d)" % count,
            len(module_sample),
            "" if len(module_sample) == count else " (a sample; totals EXTRAPOLATED x%.1f, --full runs all)" % (count / len(module_sample)),
            loop_wall,
            load(),
        )
    )
    what = {
        "debug": "ansible.builtin.debug (msg: the item's filter_str)",
        "floor": "in-process floor (inprocess_floor given the one item: the same %d page reads, nothing else)" % pages,
        "in-process": "kochava_trigger, default path%s" % ("" if found else " (NOT found: the module ran)"),
        "module": "kochava_trigger, module path (%s: false)" % OPT_OUT,
    }
    for name, fig in figures.items():
        print(
            "  %-11s %s: %d items, API calls %d (%.1f an item), loop task %.1f s, per item median %s; span of an item's calls in the emulator's log: median %s"
            % (name + ":", what[name], fig["items"], fig["calls"], fig["calls"] / max(fig["items"], 1), fig["seconds"], ms(fig["item"]), ms(fig["span"]))
        )
    if len(module_sample) != count:
        print(
            "  module path EXTRAPOLATED to %d tasks: API calls %d, loop task ~%.0f s (%.1f min)"
            % (count, pages * count, figures["module"]["seconds"] * count / len(module_sample), figures["module"]["seconds"] * count / len(module_sample) / 60)
        )
    debug, floor, inproc = figures["debug"]["item"], figures["floor"]["item"], figures["in-process"]["item"]
    api_floor = max(floor - debug, 0.0)
    api_log = figures["in-process"]["span"]
    for label, api in (("the in-process floor item - the debug item", api_floor), ("the span of the item's calls in the emulator's log", api_log)):
        bound = 3 * debug + api
        print(
            "  goal: in-process item %s <= 3 x debug item %s + its API time %s (%s) = %s -> %s"
            % (ms(inproc), ms(debug), ms(api), label, ms(bound), verdict(inproc, bound))
        )
    print(
        "  in-process/module per item: %.2f; module per item %s (848 ms a loop item before issue 22, 50-item sample)"
        % (inproc / figures["module"]["item"] if figures["module"]["item"] else 0.0, ms(figures["module"]["item"]))
    )


if __name__ == "__main__":
    main()
