"""The fault extensions used by the soak and stateful suites: ``skip``, ``duplicate``, chaos, ``wait_idle``."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from kochava_emulator import CHAOS_KINDS, DEMO_SEED, Emulator

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
    kwargs.setdefault("timeout", 5)
    return requests.request(method, emu.url + path, headers={"Authentication-Key": KEY}, **kwargs)


def install_body(**overrides):
    body = {"app_id": APP, "type": "install", "title": "Install", "template_id": 3373, "context": {"cpi_mostback_url": URL}}
    body.update(overrides)
    return body


def test_skip_lets_the_first_matching_requests_through(emu):
    emu.inject("*", path_regex=".*", status=503, skip=2)
    statuses = [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(4)]
    assert statuses == [200, 200, 503, 200]
    assert [e["fault"] for e in emu.log] == [None, None, "answer", None]
    assert emu.faults() == []


def test_a_skipping_fault_does_not_hide_the_next_one(emu):
    emu.inject("GET", path_regex=".*", status=500, skip=1)
    emu.inject("GET", path_regex=".*", status=502)
    assert [call(emu, "GET", f"/apps/{APP}/postbacks").status_code for dummy in range(3)] == [502, 500, 200]


def test_skip_counts_only_matching_requests(emu):
    emu.inject("POST", "/postbacks", drop=True, skip=1)
    call(emu, "GET", f"/apps/{APP}/postbacks")
    assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 201
    with pytest.raises(requests.ConnectionError):
        call(emu, "POST", "/postbacks", json=install_body(type="click"))
    assert [t["type"] for t in emu.triggers(APP)] == ["install"]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_skip_must_be_a_non_negative_integer(emu, bad):
    with pytest.raises(ValueError, match="skip"):
        emu.inject("*", path_regex=".*", status=500, skip=bad)


def test_duplicate_post_stores_one_trigger_and_answers_the_duplicate(emu):
    emu.inject("POST", "/postbacks", duplicate=True)
    answer = call(emu, "POST", "/postbacks", json=install_body())
    assert answer.status_code == 400 and answer.json()["errors"] == ["Duplicate install post-back"]
    assert len(emu.triggers(APP)) == 1
    (entry,) = emu.log  # the unseen first copy is not logged
    assert entry["fault"] == "duplicate" and entry["status"] == 400


def test_duplicate_post_answers_409_when_configured(emu):
    emu.set_duplicate_status(409)
    emu.inject("POST", "/postbacks", duplicate=True)
    assert call(emu, "POST", "/postbacks", json=install_body(type="event", filter_str="Purchase")).status_code == 409
    assert len(emu.triggers(APP)) == 1


def test_duplicate_delete_answers_404_and_patch_is_applied(emu):
    trigger = emu.add_trigger(APP, "install", 3373, "Old", context={"cpi_mostback_url": URL})
    emu.inject("PATCH", path_regex=".*", duplicate=True)
    assert call(emu, "PATCH", f"/postbacks/{trigger['id']}", json={"title": "New"}).status_code == 200
    assert emu.trigger(trigger["id"])["title"] == "New"
    emu.inject("DELETE", path_regex=".*", duplicate=True)
    assert call(emu, "DELETE", f"/postbacks/{trigger['id']}").status_code == 404
    assert emu.triggers(APP) == []


def test_duplicate_cannot_be_combined_with_an_answer(emu):
    with pytest.raises(ValueError, match="duplicate"):
        emu.inject("POST", "/postbacks", duplicate=True, status=500)


def test_duplicate_and_skip_through_the_control_api(emu):
    answer = requests.post(emu.url + "/_emulator/faults", json={"method": "POST", "path": "/postbacks", "duplicate": True, "skip": 1}, timeout=5)
    assert answer.status_code == 201
    assert answer.json()["fault"]["kind"] == "duplicate" and answer.json()["fault"]["skip"] == 1


def chaos_run(emu, seed, requests_count=40):
    emu.reset()
    emu.chaos(0.5, kinds=["5xx", "429", "drop", "apply_then_drop", "duplicate"], seed=seed)
    outcomes = []
    for _dummy in range(requests_count):
        try:
            outcomes.append(call(emu, "GET", f"/apps/{APP}/postbacks").status_code)
        except requests.ConnectionError:
            outcomes.append("dropped")
    return outcomes, [(e["fault"], e["status"]) for e in emu.log]


def test_chaos_is_deterministic_from_its_seed(emu):
    first, log1 = chaos_run(emu, seed=7)
    again, log2 = chaos_run(emu, seed=7)
    other, dummy = chaos_run(emu, seed=8)
    assert first == again and log1 == log2
    assert first != other
    assert {"dropped", 429, 200} <= set(first)
    assert any(isinstance(s, int) and s >= 500 for s in first)


def test_chaos_rate_and_counts(emu):
    emu.chaos(0.2, seed=1, delay=0)
    for _dummy in range(150):
        try:
            call(emu, "GET", f"/apps/{APP}/postbacks/templates")
        except requests.ConnectionError:
            pass
    counts = emu.chaos_config()["counts"]
    assert set(counts) == set(CHAOS_KINDS)
    assert 12 <= sum(counts.values()) <= 50  # 20% of 150, loosely
    faulted = [e for e in emu.log if e["fault"] is not None]
    assert len(faulted) == sum(counts.values())


def test_chaos_429_carries_retry_after(emu):
    emu.chaos(1, kinds=["429"], retry_after=3)
    answer = call(emu, "GET", f"/apps/{APP}/postbacks")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "3"


def test_chaos_timeout_applies_the_write_after_the_client_gave_up(emu):
    emu.chaos(1, kinds=["timeout"], delay=0.5)
    with pytest.raises(requests.Timeout):
        call(emu, "POST", "/postbacks", json=install_body(), timeout=0.1)
    assert emu.wait_idle(5)
    assert len(emu.triggers(APP)) == 1
    assert emu.log[-1]["fault"] == "delay" and emu.log[-1]["status"] == 201


def test_injected_faults_win_over_chaos_and_reset_turns_chaos_off(emu):
    emu.chaos(1, kinds=["5xx"])
    emu.inject("GET", path_regex=".*", status=429)
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 429
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code >= 500
    emu.reset()
    assert emu.chaos_config() is None
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 200


def test_chaos_off_and_bad_settings(emu):
    assert emu.chaos(0) is None and emu.chaos_config() is None
    for bad in ({"rate": 2}, {"rate": 0.1, "kinds": ["meteor"]}, {"rate": 0.1, "kinds": []}, {"rate": 0.1, "delay": -1}):
        with pytest.raises(ValueError):
            emu.chaos(**bad)


def test_chaos_control_api(emu):
    answer = requests.post(emu.url + "/_emulator/chaos", json={"rate": 0.5, "kinds": ["drop"], "seed": 3}, timeout=5)
    assert answer.status_code == 200 and answer.json()["chaos"]["kinds"] == ["drop"]
    assert requests.get(emu.url + "/_emulator/chaos", timeout=5).json()["chaos"]["seed"] == 3
    assert requests.post(emu.url + "/_emulator/chaos", json={"rate": "x"}, timeout=5).status_code == 400
    assert requests.post(emu.url + "/_emulator/chaos", json={"rate": 0}, timeout=5).json() == {"chaos": None}


def test_wait_idle_waits_for_a_delayed_request(emu):
    emu.inject("GET", path_regex=".*", delay=0.4)
    worker = threading.Thread(target=lambda: call(emu, "GET", f"/apps/{APP}/postbacks"))
    worker.start()
    deadline = time.time() + 2
    while emu.in_flight == 0 and time.time() < deadline:
        time.sleep(0.01)
    assert emu.in_flight == 1
    assert emu.wait_idle(0.05) is False
    assert emu.wait_idle(5) is True and emu.in_flight == 0
    worker.join()
