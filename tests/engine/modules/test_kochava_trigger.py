"""kochava_trigger's main(), in process: what the module layer adds to the engine.

The four runs of each state (change, change in check mode, no change, no change
in check mode) are tested once, as users run the module, in
tests/playbooks/test_trigger.py; the engine's logic in
tests/engine/test_engine.py.
"""

from __future__ import annotations

from ansible_collections.kochava.publisher.plugins.module_utils._glue import module as _module
from ansible_collections.kochava.publisher.plugins.modules import kochava_trigger
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

ARGS = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}


def test_failure_is_a_message_without_the_key(run_module, emu):
    result = run_module(kochava_trigger, dict(ARGS, context={"cpi_mostback_url": URL, "typo": 1}))
    assert result["failed"] is True and result["changed"] is False
    assert "typo" in result["msg"] and emu.demo_key not in str(result)
    assert emu.writes() == []


def test_api_warnings_become_module_warnings(run_module, emu, monkeypatch):
    warned = []
    monkeypatch.setattr(_module.KochavaModule, "warn", lambda self, text: warned.append(text))
    emu.inject("GET", "/apps/%d/postbacks" % APP, status=200, json={"success": True, "data": [], "warnings": ["slow down"]})
    result = run_module(kochava_trigger, ARGS, check=True)
    assert warned == ["Kochava API: slow down"]
    assert result["changed"] is True and emu.writes() == []


def test_negative_timeout_is_refused_before_any_call(run_module, emu):
    result = run_module(kochava_trigger, dict(ARGS, timeout=-1))
    assert result["failed"] is True and "timeout" in result["msg"]
    assert emu.log == []
