# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The plan's digest, and a reviewed plan held against the plan of now.

One rule, shared by the reviewing run and the applying run: a plan is the
writes it sends.

- A create is identified by its key and compared by the values the API will
  hold (template defaults filled, values compared by meaning).
- An update is identified by the trigger's id and compared by its target
  values (the old values it overwrites do not count).
- A delete is identified by the trigger's id.

Unchanged triggers, strays a run leaves alone and other apps are not writes,
so they never make a review stale. The digest is an HMAC keyed with the API
key: it changes when a hidden value changes, and cannot be checked against a
guessed value without the key.

Pure: nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import json
import re

from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import WRITE_ACTIONS
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.context import comparable_context
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError, canonical, key_text, make_key

DIGEST_RE = re.compile(r"^([0-9]+):([0-9a-f]{16})$")
EXAMPLE = "87100:0123456789abcdef"


def _target(field, value):
    if field == "active":
        return bool(value)
    if field == "title":
        return "" if value is None else str(value)
    return canonical(value)


def write_view(actions):
    """``{create: {key: values}, update: {id: {field: new}}, delete: [ids]}`` of the actions that write."""
    creates, updates, deletes = {}, {}, []
    for planned in actions:
        if planned["action"] == "create":
            after = planned["after"]
            values = dict(("context." + key, text) for key, text in comparable_context(after.get("context"), {}).items())
            values.update(title=_target("title", after.get("title")), active=bool(after.get("active")))
            creates[key_text(planned["key"])] = values
        elif planned["action"] == "update":
            trigger_id = str(planned["before"].get("id"))
            updates[trigger_id] = dict((field, _target(field, pair[1])) for field, pair in planned["changes"].items())
        elif planned["action"] == "delete":
            deletes.append(str(planned["before"].get("id")))
    return {"create": creates, "update": updates, "delete": sorted(deletes)}


def plan_digest(app_id, actions, secret):
    """``<app_id>:<16 hex>``: equal for two plans that send the same writes, different otherwise."""
    text = json.dumps([int(app_id), write_view(actions)], sort_keys=True, separators=(",", ":"))
    mac = hmac.new((secret or "").encode("utf-8"), text.encode("utf-8"), hashlib.sha256)
    return "%d:%s" % (int(app_id), mac.hexdigest()[:16])


def _bad(problem):
    return TriggerError(
        "expected_plan %s; give the plan_digest of the reviewed run (a string like %s) or its whole plan dict (the plan result of kochava_triggers)"
        % (problem, EXAMPLE)
    )


def _digest_app(digest, app_id):
    match = DIGEST_RE.match(digest.strip())
    if not match:
        raise _bad("is not a plan digest: got %r" % digest[:40])
    if int(match.group(1)) != int(app_id):
        raise TriggerError("expected_plan is the plan of app %s, but this task manages app %s; pass the entry of app %s" % (match.group(1), app_id, app_id))
    return digest.strip()


def _entry_label(write, entry, entry_name):
    if not isinstance(entry, dict):
        raise _bad("%s is not a plan entry (a dict), got %s" % (entry_name, type(entry).__name__))
    if write == "create":
        key = entry.get("key")
        if not isinstance(key, dict) or not key.get("type") or key.get("template_id") is None:
            raise _bad("%s has no key (type, template_id, filter_str)" % entry_name)
        return key_text(make_key(key.get("template_id"), key.get("type"), key.get("filter_str")))
    if entry.get("id") is None:
        raise _bad("%s has no id" % entry_name)
    return str(entry["id"])


def _visible(write, entry, entry_name):
    """What a reviewer saw of one write: the target values shown in the plan dict."""
    if write == "delete":
        return {}
    if write == "create":
        values = entry.get("values")
        if not isinstance(values, dict):
            raise _bad("%s has no values" % entry_name)
        visible = dict(("context." + key, canonical(value)) for key, value in (values.get("context") or {}).items() if canonical(value) != "")
        visible.update(title=_target("title", values.get("title")), active=bool(values.get("active")))
        return visible
    changes = entry.get("changes")
    if not isinstance(changes, dict) or not all(isinstance(pair, (list, tuple)) and len(pair) == 2 for pair in changes.values()):
        raise _bad("%s has no changes ({field: [old, new]})" % entry_name)
    return dict((field, _target(field, pair[1])) for field, pair in changes.items())


