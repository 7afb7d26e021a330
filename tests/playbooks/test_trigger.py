"""kochava_trigger through ansible-playbook against the emulator (harsh profile).

Each state is run here four ways (change, change in check mode, no change, no
change in check mode), as users run the module; this is the only place the
module's four runs are tested (the engine's logic is in
tests/engine/test_engine.py). Assertions read the emulator's
state and request log, and state what the harsh profile stores: context values
as strings, template defaults filled in.
"""

from __future__ import annotations

import pytest
from playbook_helpers import assert_clean_failure, calls, install, seed_install, writes

from ansible_collections.kochava.publisher.tests.constants import APP, KEY, KEY_APP17, TEMPLATE, URL

MODULE = "kochava.publisher.kochava_trigger"
LIST = ("GET", "/apps/%d/postbacks" % APP)
TEMPLATES = ("GET", "/apps/%d/postbacks/templates" % APP)


# -- create -------------------------------------------------------------------
def test_create_in_check_mode_writes_nothing_and_predicts(runner, emu):
    result = runner.run(MODULE, install(active=True), check=True, diff=True)
    assert emu.triggers(APP) == []
    assert writes(emu) == []
    assert result["changed"] is True
    # the prediction includes the template defaults the server fills in (as the template gives them)
    predicted = {"cpi_mostback_url": URL, "deferred_for": 0, "max_delivery_attempts": 3}
    assert result["trigger"]["context"] == predicted
    assert result["trigger"]["id"] is None and result["trigger"]["title"] == "Install" and result["trigger"]["active"] is True
    assert result["diff"]["before"] == {}
    # the diff shows the values as the API will hold them: strings
    held = {"cpi_mostback_url": URL, "deferred_for": "0", "max_delivery_attempts": "3"}
    assert result["diff"]["after"] == {"type": "install", "template_id": TEMPLATE, "title": "Install", "active": True, "context": held}


def test_create_then_rerun_makes_one_list_call_and_no_write(runner, emu):
    result = runner.run(MODULE, install(active=True, context={"cpi_mostback_url": URL, "deferred_for": 30000}))
    stored = emu.triggers(APP)
    assert len(stored) == 1
    assert stored[0]["title"] == "Install" and stored[0]["active"] is True
    # harsh: values stored as strings, the template's defaults (even an empty one) filled in
    assert stored[0]["context"] == {"cpi_mostback_url": URL, "deferred_for": "30000", "max_delivery_attempts": "3", "cpi_custom_note": ""}
    assert writes(emu) == [("POST", "/postbacks")]
    post = [e for e in emu.log if e["method"] == "POST"][0]
    assert post["body"]["context"] == {"cpi_mostback_url": URL, "deferred_for": 30000}
    assert result["changed"] is True and result["trigger"]["id"] == stored[0]["id"]
    assert "diff" not in result  # no --diff, no diff

    for check in (False, True):
        emu.clear_log()
        again = runner.run(MODULE, install(active=True, context={"cpi_mostback_url": URL, "deferred_for": "30000"}), check=check)
        assert calls(emu) == [LIST], check
        assert again["changed"] is False
    assert len(emu.triggers(APP)) == 1


def test_event_triggers_differ_by_filter_str(runner, emu):
    for name in ("Purchase", "Signup", "Purchase"):
        runner.run(
            MODULE,
            {"app_id": APP, "type": "event", "template_id": TEMPLATE, "filter_str": name, "title": name, "context": {"cpi_mostback_url": URL}},
        )
    assert sorted(t["filter_str"] for t in emu.triggers(APP)) == ["Purchase", "Signup"]
    assert len(writes(emu)) == 2


def test_template_by_name_costs_one_templates_call(runner, emu):
    args = install()
    del args["template_id"]
    args["template"] = "custom postback"  # case-insensitive fallback
    runner.run(MODULE, args)
    assert emu.triggers(APP)[0]["template_id"] == TEMPLATE
    emu.clear_log()
    runner.run(MODULE, args)
    assert sorted(calls(emu)) == sorted([LIST, TEMPLATES])


