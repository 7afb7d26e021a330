# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import os
import ssl
import time
from urllib.parse import urlsplit

import pytest
import requests
import responses
from responses import matchers
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.kochava.publisher.plugins.module_utils._api import client as _client
from ansible_collections.kochava.publisher.plugins.module_utils._api.client import DEFAULT_API_URL, KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import (
    KochavaAuthError,
    KochavaBadRequestError,
    KochavaDuplicateError,
    KochavaError,
    KochavaForbiddenError,
    KochavaHTTPError,
    KochavaNotFoundError,
    KochavaRateLimitError,
    KochavaResponseError,
    KochavaServerError,
    KochavaTransportError,
    KochavaUncertainWriteError,
)

KEY = "SECRET-KEY-5a9e1c77-never-show-me"
BASE = "https://api.kochava.com"
LIST = BASE + "/apps/17/postbacks"
POSTBACKS = BASE + "/postbacks"
FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures")


def sent(rsps):
    """(method, path) of every request that reached the mock server."""
    return [(call.request.method, urlsplit(call.request.url).path) for call in rsps.calls]


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def envelope(data=None, **extra):
    body = {
        "success": True,
        "meta": None,
        "nextToken": None,
        "previousToken": None,
        "errors": [],
        "warnings": [],
        "messages": [],
        "data": [] if data is None else data,
    }
    body.update(extra)
    return body


def refused():
    """What requests raises when nothing listens: the request was certainly not sent."""
    cause = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/postbacks", cause))


def reset():
    """Connection lost after the request went out: the outcome is unknown."""
    cause = ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer"))
    return requests.exceptions.ConnectionError(cause)


def tls_error():
    cause = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cause.verify_message = "self-signed certificate"
    return requests.exceptions.SSLError(MaxRetryError(None, "/apps/17/postbacks", cause))


class Harness(object):
    def __init__(self):
        self.sleeps = []

    def client(self, **kwargs):
        kwargs.setdefault("sleep", self.sleeps.append)
        kwargs.setdefault("random", lambda: 0.5)
        return KochavaClient(KEY, **kwargs)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def harness():
    return Harness()


@pytest.fixture
def client(harness):
    return harness.client()


# ---------------------------------------------------------------- construction and headers


@pytest.mark.parametrize("key", [None, "", "   "])
def test_api_key_required(key):
    with pytest.raises(KochavaError) as info:
        KochavaClient(key)
    assert str(info.value) == (
        "api_key is required: set it in the task, in module_defaults for group/kochava.publisher.kochava, or in the KOCHAVA_API_KEY environment variable"
    )
    assert info.value.message == str(info.value)


def test_defaults_and_trailing_slash():
    assert DEFAULT_API_URL == "https://api.kochava.com"
    assert KochavaClient(KEY, api_url="https://example.test/v1/").api_url == "https://example.test/v1"
    assert KEY not in repr(KochavaClient(KEY))


def test_headers_and_json_body(rsps, client):
    payload = {
        "app_id": 87100,
        "type": "install",
        "title": "Install Custom Postback",
        "template_id": 3373,
        "context": {"cpi_mostback_url": "https://example.com/ingest"},
    }
    rsps.post(
        POSTBACKS,
        status=201,
        json=fixture("trigger_created.json"),
        match=[
            matchers.json_params_matcher(payload),
            matchers.header_matcher(
                {"Authentication-Key": KEY, "Accept": "application/json", "Content-Type": "application/json", "User-Agent": "kochava.publisher"}
            ),
        ],
    )
    created = client.create_trigger(payload)
    assert created["id"] == 54636
    assert created["filter_str"] == "Purchase"
    assert sent(rsps) == [("POST", "/postbacks")]


def test_get_sends_no_content_type(rsps, client):
    rsps.get(LIST, json=envelope())
    client.list_triggers(17)
    assert "Content-Type" not in rsps.calls[0].request.headers
    assert rsps.calls[0].request.headers["Authentication-Key"] == KEY


class FakeSession(object):
    """Records the keyword arguments of every request."""

    def __init__(self, status=200, body=b'{"success": true, "data": []}'):
        self.headers = {}
        self.sent = []
        self.status = status
        self.body = body

    def request(self, method, url, **kwargs):
        self.sent.append((method, url, kwargs))
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        return response


def test_every_request_sets_timeout_verify_and_no_redirects(harness):
    session = FakeSession()
    client = harness.client(session=session, timeout=7, validate_certs=False, api_url="https://h.test/")
    client.request("GET", "/apps/1/postbacks")
    client.request("PATCH", "/postbacks/2", json={"title": "t"})
    assert session.headers["Authentication-Key"] == KEY
    (method, url, kwargs), (method2, url2, kwargs2) = session.sent
    assert (method, url) == ("GET", "https://h.test/apps/1/postbacks")
    assert kwargs["timeout"] == 7 and kwargs["verify"] is False and kwargs["allow_redirects"] is False
    assert kwargs["data"] is None
    assert (method2, url2) == ("PATCH", "https://h.test/postbacks/2")
    assert json.loads(kwargs2["data"]) == {"title": "t"}
    assert kwargs2["headers"] == {"Content-Type": "application/json"}
    assert kwargs2["timeout"] == 7 and kwargs2["allow_redirects"] is False


