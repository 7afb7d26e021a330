"""Fault soak of the kochava_triggers engine (``run_set``) and ``run_single``.

Each seeded run: a random app state, a random declaration, one apply with the
emulator picking a fault for 20% of the calls (every kind: 5xx, 429 with
Retry-After, dropped connection, timeout, answer lost after the write, a
request that arrives twice), then clean reruns until the server holds the
declaration and one more run sends no write. Runs alternate between the
harsh and lenient emulator profiles.

    .venv/bin/python tests/soak/soak.py --seed 1 --runs 1000
    .venv/bin/python tests/soak/soak.py --seed 1 --only 417      # replay run 417

Prints the runs, the faults injected by kind, duplicates, unrequested
deletions, runs that needed more than one clean rerun to converge, requests
with a key other than the configured one, and calls per run. Exit status 1
when a goal (all zero) is missed. Deterministic from ``--seed``: the same run
gets the same state, declaration and fault draws (a timeout under heavy load
can add a fault, never remove a check).

This file is also the library of the stateful test (``test_stateful.py``):
the universe of triggers, the client and the checks.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
for _path in (os.path.join(ROOT, ".build", "collections"), os.path.join(ROOT, "tests", "emulator")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

_LINK = os.path.join(ROOT, ".build", "collections", "ansible_collections", "kochava", "publisher")
if not os.path.lexists(_LINK):  # the same link tests/conftest.py and `make collection` make
    os.makedirs(os.path.dirname(_LINK), exist_ok=True)
    os.symlink(ROOT, _LINK)

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient  # noqa: E402
from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import KochavaError  # noqa: E402
from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_set, run_single  # noqa: E402
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError, trigger_key  # noqa: E402
from ansible_collections.kochava.publisher.tests.constants import APP, SEED as SEED_FILE  # noqa: E402
from kochava_emulator import CHAOS_KINDS, DuplicateTriggerError, Emulator  # noqa: E402

WRITE_METHODS = ("POST", "PATCH", "DELETE")
FAULT_RATE = 0.2
#: The client gives up on an answer after CLIENT_TIMEOUT; a timeout fault answers after FAULT_DELAY.
CLIENT_TIMEOUT = 0.2
FAULT_DELAY = 0.4
MAX_RETRIES = 2
MAX_CLEAN_RERUNS = 5

# -- the universe: small, so keys collide and updates are common --------------------
#: template id -> (destination-URL key, an optional select input, its options)
TEMPLATES = {
    3373: ("cpi_mostback_url", "deferred_for", (0, 30000)),
    2209: ("cpi_jumptap_mostback_url", "cpi_jumptap_fingerprint_lookback_window", (7, 30)),
}
TYPES = ("install", "event", "click")
FILTERS = ("Purchase", "Level")
TITLES = ("Alpha", "Beta")
URLS = ("https://a.example.com/in", "https://b.example.com/in")
ACTIVE = (True, False, None)

# -- the kinds of fault the stateful test arms (chaos kinds, plus the canned duplicate answer) --
FAULT_KINDS = CHAOS_KINDS + ("duplicate_answer",)


def make_item(template_id, trigger_type, filter_index, title, active, url_index, option_index, state="present"):
    """A declared trigger of the universe; ``option_index`` None leaves the select input out."""
    url_key, option_key, options = TEMPLATES[template_id]
    context = {url_key: URLS[url_index]}
    if option_index is not None:
        context[option_key] = options[option_index]
    return {
        "type": trigger_type,
        "template_id": template_id,
        "filter_str": FILTERS[filter_index] if trigger_type == "event" else None,
        "title": title,
        "active": active,
        "context": context,
        "state": state,
    }


def random_item(rng, absent_rate=0.0):
    return make_item(
        rng.choice(sorted(TEMPLATES)),
        rng.choice(TYPES),
        rng.randrange(len(FILTERS)),
        rng.choice(TITLES),
        rng.choice(ACTIVE),
        rng.randrange(len(URLS)),
        rng.choice((None, 0, 1)),
        "absent" if rng.random() < absent_rate else "present",
    )


def item_key(item):
    return trigger_key(item)


def unique_items(items):
    """Items with distinct keys (the first of each key wins), as a declaration requires."""
    seen, kept = set(), []
    for item in items:
        if item_key(item) not in seen:
            seen.add(item_key(item))
            kept.append(item)
    return kept


def plant(emu, item):
    """Another client creates ``item``; False when its key is taken."""
    try:
        emu.add_trigger(
            APP,
            item["type"],
            item["template_id"],
            item["title"],
            filter_str=item["filter_str"],
            context=item["context"],
            active=bool(item["active"]),
            validate=True,
        )
    except DuplicateTriggerError:
        return False
    return True


def make_client(emu, key):
    return KochavaClient(key, api_url=emu.url, max_retries=MAX_RETRIES, timeout=CLIENT_TIMEOUT, sleep=lambda s: None)


# -- one apply -------------------------------------------------------------------------
def apply(emu, key, items, purge=False, check_mode=False, single=False):
    """Run the engine once; ``(result, error, client)``. Only Kochava/trigger errors are caught."""
    client = make_client(emu, key)
    try:
        if single:
            params = dict(items[0], app_id=APP)
            result = run_single(client, params, check_mode=check_mode)
        else:
            result = run_set(client, {"app_id": APP, "triggers": items, "purge": purge, "return_triggers": True}, check_mode=check_mode)
        error = None
    except (KochavaError, TriggerError) as exc:
        result, error = None, exc
    emu.wait_idle(10)  # a write held by a timeout fault lands before anything is checked
    return result, error, client


# -- the checks ------------------------------------------------------------------------
def norm(value):
    """A context value as both profiles compare: harsh stores strings, lenient as sent."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def duplicate_keys(triggers):
    """Keys held by more than one trigger."""
    counts = Counter(trigger_key(t) for t in triggers)
    return sorted((k for k, n in counts.items() if n > 1), key=str)


