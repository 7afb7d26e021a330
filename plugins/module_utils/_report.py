# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules show: triggers, the plan, the diff and the export, with
hidden context values replaced by the placeholder everywhere.

Pure: nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kochava.publisher.plugins.module_utils._context import hide_context
from ansible_collections.kochava.publisher.plugins.module_utils._redact import MASK
from ansible_collections.kochava.publisher.plugins.module_utils._triggers import TYPES_WITHOUT_FILTER, canonical, key_fields, key_text, trigger_key

DIFF_FIELDS = ("type", "template_id", "filter_str", "title", "active", "context")
PLAN_ACTIONS = ("create", "update", "delete", "unchanged")


def shown(trigger, hidden):
    """A copy of ``trigger`` whose hidden context values show the placeholder."""
    if trigger is None:
        return None
    trigger = copy.deepcopy(trigger)
    if "context" in trigger:
        trigger["context"] = hide_context(trigger["context"], hidden)
    return trigger


def diff_view(trigger, hidden):
    """The part of a trigger shown in --diff."""
    if not trigger:
        return {}
    view = dict((field, trigger[field]) for field in DIFF_FIELDS if field in trigger)
    if view.get("type") in TYPES_WITHOUT_FILTER and not view.get("filter_str"):
        view.pop("filter_str", None)
    if "context" in view:
        view["context"] = dict(sorted(hide_context(view["context"], hidden).items()))
    return copy.deepcopy(view)


def set_diff(before, after, hidden):
    """The app's triggers before and after, keyed and sorted by their key."""
    return {
        "before": dict(sorted((key_text(trigger_key(t)), diff_view(t, hidden)) for t in before)),
        "after": dict(sorted((key_text(trigger_key(t)), diff_view(t, hidden)) for t in after)),
    }


def _hide_change(field, values, hidden):
    if field.startswith("context.") and field[len("context.") :] in hidden:
        return [MASK if canonical(value) != "" else value for value in values]
    return list(values)


def plan_report(actions, hidden):
    """``{create: [...], update: [...], delete: [...], unchanged: [...]}`` for people and pipelines."""
    report = dict((kind, []) for kind in PLAN_ACTIONS)
    for planned in actions:
        trigger = planned["after"] or planned["before"] or {}
        entry = {
            "key": key_fields(planned["key"]),
            "id": trigger.get("id"),
            "title": trigger.get("title"),
            "applied": planned["applied"],
        }
        if planned.get("adopted"):
            entry["adopted"] = True
        if planned["action"] == "update":
            entry["changes"] = dict((field, _hide_change(field, values, hidden)) for field, values in sorted(planned["changes"].items()))
        report[planned["action"]].append(entry)
    return report


def export_item(trigger, hidden):
    """A trigger in the shape of kochava_triggers' ``triggers`` option."""
    item = {"type": trigger.get("type"), "template_id": trigger.get("template_id")}
    if trigger.get("type") == "event":
        item["filter_str"] = trigger.get("filter_str") or ""
    item["title"] = trigger.get("title")
    item["active"] = bool(trigger.get("active"))
    item["context"] = dict(sorted(hide_context(trigger.get("context") or {}, hidden).items()))
    return item
