# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api.retry import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RATE_LIMIT_WAIT,
    RETRY_STATUSES,
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
    rate_limit_delay,
)


def test_defaults():
    assert DEFAULT_MAX_RETRIES == 4
    assert RETRY_STATUSES == frozenset((429, 500, 502, 503, 504))
    assert RetryPolicy().max_retries == DEFAULT_MAX_RETRIES


def test_backoff_delay_function():
    assert backoff_delay(0, lambda: 1.0) == 1
    assert backoff_delay(3, lambda: 0.5) == 4
    assert backoff_delay(5, lambda: 1.0) == 30
    assert backoff_delay(500, lambda: 1.0) == 30
    assert backoff_delay(2, lambda: 0.0) == 0


def test_parse_retry_after_function():
    now = 1700000000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == 30
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0
    assert parse_retry_after("90") == 60
    assert parse_retry_after("-5") == 0
    assert parse_retry_after("nan") is None
    assert parse_retry_after("") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("Tue, 99 Foo 2024") is None


@pytest.mark.parametrize("max_retries, attempts, can", [(0, 1, False), (1, 1, True), (1, 2, False), (4, 4, True), (4, 5, False), (-3, 1, False)])
def test_can_retry_and_max_attempts(max_retries, attempts, can):
    policy = RetryPolicy(max_retries)
    assert policy.can_retry(attempts) is can
    assert policy.max_attempts == max(0, max_retries) + 1


def test_wait_sleeps_backoff_or_retry_after_and_records():
    sleeps = []
    policy = RetryPolicy(sleep=sleeps.append, random=lambda: 1.0)
    assert policy.wait(0, "GET /a", "HTTP 503") == 1
    assert policy.wait(3, "GET /a", "HTTP 503") == 8
    assert policy.wait(0, "POST /b", "HTTP 429", retry_after=0) == 0
    assert sleeps == [1, 8, 0]
    assert [tuple(event) for event in policy.events] == [
        ("GET /a", "HTTP 503", 1, False),
        ("GET /a", "HTTP 503", 8, False),
        ("POST /b", "HTTP 429", 0, True),
    ]
    assert policy.events[0].what == "GET /a" and policy.events[0].delay == 1


def test_summary_none_when_nothing_retried():
    assert RetryPolicy(sleep=lambda s: None).summary() is None


def test_summary_groups_per_call_and_reason():
    policy = RetryPolicy(sleep=lambda s: None, random=lambda: 0.5)
    policy.wait(0, "GET /apps/87100/postbacks", "HTTP 503")
    policy.wait_rate_limited(1, "POST /postbacks", retry_after=2)
    policy.wait(1, "GET /apps/87100/postbacks", "HTTP 503")
    policy.wait(2, "GET /apps/87100/postbacks", "read timed out")
    assert policy.summary() == (
        "GET /apps/87100/postbacks: retried 2 times after HTTP 503, retried once after read timed out; "
        "POST /postbacks: 1 wait of 2.5 s after HTTP 429; rate limited once, waited 2.5 s in all"
    )


def test_summary_of_several_waits_adds_them_up():
    policy = RetryPolicy(sleep=lambda s: None, random=lambda: 0.0)
    policy.wait(0, "PATCH /postbacks/5", "HTTP 503", retry_after=2.5)
    policy.wait(1, "PATCH /postbacks/5", "HTTP 503", retry_after=5)
    assert policy.summary() == "PATCH /postbacks/5: 2 waits of 7.5 s in all after HTTP 503"


def test_summary_says_what_rate_limiting_cost_in_all():
    policy = RetryPolicy(sleep=lambda s: None, random=lambda: 0.25)
    policy.wait_rate_limited(1, "GET /apps/1/postbacks", 1)  # 1 + 0.25 * 1
    policy.wait_rate_limited(2, "GET /apps/1/postbacks", 1)  # 1 + 0.25 * 2
    policy.wait_rate_limited(1, "POST /postbacks", None)  # no header: as if 1 s
    assert policy.summary() == (
        "GET /apps/1/postbacks: 2 waits of 2.8 s in all after HTTP 429; POST /postbacks: retried once after HTTP 429; rate limited 3 times, waited 4 s in all"
    )


# ---------------------------------------------------------------- rate limits: jitter and a time budget


def test_rate_limit_defaults():
    assert DEFAULT_RATE_LIMIT_WAIT == 300
    policy = RetryPolicy()
    assert policy.rate_limit_wait == 300 and policy.rate_limited == 0 and policy.rate_limit_waited == 0


