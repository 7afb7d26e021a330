# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_triggers/keys.py: values by meaning, the uniqueness key, matching, templates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._triggers import keys as t
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import CUSTOM_POSTBACK, MMDSP, TEMPLATE, template_with, trigger


# --------------------------------------------------------------------------
# Values by meaning
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ""),
        ("", ""),
        (7, "7"),
        (7.0, "7"),
        ("07", "7"),
        (" 7 ", "7"),
        ("+7", "7"),
        ("-07", "-7"),
        ("1e3", "1000"),
        (0.5, "0.5"),
        ("0.50", "0.5"),
        (True, "true"),
        (False, "false"),
        ("True", "true"),
        (" FALSE ", "false"),
        ("abc", "abc"),
        ("nan", "nan"),
        ("inf", "inf"),
        ([1, 2], "[1, 2]"),
        ({"b": 1, "a": 2}, '{"a": 2, "b": 1}'),
    ],
)
def test_canonical_form(value, expected):
    assert t.canonical(value) == expected


@pytest.mark.parametrize(
    "left, right",
    [(7, "7"), (7.0, "7"), ("07", 7), (True, "true"), ("True", True), (False, "false"), (None, ""), ("a", "a"), (0.5, "0.5"), (30000, "30000.0")],
)
def test_same_value_by_meaning(left, right):
    assert t.same_value(left, right) is True


@pytest.mark.parametrize("left, right", [(7, "8"), (True, "1"), ("a", "A"), (None, "0"), ("nan", "NaN"), (False, ""), (0, "")])
def test_different_values(left, right):
    assert t.same_value(left, right) is False


# --------------------------------------------------------------------------
# The key
# --------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [(None, ""), ("", ""), ("Install", "install"), (" EVENT\t", "event")])
def test_normal_type(value, expected):
    assert t.normal_type(value) == expected


@pytest.mark.parametrize("value, expected", [(None, ""), ("", ""), ("Purchase", "Purchase"), (" Purchase ", " Purchase "), (7, "7")])
def test_normal_filter_is_exact(value, expected):
    assert t.normal_filter(value) == expected


@pytest.mark.parametrize(
    "template_id, trigger_type, filter_str, expected",
    [
        (3373, "install", None, (3373, "install", "")),
        ("3373", " Install ", "", (3373, "install", "")),
        (3373, "event", "Purchase", (3373, "event", "Purchase")),
        (None, "click", None, (None, "click", "")),
        ("abc", "event", "x", (None, "event", "x")),
    ],
)
def test_make_key(template_id, trigger_type, filter_str, expected):
    assert t.make_key(template_id, trigger_type, filter_str) == expected


def test_trigger_key_reads_the_key_fields_and_tolerates_missing_ones():
    assert t.trigger_key({"template_id": "3373", "type": "Install"}) == (3373, "install", "")
    assert t.trigger_key({"id": 3}) == (None, "", "")


@pytest.mark.parametrize(
    "key, text",
    [((3373, "install", ""), "install/3373"), ((3373, "event", "Purchase"), "event/3373/Purchase"), ((None, "click", ""), "click/None")],
)
def test_key_text(key, text):
    assert t.key_text(key) == text


def test_key_fields():
    assert t.key_fields((3373, "event", "Purchase")) == {"type": "event", "template_id": 3373, "filter_str": "Purchase"}


def test_find_by_key_treats_missing_filter_str_as_empty():
    triggers = [trigger(1, filter_str=None), trigger(2, "event", "Purchase")]
    assert [x["id"] for x in t.find_by_key(triggers, (TEMPLATE, "install", ""))] == [1]
    assert [x["id"] for x in t.find_by_key(triggers, (TEMPLATE, "event", "Purchase"))] == [2]
    assert t.find_by_key(triggers, (TEMPLATE, "click", "")) == []


def test_find_by_key_returns_every_duplicate():
    triggers = [trigger(1), trigger(2, "event", "Purchase"), trigger(3)]
    assert [x["id"] for x in t.find_by_key(triggers, (TEMPLATE, "install", ""))] == [1, 3]


def test_a_trigger_without_key_fields_matches_no_key():
    assert t.find_by_key([{"id": 3}], (TEMPLATE, "install", "")) == []


# --------------------------------------------------------------------------
# Filters of kochava_trigger_info
# --------------------------------------------------------------------------
def test_no_filter_matches_every_trigger():
    assert t.matches_filters({"id": 1}) is True


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"trigger_type": "event"}, True),
        ({"trigger_type": "install"}, False),
        ({"template_id": TEMPLATE}, True),
        ({"template_id": 2209}, False),
        ({"filter_str": "Purchase"}, True),
        ({"filter_str": ""}, False),
        ({"active": True}, True),
        ({"active": False}, False),
        ({"trigger_type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "active": True}, True),
        ({"trigger_type": "event", "template_id": TEMPLATE, "filter_str": "Purchase", "active": False}, False),
    ],
)
def test_matches_filters_each_filter(filters, expected):
    assert t.matches_filters(trigger(5, "event", "Purchase", active=True), **filters) is expected


