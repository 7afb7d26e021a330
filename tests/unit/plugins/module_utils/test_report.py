# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_plan/report.py: what the modules show, with hidden context values masked everywhere."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import difflib

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import diff_view, export_item, masked_trigger, plan_report, set_diff
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import Hider
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import APP, TEMPLATE, URL, trigger

HIDDEN = Hider(keys={"token", "pin", "empty"})
SECRET_CONTEXT = {"token": "s3cr3t", "cpi_mostback_url": URL, "pin": 1234, "empty": ""}
MASKED_CONTEXT = {"cpi_mostback_url": URL, "empty": "", "pin": "********", "token": "********"}


def secret_trigger(trigger_id=7, trigger_type="install", filter_str="", **fields):
    return trigger(trigger_id, trigger_type, filter_str, context=SECRET_CONTEXT, **fields)


# --------------------------------------------------------------------------
# masked_trigger
# --------------------------------------------------------------------------
def test_masked_trigger_masks_hidden_values_in_a_copy():
    original = secret_trigger()
    result = masked_trigger(original, HIDDEN)
    assert result == dict(original, context=MASKED_CONTEXT)
    assert original["context"] == SECRET_CONTEXT


def test_masked_trigger_of_nothing_and_of_a_trigger_without_context():
    assert masked_trigger(None, HIDDEN) is None
    assert masked_trigger({"id": 1}, HIDDEN) == {"id": 1}


# --------------------------------------------------------------------------
# diff_view and set_diff
# --------------------------------------------------------------------------
def test_diff_view_shows_the_fields_people_set():
    view = diff_view(trigger(1, context={"b": 1, "a": 2}, title="x"), Hider())
    # context values as the API holds them: strings
    assert view == {"type": "install", "template_id": TEMPLATE, "title": "x", "active": False, "context": {"a": "2", "b": "1"}}
    assert list(view["context"]) == ["a", "b"]


def test_diff_view_keeps_the_filter_of_an_event():
    view = diff_view(trigger(1, "event", "Purchase"), Hider())
    assert view["filter_str"] == "Purchase"


@pytest.mark.parametrize("value", [None, {}])
def test_diff_view_of_nothing(value):
    assert diff_view(value, HIDDEN) == {}


def test_diff_view_masks_hidden_values():
    assert diff_view(secret_trigger(), HIDDEN)["context"] == MASKED_CONTEXT


def test_set_diff_keyed_sorted_and_masked():
    before = [secret_trigger(2, "event", "Purchase"), secret_trigger(1)]
    after = [secret_trigger(1)]
    diff = set_diff(before, after, HIDDEN, APP)
    assert diff["before_header"] == "app %d (before)" % APP and diff["after_header"] == "app %d (after)" % APP
    assert labels(diff["before"]) == ["event/3373/Purchase", "install/3373"]
    assert labels(diff["after"]) == ["install/3373"]
    assert 'event/3373/Purchase  context.token: "********"' in diff["before"].splitlines()
    assert 'install/3373  context.pin: "********"' in diff["after"].splitlines()
    assert "s3cr3t" not in diff["before"] + diff["after"] and "1234" not in diff["before"] + diff["after"]


def test_set_diff_shows_every_trigger_of_a_duplicated_key():
    # An app may hold two triggers with one key (the planner names them when
    # an item addresses that key); a run that leaves them alone still shows both.
    before = [trigger(1, title="First"), trigger(2, title="Second")]
    diff = set_diff(before, before, Hider())
    assert labels(diff["before"]) == ["install/3373 (id 1)", "install/3373 (id 2)"]
    assert [line.split("  title: ")[1] for line in diff["after"].splitlines() if "  title: " in line] == ['"First"', '"Second"']


def test_a_deleted_trigger_is_a_block_of_its_own_in_the_unified_diff():
    # Triggers that end alike (the same URL, the same default) once made difflib start the removed
    # block with the previous trigger's last line; every line now names its trigger.
    triggers = [trigger(i, "event", name, title=name, context={"cpi_mostback_url": URL, "deferred_for": "0"}) for i, name in enumerate("ABC")]
    diff = set_diff(triggers, [triggers[0], triggers[2]], Hider(), APP)
    lines = list(difflib.unified_diff(diff["before"].splitlines(True), diff["after"].splitlines(True)))
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    assert removed and all(line.startswith("-event/3373/B  ") for line in removed), removed
    assert not [line for line in lines if line.startswith("+") and not line.startswith("+++")]


