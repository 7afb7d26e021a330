# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_triggers/items.py: the items of kochava_triggers checked and normalised in one pass,
every problem of every item in one message naming triggers[N] and the field."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._triggers.fields import FIELDS
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.items import (
    ValidItems,
    check_item,
    check_values,
    validate_items,
)
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import TEMPLATE, URL

ALLOWED = "type, template_id, template, filter_str, title, active, context, purge_context, allow_unknown_context, state"
SECRET = "s3cr3t-partner-token"


def item(**fields):
    result = {"type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
    result.update(fields)
    return dict((key, value) for key, value in result.items() if value is not None)


def failure(items):
    with pytest.raises(TriggerError) as info:
        validate_items(items)
    return info.value.message


# --------------------------------------------------------------------------
# Normalised items
# --------------------------------------------------------------------------
def test_every_field_is_present_with_its_default():
    (normal,) = validate_items([{"type": "install", "template_id": TEMPLATE}])
    assert normal == {
        "type": "install",
        "template_id": TEMPLATE,
        "template": None,
        "filter_str": None,
        "title": None,
        "active": None,
        "context": None,
        "purge_context": False,
        "allow_unknown_context": False,
        "state": "present",
    }
    assert list(normal) == list(FIELDS)


def test_null_is_the_same_as_left_out():
    given = {"type": "install", "template_id": TEMPLATE, "active": None, "state": None, "purge_context": None, "template": None}
    (normal,) = validate_items([given])
    assert (normal["active"], normal["state"], normal["purge_context"], normal["template"]) == (None, "present", False, None)


@pytest.mark.parametrize(
    "word, value",
    [(True, True), (False, False), ("yes", True), ("no", False), ("true", True), ("False", False), ("on", True), ("OFF", False)]
    + [("1", True), ("0", False), (1, True), (0, False), (" Yes ", True), ("y", True), ("n", False), ("t", True), ("f", False)],
)
def test_booleans_as_ansible_reads_them(word, value):
    (normal,) = validate_items([item(active=word, purge_context=word, allow_unknown_context=word)])
    assert normal["active"] is value and normal["purge_context"] is value and normal["allow_unknown_context"] is value


@pytest.mark.parametrize("given", [TEMPLATE, str(TEMPLATE), " %d " % TEMPLATE, float(TEMPLATE), "%d.0" % TEMPLATE, "+%d" % TEMPLATE])
def test_template_id_from_numeric_strings_and_whole_numbers(given):
    (normal,) = validate_items([item(template_id=given)])
    assert normal["template_id"] == TEMPLATE and not isinstance(normal["template_id"], bool) and isinstance(normal["template_id"], int)


def test_strings_from_scalars():
    (normal,) = validate_items([item(type="event", filter_str=2026, title=7.5)])
    assert (normal["filter_str"], normal["title"]) == ("2026", "7.5")


def test_dicts_from_json_or_literal_strings():
    given = '{"type": "event", "template_id": %d, "filter_str": "Purchase", "context": {"cpi_mostback_url": "%s"}}' % (TEMPLATE, URL)
    items = validate_items([given, item(context="{'cpi_mostback_url': '%s', 'deferred_for': 0}" % URL)])
    assert items[0]["context"] == {"cpi_mostback_url": URL} and items[0]["filter_str"] == "Purchase"
    assert items[1]["context"] == {"cpi_mostback_url": URL, "deferred_for": 0}


def test_an_empty_list_is_valid_and_valid_items_are_not_checked_twice():
    assert validate_items([]) == [] and validate_items(()) == []
    items = validate_items([item()])
    assert isinstance(items, ValidItems) and validate_items(items) is items


def test_the_given_items_are_not_changed():
    given = [item(active="yes", template_id="3373")]
    validate_items(given)
    assert given == [item(active="yes", template_id="3373")]


# --------------------------------------------------------------------------
# Each kind of problem, with its exact message
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "triggers, kind",
    [("install", "a string"), ("", "an empty string"), (7, "an integer"), (1.5, "a number"), (True, "a boolean"), (None, "null")]
    + [({"type": "install"}, "a dict")],
)
def test_triggers_not_a_list(triggers, kind):
    assert failure(triggers) == "triggers must be a list of triggers (one dict of options per trigger), got %s" % kind


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"active": "maybe"}, "triggers[0].active must be a boolean (true/false, yes/no, 1/0), got 'maybe'"),
        ({"purge_context": 2}, "triggers[0].purge_context must be a boolean (true/false, yes/no, 1/0), got 2"),
        ({"allow_unknown_context": [True]}, "triggers[0].allow_unknown_context must be a boolean (true/false, yes/no, 1/0), got a list"),
        ({"template_id": "abc"}, "triggers[0].template_id must be an integer, got a string"),
        ({"template_id": 3373.5}, "triggers[0].template_id must be an integer, got a number"),
        ({"template_id": True}, "triggers[0].template_id must be an integer, got a boolean"),
        ({"template_id": "inf"}, "triggers[0].template_id must be an integer, got a string"),
        ({"title": ["a", "b"]}, "triggers[0].title must be a string, got a list"),
        ({"filter_str": {"a": 1}}, "triggers[0].filter_str must be a string, got a dict"),
        ({"context": ["cpi_mostback_url"]}, "triggers[0].context must be a dict of input id: value, got a list"),
        ({"context": "cpi_mostback_url"}, "triggers[0].context must be a dict of input id: value, got a string"),
        ({"context": "a=1, b"}, "triggers[0].context must be a dict of input id: value, got a string"),
        ({"type": "Install"}, "triggers[0].type must be one of install, event, click; got 'Install'"),
        ({"type": 3}, "triggers[0].type must be one of install, event, click; got '3'"),
        ({"type": ["install"]}, "triggers[0].type must be a string, got a list"),
        ({"state": "gone"}, "triggers[0].state must be one of present, absent; got 'gone'"),
        ({"template": "Custom Postback"}, "triggers[0]: template and template_id are mutually exclusive; give one"),
        ({"type": None}, "triggers[0].type is required (one of install, event, click)"),
        ({"template_id": None}, "triggers[0]: template_id or template is required (the trigger's postback template)"),
        ({"titel": "Install", "Active": True}, "triggers[0]: unknown options Active, titel; allowed: " + ALLOWED),
        ({"id": 5}, "triggers[0]: unknown option id; allowed: " + ALLOWED),
    ],
)
def test_each_kind_of_problem(fields, message):
    assert failure([item(**fields)]) == message


