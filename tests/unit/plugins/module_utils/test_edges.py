# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 23 in process: the answer cap, undecodable answers, writes whose answer cannot be read,
a name that does not resolve, the app error wording, and the connection options' checks.
(tests/hostile runs the same edges against a real hostile server, the module in its own process.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import json
import os
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NameResolutionError, ProtocolError

from ansible_collections.kochava.publisher.plugins.module_utils._api import answers as _answers
from ansible_collections.kochava.publisher.plugins.module_utils._api.client import DEFAULT_MAX_ANSWER_BYTES, KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import (
    KochavaForbiddenError,
    KochavaNotFoundError,
    KochavaResponseError,
    KochavaTransportError,
    KochavaUncertainWriteError,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.options import (
    MIN_ANSWER_BYTES,
    api_url_problem,
    app_id_problem,
    connection_problem,
    is_loopback,
    url_credentials,
)
from ansible_collections.kochava.publisher.plugins.module_utils._api.transport import classify, read_body

KEY = "SECRET-KEY-edges-never-show-me"
BASE = "https://api.kochava.com"
LIST = BASE + "/apps/17/postbacks"
POSTBACKS = BASE + "/postbacks"
CAP = MIN_ANSWER_BYTES


def envelope(data=None, **extra):
    body = {"success": True, "meta": None, "nextToken": None, "previousToken": None, "errors": [], "warnings": [], "messages": [], "data": data or []}
    body.update(extra)
    return body


def a_trigger(id_=5):
    return {"id": id_, "app_id": 17, "type": "install", "title": "Install", "template_id": 3373, "active": False, "context": {}}


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def client(**kwargs):
    sleeps = []
    kwargs.setdefault("sleep", sleeps.append)
    kwargs.setdefault("random", lambda: 0.5)
    made = KochavaClient(KEY, **kwargs)
    made.sleeps = sleeps
    return made


def sent(rsps):
    return [(call.request.method, urlsplit(call.request.url).path) for call in rsps.calls]


# ---------------------------------------------------------------- the answer cap


def test_the_default_cap_is_16_mib():
    assert DEFAULT_MAX_ANSWER_BYTES == 16 * 1024 * 1024


def test_a_read_over_the_cap_is_retried_then_an_error_naming_the_cap(rsps):
    big = json.dumps(envelope(pad="x" * CAP))
    rsps.get(LIST, body=big)
    rsps.get(LIST, json=envelope())
    made = client(max_answer_bytes=CAP)
    assert made.list_triggers(17) == []
    assert made.retry.summary() == "GET /apps/17/postbacks: retried once after the answer is larger than max_answer_bytes (65536 bytes); the rest was not read"


def test_a_read_always_over_the_cap_fails_naming_it(rsps):
    rsps.get(LIST, body="x" * (CAP + 1))
    with pytest.raises(KochavaTransportError) as info:
        client(max_answer_bytes=CAP, max_retries=2).list_triggers(17)
    assert str(info.value) == (
        "GET /apps/17/postbacks failed after 3 attempts talking to api.kochava.com: "
        "the answer is larger than max_answer_bytes (65536 bytes); the rest was not read"
    )


def test_the_cap_counts_bytes_after_decompression(rsps):
    inflated = json.dumps(envelope(pad="0" * (CAP * 4))).encode()
    packed = gzip.compress(inflated)
    assert len(packed) < CAP  # small on the wire
    rsps.get(LIST, body=packed, headers={"Content-Encoding": "gzip"}, content_type="application/json")
    with pytest.raises(KochavaTransportError) as info:
        client(max_answer_bytes=CAP, max_retries=0).list_triggers(17)
    assert "larger than max_answer_bytes (65536 bytes)" in str(info.value)


def test_an_answer_just_under_the_cap_is_read(rsps):
    body = json.dumps(envelope([a_trigger()]))
    body += " " * (CAP - len(body))
    rsps.get(LIST, body=body)
    assert [t["id"] for t in client(max_answer_bytes=CAP).list_triggers(17)] == [5]


def test_a_post_over_the_cap_is_an_unknown_outcome_never_resent_by_the_client(rsps):
    rsps.post(POSTBACKS, status=201, body="x" * (CAP + 1))
    with pytest.raises(KochavaUncertainWriteError) as info:
        client(max_answer_bytes=CAP).create_trigger({"title": "t"})
    assert str(info.value).startswith("POST /postbacks: the outcome is unknown (the answer is larger than max_answer_bytes (65536 bytes)")
    assert info.value.changed is True
    assert sent(rsps) == [("POST", "/postbacks")]


class _Raw(object):
    """A body that comes one chunk at a time, for ever (or until ``stop``)."""

    def __init__(self, chunk=b"x", stop=None):
        self.chunk, self.stop, self.reads = chunk, stop, 0

    def stream(self, amount, decode_content=True):
        while self.stop is None or self.reads < self.stop:
            self.reads += 1
            yield self.chunk


def _streamed(raw, headers=None):
    response = requests.Response()
    response.status_code = 200
    response.raw = raw
    response.headers.update(headers or {})
    return response


def test_read_body_stops_at_the_cap_without_reading_the_rest():
    raw = _Raw(b"x" * 1000)
    with pytest.raises(Exception) as info:
        read_body(_streamed(raw), 10000)
    assert type(info.value).__name__ == "AnswerTooLarge" and raw.reads == 11


def test_read_body_refuses_a_content_length_over_the_cap_before_reading():
    raw = _Raw(b"x", stop=5)
    with pytest.raises(Exception) as info:
        read_body(_streamed(raw, {"Content-Length": "20000000"}), 10000)
    assert type(info.value).__name__ == "AnswerTooLarge" and raw.reads == 0


def test_read_body_stops_once_the_deadline_passed():
    raw = _Raw(b"x")
    calls = []
    assert read_body(_streamed(raw), 10000, expired=lambda: calls.append(1) or len(calls) >= 3) == b"xxx"


# ---------------------------------------------------------------- answers that cannot be decoded


def test_100000_nested_brackets_are_a_response_error_not_a_recursion_error(rsps):
    rsps.get(LIST, body="[" * 100000)
    with pytest.raises(KochavaResponseError) as info:
        client().list_triggers(17)
    assert str(info.value) == "GET /apps/17/postbacks answered HTTP 200 with a body that is not JSON that can be read (nested too deeply)"
    assert sent(rsps) == [("GET", "/apps/17/postbacks")]  # a bad answer is not retried


def test_a_memory_error_while_decoding_is_a_response_error(rsps, monkeypatch):
    def loads(text):
        raise MemoryError()

    monkeypatch.setattr(_answers._json, "loads", loads)
    rsps.get(LIST, body="{}")
    with pytest.raises(KochavaResponseError) as info:
        client().list_triggers(17)
    assert str(info.value) == "GET /apps/17/postbacks answered HTTP 200 with a body that is not JSON that fits in memory"


@pytest.mark.parametrize(
    "body, said",
    [
        ("[" * 100000, "with a body that is not JSON that can be read (nested too deeply)"),
        ("<html>created</html>", "with a body that is not JSON"),
        (json.dumps({"data": "x"}), "with an unexpected body"),
    ],
)
def test_a_post_answered_2xx_with_a_body_that_cannot_be_read_is_an_unknown_outcome(rsps, body, said):
    rsps.post(POSTBACKS, status=201, body=body)
    with pytest.raises(KochavaUncertainWriteError) as info:
        client().create_trigger({"title": "t"})
    assert str(info.value).startswith("POST /postbacks answered HTTP 201 " + said)
    assert str(info.value).endswith("; the outcome is unknown: the write may or may not have been applied")
    assert info.value.changed is True and sent(rsps) == [("POST", "/postbacks")]


def test_a_patch_answered_with_a_body_that_cannot_be_read_is_an_unknown_outcome(rsps):
    rsps.patch(POSTBACKS + "/5", body="[" * 100000)
    with pytest.raises(KochavaUncertainWriteError) as info:
        client().update_trigger(5, {"title": "t"})
    assert "PATCH /postbacks/5 answered HTTP 200 with a body that is not JSON that can be read" in str(info.value)


def test_success_false_answering_a_post_is_a_refusal_not_an_unknown_outcome(rsps):
    rsps.post(POSTBACKS, status=200, json=envelope(success=False, errors=["Invalid template"]))
    with pytest.raises(KochavaResponseError) as info:
        client().create_trigger({"title": "t"})
    assert not isinstance(info.value, KochavaUncertainWriteError)


def test_a_reset_in_the_middle_of_the_body_reads_as_a_lost_connection():
    exc = requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken: IncompleteRead(10 bytes read, 90 more expected)"))
    from ansible_collections.kochava.publisher.plugins.module_utils._api.transport import _failure

    failure = _failure(exc, mid_body=True)
    assert failure.reason == "connection lost in the middle of the answer (ChunkedEncodingError)" and failure.sent and not failure.permanent


# ---------------------------------------------------------------- a name that does not resolve


def _dns_error(errno_):
    cause = socket.gaierror(errno_, "Name or service not known" if errno_ == socket.EAI_NONAME else "Temporary failure in name resolution")
    resolution = NameResolutionError("api.nothing.invalid", None, cause)
    resolution.__cause__ = cause
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/apps/17/postbacks", resolution))


def test_a_name_that_does_not_exist_is_not_retried(rsps):
    rsps.get(LIST, body=_dns_error(socket.EAI_NONAME))
    made = client()
    with pytest.raises(KochavaTransportError) as info:
        made.list_triggers(17)
    assert str(info.value) == (
        "GET /apps/17/postbacks failed talking to api.kochava.com: the host name does not resolve (no such name; check api_url; not retried)"
    )
    assert made.sleeps == [] and len(rsps.calls) == 1


def test_a_temporary_resolver_failure_is_retried():
    failure = classify(_dns_error(socket.EAI_AGAIN))
    assert failure.reason == "could not resolve the host name" and not failure.permanent and not failure.sent


def test_a_real_name_that_does_not_resolve_fails_fast():
    """Through the resolver of this machine (``.invalid`` never resolves, RFC 2606): one attempt, no backoff."""
    made = client(api_url="https://api.nothing.invalid", timeout=5)
    with pytest.raises(KochavaTransportError) as info:
        made.list_triggers(17)
    assert str(info.value) == (
        "GET /apps/17/postbacks failed talking to api.nothing.invalid: the host name does not resolve (no such name; check api_url; not retried)"
    )
    assert made.sleeps == []


# ---------------------------------------------------------------- an app the key cannot see


@pytest.mark.parametrize("status, cls", [(403, KochavaForbiddenError), (404, KochavaNotFoundError)])
def test_an_app_path_answered_403_or_404_says_the_key_cannot_see_the_app(rsps, status, cls):
    rsps.get(LIST, status=status, json=envelope(success=False, errors=["Not authorized"]))
    with pytest.raises(cls) as info:
        client().list_triggers(17)
    assert "the key cannot see app 17: no such app, or not authorized (server said: Not authorized)" in str(info.value)


def test_the_app_wording_follows_the_api_url_path(rsps):
    rsps.get("https://api.kochava.com/v1/apps/17/postbacks", status=403, json=envelope(success=False))
    with pytest.raises(KochavaForbiddenError) as info:
        client(api_url="https://api.kochava.com/v1").list_triggers(17)
    assert str(info.value) == "GET /v1/apps/17/postbacks failed: HTTP 403 Forbidden: the key cannot see app 17: no such app, or not authorized"


def test_a_404_off_an_app_path_keeps_its_wording(rsps):
    rsps.delete(POSTBACKS + "/5", status=404, json=envelope(success=False))
    with pytest.raises(KochavaNotFoundError) as info:
        client().delete_trigger(5)
    assert str(info.value) == "DELETE /postbacks/5 failed: HTTP 404 Not Found: not found"


# ---------------------------------------------------------------- the deadline of one exchange (a real socket)


def _slow_server(delay_each, count):
    """A server on 127.0.0.1 that sends its status line one byte per ``delay_each`` seconds, ``count`` bytes at most."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(10)

    def serve():
        try:
            conn, dummy = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\n" * 10:
                count_left[0] -= 1
                if count_left[0] < 0:
                    break
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    break
                time.sleep(delay_each)
        listener.close()

    count_left = [count]
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return "http://127.0.0.1:%d" % listener.getsockname()[1], thread


def test_trickled_headers_end_at_the_deadline_not_when_the_server_stops():
    url, thread = _slow_server(0.2, 150)  # 30 s of headers, each byte well within the socket timeout
    made = client(api_url=url, timeout=1, max_retries=0)
    started = time.monotonic()
    with pytest.raises(KochavaTransportError) as info:
        made.list_triggers(17)
    elapsed = time.monotonic() - started
    assert "no complete answer within 1 s" in str(info.value)
    assert elapsed < 15  # the server would go on for 30 s
    thread.join(20)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # Python 3.12+: the fork is the test
def test_one_watchdog_thread_serves_every_exchange_and_a_forked_child_starts_its_own():
    from ansible_collections.kochava.publisher.plugins.module_utils._api import transport

    for _number in range(50):
        with transport._Exchange(30):
            pass
    watchdogs = [t for t in threading.enumerate() if t.name == "kochava-exchange-deadline"]
    assert len(watchdogs) == 1  # not a thread an exchange
    late = transport._Exchange(0.1)
    with late:
        time.sleep(0.5)
    assert late.expired  # the shared thread still ends an exchange at its deadline
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # an ansible-playbook worker is a fork of the controller: its exchanges need a watchdog of their own
        forked = transport._Exchange(0.1)
        with forked:
            time.sleep(0.5)
        os.write(write, b"1" if forked.expired else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(child, 0)


# ---------------------------------------------------------------- the connection options


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("10.0.0.1", False),
        ("api.kochava.com", False),
        ("localhost.example.com", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    "url",
    ["https://api.kochava.com", "https://api.kochava.com/", "https://api.kochava.com/v1", "http://127.0.0.1:8080", "http://localhost/", "http://[::1]:9/v1"],
)
def test_api_url_accepted(url):
    assert api_url_problem(url) is None


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://api.kochava.com", "api_url must be https:// (plain http:// would send the API key in clear text; it is allowed only for a loopback host"),
        ("http://192.168.1.5/", "api_url must be https://"),
        ("https://api.kochava.com/?x=1", "api_url must not have a query (\"?...\"): the API paths are appended to it; got 'https://api.kochava.com/?x=1'"),
        ("https://api.kochava.com?", "api_url must not have a query"),
        ("https://api.kochava.com/#frag", 'api_url must not have a fragment ("#..."): the API paths are appended to it'),
        ("https://api.kochava.com#", "api_url must not have a fragment"),
        ("ftp://api.kochava.com", "api_url must be an https:// URL with a host name, like https://api.kochava.com; got"),
        ("https://api.kochava.com\n", "api_url must not contain blanks or control characters"),
    ],
)
def test_api_url_refused(url, message):
    assert api_url_problem(url).startswith(message)


@pytest.mark.parametrize("url", ["https://user:pw-s3cret@api.kochava.com", "http://pw-s3cret@127.0.0.1", "https://user:pw-s3cret@", "ftp://user:pw-s3cret@x"])
def test_api_url_with_user_info_is_refused_and_never_quoted(url):
    problem = api_url_problem(url)
    assert problem.startswith("api_url must")
    assert "pw-s3cret" not in problem
    assert url in url_credentials(url)


def test_url_credentials():
    assert url_credentials("https://api.kochava.com") == []
    assert url_credentials("https://user:pw@api.kochava.com/v1") == ["https://user:pw@api.kochava.com/v1", "user:pw"]
    assert url_credentials(None) == []


@pytest.mark.parametrize("app_id", [True, False, 0, -5, None, "87100", 1.5])
def test_app_id_refused(app_id):
    assert app_id_problem(app_id) == "app_id must be a positive integer (the id of a Kochava app), got %r" % (app_id,)


def test_app_id_accepted():
    assert app_id_problem(1) is None and app_id_problem(87100) is None


def _params(**extra):
    params = {"api_key": "k", "api_url": BASE, "timeout": 30.0, "max_retries": 4, "max_answer_bytes": DEFAULT_MAX_ANSWER_BYTES, "rate_limit_wait": 300.0}
    params.update(extra)
    return params


@pytest.mark.parametrize("cap", [MIN_ANSWER_BYTES - 1, 0, -1, 2 * 1024**3, True])
def test_max_answer_bytes_refused(cap):
    assert connection_problem(_params(max_answer_bytes=cap)).startswith(
        "max_answer_bytes must be a number of bytes from 65536 (64 KiB) to 1073741824 (1 GiB), got "
    )


def test_connection_problem_checks_app_id_when_the_module_has_one():
    assert connection_problem(_params()) is None
    assert connection_problem(_params(app_id=True)).startswith("app_id must be a positive integer")
