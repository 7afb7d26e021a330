"""Tests of the Publisher API emulator, over real HTTP with ``requests``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from kochava_emulator import DEMO_SEED, PROFILES, URL_KEY_RE, DuplicateTriggerError, Emulator

KEY = "demo-key-0000"  # demo seed: apps 87100 and 17
APP17_KEY = "app17-only-key-1111"  # demo seed: app 17 only
ALL_KEY = "all-apps-key"  # added below: every app
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
    server.reset(seed=DEMO_SEED)  # a test may have reset to another seed
    server.add_key(ALL_KEY, None)
    return server


def call(emu, method, path, key=KEY, **kwargs):
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["Authentication-Key"] = key
    kwargs.setdefault("timeout", 5)
    return requests.request(method, emu.url + path, headers=headers, **kwargs)


def install_body(**overrides):
    body = {"app_id": APP, "type": "install", "title": "Install Custom Postback", "template_id": 3373, "context": {"cpi_mostback_url": URL}}
    body.update(overrides)
    return body


def assert_envelope(response, status, success=True):
    assert response.status_code == status, response.text
    payload = response.json()
    assert set(payload) == ENVELOPE_KEYS
    assert payload["success"] is success
    assert payload["meta"] is None
    assert isinstance(payload["data"], list)
    for key in ("errors", "warnings", "messages"):
        assert isinstance(payload[key], list)
    if not success:
        assert payload["data"] == [] and payload["errors"]
    return payload


# -- envelope and endpoints ------------------------------------------------------
def test_every_endpoint_answers_the_envelope(emu):
    created = assert_envelope(call(emu, "POST", "/postbacks", json=install_body()), 201)
    trigger = created["data"][0]
    assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks/templates"), 200)
    listed = assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks"), 200)
    assert listed["data"] == [trigger]
    one = assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks/{trigger['id']}"), 200)
    assert one["data"] == [trigger]
    assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks/incomplete"), 200)
    patched = assert_envelope(call(emu, "PATCH", f"/postbacks/{trigger['id']}", json={"title": "v2"}), 200)
    assert patched["data"] == []
    deleted = call(emu, "DELETE", f"/postbacks/{trigger['id']}")
    assert deleted.status_code == 200 and deleted.content == b""
    assert emu.triggers(APP) == []


def test_templates_are_the_apps_templates(emu):
    data = call(emu, "GET", "/apps/17/postbacks/templates").json()["data"]
    assert [t["id"] for t in data] == [2209, 2602]
    mmdsp = data[0]
    assert {"id", "network_id", "platform", "name", "context_meta"} <= set(mmdsp)
    required = {m["input"]["id"]: m["input"].get("required") for m in mmdsp["context_meta"]}
    assert required["cpi_jumptap_app_id"] is False
    assert required["cpi_jumptap_fingerprint_lookback_window"] == "true"  # mixed, as documented


def test_seeded_trigger_is_served_as_documented(emu):
    payload = assert_envelope(call(emu, "GET", "/apps/17/postbacks/54636"), 200)
    assert payload["data"] == [
        {
            "id": 54636,
            "app_id": 17,
            "type": "install",
            "title": "OpenX Performance",
            "template_id": 2602,
            "active": False,
            "date_created": 1394048564,
            "context": {
                "cpi_openxperformance_fingerprint_lookback_window": "7",
                "cpi_openxperformance_device_id_lookback_window": "30",
                "deferred_for": "0",
                "max_delivery_attempts": "3",
            },
        }
    ]


# -- auth -----------------------------------------------------------------------
@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_missing_or_unknown_key_is_401(emu, key):
    for method, path, body in [("GET", f"/apps/{APP}/postbacks", None), ("POST", "/postbacks", install_body()), ("DELETE", "/postbacks/54636", None)]:
        payload = assert_envelope(call(emu, method, path, key=key, json=body), 401, success=False)
        assert "Authentication Key is invalid" in payload["errors"]
    assert emu.trigger(54636) is not None


def test_key_not_allowed_for_the_app_is_403(emu):
    assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks", key=APP17_KEY), 403, success=False)
    assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks/templates", key=APP17_KEY), 403, success=False)
    assert_envelope(call(emu, "POST", "/postbacks", key=APP17_KEY, json=install_body()), 403, success=False)
    assert_envelope(call(emu, "GET", "/apps/17/postbacks", key=APP17_KEY), 200)
    assert emu.triggers(APP) == []


def test_patch_and_delete_check_the_triggers_app(emu):
    trigger = emu.add_trigger(APP, type="install", template_id=3373, title="t", context={"cpi_mostback_url": URL})
    assert_envelope(call(emu, "PATCH", f"/postbacks/{trigger['id']}", key=APP17_KEY, json={"title": "x"}), 403, success=False)
    assert_envelope(call(emu, "DELETE", f"/postbacks/{trigger['id']}", key=APP17_KEY), 403, success=False)
    assert emu.trigger(trigger["id"]) == trigger


def test_unknown_things_are_404(emu):
    assert_envelope(call(emu, "GET", "/apps/999/postbacks", key=ALL_KEY), 404, success=False)
    assert_envelope(call(emu, "GET", "/apps/999/postbacks", key=KEY), 403, success=False)
    assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks/54636"), 404, success=False)  # it is app 17's
    assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks/1"), 404, success=False)
    assert_envelope(call(emu, "PATCH", "/postbacks/1", json={"title": "x"}), 404, success=False)
    assert_envelope(call(emu, "DELETE", "/postbacks/1"), 404, success=False)
    assert_envelope(call(emu, "POST", "/postbacks", key=ALL_KEY, json=install_body(app_id=999)), 404, success=False)
    assert_envelope(call(emu, "GET", "/no/such/route"), 404, success=False)
    assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks/"), 404, success=False)  # no redirects
    assert_envelope(call(emu, "PUT", "/postbacks/1"), 405, success=False)


# -- pagination -------------------------------------------------------------------
def _walk(emu, path):
    pages, token = [], None
    while True:
        params = {"pageToken": token} if token else None
        payload = assert_envelope(call(emu, "GET", path, params=params), 200)
        pages.append(payload)
        token = payload["nextToken"]
        if token is None:
            return pages


def test_pagination_walks_every_page(emu):
    emu.set_page_size(3)
    created = [
        emu.add_trigger(APP, type="event", template_id=3373, title=f"e{i}", filter_str=f"Ev{i}", context={"cpi_mostback_url": URL})["id"] for i in range(7)
    ]
    pages = _walk(emu, f"/apps/{APP}/postbacks")
    assert [len(p["data"]) for p in pages] == [3, 3, 1]
    assert [t["id"] for p in pages for t in p["data"]] == created
    assert pages[0]["previousToken"] is None
    assert all(p["previousToken"] for p in pages[1:])
    tokens = [p["nextToken"] for p in pages[:-1]]
    assert all(not t.isdigit() and len(t) >= 16 for t in tokens) and len(set(tokens)) == 2
    back = call(emu, "GET", f"/apps/{APP}/postbacks", params={"pageToken": pages[2]["previousToken"]}).json()
    assert back["data"] == pages[1]["data"]


def test_pagination_on_templates_and_incomplete(emu):
    emu.set_page_size(1)
    assert [t["id"] for p in _walk(emu, f"/apps/{APP}/postbacks/templates") for t in p["data"]] == [3373, 2209, 2602]
    for template_id in (2209, 2602):
        emu.add_trigger(APP, type="install", template_id=template_id, title="t", context={"cpi_mostback_url": URL})
    assert [t["id"] for p in _walk(emu, f"/apps/{APP}/postbacks/incomplete") for t in p["data"]] == [2209, 2602]


@pytest.mark.parametrize("token", ["garbage", "2", "", "50"])
def test_bad_page_token_is_400(emu, token):
    payload = assert_envelope(call(emu, "GET", f"/apps/{APP}/postbacks", params={"pageToken": token}), 400, False)
    assert "pageToken" in payload["errors"][0]


def test_page_token_is_bound_to_its_listing(emu):
    emu.set_page_size(1)
    token = call(emu, "GET", f"/apps/{APP}/postbacks/templates").json()["nextToken"]
    assert token
    assert call(emu, "GET", "/apps/17/postbacks/templates", params={"pageToken": token}).status_code == 400


# -- uniqueness -----------------------------------------------------------------------
@pytest.mark.parametrize("trigger_type", ["install", "click"])
def test_duplicate_is_400_install_message_by_default(emu, trigger_type):
    assert call(emu, "POST", "/postbacks", json=install_body(type=trigger_type)).status_code == 201
    again = install_body(type=trigger_type, title="other title", filter_str="ignored")
    payload = assert_envelope(call(emu, "POST", "/postbacks", json=again), 400, success=False)
    assert payload["errors"] == ["Duplicate install post-back"]
    assert len(emu.triggers(APP)) == 1


def test_duplicate_can_be_the_announced_409(emu):
    emu.set_duplicate_status(409)
    body = install_body(type="event", filter_str="Purchase")
    assert call(emu, "POST", "/postbacks", json=body).status_code == 201
    payload = assert_envelope(call(emu, "POST", "/postbacks", json=body), 409, success=False)
    assert payload["errors"] == ["Duplicate post-back"]


def test_install_and_click_on_same_template_coexist(emu):
    assert call(emu, "POST", "/postbacks", json=install_body(type="install")).status_code == 201
    assert call(emu, "POST", "/postbacks", json=install_body(type="click")).status_code == 201


def test_event_triggers_differ_by_filter_str(emu):
    for name in ("Purchase", "Registration", "purchase"):
        assert call(emu, "POST", "/postbacks", json=install_body(type="event", filter_str=name)).status_code == 201
    assert call(emu, "POST", "/postbacks", json=install_body(type="event", filter_str="Purchase")).status_code == 400
    assert sorted(t["filter_str"] for t in emu.triggers(APP)) == ["Purchase", "Registration", "purchase"]


def test_add_trigger_raises_on_duplicate(emu):
    emu.add_trigger(APP, type="click", template_id=3373, title="a", context={"cpi_mostback_url": URL})
    with pytest.raises(DuplicateTriggerError):
        emu.add_trigger(APP, type="click", template_id=3373, title="b", context={"cpi_mostback_url": URL})


def test_concurrent_creates_exactly_one_wins(emu):
    barrier = threading.Barrier(5)
    statuses, errors = [], []

    def create():
        barrier.wait()
        response = call(emu, "POST", "/postbacks", json=install_body())
        statuses.append(response.status_code)
        errors.append(response.json()["errors"])

    threads = [threading.Thread(target=create) for _thread in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 400, 400, 400, 400]
    assert errors.count(["Duplicate install post-back"]) == 4
    assert len(emu.triggers(APP)) == 1


# -- harsh readings -----------------------------------------------------------------------
def test_context_values_become_strings_and_defaults_are_filled(emu):
    body = install_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 2, "my_flag": True, "off": False})
    trigger = call(emu, "POST", "/postbacks", json=body).json()["data"][0]
    assert trigger["context"] == {"cpi_mostback_url": URL, "max_delivery_attempts": "2", "my_flag": "true", "off": "false", "deferred_for": "0"}
    assert trigger["active"] is False
    assert isinstance(trigger["date_created"], int) and isinstance(trigger["id"], int)
    assert "filter_str" not in trigger
    assert emu.trigger(trigger["id"]) == trigger


def test_install_and_click_never_carry_filter_str(emu):
    created = call(emu, "POST", "/postbacks", json=install_body(type="click", filter_str="Purchase")).json()
    assert "filter_str" not in created["data"][0]
    listed = call(emu, "GET", f"/apps/{APP}/postbacks").json()["data"]
    assert "filter_str" not in listed[0]


def test_ids_are_increasing_ints_never_reused(emu):
    first = call(emu, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    call(emu, "DELETE", f"/postbacks/{first}")
    second = call(emu, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    emu.reset()
    third = emu.add_trigger(APP, type="install", template_id=3373, title="t", context={})["id"]
    assert first < second < third


def test_patch_replaces_context_and_answers_without_trigger(emu):
    body = install_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 2, "extra": "x"})
    trigger_id = call(emu, "POST", "/postbacks", json=body).json()["data"][0]["id"]
    response = call(emu, "PATCH", f"/postbacks/{trigger_id}", json={"title": "v2", "active": True, "context": {"cpi_mostback_url": URL + "/v2"}})
    assert assert_envelope(response, 200)["data"] == []
    stored = emu.trigger(trigger_id)
    assert stored["title"] == "v2" and stored["active"] is True
    assert stored["context"] == {"cpi_mostback_url": URL + "/v2", "deferred_for": "0", "max_delivery_attempts": "3"}


def test_patch_without_context_keeps_it(emu):
    trigger_id = call(emu, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    before = emu.trigger(trigger_id)["context"]
    call(emu, "PATCH", f"/postbacks/{trigger_id}", json={"active": True})
    assert emu.trigger(trigger_id)["context"] == before


def test_numbers_as_strings(emu):
    emu.configure(numbers_as_strings=True)
    trigger = call(emu, "POST", "/postbacks", json=install_body()).json()["data"][0]
    assert trigger["id"] == str(trigger["id"]) and trigger["app_id"] == "87100" and trigger["template_id"] == "3373"
    template = call(emu, "GET", "/apps/17/postbacks/templates").json()["data"][0]
    assert template["id"] == "2209" and template["network_id"] == "3"
    assert {m["input"]["required"] for m in template["context_meta"] if "required" in m["input"]} == {"true", "false"}
    assert isinstance(emu.trigger(int(trigger["id"]))["id"], int)  # the Python API stays canonical


def test_incomplete_lists_templates_of_triggers_missing_required_values(emu):
    assert [t["id"] for t in call(emu, "GET", "/apps/17/postbacks/incomplete").json()["data"]] == [2602]
    assert call(emu, "GET", f"/apps/{APP}/postbacks/incomplete").json()["data"] == []
    # a POST may pass the URL check with the generic key yet miss the template's own URL input
    call(emu, "POST", "/postbacks", json=install_body(template_id=2209))
    complete = install_body(type="click", template_id=2209, context={"cpi_jumptap_mostback_url": URL, "cpi_jumptap_fingerprint_lookback_window": 7})
    assert call(emu, "POST", "/postbacks", json=complete).status_code == 201
    data = call(emu, "GET", f"/apps/{APP}/postbacks/incomplete").json()["data"]
    assert [t["id"] for t in data] == [2209] and "context_meta" in data[0]


# -- validation ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"app_id": "abc"}, "app_id"),
        ({"app_id": True}, "app_id"),
        ({"type": "purchase"}, "type"),
        ({"title": ""}, "title"),
        ({"title": 5}, "title"),
        ({"template_id": 2209999}, "template_id"),
        ({"template_id": "x"}, "template_id"),
        ({"type": "event"}, "filter_str"),
        ({"type": "event", "filter_str": ""}, "filter_str"),
        ({"context": "cpi_mostback_url=x"}, "context"),
        ({"context": {}}, "cpi_<network>_mostback_url"),
        ({"context": {"cpi_mostback_url": "ftp://example.com"}}, "context.cpi_mostback_url"),
        ({"context": {"cpi_mostback_url": "not a url"}}, "context.cpi_mostback_url"),
        ({"context": {"cpi_mostback_url": URL, "deferred_for": 5}}, "context.deferred_for"),
        ({"context": {"cpi_mostback_url": URL, "deferred_for": None}}, "context.deferred_for"),
        ({"active": "yes"}, "active"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_post_validation_names_the_field(emu, body, fragment):
    payload = assert_envelope(call(emu, "POST", "/postbacks", json=install_body(**body)), 400, success=False)
    assert any(fragment in message for message in payload["errors"]), payload["errors"]
    assert emu.triggers(APP) == []


# The destination-URL key (API document: context.cpi_<network>_mostback_url, for example
# cpi_mostback_url): <network> is one lowercase alphanumeric token, or absent.
DESTINATION_KEYS = ["cpi_mostback_url", "cpi_jumptap_mostback_url", "cpi_openxperformance_mostback_url", "cpi_x1_mostback_url", "cpi_2_mostback_url"]
NOT_DESTINATION_KEYS = [
    "cpi_a_b_mostback_url",  # two segments
    "CPI_MOSTBACK_URL",  # upper case
    "cpi_Jumptap_mostback_url",
    "cpi__mostback_url",  # empty network
    "cpi-jumptap_mostback_url",
    "cpi_jump-tap_mostback_url",
    "cpi_mostback_url_2",
    "xcpi_mostback_url",
    "cpi_mostback_url\n",
    " cpi_mostback_url",
    "mostback_url",
    "cpi_postback_url",
]


def test_url_key_re_is_the_documented_rule():
    assert URL_KEY_RE.pattern == r"^cpi_(?:[a-z0-9]+_)?mostback_url$"
    assert all(URL_KEY_RE.fullmatch(key) for key in DESTINATION_KEYS)
    assert not any(URL_KEY_RE.fullmatch(key) for key in NOT_DESTINATION_KEYS)


@pytest.mark.parametrize("key", DESTINATION_KEYS)
def test_post_accepts_a_destination_key(emu, key):
    response = call(emu, "POST", "/postbacks", json=install_body(context={key: URL}))
    assert_envelope(response, 201)
    assert emu.triggers(APP)[0]["context"][key] == URL


@pytest.mark.parametrize("key", DESTINATION_KEYS)
def test_post_checks_the_url_under_every_destination_key(emu, key):
    payload = assert_envelope(call(emu, "POST", "/postbacks", json=install_body(context={"cpi_mostback_url": URL, key: "not a url"})), 400, False)
    assert payload["errors"] == [f"context.{key} must be an http(s) URL"]


@pytest.mark.parametrize("key", NOT_DESTINATION_KEYS)
def test_post_refuses_a_context_without_a_destination_key(emu, key):
    payload = assert_envelope(call(emu, "POST", "/postbacks", json=install_body(context={key: URL})), 400, success=False)
    assert payload["errors"] == ["context must contain the destination URL: cpi_<network>_mostback_url (for example cpi_mostback_url)"]
    assert emu.triggers(APP) == []


@pytest.mark.parametrize("key", NOT_DESTINATION_KEYS)
def test_a_key_that_is_no_destination_key_is_an_ordinary_context_key(emu, key):
    # stored as an unknown context key (reading 9): its value is not checked as a URL
    response = call(emu, "POST", "/postbacks", json=install_body(context={"cpi_mostback_url": URL, key: "not a url"}))
    assert_envelope(response, 201)
    assert emu.triggers(APP)[0]["context"][key] == "not a url"


def test_patch_refuses_a_context_without_a_destination_key(emu):
    trigger_id = call(emu, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    payload = assert_envelope(call(emu, "PATCH", f"/postbacks/{trigger_id}", json={"context": {"cpi_a_b_mostback_url": URL}}), 400, False)
    assert "cpi_<network>_mostback_url" in payload["errors"][0]
    assert call(emu, "PATCH", f"/postbacks/{trigger_id}", json={"context": {"cpi_ab_mostback_url": URL}}).status_code == 200


def test_post_missing_fields(emu):
    payload = assert_envelope(call(emu, "POST", "/postbacks", json={"app_id": APP}), 400, success=False)
    text = " ".join(payload["errors"])
    for field in ("type", "title", "template_id", "context"):
        assert field in text


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("", "application/json"),
        (json.dumps(install_body()), "text/plain"),
    ],
)
def test_post_bad_body_is_400(emu, data, content_type):
    response = call(emu, "POST", "/postbacks", data=data, headers={"Content-Type": content_type})
    assert_envelope(response, 400, success=False)


def test_post_accepts_numeric_strings_and_option_values_as_strings(emu):
    body = install_body(
        app_id="87100",
        template_id="2209",
        context={"cpi_jumptap_mostback_url": URL, "cpi_jumptap_fingerprint_lookback_window": 30, "deferred_for": "30000", "unknown_key": 1},
    )
    trigger = assert_envelope(call(emu, "POST", "/postbacks", json=body), 201)["data"][0]
    assert trigger["app_id"] == APP and trigger["template_id"] == 2209
    assert trigger["context"]["cpi_jumptap_fingerprint_lookback_window"] == "30"
    assert trigger["context"]["unknown_key"] == "1"
    assert trigger["context"]["cpi_jumptap_app_id"] == ""  # the empty default is filled too


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"type": "click"}, "type"),
        ({"filter_str": "x"}, "filter_str"),
        ({"template_id": 2209}, "template_id"),
        ({"title": ""}, "title"),
        ({"active": "true"}, "active"),
        ({"context": {"deferred_for": "0"}}, "mostback_url"),
        ({}, "nothing to update"),
    ],
)
def test_patch_validation_names_the_field(emu, body, fragment):
    trigger_id = call(emu, "POST", "/postbacks", json=install_body()).json()["data"][0]["id"]
    before = emu.trigger(trigger_id)
    payload = assert_envelope(call(emu, "PATCH", f"/postbacks/{trigger_id}", json=body), 400, success=False)
    assert any(fragment in message for message in payload["errors"]), payload["errors"]
    assert emu.trigger(trigger_id) == before


# -- faults ---------------------------------------------------------------------------------
def test_fault_status_with_retry_after(emu):
    emu.inject("GET", f"/apps/{APP}/postbacks", status=503, headers={"Retry-After": "2"}, times=2)
    for _attempt in range(2):
        response = call(emu, "GET", f"/apps/{APP}/postbacks")
        assert response.status_code == 503 and response.headers["Retry-After"] == "2"
        assert_envelope(response, 503, success=False)
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 200
    assert [e["fault"] for e in emu.log] == ["answer", "answer", None]


def test_fault_html_body_and_foreign_json(emu):
    emu.inject("GET", f"/apps/{APP}/postbacks", body="<html><body>Bad gateway</body></html>")
    emu.inject("GET", f"/apps/{APP}/postbacks", json={"foo": 1})
    html = call(emu, "GET", f"/apps/{APP}/postbacks")
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    assert html.text.startswith("<html>")
    foreign = call(emu, "GET", f"/apps/{APP}/postbacks")
    assert foreign.status_code == 200 and foreign.json() == {"foo": 1}


def test_fault_invalid_json(emu):
    emu.inject("GET", f"/apps/{APP}/postbacks", invalid_json=True)
    response = call(emu, "GET", f"/apps/{APP}/postbacks")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        json.loads(response.text)


def test_fault_answer_does_not_apply_the_request(emu):
    emu.inject("POST", "/postbacks", status=500)
    assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 500
    assert emu.triggers(APP) == []


def test_fault_delay_provokes_a_read_timeout(emu):
    emu.inject("GET", f"/apps/{APP}/postbacks", delay=0.6)
    with pytest.raises(requests.Timeout):
        call(emu, "GET", f"/apps/{APP}/postbacks", timeout=0.2)
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 200
    # The abandoned request lands in the log once the server has answered it. On a busy machine the server
    # may only start it after the client gave up: wait, so it cannot land in the next test's log.
    deadline = time.time() + 10
    while len(emu.log) < 2 and time.time() < deadline:
        time.sleep(0.01)
    assert [e["status"] for e in emu.log] == [200, 200]


def test_fault_drop_leaves_no_trigger(emu):
    emu.inject("POST", "/postbacks", drop=True)
    with pytest.raises(requests.ConnectionError):
        call(emu, "POST", "/postbacks", json=install_body())
    assert emu.triggers(APP) == []
    entry = emu.writes()[-1]
    assert entry["dropped"] is True and entry["status"] is None and entry["fault"] == "drop"


def test_fault_apply_then_drop_leaves_one_trigger(emu):
    emu.inject("POST", "/postbacks", apply_then_drop=True)
    with pytest.raises(requests.ConnectionError):
        call(emu, "POST", "/postbacks", json=install_body())
    assert len(emu.triggers(APP)) == 1
    assert emu.writes()[-1]["status"] == 201 and emu.writes()[-1]["dropped"] is True
    # the retry meets the duplicate rule
    assert call(emu, "POST", "/postbacks", json=install_body()).status_code == 400


def test_fault_path_regex_and_method_wildcard(emu):
    emu.inject("*", path_regex=r"/postbacks/\d+", status=502, times=None)
    assert call(emu, "DELETE", "/postbacks/54636").status_code == 502
    assert call(emu, "PATCH", "/postbacks/54636", json={"title": "x"}).status_code == 502
    assert call(emu, "GET", f"/apps/{APP}/postbacks").status_code == 200
    assert len(emu.faults()) == 1
    emu.clear_faults()
    assert call(emu, "DELETE", "/postbacks/54636").status_code == 200


def test_inject_rejects_contradictions(emu):
    with pytest.raises(ValueError):
        emu.inject("POST", "/postbacks", drop=True, status=500)
    with pytest.raises(ValueError):
        emu.inject("POST")
    with pytest.raises(ValueError):
        emu.inject("POST", "/postbacks", times=0)


# -- log ---------------------------------------------------------------------------------------
def test_log_records_requests_without_the_key(emu):
    call(emu, "POST", "/postbacks", json=install_body())
    call(emu, "GET", f"/apps/{APP}/postbacks", params={"x": "1"})
    call(emu, "GET", f"/apps/{APP}/postbacks", key="secret-wrong-key")
    call(emu, "GET", "/_emulator/state")
    log = emu.log
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("POST", "/postbacks", 201),
        ("GET", f"/apps/{APP}/postbacks", 200),
        ("GET", f"/apps/{APP}/postbacks", 401),
    ]
    assert log[0]["body"] == install_body() and log[0]["app_id"] == APP
    assert log[1]["query"] == {"x": "1"}
    assert [e["auth"] for e in log] == ["valid", "valid", "invalid"]
    dumped = json.dumps(log)
    assert KEY not in dumped and "secret-wrong-key" not in dumped
    assert [e["method"] for e in emu.writes()] == ["POST"]
    emu.clear_log()
    assert emu.log == []


def test_log_knows_the_app_of_patch_and_delete(emu):
    call(emu, "PATCH", "/postbacks/54636", json={"title": "x"})
    call(emu, "DELETE", "/postbacks/54636")
    assert [e["app_id"] for e in emu.writes()] == [17, 17]


# -- Python API and control API ------------------------------------------------------------------
def test_reset_goes_back_to_the_seed(emu):
    call(emu, "POST", "/postbacks", json=install_body())
    emu.set_duplicate_status(409)
    emu.inject("GET", "/x", status=500)
    emu.reset()
    assert emu.triggers(APP) == [] and [t["id"] for t in emu.triggers()] == [54636]
    assert emu.log == [] and emu.faults() == [] and emu.config()["duplicate_status"] == 400


def test_add_app_template_key(emu):
    emu.add_template({"id": 9, "network_id": 1, "platform": "", "name": "T", "context_meta": []})
    emu.add_app(5, template_ids=[9])
    emu.add_key("k5", [5])
    assert [t["id"] for t in call(emu, "GET", "/apps/5/postbacks/templates", key="k5").json()["data"]] == [9]
    assert call(emu, "GET", f"/apps/{APP}/postbacks", key="k5").status_code == 403
    with pytest.raises(ValueError):
        emu.add_app(6, template_ids=[404])


def test_control_api(emu):
    base = emu.url + "/_emulator"
    state = requests.get(base + "/state", timeout=5).json()
    assert {"apps", "templates", "triggers", "config"} <= set(state) and "87100" in state["apps"]
    assert requests.post(base + "/config", json={"duplicate_status": 409, "page_size": 2}, timeout=5).ok
    assert emu.config()["duplicate_status"] == 409 and emu.page_size == 2
    assert requests.post(base + "/config", json={"duplicate_status": 418}, timeout=5).status_code == 400
    fault = requests.post(base + "/faults", json={"method": "GET", "path": "/apps/17/postbacks", "status": 503, "headers": {"Retry-After": "1"}}, timeout=5)
    assert fault.status_code == 201
    emu.wait_idle()
    emu.clear_log()
    assert call(emu, "GET", "/apps/17/postbacks").status_code == 503
    assert requests.post(base + "/faults", json={"method": "GET"}, timeout=5).status_code == 400
    log = requests.get(base + "/log", timeout=5).json()["log"]
    # the control calls are not logged; the API call is, with the injected status. (The log is cleared
    # just before the call: a request another test on this worker left behind once landed after the reset.)
    assert not [e for e in log if e["path"].startswith("/_emulator")]
    assert [e["status"] for e in log if e["path"] == "/apps/17/postbacks"] == [503]
    assert requests.post(base + "/reset", timeout=5).ok
    assert emu.log == [] and emu.config()["duplicate_status"] == 400


def test_control_api_reset_with_seed_and_add_trigger(emu):
    base = emu.url + "/_emulator"
    bad = {"seed": {"apps": {"1": {"template_ids": [404]}}}}
    assert requests.post(base + "/reset", json=bad, timeout=5).status_code == 400
    assert [t["id"] for t in emu.triggers()] == [54636]  # a bad seed changes nothing
    body = {"app_id": APP, "type": "event", "template_id": 3373, "title": "t", "filter_str": "P", "context": {}}
    created = requests.post(base + "/triggers", json=body, timeout=5)
    assert created.status_code == 201 and created.json()["trigger"]["filter_str"] == "P"
    assert requests.post(base + "/triggers", json=body, timeout=5).status_code == 400
    assert emu.log == []
    small = {"demo_key": "k", "templates": [], "apps": {"5": {}}}
    assert requests.post(base + "/reset", json={"seed": small}, timeout=5).ok
    assert emu.demo_key == "k" and call(emu, "GET", "/apps/5/postbacks", key="k").json()["data"] == []


# -- command line ------------------------------------------------------------------------------------
def _cli(*args, **kwargs):
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR)
    return [sys.executable, "-m", "kochava_emulator", *args], env


def test_cli_serve_prints_url_and_stops_on_sigterm():
    cmd, env = _cli("serve", "--port", "0", "--seed", str(DEMO_SEED), "--quiet")
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        response = requests.get(url + "/apps/87100/postbacks/templates", headers={"Authentication-Key": KEY}, timeout=5)
        assert response.status_code == 200 and len(response.json()["data"]) == 3
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_cli_run_sets_env_and_returns_the_exit_status(tmp_path):
    script = (
        "import os, sys, requests\n"
        "url, key = os.environ['KOCHAVA_API_URL'], os.environ['KOCHAVA_API_KEY']\n"
        "r = requests.post(url + '/postbacks', headers={'Authentication-Key': key}, json={'app_id': 87100,"
        " 'type': 'install', 'title': 't', 'template_id': 3373, 'context': {'cpi_mostback_url': 'https://e.x/i'}})\n"
        "sys.exit(3 if r.status_code == 201 else 1)\n"
    )
    log_file = tmp_path / "log.json"
    cmd, env = _cli("run", "--seed", str(DEMO_SEED), "--log-file", str(log_file), "--", sys.executable, "-c", script)
    env.pop("KOCHAVA_API_KEY", None)
    started = time.time()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 3, result.stderr
    assert [e["status"] for e in json.loads(log_file.read_text())] == [201]
    assert time.time() - started < 15


def test_cli_run_without_command_fails():
    cmd, env = _cli("run", "--")
    assert subprocess.run(cmd, env=env, capture_output=True, timeout=30, check=False).returncode == 2


# == behaviour profiles (harsh, the default, and lenient) ==========================================
@pytest.fixture
def lenient(emu):
    emu.configure(profile="lenient")
    return emu


def profile_body(**overrides):
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
    response = call(emu, "POST", "/postbacks", json=profile_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 2}))
    trigger = envelope_of(response, 201)["data"][0]
    assert trigger["context"] == {"cpi_mostback_url": URL, "max_delivery_attempts": "2", "deferred_for": "0"}
    assert "filter_str" not in trigger
    patched = envelope_of(call(emu, "PATCH", f"/postbacks/{trigger['id']}", json={"title": "v2"}), 200)
    assert patched["data"] == []
    deleted = call(emu, "DELETE", f"/postbacks/{trigger['id']}")
    assert deleted.status_code == 200 and deleted.content == b"" and "Content-Type" not in deleted.headers


# -- each lenient behaviour ---------------------------------------------------------------------
def test_lenient_post_answers_200_with_the_trigger_as_sent(lenient):
    context = {"cpi_mostback_url": URL, "max_delivery_attempts": 2, "my_flag": True, "off": False, "ratio": 0.5}
    response = call(lenient, "POST", "/postbacks", json=profile_body(context=context))
    trigger = envelope_of(response, 200)["data"][0]
    assert trigger["context"] == context  # types kept, no template default filled in
    assert isinstance(trigger["context"]["max_delivery_attempts"], int) and trigger["context"]["my_flag"] is True
    assert "deferred_for" not in trigger["context"]
    assert trigger["filter_str"] is None
    assert list(trigger) == ["id", "app_id", "type", "title", "template_id", "filter_str", "active", "date_created", "context"]
    assert lenient.trigger(trigger["id"]) == trigger  # the Python API shows the same shape
    assert [e["status"] for e in lenient.log] == [200]


@pytest.mark.parametrize("trigger_type", ["install", "click"])
def test_lenient_install_and_click_carry_filter_str_null_everywhere(lenient, trigger_type):
    created = call(lenient, "POST", "/postbacks", json=profile_body(type=trigger_type, filter_str="ignored")).json()["data"][0]
    assert created["filter_str"] is None
    listed = call(lenient, "GET", f"/apps/{APP}/postbacks").json()["data"]
    assert listed[0]["filter_str"] is None
    one = call(lenient, "GET", f"/apps/{APP}/postbacks/{created['id']}").json()["data"][0]
    assert one == created
    # a filter_str sent with an install/click is still not stored: it duplicates one without
    again = call(lenient, "POST", "/postbacks", json=profile_body(type=trigger_type))
    assert again.status_code == 400 and again.json()["errors"] == ["Duplicate install post-back"]


def test_lenient_event_keeps_its_filter_str(lenient):
    event = call(lenient, "POST", "/postbacks", json=profile_body(type="event", filter_str="Purchase")).json()["data"][0]
    assert event["filter_str"] == "Purchase"


def test_lenient_patch_merges_and_answers_the_trigger(lenient):
    body = profile_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 2, "extra": "x"})
    trigger_id = call(lenient, "POST", "/postbacks", json=body).json()["data"][0]["id"]
    response = call(lenient, "PATCH", f"/postbacks/{trigger_id}", json={"title": "v2", "active": True, "context": {"deferred_for": 30000}})
    answered = envelope_of(response, 200)["data"]
    stored = lenient.trigger(trigger_id)
    assert answered == [stored]
    assert stored["title"] == "v2" and stored["active"] is True
    # keys not sent are kept; no defaults refilled; the sent value keeps its type
    assert stored["context"] == {"cpi_mostback_url": URL, "max_delivery_attempts": 2, "extra": "x", "deferred_for": 30000}


def test_lenient_patch_without_context_keeps_it_and_answers_the_trigger(lenient):
    trigger_id = call(lenient, "POST", "/postbacks", json=profile_body()).json()["data"][0]["id"]
    answered = call(lenient, "PATCH", f"/postbacks/{trigger_id}", json={"active": True}).json()["data"]
    assert answered == [lenient.trigger(trigger_id)]
    assert answered[0]["context"] == {"cpi_mostback_url": URL} and answered[0]["active"] is True


def test_lenient_patch_still_validates_what_is_sent(lenient):
    trigger_id = call(lenient, "POST", "/postbacks", json=profile_body()).json()["data"][0]["id"]
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
    trigger_id = call(lenient, "POST", "/postbacks", json=profile_body()).json()["data"][0]["id"]
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
        ("POST", "/postbacks", {"json": profile_body(title=" ")}),
        ("POST", "/postbacks", {"json": profile_body(context={"deferred_for": 0})}),
        ("POST", "/postbacks", {"json": profile_body(bogus=1)}),
        ("POST", "/postbacks", {"data": "{not json", "headers": {"Content-Type": "application/json"}}),
        ("POST", "/postbacks", {"json": profile_body(), "key": "not-a-key"}),
        ("POST", "/postbacks", {"json": profile_body(), "key": "app17-only-key-1111"}),
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
        assert call(emu, "POST", "/postbacks", json=profile_body(type="event", filter_str=name)).ok
    duplicate = call(emu, "POST", "/postbacks", json=profile_body(type="event", filter_str="b"))
    assert duplicate.status_code == 409 and duplicate.json()["errors"] == ["Duplicate post-back"]
    first = call(emu, "GET", f"/apps/{APP}/postbacks").json()
    second = call(emu, "GET", f"/apps/{APP}/postbacks", params={"pageToken": first["nextToken"]}).json()
    assert [t["filter_str"] for t in first["data"] + second["data"]] == ["a", "b", "c"]
    assert second["nextToken"] is None and second["previousToken"]
    assert len(emu.triggers(APP)) == 3


def test_faults_apply_in_the_lenient_profile(lenient):
    lenient.inject("POST", "/postbacks", apply_then_drop=True)
    with pytest.raises(requests.ConnectionError):
        call(lenient, "POST", "/postbacks", json=profile_body())
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
    assert call(emu, "POST", "/postbacks", json=profile_body()).status_code == 200
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
        assert call(emu, "POST", "/postbacks", json=profile_body()).status_code == 200
    with pytest.raises(ValueError):
        Emulator(profile="gentle")


def test_a_profile_change_does_not_rewrite_stored_triggers(emu):
    trigger_id = call(emu, "POST", "/postbacks", json=profile_body(context={"cpi_mostback_url": URL, "max_delivery_attempts": 2})).json()["data"][0]["id"]
    emu.configure(profile="lenient")
    context = call(emu, "GET", f"/apps/{APP}/postbacks/{trigger_id}").json()["data"][0]["context"]
    assert context == {"cpi_mostback_url": URL, "max_delivery_attempts": "2", "deferred_for": "0"}


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
