# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Canonical forms of API values: triggers and templates, their booleans and integers sent as strings.

Pure functions, no third-party import: ``_schemas`` applies them to every
item of an answer it validated. The conversions themselves are ``_api/convert.py``'s.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kochava.publisher.plugins.module_utils._api.convert import to_bool, to_int


def _int_if_numeric(value):
    try:
        return to_int(value)
    except ValueError:
        return value


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value):
    return value is None or isinstance(value, str)


# field -> check of a value ``trigger_schema`` (_api/schemas.py) takes as it is
_PLAIN_TRIGGER = (
    ("app_id", _is_int),
    ("template_id", _is_int),
    ("type", lambda value: isinstance(value, str)),
    ("title", _is_text),
    ("filter_str", _is_text),
    ("active", lambda value: isinstance(value, bool)),
    ("context", lambda value: isinstance(value, dict)),
)


def is_plain_trigger(obj):
    """Whether ``obj`` is a trigger object whose every field already has the type ``trigger_schema``
    gives it, so its check would return an equal copy: the fast path of a long, well-formed listing."""
    if not isinstance(obj, dict) or not _is_int(obj.get("id")):
        return False
    return all(check(obj[field]) for field, check in _PLAIN_TRIGGER if field in obj)


def normalize_trigger(obj):
    """Return the canonical form of a trigger object (a new dict).

    ``id`` / ``app_id`` / ``template_id`` become ints where numeric,
    ``filter_str`` is always present as a str ('' when missing or null),
    ``active`` (when present) is a bool, ``context`` is always a dict whose
    values are kept as returned, ``type`` is lower-case. Other keys are kept.
    """
    result = dict(obj)
    for key in ("id", "app_id", "template_id"):
        value = result.get(key)
        if value is not None and not _is_int(value):  # an int is its own canonical form
            result[key] = _int_if_numeric(value)
    filter_str = result.get("filter_str")
    if not isinstance(filter_str, str):
        result["filter_str"] = "" if filter_str is None else str(filter_str)
    active = result.get("active")
    if active is not None and not isinstance(active, bool):
        try:
            result["active"] = to_bool(active)
        except ValueError:
            pass
    context = result.get("context")
    result["context"] = dict(context) if isinstance(context, dict) else {}
    if isinstance(result.get("type"), str):
        result["type"] = result["type"].strip().lower()
    return result


def normalize_template(obj):
    """Return the canonical form of a template object (a new dict).

    ``id`` / ``network_id`` become ints where numeric, ``context_meta`` is
    always a list, and every ``context_meta[].input.required`` is a bool
    (missing or null -> False). Other keys are kept.
    """
    result = dict(obj)
    for key in ("id", "network_id"):
        if result.get(key) is not None:
            result[key] = _int_if_numeric(result[key])
    items = []
    for item in result.get("context_meta") or []:
        if isinstance(item, dict):
            item = dict(item)
            if isinstance(item.get("input"), dict):
                item["input"] = field = dict(item["input"])
                try:
                    field["required"] = False if field.get("required") is None else to_bool(field["required"])
                except ValueError:
                    pass
        items.append(item)
    result["context_meta"] = items
    return result
