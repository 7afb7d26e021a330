# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shapes of the Premium Publisher API answers (voluptuous), built on first use and cached.

``validate_envelope(body, shape)`` checks an answer (for ``shape`` "trigger" / "template" also every item of ``data``, then
normalised) and returns a coerced copy; a mismatch raises ``SchemaError`` whose problems read like ``data[0].id: required``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import traceback

from ansible_collections.kochava.publisher.plugins.module_utils._api.convert import to_bool, to_int, type_name
from ansible_collections.kochava.publisher.plugins.module_utils._api.normalize import is_plain_trigger, normalize_template, normalize_trigger

try:
    import voluptuous as vol

    HAS_VOLUPTUOUS = True
    VOLUPTUOUS_IMPORT_ERROR = None
except ImportError:
    vol = None
    HAS_VOLUPTUOUS = False
    VOLUPTUOUS_IMPORT_ERROR = traceback.format_exc()


class SchemaError(ValueError):
    """An answer not of the documented shape: ``problems`` lists ``"<path>: <what is wrong>"`` (``str()`` joins them), never values."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def _require_voluptuous():
    if not HAS_VOLUPTUOUS:
        raise ImportError("the Python library voluptuous is required")


def _coerce(func):
    """Wrap a ``ValueError``-raising converter as a voluptuous validator."""

    def validator(value):
        try:
            return func(value)
        except ValueError as exc:
            message = str(exc)
        raise vol.Invalid(message)

    return validator


def _nullable(func):
    return lambda value: None if value is None else func(value)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _expect(cls, name, empty=None):
    """Validator of a JSON value of type ``cls`` (``name`` in messages); null gives ``empty()`` when given."""

    def validator(value):
        if value is None and empty is not None:
            return empty()
        if not isinstance(value, cls):
            raise vol.Invalid("expected %s, got %s" % (name, type_name(value)))
        return value

    return validator


def _object(schema):
    """``schema`` applied to a JSON object, with a readable message for non-objects."""
    check = _expect(dict, "an object")
    return lambda value: schema(check(value))


_string = _expect(str, "a string")
_list_or_empty = _expect(list, "a list", list)
_dict_or_empty = _expect(dict, "an object", dict)


def _string_or_number(value):
    """A str; numbers become str (ids of template inputs, list items)."""
    return str(value) if _is_number(value) else _string(value)


def _token(value):
    """Page token: str or null; numbers become str."""
    if value is None or isinstance(value, str) or _is_number(value):
        return None if value is None else str(value)
    raise vol.Invalid("expected a string or null, got %s" % type_name(value))


def _string_list(value):
    """A list of str (numbers become str); null -> []."""
    value = _list_or_empty(value)
    for index, item in enumerate(value):
        if not (isinstance(item, str) or _is_number(item)):
            raise vol.Invalid("expected a string, got %s" % type_name(item), path=[index])
    return [str(item) for item in value]


def _built_once(build):
    """Turn a schema builder into a getter that builds on first use and caches."""
    cached = functools.lru_cache(maxsize=None)(build)

    @functools.wraps(build)
    def get():
        _require_voluptuous()
        return cached()

    return get


def _shape(fields):
    return vol.Schema(fields, extra=vol.ALLOW_EXTRA)


@_built_once
def envelope_schema():
    """Schema of the response envelope (``data`` items are not checked here)."""
    return _shape(
        {
            vol.Required("success"): _coerce(to_bool),
            # null is kept: a read needs a list (_api/trust.py, read_all_pages), a write answer may carry none
            vol.Required("data"): _nullable(_expect(list, "a list")),
            vol.Optional("errors"): _string_list,
            vol.Optional("warnings"): _string_list,
            vol.Optional("messages"): _string_list,
            vol.Optional("nextToken"): _token,
            vol.Optional("previousToken"): _token,
            vol.Optional("meta"): object,
        }
    )


@_built_once
def trigger_schema():
    """Schema of one trigger object (coerces; see ``normalize_trigger`` for the rest)."""
    return _shape(
        {
            vol.Required("id"): _coerce(to_int),
            vol.Optional("app_id"): _coerce(to_int),
            vol.Optional("template_id"): _coerce(to_int),
            vol.Optional("type"): _string,
            vol.Optional("title"): _nullable(_string),
            vol.Optional("filter_str"): _nullable(_string),
            vol.Optional("active"): _coerce(to_bool),
            vol.Optional("date_created"): object,
            vol.Optional("context"): _dict_or_empty,
        }
    )


@_built_once
def template_schema():
    """Schema of one postback template object."""
    option = _shape({vol.Optional("value"): object, vol.Optional("label"): _nullable(_string_or_number)})
    field = _shape(
        {
            vol.Required("id"): _string_or_number,
            vol.Optional("type"): _nullable(_string),
            vol.Optional("required", default=False): _nullable(_coerce(to_bool)),
            vol.Optional("default_value"): object,
            vol.Optional("options"): vol.All(_list_or_empty, [_object(option)]),
        }
    )
    label = _shape({vol.Optional("name"): _nullable(_string), vol.Optional("description"): _nullable(_string)})
    meta_item = _shape({vol.Optional("label"): _nullable(_object(label)), vol.Required("input"): _object(field)})
    return _shape(
        {
            vol.Required("id"): _coerce(to_int),
            vol.Optional("name"): _nullable(_string),
            vol.Optional("network_id"): _nullable(_coerce(to_int)),
            vol.Optional("platform"): _nullable(_string),
            vol.Required("context_meta"): vol.All(_list_or_empty, [_object(meta_item)]),
        }
    )


# shape -> (schema getter, normaliser, test of an item the schema would return as it is) of the items of ``data``
_ITEMS = {"trigger": (trigger_schema, normalize_trigger, is_plain_trigger), "template": (template_schema, normalize_template, lambda item: False)}


def _format_path(path):
    text = ""
    for part in path:
        if isinstance(part, int):
            text += "[%d]" % part
        else:
            text += (".%s" % part) if text else str(part)
    return text or "(body)"


def _problems(error, prefix=()):
    """Flatten a voluptuous error into ``"path: message"`` strings."""
    problems = []
    for err in getattr(error, "errors", None) or [error]:
        if isinstance(err, vol.MultipleInvalid) and err is not error:
            problems.extend(_problems(err, prefix))
            continue
        message = {"required key not provided": "required", "expected a dictionary": "expected an object"}.get(err.msg, err.msg)
        problems.append("%s: %s" % (_format_path(list(prefix) + list(err.path)), message))
    return problems


_ENVELOPE_TEXTS = ("errors", "warnings", "messages")


def plain_envelope(body):
    """A copy of the envelope ``body`` when each of its fields already has the type ``envelope_schema`` gives it
    (the schema would return an equal copy): the fast path of every page of a listing; else None."""
    if "data" not in body or not isinstance(body.get("success"), bool):
        return None
    if body["data"] is not None and not isinstance(body["data"], list):
        return None
    for name in ("nextToken", "previousToken"):
        token = body.get(name)
        if token is not None and not isinstance(token, str):
            return None
    envelope = dict(body)
    for name in _ENVELOPE_TEXTS:
        if name in body:
            texts = body[name]
            if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
                return None
            envelope[name] = list(texts)
    return envelope


def validate_envelope(body, shape=None):
    """Validate a decoded answer; return a coerced copy (``shape`` None: the envelope only). Raises ``SchemaError``."""
    _require_voluptuous()
    if not isinstance(body, dict):
        raise SchemaError(["(body): expected a JSON object, got %s" % type_name(body)])
    envelope = plain_envelope(body)
    if envelope is None:  # not every field has its type: the schema coerces it, or says what is wrong
        problems = None
        try:
            envelope = envelope_schema()(body)
        except vol.Invalid as exc:
            problems = _problems(exc)
        if problems:
            raise SchemaError(problems)  # outside the except block: no chained traceback
    if shape is None:
        return envelope
    schema, normalize, plain = _ITEMS[shape]
    item_schema = _object(schema())
    items, problems = [], []
    if envelope["data"] is None:
        return envelope
    for index, item in enumerate(envelope["data"]):
        try:
            items.append(normalize(item if plain(item) else item_schema(item)))
        except vol.Invalid as exc:
            problems.extend(_problems(exc, ("data", index)))
    if problems:
        raise SchemaError(problems)
    envelope["data"] = items
    return envelope
