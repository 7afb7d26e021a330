"""The modules against the emulator's LENIENT profile (the other plausible reading of
every point the API document is silent on), and against ids answered as strings.

Lenient: PATCH merges the context and answers the trigger, no template defaults,
context values kept as sent, install/click answered with ``filter_str: null``,
POST answers 200, DELETE answers the envelope. The modules must converge there
exactly as against the harsh default; assertions read the emulator's state and
request log.
"""

from __future__ import annotations

import pytest
from playbook_helpers import calls, install, seed_install, writes

from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

MODULE = "kochava.publisher.kochava_trigger"
TRIGGER_INFO = "kochava.publisher.kochava_trigger_info"
LIST = ("GET", "/apps/%d/postbacks" % APP)
TEMPLATES = ("GET", "/apps/%d/postbacks/templates" % APP)
EMPTY_LIST = {"success": True, "data": [], "errors": [], "warnings": [], "messages": [], "nextToken": None, "previousToken": None, "meta": None}


@pytest.fixture
def lenient(emu):
    emu.configure(profile="lenient")
    return emu


def requests_of(emu, method):
    return [e for e in emu.log if e["method"] == method]


def assert_ok(result):
    assert result.get("failed") is not True, result


def assert_rerun_is_quiet(runner, emu, args):
    """Unchanged rerun, for real and in check mode: one list call, no write."""
    for check in (False, True):
        emu.clear_log()
        again = runner.run(MODULE, args, check=check)
        assert_ok(again)
        assert again["changed"] is False, (check, again)
        assert calls(emu) == [LIST], check


# -- create -------------------------------------------------------------------------------
def test_lenient_create_is_one_post_and_rerun_is_quiet(runner, lenient):
    context = {"cpi_mostback_url": URL, "deferred_for": 30000, "max_delivery_attempts": 2}
    result = runner.run(MODULE, install(active=True, context=context))
    assert_ok(result)
    assert writes(lenient) == [("POST", "/postbacks")]
    post = requests_of(lenient, "POST")[0]
    assert post["status"] == 200 and post["body"]["context"] == context
    stored = lenient.triggers(APP)
    assert len(stored) == 1
    assert stored[0]["context"] == context  # kept as sent, no default added
    assert stored[0]["title"] == "Install" and stored[0]["active"] is True and stored[0]["filter_str"] is None
    assert result["changed"] is True and result["trigger"]["id"] == stored[0]["id"]

    # the same values spelled as strings are the same values
    assert_rerun_is_quiet(runner, lenient, install(active=True, context={"cpi_mostback_url": URL, "deferred_for": "30000", "max_delivery_attempts": "2"}))
    assert_rerun_is_quiet(runner, lenient, install(active=True, context=context))
    assert len(lenient.triggers(APP)) == 1


# -- update ---------------------------------------------------------------------------------
def test_lenient_partial_context_update_keeps_the_other_keys(runner, lenient):
    trigger = seed_install(lenient, deferred_for=30000, cpi_custom_note="keep me")
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "context": {"max_delivery_attempts": 2}}

    assert runner.run(MODULE, args, check=True)["changed"] is True
    assert writes(lenient) == []

    lenient.clear_log()
    result = runner.run(MODULE, args)
    assert_ok(result)
    assert writes(lenient) == [("PATCH", "/postbacks/%d" % trigger["id"])]
    assert requests_of(lenient, "PATCH")[0]["status"] == 200
    # lenient: kept as sent (the other keys as seeded, the new value as the module sent it), no defaults
    wanted = {"cpi_mostback_url": URL, "deferred_for": 30000, "cpi_custom_note": "keep me", "max_delivery_attempts": 2}
    assert lenient.trigger(trigger["id"])["context"] == wanted
    assert result["changed"] is True and result["trigger"]["context"] == wanted

    assert_rerun_is_quiet(runner, lenient, args)


def test_lenient_title_only_change(runner, lenient):
    trigger = seed_install(lenient, deferred_for=30000)
    before = lenient.trigger(trigger["id"])
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Renamed"}

    result = runner.run(MODULE, args)
    assert_ok(result)
    assert writes(lenient) == [("PATCH", "/postbacks/%d" % trigger["id"])]
    assert requests_of(lenient, "PATCH")[0]["body"]["title"] == "Renamed"
    assert TEMPLATES not in calls(lenient)
    after = lenient.trigger(trigger["id"])
    assert after["title"] == "Renamed"
    assert after["context"] == before["context"] and after["active"] == before["active"]
    assert result["changed"] is True and result["trigger"]["title"] == "Renamed"

    assert_rerun_is_quiet(runner, lenient, args)


def test_lenient_purge_context_converges(runner, lenient):
    trigger = seed_install(lenient, deferred_for=30000, max_delivery_attempts=2, cpi_custom_note="drop me")
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "context": {"cpi_mostback_url": URL}, "purge_context": True}

    assert runner.run(MODULE, args, check=True)["changed"] is True
    assert writes(lenient) == []

    result = runner.run(MODULE, args)
    assert_ok(result)
    assert result["changed"] is True
    # lenient PATCH merges, so the module sends every key: the template's defaults for the purged ones
    assert lenient.trigger(trigger["id"])["context"] == {"cpi_mostback_url": URL, "deferred_for": 0, "max_delivery_attempts": 3, "cpi_custom_note": ""}

    for check in (False, True):
        lenient.clear_log()
        again = runner.run(MODULE, args, check=check)
        assert_ok(again)
        assert again["changed"] is False, check
        assert writes(lenient) == []
        assert sorted(calls(lenient)) == sorted([LIST, TEMPLATES])


