"""The plan report callback reads keys and app ids by the modules' own rules (module_utils),
so a report names a trigger and an app exactly as the module's messages and options do."""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.plugins.callback.plan_report import PLAN_ACTIONS as REPORT_LISTS, as_app_id, key_text
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import PLAN_ACTIONS, empty_plan
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import key_fields, key_text as module_key_text, make_key
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.test_convert import assert_core_reads_int_as_we_do


@pytest.mark.parametrize("key", [make_key(3373, "install", ""), make_key(3373, "event", "Purchase"), make_key(17, "click", None)])
def test_a_key_reads_as_the_module_writes_it(key):
    # the plan's entries carry key_fields(key); the module's messages and diff write key_text(key)
    assert key_text(key_fields(key)) == module_key_text(key)
    assert not key_text(key_fields(key)).endswith("/")


def test_a_key_that_is_not_a_dict_reads_as_nothing():
    assert key_text(None) == "" and key_text("install/3373") == ""


@pytest.mark.parametrize("value, expected", [(17, 17), ("17", 17), (" 98 ", 98), ("+98", 98), ("87100.0", 87100), (87100.0, 87100)])
def test_an_app_id_reads_as_the_modules_app_id_option(value, expected):
    # the callback reads app_id by our task rule; ansible-core converts the option itself, which before 2.18
    # refuses "87100.0" and 87100.0 (the task then fails; the report still names app 87100)
    assert as_app_id(value) == expected
    assert_core_reads_int_as_we_do(value, expected)


@pytest.mark.parametrize("value", [True, None, "", "{{ kochava_app_id }}", "²", "17.5", [17], {"id": 17}])
def test_no_app_id(value):
    # '²' is a digit to str.isdigit() but no number to int(): no app id, not a crash of the callback
    assert as_app_id(value) is None


def test_the_report_has_the_plans_lists():
    assert REPORT_LISTS == PLAN_ACTIONS == tuple(empty_plan())
