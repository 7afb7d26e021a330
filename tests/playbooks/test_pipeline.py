"""Pipelines and AWX workflows (issue 13) through ansible-playbook against the emulator:
the drift gate (expect_no_changes), reviewed plans (plan_digest, expected_plan) and the
plan on every failure. Assertions read the emulator's state and request log."""

from __future__ import annotations

import json
import re

import pytest
import requests
from playbook_helpers import assert_clean_failure, writes

from ansible_collections.kochava.publisher.tests.constants import APP, KEY, TEMPLATE, URL

SET = "kochava.publisher.kochava_triggers"
SINGLE = "kochava.publisher.kochava_trigger"
TOKEN = "pipeline-secret-7c1d"
EMPTY = {"create": [], "update": [], "delete": [], "unchanged": []}


def declared(title="Purchase", token=TOKEN):
    return [
        {"type": "install", "template_id": TEMPLATE, "title": "Install", "active": True, "context": {"cpi_mostback_url": URL + "/install"}},
        {
            "type": "event",
            "template_id": TEMPLATE,
            "filter_str": "Purchase",
            "title": title,
            "context": {"cpi_mostback_url": "%s/purchase?token=%s" % (URL, token)},
        },
    ]


def args(triggers=None, **extra):
    result = {"app_id": APP, "triggers": declared() if triggers is None else triggers, "purge": True, "hidden_context_keys": ["cpi_mostback_url"]}
    result.update(extra)
    return result


def by_hand(emu, trigger_id, **body):
    """A change made on the server outside Ansible (through the API, as the UI would)."""
    answer = requests.patch("%s/postbacks/%d" % (emu.url, trigger_id), json=body, headers={"Authentication-Key": KEY}, timeout=10)
    assert answer.status_code == 200, answer.text


def converge(runner, emu):
    runner.run(SET, args())
    emu.clear_log()
    return {t.get("filter_str") or t["type"]: t for t in emu.triggers(APP)}


def no_token(runner, *results):
    for text in (runner.last.stdout, runner.last.stderr) + tuple(json.dumps(r) for r in results):
        assert TOKEN not in text


# -- the drift gate -------------------------------------------------------------------------
@pytest.mark.parametrize("check", [False, True])
def test_drift_gate_passes_a_converged_app_and_fails_a_drifted_one_without_writing(runner, emu, check):
    stored = converge(runner, emu)
    result = runner.run(SET, args(expect_no_changes=True), check=check)
    assert result["failed"] is False and result["changed"] is False and runner.last.returncode == 0
    assert writes(emu) == []

    by_hand(emu, stored["Purchase"]["id"], title="Edited by hand")
    stray = emu.add_trigger(APP, type="click", template_id=TEMPLATE, title="Stray", context={"cpi_mostback_url": URL})
    emu.clear_log()
    result = runner.run(SET, args(expect_no_changes=True), check=check, verbosity=4, diff=True)
    assert_clean_failure(result, "expect_no_changes: app %d differs from its declaration in 2 triggers (nothing was written)" % APP)
    assert "update id %d event/%d/Purchase 'Edited by hand': title" % (stored["Purchase"]["id"], TEMPLATE) in result["msg"]
    assert "delete id %d click/%d 'Stray'" % (stray["id"], TEMPLATE) in result["msg"]
    assert writes(emu) == []  # the hand-made change went before clear_log; the gate wrote nothing
    assert [e["title"] for e in result["plan"]["update"]] == ["Purchase"] and [e["id"] for e in result["plan"]["delete"]] == [stray["id"]]
    assert result["app_id"] == APP and result["plan_digest"] == result["plan"]["digest"]
    assert emu.trigger(stored["Purchase"]["id"])["title"] == "Edited by hand" and emu.trigger(stray["id"]) is not None
    # in --diff, the refusal shows what it refused to write: the app now, and as the declaration would make it
    assert "Edited by hand" in result["diff"]["before"] and "Edited by hand" not in result["diff"]["after"]
    assert "Stray" in result["diff"]["before"] and "Stray" not in result["diff"]["after"]
    no_token(runner, result)


def test_drift_gate_of_one_trigger(runner, emu):
    stored = converge(runner, emu)
    item = dict(declared()[1], app_id=APP, expect_no_changes=True, hidden_context_keys=["cpi_mostback_url"])
    assert runner.run(SINGLE, item)["failed"] is False
    by_hand(emu, stored["Purchase"]["id"], title="Edited by hand")
    emu.clear_log()
    result = runner.run(SINGLE, item)
    assert_clean_failure(result, "update id %d event/%d/Purchase 'Edited by hand': title" % (stored["Purchase"]["id"], TEMPLATE))
    assert "diff" not in result  # not in diff mode: no diff
    shown = runner.run(SINGLE, item, diff=True)
    assert shown["msg"] == result["msg"]
    assert shown["diff"]["before"]["title"] == "Edited by hand" and shown["diff"]["after"]["title"] == "Purchase"
    assert writes(emu) == []
    assert emu.trigger(stored["Purchase"]["id"])["title"] == "Edited by hand"
    no_token(runner, result)
    no_token(runner, shown)


