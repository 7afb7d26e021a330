# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one retry policy: how many attempts, how long to wait, and what was retried.

Backoff is exponential with full jitter; a ``Retry-After`` the server sends
is honoured (capped). Every wait is recorded, so a task can say in one
warning what it retried (``RetryPolicy.summary()``).
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

# what: "GET /apps/1/postbacks"; why: "HTTP 503"; delay: seconds slept;
# asked: True when the server asked for that delay (Retry-After).
RetryEvent = namedtuple('RetryEvent', ('what', 'why', 'delay', 'asked'))


def backoff_delay(retry_index, random=_random.random, base=BACKOFF_BASE, cap=BACKOFF_CAP):
    """Full jitter: ``random() * min(cap, base * 2 ** retry_index)``; ``retry_index`` counts retries from 0."""
    return random() * min(cap, base * (2 ** min(retry_index, 32)))


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

    def __init__(self, max_retries=DEFAULT_MAX_RETRIES, sleep=time.sleep, random=_random.random):
        self.max_retries = max(0, int(max_retries))
        self._sleep = sleep
        self._random = random
        self.events = []

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

    def summary(self):
        """One line saying what was retried and why, or None when nothing was."""
        if not self.events:
            return None
        groups = {}  # what -> {(why, asked): [count, seconds]}; dicts keep first-seen order
        for event in self.events:
            tally = groups.setdefault(event.what, {}).setdefault((event.why, event.asked), [0, 0.0])
            tally[0] += 1
            tally[1] += event.delay
        lines = []
        for what, tallies in groups.items():
            parts = [_describe(count, seconds, why, asked) for (why, asked), (count, seconds) in tallies.items()]
            lines.append('%s: %s' % (what, ', '.join(parts)))
        return '; '.join(lines)


def _describe(count, seconds, why, asked):
    if asked:
        if count == 1:
            return '1 wait of %s s after %s' % (_seconds(seconds), why)
        return '%d waits of %s s in all after %s' % (count, _seconds(seconds), why)
    return 'retried %s after %s' % ('once' if count == 1 else '%d times' % count, why)


def _seconds(value):
    return '%g' % round(value, 1)