@pytest.mark.parametrize("given, kind", [("install", "a string"), (None, "null"), (["install"], "a list"), (3373, "an integer"), ("{not json", "a string")])
def test_an_item_that_is_not_a_dict(given, kind):
    assert failure([item(), given]) == "triggers[1] must be a dict of a trigger's options (type, template_id, title, ...), got %s" % kind


EVENT_NEEDS_FILTER = "filter_str is required when type=event (event triggers are told apart by filter_str)"
ONLY_EVENTS_FILTER = "filter_str is only valid for event triggers; install triggers are one per template per app"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"type": "event"}, "triggers[0] (event/3373): filter_str is required when type=event (event triggers are told apart by filter_str)"),
        ({"type": "event", "filter_str": " "}, "triggers[0] (event/3373/ ): " + EVENT_NEEDS_FILTER),
        ({"filter_str": "Purchase"}, "triggers[0] (install/3373/Purchase): " + ONLY_EVENTS_FILTER),
        ({"title": "  "}, "triggers[0] (install/3373): title must not be empty"),
        ({"template_id": None, "template": " "}, "triggers[0] (install/ ): template must not be empty; give a template's name, or template_id"),
        (
            {"context": {"token": None}},
            "triggers[0] (install/3373): context.token has no value (null); give it a value, or leave it out (purge_context=true removes keys not given)",
        ),
        (
            {"context": {"cpi_mostback_url": URL, "token": "********"}},
            "triggers[0] (install/3373): context.token holds the placeholder of a hidden value (********), as an export shows it; "
            "give the real value (for example from Ansible Vault), or take an export meant for re-applying with reveal_hidden: true "
            "(and no_log: true) on its kochava_trigger_info task",
        ),
    ],
)
def test_the_static_checks_name_the_item(fields, message):
    assert failure([item(**fields)]) == message


def test_every_bad_item_is_listed_at_once_in_order():
    items = [
        item(active="maybe"),
        item(type="event", filter_str="Purchase"),  # fine
        "install",
        item(template="Custom Postback", state="gone"),
        item(type="event", filter_str=None),
    ]
    assert failure(items) == "; ".join(
        [
            "triggers[0].active must be a boolean (true/false, yes/no, 1/0), got 'maybe'",
            "triggers[2] must be a dict of a trigger's options (type, template_id, title, ...), got a string",
            "triggers[3].state must be one of present, absent; got 'gone'",
            "triggers[3]: template and template_id are mutually exclusive; give one",
            "triggers[4] (event/3373): filter_str is required when type=event (event triggers are told apart by filter_str)",
        ]
    )


def test_an_item_with_type_problems_is_not_also_given_the_static_checks():
    # a wrong type makes the rest of the item unknown: its static checks wait for the fix
    assert failure([item(type="event", title=[1])]) == "triggers[0].title must be a string, got a list"


# --------------------------------------------------------------------------
# Never a value that may be secret
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fields",
    [
        {"template_id": SECRET},
        {"title": {"token": SECRET}},
        {"context": [SECRET]},
        {"context": {"cpi_mostback_url": {"nested": SECRET}}},
        {"context": {"cpi_mostback_url": URL + "?token=" + SECRET, "deferred_for": [SECRET]}},
        {"filter_str": [SECRET]},
    ],
)
def test_messages_never_show_a_value_that_may_be_secret(fields):
    message = failure([item(**fields)])
    assert SECRET not in message and "triggers[0]" in message


def test_a_long_word_is_cut_short():
    message = failure([item(active="x" * 5000)])
    assert message == "triggers[0].active must be a boolean (true/false, yes/no, 1/0), got '%s'... (5000 characters)" % ("x" * 60)


# --------------------------------------------------------------------------
# The static checks alone (kochava_trigger calls them too)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("fields", [{}, {"template_id": None, "template": "Custom Postback"}, {"type": "event", "filter_str": "Purchase"}, {"title": None}])
def test_check_item_accepts(fields):
    assert check_item(dict(item(), **fields), "") is None


def test_check_item_prefixes_where():
    with pytest.raises(TriggerError) as info:
        check_item(dict(item(), type=None), "triggers[3] (x): ")
    assert info.value.message == "triggers[3] (x): a trigger is addressed by its key: type and template_id (or template) are required"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": ""}, "title must not be empty"),
        ({"type": "install", "filter_str": "Purchase"}, "filter_str is only valid for event triggers; install triggers are one per template per app"),
        ({"context": {"token": "********"}}, "context.token holds the placeholder of a hidden value (********)"),
    ],
)
def test_check_values_of_a_trigger_addressed_by_id(fields, message):
    # addressed by id: the key fields may be left out, the values are still checked
    with pytest.raises(TriggerError) as info:
        check_values(dict({"type": None, "template_id": None}, **fields))
    assert info.value.message.startswith(message)


def test_check_values_needs_no_key():
    assert check_values({"type": None, "template_id": None, "title": "T", "context": {"cpi_mostback_url": URL}}) is None
