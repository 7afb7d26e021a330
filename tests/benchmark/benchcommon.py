"""What the benchmarks share: where they find the collection and whether it has the in-process path (issue 22).

KOCHAVA_BENCH_COLLECTIONS names another collections tree (a directory holding
ansible_collections/kochava/publisher), e.g. one linking a branch not merged
yet; by default the tree `make collection` builds, .build/collections.

The in-process path is there when the collection has
plugins/action/kochava_trigger.py; without it every "in-process" case runs
the module (the scripts still run, and say so).
"""

from __future__ import annotations

import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
COLLECTIONS = os.path.abspath(os.environ.get("KOCHAVA_BENCH_COLLECTIONS") or os.path.join(ROOT, ".build", "collections"))
COLLECTION = os.path.join(COLLECTIONS, "ansible_collections", "kochava", "publisher")
ACTION_PLUGINS = os.path.join(HERE, "action_plugins")  # inprocess_floor
LIBRARY = os.path.join(HERE, "library")  # noop_items, floor_items
OPT_OUT = "kochava_in_process"  # the variable: false runs the module path


def in_process_found():
    return os.path.isfile(os.path.join(COLLECTION, "plugins", "action", "kochava_trigger.py"))


def paths_line():
    """One line for the head of a benchmark's output."""
    where = os.path.realpath(COLLECTION)
    if in_process_found():
        return "collection %s (%s): in-process path found (plugins/action/kochava_trigger.py); the module path is %s: false" % (COLLECTIONS, where, OPT_OUT)
    return (
        "collection %s (%s): in-process path NOT found (no plugins/action/kochava_trigger.py): "
        "the in-process cases run the module, so in-process and module figures measure the same thing" % (COLLECTIONS, where)
    )


def attribute(records, log):
    """Each emulator log entry to the one task during which it was answered (``record["calls"]``); returns the orphans."""
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


def verdict(value, goal):
    return "MET" if value <= goal else "MISSED"
