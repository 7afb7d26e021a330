# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""_plan/digest.py: one digest for plans that send the same writes, and a
reviewed plan (expected_plan) held against the plan of now."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._plan.digest import Review, plan_digest, write_view
from ansible_collections.kochava.publisher.plugins.module_utils._plan.planner import Planner
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import plan_report
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import Hider
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.constants import APP, TEMPLATE, URL, trigger
from ansible_collections.kochava.publisher.tests.unit.plugins.module_utils.test_plan import FakeReader, item

KEY = "api-key-for-the-hmac"
HIDDEN = Hider(keys={"token"})


def current():
    return [
        trigger(11, "event", "Purchase", title="Buy", context={"cpi_mostback_url": URL, "token": "t-1"}),
        trigger(12, title="Install", context={"cpi_mostback_url": URL}),
        trigger(13, "click", title="Stray", context={"cpi_mostback_url": URL}),
    ]


def items(title="Buy more", token="t-1", url=URL):
    return [
        item(type="event", filter_str="Purchase", title=title, context={"token": token}, allow_unknown_context=True),
        item(title="Install"),  # unchanged
        item(type="event", filter_str="Login", title="Login", context={"cpi_mostback_url": url, "max_delivery_attempts": 2}),  # created
    ]


def plan(triggers=None, wanted=None, purge=False, app_id=APP):
    reader = FakeReader(current() if triggers is None else triggers)
    reader.app_id = app_id
    actions = Planner(reader).plan(items() if wanted is None else wanted, purge=purge)
    return actions, plan_digest(app_id, actions, KEY)


def report(actions, digest):
    shown = plan_report(actions, HIDDEN)
    shown["digest"] = digest
    return json.loads(json.dumps(shown))  # as it comes back through set_stats / extra vars


# -- the digest -----------------------------------------------------------------------
def test_digest_names_the_app_and_is_stable():
    _actions, digest = plan()
    assert digest.startswith("%d:" % APP) and len(digest.split(":")[1]) == 16
    assert plan()[1] == digest


def test_what_the_run_does_not_write_does_not_count():
    _actions, digest = plan()
    # the stray the run leaves alone (purge false) changes, an unchanged trigger gets another date,
    # and the old value an update overwrites differs: the same writes, one digest
    triggers = current()
    triggers[2]["title"] = "Stray edited by hand"
    triggers[1]["date_created"] = 1
    triggers[0]["title"] = "Buy (edited by hand)"
    assert plan(triggers)[1] == digest


def test_every_change_of_the_writes_changes_the_digest():
    _actions, digest = plan()
    assert plan(wanted=items(title="Other"))[1] != digest  # an update's target value
    assert plan(wanted=items(url=URL + "/v2"))[1] != digest  # a create's value
    assert plan(purge=True)[1] != digest  # a delete more
    recreated = current()
    recreated[0]["id"] = 99  # deleted and re-created by hand: another trigger
    assert plan(recreated)[1] != digest
    assert plan(app_id=17)[1].split(":")[1] != digest.split(":")[1]


def test_a_hidden_value_changes_the_digest_but_not_what_is_shown():
    actions, digest = plan(wanted=items(token="t-2"))
    other_actions, other = plan(wanted=items(token="t-3"))
    assert other != digest
    assert plan_report(actions, HIDDEN) == plan_report(other_actions, HIDDEN)  # shown alike; told apart by the digest
    assert "t-3" not in other and "t-2" not in digest


def test_the_digest_is_keyed_with_the_api_key():
    actions, digest = plan()
    assert plan_digest(APP, actions, "another key") != digest


def test_creates_are_compared_by_meaning_with_defaults_filled():
    as_number = items()
    as_text = copy.deepcopy(as_number)
    as_text[2]["context"]["max_delivery_attempts"] = "2"
    assert plan(wanted=as_number)[1] == plan(wanted=as_text)[1]
    actions, _digest = plan()
    created = write_view(actions)["create"]["event/%d/Login" % TEMPLATE]
    assert created["context.max_delivery_attempts"] == "2" and created["title"] == "Login" and created["active"] is False