def allowed_deletions(before, items, purge):
    """Ids of ``before`` the declaration asks to delete."""
    absent = {item_key(i) for i in items if i.get("state") == "absent"}
    declared = {item_key(i) for i in items}
    return {t["id"] for t in before if trigger_key(t) in absent or (purge and trigger_key(t) not in declared)}


def unrequested_deletions(before, after, items, purge):
    """Ids present before, gone after, that the declaration did not ask to delete."""
    gone = {t["id"] for t in before} - {t["id"] for t in after}
    return sorted(gone - allowed_deletions(before, items, purge))


def mismatches(before, after, items, purge):
    """How ``after`` differs from what a successful apply must leave (empty when it holds exactly the declaration)."""
    problems = []
    by_key = {}
    for trigger in after:
        by_key.setdefault(trigger_key(trigger), []).append(trigger)
    declared = {item_key(i) for i in items}
    for item in items:
        found = by_key.get(item_key(item), [])
        if item.get("state") == "absent":
            if found:
                problems.append("%s should be absent, found ids %s" % (item_key(item), [t["id"] for t in found]))
            continue
        if len(found) != 1:
            problems.append("%s: %d triggers" % (item_key(item), len(found)))
            continue
        trigger = found[0]
        if trigger.get("title") != item["title"]:
            problems.append("%s: title %r, want %r" % (item_key(item), trigger.get("title"), item["title"]))
        if item.get("active") is not None and bool(trigger.get("active")) != item["active"]:
            problems.append("%s: active %r, want %r" % (item_key(item), trigger.get("active"), item["active"]))
        context = trigger.get("context") or {}
        for name, value in (item.get("context") or {}).items():
            if name not in context or norm(context[name]) != norm(value):
                problems.append("%s: context.%s %r, want %r" % (item_key(item), name, context.get(name), value))
    if purge:
        extra = [t["id"] for t in after if trigger_key(t) not in declared]
        if extra:
            problems.append("purge left unlisted triggers %s" % extra)
    else:
        now = {t["id"]: t for t in after}
        for trigger in before:
            if trigger_key(trigger) not in declared and now.get(trigger["id"]) != trigger:
                problems.append("unlisted trigger %s changed: %r -> %r" % (trigger["id"], trigger, now.get(trigger["id"])))
    return problems


def foreign_key_requests(log):
    """Log entries whose key was not the configured (valid) one; the log never records the key itself."""
    return [e for e in log if e["auth"] != "valid"]


def leaked_key(key, error, client, result=None):
    """True when the key shows up in an error message, a warning, the retry summary or the result."""
    texts = [str(error) if error is not None else "", client.retry.summary() or "", repr(client.warnings), repr(result)]
    texts += [repr(getattr(error, "actions", ""))]
    return any(key in text for text in texts)


def writes(log):
    return [e for e in log if e["method"] in WRITE_METHODS]


def fault_kind(entry):
    """The chaos kind of a log entry (None when no fault hit it)."""
    kind = entry["fault"]
    if kind is None:
        return None
    if kind == "answer":
        return "429" if entry["status"] == 429 else "5xx" if (entry["status"] or 0) >= 500 else "answer"
    if kind == "delay":
        return "timeout"
    return kind


