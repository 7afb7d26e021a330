"""The rate-limit connection options through a module: refused before any call, taken from the environment, and visible."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.client import KochavaClient
from ansible_collections.kochava.publisher.plugins.module_utils._glue import module as _module, steps as _steps
from ansible_collections.kochava.publisher.plugins.modules import kochava_trigger, kochava_trigger_info
from ansible_collections.kochava.publisher.tests.constants import APP, TEMPLATE, URL

ARGS = {"app_id": APP, "type": "install", "template_id": TEMPLATE, "title": "Install", "context": {"cpi_mostback_url": URL}}
WAIT = "rate_limit_wait must be a number of seconds from 0 to 86400 (0 fails at the first HTTP 429), got %s"
RATE = "max_requests_per_second must be 0 (no pacing) or a number of requests per second of at least 0.01, got %s"


@pytest.mark.parametrize(
    "options, message",
    [
        ({"rate_limit_wait": -1}, WAIT % "-1.0"),
        ({"rate_limit_wait": "nan"}, WAIT % "nan"),
        ({"rate_limit_wait": "inf"}, WAIT % "inf"),
        ({"max_requests_per_second": -2}, RATE % "-2.0"),
        ({"max_requests_per_second": 0.001}, RATE % "0.001"),
        ({"max_requests_per_second": "nan"}, RATE % "nan"),
    ],
)
def test_bad_rate_options_are_refused_before_any_call(run_module, emu, options, message):
    result = run_module(kochava_trigger, dict(ARGS, **options))
    assert result["failed"] is True and result["msg"] == message
    assert emu.log == []


@pytest.mark.parametrize(
    "variable, value, message",
    [
        ("KOCHAVA_RATE_LIMIT_WAIT", "-5", WAIT % "-5.0"),
        ("KOCHAVA_MAX_REQUESTS_PER_SECOND", "-1", RATE % "-1.0"),
    ],
)
def test_the_options_come_from_the_environment(run_module, emu, monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    result = run_module(kochava_trigger_info, {"app_id": APP})
    assert result["failed"] is True and result["msg"] == message
    assert emu.log == []


@pytest.fixture
def warned(monkeypatch):
    """Module warnings; the client sleeps for nothing and draws 0.5 for every jitter."""
    texts = []
    monkeypatch.setattr(_module.KochavaModule, "warn", lambda self, text: texts.append(text))
    monkeypatch.setattr(_steps.TaskSteps, "client_factory", staticmethod(functools.partial(KochavaClient, sleep=lambda s: None, random=lambda: 0.5)))
    return texts


def test_a_zero_budget_fails_at_the_first_429_with_the_plan(run_module, emu, warned):
    emu.inject("POST", "/postbacks", status=429, headers={"Retry-After": "0"}, times=None)
    result = run_module(kochava_trigger, dict(ARGS, rate_limit_wait=0))
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"] == (
        "POST /postbacks failed: HTTP 429 Too Many Requests: still rate limited after 1 HTTP 429 answer in this task "
        "(the last with Retry-After 0 s); waited 0 s in all, and the next wait (0.5 s) would pass the rate_limit_wait budget of 0 s "
        "(raise rate_limit_wait, or set max_requests_per_second to pace the forks of this controller) (server said: 429 Too Many Requests)"
    )
    assert [(item["key"]["type"], item["applied"]) for item in result["plan"]["create"]] == [("install", False)]  # the plan so far
    assert [e["method"] for e in emu.log] == ["GET", "GET", "POST"]
    assert warned == []  # nothing was waited for


def test_rate_limit_waits_are_a_warning(run_module, emu, warned, monkeypatch):
    monkeypatch.setenv("KOCHAVA_RATE_LIMIT_WAIT", "10")
    emu.inject("POST", "/postbacks", status=429, headers={"Retry-After": "1"}, times=2)
    result = run_module(kochava_trigger, ARGS)
    assert result["changed"] is True and "failed" not in result
    assert warned == ["Kochava API calls were retried: POST /postbacks: 2 waits of 3.5 s in all after HTTP 429; rate limited 2 times, waited 3.5 s in all"]