class EnvironmentSession(requests.Session):
    """A real requests.Session that records what it would send (proxies, verify, headers) and answers an empty page."""

    def __init__(self):
        super().__init__()
        self.sent = []

    def send(self, request, **kwargs):
        self.sent.append((request, kwargs))
        response = requests.Response()
        response.status_code, response._content, response.request = 200, json.dumps(envelope()).encode(), request
        return response


def test_proxies_come_from_the_environment_once_a_host_and_each_task_reads_its_own(harness, monkeypatch):
    reads = []
    real = requests.sessions.get_environ_proxies
    monkeypatch.setattr(requests.sessions, "get_environ_proxies", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = EnvironmentSession()
    first = harness.client(session=session)
    first.list_triggers(17)
    first.list_triggers(17)
    assert [kwargs["proxies"].get("https") for _request, kwargs in session.sent] == ["http://proxy.test:3128"] * 2
    assert reads == [LIST]  # once for the host, not twice a request
    monkeypatch.setenv("NO_PROXY", "api.kochava.com")  # the next task (a loop's item) shares the session, not the settings
    harness.client(session=session).list_triggers(17)
    assert session.sent[-1][1]["proxies"].get("https") is None and len(reads) == 2


def test_a_netrc_password_for_the_host_is_never_sent(harness, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine api.kochava.com login someone password netrc-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    session = EnvironmentSession()
    harness.client(session=session).list_triggers(17)
    ((request, _kwargs),) = session.sent
    assert "Authorization" not in request.headers and request.headers["Authentication-Key"] == KEY


def test_body_not_json_serialisable_is_not_sent(harness):
    session = FakeSession()
    client = harness.client(session=session)
    with pytest.raises(KochavaError) as info:
        client.create_trigger({"context": {1, 2}})
    assert "cannot be encoded as JSON" in str(info.value)
    assert session.sent == []


def test_path_segments_are_quoted(rsps, client):
    rsps.get(BASE + "/apps/1%2F2/postbacks/..%3Fx", json=envelope())
    assert client.get_trigger("1/2", "..?x") is None


# ---------------------------------------------------------------- domain helpers


def test_list_templates_and_pending(rsps, client):
    rsps.get(BASE + "/apps/17/postbacks/templates", json=fixture("templates.json"))
    rsps.get(BASE + "/apps/17/postbacks/incomplete", json=fixture("templates.json"))
    templates = client.list_templates(17)
    assert [t["id"] for t in templates] == [2209, 3373]
    assert [f["input"]["required"] for f in templates[0]["context_meta"]] == [False, True, False]
    assert client.list_templates(17, pending=True) == templates
    assert sent(rsps) == [("GET", "/apps/17/postbacks/templates"), ("GET", "/apps/17/postbacks/incomplete")]


def test_get_trigger(rsps, client):
    rsps.get(LIST + "/54636", json=fixture("trigger.json"))
    trigger = client.get_trigger(17, 54636)
    assert trigger == {
        "id": 54636,
        "app_id": 17,
        "type": "install",
        "title": "OpenX Performance",
        "template_id": 2602,
        "active": False,
        "date_created": 1394048564,
        "filter_str": "",
        "context": {"cpi_openxperformance_fingerprint_lookback_window": "7", "cpi_openxperformance_device_id_lookback_window": "30"},
    }


def test_get_trigger_missing(rsps, client):
    rsps.get(LIST + "/1", status=404, json=fixture("error_404.json"))
    rsps.get(LIST + "/2", json=envelope([]))
    assert client.get_trigger(17, 1) is None
    assert client.get_trigger(17, 2) is None
    assert len(rsps.calls) == 2, "404 is not retried"


def test_create_trigger_200_and_no_data(rsps, client):
    rsps.post(POSTBACKS, status=200, json=fixture("trigger_created.json"))
    rsps.post(POSTBACKS, status=201, json=envelope([]))
    assert client.create_trigger({"app_id": 17})["id"] == 54636
    assert client.create_trigger({"app_id": 17}) is None


def test_update_trigger(rsps, client):
    rsps.patch(POSTBACKS + "/689966", json=fixture("patch_no_data.json"), match=[matchers.json_params_matcher({"title": "v2", "active": True})])
    rsps.patch(POSTBACKS + "/54636", json=fixture("trigger.json"))
    assert client.update_trigger(689966, {"title": "v2", "active": True}) is None
    assert client.update_trigger(54636, {"title": "x"})["id"] == 54636


def test_delete_trigger_empty_body_and_envelope(rsps, client):
    rsps.delete(POSTBACKS + "/54636", status=200, body="")
    rsps.delete(POSTBACKS + "/54637", status=200, json=envelope([]))
    assert client.delete_trigger(54636) is None
    assert client.delete_trigger(54637) is None


def test_delete_trigger_not_found(rsps, client):
    rsps.delete(POSTBACKS + "/9", status=404, json=fixture("error_404.json"))
    with pytest.raises(KochavaNotFoundError) as info:
        client.delete_trigger(9)
    assert str(info.value) == ("DELETE /postbacks/9 failed: HTTP 404 Not Found: not found (server said: Postback 54636 not found)")
    assert (info.value.method, info.value.path, info.value.status) == ("DELETE", "/postbacks/9", 404)
    assert info.value.errors == ["Postback 54636 not found"]


def test_request_returns_envelope(rsps, client):
    rsps.get(LIST, json=fixture("triggers_strings.json"))
    result = client.request("GET", "/apps/17/postbacks")
    assert result["success"] is True
    assert result["data"][0]["id"] == "689966", "without kind only the envelope is checked"
    assert result["nextToken"] == ""


# ---------------------------------------------------------------- normalisation through the client


def test_numbers_as_strings_normalised_and_warnings_deduplicated(rsps, client):
    rsps.get(LIST, json=fixture("triggers_strings.json"))
    first, second = client.get_all("/apps/17/postbacks", shape="trigger")  # normalising only; list_triggers also checks the app
    assert (first["id"], first["app_id"], first["template_id"]) == (689966, 87100, 3373)
    assert first["active"] is True and second["active"] is False
    assert first["type"] == "install"
    assert first["filter_str"] == "" and second["filter_str"] == ""
    assert first["context"]["deferred_for"] == 30000
    assert first["context"]["max_delivery_attempts"] == "3"
    assert second["context"] == {}
    assert first["extra_key"] == "kept"
    assert client.warnings == ["Endpoint is deprecated"]


# ---------------------------------------------------------------- pagination


def test_pagination_three_pages(rsps, client):
    rsps.get(LIST, json=fixture("triggers_page1.json"), match=[matchers.query_string_matcher("")])
    rsps.get(LIST, json=fixture("triggers_page2.json"), match=[matchers.query_param_matcher({"pageToken": "tok-2"})])
    rsps.get(LIST, json=fixture("triggers_page3.json"), match=[matchers.query_param_matcher({"pageToken": "tok-3"})])
    triggers = client.list_triggers(17)
    assert [t["id"] for t in triggers] == [101, 102, 201, 202, 301, 302]
    assert sent(rsps) == [("GET", "/apps/17/postbacks")] * 3
    assert client.warnings == ["page 1 warning", "shared warning", "page 2 warning", "page 3 warning"]


def test_pagination_empty_token_ends(rsps, client):
    rsps.get(LIST, json=envelope([{"id": 1}], nextToken=""))
    assert len(client.get_all("/apps/17/postbacks", shape="trigger")) == 1
    assert len(rsps.calls) == 1


def test_pagination_repeated_token(rsps, client):
    rsps.get(LIST, json=envelope([{"id": 1}], nextToken="a"), match=[matchers.query_string_matcher("")])
    rsps.get(LIST, json=envelope([{"id": 2}], nextToken="b"), match=[matchers.query_param_matcher({"pageToken": "a"})])
    rsps.get(LIST, json=envelope([{"id": 3}], nextToken="a"), match=[matchers.query_param_matcher({"pageToken": "b"})])
    with pytest.raises(KochavaResponseError) as info:
        client.get_all("/apps/17/postbacks")
    assert "pagination loop" in str(info.value)
    assert str(info.value).startswith("GET /apps/17/postbacks answered HTTP 200")
    assert len(rsps.calls) == 3


# ---------------------------------------------------------------- envelope checks


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        ("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html", "GET /apps/17/postbacks answered HTTP 200 with a body that is not JSON"),
        ('{"success": tru', "application/json", "GET /apps/17/postbacks answered HTTP 200 with a body that is not JSON"),
        ("", "application/json", "GET /apps/17/postbacks answered HTTP 200 with an empty body"),
        ("[1, 2]", "application/json", "GET /apps/17/postbacks answered HTTP 200 with an unexpected body: (body): expected a JSON object, got a list"),
        (
            '{"success": true, "data": {"id": 1}}',
            "application/json",
            "GET /apps/17/postbacks answered HTTP 200 with an unexpected body: data: expected a list, got an object",
        ),
        (
            '{"success": true, "data": [{"title": "x"}]}',
            "application/json",
            "GET /apps/17/postbacks answered HTTP 200 with an unexpected body: data[0].id: required",
        ),
        ('{"data": []}', "application/json", "GET /apps/17/postbacks answered HTTP 200 with an unexpected body: success: required"),
    ],
)
def test_bad_envelopes(rsps, client, body, content_type, expected):
    rsps.get(LIST, body=body, content_type=content_type)
    with pytest.raises(KochavaResponseError) as info:
        client.list_triggers(17)
    assert str(info.value) == expected
    assert (info.value.method, info.value.path, info.value.status) == ("GET", "/apps/17/postbacks", 200)
    assert len(rsps.calls) == 1, "garbage is not retried"


