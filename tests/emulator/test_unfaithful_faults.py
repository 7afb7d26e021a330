"""The emulator's unfaithful-write faults: ``lost_write`` (answered, not kept) and ``rewrite`` (kept with other values)."""

from __future__ import annotations

import pytest
import requests

from kochava_emulator import DEMO_SEED, Emulator

KEY = "demo-key-0000"
APP = 87100
URL = "https://example.com/ingest"


@pytest.fixture(scope="module")
def server():
    with Emulator(seed=DEMO_SEED) as emu:
        yield emu


@pytest.fixture
def emu(server):
    server.reset(seed=DEMO_SEED)
    return server


def call(emu, method, path, **kwargs):
    return requests.request(method, emu.url + path, headers={"Authentication-Key": KEY}, timeout=5, **kwargs)


def install_body():
    return {"app_id": APP, "type": "install", "title": "Install", "template_id": 3373, "context": {"cpi_mostback_url": URL, "deferred_for": 30000}}


def test_lost_write_post_is_answered_201_with_an_id_and_the_trigger_is_then_missing(emu):
    emu.inject("POST", "/postbacks", lost_write=True)
    answer = call(emu, "POST", "/postbacks", json=install_body())
    assert answer.status_code == 201
    created = answer.json()["data"][0]
    assert created["title"] == "Install" and created["id"]
    assert emu.triggers(APP) == []
    assert call(emu, "GET", "/apps/%d/postbacks/%d" % (APP, created["id"])).status_code == 404
    assert emu.writes()[-1]["fault"] == "lost_write" and emu.writes()[-1]["status"] == 201
    # the fault is used up: the next POST is kept, under a new id (ids are never reused)
    again = call(emu, "POST", "/postbacks", json=install_body()).json()["data"][0]
    assert again["id"] != created["id"] and [t["id"] for t in emu.triggers(APP)] == [again["id"]]


def test_lost_write_patch_is_answered_200_and_the_change_is_missing(emu):
    stored = emu.add_trigger(APP, type="install", template_id=3373, title="Old", context={"cpi_mostback_url": URL})
    emu.inject("PATCH", "/postbacks/%d" % stored["id"], lost_write=True)
    answer = call(emu, "PATCH", "/postbacks/%d" % stored["id"], json={"title": "New", "context": {"cpi_mostback_url": URL}})
    assert answer.status_code == 200 and answer.json()["success"] is True
    assert emu.trigger(stored["id"]) == stored


def test_rewrite_drops_a_context_key_and_rewrites_the_title_after_the_answer(emu):
    emu.inject("POST", "/postbacks", rewrite={"title": "Rewritten", "context.deferred_for": None})
    answer = call(emu, "POST", "/postbacks", json=install_body())
    created = answer.json()["data"][0]
    assert answer.status_code == 201 and created["title"] == "Install" and created["context"]["deferred_for"] == "30000"  # the answer shows what was asked
    held = emu.trigger(created["id"])
    assert held["title"] == "Rewritten" and "deferred_for" not in held["context"] and held["context"]["cpi_mostback_url"] == URL
    assert emu.writes()[-1]["fault"] == "rewrite"


def test_rewrite_of_a_patch_changes_the_path_trigger(emu):
    stored = emu.add_trigger(APP, type="install", template_id=3373, title="Old", context={"cpi_mostback_url": URL})
    emu.inject("PATCH", "/postbacks/%d" % stored["id"], rewrite={"context.cpi_mostback_url": "https://other.example/x", "active": False})
    call(emu, "PATCH", "/postbacks/%d" % stored["id"], json={"title": "New", "active": True, "context": {"cpi_mostback_url": URL}})
    held = emu.trigger(stored["id"])
    assert held["title"] == "New" and held["active"] is False and held["context"]["cpi_mostback_url"] == "https://other.example/x"


def test_a_refused_write_is_not_rewritten(emu):
    emu.inject("POST", "/postbacks", rewrite={"title": "Rewritten"})
    body = install_body()
    body["context"] = {}
    assert call(emu, "POST", "/postbacks", json=body).status_code == 400  # no destination URL
    assert emu.triggers(APP) == []


@pytest.mark.parametrize(
    "fault",
    [
        {"lost_write": True, "rewrite": {"title": "x"}},
        {"lost_write": True, "status": 500},
        {"lost_write": True, "duplicate": True},
        {"rewrite": {"title": "x"}, "drop": True},
        {"rewrite": {}},
        {"rewrite": {"filter_str": "x"}},
        {"rewrite": {"title": 7}},
        {"rewrite": {"active": "no"}},
        {"rewrite": {"context.": "x"}},
        {"rewrite": {"context.a": {"b": 1}}},
    ],
)
def test_unfaithful_faults_refuse_contradictions(emu, fault):
    with pytest.raises(ValueError):
        emu.inject("POST", "/postbacks", **fault)


def test_the_control_api_takes_the_new_kinds(emu):
    answer = requests.post(emu.url + "/_emulator/faults", json={"method": "POST", "path": "/postbacks", "rewrite": {"title": "X"}}, timeout=5)
    assert answer.status_code == 201 and answer.json()["fault"]["kind"] == "rewrite" and answer.json()["fault"]["rewrite"] == {"title": "X"}
