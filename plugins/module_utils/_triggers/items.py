# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The items of kochava_triggers' ``triggers``, checked and normalised in one place.

``validate_items(raw)`` is the one entry point: one linear pass over the
items as the task gave them (ansible-core does not validate them), with the
conversions Ansible makes for typed options, then every check that needs no
API call. Every problem of every item is reported at once, each naming
``triggers[N]`` and the field, before any call. Messages name keys and types,
never values (context values may be secret), except where the value is a
harmless boolean or choice word.

Nothing here talks to the network or imports Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._api.convert import TASK, to_bool, to_dict, to_int, to_str, type_name
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.context import check_scalar_context
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.fields import FIELDS
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TYPES, TYPES_WITHOUT_FILTER, TriggerError, key_text

_TYPE_TEXT = dict(str="a string", int="an integer", bool="a boolean (true/false, yes/no, 1/0)", dict="a dict of input id: value")


class ValidItems(list):
    """Items ``validate_items`` returned: given to it again, they are not checked twice."""


def quoted(value):
    """A harmless value (a boolean or choice word) as a message shows it, cut short."""
    if not isinstance(value, str):
        return type_name(value, TASK) if isinstance(value, (dict, list, tuple)) else repr(value)
    return repr(value) if len(value) <= 60 else repr(value[:60]) + "... (%d characters)" % len(value)


# field type -> the converter of a task's value (_api/convert.py)
CONVERT = dict(str=to_str, int=lambda value: to_int(value, TASK), bool=lambda value: to_bool(value, TASK), dict=to_dict)


def item_prefix(index, item):
    """How messages of the static checks name an item: ``triggers[1] (event/3373/Purchase): ``."""
    template = item.get("template_id") if item.get("template_id") is not None else item.get("template")
    return "triggers[%d] (%s): " % (index, key_text((template, item.get("type"), item.get("filter_str"))))


def check_values(item, prefix=""):
    """Checks of the values given, whatever addresses the trigger (no API call)."""
    try:
        check_scalar_context(item.get("context"))
    except TriggerError as exc:
        raise TriggerError(prefix + exc.message) from None
    if item.get("title") is not None and not str(item["title"]).strip():
        raise TriggerError(prefix + "title must not be empty")
    if item.get("type") in TYPES_WITHOUT_FILTER and item.get("filter_str"):
        raise TriggerError(prefix + "filter_str is only valid for event triggers; %s triggers are one per template per app" % item["type"])


def check_item(item, prefix):
    """Checks of a trigger addressed by its key that need no API call (``prefix`` leads every message)."""
    check_values(item, prefix)
    trigger_type, filter_str = item.get("type"), item.get("filter_str")
    if not trigger_type or (item.get("template_id") is None and not item.get("template")):
        raise TriggerError(prefix + "a trigger is addressed by its key: type and template_id (or template) are required")
    if item.get("template") is not None and not str(item["template"]).strip():
        raise TriggerError(prefix + "template must not be empty; give a template's name, or template_id")
    if trigger_type == "event" and not str(filter_str or "").strip():
        raise TriggerError(prefix + "filter_str is required when type=event (event triggers are told apart by filter_str)")


def item_problems(index, raw):
    """``(item, problems)``: one item normalised (all fields, defaults filled), and what is wrong with it."""
    name = "triggers[%d]" % index
    try:
        given = to_dict(raw)
    except ValueError:
        return None, ["%s must be a dict of a trigger's options (type, template_id, title, ...), got %s" % (name, type_name(raw, TASK))]
    problems = []
    if not given.keys() <= FIELDS.keys():
        unknown = sorted(str(key) for key in given if key not in FIELDS)
        problems.append("%s: unknown option%s %s; allowed: %s" % (name, "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(FIELDS)))
    item = {}
    for field, spec in FIELDS.items():
        value = given.get(field)
        if value is None:
            item[field] = spec.get("default")
            continue
        field_type, choices = spec["type"], spec.get("choices")
        try:
            value = CONVERT[field_type](value)
        except ValueError:
            named = quoted(value) if field_type == "bool" or choices else type_name(value, TASK)
            problems.append("%s.%s must be %s, got %s" % (name, field, _TYPE_TEXT[field_type], named))
            item[field] = None
            continue
        if choices and value not in choices:
            problems.append("%s.%s must be one of %s; got %s" % (name, field, ", ".join(choices), quoted(value)))
        item[field] = value
    if item["template"] is not None and item["template_id"] is not None:
        problems.append("%s: template and template_id are mutually exclusive; give one" % name)
    if given.get("type") is None:
        problems.append("%s.type is required (one of %s)" % (name, ", ".join(TYPES)))
    if given.get("template") is None and given.get("template_id") is None:
        problems.append("%s: template_id or template is required (the trigger's postback template)" % name)
    if not problems:
        try:
            check_item(item, "")
        except TriggerError as exc:
            problems.append(item_prefix(index, item) + exc.message)  # named only when needed: cheaper
    return item, problems


def validate_items(raw):
    """The items of ``triggers``, normalised (a ``ValidItems``); a TriggerError lists every problem of every item."""
    if isinstance(raw, ValidItems):
        return raw
    if not isinstance(raw, (list, tuple)):
        raise TriggerError("triggers must be a list of triggers (one dict of options per trigger), got %s" % type_name(raw, TASK))
    items, problems = ValidItems(), []
    for index, given in enumerate(raw):
        item, found = item_problems(index, given)
        items.append(item)
        problems.extend(found)
    if problems:
        raise TriggerError("; ".join(problems))
    return items
