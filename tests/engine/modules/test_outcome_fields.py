"""Every module result carries ``status`` and, on a failure, a ``failure`` kind (_plan/outcome.py),
set by the module glue: success and failure of kochava_triggers, kochava_trigger and the info modules."""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._plan.outcome import is_unreachable
from ansible_collections.kochava.publisher.plugins.modules import kochava_template_info, kochava_trigger, kochava_trigger_info, kochava_triggers
from ansible_collections.kochava.publisher.tests.constants import APP, KEY_APP17, TEMPLATE, URL

INSTALL = {"type": "install", "template_id": TEMPLATE, "title": "Install", "active": True, "context": {"cpi_mostback_url": URL}}


def triggers(**extra):
    return dict({"app_id": APP, "triggers": [INSTALL], "max_retries": 0}, **extra)


def outcome(result):
    return result.get("status"), result.get("failure"), bool(result.get("failed"))


def test_kochava_triggers_changed_then_converged(run_module, emu):
    assert outcome(run_module(kochava_triggers, triggers(), check=True)) == ("changed", None, False)
    assert outcome(run_module(kochava_triggers, triggers())) == ("changed", None, False)
    assert outcome(run_module(kochava_triggers, triggers())) == ("converged", None, False)
    assert outcome(run_module(kochava_triggers, triggers(expect_no_changes=True))) == ("converged", None, False)


def test_kochava_trigger_changed_then_converged_then_drift(run_module, emu):
    one = dict(INSTALL, app_id=APP)
    assert outcome(run_module(kochava_trigger, one)) == ("changed", None, False)
    emu.clear_log()
    assert outcome(run_module(kochava_trigger, one)) == ("converged", None, False)
    drift = run_module(kochava_trigger, dict(one, title="Other", expect_no_changes=True))
    assert outcome(drift) == ("drift", "drift", True) and not is_unreachable(drift)
    assert emu.writes() == []


def test_drift_stale_and_guard_are_failures_about_the_declaration(run_module, emu):
    run_module(kochava_triggers, triggers())
    emu.clear_log()
    renamed = triggers(triggers=[dict(INSTALL, title="Renamed")])
    drift = run_module(kochava_triggers, dict(renamed, expect_no_changes=True))
    assert outcome(drift) == ("drift", "drift", True) and drift["plan"]["update"]
    reviewed = run_module(kochava_triggers, renamed, check=True)
    emu.add_trigger(APP, type="click", template_id=TEMPLATE, title="By hand", context={"cpi_mostback_url": URL})
    stale = run_module(kochava_triggers, dict(renamed, purge=True, expected_plan=reviewed["plan_digest"]))
    assert outcome(stale) == ("stale", "stale", True)
    empty = run_module(kochava_triggers, triggers(triggers=[], purge=True))  # an empty set with purge: refused as input
    assert outcome(empty) == ("error", "input", True)
    guard = run_module(kochava_triggers, triggers(triggers=[], purge=True, allow_empty=True, max_deletes=0))
    assert outcome(guard) == ("error", "guard", True)
    assert emu.writes() == []
    assert not any(is_unreachable(r) for r in (drift, stale, guard))


@pytest.mark.parametrize(
    "module, args",
    [
        (kochava_triggers, triggers(triggers=[dict(INSTALL, active="maybe")])),  # an item
        (kochava_triggers, triggers(max_deletes=-2)),  # an option the module checks
        (kochava_triggers, triggers(purge="sometimes")),  # the argument spec
        (kochava_triggers, triggers(timeout=-1)),  # a connection option
        (kochava_trigger, {"app_id": APP, "type": "install"}),  # no template
        (kochava_trigger_info, {"app_id": "eighty"}),
    ],
    ids=["item", "max_deletes", "argument-spec", "timeout", "trigger-no-template", "info-app-id"],
)
def test_bad_input_is_an_error_of_kind_input_before_any_call(run_module, emu, module, args):
    result = run_module(module, args)
    assert outcome(result) == ("error", "input", True) and not is_unreachable(result)
    assert emu.log == []


def test_a_missing_key_is_input(run_module, emu, monkeypatch):
    monkeypatch.delenv("KOCHAVA_API_KEY")
    result = run_module(kochava_triggers, triggers())
    assert outcome(result) == ("error", "input", True) and "api_key is required" in result["msg"]


@pytest.mark.parametrize("module", [kochava_triggers, kochava_trigger_info, kochava_template_info])
def test_a_refused_key_is_denied_and_unreachable(run_module, emu, monkeypatch, module):
    monkeypatch.setenv("KOCHAVA_API_KEY", KEY_APP17)  # 403 on APP
    forbidden = run_module(module, triggers() if module is kochava_triggers else {"app_id": APP})
    assert outcome(forbidden) == ("error", "denied", True) and is_unreachable(forbidden)
    monkeypatch.setenv("KOCHAVA_API_KEY", "not-a-key-of-this-api")  # 401
    invalid = run_module(module, triggers() if module is kochava_triggers else {"app_id": APP})
    assert outcome(invalid) == ("error", "denied", True) and is_unreachable(invalid)
    assert emu.writes() == []


def test_an_outage_is_unavailable_and_unreachable(run_module, emu):
    emu.inject("*", path_regex=".*", status=503, times=None)
    result = run_module(kochava_triggers, triggers())
    assert outcome(result) == ("error", "unavailable", True) and is_unreachable(result)
    assert result["plan"] == {"create": [], "update": [], "delete": [], "unchanged": []} and result["app_id"] == APP


def test_an_api_that_cannot_be_reached_is_unavailable(run_module, emu, monkeypatch):
    monkeypatch.setenv("KOCHAVA_API_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    result = run_module(kochava_trigger_info, {"app_id": APP, "max_retries": 0})
    assert outcome(result) == ("error", "unavailable", True) and is_unreachable(result)


def test_an_answer_that_cannot_be_trusted_is_answer(run_module, emu):
    emu.inject("GET", "/apps/%d/postbacks" % APP, status=200, body="<html>maintenance</html>", times=None)
    result = run_module(kochava_triggers, triggers())
    assert outcome(result) == ("error", "answer", True) and is_unreachable(result)


def test_a_trigger_id_that_does_not_exist_is_not_found(run_module, emu):
    result = run_module(kochava_trigger, {"app_id": APP, "id": 999999, "title": "x"})
    assert outcome(result) == ("error", "not_found", True) and not is_unreachable(result)


def test_info_modules_succeed_as_converged(run_module, emu):
    assert outcome(run_module(kochava_trigger_info, {"app_id": APP})) == ("converged", None, False)
    assert outcome(run_module(kochava_template_info, {"app_id": APP})) == ("converged", None, False)
