# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shapes of the Premium Publisher API answers, and normalisers.

Everything here is pure: no Ansible import, no I/O, no work at import time.
The voluptuous schemas are built on first use and cached.

* ``validate_envelope(body, kind)`` checks an answer against the documented
  envelope (and, for ``kind`` "trigger" / "template", every item of ``data``)
  and returns a coerced copy; a mismatch raises ``SchemaError`` whose
  ``problems`` read like ``data[0].id: required``.
* ``normalize_trigger`` / ``normalize_template`` turn an API object into the
  canonical form the rest of the collection compares against.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

try:
    import voluptuous as vol

    HAS_VOLUPTUOUS = True
    VOLUPTUOUS_IMPORT_ERROR = None
except ImportError:
    vol = None
    HAS_VOLUPTUOUS = False
    VOLUPTUOUS_IMPORT_ERROR = traceback.format_exc()


ITEM_KINDS = ('trigger', 'template')

_TRUE_STRINGS = frozenset(('true', '1', 'yes', 'on'))
_FALSE_STRINGS = frozenset(('false', '0', 'no', 'off'))

_SCHEMA_CACHE = {}


class SchemaError(ValueError):
    """An answer does not have the documented shape.

    ``problems`` is a list of ``"<path>: <what is wrong>"`` strings; ``str()``
    joins them. Never carries the offending values (they may be secrets).
    """

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__('; '.join(self.problems))


# --------------------------------------------------------------------------
# scalar helpers (plain functions, usable without voluptuous)
# --------------------------------------------------------------------------


def to_bool(value):
    """Return ``value`` as a bool.

    Accepts bools, the integers 0 and 1, and the strings true/false, 1/0,
    yes/no, on/off (any case, surrounding blanks ignored). Anything else
    raises ``ValueError``.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE_STRINGS:
            return True
        if text in _FALSE_STRINGS:
            return False
    raise ValueError('expected a boolean (true/false), got %s' % _type_name(value))


def to_int(value):
    """Return ``value`` as an int: ints (not bools) and numeric strings; else ``ValueError``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text and (text.isdigit() or (text[0] in '+-' and text[1:].isdigit())):
            return int(text)
    raise ValueError('expected an integer or a numeric string, got %s' % _type_name(value))


def _int_if_numeric(value):
    try:
        return to_int(value)
    except ValueError:
        return value


def _type_name(value):
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, str):
        return 'a string' if value.strip() else 'an empty string'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, dict):
        return 'an object'
    if isinstance(value, list):
        return 'a list'
    return type(value).__name__


# --------------------------------------------------------------------------
# normalisers (pure; also used by the trigger logic)
# --------------------------------------------------------------------------


def normalize_trigger(obj):
    """Return the canonical form of a trigger object (a new dict).

    ``id`` / ``app_id`` / ``template_id`` become ints where numeric,
    ``filter_str`` is always present as a str ('' when missing or null),
    ``active`` (when present) is a bool, ``context`` is always a dict whose
    values are kept as returned, ``type`` is lower-case. Other keys are kept.
    """
    result = dict(obj)
    for key in ('id', 'app_id', 'template_id'):
        if result.get(key) is not None:
            result[key] = _int_if_numeric(result[key])
    filter_str = result.get('filter_str')
    result['filter_str'] = '' if filter_str is None else str(filter_str)
    if 'active' in result and result['active'] is not None:
        try:
            result['active'] = to_bool(result['active'])
        except ValueError:
            pass
    context = result.get('context')
    result['context'] = dict(context) if isinstance(context, dict) else {}
    if isinstance(result.get('type'), str):
        result['type'] = result['type'].strip().lower()
    return result