# -- update -------------------------------------------------------------------
def test_title_and_active_change_keeps_context_and_reads_no_templates(runner, emu):
    seed_install(emu, deferred_for=30000)
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Renamed", "active": True}

    result = runner.run(MODULE, args, check=True, diff=True)
    assert writes(emu) == [] and emu.triggers(APP)[0]["title"] == "Install"
    assert result["changed"] is True and result["diff"]["after"]["title"] == "Renamed"

    emu.clear_log()
    result = runner.run(MODULE, args)
    stored = emu.triggers(APP)[0]
    assert stored["title"] == "Renamed" and stored["active"] is True
    assert stored["context"]["deferred_for"] == "30000" and stored["context"]["cpi_mostback_url"] == URL
    assert TEMPLATES not in calls(emu)
    patch = [e for e in emu.log if e["method"] == "PATCH"]
    assert len(patch) == 1 and patch[0]["body"]["title"] == "Renamed"
    # the PATCH answer carries no trigger: the module re-reads it
    assert ("GET", "/apps/%d/postbacks/%d" % (APP, stored["id"])) in calls(emu)
    assert result["trigger"]["title"] == "Renamed"

    for check in (False, True):
        emu.clear_log()
        assert runner.run(MODULE, args, check=check)["changed"] is False
        assert calls(emu) == [LIST]


def test_partial_context_update_keeps_other_keys(runner, emu):
    seed_install(emu, deferred_for=30000, cpi_custom_note="keep me")
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "context": {"max_delivery_attempts": 2}}

    checked = runner.run(MODULE, args, check=True)
    assert checked["changed"] is True
    assert writes(emu) == [] and emu.triggers(APP)[0]["context"]["max_delivery_attempts"] == "3"

    result = runner.run(MODULE, args, diff=True)
    assert result["changed"] is True
    ctx = emu.triggers(APP)[0]["context"]
    assert ctx == {"cpi_mostback_url": URL, "deferred_for": "30000", "cpi_custom_note": "keep me", "max_delivery_attempts": "2"}
    patch = [e for e in emu.log if e["method"] == "PATCH"][0]
    # the complete context is sent (as read, with the one new value), whatever PATCH does with it
    assert patch["body"]["context"] == {"cpi_mostback_url": URL, "deferred_for": "30000", "cpi_custom_note": "keep me", "max_delivery_attempts": 2}
    assert result["diff"]["before"]["context"]["max_delivery_attempts"] == "3"
    assert result["diff"]["after"]["context"] == ctx  # the re-read trigger

    for check in (False, True):
        emu.clear_log()
        assert runner.run(MODULE, args, check=check)["changed"] is False
        assert calls(emu) == [LIST]


def test_purge_context_converges(runner, emu):
    seed_install(emu, deferred_for=30000, max_delivery_attempts=2, cpi_custom_note="drop me")
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "context": {"cpi_mostback_url": URL}, "purge_context": True}

    assert runner.run(MODULE, args, check=True)["changed"] is True
    assert writes(emu) == []

    assert runner.run(MODULE, args)["changed"] is True
    assert writes(emu) == [("PATCH", "/postbacks/%d" % emu.triggers(APP)[0]["id"])]
    # harsh: the PATCH replaces the context and the template defaults are filled back in
    assert emu.triggers(APP)[0]["context"] == {"cpi_mostback_url": URL, "deferred_for": "0", "max_delivery_attempts": "3", "cpi_custom_note": ""}

    for check in (False, True):
        emu.clear_log()
        assert runner.run(MODULE, args, check=check)["changed"] is False
        assert writes(emu) == []
        assert sorted(calls(emu)) == sorted([LIST, TEMPLATES])


def test_trigger_on_last_page_is_found_not_duplicated(runner, emu):
    emu.set_page_size(2)
    for name in ("a", "b", "c", "d"):
        emu.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str=name, title=name, context={"cpi_mostback_url": URL})
    seed_install(emu)
    runner.run(MODULE, install())
    assert writes(emu) == []
    assert len(emu.triggers(APP)) == 5
    assert [c for c in calls(emu) if c == LIST] == [LIST] * 3


# -- delete -------------------------------------------------------------------
def test_absent_four_ways(runner, emu):
    trigger = seed_install(emu)
    args = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "state": "absent"}

    result = runner.run(MODULE, args, check=True, diff=True)
    assert writes(emu) == [] and len(emu.triggers(APP)) == 1
    assert result["changed"] is True and result["diff"]["after"] == {}
    assert result["diff"]["before"]["title"] == "Install"

    assert runner.run(MODULE, args)["changed"] is True
    assert writes(emu) == [("DELETE", "/postbacks/%d" % trigger["id"])]
    assert emu.triggers(APP) == []

    for check in (False, True):
        emu.clear_log()
        assert runner.run(MODULE, args, check=check)["changed"] is False
        assert calls(emu) == [LIST]