# -- the soak --------------------------------------------------------------------------
class Figures:
    def __init__(self):
        self.runs = 0
        self.profiles = Counter()
        self.faults = Counter()
        self.calls = []
        self.faulty_failed = 0
        self.duplicates = 0
        self.unrequested = 0
        self.slow_converge = 0
        self.foreign_keys = 0
        self.key_leaks = 0
        self.failures = []  # (run index, what)

    def missed(self):
        return bool(self.duplicates or self.unrequested or self.slow_converge or self.foreign_keys or self.key_leaks)

    def lines(self, seed, runs, elapsed):
        mean = sum(self.calls) / len(self.calls) if self.calls else 0.0
        kinds = ", ".join("%s %d" % (k, self.faults.get(k, 0)) for k in CHAOS_KINDS)
        out = [
            "soak: seed %s, %d runs, fault rate %d%% per call, profiles %s, %.1f s"
            % (seed, runs, FAULT_RATE * 100, ", ".join("%s %d" % kv for kv in sorted(self.profiles.items())), elapsed),
            "runs: %d (%d faulty applies failed, then reran clean)" % (self.runs, self.faulty_failed),
            "faults injected: %d (%s)" % (sum(self.faults.values()), kinds),
            "duplicates: %d (goal 0)" % self.duplicates,
            "unrequested deletions: %d (goal 0)" % self.unrequested,
            "runs needing more than one clean rerun: %d (goal 0)" % self.slow_converge,
            "requests with another key: %d, key in messages: %d (goal 0)" % (self.foreign_keys, self.key_leaks),
            "calls per run (faulty apply): mean %.1f, max %d" % (mean, max(self.calls) if self.calls else 0),
        ]
        for index, what in self.failures[:20]:
            out.append("FAILED run %d: %s  (replay: tests/soak/soak.py --seed %s --only %d)" % (index, what, seed, index))
        out.append("result: %s" % ("GOALS MISSED" if self.missed() else "all goals met"))
        return out


def soak_run(emu, seed, index, figures):
    """One seeded run; adds to ``figures``."""
    rng = random.Random("%s/%d" % (seed, index))
    profile = ("harsh", "lenient")[index % 2]
    emu.reset()
    emu.configure(profile=profile, duplicate_status=rng.choice((400, 409)), page_size=rng.choice((2, 3, 50)))
    key = emu.demo_key
    for _dummy in range(rng.randrange(6)):
        plant(emu, random_item(rng))
    single = rng.random() < 0.2
    items = unique_items([random_item(rng, absent_rate=0.15) for dummy in range(1 if single else rng.randrange(1, 6))])
    purge = (not single) and rng.random() < 0.5
    before = emu.triggers(APP)
    figures.runs += 1
    figures.profiles[profile] += 1

    emu.clear_log()
    emu.chaos(FAULT_RATE, seed=rng.randrange(2**32), delay=FAULT_DELAY)
    result, error, client = apply(emu, key, items, purge, single=single)
    emu.chaos(0)
    log = emu.log
    figures.calls.append(len(log))
    figures.faults.update(k for k in map(fault_kind, log) if k)
    figures.faulty_failed += error is not None
    problems = []

    def check_after_apply(log, error, client, result, stage):
        after = emu.triggers(APP)
        if duplicate_keys(after):
            figures.duplicates += 1
            problems.append("%s: duplicate keys %s" % (stage, duplicate_keys(after)))
        lost = unrequested_deletions(before, after, items, purge)
        if lost:
            figures.unrequested += 1
            problems.append("%s: deleted %s, not asked to" % (stage, lost))
        if foreign_key_requests(log):
            figures.foreign_keys += 1
            problems.append("%s: request with another key" % stage)
        if leaked_key(key, error, client, result):
            figures.key_leaks += 1
            problems.append("%s: the key shows in a message" % stage)
        return after

    check_after_apply(log, error, client, result, "faulty apply")
    converged_after = None
    for rerun in range(1, MAX_CLEAN_RERUNS + 1):
        emu.clear_log()
        result, error, client = apply(emu, key, items, purge, single=single)
        after = check_after_apply(emu.log, error, client, result, "clean rerun %d" % rerun)
        if error is not None:
            problems.append("clean rerun %d failed: %s" % (rerun, error))
            continue
        wrong = mismatches(before, after, items, purge)
        if wrong:
            problems.append("clean rerun %d left: %s" % (rerun, "; ".join(wrong)))
            continue
        emu.clear_log()
        result, error, client = apply(emu, key, items, purge, single=single)
        if error is not None or writes(emu.log):
            problems.append("the run after clean rerun %d was not a no-op (%s)" % (rerun, error or [(e["method"], e["path"]) for e in writes(emu.log)]))
            continue
        converged_after = rerun
        break
    if converged_after != 1:
        figures.slow_converge += 1
        problems.append("converged after %s clean reruns" % converged_after)
    if problems:
        figures.failures.append((index, "; ".join(problems)))


def soak(seed, runs, first=0, only=None, out=print):
    """Run the soak; return the figures."""
    figures = Figures()
    started = time.time()
    with Emulator(seed=SEED_FILE) as emu:
        indexes = [only] if only is not None else range(first, first + runs)
        for index in indexes:
            soak_run(emu, seed, index, figures)
    for line in figures.lines(seed, len(indexes), time.time() - started):
        out(line)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--seed", default=os.environ.get("SOAK_SEED", "1"), help="seed of every draw (env SOAK_SEED; default 1)")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("SOAK_RUNS", "1000")), help="number of runs (env SOAK_RUNS; default 1000)")
    parser.add_argument("--first", type=int, default=0, help="index of the first run")
    parser.add_argument("--only", type=int, default=None, help="replay only run INDEX")
    args = parser.parse_args(argv)
    figures = soak(args.seed, args.runs, args.first, args.only)
    return 1 if figures.missed() else 0


if __name__ == "__main__":
    sys.exit(main())
