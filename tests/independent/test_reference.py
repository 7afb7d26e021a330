"""The set engine against an independent implementation of the API document
(kochava_reference.py), so the modules are not fitted to one emulator."""

from __future__ import annotations

import pytest
from kochava_reference import ReferenceApi

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_set, run_single
from ansible_collections.kochava.publisher.plugins.module_utils._plan.report import export_item, sort_key
from ansible_collections.kochava.publisher.plugins.module_utils._triggers.hiding import Hider

KEY = "F5BC0519-8415-4720-925F-35EBCCFAB2ED"  # the document's sample key
URL = "https://collector.example.com/ingest"
# The document's mmDSP template, and template 3373 of its POST examples.
MMDSP = {
    "id": 2209,
    "network_id": 3,
    "platform": "",
    "name": "mmDSP",
    "context_meta": [
        {"label": {"name": "App ID"}, "input": {"id": "cpi_jumptap_app_id", "type": "text", "required": False, "default_value": ""}},
        {
            "label": {"name": "Fingerprint Lookback"},
            "input": {
                "id": "cpi_jumptap_fingerprint_lookback_window",
                "type": "select",
                "required": "true",
                "default_value": "7",
                "options": [{"value": 1, "label": "1 day"}, {"value": 2, "label": "2 days"}, {"value": 7, "label": "7 days"}],
            },
        },
        {
            "label": {"name": "Delivery Delay"},
            "input": {"type": "select", "options": [{"value": 0}, {"value": 30000}], "default_value": 0, "id": "deferred_for"},
        },
        {
            "label": {"name": "Retry Attempts"},
            "input": {"type": "select", "options": [{"value": v} for v in (0, 1, 2, 3)], "default_value": 3, "id": "max_delivery_attempts"},
        },
    ],
}
CUSTOM = {
    "id": 3373,
    "name": "Custom Postback",
    "context_meta": [{"label": {"name": "Postback URL"}, "input": {"id": "cpi_mostback_url", "type": "text", "required": True}}] + MMDSP["context_meta"][2:],
}
DECLARED = [
    {"type": "install", "template_id": 3373, "title": "Install Custom Postback", "active": True, "context": {"cpi_mostback_url": URL}},
    {"type": "click", "template": "mmdsp", "title": "Click Postback", "context": {"cpi_jumptap_mostback_url": URL, "deferred_for": 30000}},
] + [
    {"type": "event", "template_id": 3373, "filter_str": name, "title": name + " Postback", "context": {"cpi_mostback_url": URL, "max_delivery_attempts": 2}}
    for name in ("Purchase", "Signup", "Level", "Tutorial")
]


@pytest.fixture
def api():
    with ReferenceApi(KEY, [MMDSP, CUSTOM], {87100: [3373, 2209], 17: [3373, 2209]}) as server:
        yield server


def client(api):
    return KochavaClient(KEY, api_url=api.url, max_retries=1, sleep=lambda s: None)


def apply(api, items, app_id=87100, check_mode=False, **params):
    args = {"app_id": app_id, "triggers": items, "purge": False, "max_deletes": 5, "hidden_context_keys": []}
    args.update(params)
    return run_set(client(api), args, check_mode=check_mode)


def export(api, app_id):
    return [export_item(t, Hider()) for t in sorted(client(api).list_triggers(app_id), key=sort_key)]


def test_a_declared_set_converges_in_one_run_and_the_rerun_writes_nothing(api):
    planned = apply(api, DECLARED, check_mode=True)
    assert api.writes == [] and len(planned["plan"]["create"]) == 6
    assert apply(api, DECLARED)["changed"] is True
    assert [m for m, _p in api.writes] == ["POST"] * 6
    titles = sorted(t["title"] for t in api.app_triggers(87100))
    assert titles == sorted(item["title"] for item in DECLARED)
    api.writes.clear()
    assert apply(api, DECLARED)["changed"] is False
    assert api.writes == []


def test_a_partial_context_update_keeps_the_other_keys_where_patch_replaces(api):
    apply(api, DECLARED)
    changed = [dict(DECLARED[0], context={"max_delivery_attempts": 1})]
    apply(api, changed)
    install = [t for t in api.app_triggers(87100) if t["type"] == "install"][0]
    assert install["context"]["cpi_mostback_url"] == URL and str(install["context"]["max_delivery_attempts"]) == "1"
    api.writes.clear()
    assert apply(api, changed)["changed"] is False and api.writes == []


def test_purge_deletes_exactly_the_unlisted_triggers(api):
    apply(api, DECLARED)
    kept = DECLARED[:3]
    result = apply(api, kept, purge=True)
    assert sorted(e["key"]["filter_str"] for e in result["plan"]["delete"]) == ["Level", "Signup", "Tutorial"]
    assert sorted(t["title"] for t in api.app_triggers(87100)) == sorted(item["title"] for item in kept)
    with pytest.raises(Exception, match="more than max_deletes=1"):
        apply(api, [], purge=True, max_deletes=1)


def test_export_applies_unchanged_and_clones_to_another_app(api):
    apply(api, DECLARED)
    exported = export(api, 87100)
    api.writes.clear()
    assert apply(api, exported)["changed"] is False and api.writes == []
    apply(api, exported, app_id=17, purge=True)
    assert export(api, 17) == exported


def test_single_trigger_module_by_key_and_by_id(api):
    params = dict(DECLARED[2], app_id=87100, state="present", id=None, purge_context=False, allow_unknown_context=False)
    created = run_single(client(api), params)
    assert created["changed"] is True and created["trigger"]["id"] in api.triggers
    assert run_single(client(api), params)["changed"] is False
    by_id = {"app_id": 87100, "id": created["trigger"]["id"], "title": "Renamed", "state": "present"}
    assert run_single(client(api), by_id)["changed"] is True
    assert api.triggers[created["trigger"]["id"]]["title"] == "Renamed"
    assert run_single(client(api), dict(by_id, state="absent"))["changed"] is True
    assert api.app_triggers(87100) == []
