"""kochava_trigger's main(), in process: the four runs of each state, and its failures."""

from __future__ import annotations

import pytest

from ansible_collections.kochava.publisher.plugins.modules import kochava_trigger

APP, TEMPLATE, URL = 87100, 3373, "https://collector.example.com/in"
ARGS = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}


def writes(emu):
    return [(e["method"], e["path"]) for e in emu.log if e["method"] != "GET"]


@pytest.mark.parametrize("state", ["present", "absent"])
def test_four_runs(run_module, emu, state):
    if state == "absent":
        emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="Install", context={"cpi_mostback_url": URL})
    args = dict(ARGS, state=state)

    checked = run_module(kochava_trigger, args, check=True, diff=True)
    assert checked["changed"] is True and writes(emu) == []
    assert (checked["diff"]["before"] == {}) is (state == "present")

    changed = run_module(kochava_trigger, args)
    assert changed["changed"] is True and "diff" not in changed
    assert len(writes(emu)) == 1
    assert len(emu.triggers(APP)) == (1 if state == "present" else 0)

    for check in (False, True):
        emu.clear_log()
        again = run_module(kochava_trigger, args, check=check)
        assert again["changed"] is False
        assert [(e["method"], e["path"]) for e in emu.log] == [("GET", "/apps/%d/postbacks" % APP)]


def test_failure_is_a_message_without_the_key(run_module, emu):
    result = run_module(kochava_trigger, dict(ARGS, context={"cpi_mostback_url": URL, "typo": 1}))
    assert result["failed"] is True and result["changed"] is False
    assert "typo" in result["msg"] and emu.demo_key not in str(result)
    assert writes(emu) == []


def test_api_warnings_become_module_warnings(run_module, emu, monkeypatch):
    warned = []
    monkeypatch.setattr(kochava_trigger.KochavaModule, "warn", lambda self, text: warned.append(text))
    emu.inject("GET", "/apps/%d/postbacks" % APP, status=200, json={"success": True, "data": [], "warnings": ["slow down"]})
    run_module(kochava_trigger, ARGS, check=True)
    assert warned == ["Kochava API: slow down"]


def test_negative_timeout_is_refused_before_any_call(run_module, emu):
    result = run_module(kochava_trigger, dict(ARGS, timeout=-1))
    assert result["failed"] is True and "timeout" in result["msg"]
    assert emu.log == []