# -- delete ----------------------------------------------------------------------------------
def test_lenient_delete_then_rerun_is_quiet(runner, lenient):
    trigger = seed_install(lenient)
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "state": "absent"}

    result = runner.run(MODULE, args)
    assert_ok(result)
    assert result["changed"] is True
    assert writes(lenient) == [("DELETE", "/postbacks/%d" % trigger["id"])]
    delete = requests_of(lenient, "DELETE")[0]
    assert delete["status"] == 200 and delete["response"]["success"] is True
    assert lenient.triggers(APP) == []

    for check in (False, True):
        lenient.clear_log()
        again = runner.run(MODULE, args, check=check)
        assert_ok(again)
        assert again["changed"] is False
        assert calls(lenient) == [LIST]


# -- duplicates, lost answers ---------------------------------------------------------------------
@pytest.mark.parametrize("status", [400, 409])
def test_lenient_duplicate_answer_is_adopted(runner, lenient, status):
    lenient.set_duplicate_status(status)
    existing = seed_install(lenient)
    # the first list call does not see it (created concurrently)
    lenient.inject("GET", "/apps/%d/postbacks" % APP, status=200, json=EMPTY_LIST)
    result = runner.run(MODULE, install(title="Adopted"))
    assert_ok(result)
    stored = lenient.triggers(APP)
    assert len(stored) == 1 and stored[0]["id"] == existing["id"]
    assert stored[0]["title"] == "Adopted"  # converged after adoption
    post = requests_of(lenient, "POST")
    assert len(post) == 1 and post[0]["status"] == status
    assert result["trigger"]["id"] == existing["id"]


def test_lenient_lost_post_answer_makes_no_duplicate(runner, lenient):
    lenient.inject("POST", "/postbacks", apply_then_drop=True)
    result = runner.run(MODULE, install())
    assert_ok(result)
    assert len(lenient.triggers(APP)) == 1
    assert len(requests_of(lenient, "POST")) == 1
    assert result["changed"] is True and result["trigger"]["id"] == lenient.triggers(APP)[0]["id"]


# -- trigger_info ----------------------------------------------------------------------------------
def test_lenient_trigger_info_reads_every_page(runner, lenient):
    lenient.set_page_size(2)
    made = [lenient.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL}, active=True)]
    made.append(lenient.add_trigger(APP, type="click", template_id=TEMPLATE, title="Click", context={"cpi_mostback_url": URL}))
    for name in ("ev0", "ev1", "ev2"):
        made.append(lenient.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str=name, title=name, context={"cpi_mostback_url": URL}))

    result = runner.run(TRIGGER_INFO, {"app_id": APP})
    assert_ok(result)
    assert sorted(t["id"] for t in result["triggers"]) == sorted(t["id"] for t in made)
    lists = [e for e in lenient.log if e["path"] == "/apps/%d/postbacks" % APP]
    assert len(lists) == 3 and writes(lenient) == []
    by_type = {}
    for trigger in result["triggers"]:
        by_type.setdefault(trigger["type"], []).append(trigger)
    assert [t["filter_str"] for t in by_type["install"]] == [""]
    assert [t["filter_str"] for t in by_type["click"]] == [""]
    assert sorted(t["filter_str"] for t in by_type["event"]) == ["ev0", "ev1", "ev2"]
    assert by_type["install"][0]["active"] is True

    installs = runner.run(TRIGGER_INFO, {"app_id": APP, "filter_str": ""})
    assert sorted(t["type"] for t in installs["triggers"]) == ["click", "install"]


# -- ids answered as strings (harsh profile) -------------------------------------------------------
def test_numbers_as_strings_create_rerun_and_info(runner, emu):
    emu.configure(numbers_as_strings=True)
    assert emu.profile == "harsh"
    result = runner.run(MODULE, install(active=True))
    assert_ok(result)
    assert writes(emu) == [("POST", "/postbacks")]
    stored = emu.triggers(APP)
    assert len(stored) == 1 and stored[0]["active"] is True
    post = requests_of(emu, "POST")[0]
    assert post["response"]["data"][0]["id"] == str(stored[0]["id"])  # the answer really had a string id

    assert_rerun_is_quiet(runner, emu, install(active=True))

    info = runner.run(TRIGGER_INFO, {"app_id": APP})
    assert_ok(info)
    assert [t["id"] for t in info["triggers"]] == [stored[0]["id"]]
    trigger = info["triggers"][0]
    assert isinstance(trigger["id"], int) and isinstance(trigger["app_id"], int) and isinstance(trigger["template_id"], int)
    assert trigger["filter_str"] == ""
    by_id = runner.run(TRIGGER_INFO, {"app_id": APP, "id": stored[0]["id"]})
    assert [t["id"] for t in by_id["triggers"]] == [stored[0]["id"]]
    assert len(emu.triggers(APP)) == 1
