# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_plan/planner.py: the changes an item makes, and the planner's actions, against a
fake reader (no client, no network). The items' own checks: test_items.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._plan.planner import (
    Planner,
    predict_created,
    predict_updated,
    wanted_changes,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError, find_template
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import (
    APP,
    CUSTOM_POSTBACK,
    CUSTOM_POSTBACK_DEFAULTS,
    MMDSP,
    TEMPLATE,
    URL,
    trigger,
)


class FakeReader:
    """What the planner needs of a Reader; records every read."""

    def __init__(self, triggers=(), templates=(CUSTOM_POSTBACK, MMDSP)):
        self.app_id = APP
        self._triggers = list(triggers)
        self._templates = list(templates)
        self.reads = []

    def triggers(self):
        self.reads.append("triggers")
        return self._triggers

    def templates(self):
        self.reads.append("templates")
        return self._templates

    def template(self, template_id=None, name=None):
        self.reads.append(("template", template_id, name))
        return find_template(self._templates, template_id=template_id, name=name)


def item(**fields):
    result = {"type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
    result.update(fields)
    return result


def plan_failure(reader, items, **kwargs):
    with pytest.raises(TriggerError) as info:
        Planner(reader, **kwargs.pop("planner", {})).plan(items, **kwargs)
    return info.value.message


def summary(actions):
    return [(a["action"], a["index"], (a["before"] or {}).get("id")) for a in actions]


# --------------------------------------------------------------------------
# Checks that need the app (the items' own checks: test_items.py)
# --------------------------------------------------------------------------
def test_two_items_with_one_key_fail_naming_both_and_the_key():
    reader = FakeReader([trigger(1, "event", "Purchase")])
    items = [
        item(type="event", filter_str="Purchase"),
        item(),
        item(type="Event", template_id=None, template="custom postback", filter_str="Purchase", title="Other"),
        item(type="click"),
    ]
    assert plan_failure(reader, items) == "triggers[0] and triggers[2] have the same key event/3373/Purchase; a key may appear once"
    # the name was looked up to build the key; the app's triggers were never read
    assert reader.reads == [("template", None, "custom postback")]


def test_unknown_template_name():
    reader = FakeReader()
    assert plan_failure(reader, [item(template_id=None, template="Nope")]) == (
        "triggers[0] (install/Nope): template 'Nope' is not a postback template available to this app; available: 2209 (mmDSP), 3373 (Custom Postback)"
    )
    assert "triggers" not in reader.reads


def test_unknown_template_id_on_create():
    assert plan_failure(FakeReader(), [item(template_id=9999)]) == (
        "triggers[0] (install/9999): template_id 9999 is not a postback template available to this app; available: 2209 (mmDSP), 3373 (Custom Postback)"
    )


def test_context_failing_the_template_rules():
    assert plan_failure(FakeReader(), [item(context={"cpi_mostback_url": URL, "deferred_for": 45000})]) == (
        "triggers[0] (install/3373): context.deferred_for must be one of 0, 30000 (the value given is not one of them)"
    )


def test_context_change_on_update_is_validated():
    reader = FakeReader([trigger(7)])
    assert (
        plan_failure(reader, [item(context={"max_delivery_attempts": 5})])
        == "triggers[0] (install/3373): context.max_delivery_attempts must be one of 0, 1, 2, 3 (the value given is not one of them)"
    )


def test_label_items_false_gives_no_prefix():
    reader = FakeReader()
    assert plan_failure(reader, [item(context={"cpi_mostback_url": "nope"})], planner={"label_items": False}) == (
        "context.cpi_mostback_url must be an http(s) URL with a host name: it has no scheme (http:// or https://)"
    )


def test_create_needs_a_title():
    assert plan_failure(FakeReader(), [item(title=None)]) == "triggers[0] (install/3373): title is required to create a trigger (none has key install/3373)"


def test_two_triggers_of_the_app_with_the_wanted_key():
    reader = FakeReader([trigger(7), trigger(8)])
    assert plan_failure(reader, [item()]) == "triggers[0] (install/3373): 2 triggers of app 87100 have the key install/3373 (ids 7, 8); address one with id"


# --------------------------------------------------------------------------
# Actions
# --------------------------------------------------------------------------
def test_converged_item_reads_the_triggers_once_and_no_template():
    reader = FakeReader([trigger(7, title="Install")])
    actions = Planner(reader).plan([item(context={"cpi_mostback_url": URL, "deferred_for": 0})])
    assert summary(actions) == [("unchanged", 0, 7)]
    assert reader.reads == ["triggers"]


def test_create_payload_and_prediction():
    reader = FakeReader()
    actions = Planner(reader).plan([item(type="event", filter_str="Purchase", title="Purchase Postback", active=True)])
    assert [a["action"] for a in actions] == ["create"]
    assert actions[0]["payload"] == {
        "app_id": APP,
        "type": "event",
        "title": "Purchase Postback",
        "template_id": TEMPLATE,
        "context": {"cpi_mostback_url": URL},
        "filter_str": "Purchase",
        "active": True,
    }
    assert actions[0]["after"] == {
        "id": None,
        "app_id": APP,
        "type": "event",
        "title": "Purchase Postback",
        "template_id": TEMPLATE,
        "filter_str": "Purchase",
        "active": True,
        "context": {"cpi_mostback_url": URL, "deferred_for": 0, "max_delivery_attempts": 3},
    }
    assert (actions[0]["before"], actions[0]["applied"]) == (None, False)


def test_create_of_an_install_sends_no_filter_str_and_no_active():
    actions = Planner(FakeReader()).plan([item()])
    assert actions[0]["payload"] == {"app_id": APP, "type": "install", "title": "Install", "template_id": TEMPLATE, "context": {"cpi_mostback_url": URL}}


def test_update_action():
    current = trigger(7, title="Old")
    reader = FakeReader([current])
    actions = Planner(reader).plan([item(title="New", context={"deferred_for": 30000})])
    assert summary(actions) == [("update", 0, 7)]
    assert actions[0]["body"] == {"title": "New", "context": {"cpi_mostback_url": URL, "deferred_for": 30000, "max_delivery_attempts": "3"}}
    assert actions[0]["changes"] == {"title": ["Old", "New"], "context.deferred_for": ["0", 30000]}
    assert actions[0]["after"] == dict(current, title="New", context={"cpi_mostback_url": URL, "deferred_for": 30000, "max_delivery_attempts": "3"})
    assert actions[0]["before"] is current and current["title"] == "Old"


def test_absent_item_of_an_existing_trigger_deletes_it():
    reader = FakeReader([trigger(7)])
    actions = Planner(reader).plan([item(state="absent")])
    assert summary(actions) == [("delete", 0, 7)]
    assert actions[0]["after"] is None


def test_absent_item_of_a_missing_trigger_is_unchanged():
    reader = FakeReader([trigger(7, "event", "Purchase")])
    actions = Planner(reader).plan([item(state="absent")])
    assert summary(actions) == [("unchanged", 0, None)]
    assert (actions[0]["before"], actions[0]["after"]) == (None, None)
    assert reader.reads == ["triggers"]


def test_current_given_is_not_read_again():
    reader = FakeReader()
    actions = Planner(reader).plan([item(title="Trigger 7")], current=[trigger(7)])
    assert summary(actions) == [("unchanged", 0, 7)]
    assert reader.reads == []


def test_actions_follow_the_items_then_the_purges():
    current = [trigger(1, "event", "Purchase"), trigger(2), trigger(3, "click"), trigger(4, "event", "Login")]
    items = [item(type="event", filter_str="Login", title="Trigger 4"), item(type="click", state="absent"), item(type="event", filter_str="Signup")]
    actions = Planner(FakeReader(current)).plan(items, purge=True)
    assert summary(actions) == [("unchanged", 0, 4), ("delete", 1, 3), ("create", 2, None), ("delete", None, 1), ("delete", None, 2)]


def test_purge_deletes_exactly_the_unlisted_triggers():
    current = [trigger(1, "event", "Purchase"), trigger(2), trigger(3, "event", "purchase"), trigger(4, template_id=2209)]
    actions = Planner(FakeReader(current)).plan([item(type="event", filter_str="Purchase", title="Trigger 1")], purge=True)
    assert summary(actions) == [("unchanged", 0, 1), ("delete", None, 2), ("delete", None, 3), ("delete", None, 4)]
    assert [a["key"] for a in actions[1:]] == [(TEMPLATE, "install", ""), (TEMPLATE, "event", "purchase"), (2209, "install", "")]


def test_no_purge_deletes_nothing():
    actions = Planner(FakeReader([trigger(1), trigger(2, "click")])).plan([item(title="Trigger 1")])
    assert summary(actions) == [("unchanged", 0, 1)]


GUARDED = [
    trigger(11, "event", "Purchase", title="Buy"),
    trigger(12, title="Install"),
    trigger(13, "click", template_id=2209, title="Click"),
]


def test_max_deletes_guard_lists_what_would_go():
    assert plan_failure(FakeReader(GUARDED), [], purge=True, max_deletes=2) == (
        "this run would delete 3 triggers, more than max_deletes=2 allows; nothing was changed. Would delete: "
        "id 11 (type event, template 3373, filter_str 'Purchase', title 'Buy'); "
        "id 12 (type install, template 3373, filter_str '', title 'Install'); "
        "id 13 (type click, template 2209, filter_str '', title 'Click'). "
        "Raise max_deletes (-1: no limit) if this is intended"
    )


def test_max_deletes_counts_absent_items_too():
    message = plan_failure(FakeReader(GUARDED), [item(state="absent", title=None)], purge=True, max_deletes=0)
    assert message.startswith("this run would delete 3 triggers, more than max_deletes=0 allows")


@pytest.mark.parametrize("max_deletes", [-1, 3, None])
def test_max_deletes_within_the_limit_or_unlimited(max_deletes):
    actions = Planner(FakeReader(GUARDED)).plan([], purge=True, max_deletes=max_deletes)
    assert summary(actions) == [("delete", None, 11), ("delete", None, 12), ("delete", None, 13)]


def test_guard_runs_before_anything_is_returned_to_apply():
    reader = FakeReader(GUARDED)
    with pytest.raises(TriggerError):
        Planner(reader).plan([item()], purge=True, max_deletes=1)
    assert reader.reads == ["triggers"]


def test_purge_context_reads_the_template_defaults():
    current = trigger(7, title="Install", context={"cpi_mostback_url": URL, "deferred_for": "30000", "max_delivery_attempts": "3", "note": "x"})
    reader = FakeReader([current])
    actions = Planner(reader).plan([item(context={"cpi_mostback_url": URL}, purge_context=True, allow_unknown_context=True)])
    assert summary(actions) == [("update", 0, 7)]
    assert actions[0]["body"] == {"context": {"cpi_mostback_url": URL, "deferred_for": 0, "max_delivery_attempts": 3, "note": ""}}
    assert actions[0]["changes"] == {"context.deferred_for": ["30000", 0], "context.note": ["x", ""]}
    assert actions[0]["after"]["context"] == {"cpi_mostback_url": URL, "deferred_for": 0, "max_delivery_attempts": 3, "note": ""}


# --------------------------------------------------------------------------
# wanted_changes
# --------------------------------------------------------------------------
def test_wanted_changes_is_pure():
    current = trigger(7, title="Old")
    wanted = item(title="New", active=True, context={"deferred_for": 30000})
    snapshot = copy.deepcopy((current, wanted))
    body, _changes = wanted_changes(current, wanted, {})
    body["context"]["deferred_for"] = "mutated"
    assert (current, wanted) == snapshot


def test_wanted_changes_old_and_new_per_field():
    current = trigger(7, title="Old", context={"cpi_mostback_url": URL, "deferred_for": "0", "token": "a"})
    body, changes = wanted_changes(current, item(title="New", active=True, context={"deferred_for": 30000, "token": "b", "max_delivery_attempts": 0}), {})
    assert changes == {
        "title": ["Old", "New"],
        "active": [False, True],
        "context.deferred_for": ["0", 30000],
        "context.max_delivery_attempts": [None, 0],
        "context.token": ["a", "b"],
    }
    assert body == {
        "title": "New",
        "active": True,
        "context": {"cpi_mostback_url": URL, "deferred_for": 30000, "token": "b", "max_delivery_attempts": 0},
    }


@pytest.mark.parametrize("fields", [{"title": "New"}, {"active": True}, {"title": "New", "context": {"deferred_for": "0"}}])
def test_title_or_active_change_sends_the_complete_context(fields):
    current = trigger(7, title="Old")
    body, changes = wanted_changes(current, dict(item(context=None), **fields), {})
    assert body["context"] == current["context"]
    assert body["context"] is not current["context"]
    assert [field for field in changes if field.startswith("context")] == []


def test_unset_fields_are_left_alone():
    current = trigger(7, title="Old", active=True)
    assert wanted_changes(current, {"title": None, "active": None, "context": None}, {}) == ({}, {})
    assert wanted_changes(current, {"title": "Old", "active": True, "context": {"deferred_for": 0}}, {}) == ({}, {})


# --------------------------------------------------------------------------
# Predictions
# --------------------------------------------------------------------------
def test_predict_created_fills_defaults():
    payload = {"app_id": APP, "type": "install", "title": "x", "template_id": TEMPLATE, "context": {"cpi_mostback_url": URL, "deferred_for": 30000}}
    assert predict_created(payload, CUSTOM_POSTBACK) == {
        "id": None,
        "app_id": APP,
        "type": "install",
        "title": "x",
        "template_id": TEMPLATE,
        "filter_str": "",
        "active": False,
        "context": {"cpi_mostback_url": URL, "deferred_for": 30000, "max_delivery_attempts": 3},
    }


def test_predict_updated_fills_defaults_only_when_given():
    current = trigger(7, context={"cpi_mostback_url": URL})
    body = {"title": "New", "context": {"cpi_mostback_url": URL, "deferred_for": 30000}}
    assert predict_updated(current, body, None) == dict(current, title="New", context={"cpi_mostback_url": URL, "deferred_for": 30000})
    assert predict_updated(current, body, CUSTOM_POSTBACK_DEFAULTS)["context"] == {"cpi_mostback_url": URL, "deferred_for": 30000, "max_delivery_attempts": 3}
    assert current["context"] == {"cpi_mostback_url": URL}