def visible_writes(plan):
    """``{write: {label: values}}`` of a plan dict (as kochava_triggers returns it); checks its shape."""
    writes = {}
    for write in WRITE_ACTIONS:
        entries = plan.get(write, [])
        if not isinstance(entries, list):
            raise _bad("has %s that is not a list" % write)
        writes[write] = {}
        for index, entry in enumerate(entries):
            entry_name = "%s[%d]" % (write, index)
            label = _entry_label(write, entry, entry_name)
            writes[write][label] = _visible(write, entry, entry_name)
    return writes


def _name(write, label, entry):
    """How a message names one write: its key and title, and for an update or delete its id."""
    key = entry.get("key") if isinstance(entry.get("key"), dict) else {}
    title = entry.get("title")
    if write == "create":
        values = entry.get("values") if isinstance(entry.get("values"), dict) else {}
        title = values.get("title", title)
        return "%s %s" % (label, _quote(title))
    key_label = key_text(make_key(key.get("template_id"), key.get("type"), key.get("filter_str"))) if key.get("type") else "key unknown"
    return "trigger id %s (%s %s)" % (label, key_label, _quote(title))


def written_names(plan):
    """``{write: {label: name}}`` of a plan dict already checked by visible_writes."""
    names = {}
    for write in WRITE_ACTIONS:
        labels = [(_entry_label(write, entry, ""), entry) for entry in plan.get(write, [])]
        names[write] = dict((label, _name(write, label, entry)) for label, entry in labels)
    return names


DIGEST_ONLY_HINT = (
    "the writes differ (the review is a digest alone; publish the reviewed plan dict with it, "
    "the plan result of the check run, and pass that as expected_plan to be told which trigger and field differ)"
)


class Review:
    """A reviewed plan (``expected_plan``): a digest, or a plan dict with its digest."""

    def __init__(self, expected, app_id):
        self.app_id = app_id
        self.writes = self.names = None
        if isinstance(expected, str) and expected.strip().startswith("{"):
            try:  # a plan dict that went through a text variable
                expected = json.loads(expected)
            except ValueError:
                raise _bad("is neither a digest nor a plan dict in JSON (it starts with '{' but is not valid JSON)") from None
        if isinstance(expected, str):
            self.digest = _digest_app(expected, app_id)
        elif isinstance(expected, dict):
            if not any(write in expected for write in WRITE_ACTIONS):
                raise _bad("is a dict without create, update or delete lists")
            if not isinstance(expected.get("digest"), str):
                raise _bad("is a plan dict without its digest entry (pass the whole plan, digest included)")
            self.digest = _digest_app(expected["digest"], app_id)
            self.writes = visible_writes(expected)
            self.names = written_names(expected)
        else:
            raise _bad("must be a string or a dict, got %s" % type(expected).__name__)

    def differences(self, plan, digest):
        """What differs between the review and ``plan`` (the report of now); [] when the same."""
        found = []
        if self.writes is not None:
            now, names = visible_writes(plan), written_names(plan)
            for write in WRITE_ACTIONS:
                reviewed, current = self.writes[write], now[write]
                for label in sorted(set(reviewed) | set(current)):
                    # named as the plan of now shows it (its title now), else as the review did
                    name = "%s %s" % (write, names[write].get(label) or self.names[write][label])
                    if label not in current:
                        found.append("%s: in the review, not in the plan now" % name)
                    elif label not in reviewed:
                        fields = sorted(field for field in current[label] if write == "update" or current[label][field] not in ("", False))
                        found.append("%s: in the plan now, not in the review%s" % (name, " (it writes %s)" % ", ".join(fields) if fields else ""))
                    else:
                        for field in sorted(set(reviewed[label]) | set(current[label])):
                            old, new = reviewed[label].get(field), current[label].get(field)
                            if old != new:
                                found.append("%s %s: reviewed %s, now %s" % (name, field, _quote(old), _quote(new)))
        if digest != self.digest and not found:
            found.append("a value that is not shown (a hidden context value) differs" if self.writes is not None else DIGEST_ONLY_HINT)
        return found


def _quote(value):
    return "(none)" if value is None else json.dumps(value)
