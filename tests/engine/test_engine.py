"""The trigger engine with the real client against the emulator, in process.

The playbook tests cover the module end to end (the four runs of each state are
in tests/playbooks/test_trigger.py); these pin down the engine's logic: its
exact API exchanges, what check mode reports without writing, and the paths
that are awkward to reach through a play.
"""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_single
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.context import comparable_context
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.keys import TriggerError
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL


def engine(emu, check_mode=False, **params):
    base = {
        "app_id": APP,
        "max_retries": 2,
        "state": "present",
        "type": "install",
        "template_id": TEMPLATE,
        "title": "Install",
        "context": {"cpi_mostback_url": URL},
    }
    base.update(params)
    client = KochavaClient(emu.demo_key, api_url=emu.url, max_retries=2, sleep=lambda s: None)
    return Single(client, base, check_mode)


class Single:
    def __init__(self, client, params, check_mode):
        self.client, self.params, self.check_mode = client, params, check_mode

    def run(self):
        return run_single(self.client, self.params, check_mode=self.check_mode)


def methods(emu):
    return [(e["method"], e["path"]) for e in emu.log]


def test_create_sends_post_only_after_list_and_templates(emu):
    result = engine(emu).run()
    created = emu.triggers(APP)[0]["id"]
    assert methods(emu) == [
        ("GET", "/apps/%d/postbacks" % APP),
        ("GET", "/apps/%d/postbacks/templates" % APP),
        ("POST", "/postbacks"),
        ("GET", "/apps/%d/postbacks/%d" % (APP, created)),  # the verifying read: did it land?
    ]
    assert result["changed"] and result["trigger"]["id"] == created


def test_check_mode_reports_the_change_and_never_writes_in_any_state(emu):
    assert engine(emu, check_mode=True).run()["changed"] is True  # create
    seeded = emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Old", context={"cpi_mostback_url": URL})
    assert engine(emu, check_mode=True, title="New", context={"deferred_for": 30000}).run()["changed"] is True  # update
    assert engine(emu, check_mode=True, title="Old", context=None).run()["changed"] is False  # converged
    assert engine(emu, check_mode=True, state="absent").run()["changed"] is True  # delete
    assert engine(emu, check_mode=True, state="absent", type="click").run()["changed"] is False  # absent already
    assert emu.writes() == []
    assert emu.trigger(seeded["id"])["title"] == "Old"


def test_update_rereads_and_returns_server_state(emu):
    seeded = emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Old", context={"cpi_mostback_url": URL})
    result = engine(emu, title="New", context=None).run()
    assert methods(emu) == [
        ("GET", "/apps/%d/postbacks" % APP),
        ("PATCH", "/postbacks/%d" % seeded["id"]),
        ("GET", "/apps/%d/postbacks/%d" % (APP, seeded["id"])),
    ]
    assert result["trigger"]["title"] == "New"
    # the unchanged context went along, so a replacing PATCH loses nothing
    assert emu.log[1]["body"]["context"]["cpi_mostback_url"] == URL


def test_uncertain_post_that_never_lands_fails_with_changed(emu):
    emu.inject("POST", "/postbacks", drop=True, times=10)
    with pytest.raises(TriggerError) as info:
        engine(emu).run()
    assert info.value.changed is True
    assert "could not confirm" in info.value.message
    posts = [m for m in methods(emu) if m[0] == "POST"]
    assert len(posts) == 3  # max_retries=2: three attempts, each after a re-read
    assert emu.triggers(APP) == []


def test_verification_catches_a_server_that_ignores_the_write(emu):
    seeded = emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Old", context={"cpi_mostback_url": URL})
    emu.inject("PATCH", "/postbacks/%d" % seeded["id"], status=200, json={"success": True, "data": []})
    with pytest.raises(TriggerError) as info:
        engine(emu, title="New").run()
    assert (
        info.value.changed is True
        and "trigger install/%d 'New' (id %d) does not hold what was sent: title is 'Old', sent 'New'" % (TEMPLATE, seeded["id"]) in info.value.message
    )