def test_address_by_id(runner, emu):
    trigger = seed_install(emu)
    by_id = {"app_id": APP, "id": trigger["id"], "active": True}
    runner.run(MODULE, by_id)
    assert emu.trigger(trigger["id"])["active"] is True
    emu.clear_log()
    assert runner.run(MODULE, by_id)["changed"] is False
    assert calls(emu) == [("GET", "/apps/%d/postbacks/%d" % (APP, trigger["id"]))]

    emu.clear_log()
    bad = runner.run(MODULE, {"app_id": APP, "id": trigger["id"], "type": "click"})
    assert_clean_failure(bad, "type", "cannot change")
    assert writes(emu) == []

    missing = runner.run(MODULE, {"app_id": APP, "id": 999999, "state": "absent"})
    assert missing["changed"] is False and writes(emu) == []


# -- races, lost answers, duplicates -------------------------------------------
@pytest.mark.parametrize("status", [400, 409])
def test_duplicate_answer_is_adopted(runner, emu, status):
    emu.set_duplicate_status(status)
    existing = seed_install(emu)
    # the first list call does not see it (created concurrently)
    emu.inject(
        "GET",
        "/apps/%d/postbacks" % APP,
        status=200,
        json={"success": True, "data": [], "errors": [], "warnings": [], "messages": [], "nextToken": None, "previousToken": None, "meta": None},
    )
    result = runner.run(MODULE, install(title="Adopted"))
    assert result.get("failed") is not True, result
    assert result["changed"] is True  # the adopted trigger is renamed
    stored = emu.triggers(APP)
    assert len(stored) == 1 and stored[0]["id"] == existing["id"]
    assert stored[0]["title"] == "Adopted"  # converged after adoption
    post = [e for e in emu.log if e["method"] == "POST"]
    assert len(post) == 1 and post[0]["status"] == status


def test_lost_post_answer_makes_no_duplicate(runner, emu):
    emu.inject("POST", "/postbacks", apply_then_drop=True)
    result = runner.run(MODULE, install())
    assert result.get("failed") is not True, result
    assert len(emu.triggers(APP)) == 1
    assert [e["method"] for e in emu.log].count("POST") == 1
    assert result["changed"] is True


@pytest.mark.parametrize("fault", [{"drop": True}, {"status": 500, "json": {"success": False, "data": [], "errors": ["boom"]}}])
def test_post_not_applied_is_created_after_reread(runner, emu, fault):
    emu.inject("POST", "/postbacks", **fault)
    result = runner.run(MODULE, install())
    assert result.get("failed") is not True, result
    assert result["changed"] is True
    assert len(emu.triggers(APP)) == 1
    methods = [e["method"] for e in emu.log]
    assert methods.count("POST") == 2
    # re-read between the two POSTs, never a blind resend
    first, second = [i for i, m in enumerate(methods) if m == "POST"]
    assert "GET" in methods[first + 1 : second]


def test_five_forks_make_one_trigger(runner, emu):
    results = runner.run(MODULE, install(), hosts=5)
    assert all(r.get("failed") is not True for r in results.values()), results
    assert len(emu.triggers(APP)) == 1
    assert len([e for e in emu.log if e["method"] == "POST" and e["status"] == 201]) == 1
    # one host created it; the others found it (listed or adopted after a duplicate answer) as wanted
    assert sorted(r["changed"] for r in results.values()) == [False, False, False, False, True]


# -- bad input: rejected before any write --------------------------------------
@pytest.mark.parametrize(
    "args, fragments",
    [
        (install(context={"cpi_mostback_url": URL, "deferd_for": 0}), ["deferd_for", "allow_unknown_context"]),
        (install(context={"cpi_mostback_url": URL, "deferred_for": 12}), ["deferred_for", "0, 30000, 60000"]),
        (install(context={"deferred_for": 0}), ["cpi_mostback_url"]),
        (install(context={"cpi_mostback_url": "ftp://x"}), ["cpi_mostback_url", "http(s)"]),
        (install(context={"cpi_mostback_url": URL, "nested": {"a": 1}}), ["context.nested"]),
        (install(context={"cpi_mostback_url": URL, "deferred_for": None}), ["context.deferred_for", "null"]),
        (install(title=" "), ["title must not be empty"]),
        (install(filter_str="Purchase"), ["filter_str", "event"]),
        ({"app_id": APP, "type": "event", "template_id": TEMPLATE, "title": "x", "context": {"cpi_mostback_url": URL}}, ["filter_str"]),
        (install(template_id=1), ["template_id 1", str(TEMPLATE)]),
        (install(title=None), ["title"]),
        (install(template="Custom Postback"), ["mutually exclusive"]),
        ({"app_id": APP, "template_id": TEMPLATE}, ["id", "type"]),
        (install(app_id="eighty"), ["app_id"]),
    ],
)
def test_bad_input_is_rejected_before_any_write(runner, emu, args, fragments):
    args = {k: v for k, v in args.items() if v is not None}
    result = runner.run(MODULE, args)
    assert_clean_failure(result, *fragments)
    assert writes(emu) == []
    assert emu.triggers(APP) == []


