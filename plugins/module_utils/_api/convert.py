# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one set of value converters, for both directions a value comes from.

``ANSWER``: a value of an API answer (JSON), read by ``_api/schemas.py`` and
``_api/normalize.py``. ``TASK``: a value of a task's option, converted as
ansible-core converts a typed option, read by ``_triggers/items.py`` (the
items of kochava_triggers, which ansible-core does not validate). One rule
each, with what the task direction adds:

- a boolean: a bool; the numbers 0 and 1; true/false, yes/no, on/off, 1/0
  (any case, blanks around ignored). A task also gives y/n and t/f and the
  floats 0.0 and 1.0 (ansible-core's ``BOOLEANS_TRUE`` / ``BOOLEANS_FALSE``).
- an integer: an int (never a bool); a string of decimal digits with an
  optional sign (blanks around ignored). A task also gives a whole float and a
  decimal string such as "7.0" or "1e3" (ansible-core's ``check_type_int``
  since 2.18). One rule on every ansible-core: 2.16 and 2.17 refuse those two
  for the options they convert themselves (kochava_trigger's, the app_id of
  kochava_triggers), while the items of kochava_triggers, converted here,
  take them.
- a string (a task only): a str, or a number made a str, as ansible-core converts a
  number given to a str option (anything else is refused, not made a str).
- a dict (a task only): a dict, or a string holding one: JSON, a Python
  literal, or ``k1=v1, k2="v 2"`` (``check_type_dict``, its splitting included).

A converter raises ``ValueError`` whose text names what was expected and the
type given, in the words of the direction (JSON "an object", YAML "a dict"),
never the value: it may be a secret.

Pure: no third-party import, no Ansible import.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import decimal
import json

ANSWER = "answer"
TASK = "task"

_TRUE = frozenset(("true", "1", "yes", "on"))
_FALSE = frozenset(("false", "0", "no", "off"))
_BOOLEAN_WORDS = {ANSWER: (_TRUE, _FALSE), TASK: (_TRUE | frozenset(("y", "t")), _FALSE | frozenset(("n", "f")))}
_BOOLEAN_NUMBERS = {ANSWER: int, TASK: (int, float)}  # types of the numbers 0 and 1 taken as booleans
# how each direction names a type: JSON has numbers and objects, a task integers and dicts
_TYPE_WORDS = {ANSWER: dict(int="a number", dict="an object"), TASK: dict(int="an integer", dict="a dict")}


def type_name(value, source=ANSWER):
    """How a message names the type of ``value`` (never the value: it may be a secret)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string"
    if isinstance(value, int):
        return _TYPE_WORDS[source]["int"]
    if isinstance(value, float):
        return "a number"
    if isinstance(value, dict):
        return _TYPE_WORDS[source]["dict"]
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def to_bool(value, source=ANSWER):
    """``value`` as a bool (see the module's rules for ``source``); else ``ValueError``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, _BOOLEAN_NUMBERS[source]) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        true, false = _BOOLEAN_WORDS[source]
        text = value.strip().lower()
        if text in true:
            return True
        if text in false:
            return False
    raise ValueError("expected a boolean (true/false), got %s" % type_name(value, source))


def to_int(value, source=ANSWER):
    """``value`` as an int (see the module's rules for ``source``); else ``ValueError``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text[1:].isdecimal() if text[:1] in ("+", "-") else text.isdecimal():
            return int(text)
    if source == TASK and isinstance(value, (str, float)):
        try:
            number = decimal.Decimal(value.strip() if isinstance(value, str) else value)
            if number.is_finite() and number == int(number):
                return int(number)
        except (decimal.DecimalException, ValueError, OverflowError):
            pass
    raise ValueError("expected an integer or a numeric string, got %s" % type_name(value, source))


def to_str(value):
    """A task's string: a str, or a number made a str (a bool gives 'True', as Ansible does); else ``ValueError``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    raise ValueError("expected a string, got %s" % type_name(value, TASK))


def to_dict(value):
    """A task's dict: a dict (copied), or a string holding one (JSON, a Python literal, ``k1=v1, k2=v2``); else ``ValueError``."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str) and value.startswith("{"):
        for parse in (json.loads, ast.literal_eval):
            try:
                parsed = parse(value)
            except Exception:  # noqa: BLE001 - any parse failure means "not a dict"
                continue
            if isinstance(parsed, dict):
                return parsed
    elif isinstance(value, str) and "=" in value:
        fields = key_value_fields(value.strip())
        if all("=" in field for field in fields):
            return dict(field.split("=", 1) for field in fields)
    raise ValueError("expected a dict, got %s" % type_name(value, TASK))


def key_value_fields(text):
    """``k1=v1, k2="v 2"`` -> ['k1=v1', 'k2=v 2']: ansible-core's splitting (quotes, backslash escapes)."""
    fields, field, quote, escaped = [], [], None, False
    for char in text:
        if escaped:
            field.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None
        elif quote is None and char in ", ":
            fields.append("".join(field))
            field = []
        else:
            field.append(char)
    fields.append("".join(field))
    return [field for field in fields if field]
