"""The applier's verifying read (_plan/apply.py): one read after the writes, compared with the plan by meaning."""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_set, run_single
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

LIST = ("GET", "/apps/%d/postbacks" % APP)


def client(emu):
    return KochavaClient(emu.demo_key, api_url=emu.url, max_retries=2, sleep=lambda s: None)


def single(emu, **params):
    base = {"app_id": APP, "state": "present", "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
    base.update(params)
    return run_single(client(emu), base)


def set_of(emu, items, **params):
    base = {"app_id": APP, "triggers": items, "purge": False, "max_deletes": -1}
    base.update(params)
    return run_set(client(emu), base)


def event(name, **extra):
    item = {"type": "event", "template_id": TEMPLATE, "filter_str": name, "title": name, "context": {"cpi_mostback_url": URL}}
    item.update(extra)
    return item


def calls(emu):
    return [(e["method"], e["path"]) for e in emu.log]


def test_a_delete_answered_but_not_done_fails_naming_the_trigger(emu):
    kept = emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="Keep", filter_str="keep", context={"cpi_mostback_url": URL})
    gone = emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="Gone", filter_str="gone", context={"cpi_mostback_url": URL})
    emu.inject("DELETE", "/postbacks/%d" % gone["id"], lost_write=True)
    with pytest.raises(TriggerError) as info:
        set_of(emu, [event("keep", title="Kept")], purge=True)
    assert "trigger event/%d/gone 'Gone' (id %d) was deleted (the API answered success) but is still there" % (TEMPLATE, gone["id"]) in info.value.message
    assert info.value.changed is True and "Kept" not in info.value.message
    assert calls(emu)[-1] == LIST and emu.trigger(kept["id"])["title"] == "Kept"


@pytest.mark.parametrize("profile", ["harsh", "lenient"])
def test_a_faithful_server_never_fails_the_check(emu, profile):
    emu.configure(profile=profile)
    created = single(emu, context={"cpi_mostback_url": URL, "deferred_for": 30000, "max_delivery_attempts": 2}, active=True)
    assert created["changed"] is True
    updated = single(emu, title="Renamed", context={"cpi_mostback_url": URL}, purge_context=True)
    assert updated["changed"] is True and updated["trigger"]["title"] == "Renamed"
    emu.clear_log()
    result = set_of(emu, [event("n%d" % n, context={"cpi_mostback_url": URL, "deferred_for": 0}) for n in range(3)])
    assert len(result["plan"]["create"]) == 3 and calls(emu)[-1] == LIST


def test_a_lost_post_answer_is_adopted_then_verified_once(emu):
    emu.inject("POST", "/postbacks", apply_then_drop=True)  # created, the answer lost
    result = single(emu)
    log = calls(emu)
    assert [c for c in log if c[0] == "POST"] == [("POST", "/postbacks")]  # never resent
    assert log[log.index(("POST", "/postbacks")) + 1 :] == [LIST, ("GET", "/apps/%d/postbacks/%d" % (APP, emu.triggers(APP)[0]["id"]))]  # find, then verify
    assert result["changed"] is True and len(emu.triggers(APP)) == 1 and result["notes"]


def test_a_created_trigger_holding_another_value_names_the_field_not_the_value(emu):
    emu.inject("POST", "/postbacks", rewrite={"context.cpi_mostback_url": "https://elsewhere.example/x?token=s3cr3t"})
    with pytest.raises(TriggerError) as info:
        single(emu)
    message = info.value.message
    assert "trigger install/%d 'Install' (id " % TEMPLATE in message and "context.cpi_mostback_url holds another value" in message
    assert "elsewhere" not in message and URL not in message
    assert info.value.changed is True and info.value.trigger["id"] == emu.triggers(APP)[0]["id"]


def test_a_create_that_the_listing_shows_twice_fails_naming_both_ids(emu):
    other = emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="Other", filter_str="other", context={"cpi_mostback_url": URL})
    created_id = emu.state._last_id + 1  # the emulator's ids are handed out in order
    made = {
        "id": created_id,
        "app_id": APP,
        "type": "event",
        "template_id": TEMPLATE,
        "filter_str": "a",
        "title": "a",
        "active": False,
        "context": {"cpi_mostback_url": URL},
    }
    twin = dict(made, id=created_id + 1000)
    listing = {
        "success": True,
        "data": [dict(other, title="Other 2"), made, twin],
        "errors": [],
        "warnings": [],
        "messages": [],
        "nextToken": None,
        "previousToken": None,
    }
    emu.inject("GET", "/apps/%d/postbacks" % APP, skip=1, json=dict(listing, meta=None))  # the verifying listing: a twin beside the created one
    with pytest.raises(TriggerError) as info:
        set_of(emu, [event("a"), event("other", title="Other 2")])
    assert "trigger event/%d/a 'a' (id %d) is there 2 times (ids %d, %d)" % (TEMPLATE, created_id, created_id, twin["id"]) in info.value.message
    assert "Other 2" not in info.value.message and info.value.changed is True
    assert [t["id"] for t in emu.triggers(APP) if t["filter_str"] == "a"] == [created_id]