def test_delete_already_gone_is_quiet(emu):
    seeded = emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Old", context={"cpi_mostback_url": URL})
    # the DELETE reaches the server twice (a proxy resent it): applied once unseen, then answered 404
    emu.inject("DELETE", "/postbacks/%d" % seeded["id"], duplicate=True)
    result = engine(emu, state="absent").run()
    assert result["changed"] is True and emu.triggers(APP) == []
    assert methods(emu)[-1] == ("GET", "/apps/%d/postbacks/%d" % (APP, seeded["id"]))  # verified gone


def test_purge_without_context_leaves_context_and_reads_no_templates(emu):
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL, "cpi_custom_note": "x"})
    result = engine(emu, context=None, purge_context=True).run()
    assert result["changed"] is False
    assert methods(emu) == [("GET", "/apps/%d/postbacks" % APP)]


def test_create_answer_without_full_trigger_is_reread(emu):
    # an API whose POST answer carries a trimmed trigger: the engine reads it back
    emu.inject("POST", "/postbacks", apply_then_drop=False, status=201, json={"success": True, "data": [{"id": 4242, "app_id": APP}]})
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL}, id=4242)
    emu.inject("GET", "/apps/%d/postbacks" % APP, status=200, json={"success": True, "data": []})
    emu.clear_log()
    result = engine(emu).run()
    assert ("POST", "/postbacks") in methods(emu)
    assert methods(emu)[-1] == ("GET", "/apps/%d/postbacks" % APP)  # an answer without the key: found by key in the listing
    assert result["trigger"]["context"]["cpi_mostback_url"] == URL


def test_purge_by_id_reads_the_trigger_template(emu):
    seeded = emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL, "deferred_for": 30000})
    params = {"id": seeded["id"], "context": {"cpi_mostback_url": URL}, "purge_context": True}
    result = engine(emu, type=None, template_id=None, title=None, **params).run()
    assert result["changed"] is True
    assert emu.trigger(seeded["id"])["context"]["deferred_for"] == "0"
    emu.clear_log()
    assert engine(emu, type=None, template_id=None, title=None, **params).run()["changed"] is False
    assert methods(emu) == [("GET", "/apps/%d/postbacks/%d" % (APP, seeded["id"])), ("GET", "/apps/%d/postbacks/templates" % APP)]


# -- the set engine (kochava_triggers) ----------------------------------------
def run_set(emu, items, check_mode=False, **params):
    from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_set as engine_run_set

    base = {"app_id": APP, "triggers": items, "purge": False, "max_deletes": 5, "hidden_context_keys": []}
    base.update(params)
    client = KochavaClient(emu.demo_key, api_url=emu.url, max_retries=2, sleep=lambda s: None)
    return engine_run_set(client, base, check_mode=check_mode)


def event(name, **extra):
    item = {"type": "event", "template_id": TEMPLATE, "filter_str": name, "title": name, "context": {"cpi_mostback_url": URL}}
    item.update(extra)
    return item


def test_set_converged_run_reads_each_page_once_and_nothing_else(emu):
    emu.configure(page_size=4)
    for index in range(10):
        emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="e%d" % index, filter_str="e%d" % index, context={"cpi_mostback_url": URL})
    emu.clear_log()
    result = run_set(emu, [event("e%d" % index) for index in range(10)])
    assert result["changed"] is False and len(result["plan"]["unchanged"]) == 10
    assert methods(emu) == [("GET", "/apps/%d/postbacks" % APP)] * 3  # 10 triggers, 4 a page


def test_set_creates_cost_one_post_each_plus_the_reads(emu):
    result = run_set(emu, [event("a"), event("b"), event("c")])
    assert methods(emu) == [("GET", "/apps/%d/postbacks" % APP), ("GET", "/apps/%d/postbacks/templates" % APP)] + [("POST", "/postbacks")] * 3 + [
        ("GET", "/apps/%d/postbacks" % APP)  # one listing verifies the three creates
    ]
    assert sorted(t["filter_str"] for t in emu.triggers(APP)) == ["a", "b", "c"]
    assert [e["applied"] for e in result["plan"]["create"]] == [True, True, True]


