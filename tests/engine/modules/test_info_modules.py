"""kochava_trigger_info and kochava_template_info main(), in process."""

from __future__ import annotations

from ansible_collections.kochava.publisher.plugins.modules import kochava_template_info, kochava_trigger_info
from ansible_collections.kochava.publisher.tests.constants import APP, KEY_APP17, TEMPLATE, TEMPLATE_NAME, URL


def test_trigger_info_filters_all_pages(run_module, emu):
    emu.set_page_size(1)
    emu.add_trigger(APP, type="install", template_id=TEMPLATE, title="i", context={"cpi_mostback_url": URL}, active=True)
    emu.add_trigger(APP, type="event", template_id=TEMPLATE, filter_str="Buy", title="e", context={"cpi_mostback_url": URL})
    result = run_module(kochava_trigger_info, {"app_id": APP, "type": "event"}, check=True)
    assert result["changed"] is False
    assert [t["filter_str"] for t in result["triggers"]] == ["Buy"]
    assert [(e["method"], e["path"]) for e in emu.log] == [("GET", "/apps/%d/postbacks" % APP)] * 2  # one call per page, no write


def test_template_info_by_name(run_module, emu):
    result = run_module(kochava_template_info, {"app_id": APP, "name": TEMPLATE_NAME})
    assert result["changed"] is False
    assert [t["id"] for t in result["templates"]] == [TEMPLATE]
    required = {m["input"]["id"]: m["input"]["required"] for m in result["templates"][0]["context_meta"]}
    assert required == {"cpi_mostback_url": True, "deferred_for": False, "max_delivery_attempts": False, "cpi_custom_note": False}


def test_info_403_fails_cleanly(run_module, emu, monkeypatch):
    monkeypatch.setenv("KOCHAVA_API_KEY", KEY_APP17)
    result = run_module(kochava_trigger_info, {"app_id": APP})
    assert result["failed"] is True and "403" in result["msg"]