# -- reviewed plans -------------------------------------------------------------------------
def test_two_check_runs_give_one_digest_and_the_apply_writes_exactly_the_review(runner, emu):
    stored = converge(runner, emu)
    wanted = args(declared(title="Purchase v2"))
    first = runner.run(SET, wanted, check=True)
    second = runner.run(SET, wanted, check=True)
    assert first["plan_digest"] == second["plan_digest"] == first["plan"]["digest"]
    assert first["plan_digest"].startswith("%d:" % APP)
    assert writes(emu) == []
    applied = runner.run(SET, dict(wanted, expected_plan=first["plan_digest"]))
    assert applied["failed"] is False and applied["plan_digest"] == first["plan_digest"]
    assert writes(emu) == [("PATCH", "/postbacks/%d" % stored["Purchase"]["id"])]
    assert emu.trigger(stored["Purchase"]["id"])["title"] == "Purchase v2"


def test_an_apply_with_the_reviewed_plan_dict(runner, emu):
    converge(runner, emu)
    wanted = args(declared() + [{"type": "click", "template_id": TEMPLATE, "title": "Click", "context": {"cpi_mostback_url": URL + "/click"}}])
    reviewed = runner.run(SET, wanted, check=True)
    assert re.fullmatch(r"\*{8}~[0-9a-f]{4}", reviewed["plan"]["create"][0]["values"]["context"]["cpi_mostback_url"])  # masked, fingerprinted
    applied = runner.run(SET, dict(wanted, expected_plan=reviewed["plan"]))
    assert applied["failed"] is False
    assert writes(emu) == [("POST", "/postbacks")]
    assert {t["type"] for t in emu.triggers(APP)} == {"install", "event", "click"}


def test_a_plan_changed_since_the_review_is_refused_with_what_differs(runner, emu):
    stored = converge(runner, emu)
    wanted = args(declared(title="Purchase v2"))
    reviewed = runner.run(SET, wanted, check=True)
    stray = emu.add_trigger(APP, type="click", template_id=TEMPLATE, title="Added by hand", context={"cpi_mostback_url": URL})
    for expected, check in ((reviewed["plan"], False), (reviewed["plan"], True), (reviewed["plan_digest"], False)):
        result = runner.run(SET, dict(wanted, expected_plan=expected), check=check)
        assert_clean_failure(result, "expected_plan: the plan of app %d is not the reviewed one" % APP, "nothing was written")
        assert writes(emu) == []
        assert result["plan"]["delete"][0]["id"] == stray["id"] and result["plan_digest"] != reviewed["plan_digest"]
    named = 'delete trigger id %d (click/%d "Added by hand"): in the plan now, not in the review' % (stray["id"], TEMPLATE)
    assert named in runner.run(SET, dict(wanted, expected_plan=reviewed["plan"]))["msg"]
    assert emu.trigger(stray["id"]) is not None and emu.trigger(stored["Purchase"]["id"])["title"] == "Purchase"


def test_a_trigger_recreated_by_hand_since_the_review_is_another_trigger(runner, emu):
    stored = converge(runner, emu)
    wanted = args(declared(title="Purchase v2"))
    reviewed = runner.run(SET, wanted, check=True)
    old = emu.trigger(stored["Purchase"]["id"])
    requests.delete("%s/postbacks/%d" % (emu.url, old["id"]), headers={"Authentication-Key": KEY}, timeout=10).raise_for_status()
    emu.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str="Purchase", title="Purchase", context=old["context"])
    emu.clear_log()
    result = runner.run(SET, dict(wanted, expected_plan=reviewed["plan"]))
    assert_clean_failure(result, 'update trigger id %d (event/%d/Purchase "Purchase v2"): in the review, not in the plan now' % (old["id"], TEMPLATE))
    assert result["status"] == "stale" and result["failure"] == "stale"
    assert writes(emu) == []