@pytest.mark.parametrize(
    "streak, low, high",
    [(1, 1, 2), (2, 1, 3), (3, 1, 3), (4, 1, 3), (500, 1, 3)],
)
def test_rate_limit_delay_is_retry_after_plus_a_widening_jitter(streak, low, high):
    """Retry-After + random() * min(2, 2 ** (streak - 1)): the bounds are random() = 0 and random() = 1."""
    assert rate_limit_delay(streak, 1.0, lambda: 0.0) == low
    assert rate_limit_delay(streak, 1.0, lambda: 1.0) == high
    assert low < rate_limit_delay(streak, 1.0, lambda: 0.5) < high


def test_rate_limit_delay_without_header_and_floor():
    assert rate_limit_delay(1, None, lambda: 0.0) == 1.0  # no readable Retry-After: as if 1 s
    assert rate_limit_delay(1, 0.0, lambda: 0.0) == 0.1  # "Retry-After: 0" still waits a little
    assert rate_limit_delay(3, 0.0, lambda: 0.5) == 1.0  # 0 + 0.5 * 2: the spread stops widening at 2 s
    assert rate_limit_delay(1, 60.0, lambda: 0.5) == 60.5


def test_rate_limit_waits_are_jittered_within_bounds():
    """Forks told "Retry-After: 1" in the same second come back spread over the next seconds."""
    values = iter([0.9, 0.1, 0.7, 0.3])
    sleeps = []
    policy = RetryPolicy(sleep=sleeps.append, random=lambda: next(values))
    for streak in (1, 2, 3, 4):
        policy.wait_rate_limited(streak, "GET /a", 1)
    assert sleeps == pytest.approx([1.9, 1.2, 2.4, 1.6])
    assert [1 <= delay <= 1 + min(2, 2**index) for index, delay in enumerate(sleeps)] == [True] * 4


def test_rate_limit_waits_do_not_consume_max_retries():
    policy = RetryPolicy(max_retries=0, sleep=lambda s: None, random=lambda: 0.0)
    for streak in range(1, 51):
        assert policy.wait_rate_limited(streak, "GET /a", 1) == 1
    assert policy.rate_limited == 50 and policy.rate_limit_waited == 50
    assert policy.can_retry(1) is False  # max_retries=0 still means no retry of a failure


def test_rate_limit_budget_stops_at_the_exact_total():
    sleeps = []
    policy = RetryPolicy(sleep=sleeps.append, random=lambda: 0.0, rate_limit_wait=3)
    assert policy.wait_rate_limited(1, "GET /a", 1) == 1
    assert policy.wait_rate_limited(2, "GET /a", 1) == 1
    assert policy.wait_rate_limited(3, "GET /a", 1) == 1  # 3 s in all: exactly the budget
    assert policy.wait_rate_limited(4, "GET /a", 1) is None  # a 4th second would pass it: no sleep
    assert sleeps == [1, 1, 1] and policy.rate_limit_waited == 3
    assert policy.rate_limited == 4 and policy.refused_delay == 1
    assert len(policy.events) == 3


def test_rate_limit_budget_is_shared_by_the_calls_of_a_task():
    policy = RetryPolicy(sleep=lambda s: None, random=lambda: 0.5, rate_limit_wait=5)
    assert policy.wait_rate_limited(1, "GET /a", 2) == 2.5
    assert policy.wait_rate_limited(1, "POST /b", 2) == 2.5
    assert policy.wait_rate_limited(1, "GET /c", 0) is None


def test_zero_budget_fails_at_the_first_429():
    sleeps = []
    policy = RetryPolicy(sleep=sleeps.append, rate_limit_wait=0)
    assert policy.wait_rate_limited(1, "GET /a", 0) is None
    assert sleeps == [] and policy.summary() is None


def test_budget_spent_text_names_the_budget_the_429s_and_the_last_retry_after():
    policy = RetryPolicy(sleep=lambda s: None, random=lambda: 0.5, rate_limit_wait=4)
    policy.wait_rate_limited(1, "GET /a", 1)
    policy.wait_rate_limited(2, "GET /a", 1)
    assert policy.wait_rate_limited(3, "GET /a", 2) is None
    assert policy.budget_spent() == (
        "still rate limited after 3 HTTP 429 answers in this task (the last with Retry-After 2 s); "
        "waited 3.5 s in all, and the next wait (3 s) would pass the rate_limit_wait budget of 4 s "
        "(raise rate_limit_wait, or set max_requests_per_second to pace the forks of this controller)"
    )
    policy.wait_rate_limited(1, "GET /a", None)
    assert "(the last with no Retry-After)" in policy.budget_spent()