def test_data_null_is_refused_on_a_read(rsps, client):
    rsps.get(LIST, json={"success": True, "data": None})
    with pytest.raises(KochavaResponseError, match="GET /apps/17/postbacks answered data: null where the API document gives a list"):
        client.list_triggers(17)


@pytest.mark.parametrize(
    "item, problem",
    [
        ({"id": 5, "app_id": 87100, "type": "install", "template_id": 3373}, "trigger 5 of app 87100"),
        ({"id": 5, "app_id": 17, "template_id": 3373}, "trigger 5 without type"),
        ({"id": 5, "app_id": 17, "type": "click"}, "trigger 5 without template_id"),
        ({"id": 5, "type": "click", "template_id": 3373}, "trigger 5 without app_id"),
    ],
)
def test_a_listed_trigger_the_call_did_not_ask_for_is_refused(rsps, client, item, problem):
    rsps.get(LIST, json=envelope([item]))
    with pytest.raises(KochavaResponseError) as info:
        client.list_triggers(17)
    assert str(info.value) == "GET /apps/17/postbacks answered %s, which this call did not ask for; nothing is decided on that answer" % problem


def test_get_by_id_refuses_another_trigger(rsps, client):
    rsps.get(BASE + "/apps/17/postbacks/5", json=envelope([{"id": 6, "app_id": 17, "type": "click", "template_id": 3373}]))
    with pytest.raises(KochavaResponseError, match="answered trigger 6 instead of trigger 5"):
        client.get_trigger(17, 5)