def test_allow_unknown_context_sends_the_key(runner, emu):
    runner.run(MODULE, install(context={"cpi_mostback_url": URL, "x_extra": "1"}, allow_unknown_context=True))
    assert emu.triggers(APP)[0]["context"]["x_extra"] == "1"


def test_more_than_one_match_fails_naming_ids(runner, emu):
    # two triggers with one key can only come from outside the API rules
    first = seed_install(emu)
    emu.inject(
        "GET",
        "/apps/%d/postbacks" % APP,
        status=200,
        json={
            "success": True,
            "data": [emu.trigger(first["id"]), dict(emu.trigger(first["id"]), id=first["id"] + 1000)],
            "errors": [],
            "warnings": [],
            "messages": [],
            "nextToken": None,
            "previousToken": None,
            "meta": None,
        },
    )
    result = runner.run(MODULE, install(title="x"))
    assert_clean_failure(result, str(first["id"]), str(first["id"] + 1000))
    assert writes(emu) == []


# -- auth and garbage ----------------------------------------------------------
def test_invalid_key_and_unauthorized_app_fail_cleanly(runner, emu):
    assert_clean_failure(runner.run(MODULE, install(), key="wrong-key-xyz"), "401")
    assert_clean_failure(runner.run(MODULE, install(), key=KEY_APP17), "403")
    assert writes(emu) == []


def test_missing_key_fails_naming_the_option(runner, emu):
    result = runner.run(MODULE, install(), key=None)
    assert_clean_failure(result, "api_key")
    assert emu.log == []


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 200, "body": "<html><body>Bad gateway</body></html>", "headers": {"Content-Type": "text/html"}},
        {"invalid_json": True},
        {"status": 200, "json": {"success": True, "data": {"not": "a list"}}},
        {"status": 200, "json": {"success": True, "data": [{"title": "no id"}]}},
        {"status": 502, "body": "<html>bad gateway</html>", "times": 10},
    ],
)
def test_garbage_answers_fail_cleanly(runner, emu, fault):
    emu.inject("GET", "/apps/%d/postbacks" % APP, **fault)
    result = runner.run(MODULE, install(max_retries=1))
    assert_clean_failure(result, "GET", "/apps/%d/postbacks" % APP)
    assert writes(emu) == []


def test_retry_after_then_success(runner, emu):
    emu.inject("GET", "/apps/%d/postbacks" % APP, status=503, json={"success": False, "data": [], "errors": ["busy"]}, headers={"Retry-After": "0"}, times=2)
    result = runner.run(MODULE, install())
    assert result.get("failed") is not True, result
    assert [c for c in calls(emu) if c == LIST] == [LIST] * 3
    assert len(emu.triggers(APP)) == 1


def test_key_never_appears_at_vvvv(runner, emu):
    emu.inject(
        "GET",
        "/apps/%d/postbacks" % APP,
        status=200,
        json={"success": True, "data": [], "errors": [], "warnings": ["echo " + KEY], "messages": [], "nextToken": None, "previousToken": None, "meta": None},
    )
    warned = runner.run(MODULE, install(), verbosity=4, diff=True)
    # the envelope's warnings reach the user as task warnings, with the key scrubbed
    assert [w for w in warned["warnings"] if w.startswith("Kochava API: echo ")], warned
    out = runner.last.stdout + runner.last.stderr
    assert "task under test" in out
    assert KEY not in out
    failing = runner.run(MODULE, install(context={"cpi_mostback_url": URL, "bogus": 1}), verbosity=4)
    assert failing["failed"] is True
    assert KEY not in runner.last.stdout + runner.last.stderr
    assert KEY not in str(failing)


def test_tls_error_fails_at_once_without_retry(runner, emu):
    # TLS to a plain-HTTP server: a permanent error, not retried and never a write
    https_url = emu.url.replace("http://", "https://")
    result = runner.run(MODULE, install(max_retries=4), api_url=https_url)
    assert_clean_failure(result, "TLS")
    assert "attempts" not in result["msg"]  # the client names the attempts only when it retried
    assert emu.log == []
    assert emu.triggers(APP) == []
