"""The fast path of trigger answers (issue 15): a trigger whose fields already have the
documented types skips voluptuous, and gives exactly what the voluptuous check gives."""

from __future__ import annotations

import itertools
import json

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api import schemas as _schemas
from ansible_collections.kochava.publisher.plugins.module_utils._api.normalize import is_plain_trigger

PLAIN = {"id": 5, "app_id": 17, "template_id": 3373, "type": "Event", "title": None, "filter_str": "x", "active": False, "date_created": 1, "context": {"k": 1}}
VALUES = (None, 0, 1, True, "", "7", "true", 1.5, {}, {"a": "b"}, [])


def slow(body, monkeypatch):
    monkeypatch.setitem(_schemas._ITEMS, "trigger", _schemas._ITEMS["trigger"][:2] + (lambda item: False,))
    try:
        return _schemas.validate_envelope(json.loads(json.dumps(body)), "trigger")
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("field", sorted(PLAIN) + ["extra"])
def test_every_value_of_every_field_gives_what_voluptuous_gives(field, monkeypatch):
    for value in VALUES:
        item = dict(PLAIN, **{field: value})
        body = {"success": True, "data": [item], "nextToken": None}
        try:
            expected = slow(body, monkeypatch)
        except _schemas.SchemaError as exc:
            with pytest.raises(_schemas.SchemaError) as info:
                _schemas.validate_envelope(json.loads(json.dumps(body)), "trigger")
            assert info.value.problems == exc.problems
            assert not is_plain_trigger(item)
            continue
        got = _schemas.validate_envelope(json.loads(json.dumps(body)), "trigger")
        assert got == expected and [list(t) for t in got["data"]] == [list(t) for t in expected["data"]]


def test_a_trigger_without_optional_fields_or_with_fields_missing(monkeypatch):
    for size in range(len(PLAIN) + 1):
        for fields in itertools.combinations(sorted(PLAIN), size):
            item = dict((field, PLAIN[field]) for field in fields)
            body = {"success": True, "data": [item]}
            try:
                expected = slow(body, monkeypatch)
            except _schemas.SchemaError:
                assert "id" not in item and not is_plain_trigger(item)
                continue
            assert _schemas.validate_envelope(json.loads(json.dumps(body)), "trigger") == expected


def test_only_well_typed_triggers_take_the_fast_path():
    assert is_plain_trigger(PLAIN)
    assert not is_plain_trigger(dict(PLAIN, id="5"))  # coerced by the schema
    assert not is_plain_trigger(dict(PLAIN, id=True))
    assert not is_plain_trigger(dict(PLAIN, active="true"))
    assert not is_plain_trigger(dict(PLAIN, context=None))  # null -> {}
    assert not is_plain_trigger([PLAIN])


# -- the envelope of every page: the same fast path, the same result --------------------------------------------
ENVELOPE = {"success": True, "meta": None, "nextToken": "n", "previousToken": None, "errors": [], "warnings": ["w"], "messages": [], "data": []}
ENVELOPE_VALUES = VALUES + ([1, "a"], ["a", None], "false", ["x"])


def slow_envelope(body):
    return _schemas.envelope_schema()(json.loads(json.dumps(body)))


@pytest.mark.parametrize("field", sorted(ENVELOPE) + ["extra"])
def test_every_value_of_every_envelope_field_gives_what_voluptuous_gives(field):
    for value in ENVELOPE_VALUES + ("absent",):
        body = dict(ENVELOPE)
        if value == "absent":
            body.pop(field, None)
        else:
            body[field] = value
        try:
            expected = slow_envelope(body)
        except _schemas.vol.Invalid:
            assert _schemas.plain_envelope(body) is None
            with pytest.raises(_schemas.SchemaError):
                _schemas.validate_envelope(json.loads(json.dumps(body)))
            continue
        fast = _schemas.plain_envelope(body)
        assert fast is None or fast == expected, (field, value)
        assert _schemas.validate_envelope(json.loads(json.dumps(body))) == expected


def test_a_well_typed_page_takes_the_fast_path_and_a_coerced_one_does_not():
    assert _schemas.plain_envelope(ENVELOPE) == ENVELOPE
    assert _schemas.plain_envelope(dict(ENVELOPE, success="true")) is None  # coerced by the schema
    assert _schemas.plain_envelope(dict(ENVELOPE, nextToken=5)) is None  # a number made a str
    assert _schemas.plain_envelope(dict(ENVELOPE, errors=None)) is None  # null -> []
    copy = _schemas.plain_envelope(ENVELOPE)
    copy["warnings"].append("x")
    assert ENVELOPE["warnings"] == ["w"]  # a copy, as the schema's
