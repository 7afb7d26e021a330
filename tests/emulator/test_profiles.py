"""The emulator's behaviour profiles (harsh, the default, and lenient), over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from kochava_emulator import DEMO_SEED, PROFILES, Emulator

KEY = "demo-key-0000"  # demo seed: apps 87100 and 17
APP = 87100
URL = "https://example.com/ingest"
ENVELOPE_KEYS = {"success", "meta", "nextToken", "previousToken", "errors", "warnings", "messages", "data"}
EMULATOR_DIR = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def server():
    with Emulator(seed=DEMO_SEED) as emu:
        yield emu


@pytest.fixture
def emu(server):
    server.reset(seed=DEMO_SEED)
    return server


@pytest.fixture
def lenient(emu):
    emu.configure(profile="lenient")
    return emu


def call(emu, method, path, key=KEY, **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["Authentication-Key"] = key
    kwargs.setdefault("timeout", 5)
    return requests.request(method, emu.url + path, headers=headers, **kwargs)


def install_body(**overrides):
    body = {"app_id": APP, "type": "install", "title": "Install", "template_id": 3373, "context": {"cpi_mostback_url": URL}}
    body.update(overrides)
    return body


def envelope_of(response, status):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    payload = response.json()
    assert set(payload) == ENVELOPE_KEYS
    return payload


# -- harsh stays the default -------------------------------------------------------------------
def test_harsh_is_the_default_everywhere(emu):
    assert set(PROFILES) == {"harsh", "lenient"}
    assert emu.profile == "harsh" and emu.config()["profile"] == "harsh"
    assert requests.get(emu.url + "/_emulator/config", timeout=5).json()["profile"] == "harsh"
    with Emulator() as bare:
        assert bare.config() == {"page_size": 50, "duplicate_status": 400, "numbers_as_strings": False, "profile": "harsh"}
        bare.reset()
        assert bare.profile == "harsh"
    response = call(emu, "POST", "/postbacks", json=install_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 5}))
    trigger = envelope_of(response, 201)["data"][0]
    assert trigger["context"] == {"cpi_mostback_url": URL, "max_delivery_attempts": "5", "deferred_for": "0"}
    assert "filter_str" not in trigger
    patched = envelope_of(call(emu, "PATCH", f"/postbacks/{trigger['id']}", json={"title": "v2"}), 200)
    assert patched["data"] == []
    deleted = call(emu, "DELETE", f"/postbacks/{trigger['id']}")
    assert deleted.status_code == 200 and deleted.content == b"" and "Content-Type" not in deleted.headers


# -- each lenient behaviour ---------------------------------------------------------------------
def test_lenient_post_answers_200_with_the_trigger_as_sent(lenient):
    context = {"cpi_mostback_url": URL, "max_delivery_attempts": 5, "my_flag": True, "off": False, "ratio": 0.5}
    response = call(lenient, "POST", "/postbacks", json=install_body(context=context))
    trigger = envelope_of(response, 200)["data"][0]
    assert trigger["context"] == context  # types kept, no template default filled in
    assert type(trigger["context"]["max_delivery_attempts"]) is int and trigger["context"]["my_flag"] is True
    assert "deferred_for" not in trigger["context"]
    assert trigger["filter_str"] is None
    assert list(trigger) == ["id", "app_id", "type", "title", "template_id", "filter_str", "active", "date_created", "context"]
    assert lenient.trigger(trigger["id"]) == trigger  # the Python API shows the same shape
    assert [e["status"] for e in lenient.log] == [200]


@pytest.mark.parametrize("trigger_type", ["install", "click"])
def test_lenient_install_and_click_carry_filter_str_null_everywhere(lenient, trigger_type):
    created = call(lenient, "POST", "/postbacks", json=install_body(type=trigger_type, filter_str="ignored")).json()["data"][0]
    assert created["filter_str"] is None
    listed = call(lenient, "GET", f"/apps/{APP}/postbacks").json()["data"]
    assert listed[0]["filter_str"] is None
    one = call(lenient, "GET", f"/apps/{APP}/postbacks/{created['id']}").json()["data"][0]
    assert one == created
    # a filter_str sent with an install/click is still not stored: it duplicates one without
    again = call(lenient, "POST", "/postbacks", json=install_body(type=trigger_type))
    assert again.status_code == 400 and again.json()["errors"] == ["Duplicate install post-back"]


def test_lenient_event_keeps_its_filter_str(lenient):
    event = call(lenient, "POST", "/postbacks", json=install_body(type="event", filter_str="Purchase")).json()["data"][0]
    assert event["filter_str"] == "Purchase"


def test_lenient_patch_merges_and_answers_the_trigger(lenient):
    body = install_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 5, "extra": "x"})
    trigger_id = call(lenient, "POST", "/postbacks", json=body).json()["data"][0]["id"]
    response = call(lenient, "PATCH", f"/postbacks/{trigger_id}", json={"title": "v2", "active": True, "context": {"deferred_for": 30000}})
    answered = envelope_of(response, 200)["data"]
    stored = lenient.trigger(trigger_id)
    assert answered == [stored]
    assert stored["title"] == "v2" and stored["active"] is True
    # keys not sent are kept; no defaults refilled; the sent value keeps its type
    assert stored["context"] == {"cpi_mostback_url": URL, "max_delivery_attempts": 5, "extra": "x", "deferred_for": 30000}


def test_lenient_patch_without_context_keeps_it_and_answers_the_trigger(lenient):
    trigger_id = call(lenient, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    answered = call(lenient, "PATCH", f"/postbacks/{trigger_id}", json={"active": True}).json()["data"]
    assert answered == [lenient.trigger(trigger_id)]
    assert answered[0]["context"] == {"cpi_mostback_url": URL} and answered[0]["active"] is True


def test_lenient_patch_still_validates_what_is_sent(lenient):
    trigger_id = call(lenient, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    for context, fragment in [
        ({"cpi_mostback_url": "ftp://x"}, "context.cpi_mostback_url must be an http(s) URL"),
        ({"deferred_for": 12}, "context.deferred_for: '12' is not one of the options"),
        ({"deferred_for": None}, "context.deferred_for must be a string, number or boolean"),
    ]:
        response = call(lenient, "PATCH", f"/postbacks/{trigger_id}", json={"context": context})
        assert response.status_code == 400 and any(fragment in e for e in response.json()["errors"]), response.text
    assert lenient.trigger(trigger_id)["context"] == {"cpi_mostback_url": URL}
    assert all(e["method"] != "PATCH" or e["status"] == 400 for e in lenient.log)


def test_lenient_delete_answers_the_envelope(lenient):
    trigger_id = call(lenient, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    payload = envelope_of(call(lenient, "DELETE", f"/postbacks/{trigger_id}"), 200)
    assert payload["success"] is True and payload["data"] == [] and payload["errors"] == []
    assert lenient.triggers(APP) == []
    assert lenient.writes()[-1]["response"] == payload
    assert call(lenient, "DELETE", f"/postbacks/{trigger_id}").status_code == 404


def test_lenient_incomplete_reads_typed_values(lenient):
    lenient.add_trigger(APP, type="click", template_id=2209, title="t", context={"cpi_jumptap_mostback_url": URL, "cpi_jumptap_fingerprint_lookback_window": 7})
    assert call(lenient, "GET", f"/apps/{APP}/postbacks/incomplete").json()["data"] == []
    lenient.add_trigger(APP, type="install", template_id=2209, title="t", context={"cpi_mostback_url": URL})
    assert [t["id"] for t in call(lenient, "GET", f"/apps/{APP}/postbacks/incomplete").json()["data"]] == [2209]


# -- the same in both profiles ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "method, path, kwargs",
    [
        ("POST", "/postbacks", {"json": install_body(title=" ")}),
        ("POST", "/postbacks", {"json": install_body(context={"deferred_for": 0})}),
        ("POST", "/postbacks", {"json": install_body(bogus=1)}),
        ("POST", "/postbacks", {"data": "{not json", "headers": {"Content-Type": "application/json"}}),
        ("POST", "/postbacks", {"json": install_body(), "key": "not-a-key"}),
        ("POST", "/postbacks", {"json": install_body(), "key": "app17-only-key-1111"}),
        ("PATCH", "/postbacks/54636", {"json": {"type": "click"}}),
        ("PATCH", "/postbacks/54636", {"json": {}}),
        ("DELETE", "/postbacks/999999", {}),
        ("GET", f"/apps/{APP}/postbacks", {"params": {"pageToken": "garbage"}}),
        ("GET", "/apps/404/postbacks/templates", {"key": KEY}),
    ],
)
def test_errors_are_identical_in_both_profiles(emu, method, path, kwargs):
    answers = []
    for profile in ("harsh", "lenient"):
        emu.configure(profile=profile)
        response = call(emu, method, path, **dict(kwargs))
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] >= 400


@pytest.mark.parametrize("profile", ["harsh", "lenient"])
def test_uniqueness_duplicates_and_pagination_are_shared(emu, profile):
    emu.configure(profile=profile, duplicate_status=409, page_size=2)
    for name in ("a", "b", "c"):
        assert call(emu, "POST", "/postbacks", json=install_body(type="event", filter_str=name)).ok
    duplicate = call(emu, "POST", "/postbacks", json=install_body(type="event", filter_str="b"))
    assert duplicate.status_code == 409 and duplicate.json()["errors"] == ["Duplicate post-back"]
    first = call(emu, "GET", f"/apps/{APP}/postbacks").json()
    second = call(emu, "GET", f"/apps/{APP}/postbacks", params={"pageToken": first["nextToken"]}).json()
    assert [t["filter_str"] for t in first["data"] + second["data"]] == ["a", "b", "c"]
    assert second["nextToken"] is None and second["previousToken"]
    assert len(emu.triggers(APP)) == 3


def test_faults_apply_in_the_lenient_profile(lenient):
    lenient.inject("POST", "/postbacks", apply_then_drop=True)
    with pytest.raises(requests.ConnectionError):
        call(lenient, "POST", "/postbacks", json=install_body())
    assert len(lenient.triggers(APP)) == 1
    entry = lenient.log[-1]
    assert entry["fault"] == "apply_then_drop" and entry["dropped"] is True and entry["status"] == 200


# -- configuration ------------------------------------------------------------------------------------
def test_configure_checks_the_name_and_changes_nothing_on_error(emu):
    with pytest.raises(ValueError, match="harsh, lenient"):
        emu.configure(profile="gentle")
    with pytest.raises(ValueError):
        emu.configure(page_size=5, profile=3)
    assert emu.config()["profile"] == "harsh" and emu.page_size == 50
    emu.configure(profile="lenient")
    assert emu.profile == "lenient"


def test_control_config_sets_the_profile(emu):
    base = emu.url + "/_emulator"
    answer = requests.post(base + "/config", json={"profile": "lenient"}, timeout=5)
    assert answer.ok and answer.json()["profile"] == "lenient" and emu.profile == "lenient"
    assert requests.get(base + "/state", timeout=5).json()["config"]["profile"] == "lenient"
    assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 200
    bad = requests.post(base + "/config", json={"profile": "gentle"}, timeout=5)
    assert bad.status_code == 400 and "profile" in bad.json()["error"]
    assert requests.post(base + "/reset", timeout=5).ok
    assert emu.profile == "harsh"


def test_reset_restores_the_seeds_profile(emu):
    emu.configure(profile="lenient")
    emu.reset()
    assert emu.profile == "harsh"

    seed = {
        "demo_key": KEY,
        "templates": [{"id": 3373, "name": "Custom", "context_meta": [{"input": {"id": "deferred_for", "type": "select", "default_value": 0}}]}],
        "apps": {str(APP): {"template_ids": [3373]}},
        "triggers": [{"app_id": APP, "type": "install", "template_id": 3373, "title": "t", "context": {"cpi_mostback_url": URL, "n": 5}}],
        "profile": "lenient",
    }
    emu.reset(seed=seed)
    assert emu.profile == "lenient"
    # seeded triggers are stored the way the seed's profile stores them
    assert emu.triggers(APP)[0]["context"] == {"cpi_mostback_url": URL, "n": 5}
    assert emu.triggers(APP)[0]["filter_str"] is None
    emu.configure(profile="harsh")
    emu.reset()
    assert emu.profile == "lenient"

    with pytest.raises(ValueError, match="profile"):
        emu.reset(seed=dict(seed, profile="gentle"))
    assert emu.profile == "lenient"  # a bad seed changes nothing
    assert requests.post(emu.url + "/_emulator/reset", json={"seed": dict(seed, profile="gentle")}, timeout=5).status_code == 400


def test_constructor_profile_outlives_resets():
    with Emulator(seed=DEMO_SEED, profile="lenient") as emu:
        assert emu.profile == "lenient"
        emu.configure(profile="harsh")
        emu.reset()
        assert emu.profile == "lenient"
        assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 200
    with pytest.raises(ValueError):
        Emulator(profile="gentle")


def test_a_profile_change_does_not_rewrite_stored_triggers(emu):
    trigger_id = call(emu, "POST", "/postbacks", json=install_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 5})).json()["data"][0]["id"]
    emu.configure(profile="lenient")
    context = call(emu, "GET", f"/apps/{APP}/postbacks/{trigger_id}").json()["data"][0]["context"]
    assert context == {"cpi_mostback_url": URL, "max_delivery_attempts": "5", "deferred_for": "0"}


@pytest.mark.parametrize("args, status", [(["--profile", "lenient"], 200), ([], 201)])
def test_cli_profile_flag(args, status):
    script = (
        "import os, sys, requests\n"
        "r = requests.post(os.environ['KOCHAVA_API_URL'] + '/postbacks', headers={'Authentication-Key': os.environ['KOCHAVA_API_KEY']},"
        " json={'app_id': 87100, 'type': 'install', 'title': 't', 'template_id': 3373, 'context': {'cpi_mostback_url': 'https://e.x/i'}})\n"
        "sys.exit(r.status_code % 256)\n"
    )
    cmd = [sys.executable, "-m", "kochava_emulator", "run", "--seed", str(DEMO_SEED), *args, "--", sys.executable, "-c", script]
    result = subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=EMULATOR_DIR), capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == status % 256, result.stderr


def test_cli_rejects_an_unknown_profile():
    cmd = [sys.executable, "-m", "kochava_emulator", "run", "--profile", "gentle", "--", "true"]
    result = subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=EMULATOR_DIR), capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and "gentle" in result.stderr