# --------------------------------------------------------------------------
# One matching rule: trigger_info filters, the engine's key, template names
# --------------------------------------------------------------------------
MATCHING_RULE = [
    # the type is compared without case or surrounding blanks
    ("type", "install", "install", True),
    ("type", "Install", "install", True),
    ("type", " install ", "INSTALL", True),
    ("type", "install", "click", False),
    # template_id: by number
    ("template_id", TEMPLATE, str(TEMPLATE), True),
    ("template_id", str(TEMPLATE), TEMPLATE, True),
    ("template_id", TEMPLATE, 2209, False),
    # filter_str: exactly; a missing one equals ""
    ("filter_str", "Purchase", "Purchase", True),
    ("filter_str", "Purchase", "purchase", False),
    ("filter_str", "Purchase", " Purchase", False),
    ("filter_str", "Purchase", "", False),
    ("filter_str", None, "", True),
    ("filter_str", "", "", True),
    # template name: without case or surrounding blanks, otherwise exactly
    ("name", "Custom Postback", "Custom Postback", True),
    ("name", "Custom Postback", "custom postback", True),
    ("name", "Custom Postback", "  CUSTOM POSTBACK\t", True),
    ("name", "Custom Postback", "CustomPostback", False),
    ("name", "Custom Postback", "Custom Postbacks", False),
]


@pytest.mark.parametrize("field, stored, asked, expected", MATCHING_RULE)
def test_one_matching_rule_everywhere(field, stored, asked, expected):
    if field == "name":
        template = dict(CUSTOM_POSTBACK, name=stored)
        assert t.templates_named([template, MMDSP], asked) == ([template] if expected else [])
        if expected:
            assert t.find_template([template, MMDSP], name=asked) is template
        else:
            with pytest.raises(t.TriggerError, match="is not a postback template available"):
                t.find_template([template, MMDSP], name=asked)
        return
    stored_trigger = trigger(1, "event", "Purchase")
    stored_trigger[field] = stored
    asked_key = dict(t.key_fields(t.trigger_key(trigger(1, "event", "Purchase"))), **{field: asked})
    key = t.make_key(asked_key["template_id"], asked_key["type"], asked_key["filter_str"])
    filters = {"type": {"trigger_type": asked}, "template_id": {"template_id": asked}, "filter_str": {"filter_str": asked}}[field]
    assert t.matches_filters(stored_trigger, **filters) is expected
    assert t.find_by_key([stored_trigger], key) == ([stored_trigger] if expected else [])


# --------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------
def test_same_name_of_missing_names():
    assert t.same_name(None, "") is True
    assert t.same_name(None, "x") is False


def test_template_inputs_by_id():
    template = {"id": 1, "context_meta": [{"input": {"id": "a", "type": "text"}}, {"input": {"type": "text"}}, {"label": {"name": "no input"}}]}
    assert t.template_inputs(template) == {"a": {"id": "a", "type": "text"}}
    assert t.template_inputs({"id": 1, "context_meta": None}) == {}


def test_template_defaults_skip_missing_and_empty_defaults():
    template = template_with(
        CUSTOM_POSTBACK,
        {"id": "note", "type": "text", "default_value": ""},
        {"id": "label", "type": "text", "default_value": None},
        {"id": "cpi_x_key", "type": "text", "required": True, "default_value": "dflt"},
    )
    assert t.template_defaults(template) == {"deferred_for": 0, "max_delivery_attempts": 3, "cpi_x_key": "dflt"}


def test_find_template_by_id():
    assert t.find_template([MMDSP, CUSTOM_POSTBACK], template_id=TEMPLATE) is CUSTOM_POSTBACK


def test_find_template_by_name_without_case():
    assert t.find_template([MMDSP, CUSTOM_POSTBACK], name="CUSTOM POSTBACK") is CUSTOM_POSTBACK


def test_a_name_of_two_templates_asks_for_the_id():
    other = dict(CUSTOM_POSTBACK, id=1, name="custom postback")
    with pytest.raises(t.TriggerError) as info:
        t.find_template([CUSTOM_POSTBACK, other], name="Custom Postback")
    assert info.value.message == "template name 'Custom Postback' matches 2 templates (ids 3373, 1); use template_id instead"


def test_unknown_template_id_lists_the_available_templates_by_id():
    with pytest.raises(t.TriggerError) as info:
        t.find_template([CUSTOM_POSTBACK, MMDSP], template_id=9)
    assert info.value.message == "template_id 9 is not a postback template available to this app; available: 2209 (mmDSP), 3373 (Custom Postback)"


def test_unknown_template_name():
    with pytest.raises(t.TriggerError) as info:
        t.find_template([], name="Custom Postback")
    assert info.value.message == "template 'Custom Postback' is not a postback template available to this app; available: none"


def test_find_template_needs_an_id_or_a_name():
    with pytest.raises(t.TriggerError) as info:
        t.find_template([CUSTOM_POSTBACK])
    assert info.value.message == "the trigger's template is not known (the API answered a trigger without template_id)"


def test_trigger_error_carries_changed_and_trigger():
    error = t.TriggerError("boom", changed=True, trigger={"id": 1})
    assert (str(error), error.message, error.changed, error.trigger) == ("boom", "boom", True, {"id": 1})
    assert (t.TriggerError("x").changed, t.TriggerError("x").trigger) == (False, None)
