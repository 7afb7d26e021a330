# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the modules show: triggers, the plan, the diff and the export, with
hidden context values replaced by the placeholder everywhere (``hidden`` is the task's ``Hider``):
in their own field, and wherever else a hidden text sits (a title, a filter_str), with the same
fingerprint (``Hider.text``).

Pure: nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TYPES_WITHOUT_FILTER, canonical, key_fields, key_text, trigger_key

DIFF_FIELDS = ("type", "template_id", "filter_str", "title", "active", "context")
WRITE_ACTIONS = ("create", "update", "delete")  # the actions that send a write
PLAN_ACTIONS = WRITE_ACTIONS + ("unchanged",)  # the lists of a plan
TEXT_FIELDS = ("title", "filter_str")  # free text, where a hidden value may sit too


def _texts_hidden(record, hider):
    """``record`` (a dict, changed in place) with hidden texts masked in its free-text fields."""
    for field in TEXT_FIELDS:
        value = record.get(field)
        if isinstance(value, str) and value:
            record[field] = hider.text(value)
    return record


def masked_trigger(trigger, hidden):
    """A copy of ``trigger`` whose hidden context values show the placeholder."""
    if trigger is None:
        return None
    trigger = dict(trigger)  # the fields are scalars but for context, copied below
    if isinstance(trigger.get("context"), dict):
        trigger["context"] = hidden.context(trigger["context"])
    return _texts_hidden(trigger, hidden)


def stored_value(value):
    """A context value as the API holds it: a string (7 -> "7", True -> "true"); None and strings as they are."""
    return value if value is None or isinstance(value, str) else canonical(value)


def stored_context(context, hidden):
    """A context as the API holds it, sorted by key, hidden values masked."""
    return dict(sorted(hidden.context(dict((key, stored_value(value)) for key, value in (context or {}).items())).items()))


def diff_view(trigger, hidden):
    """The part of a trigger shown in --diff (context values as the API holds them)."""
    if not trigger:
        return {}
    view = dict((field, trigger[field]) for field in DIFF_FIELDS if field in trigger)
    if view.get("type") in TYPES_WITHOUT_FILTER and not view.get("filter_str"):
        view.pop("filter_str", None)
    if isinstance(view.get("context"), dict):
        view["context"] = stored_context(view["context"], hidden)
    return _texts_hidden(copy.deepcopy(view), hidden)


def sort_key(trigger):
    """Triggers ordered by type, template_id, filter_str (then id)."""
    key = trigger_key(trigger)
    return (key[1], key[0] if key[0] is not None else -1, key[2], str(trigger.get("id")))


def _keyed_views(triggers, hidden):
    labels = [hidden.text(key_text(trigger_key(t))) for t in triggers]
    views = []
    for label, trigger in sorted(zip(labels, triggers), key=lambda pair: sort_key(pair[1])):
        if labels.count(label) > 1:  # a key the server holds twice: tell them apart by id
            label = "%s (id %s)" % (label, trigger.get("id"))
        views.append((label, diff_view(trigger, hidden)))
    return views


def render_views(views):
    """Triggers as text, one line per field, each line led by the trigger's key.

    Every line names its trigger, so a unified diff of two renderings never
    aligns one trigger's lines with another's: a created or deleted trigger is
    a block of its own, a change is the lines of the fields that change.
    """
    lines = []
    for label, view in views:
        for field in DIFF_FIELDS:
            if field == "context":
                lines.extend("%s  context.%s: %s" % (label, key, json.dumps(value, ensure_ascii=False)) for key, value in (view.get("context") or {}).items())
            elif field in view:
                lines.append("%s  %s: %s" % (label, field, json.dumps(view[field], ensure_ascii=False)))
    return "".join(line + "\n" for line in lines)


def set_diff(before, after, hidden, app_id=None):
    """The app's triggers before and after as text (see render_views), in key order, with headers naming the app."""
    app = "app %s" % app_id if app_id is not None else "app"
    return {
        "before_header": "%s (before)" % app,
        "after_header": "%s (after)" % app,
        "before": render_views(_keyed_views(before, hidden)),
        "after": render_views(_keyed_views(after, hidden)),
    }


def _hide_change(field, values, hidden):
    if field.startswith("context."):
        key = field[len("context.") :]
        return [hidden.value(key, stored_value(value)) for value in values]
    return [hidden.text(value) for value in values]


def plan_report(actions, hidden):
    """``{create: [...], update: [...], delete: [...], unchanged: [...]}`` for people and pipelines."""
    report = empty_plan()
    for planned in actions:
        trigger = planned["after"] or planned["before"] or {}
        entry = {
            "key": _texts_hidden(key_fields(planned["key"]), hidden),
            "id": trigger.get("id"),
            "title": hidden.text(trigger.get("title")),
            "applied": planned["applied"],
        }
        if planned.get("adopted"):
            entry["adopted"] = True
        if planned["action"] == "update":
            entry["changes"] = dict((field, _hide_change(field, values, hidden)) for field, values in sorted(planned["changes"].items()))
        elif planned["action"] == "create":
            # the values the API will hold, so a reviewer sees (and a review compares) what is created
            # the prediction, not the trigger read back: a check run and the real run show one plan
            # (an empty value is no value, as the digest counts it)
            predicted = planned.get("predicted") or trigger
            entry["values"] = {
                "title": hidden.text(predicted.get("title")),
                "active": bool(predicted.get("active")),
                "context": dict((k, v) for k, v in stored_context(predicted.get("context"), hidden).items() if v != ""),
            }
        report[planned["action"]].append(entry)
    return report


def empty_plan():
    """The plan of a run that read nothing (it failed validation)."""
    return dict((action, []) for action in PLAN_ACTIONS)


def drift_message(app_id, actions):
    """``expect_no_changes``: every trigger that differs, by key and title, and an update's fields; None when converged."""
    parts = []
    for planned in actions:
        trigger = planned["before"] or planned["after"] or {}
        what = "%s %r" % (key_text(planned["key"]), trigger.get("title"))
        if planned["action"] == "create":
            parts.append("create %s" % what)
        elif planned["action"] == "update":
            parts.append("update id %s %s: %s" % (trigger.get("id"), what, ", ".join(sorted(planned["changes"]))))
        elif planned["action"] == "delete":
            parts.append("delete id %s %s" % (trigger.get("id"), what))
    if not parts:
        return None
    return "expect_no_changes: app %s differs from its declaration in %d trigger%s (nothing was written): %s" % (
        app_id,
        len(parts),
        "" if len(parts) == 1 else "s",
        "; ".join(parts),
    )


def export_item(trigger, hidden):
    """A trigger in the shape of kochava_triggers' ``triggers`` option."""
    item = {"type": trigger.get("type"), "template_id": trigger.get("template_id")}
    if trigger.get("type") == "event":
        item["filter_str"] = trigger.get("filter_str") or ""
    item["title"] = trigger.get("title")
    item["active"] = bool(trigger.get("active"))
    item["context"] = dict(sorted(hidden.context(trigger.get("context") or {}).items()))
    return _texts_hidden(item, hidden)
