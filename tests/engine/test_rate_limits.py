# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP 429 through the client and the engine: a time budget, not max_retries; a refused POST is no lost answer; pacing."""

from __future__ import annotations

import functools
import tempfile

import pytest
import responses

from ansible_collections.kochava.publisher.plugins.module_utils._api import client as _client, pacing as _pacing
from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._api.errors import (
    KochavaError,
    KochavaRateLimitError,
    KochavaServerError,
    KochavaUncertainWriteError,
)
from ansible_collections.kochava.publisher.plugins.module_utils._plan.engine import run_single
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

KEY = "SECRET-KEY-rate-limits"
BASE = "https://api.kochava.com"
LIST = BASE + "/apps/17/postbacks"
OK = {"success": True, "data": [], "errors": [], "warnings": [], "messages": [], "nextToken": None, "previousToken": None, "meta": None}
SLOW_DOWN = {"Retry-After": "1"}


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def make_client(sleeps, **kwargs):
    kwargs.setdefault("random", lambda: 0.5)
    return KochavaClient(KEY, sleep=sleeps.append, **kwargs)


# ---------------------------------------------------------------- the client


def test_429s_do_not_consume_max_retries(rsps):
    sleeps = []
    client = make_client(sleeps, max_retries=1)
    for status in (429, 429, 429, 503, 429, 200):
        rsps.get(LIST, status=status, headers=SLOW_DOWN if status == 429 else {}, json=OK)
    assert client.list_triggers(17) == []
    # 1 + 0.5 * 1, 1 + 0.5 * 2, 1 + 0.5 * 2 (the spread stops at 2 s); the 503: backoff 0.5 * 1; the streak of 429s starts again
    assert sleeps == [1.5, 2.0, 2.0, 0.5, 1.5]
    assert client.retry.rate_limited == 4
    assert client.retry.summary() == (
        "GET /apps/17/postbacks: 4 waits of 7 s in all after HTTP 429, retried once after HTTP 503; rate limited 4 times, waited 7 s in all"
    )


def test_5xx_still_bounded_by_max_retries_between_429s(rsps):
    sleeps = []
    client = make_client(sleeps, max_retries=1)
    for status in (503, 429, 503):
        rsps.get(LIST, status=status, headers=SLOW_DOWN if status == 429 else {})
    with pytest.raises(KochavaServerError) as info:
        client.list_triggers(17)
    assert str(info.value) == "GET /apps/17/postbacks failed after 3 attempts: HTTP 503 Service Unavailable"


def test_a_long_rate_limit_is_waited_out_within_the_budget(rsps):
    sleeps = []
    client = make_client(sleeps, max_retries=0, random=lambda: 0.0)
    for _attempt in range(40):
        rsps.get(LIST, status=429, headers=SLOW_DOWN)
    rsps.get(LIST, json=OK)
    assert client.list_triggers(17) == []
    assert sleeps == [1.0] * 40


def test_get_budget_spent_message(rsps):
    sleeps = []
    client = make_client(sleeps, rate_limit_wait=2, random=lambda: 0.0)
    rsps.get(LIST, status=429, headers={"Retry-After": "1"})
    with pytest.raises(KochavaRateLimitError) as info:
        client.list_triggers(17)
    assert sleeps == [1.0, 1.0]
    assert str(info.value) == (
        "GET /apps/17/postbacks failed: HTTP 429 Too Many Requests: still rate limited after 3 HTTP 429 answers in this task "
        "(the last with Retry-After 1 s); waited 2 s in all, and the next wait (1 s) would pass the rate_limit_wait budget of 2 s "
        "(raise rate_limit_wait, or set max_requests_per_second to pace the forks of this controller)"
    )
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"rate_limit_wait": -1}, "rate_limit_wait must be a number of seconds from 0 to 86400 (0 fails at the first HTTP 429), got -1"),
        (
            {"max_requests_per_second": float("nan")},
            "max_requests_per_second must be 0 (no pacing) or a number of requests per second of at least 0.01, got nan",
        ),
    ],
)
def test_client_refuses_bad_rate_options(options, message):
    with pytest.raises(KochavaError) as info:
        KochavaClient(KEY, **options)
    assert str(info.value) == message


