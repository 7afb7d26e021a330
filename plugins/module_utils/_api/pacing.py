# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pacing: the forks of one controller share ``max_requests_per_second``.

Every module run is its own process, so the forks of a play pace each other
through a file: one per (API key, API URL) in the user's temp directory,
named by a SHA-256 of the two (never the key itself), locked with
``fcntl.flock``. It holds one number, the time at which the next request may
start; a request takes that slot (or now, if later) and moves it on by
``1 / max_requests_per_second``. Without ``fcntl`` (Windows) pacing is off,
with a note. Rate-limit validation of the options lives here too, so the
module and the client refuse the same values with the same words.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import math
import os
import tempfile
import time

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

MAX_RATE_LIMIT_WAIT = 86400
MIN_REQUESTS_PER_SECOND = 0.01  # one request per 100 s; 0 turns pacing off
MAX_AHEAD = 3600.0  # a stored slot further ahead is taken as garbage (or a clock set back)
FILE_PREFIX = 'kochava-publisher-pace-'


def rate_options_problem(rate_limit_wait, max_requests_per_second):
    """What is wrong with the two rate-limit options, or None."""
    if not _finite(rate_limit_wait) or not 0 <= rate_limit_wait <= MAX_RATE_LIMIT_WAIT:
        return 'rate_limit_wait must be a number of seconds from 0 to %d (0 fails at the first HTTP 429), got %s' % (MAX_RATE_LIMIT_WAIT, rate_limit_wait)
    rate = max_requests_per_second
    if not _finite(rate) or (rate != 0 and rate < MIN_REQUESTS_PER_SECOND):
        return 'max_requests_per_second must be 0 (no pacing) or a number of requests per second of at least %g, got %s' % (MIN_REQUESTS_PER_SECOND, rate)
    return None


def _finite(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def pace_file(api_key, api_url, directory=None):
    """The lock file shared by every run with this key and URL; its name reveals neither."""
    digest = hashlib.sha256(('%s\n%s' % (api_key, api_url)).encode('utf-8')).hexdigest()
    return os.path.join(directory or tempfile.gettempdir(), FILE_PREFIX + digest)


def next_slot(stored, now, interval):
    """``(start, following)``: a request starts at ``max(now, stored)``; the one after it ``interval`` later.

    ``stored`` None (new or unreadable file) or more than ``MAX_AHEAD`` ahead counts as now.
    """
    if stored is None or stored > now + MAX_AHEAD:
        stored = now
    start = max(now, stored)
    return start, start + interval


def make_pacer(max_requests_per_second, api_key, api_url, note, sleep=time.sleep, clock=time.time, directory=None):
    """A ``Pacer``, or None when pacing is off (rate 0, or no ``fcntl``: then ``note`` says so)."""
    if not max_requests_per_second:
        return None
    if fcntl is None:
        note('max_requests_per_second is ignored on this platform (no fcntl file locks): requests are not paced')
        return None
    return Pacer(max_requests_per_second, pace_file(api_key, api_url, directory), note, sleep=sleep, clock=clock)


class Pacer(object):
    """Spaces requests ``1 / rate`` seconds apart across every process using ``path``."""

    def __init__(self, rate, path, note, sleep=time.sleep, clock=time.time):
        self.interval = 1.0 / rate
        self.path = path
        self.waited = 0.0  # seconds this run slept for pacing
        self._note = note
        self._sleep = sleep
        self._clock = clock
        self._off = False

    def wait(self):
        """Take the next free slot and sleep until it comes; returns the seconds slept."""
        if self._off:
            return 0.0
        try:
            start, now = self._take_slot()
        except OSError as exc:  # a file of another user, a read-only temp dir...
            self._off = True
            self._note('max_requests_per_second: requests of this task are not paced: cannot use %s (%s)' % (self.path, type(exc).__name__))
            return 0.0
        delay = start - now
        if delay <= 0:
            return 0.0
        self.waited += delay
        self._sleep(delay)
        return delay

    def _take_slot(self):
        flags = os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            now = self._clock()  # after the lock: waiting for it took time
            start, following = next_slot(_read_slot(fd), now, self.interval)
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, ('%.6f\n' % following).encode('ascii'))
        finally:
            os.close(fd)  # closing releases the lock
        return start, now


def _read_slot(fd):
    """The stored slot time, or None when the file is new or holds no number."""
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 64)
    try:
        value = float(text.decode('ascii').strip())
    except (UnicodeDecodeError, ValueError):
        return None
    return value if math.isfinite(value) else None