def test_pagination_that_never_ends_stops(rsps, client):
    import itertools

    tokens = itertools.count()
    rsps.add_callback("GET", LIST, callback=lambda request: (200, {}, json.dumps(envelope([], nextToken="t%d" % next(tokens)))))
    with pytest.raises(KochavaResponseError, match="answered more than 200 pages"):
        client.list_triggers(17)


def test_success_false_in_2xx(rsps, client):
    rsps.post(POSTBACKS, status=200, json=fixture("success_false_200.json"))
    with pytest.raises(KochavaResponseError) as info:
        client.create_trigger({})
    assert str(info.value) == ("POST /postbacks answered HTTP 200 with success=false (server said: Template 9 is not available for app 17)")
    assert info.value.errors == ["Template 9 is not available for app 17"]


def test_success_false_duplicate_in_2xx(rsps, client):
    rsps.post(POSTBACKS, status=200, json=fixture("error_400_duplicate.json"))
    with pytest.raises(KochavaDuplicateError) as info:
        client.create_trigger({})
    assert info.value.status == 200


# ---------------------------------------------------------------- error mapping


@pytest.mark.parametrize(
    "status, name, cls, expected",
    [
        (
            400,
            "error_400.json",
            KochavaBadRequestError,
            "POST /postbacks failed: HTTP 400 Bad Request: the request was rejected as malformed (server said: context.cpi_mostback_url is required)",
        ),
        (
            400,
            "error_400_duplicate.json",
            KochavaDuplicateError,
            "POST /postbacks failed: HTTP 400 Bad Request: a trigger with the same template, type and filter already exists "
            "(server said: Duplicate install post-back)",
        ),
        (
            409,
            "error_409.json",
            KochavaDuplicateError,
            "POST /postbacks failed: HTTP 409 Conflict: a trigger with the same template, type and filter already exists (server said: Trigger already exists)",
        ),
        (
            401,
            "error_401.json",
            KochavaAuthError,
            "POST /postbacks failed: HTTP 401 Unauthorized: the API key is invalid (check api_key / KOCHAVA_API_KEY) (server said: Invalid Authentication-Key)",
        ),
    ],
)
def test_post_error_mapping(rsps, client, status, name, cls, expected):
    rsps.post(POSTBACKS, status=status, json=fixture(name))
    with pytest.raises(cls) as info:
        client.create_trigger({"app_id": 17})
    assert str(info.value) == expected
    assert info.value.status == status
    assert info.value.errors == fixture(name)["errors"]
    assert isinstance(info.value, KochavaHTTPError)
    assert len(rsps.calls) == 1


def test_duplicate_in_messages_counts(rsps, client):
    rsps.post(POSTBACKS, status=400, json={"success": False, "data": [], "errors": [], "messages": ["DUPLICATE click postback"]})
    with pytest.raises(KochavaDuplicateError):
        client.create_trigger({})


def test_403_message(rsps, client):
    rsps.get(LIST, status=403, json=fixture("error_403.json"))
    with pytest.raises(KochavaForbiddenError) as info:
        client.list_triggers(17)
    assert str(info.value) == (
        "GET /apps/17/postbacks failed: HTTP 403 Forbidden: the key cannot see app 17: no such app, or not authorized (server said: Not authorized for app 17)"
    )


def test_401_on_get(rsps, client):
    rsps.get(LIST, status=401, body="Unauthorized", content_type="text/plain")
    with pytest.raises(KochavaAuthError) as info:
        client.list_triggers(17)
    assert str(info.value) == ("GET /apps/17/postbacks failed: HTTP 401 Unauthorized: the API key is invalid (check api_key / KOCHAVA_API_KEY)")
    assert info.value.errors == []


def test_non_json_error_body_gives_status_only(rsps, harness):
    client = harness.client(max_retries=0)
    rsps.get(LIST, status=502, body="<html><body>" + "x" * 5000 + "</body></html>", content_type="text/html")
    with pytest.raises(KochavaServerError) as info:
        client.list_triggers(17)
    assert str(info.value) == "GET /apps/17/postbacks failed after 1 attempt: HTTP 502 Bad Gateway"


def test_other_4xx_is_http_error(rsps, client):
    rsps.get(LIST, status=418, json={"errors": ["teapot"]})
    with pytest.raises(KochavaHTTPError) as info:
        client.list_triggers(17)
    assert info.value.__class__ is KochavaHTTPError
    assert str(info.value).startswith("GET /apps/17/postbacks failed: HTTP 418")
    assert str(info.value).endswith("(server said: teapot)")


