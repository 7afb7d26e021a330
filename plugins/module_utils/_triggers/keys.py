# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure trigger rules: values by meaning, the uniqueness key, and how a
trigger or a template is matched. Every module and the engine match with
these functions, so a rule exists once.

Nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re

TYPES = ("install", "event", "click")
TYPES_WITHOUT_FILTER = ("install", "click")
KEY_FIELDS = ("type", "template_id", "filter_str")  # the uniqueness key (per app), as options and results name its fields
_INT_RE = re.compile(r"^[+-]?\d+$")


class TriggerError(Exception):
    """A problem with what the user asked for, or with what the server holds.

    ``changed`` is true when something was already written before the
    problem showed; ``trigger`` is the trigger the problem is about, if any;
    ``failure`` the kind of failure when it is not bad input (see _plan/outcome.py).
    """

    def __init__(self, message, changed=False, trigger=None, failure=None):
        super().__init__(message)
        self.message = message
        self.changed = changed
        self.trigger = trigger
        self.failure = failure


# --------------------------------------------------------------------------
# Values by meaning
# --------------------------------------------------------------------------
def canonical(value):
    """A comparable form of a context value.

    The API stores and returns context values as strings ("7" for 7, "true"
    for true), so 7, 7.0, "7" and "07" are one value; True, "true" and "True"
    are one value; None and "" are one value.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    text = str(value)
    stripped = text.strip()
    if stripped.lower() in ("true", "false"):
        return stripped.lower()
    if _INT_RE.match(stripped):
        return str(int(stripped))
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isnan(number) or math.isinf(number):
        return text
    return str(int(number)) if number.is_integer() else repr(number)


def same_value(left, right):
    return canonical(left) == canonical(right)


# --------------------------------------------------------------------------
# The key: (template_id, type, filter_str), one way everywhere
# --------------------------------------------------------------------------
def normal_type(value):
    """A trigger type compared without case or surrounding blanks."""
    return str(value or "").strip().lower()


def normal_filter(value):
    """An event name compared exactly; a missing filter_str equals ''."""
    return "" if value is None else str(value)


def make_key(template_id, trigger_type, filter_str):
    """The uniqueness key of a trigger (per app)."""
    try:
        template_id = int(template_id) if template_id is not None else None
    except (TypeError, ValueError):
        template_id = None  # a trigger without a usable template matches no key
    return (template_id, normal_type(trigger_type), normal_filter(filter_str))


def trigger_key(trigger):
    return make_key(trigger.get("template_id"), trigger.get("type"), trigger.get("filter_str"))


def key_text(key):
    """A key as people read it: ``event/3373/Purchase``, ``install/3373``."""
    template_id, trigger_type, filter_str = key
    text = "%s/%s" % (trigger_type, template_id)
    return text + "/" + filter_str if filter_str else text


def key_fields(key):
    """A key as a dict of ``KEY_FIELDS`` (a plan entry's ``key``)."""
    template_id, trigger_type, filter_str = key
    return dict(zip(KEY_FIELDS, (trigger_type, template_id, filter_str)))


def find_by_key(triggers, key):
    """The triggers whose uniqueness key is ``key``."""
    return [t for t in triggers if trigger_key(t) == key]


def matches_filters(trigger, trigger_type=None, template_id=None, filter_str=None, active=None):
    """Whether a trigger passes the given filters (None: not filtered), by the key's rules."""
    key = trigger_key(trigger)
    if trigger_type is not None and key[1] != normal_type(trigger_type):
        return False
    if template_id is not None and key[0] != make_key(template_id, None, None)[0]:
        return False
    if filter_str is not None and key[2] != normal_filter(filter_str):
        return False
    if active is not None and bool(trigger.get("active")) != bool(active):
        return False
    return True


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------
def same_name(left, right):
    """Template names compared without case or surrounding blanks."""
    return str(left or "").strip().lower() == str(right or "").strip().lower()


def templates_named(templates, name):
    return [t for t in templates if same_name(t.get("name"), name)]


def template_inputs(template):
    """Map input id -> input dict of a (normalised) template."""
    inputs = {}
    for meta in template.get("context_meta") or []:
        spec = meta.get("input") or {}
        if spec.get("id"):
            inputs[spec["id"]] = spec
    return inputs


def template_defaults(template):
    """Input id -> default value, for inputs that have a non-empty default."""
    defaults = {}
    for key, spec in template_inputs(template).items():
        default = spec.get("default_value")
        if default is not None and default != "":
            defaults[key] = default
    return defaults


def find_template(templates, template_id=None, name=None):
    """The template with this id or name, or a TriggerError naming what exists."""
    if template_id is None and name is None:
        raise TriggerError("the trigger's template is not known (the API answered a trigger without template_id)")
    if template_id is not None:
        for template in templates:
            if template["id"] == template_id:
                return template
        raise TriggerError("template_id %s is not a postback template available to this app; available: %s" % (template_id, _describe(templates)))
    matches = templates_named(templates, name)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise TriggerError("template '%s' is not a postback template available to this app; available: %s" % (name, _describe(templates)))
    raise TriggerError(
        "template name '%s' matches %d templates (ids %s); use template_id instead" % (name, len(matches), ", ".join(str(t["id"]) for t in matches))
    )


def _describe(templates):
    if not templates:
        return "none"
    return ", ".join("%s (%s)" % (t["id"], t.get("name", "")) for t in sorted(templates, key=lambda t: t["id"]))
