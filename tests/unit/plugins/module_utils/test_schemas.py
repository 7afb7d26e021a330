# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api import schemas as _schemas
from ansible_collections.kochava.publisher.plugins.module_utils._api.schemas import (
    SchemaError,
    envelope_schema,
    template_schema,
    trigger_schema,
    validate_envelope,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def problems_of(body, shape=None):
    with pytest.raises(SchemaError) as info:
        validate_envelope(body, shape)
    return info.value.problems


def test_envelope_minimal_and_nulls():
    result = validate_envelope({"success": "false", "data": None, "errors": None, "warnings": None})
    # data: null is kept as None: a read refuses it (_api/trust.py), a write answer may carry none
    assert result == {"success": False, "data": None, "errors": [], "warnings": []}


def test_envelope_tokens_numbers_become_strings_and_extra_keys_kept():
    result = validate_envelope({"success": True, "data": [], "nextToken": 2, "previousToken": None, "other": 1, "meta": {"x": [1]}})
    assert result["nextToken"] == "2"
    assert result["previousToken"] is None
    assert result["other"] == 1
    assert result["meta"] == {"x": [1]}


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"data": []}, ["success: required"]),
        ({"success": True}, ["data: required"]),
        ({"success": "perhaps", "data": []}, ["success: expected a boolean (true/false), got a string"]),
        ({"success": True, "data": {}}, ["data: expected a list, got an object"]),
        ({"success": True, "data": "x"}, ["data: expected a list, got a string"]),
        ({"success": True, "data": [], "warnings": [{"a": 1}]}, ["warnings[0]: expected a string, got an object"]),
        ({"success": True, "data": [], "errors": "boom"}, ["errors: expected a list, got a string"]),
        ({"success": True, "data": [], "nextToken": {}}, ["nextToken: expected a string or null, got an object"]),
        ([1, 2], ["(body): expected a JSON object, got a list"]),
        ("text", ["(body): expected a JSON object, got a string"]),
    ],
)
def test_envelope_shape_problems(body, expected):
    assert problems_of(body) == expected


def test_trigger_without_id_names_the_field():
    body = {"success": True, "data": [{"id": 1}, {"title": "no id"}]}
    assert problems_of(body, "trigger") == ["data[1].id: required"]


@pytest.mark.parametrize(
    "item, expected",
    [
        ({"id": "abc"}, "data[0].id: expected an integer or a numeric string, got a string"),
        ({"id": 1, "app_id": None}, "data[0].app_id: expected an integer or a numeric string, got null"),
        ({"id": 1, "active": "perhaps"}, "data[0].active: expected a boolean (true/false), got a string"),
        ({"id": 1, "context": []}, "data[0].context: expected an object, got a list"),
        ({"id": 1, "type": 3}, "data[0].type: expected a string, got a number"),
        ({"id": 1, "filter_str": 5}, "data[0].filter_str: expected a string, got a number"),
    ],
)
def test_trigger_field_problems(item, expected):
    assert problems_of({"success": True, "data": [item]}, "trigger") == [expected]


def test_data_item_not_an_object():
    assert problems_of({"success": True, "data": [5]}, "trigger") == ["data[0]: expected an object, got a number"]


def test_problem_messages_never_carry_values():
    secret = "https://hooks.example.com/SECRET-TOKEN"
    problems = problems_of({"success": True, "data": [{"id": secret, "active": secret}]}, "trigger")
    assert problems
    assert all(secret not in problem for problem in problems)


def test_triggers_with_strings_are_normalised():
    result = validate_envelope(fixture("triggers_strings.json"), "trigger")
    assert result["success"] is True
    first, second = result["data"]
    assert first == {
        "id": 689966,
        "app_id": 87100,
        "template_id": 3373,
        "type": "install",
        "title": "Install Custom Postback",
        "filter_str": "",
        "active": True,
        "date_created": "1394048564",
        "extra_key": "kept",
        "context": {"cpi_mostback_url": "https://example.com/ingest", "deferred_for": 30000, "max_delivery_attempts": "3"},
    }
    assert second["active"] is False
    assert second["context"] == {}
    assert second["filter_str"] == ""


def test_templates_fixture_required_normalised():
    result = validate_envelope(fixture("templates.json"), "template")
    first, second = result["data"]
    inputs = [item["input"] for item in first["context_meta"]]
    assert [field["required"] for field in inputs] == [False, True, False]
    assert inputs[1]["options"] == [{"value": 1, "label": "1 day"}, {"value": 2, "label": "2 days"}]
    assert second["id"] == 3373 and second["network_id"] == 12
    assert second["context_meta"][0]["input"]["required"] is False


@pytest.mark.parametrize(
    "item, expected",
    [
        ({"name": "x", "context_meta": []}, "data[0].id: required"),
        ({"id": 1, "name": "x"}, "data[0].context_meta: required"),
        ({"id": 1, "context_meta": {}}, "data[0].context_meta: expected a list, got an object"),
        ({"id": 1, "context_meta": [{"label": {}}]}, "data[0].context_meta[0].input: required"),
        ({"id": 1, "context_meta": [{"input": {"type": "text"}}]}, "data[0].context_meta[0].input.id: required"),
        (
            {"id": 1, "context_meta": [{"input": {"id": "a", "required": "maybe"}}]},
            "data[0].context_meta[0].input.required: expected a boolean (true/false), got a string",
        ),
        ({"id": 1, "context_meta": [{"input": {"id": "a", "options": [5]}}]}, "data[0].context_meta[0].input.options[0]: expected an object, got a number"),
    ],
)
def test_template_problems(item, expected):
    assert problems_of({"success": True, "data": [item]}, "template") == [expected]


def test_template_defaults():
    result = validate_envelope({"success": True, "data": [{"id": "7", "extra": 1, "context_meta": None}]}, "template")
    assert result["data"] == [{"id": 7, "extra": 1, "context_meta": []}]


def test_single_trigger_answer():
    body = {"success": True, "data": [{"id": "3", "type": "Click"}]}
    assert validate_envelope(body, "trigger")["data"] == [{"id": 3, "type": "click", "filter_str": "", "context": {}}]
    assert problems_of({"success": True, "data": [{"type": "click"}]}, "trigger") == ["data[0].id: required"]
    assert problems_of({"success": True, "data": ["x"]}, "template") == ["data[0]: expected an object, got a string"]


def test_schema_builders_are_cached():
    assert envelope_schema() is envelope_schema()
    assert trigger_schema() is trigger_schema()
    assert template_schema() is template_schema()


def test_schema_errors_have_no_context():
    with pytest.raises(SchemaError) as info:
        validate_envelope({"success": True, "data": [{}]}, "trigger")
    assert info.value.__context__ is None
    assert info.value.__cause__ is None


def test_import_flags():
    assert _schemas.HAS_VOLUPTUOUS is True
    assert _schemas.VOLUPTUOUS_IMPORT_ERROR is None