@pytest.mark.skipif(_pacing.fcntl is None, reason="no fcntl on this platform")
def test_client_paces_every_request_through_the_shared_file(rsps, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(_client, "make_pacer", functools.partial(_pacing.make_pacer, clock=lambda: 1000.0))
    sleeps = []
    client = make_client(sleeps, max_requests_per_second=4)
    rsps.get(LIST, json=OK)
    for _call in range(3):
        client.list_triggers(17)
    assert sleeps == [0.25, 0.5]  # the clock stands still: each request takes the next quarter second
    with open(_pacing.pace_file(KEY, BASE)) as handle:
        assert float(handle.read()) == 1000.75
    assert client.retry.summary() is None and client.warnings == []


def test_client_without_fcntl_does_not_pace_and_says_so(rsps, monkeypatch):
    monkeypatch.setattr(_pacing, "fcntl", None)
    sleeps = []
    client = make_client(sleeps, max_requests_per_second=4)
    rsps.get(LIST, json=OK)
    client.list_triggers(17)
    assert sleeps == []
    assert client.warnings == ["max_requests_per_second is ignored on this platform (no fcntl file locks): requests are not paced"]


# ---------------------------------------------------------------- the engine: a refused POST is no lost answer


def engine(emu, client, **params):
    base = {"app_id": APP, "state": "present", "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
    base.update(params)
    return run_single(client, base)


def methods(emu):
    return [(e["method"], e["path"], e["status"]) for e in emu.log]


def test_a_429_post_is_resent_never_reread_nor_adopted(emu):
    sleeps = []
    client = KochavaClient(emu.demo_key, api_url=emu.url, max_retries=0, sleep=sleeps.append, random=lambda: 0.5)
    emu.inject("POST", "/postbacks", status=429, headers={"Retry-After": "1"}, times=3)
    result = engine(emu, client)
    assert methods(emu) == [
        ("GET", "/apps/%d/postbacks" % APP, 200),
        ("GET", "/apps/%d/postbacks/templates" % APP, 200),
        ("POST", "/postbacks", 429),
        ("POST", "/postbacks", 429),
        ("POST", "/postbacks", 429),
        ("POST", "/postbacks", 201),
        ("GET", "/apps/%d/postbacks/%d" % (APP, emu.triggers(APP)[0]["id"]), 200),
    ]  # max_retries=0 does not stop it, and no re-read before a resend (the refused POSTs created nothing); one verifying read after
    assert result["changed"] is True and result["notes"] == []
    assert len(emu.triggers(APP)) == 1
    assert sleeps == [1.5, 2.0, 2.0]


def test_a_post_past_the_budget_fails_with_the_plan_and_without_a_reread(emu):
    client = KochavaClient(emu.demo_key, api_url=emu.url, sleep=lambda s: None, random=lambda: 0.0, rate_limit_wait=1)
    emu.inject("POST", "/postbacks", status=429, headers={"Retry-After": "1"}, times=None)
    with pytest.raises(KochavaRateLimitError) as info:
        engine(emu, client)
    error = info.value
    assert not isinstance(error, KochavaUncertainWriteError)
    assert str(error).startswith("POST /postbacks failed: HTTP 429 Too Many Requests: still rate limited after 2 HTTP 429 answers in this task")
    assert "rate_limit_wait budget of 1 s" in str(error)
    assert error.changed is False and error.notes == []
    assert [(a["action"], a["applied"]) for a in error.actions] == [("create", False)]
    assert [m for m, p, s in methods(emu)] == ["GET", "GET", "POST", "POST"]  # no GET after the POSTs
    assert emu.triggers(APP) == []
