# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_triggers/fields.py: the one list of a trigger's fields, and everything derived from it.

kochava_trigger's options, kochava_triggers' item suboptions, what _triggers/items.py
accepts and the item the engine builds are all read from ``FIELDS``; these tests hold the
modules' DOCUMENTATION against it, field by field (name, type, choices, default)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import yaml

from ansible_collections.kochava.publisher.plugins.module_utils._glue import spec as glue
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.fields import FIELDS, argument_spec
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.items import validate_items
from ansible_collections.kochava.publisher.plugins.modules import kochava_trigger, kochava_triggers
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import TEMPLATE

# kochava_trigger's own options beside a trigger's fields (the connection and hidden options come from doc fragments)
SINGLE_ONLY = {"app_id", "id", "expect_no_changes"}


def documented(doc, name):
    """What the documentation says of one option: (type, choices, default), as FIELDS writes them."""
    entry = doc[name]
    return entry["type"], entry.get("choices"), entry.get("default")


def listed(name):
    field = FIELDS[name]
    return field["type"], list(field["choices"]) if "choices" in field else None, field.get("default")


def single_options():
    return yaml.safe_load(kochava_trigger.DOCUMENTATION)["options"]


def item_suboptions():
    return yaml.safe_load(kochava_triggers.DOCUMENTATION)["options"]["triggers"]["suboptions"]


def test_kochava_trigger_documents_every_field_and_its_own_options_only():
    assert set(single_options()) == set(FIELDS) | SINGLE_ONLY


def test_kochava_triggers_documents_every_field_as_an_item_suboption():
    assert sorted(item_suboptions()) == sorted(FIELDS)


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_kochava_trigger_documents_the_field_as_listed(name):
    assert documented(single_options(), name) == listed(name)


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_kochava_triggers_documents_the_item_suboption_as_listed(name):
    assert documented(item_suboptions(), name) == listed(name)


def test_an_item_needs_its_type_a_single_task_may_give_an_id_instead():
    # the one difference between the two: kochava_trigger addresses a trigger by id or by key
    assert item_suboptions()["type"].get("required") is True
    assert single_options()["type"].get("required") is not True


def test_kochava_trigger_takes_the_fields_as_its_argument_spec():
    assert glue.TRIGGER_FIELDS == argument_spec()
    assert glue.TRIGGER_FIELDS["state"] == {"type": "str", "choices": ["present", "absent"], "default": "present"}
    assert glue.SPECS["kochava_trigger_info"].argument_spec["type"] == {"type": "str", "choices": ["install", "event", "click"]}


def test_the_argument_spec_is_a_copy():
    spec = argument_spec()
    spec["type"]["choices"].append("other")
    spec["title"]["required"] = True
    assert argument_spec()["type"]["choices"] == ["install", "event", "click"] and "required" not in FIELDS["title"]


def test_an_item_takes_exactly_the_fields_with_their_defaults():
    (item,) = validate_items([{"type": "install", "template_id": TEMPLATE}])
    assert list(item) == list(FIELDS)
    assert dict((name, value) for name, value in item.items() if name not in ("type", "template_id")) == dict(
        (name, field.get("default")) for name, field in FIELDS.items() if name not in ("type", "template_id")
    )