def test_non_retryable_5xx(rsps, client):
    rsps.get(LIST, status=501, json=fixture("error_500.json"))
    with pytest.raises(KochavaServerError) as info:
        client.list_triggers(17)
    assert str(info.value) == ("GET /apps/17/postbacks failed: HTTP 501 Not Implemented (server said: Internal error, try again)")
    assert len(rsps.calls) == 1


def test_warnings_from_error_answers_collected(rsps, harness):
    client = harness.client(max_retries=0)
    rsps.get(LIST, status=500, json=fixture("error_500.json"))
    with pytest.raises(KochavaServerError):
        client.list_triggers(17)
    assert client.warnings == ["degraded"]


# ---------------------------------------------------------------- retries


@pytest.mark.parametrize(
    "status, cls, text",
    [
        (503, KochavaServerError, "HTTP 503 Service Unavailable"),
        (500, KochavaServerError, "HTTP 500 Internal Server Error"),
        (502, KochavaServerError, "HTTP 502 Bad Gateway"),
        (504, KochavaServerError, "HTTP 504 Gateway Timeout"),
    ],
)
def test_get_retries_are_bounded(rsps, harness, status, cls, text):
    client = harness.client()
    rsps.get(LIST, status=status, body="")
    with pytest.raises(cls) as info:
        client.list_triggers(17)
    assert str(info.value) == "GET /apps/17/postbacks failed after 5 attempts: " + text
    assert len(rsps.calls) == 5
    assert sent(rsps) == [("GET", "/apps/17/postbacks")] * 5
    assert len(harness.sleeps) == 4


def test_retry_then_success(rsps, client):
    rsps.get(LIST, status=503, json=fixture("error_500.json"))
    rsps.get(LIST, status=200, json=fixture("trigger.json"))
    assert [t["id"] for t in client.list_triggers(17)] == [54636]
    assert len(rsps.calls) == 2


@pytest.mark.parametrize("max_retries, attempts", [(0, 1), (1, 2), (2, 3)])
def test_max_retries(rsps, harness, max_retries, attempts):
    client = harness.client(max_retries=max_retries)
    rsps.get(LIST, status=503)
    with pytest.raises(KochavaServerError):
        client.list_triggers(17)
    assert len(rsps.calls) == attempts


@pytest.mark.parametrize(
    "method, call",
    [
        ("PATCH", lambda c: c.update_trigger(5, {"title": "t"})),
        ("DELETE", lambda c: c.delete_trigger(5)),
    ],
)
def test_patch_and_delete_are_retried(rsps, client, method, call):
    rsps.add(method, POSTBACKS + "/5", status=502)
    rsps.add(method, POSTBACKS + "/5", body=requests.exceptions.ReadTimeout("read timed out"))
    rsps.add(method, POSTBACKS + "/5", body=reset())
    rsps.add(method, POSTBACKS + "/5", status=200, json=envelope([]))
    assert call(client) is None
    assert sent(rsps) == [(method, "/postbacks/5")] * 4


def test_backoff_full_jitter_and_cap(rsps, harness):
    client = harness.client(max_retries=7, random=lambda: 1.0)
    rsps.get(LIST, status=503)
    with pytest.raises(KochavaServerError):
        client.list_triggers(17)
    assert harness.sleeps == [1, 2, 4, 8, 16, 30, 30]


def test_backoff_uses_random(rsps, harness):
    values = iter([0.25, 0.5, 0.0])
    client = harness.client(max_retries=3, random=lambda: next(values))
    rsps.get(LIST, status=500)
    with pytest.raises(KochavaServerError):
        client.list_triggers(17)
    assert harness.sleeps == [0.25, 1.0, 0.0]


def http_date(offset):
    return email.utils.formatdate(time.time() + offset, usegmt=True)


@pytest.mark.parametrize(
    "header, low, high",
    [
        ("7", 7, 7),
        ("0", 0, 0),
        ("2.5", 2.5, 2.5),
        ("120", 60, 60),
        (None, 0.5, 0.5),  # no header: backoff (random 0.5 * 1)
        ("soon", 0.5, 0.5),  # unreadable: backoff
    ],
)
def test_retry_after_seconds(rsps, harness, header, low, high):
    client = harness.client()
    headers = {"Retry-After": header} if header is not None else {}
    rsps.get(LIST, status=503, headers=headers)
    rsps.get(LIST, json=envelope())
    client.list_triggers(17)
    assert len(harness.sleeps) == 1
    assert low <= harness.sleeps[0] <= high


@pytest.mark.parametrize(
    "header, delay",
    [
        ("7", 7.5),  # Retry-After + random() * 1 (random 0.5)
        ("0", 0.5),
        ("2.5", 3.0),
        ("120", 60.5),  # capped at 60, then the jitter
        (None, 1.5),  # no header: as if 1 s
        ("soon", 1.5),  # unreadable: as if 1 s
    ],
)
def test_429_waits_retry_after_plus_jitter(rsps, harness, header, delay):
    client = harness.client()
    headers = {"Retry-After": header} if header is not None else {}
    rsps.get(LIST, status=429, headers=headers)
    rsps.get(LIST, json=envelope())
    client.list_triggers(17)
    assert harness.sleeps == [delay]