def test_write_view_identifies_updates_and_deletes_by_id():
    actions, _digest = plan(purge=True)
    view = write_view(actions)
    assert view["update"] == {"11": {"title": "Buy more"}}
    assert view["delete"] == ["13"]


# -- expected_plan ----------------------------------------------------------------------
def test_a_review_by_digest_or_by_plan_dict_of_the_same_plan_has_no_differences():
    actions, digest = plan()
    assert Review(digest, APP).differences(report(actions, digest), digest) == []
    assert Review(report(actions, digest), APP).differences(report(actions, digest), digest) == []
    assert Review(json.dumps(report(actions, digest)), APP).differences(report(actions, digest), digest) == []


def test_a_stale_plan_dict_says_which_trigger_and_field():
    reviewed_actions, reviewed = plan()
    actions, digest = plan(wanted=items(title="Other"), purge=True)
    found = Review(report(reviewed_actions, reviewed), APP).differences(report(actions, digest), digest)
    assert found == [
        'update trigger id 11 (event/%d/Purchase "Other") title: reviewed "Buy more", now "Other"' % TEMPLATE,
        'delete trigger id 13 (click/%d "Stray"): in the plan now, not in the review' % TEMPLATE,
    ]


def test_a_stale_create_names_the_key_and_field():
    reviewed_actions, reviewed = plan()
    actions, digest = plan(wanted=items(url=URL + "/v2"))
    found = Review(report(reviewed_actions, reviewed), APP).differences(report(actions, digest), digest)
    assert found == ['create event/%d/Login "Login" context.cpi_mostback_url: reviewed "%s", now "%s"' % (TEMPLATE, URL, URL + "/v2")]


def test_a_hidden_change_is_caught_from_the_plan_dict_by_its_digest():
    reviewed_actions, reviewed = plan(wanted=items(token="t-2"))
    actions, digest = plan(wanted=items(token="t-3"))
    found = Review(report(reviewed_actions, reviewed), APP).differences(report(actions, digest), digest)
    assert found == ["a value that is not shown (a hidden context value) differs"]
    # a digest alone cannot say more, but says how to be told
    only = Review(reviewed, APP).differences(report(actions, digest), digest)
    assert len(only) == 1 and only[0].startswith("the writes differ (the review is a digest alone; publish the reviewed plan dict")


@pytest.mark.parametrize(
    "expected, message",
    [
        (42, "expected_plan must be a string or a dict, got int"),
        (["87100:0123456789abcdef"], "expected_plan must be a string or a dict, got list"),
        ("not a digest", "expected_plan is not a plan digest: got 'not a digest'"),
        ("{broken", "expected_plan is neither a digest nor a plan dict in JSON"),
        ({"update": []}, "expected_plan is a plan dict without its digest entry"),
        ({"title": "x"}, "expected_plan is a dict without create, update or delete lists"),
        ({"update": {}, "digest": "%d:0123456789abcdef" % APP}, "expected_plan has update that is not a list"),
        ({"update": ["x"], "digest": "%d:0123456789abcdef" % APP}, "expected_plan update[0] is not a plan entry (a dict), got str"),
        ({"update": [{"id": 1}], "digest": "%d:0123456789abcdef" % APP}, "expected_plan update[0] has no changes ({field: [old, new]})"),
        ({"delete": [{"title": "x"}], "digest": "%d:0123456789abcdef" % APP}, "expected_plan delete[0] has no id"),
        ({"create": [{"key": {"type": "install"}}], "digest": "%d:0123456789abcdef" % APP}, "expected_plan create[0] has no key"),
    ],
)
def test_bad_expected_plans_name_the_option(expected, message):
    with pytest.raises(TriggerError) as info:
        Review(expected, APP)
    assert info.value.message.startswith(message)
    if not message.startswith("expected_plan is the plan of app"):
        assert "give the plan_digest of the reviewed run" in info.value.message


@pytest.mark.parametrize("expected", ["17:0123456789abcdef", {"create": [], "digest": "17:0123456789abcdef"}])
def test_a_plan_of_another_app_is_refused(expected):
    with pytest.raises(TriggerError) as info:
        Review(expected, APP)
    assert info.value.message == "expected_plan is the plan of app 17, but this task manages app %d; pass the entry of app %d" % (APP, APP)