def test_set_diff_shows_predicted_values_as_the_api_holds_them():
    predicted = trigger(None, context={"cpi_mostback_url": URL, "deferred_for": 30, "active_flag": True, "max_delivery_attempts": "7"})
    text = set_diff([], [predicted], Hider())["after"]
    assert 'install/3373  context.deferred_for: "30"' in text.splitlines()
    assert 'install/3373  context.active_flag: "true"' in text.splitlines()
    assert 'install/3373  context.max_delivery_attempts: "7"' in text.splitlines()


def labels(text):
    found = []
    for line in text.splitlines():
        label = line.split("  ", 1)[0]
        if label not in found:
            found.append(label)
    return found


# --------------------------------------------------------------------------
# plan_report
# --------------------------------------------------------------------------
def planned(kind, key, before, after, applied=False, **extra):
    result = {"action": kind, "key": key, "index": 0, "item": {}, "before": before, "after": after, "applied": applied}
    result.update(extra)
    return result


def test_plan_report_entries_and_masked_changes():
    current = secret_trigger(7, title="Old")
    updated = dict(current, title="New")
    actions = [
        planned(
            "update",
            (TEMPLATE, "install", ""),
            current,
            updated,
            applied=True,
            changes={
                "title": ["Old", "New"],
                "context.token": ["s3cr3t", "n3w"],
                "context.empty": ["", "x"],
                "context.pin": [1234, ""],
                "context.a": ["1", "2"],
            },
        ),
        planned("create", (TEMPLATE, "event", "Purchase"), None, dict(secret_trigger(None, "event", "Purchase"), title="Buy")),
        planned("delete", (TEMPLATE, "click", ""), secret_trigger(9, "click", title="Click"), None, applied=True, adopted=True),
        planned("unchanged", (TEMPLATE, "event", "Login"), None, None),
    ]
    assert plan_report(actions, HIDDEN) == {
        "create": [
            {
                "key": {"type": "event", "template_id": TEMPLATE, "filter_str": "Purchase"},
                "id": None,
                "title": "Buy",
                "applied": False,
                "values": {
                    "title": "Buy",
                    "active": bool(secret_trigger().get("active")),
                    "context": dict(sorted((k, v) for k, v in MASKED_CONTEXT.items() if v != "")),
                },
            }
        ],
        "update": [
            {
                "key": {"type": "install", "template_id": TEMPLATE, "filter_str": ""},
                "id": 7,
                "title": "New",
                "applied": True,
                "changes": {
                    "context.a": ["1", "2"],
                    "context.empty": ["", "********"],
                    "context.pin": ["********", ""],
                    "context.token": ["********", "********"],
                    "title": ["Old", "New"],
                },
            }
        ],
        "delete": [{"key": {"type": "click", "template_id": TEMPLATE, "filter_str": ""}, "id": 9, "title": "Click", "applied": True, "adopted": True}],
        "unchanged": [{"key": {"type": "event", "template_id": TEMPLATE, "filter_str": "Login"}, "id": None, "title": None, "applied": False}],
    }


def test_plan_report_of_no_actions():
    assert plan_report([], HIDDEN) == {"create": [], "update": [], "delete": [], "unchanged": []}


# --------------------------------------------------------------------------
# export_item
# --------------------------------------------------------------------------
def test_export_of_an_event_in_the_shape_of_the_triggers_option():
    exported = export_item(secret_trigger(7, "event", "Purchase", title="Buy", active=True), HIDDEN)
    assert exported == {"type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "title": "Buy", "active": True, "context": MASKED_CONTEXT}
    assert list(exported["context"]) == ["cpi_mostback_url", "empty", "pin", "token"]


@pytest.mark.parametrize("trigger_type", ["install", "click"])
def test_export_has_filter_str_only_for_events(trigger_type):
    exported = export_item(trigger(7, trigger_type, None, title="T", context={"cpi_mostback_url": URL}), Hider())
    assert exported == {"type": trigger_type, "template_id": TEMPLATE, "title": "T", "active": False, "context": {"cpi_mostback_url": URL}}


def test_export_drops_server_fields_and_leaves_the_trigger_alone():
    original = secret_trigger(7, app_id=APP)
    snapshot = copy.deepcopy(original)
    exported = export_item(original, HIDDEN)
    assert sorted(exported) == ["active", "context", "template_id", "title", "type"]
    assert original == snapshot


def test_export_of_a_trigger_without_context_or_active():
    assert export_item({"type": "install", "template_id": TEMPLATE, "title": "T"}, HIDDEN) == {
        "type": "install",
        "template_id": TEMPLATE,
        "title": "T",
        "active": False,
        "context": {},
    }
