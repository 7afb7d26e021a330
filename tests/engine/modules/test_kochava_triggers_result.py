"""kochava_triggers' result at scale (issue 15): ``return_triggers``, and the echoed items."""

from __future__ import annotations

from ansible_collections.kochava.publisher.plugins.modules import kochava_triggers
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

SECRET_URL = URL + "?token=s3cr3t-token"


def item(n):
    return {"type": "event", "template_id": TEMPLATE, "filter_str": "e%d" % n, "title": "E%d" % n, "active": "yes", "context": {"cpi_mostback_url": SECRET_URL}}


def items():
    return [item(n) for n in range(3)]


def seed(emu):
    for n in range(3):
        emu.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str="e%d" % n, title="E%d" % n, active=True, context=item(n)["context"])
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Stray", context={"cpi_mostback_url": URL})


def test_triggers_are_left_out_unless_asked_for(run_module, emu):
    seed(emu)
    full = run_module(kochava_triggers, {"app_id": APP, "triggers": items(), "return_triggers": True})
    lean = run_module(kochava_triggers, {"app_id": APP, "triggers": items()})  # the default: return_triggers false
    assert [t["title"] for t in full["triggers"]] == ["E0", "E1", "E2", "Stray"]
    assert "triggers" not in lean
    assert lean["changed"] is full["changed"] is False
    assert lean["plan"] == full["plan"] and lean["plan_digest"] == full["plan_digest"]
    assert [e["id"] for e in lean["plan"]["unchanged"]] == [t["id"] for t in full["triggers"][:3]]


def test_return_triggers_false_keeps_the_diff(run_module, emu):
    seed(emu)
    changed = dict(items()[0], title="Renamed")
    full = run_module(kochava_triggers, {"app_id": APP, "triggers": [changed], "return_triggers": True}, check=True, diff=True)
    lean = run_module(kochava_triggers, {"app_id": APP, "triggers": [changed]}, check=True, diff=True)
    assert lean["diff"] == full["diff"] and "Renamed" in lean["diff"]["after"]
    assert lean["changed"] is True and "triggers" not in lean and emu.writes() == []


def test_invocation_echoes_the_items_as_given_with_hidden_values_masked(run_module, emu):
    seed(emu)
    result = run_module(kochava_triggers, {"app_id": APP, "triggers": items(), "hidden_url_params": ["token"]})
    echoed = result["invocation"]["module_args"]["triggers"]
    assert [sorted(item) for item in echoed] == [sorted(item) for item in items()]  # no option filled in
    assert echoed[0]["active"] == "yes"  # as the task gave it
    assert "s3cr3t-token" not in str(result) and echoed[0]["context"]["cpi_mostback_url"].startswith(URL + "?token=********")


def test_a_bad_item_fails_and_is_echoed_as_given(run_module, emu):
    bad = dict(items()[0], active="maybe")
    result = run_module(kochava_triggers, {"app_id": APP, "triggers": [bad], "hidden_context_keys": ["cpi_mostback_url"]})
    assert result["failed"] is True and "triggers[0].active" in result["msg"]
    assert result["invocation"]["module_args"]["triggers"][0]["active"] == "maybe"
    assert "s3cr3t" not in str(result) and emu.log == []
