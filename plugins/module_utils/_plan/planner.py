# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one planner: desired items x the app's triggers -> actions.

Every check that can fail runs before the applier sends any write: the
item shape before the planner (_triggers/items.py), here duplicate keys, templates,
context rules, the purge guard.
Reads go through a ``Reader`` (_plan/reader.py), so a converged run reads the
app's triggers once and the templates only when a rule needs them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.kochava.publisher.plugins.module_utils._triggers.context import (
    comparable_context,
    context_differs,
    merge_context,
    validate_context,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.items import item_prefix
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import (
    TriggerError,
    key_text,
    make_key,
    template_defaults,
    trigger_key,
)


def wanted_changes(current, item, defaults):
    """What writing ``item`` would change on ``current`` (pure).

    Returns ``(body, changes)``: ``body`` the PATCH body (empty when nothing
    differs; it always carries the complete resulting context), ``changes``
    maps each changing field (``title``, ``context.<key>``) to ``[old, new]``.
    """
    body, changes = {}, {}
    if item.get("title") is not None and item["title"] != current.get("title"):
        body["title"] = changes["title"] = item["title"]
    if item.get("active") is not None and bool(item["active"]) != bool(current.get("active")):
        body["active"] = changes["active"] = bool(item["active"])
    changes = dict((field, [current.get(field), value]) for field, value in changes.items())
    given, existing = item.get("context"), current.get("context") or {}
    purge = bool(item.get("purge_context"))
    if given is not None and context_differs(existing, given, purge, defaults):
        resulting = merge_context(existing, given, purge, defaults)
        old, new = comparable_context(existing, defaults), comparable_context(resulting, defaults)
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                changes["context." + key] = [existing.get(key), resulting.get(key)]
        body["context"] = resulting
    elif body:
        # The document does not say whether PATCH merges or replaces the
        # context: the complete context is always sent, so nothing is lost.
        body["context"] = copy.deepcopy(existing)
    return body, changes


class Planner:
    """Decides every action of a run, and fails before any write."""

    def __init__(self, reader, label_items=True):
        self.reader = reader
        self.label_items = label_items

    def prefix(self, index, item):
        return item_prefix(index, item) if self.label_items else ""

    def defaults(self, item, template_id):
        if item.get("purge_context") and item.get("context") is not None:
            return template_defaults(self.reader.template(template_id))
        return {}

    def resolve(self, items):
        """Template names -> ids; returns keyed items (checked before: _triggers/items.py)."""
        keyed, seen = [], {}
        for index, item in enumerate(items):
            prefix = self.prefix(index, item)
            template_id = item.get("template_id")
            if template_id is None:
                try:
                    template_id = self.reader.template(name=item["template"])["id"]
                except TriggerError as exc:
                    raise TriggerError(prefix + exc.message) from None
            key = make_key(template_id, item["type"], item.get("filter_str"))
            if key in seen:
                raise TriggerError("triggers[%d] and triggers[%d] have the same key %s; a key may appear once" % (seen[key], index, key_text(key)))
            seen[key] = index
            keyed.append((index, key, item))
        return keyed

    def plan(self, items, current=None, purge=False, max_deletes=-1):
        """The list of actions, in the order the items were given, then purges."""
        keyed = self.resolve(items)
        current = self.reader.triggers() if current is None else current
        by_key = {}
        for trigger in current:  # one pass: a set of any size costs one key per trigger
            by_key.setdefault(trigger_key(trigger), []).append(trigger)
        actions = []
        for index, key, item in keyed:
            prefix = self.prefix(index, item)
            matches = by_key.get(key, [])
            if len(matches) > 1:
                raise TriggerError(
                    "%s%d triggers of app %s have the key %s (ids %s); address one with id"
                    % (prefix, len(matches), self.reader.app_id, key_text(key), ", ".join(str(t.get("id")) for t in matches))
                )
            found = matches[0] if matches else None
            try:
                actions.append(self.plan_item(index, key, item, found))
            except TriggerError as exc:
                raise TriggerError(prefix + exc.message) from None
        if purge:
            wanted = set(key for _index, key, _item in keyed)
            for trigger in current:
                if trigger_key(trigger) not in wanted:
                    actions.append(action("delete", trigger_key(trigger), None, None, trigger))
        self.guard(actions, max_deletes)
        return actions

    def plan_item(self, index, key, item, found):
        if item.get("state") == "absent":
            return action("delete" if found else "unchanged", key, index, item, found)
        if found is None:
            return self.plan_create(index, key, item)
        defaults = self.defaults(item, found.get("template_id"))
        body, changes = wanted_changes(found, item, defaults)
        if not body:
            return action("unchanged", key, index, item, found)
        if "context" in changes_fields(changes):
            validate_context(
                self.reader.template(found.get("template_id")),
                item["context"],
                body["context"],
                creating=False,
                allow_unknown=item.get("allow_unknown_context"),
            )
        planned = action("update", key, index, item, found, body=body, changes=changes)
        planned["after"] = predict_updated(found, body, defaults if item.get("purge_context") else None)
        return planned

    def plan_create(self, index, key, item):
        if not item.get("title"):
            raise TriggerError("title is required to create a trigger (none has key %s)" % key_text(key))
        template = self.reader.template(key[0])
        given = dict(item.get("context") or {})
        validate_context(template, given, given, creating=True, allow_unknown=item.get("allow_unknown_context"))
        payload = {"app_id": self.reader.app_id, "type": key[1], "title": item["title"], "template_id": key[0], "context": given}
        if key[2]:
            payload["filter_str"] = key[2]
        if item.get("active") is not None:
            payload["active"] = bool(item["active"])
        planned = action("create", key, index, item, None, payload=payload)
        # kept apart from "after" (which the applier replaces with the trigger read back), so the
        # plan shows one prediction in check mode and in the real run
        planned["after"] = planned["predicted"] = predict_created(payload, template)
        return planned

    def guard(self, actions, max_deletes):
        deletes = [a["before"] for a in actions if a["action"] == "delete"]
        if max_deletes is None or max_deletes < 0 or len(deletes) <= max_deletes:
            return
        listed = "; ".join(
            "id %s (type %s, template %s, filter_str %r, title %r)"
            % (t.get("id"), t.get("type"), t.get("template_id"), t.get("filter_str") or "", t.get("title"))
            for t in deletes
        )
        raise TriggerError(
            "this run would delete %d triggers, more than max_deletes=%d allows; nothing was changed. Would delete: %s. "
            "Raise max_deletes (-1: no limit) if this is intended" % (len(deletes), max_deletes, listed),
            failure="guard",
        )


def changes_fields(changes):
    return set(field.split(".", 1)[0] for field in changes)


def action(name, key, index, item, before, **extra):
    planned = {"action": name, "key": key, "index": index, "item": item, "before": before, "after": before, "applied": False}
    if name == "delete":
        planned["after"] = None
    planned.update(extra)
    return planned


def predict_created(payload, template):
    """What the server is expected to hold after a POST (template defaults filled)."""
    context = template_defaults(template)
    context.update(payload.get("context") or {})
    return {
        "id": None,
        "app_id": payload["app_id"],
        "type": payload["type"],
        "title": payload["title"],
        "template_id": payload["template_id"],
        "filter_str": payload.get("filter_str") or "",
        "active": bool(payload.get("active", False)),
        "context": context,
    }


def predict_updated(current, body, defaults):
    predicted = copy.deepcopy(current)
    predicted.update(copy.deepcopy(body))
    if defaults is not None:
        filled = dict(defaults)
        filled.update(predicted.get("context") or {})
        predicted["context"] = filled
    return predicted