def test_changes_that_do_not_alter_the_writes_keep_the_review_valid(runner, emu):
    stored = converge(runner, emu)
    wanted = args(declared(title="Purchase v2"), purge=False)
    reviewed = runner.run(SET, wanted, check=True)
    stray = emu.add_trigger(APP, type="click", template_id=TEMPLATE, title="Stray left alone", context={"cpi_mostback_url": URL})
    other = emu.add_trigger(17, type="install", template_id=2209, title="Another app", context={"cpi_jumptap_mostback_url": URL})
    by_hand(emu, stored["Purchase"]["id"], title="An old value the apply overwrites")
    emu.clear_log()
    applied = runner.run(SET, dict(wanted, expected_plan=reviewed["plan"]))
    assert applied["failed"] is False and applied["plan_digest"] == reviewed["plan_digest"]
    assert writes(emu) == [("PATCH", "/postbacks/%d" % stored["Purchase"]["id"])]
    assert emu.trigger(stored["Purchase"]["id"])["title"] == "Purchase v2"
    assert emu.trigger(stray["id"])["title"] == "Stray left alone" and emu.trigger(other["id"]) is not None


def test_a_hidden_value_alone_changes_the_digest_and_is_never_shown(runner, emu):
    converge(runner, emu)
    reviewed = runner.run(SET, args(declared(token="new-secret-1")), check=True, verbosity=4, diff=True)
    assert TOKEN not in runner.last.stdout and "new-secret-1" not in runner.last.stdout
    now = runner.run(SET, args(declared(token="new-secret-2")), check=True)
    assert now["plan_digest"] != reviewed["plan_digest"]
    result = runner.run(SET, args(declared(token="new-secret-2"), expected_plan=reviewed["plan"]), verbosity=4, diff=True)
    assert_clean_failure(result, "not the reviewed one")
    assert writes(emu) == []
    for text in (runner.last.stdout, runner.last.stderr, json.dumps(result)):
        assert "new-secret-1" not in text and "new-secret-2" not in text and TOKEN not in text


def test_expected_plan_with_the_drift_gate_checks_both_and_writes_nothing(runner, emu):
    converge(runner, emu)
    reviewed = runner.run(SET, args(declared(title="Purchase v2")), check=True)
    result = runner.run(SET, args(declared(title="Purchase v2"), expected_plan=reviewed["plan_digest"], expect_no_changes=True))
    assert_clean_failure(result, "expect_no_changes: app %d differs" % APP)
    assert writes(emu) == []


# -- bad input and the plan on every failure --------------------------------------------------
@pytest.mark.parametrize(
    "expected, fragment",
    [
        ("87100-not-a-digest", "expected_plan is not a plan digest"),
        ("17:0123456789abcdef", "expected_plan is the plan of app 17, but this task manages app %d" % APP),
        ({"update": [{"title": "x"}], "digest": "%d:0123456789abcdef" % APP}, "expected_plan update[0] has no id"),
        (5, "expected_plan must be a string or a dict, got int"),
    ],
)
def test_bad_expected_plan_names_the_option_and_reads_nothing(runner, emu, expected, fragment):
    result = runner.run(SET, args(expected_plan=expected))
    assert_clean_failure(result, fragment)
    assert emu.log == [] and result["plan"] == EMPTY and "plan_digest" not in result and result["app_id"] == APP


def test_validation_and_guard_failures_return_the_plan(runner, emu):
    bad = runner.run(SET, args([{"type": "event", "template_id": TEMPLATE, "title": "No filter"}]))
    assert_clean_failure(bad, "filter_str is required when type=event")
    assert bad["plan"] == EMPTY and "plan_digest" not in bad and emu.log == []

    spec = runner.run(SET, args("install"))
    assert spec["failed"] is True and spec["plan"] == EMPTY

    for index in range(3):
        emu.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str="Stray%d" % index, title="Stray %d" % index, context={"cpi_mostback_url": URL})
    guarded = runner.run(SET, args(max_deletes=2))
    assert_clean_failure(guarded, "more than max_deletes=2")
    assert len(guarded["plan"]["delete"]) == 3 and len(guarded["plan"]["create"]) == 2
    assert guarded["plan_digest"] == guarded["plan"]["digest"] and guarded["app_id"] == APP
    assert writes(emu) == []


def test_an_api_failure_part_way_returns_the_plan_and_digest(runner, emu):
    converge(runner, emu)
    click = {"type": "click", "template_id": TEMPLATE, "title": "Click", "context": {"cpi_mostback_url": URL + "/click"}}
    emu.inject(method="PATCH", path_regex=".*", status=400)
    result = runner.run(SET, args(declared(title="Purchase v2") + [click]))
    assert result["failed"] is True and result["plan_digest"] == result["plan"]["digest"] and result["app_id"] == APP
    assert [e["applied"] for e in result["plan"]["update"]] == [False] and [e["applied"] for e in result["plan"]["create"]] == [False]
    assert [m for m, _path in writes(emu)] == ["PATCH"]  # updates go first; the failure stopped the run