def test_set_updates_then_creates_then_deletes_and_verifies_with_one_listing(emu):
    old = [emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="t", filter_str=n, context={"cpi_mostback_url": URL}) for n in ("u1", "u2", "gone")]
    emu.clear_log()
    result = run_set(emu, [event("new"), event("u1", title="U1"), event("u2", title="U2")], purge=True, return_triggers=True)
    assert [m for m, _p in methods(emu)] == ["GET", "GET", "PATCH", "PATCH", "POST", "DELETE", "GET"]
    assert methods(emu)[-1] == ("GET", "/apps/%d/postbacks" % APP)  # one re-listing verifies the updates, the create and the delete
    assert methods(emu)[5] == ("DELETE", "/postbacks/%d" % old[2]["id"])
    assert {t["filter_str"]: t["title"] for t in emu.triggers(APP)} == {"u1": "U1", "u2": "U2", "new": "new"}
    assert sorted(t["filter_str"] for t in result["triggers"]) == ["new", "u1", "u2"]


def test_set_guard_and_bad_items_write_nothing(emu):
    for name in ("a", "b", "c"):
        emu.add_trigger(APP, type="event", template_id=TEMPLATE, title=name, filter_str=name, context={"cpi_mostback_url": URL})
    with pytest.raises(TriggerError, match=r"would delete 3 triggers, more than max_deletes=2.*filter_str 'a'") as refused:
        run_set(emu, [], purge=True, max_deletes=2)
    # the refusal carries the diff of what it refused (the result's diff in diff mode): the three, then none
    assert all("event/3373/%s " % name in refused.value.diff["before"] for name in "abc")
    assert refused.value.diff["after"] == ""
    with pytest.raises(TriggerError, match=r"triggers\[0\] and triggers\[2\] have the same key event/3373/x"):
        run_set(emu, [event("x"), event("y"), event("x")])
    with pytest.raises(TriggerError, match=r"triggers\[1\] \(event/3373/y\): context.deferred_for must be one of"):
        run_set(emu, [event("x"), event("y", context={"cpi_mostback_url": URL, "deferred_for": 5})])
    assert emu.writes() == []


def test_set_failure_part_way_says_what_was_applied(emu):
    first = event("first")
    second = event("second", title="second")
    emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="old", filter_str="first", context={"cpi_mostback_url": URL})
    emu.inject("POST", "/postbacks", status=400, json={"success": False, "data": [], "errors": ["rejected"]})
    with pytest.raises(Exception) as info:
        run_set(emu, [dict(first, title="new"), second])
    actions = info.value.actions
    assert info.value.changed is True
    assert [(a["action"], a["applied"]) for a in actions] == [("update", True), ("create", False)]
    assert emu.triggers(APP)[0]["title"] == "new" and len(emu.triggers(APP)) == 1
    assert run_set(emu, [dict(first, title="new"), second])["changed"] is True
    assert run_set(emu, [dict(first, title="new"), second])["changed"] is False


def test_set_check_mode_predicts_what_the_run_does(emu):
    emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="old", filter_str="keep", context={"cpi_mostback_url": URL})
    emu.add_trigger(APP, type="event", template_id=TEMPLATE, title="old", filter_str="drop", context={"cpi_mostback_url": URL})
    items = [event("keep", title="new"), event("add")]
    planned = run_set(emu, items, check_mode=True, purge=True, return_triggers=True)
    assert planned["changed"] is True
    assert emu.writes() == []
    done = run_set(emu, items, purge=True, return_triggers=True)

    def shape(plan):
        return {kind: sorted((e["key"]["filter_str"], e["title"]) for e in entries) for kind, entries in plan.items() if kind != "digest"}

    assert shape(planned["plan"]) == shape(done["plan"])
    assert planned["plan_digest"] == planned["plan"]["digest"] == done["plan_digest"]  # the same writes: one digest
    # the prediction means what the server then holds (which spells values as strings)
    meant = [(t["filter_str"], t["title"], comparable_context(t["context"], {})) for t in planned["triggers"]]
    assert meant == [(t["filter_str"], t["title"], comparable_context(t["context"], {})) for t in done["triggers"]]
