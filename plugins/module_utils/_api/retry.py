# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one retry policy: how many attempts, how long to wait, and what was retried.

Failures (5xx, a lost connection) are retried ``max_retries`` times, with
exponential backoff and full jitter, or as long as ``Retry-After`` says
(capped). Rate limiting (HTTP 429) is no failure: it is waited out against a
time budget, ``rate_limit_wait`` seconds per task, with ``Retry-After`` plus
a jitter of up to 1 s after the first 429 of a request and up to 2 s after
the next ones, so that forks refused in the same second do not all come back
in the same second (``rate_limit_delay``), and none sleeps long while the
API's budget goes unused.
Every wait is recorded, so a task can say in one warning what it retried
(``RetryPolicy.summary()``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import random as _random
import time
from collections import namedtuple

DEFAULT_MAX_RETRIES = 4
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 60.0
DEFAULT_RATE_LIMIT_WAIT = 300.0  # seconds a task may wait out HTTP 429 in all (a guess: the API's limit is undocumented)
RATE_LIMIT_AFTER = 1.0  # a 429 without a readable Retry-After waits as if it said 1 s
RATE_LIMIT_SPREAD_BASE = 1.0
# Capped low: a spread that keeps widening leaves forks refused a few times asleep while
# the API's budget goes unused.
RATE_LIMIT_SPREAD_CAP = 2.0
RATE_LIMITED = "HTTP 429"  # the ``why`` of a rate-limit wait
RATE_LIMIT_MIN_WAIT = 0.1  # so that even "Retry-After: 0" answered forever ends within the budget

# what: "GET /apps/1/postbacks"; why: "HTTP 503"; delay: seconds slept;
# asked: True when the server asked for that delay (Retry-After).
RetryEvent = namedtuple("RetryEvent", ("what", "why", "delay", "asked"))


def backoff_delay(retry_index, random=_random.random, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """Full jitter: ``random() * min(cap, base * 2 ** retry_index)``; ``retry_index`` counts retries from 0."""
    return random() * min(cap, base * (2 ** min(retry_index, 32)))


def rate_limit_delay(streak, retry_after, random=_random.random):
    """Wait after the ``streak``-th consecutive 429 (from 1) of one call.

    ``max(0.1, retry_after + random() * min(2, 2 ** (streak - 1)))``: what the
    server asked for, plus a jitter spreading the waiting forks over the next
    second, then over the next 2 seconds. ``retry_after`` None (no readable header) counts as 1 s.
    """
    after = RATE_LIMIT_AFTER if retry_after is None else retry_after
    spread = min(RATE_LIMIT_SPREAD_CAP, RATE_LIMIT_SPREAD_BASE * (2 ** min(max(streak, 1) - 1, 32)))
    return max(RATE_LIMIT_MIN_WAIT, after + random() * spread)


def parse_retry_after(value, now=None, cap=RETRY_AFTER_CAP):
    """Seconds to wait for a ``Retry-After`` header value (seconds or HTTP date).

    Capped at ``cap``; a date in the past gives 0; an unreadable value gives None.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is None:
        from email.utils import parsedate_to_datetime  # only when a server sends a date

        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        try:
            stamp = when.timestamp()
        except (OverflowError, ValueError, OSError):
            return None
        seconds = stamp - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return max(0.0, min(float(cap), seconds))


class RetryPolicy(object):
    """How often a call may be repeated and how long to wait in between; remembers every wait."""

    def __init__(self, max_retries=DEFAULT_MAX_RETRIES, sleep=time.sleep, random=_random.random, rate_limit_wait=DEFAULT_RATE_LIMIT_WAIT):
        self.max_retries = max(0, int(max_retries))
        self.rate_limit_wait = max(0.0, float(rate_limit_wait))
        self._sleep = sleep
        self._random = random
        self.events = []
        self.rate_limited = 0  # HTTP 429 answers seen by this task, the last one included
        self.rate_limit_waited = 0.0  # seconds slept after them
        self.last_retry_after = None  # seconds the last 429 asked for (None: no readable header)
        self.refused_delay = None  # the wait that would have passed the budget

    @property
    def max_attempts(self):
        """Attempts a caller may make in all (the first one and every retry)."""
        return self.max_retries + 1

    def can_retry(self, attempts):
        """True when a call that has made ``attempts`` attempts may make one more."""
        return attempts <= self.max_retries

    def wait(self, retry_index, what, why, retry_after=None):
        """Sleep before retry number ``retry_index`` (from 0) of ``what``, and record it.

        ``retry_after`` (seconds the server asked for) wins over the backoff.
        Returns the delay slept.
        """
        asked = retry_after is not None
        delay = retry_after if asked else backoff_delay(retry_index, self._random)
        self.events.append(RetryEvent(what, why, delay, asked))
        self._sleep(delay)
        return delay

    def wait_rate_limited(self, streak, what, retry_after=None):
        """After the ``streak``-th consecutive 429 (from 1) of ``what``: sleep, record and return the delay.

        Returns None without sleeping when that wait would take the task's
        rate-limit waits past ``rate_limit_wait`` seconds (``budget_spent()`` says so).
        Does not count against ``max_retries``.
        """
        self.rate_limited += 1
        self.last_retry_after = retry_after
        delay = rate_limit_delay(streak, retry_after, self._random)
        if self.rate_limit_waited + delay > self.rate_limit_wait:
            self.refused_delay = delay
            return None
        self.rate_limit_waited += delay
        self.events.append(RetryEvent(what, RATE_LIMITED, delay, retry_after is not None))
        self._sleep(delay)
        return delay

    def budget_spent(self):
        """Why the task gave up on a rate limit: the budget, the 429s, the last Retry-After."""
        asked = "no Retry-After" if self.last_retry_after is None else "Retry-After %s s" % _seconds(self.last_retry_after)
        return (
            "still rate limited after %d HTTP 429 answer%s in this task (the last with %s); "
            "waited %s s in all, and the next wait (%s s) would pass the rate_limit_wait budget of %s s "
            "(raise rate_limit_wait, or set max_requests_per_second to pace the forks of this controller)"
            % (
                self.rate_limited,
                "" if self.rate_limited == 1 else "s",
                asked,
                _seconds(self.rate_limit_waited),
                _seconds(self.refused_delay or 0),
                _seconds(self.rate_limit_wait),
            )
        )

    def summary(self):
        """One line saying what was retried and why, or None when nothing was."""
        if not self.events:
            return None
        groups = {}  # what -> {(why, asked): [count, seconds]}; dicts keep first-seen order
        limited = [event.delay for event in self.events if event.why == RATE_LIMITED]
        for event in self.events:
            tally = groups.setdefault(event.what, {}).setdefault((event.why, event.asked), [0, 0.0])
            tally[0] += 1
            tally[1] += event.delay
        lines = []
        for what, tallies in groups.items():
            parts = [_describe(count, seconds, why, asked) for (why, asked), (count, seconds) in tallies.items()]
            lines.append("%s: %s" % (what, ", ".join(parts)))
        if limited:
            lines.append("rate limited %s, waited %s s in all" % (_times(len(limited)), _seconds(sum(limited))))
        return "; ".join(lines)


def _describe(count, seconds, why, asked):
    if asked:
        if count == 1:
            return "1 wait of %s s after %s" % (_seconds(seconds), why)
        return "%d waits of %s s in all after %s" % (count, _seconds(seconds), why)
    return "retried %s after %s" % (_times(count), why)


def _times(count):
    return "once" if count == 1 else "%d times" % count


def _seconds(value):
    return "%g" % round(value, 1)