@pytest.mark.parametrize("offset, low, high", [(20, 17, 20), (3600, 60, 60), (-3600, 0, 0)])
def test_retry_after_http_date(rsps, harness, offset, low, high):
    client = harness.client()
    rsps.get(LIST, status=503, headers={"Retry-After": http_date(offset)})
    rsps.get(LIST, json=envelope())
    client.list_triggers(17)
    assert low <= harness.sleeps[0] <= high


def test_connection_errors_retried_then_give_up(rsps, client):
    rsps.get(LIST, body=reset())
    with pytest.raises(KochavaTransportError) as info:
        client.list_triggers(17)
    assert str(info.value) == ("GET /apps/17/postbacks failed after 5 attempts talking to api.kochava.com: connection reset")
    assert len(rsps.calls) == 5


def test_read_timeout_retried(rsps, client):
    rsps.get(LIST, body=requests.exceptions.ReadTimeout("timed out"))
    rsps.get(LIST, body=refused())
    rsps.get(LIST, body=requests.exceptions.ConnectTimeout("timed out"))
    rsps.get(LIST, json=envelope())
    assert client.list_triggers(17) == []
    assert len(rsps.calls) == 4


def test_refused_message(rsps, harness):
    client = harness.client(max_retries=1)
    rsps.get(LIST, body=refused())
    with pytest.raises(KochavaTransportError) as info:
        client.list_triggers(17)
    assert str(info.value) == ("GET /apps/17/postbacks failed after 2 attempts talking to api.kochava.com: connection refused")


def test_tls_error_not_retried(rsps, client):
    rsps.get(LIST, body=tls_error())
    with pytest.raises(KochavaTransportError) as info:
        client.list_triggers(17)
    assert str(info.value) == (
        "GET /apps/17/postbacks failed talking to api.kochava.com: TLS/certificate error: "
        "certificate verify failed: self-signed certificate "
        "(validate_certs: false skips the check; for test servers only)"
    )
    assert len(rsps.calls) == 1


def test_invalid_api_url(harness):
    client = harness.client(api_url="not a url")
    with pytest.raises(KochavaTransportError) as info:
        client.list_triggers(17)
    assert "check api_url" in str(info.value)
    assert client.retry.events == [], "a bad URL is not retried"


# ---------------------------------------------------------------- POST is never resent blindly


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_uncertain_on_5xx(rsps, client, status):
    rsps.post(POSTBACKS, status=status, json=fixture("error_500.json"))
    with pytest.raises(KochavaUncertainWriteError) as info:
        client.create_trigger({"app_id": 17})
    assert info.value.status == status
    assert (info.value.method, info.value.path) == ("POST", "/postbacks")
    assert str(info.value).endswith("; the outcome is unknown: the write may or may not have been applied")
    assert "trigger" not in str(info.value)
    assert "(server said: Internal error, try again)" in str(info.value)
    assert len(rsps.calls) == 1


@pytest.mark.parametrize(
    "error, kind",
    [
        (requests.exceptions.ReadTimeout("timed out"), "read timed out"),
        (reset(), "connection reset"),
        (requests.exceptions.ChunkedEncodingError("broken"), "connection error (ChunkedEncodingError)"),
    ],
)
def test_post_uncertain_without_answer(rsps, client, error, kind):
    rsps.post(POSTBACKS, body=error)
    with pytest.raises(KochavaUncertainWriteError) as info:
        client.create_trigger({"app_id": 17})
    assert info.value.status is None
    assert str(info.value) == ("POST /postbacks: the outcome is unknown (%s, talking to api.kochava.com): the write may or may not have been applied" % kind)
    assert len(rsps.calls) == 1


def test_post_retried_on_429(rsps, client, harness):
    rsps.post(POSTBACKS, status=429, headers={"Retry-After": "3"}, json=envelope(success=False))
    rsps.post(POSTBACKS, status=201, json=fixture("trigger_created.json"))
    assert client.create_trigger({"app_id": 17})["id"] == 54636
    assert harness.sleeps == [3.5]
    assert sent(rsps) == [("POST", "/postbacks")] * 2


def test_post_429_bounded_by_the_time_budget(rsps, harness):
    client = harness.client(max_retries=0, rate_limit_wait=5)
    rsps.post(POSTBACKS, status=429, headers={"Retry-After": "1"}, json=envelope(success=False, errors=["Too many requests"]))
    with pytest.raises(KochavaRateLimitError) as info:
        client.create_trigger({})
    # waits 1 + 0.5 * 1, 1 + 0.5 * 2; the third (1 + 0.5 * 2: the spread stops at 2 s) would make 5.5 s of a 5 s budget
    assert harness.sleeps == [1.5, 2.0]
    assert str(info.value) == (
        "POST /postbacks failed: HTTP 429 Too Many Requests: still rate limited after 3 HTTP 429 answers in this task "
        "(the last with Retry-After 1 s); waited 3.5 s in all, and the next wait (2 s) would pass the rate_limit_wait budget of 5 s "
        "(raise rate_limit_wait, or set max_requests_per_second to pace the forks of this controller) (server said: Too many requests)"
    )
    assert (info.value.method, info.value.path, info.value.status, info.value.errors) == ("POST", "/postbacks", 429, ["Too many requests"])
    assert not isinstance(info.value, KochavaUncertainWriteError)
    assert sent(rsps) == [("POST", "/postbacks")] * 3