def normalize_template(obj):
    """Return the canonical form of a template object (a new dict).

    ``id`` / ``network_id`` become ints where numeric, ``context_meta`` is
    always a list, and every ``context_meta[].input.required`` is a bool
    (missing or null -> False). Other keys are kept.
    """
    result = dict(obj)
    for key in ('id', 'network_id'):
        if result.get(key) is not None:
            result[key] = _int_if_numeric(result[key])
    items = []
    for item in result.get('context_meta') or []:
        if not isinstance(item, dict):
            items.append(item)
            continue
        item = dict(item)
        field = item.get('input')
        if isinstance(field, dict):
            field = dict(field)
            required = field.get('required')
            if required is None:
                field['required'] = False
            else:
                try:
                    field['required'] = to_bool(required)
                except ValueError:
                    pass
            item['input'] = field
        items.append(item)
    result['context_meta'] = items
    return result


# --------------------------------------------------------------------------
# voluptuous validators and schema builders
# --------------------------------------------------------------------------


def _require_voluptuous():
    if not HAS_VOLUPTUOUS:
        raise ImportError('the Python library voluptuous is required')


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
    def validator(value):
        return None if value is None else func(value)

    return validator


def _list_or_empty(value):
    if value is None:
        return []
    if not isinstance(value, list):
        raise vol.Invalid('expected a list, got %s' % _type_name(value))
    return value


def _string_list(value):
    """A list of str (numbers become str); null -> []."""
    value = _list_or_empty(value)
    result = []
    for index, item in enumerate(value):
        if isinstance(item, str):
            result.append(item)
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            result.append(str(item))
        else:
            raise vol.Invalid('expected a string, got %s' % _type_name(item), path=[index])
    return result


def _token(value):
    """Page token: str or null; numbers become str."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise vol.Invalid('expected a string or null, got %s' % _type_name(value))


def _string(value):
    if isinstance(value, str):
        return value
    raise vol.Invalid('expected a string, got %s' % _type_name(value))


def _string_or_number(value):
    """A str; numbers become str (ids of template inputs)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise vol.Invalid('expected a string, got %s' % _type_name(value))


def _dict_or_empty(value):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise vol.Invalid('expected an object, got %s' % _type_name(value))
    return value


def _object(schema):
    """``schema`` applied to a JSON object, with a readable message for non-objects."""

    def validator(value):
        if not isinstance(value, dict):
            raise vol.Invalid('expected an object, got %s' % _type_name(value))
        return schema(value)

    return validator


def _built_once(build):
    """Turn a schema builder into a getter that builds on first use and caches."""

    def get():
        schema = _SCHEMA_CACHE.get(build.__name__)
        if schema is None:
            _require_voluptuous()
            schema = _SCHEMA_CACHE[build.__name__] = build()
        return schema

    get.__name__ = build.__name__
    get.__doc__ = build.__doc__
    return get


@_built_once
def envelope_schema():
    """Schema of the response envelope (``data`` items are not checked here)."""
    schema = vol.Schema(
        {
            vol.Required('success'): _coerce(to_bool),
            vol.Required('data'): _list_or_empty,
            vol.Optional('errors'): _string_list,
            vol.Optional('warnings'): _string_list,
            vol.Optional('messages'): _string_list,
            vol.Optional('nextToken'): _token,
            vol.Optional('previousToken'): _token,
            vol.Optional('meta'): object,
        },
        extra=vol.ALLOW_EXTRA,
    )
    return schema


@_built_once
def trigger_schema():
    """Schema of one trigger object (coerces; see ``normalize_trigger`` for the rest)."""
    schema = vol.Schema(
        {
            vol.Required('id'): _coerce(to_int),
            vol.Optional('app_id'): _coerce(to_int),
            vol.Optional('template_id'): _coerce(to_int),
            vol.Optional('type'): _string,
            vol.Optional('title'): _nullable(_string),
            vol.Optional('filter_str'): _nullable(_string),
            vol.Optional('active'): _coerce(to_bool),
            vol.Optional('date_created'): object,
            vol.Optional('context'): _dict_or_empty,
        },
        extra=vol.ALLOW_EXTRA,
    )
    return schema


