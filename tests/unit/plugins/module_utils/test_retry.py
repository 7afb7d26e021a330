# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._retry import (
    DEFAULT_MAX_RETRIES,
    RETRY_STATUSES,
    RetryPolicy,
    backoff_delay,
    parse_retry_after,
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
    assert parse_retry_after('90') == 60
    assert parse_retry_after('-5') == 0
    assert parse_retry_after('nan') is None
    assert parse_retry_after('') is None
    assert parse_retry_after(None) is None
    assert parse_retry_after('Tue, 99 Foo 2024') is None


@pytest.mark.parametrize('max_retries, attempts, can', [(0, 1, False), (1, 1, True), (1, 2, False), (4, 4, True), (4, 5, False), (-3, 1, False)])
def test_can_retry_and_max_attempts(max_retries, attempts, can):
    policy = RetryPolicy(max_retries)
    assert policy.can_retry(attempts) is can
    assert policy.max_attempts == max(0, max_retries) + 1


def test_wait_sleeps_backoff_or_retry_after_and_records():
    sleeps = []
    policy = RetryPolicy(sleep=sleeps.append, random=lambda: 1.0)
    assert policy.wait(0, 'GET /a', 'HTTP 503') == 1
    assert policy.wait(3, 'GET /a', 'HTTP 503') == 8
    assert policy.wait(0, 'POST /b', 'HTTP 429', retry_after=0) == 0
    assert sleeps == [1, 8, 0]
    assert [tuple(event) for event in policy.events] == [
        ('GET /a', 'HTTP 503', 1, False),
        ('GET /a', 'HTTP 503', 8, False),
        ('POST /b', 'HTTP 429', 0, True),
    ]
    assert policy.events[0].what == 'GET /a' and policy.events[0].delay == 1


def test_summary_none_when_nothing_retried():
    assert RetryPolicy(sleep=lambda s: None).summary() is None


def test_summary_groups_per_call_and_reason():
    policy = RetryPolicy(sleep=lambda s: None, random=lambda: 0.5)
    policy.wait(0, 'GET /apps/87100/postbacks', 'HTTP 503')
    policy.wait(0, 'POST /postbacks', 'HTTP 429', retry_after=2)
    policy.wait(1, 'GET /apps/87100/postbacks', 'HTTP 503')
    policy.wait(2, 'GET /apps/87100/postbacks', 'read timed out')
    assert policy.summary() == (
        'GET /apps/87100/postbacks: retried 2 times after HTTP 503, retried once after read timed out; POST /postbacks: 1 wait of 2 s after HTTP 429'
    )


def test_summary_of_several_waits_adds_them_up():
    policy = RetryPolicy(sleep=lambda s: None)
    policy.wait(0, 'PATCH /postbacks/5', 'HTTP 429', retry_after=2.5)
    policy.wait(1, 'PATCH /postbacks/5', 'HTTP 429', retry_after=5)
    assert policy.summary() == 'PATCH /postbacks/5: 2 waits of 7.5 s in all after HTTP 429'