@pytest.mark.parametrize("error", [refused(), requests.exceptions.ConnectTimeout("connect timed out")])
def test_post_retried_when_certainly_not_sent(rsps, client, error):
    rsps.post(POSTBACKS, body=error)
    rsps.post(POSTBACKS, body=error)
    rsps.post(POSTBACKS, status=201, json=fixture("trigger_created.json"))
    assert client.create_trigger({"app_id": 17})["id"] == 54636
    assert len(rsps.calls) == 3


def test_post_not_sent_bounded(rsps, harness):
    client = harness.client(max_retries=1)
    rsps.post(POSTBACKS, body=refused())
    with pytest.raises(KochavaTransportError):
        client.create_trigger({})
    assert len(rsps.calls) == 2


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_refused(rsps, client, status):
    rsps.get(LIST, status=status, headers={"Location": "https://evil.example.net/steal?x=1"})
    with pytest.raises(KochavaResponseError) as info:
        client.list_triggers(17)
    message = str(info.value)
    assert message.startswith("GET /apps/17/postbacks answered HTTP %d" % status)
    assert "refusing to follow redirect to evil.example.net" in message
    assert KEY not in message
    assert len(rsps.calls) == 1
    assert [call.request.url for call in rsps.calls] == [LIST]


def test_redirect_same_host_also_refused(rsps, client):
    rsps.post(POSTBACKS, status=307, headers={"Location": "/v2/postbacks"})
    with pytest.raises(KochavaResponseError) as info:
        client.create_trigger({})
    assert "refusing to follow redirect to api.kochava.com" in str(info.value)


# ---------------------------------------------------------------- secrets


def _texts(exc):
    seen = []
    todo = [exc]
    while todo:
        item = todo.pop()
        if item is None or any(item is other for other in seen):
            continue
        seen.append(item)
        todo.extend([item.__cause__, item.__context__])
    texts = []
    for item in seen:
        texts.extend([str(item), repr(item), repr(vars(item)) if hasattr(item, "__dict__") else ""])
    return texts


def _scenario(rsps, name):
    if name == "transport":
        rsps.get(LIST, body=reset())
    elif name == "tls":
        rsps.get(LIST, body=tls_error())
    elif name == "html":
        rsps.get(LIST, body="<html>%s</html>" % KEY, content_type="text/html")
    elif name == "shape":
        rsps.get(LIST, json={"success": True, "data": [{"title": KEY}]})
    elif name == "redirect":
        rsps.get(LIST, status=302, headers={"Location": "https://other.example/?k=%s" % KEY})
    elif name == "success-false":
        rsps.get(LIST, json={"success": False, "data": [], "errors": ["bad key %s" % KEY]})
    elif name == "loop":
        rsps.get(LIST, json=envelope([], nextToken="t"))
    else:
        status = int(name)
        rsps.get(LIST, status=status, json={"success": False, "data": [], "errors": ["Invalid key %s" % KEY, "duplicate"], "warnings": ["key %s" % KEY]})


@pytest.mark.parametrize(
    "name", ["transport", "tls", "html", "shape", "redirect", "success-false", "loop", "400", "401", "403", "404", "409", "429", "500", "503"]
)
def test_key_never_in_errors(rsps, harness, name):
    rsps.assert_all_requests_are_fired = False
    client = harness.client(max_retries=1)
    _scenario(rsps, name)
    with pytest.raises(KochavaError) as info:
        client.list_triggers(17)
    for text in _texts(info.value):
        assert KEY not in text
    assert info.value.__context__ is None and info.value.__cause__ is None
    for text in client.warnings:
        assert KEY not in text


@pytest.mark.parametrize("error", [reset(), requests.exceptions.ReadTimeout("x")])
def test_key_never_in_uncertain_post(rsps, client, error):
    rsps.post(POSTBACKS, body=error)
    with pytest.raises(KochavaUncertainWriteError) as info:
        client.create_trigger({"k": KEY})
    for text in _texts(info.value):
        assert KEY not in text


def test_invalid_key_characters_do_not_leak(rsps, harness):
    bad_key = KEY + "\n"
    client = KochavaClient(bad_key, sleep=harness.sleeps.append)
    with pytest.raises(KochavaTransportError) as info:
        client.list_triggers(17)
    assert "check api_key" in str(info.value)
    for text in _texts(info.value):
        assert KEY not in text


# ---------------------------------------------------------------- import flags


def test_import_flags():
    assert _client.HAS_REQUESTS is True
    assert _client.REQUESTS_IMPORT_ERROR is None
    assert _client.DEFAULT_MAX_RETRIES == 4


@responses.activate
def test_plain_text_duplicate_400_is_a_duplicate():
    responses.add(responses.POST, "https://api.kochava.com/postbacks", body="Duplicate install post-back", status=400, content_type="text/plain")
    client = KochavaClient("k-123", sleep=lambda s: None)
    with pytest.raises(KochavaDuplicateError):
        client.create_trigger({"app_id": 1})


# ---------------------------------------------------------------- messages name the path as sent

V1 = "https://api.example.test/v1"


@pytest.fixture
def v1_client(harness):
    return harness.client(api_url=V1 + "/", max_retries=1)


