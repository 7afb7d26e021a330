"""The plan_report callback's statuses: each app's from the result's ``status`` and ``failure``, the
run's ``outcome``, unreachable results of the action plugins, and what the table and Markdown say."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible_collections.kochava.publisher.plugins.callback import plan_report
from ansible_collections.kochava.publisher.plugins.callback.plan_report import PlanReport
from ansible_collections.kochava.publisher.tests.unit.plugins.callback.test_plan_report_callback import NewResult, Task, callback, entry, result


def outcome(status=None, failure=None, **kwargs):
    res = result(**kwargs)
    if status is not None:
        res["status"] = status
    if failure is not None:
        res["failure"] = failure
    return res


@pytest.mark.parametrize(
    "res, failed, expected",
    [
        (outcome("converged"), False, ("converged", None)),
        (outcome("changed", changed=True), False, ("changed", None)),
        (outcome("drift", "drift", failed=True), False, ("drift", "drift")),
        (outcome("stale", "stale", failed=True), False, ("stale", "stale")),
        (outcome("error", "unavailable", failed=True), False, ("error", "unavailable")),
        (outcome("error", "input"), True, ("error", "input")),  # v2_runner_on_failed: the copy has no "failed"
        # failed_when: false keeps a drift a drift (the gate did not stop the play, the report still tells)
        (outcome("drift", "drift"), False, ("drift", "drift")),
        # a failed result never reads as a success (failed_when on a converged run)
        (outcome("converged"), True, ("error", None)),
        # no status (a censored no_log result, an older collection): from failed and changed
        (outcome(changed=True), False, ("changed", None)),
        (outcome(), True, ("error", None)),
        # a status the modules never give, and a failure that is not a kind, are not copied
        (outcome("weird", changed=True), False, ("changed", None)),
        (outcome("error", "the key abc123 is bad", failed=True), False, ("error", None)),
    ],
)
def test_an_apps_status_and_failure_come_from_the_result(res, failed, expected):
    report = PlanReport()
    report.add("h", res, failed=failed)
    data = report.as_dict()["apps"]["87100"]
    assert (data["status"], data["failure"]) == expected
    assert report.as_dict()["outcome"] == expected[0]


def test_the_worst_status_wins_in_order_and_keeps_the_failure_of_the_first_result_that_gave_it():
    report = PlanReport()
    report.add("h", outcome("changed", changed=True))
    report.add("h", outcome("drift", "drift", failed=True))
    assert report.as_dict()["apps"]["87100"]["status"] == "drift"
    report.add("h", outcome("stale", "stale", failed=True))
    report.add("h", outcome("drift", "drift", failed=True))
    assert report.as_dict()["apps"]["87100"]["status"] == "stale"
    report.add("h", outcome("error", "denied", failed=True))
    report.add("h", outcome("error", "unavailable", failed=True))
    assert (report.as_dict()["apps"]["87100"]["status"], report.as_dict()["apps"]["87100"]["failure"]) == ("error", "denied")


def test_the_runs_outcome_is_the_worst_of_its_apps():
    report = PlanReport()
    assert report.as_dict()["outcome"] == "converged"  # no app at all
    report.add("a", outcome("converged", app_id=17))
    report.add("b", outcome("changed", app_id=87100, changed=True))
    assert report.as_dict()["outcome"] == "changed"
    report.add("c", outcome("drift", "drift", app_id=4242, failed=True))
    data = report.as_dict()
    assert data["outcome"] == "drift"
    assert dict((app, e["status"]) for app, e in data["apps"].items()) == {"17": "converged", "87100": "changed", "4242": "drift"}
    assert report.rows()[-1][-1] == "drift"  # the table's total row


def test_an_unreachable_result_of_the_action_plugin_keeps_its_plan_and_failure_kind():
    """The action plugins return a result whose app state could not be read or written as unreachable."""
    cb, _display = callback()
    res = outcome("error", "denied", app_id=17, unchanged=[entry()], digest=None)
    res.update(unreachable=True, msg="GET /postbacks answered 401")
    cb.v2_runner_on_unreachable(NewResult("app17", Task(args={"app_id": "{{ kochava_app_id }}"}), res))
    data = cb.report.as_dict()
    assert data["outcome"] == "error"
    assert data["apps"]["17"]["status"] == "error" and data["apps"]["17"]["failure"] == "denied"
    assert len(data["apps"]["17"]["plan"]["unchanged"]) == 1


def test_an_unreachable_result_without_a_kind_is_unreachable():
    cb, _display = callback()
    cb.v2_runner_on_unreachable(NewResult("app17", Task(args={"app_id": 17}), {"unreachable": True, "app_id": 17, "plan": {}}))
    assert cb.report.as_dict()["apps"]["17"]["failure"] == "unreachable"


def test_a_loop_with_an_unreachable_item_reports_each_item():
    items = [
        dict(outcome("converged", app_id=17), item=17),
        dict(outcome("error", "unavailable", app_id=87100, digest=None), unreachable=True, item=87100),
    ]
    cb, _display = callback()
    cb.v2_runner_on_unreachable(NewResult("localhost", Task(args={"app_id": "{{ item }}"}), {"results": items, "unreachable": True}))
    apps = cb.report.as_dict()["apps"]
    assert (apps["17"]["status"], apps["87100"]["status"], apps["87100"]["failure"]) == ("converged", "error", "unavailable")


def test_the_table_names_the_failure_kind_of_an_error():
    report = PlanReport()
    report.add("h", outcome("error", "unavailable", failed=True))
    report.add("h17", outcome("drift", "drift", app_id=17, failed=True, update=[entry(changes={"title": ["a", "b"]})]))
    text = report.to_text()
    assert "87100       0       0       0          0  error (unavailable)" in text.splitlines()
    assert text.splitlines()[-1].endswith("error")


def test_markdown_gives_the_outcome_and_says_what_drifted_or_went_stale():
    report = PlanReport()
    report.add("h17", outcome("drift", "drift", app_id=17, failed=True, update=[entry(changes={"title": ["a", "b"]})]))
    report.add("h", outcome("stale", "stale", failed=True, create=[entry("event", filter_str="Purchase", id_=None)]))
    lines = report.to_markdown().splitlines()
    assert lines[2] == "Outcome: **stale**"
    at = lines.index("### App 17 (drift)")
    assert lines[at + 2] == "The app differs from its declaration; nothing was written. What differs:"
    assert "| update | `install/3373` | Install | `title` |" in lines  # the key as the diff writes it
    at = lines.index("### App 87100 (stale)")
    assert lines[at + 2] == "The plan is no longer the reviewed one; nothing was written. The plan now:"
    assert "| create | `event/3373/Purchase` | Install |  |" in lines


def test_markdown_of_a_stale_app_whose_plan_now_writes_nothing():
    report = PlanReport()
    report.add("h", outcome("stale", "stale", failed=True, unchanged=[entry()]))
    lines = report.to_markdown().splitlines()
    assert lines[lines.index("### App 87100 (stale)") + 2] == "The plan now writes nothing, unlike the reviewed one; nothing was written."


def test_json_report_has_one_field_to_branch_on(tmp_path):
    path = str(tmp_path / "plan.json")
    cb, _display = callback([path])
    cb.v2_runner_on_failed(NewResult("app17", Task(), outcome("drift", "drift", app_id=17)))
    cb.v2_playbook_on_stats(stats=None)
    with open(path) as handle:
        data = json.load(handle)
    assert data["outcome"] == "drift" and data["apps"]["17"]["failure"] == "drift"


def test_the_documentation_names_both_hiding_options_and_every_status():
    doc = yaml.safe_load(plan_report.DOCUMENTATION)
    text = " ".join(doc["description"])
    assert "kochava_triggers#module:hidden_context_keys" in text and "kochava_triggers#module:hidden_url_params" in text
    for status in plan_report.STATUSES:
        assert "C(%s)" % status in text