@_built_once
def template_schema():
    """Schema of one postback template object."""
    option = vol.Schema(
        {
            vol.Optional('value'): object,
            vol.Optional('label'): _nullable(_string_or_number),
        },
        extra=vol.ALLOW_EXTRA,
    )
    field = vol.Schema(
        {
            vol.Required('id'): _string_or_number,
            vol.Optional('type'): _nullable(_string),
            vol.Optional('required', default=False): _nullable(_coerce(to_bool)),
            vol.Optional('default_value'): object,
            vol.Optional('options'): vol.All(_list_or_empty, [_object(option)]),
        },
        extra=vol.ALLOW_EXTRA,
    )
    label = vol.Schema(
        {
            vol.Optional('name'): _nullable(_string),
            vol.Optional('description'): _nullable(_string),
        },
        extra=vol.ALLOW_EXTRA,
    )
    meta_item = vol.Schema(
        {
            vol.Optional('label'): _nullable(_object(label)),
            vol.Required('input'): _object(field),
        },
        extra=vol.ALLOW_EXTRA,
    )
    schema = vol.Schema(
        {
            vol.Required('id'): _coerce(to_int),
            vol.Optional('name'): _nullable(_string),
            vol.Optional('network_id'): _nullable(_coerce(to_int)),
            vol.Optional('platform'): _nullable(_string),
            vol.Optional('context_meta', default=list): vol.All(_list_or_empty, [_object(meta_item)]),
        },
        extra=vol.ALLOW_EXTRA,
    )
    return schema


_ITEM_SCHEMAS = {'trigger': trigger_schema, 'template': template_schema}
_NORMALIZERS = {'trigger': normalize_trigger, 'template': normalize_template}


def _format_path(path):
    text = ''
    for part in path:
        if isinstance(part, int):
            text += '[%d]' % part
        else:
            text += ('.%s' % part) if text else str(part)
    return text or '(body)'


def _problems(error, prefix=()):
    """Flatten a voluptuous error into ``"path: message"`` strings."""
    errors = getattr(error, 'errors', None) or [error]
    problems = []
    for err in errors:
        if isinstance(err, vol.MultipleInvalid) and err is not error:
            problems.extend(_problems(err, prefix))
            continue
        message = err.msg
        if message == 'required key not provided':
            message = 'required'
        elif message == 'expected a dictionary':
            message = 'expected an object'
        problems.append('%s: %s' % (_format_path(list(prefix) + list(err.path)), message))
    return problems


def validate_envelope(body, kind=None):
    """Validate a decoded answer; return a coerced copy.

    ``kind`` None checks the envelope only; "trigger" / "template" also
    check and coerce every item of ``data`` and normalise it. Raises
    ``SchemaError``.
    """
    _require_voluptuous()
    if not isinstance(body, dict):
        raise SchemaError(['(body): expected a JSON object, got %s' % _type_name(body)])
    try:
        envelope = envelope_schema()(body)
    except vol.Invalid as exc:
        problems = _problems(exc)
    else:
        problems = None
    if problems:
        raise SchemaError(problems)
    if kind is None:
        return envelope
    item_schema = _ITEM_SCHEMAS[kind]()
    normalize = _NORMALIZERS[kind]
    items = []
    problems = []
    for index, item in enumerate(envelope['data']):
        if not isinstance(item, dict):
            problems.append('data[%d]: expected an object, got %s' % (index, _type_name(item)))
            continue
        try:
            items.append(normalize(item_schema(item)))
        except vol.Invalid as exc:
            problems.extend(_problems(exc, ('data', index)))
    if problems:
        raise SchemaError(problems)
    envelope['data'] = items
    return envelope


def validate_item(obj, kind):
    """Validate and normalise one trigger / template object; raises ``SchemaError``."""
    _require_voluptuous()
    if not isinstance(obj, dict):
        raise SchemaError(['(object): expected an object, got %s' % _type_name(obj)])
    try:
        return _NORMALIZERS[kind](_ITEM_SCHEMAS[kind]()(obj))
    except vol.Invalid as exc:
        problems = _problems(exc)
    raise SchemaError(problems)