def test_404_names_the_full_path(rsps, v1_client):
    rsps.get(V1 + "/apps/87100/postbacks", status=404, json=fixture("error_404.json"))
    with pytest.raises(KochavaNotFoundError) as info:
        v1_client.list_triggers(87100)
    assert str(info.value) == (
        "GET /v1/apps/87100/postbacks failed: HTTP 404 Not Found: the key cannot see app 87100: no such app, or not authorized"
        " (server said: Postback 54636 not found)"
    )
    assert info.value.path == "/v1/apps/87100/postbacks"


@pytest.mark.parametrize(
    "body, expected",
    [
        (reset(), "GET /v1/apps/87100/postbacks failed after 2 attempts talking to api.example.test: connection reset"),
        (tls_error(), "GET /v1/apps/87100/postbacks failed talking to api.example.test: TLS/certificate error"),
        ("<html></html>", "GET /v1/apps/87100/postbacks answered HTTP 200 with a body that is not JSON"),
        ({"success": True}, "GET /v1/apps/87100/postbacks answered HTTP 200 with an unexpected body: data: required"),
        ({"success": False, "data": []}, "GET /v1/apps/87100/postbacks answered HTTP 200 with success=false"),
        ({"status": 503}, "GET /v1/apps/87100/postbacks failed after 2 attempts: HTTP 503 Service Unavailable"),
        ({"status": 302}, "GET /v1/apps/87100/postbacks answered HTTP 302 Found: refusing to follow redirect to an unknown location"),
        ({"loop": True}, "GET /v1/apps/87100/postbacks answered HTTP 200 with a nextToken it already gave (pagination loop) after 2 pages"),
    ],
)
def test_every_message_names_the_full_path(rsps, v1_client, body, expected):
    rsps.assert_all_requests_are_fired = False
    url = V1 + "/apps/87100/postbacks"
    if isinstance(body, dict) and "status" in body:
        rsps.get(url, status=body["status"])
    elif isinstance(body, dict) and "loop" in body:
        rsps.get(url, json=envelope([], nextToken="t"))
    elif isinstance(body, dict):
        rsps.get(url, json=body)
    elif isinstance(body, str):
        rsps.get(url, body=body, content_type="text/html")
    else:
        rsps.get(url, body=body)
    with pytest.raises(KochavaError) as info:
        v1_client.list_triggers(87100)
    assert str(info.value).startswith(expected)


def test_uncertain_post_and_retry_summary_name_the_full_path(rsps, v1_client):
    rsps.get(V1 + "/apps/87100/postbacks", status=503)
    rsps.get(V1 + "/apps/87100/postbacks", json=envelope())
    rsps.post(V1 + "/postbacks", body=requests.exceptions.ReadTimeout("x"))
    assert v1_client.list_triggers(87100) == []
    with pytest.raises(KochavaUncertainWriteError) as info:
        v1_client.create_trigger({})
    assert str(info.value).startswith("POST /v1/postbacks: the outcome is unknown (read timed out")
    assert v1_client.retry.summary() == "GET /v1/apps/87100/postbacks: retried once after HTTP 503"
    assert v1_client.call_name("post", "postbacks") == "POST /v1/postbacks"


def test_body_encoding_error_names_the_full_path(harness):
    client = harness.client(api_url=V1, session=FakeSession())
    with pytest.raises(KochavaError) as info:
        client.update_trigger(5, {"context": float("nan")})
    assert str(info.value) == "PATCH /v1/postbacks/5: the request body cannot be encoded as JSON (ValueError)"


# ---------------------------------------------------------------- retries are recorded


def test_retry_summary_of_a_task(rsps, client, harness):
    rsps.get(LIST, status=503)
    rsps.get(LIST, body=reset())
    rsps.get(LIST, json=envelope())
    rsps.post(POSTBACKS, status=429, headers={"Retry-After": "2"})
    rsps.post(POSTBACKS, status=201, json=fixture("trigger_created.json"))
    client.list_triggers(17)
    client.create_trigger({})
    assert client.retry.summary() == (
        "GET /apps/17/postbacks: retried once after HTTP 503, retried once after connection reset; "
        "POST /postbacks: 1 wait of 2.5 s after HTTP 429; rate limited once, waited 2.5 s in all"
    )
    assert [(event.what, event.why) for event in client.retry.events] == [
        ("GET /apps/17/postbacks", "HTTP 503"),
        ("GET /apps/17/postbacks", "connection reset"),
        ("POST /postbacks", "HTTP 429"),
    ]
    assert harness.sleeps == [0.5, 1.0, 2.5]


def test_nothing_retried_no_summary(rsps, client):
    rsps.get(LIST, json=envelope())
    client.list_triggers(17)
    assert client.retry.summary() is None


def test_retry_budget_is_shared_with_callers(harness):
    client = harness.client(max_retries=2)
    assert client.retry.max_retries == 2
    assert client.retry.max_attempts == 3
    assert harness.client().retry.max_attempts == _client.DEFAULT_MAX_RETRIES + 1
    client.retry.wait(1, "POST /postbacks", "outcome unknown (read timed out)")
    assert harness.sleeps == [1.0]
    assert client.retry.summary() == "POST /postbacks: retried once after outcome unknown (read timed out)"


def test_api_warnings_are_masked(rsps, client):
    rsps.get(LIST, json=envelope(warnings=["key %s is old" % KEY, "key %s is old" % KEY, "plain"]))
    client.list_triggers(17)
    assert client.warnings == ["key ******** is old", "plain"]
