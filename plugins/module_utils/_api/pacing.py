# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pacing: the forks of one controller share ``max_requests_per_second``.

Every module run is its own process, so the forks of a play pace each other
through a file: one per (API key, API URL) in the user's temp directory,
named by an HMAC of the URL keyed with the API key (as the fingerprints of
hidden values are: without the key a name cannot be checked against a
guessed key), locked with ``fcntl.flock``. It holds one number, the time at
which the next request may start. A request that finds it past takes it and
moves it on by ``1 / max_requests_per_second``; one that finds it ahead
sleeps until then and looks again (the slot is its own if nobody took it
meanwhile). So the stored slot is never more than one interval ahead: one
further ahead (plus ``STALE_SLACK``) is stale, a clock set back or a
tampered file, and is taken as now.

The file is hardened like any shared state in a temp directory: opened with
``O_NOFOLLOW`` (a symbolic link is refused), a regular file of this user
only (else pacing is off for the task, with a note), its mode set back to
0600 when found looser. The lock is waited for ``LOCK_WAIT`` seconds at
most; a lock held longer (a stopped process) turns pacing off for the task,
with a note, rather than hanging it. Without ``fcntl`` (Windows) pacing is
off, with a note. Rate-limit validation of the options lives here too, so
the module and the client refuse the same values with the same words.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import hashlib
import hmac
import math
import os
import stat
import tempfile
import time

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

MAX_RATE_LIMIT_WAIT = 86400
MIN_REQUESTS_PER_SECOND = 0.01  # one request per 100 s; 0 turns pacing off
STALE_SLACK = 1.0  # seconds beyond one interval a stored slot may be ahead before it is stale
LOCK_WAIT = 5.0  # seconds to wait for the lock (held for microseconds by a healthy fork)
LOCK_POLL = 0.02
FILE_PREFIX = "kochava-publisher-pace-"


def rate_options_problem(rate_limit_wait, max_requests_per_second):
    """What is wrong with the two rate-limit options, or None."""
    if not _finite(rate_limit_wait) or not 0 <= rate_limit_wait <= MAX_RATE_LIMIT_WAIT:
        return "rate_limit_wait must be a number of seconds from 0 to %d (0 fails at the first HTTP 429), got %s" % (MAX_RATE_LIMIT_WAIT, rate_limit_wait)
    rate = max_requests_per_second
    if not _finite(rate) or (rate != 0 and rate < MIN_REQUESTS_PER_SECOND):
        return "max_requests_per_second must be 0 (no pacing) or a number of requests per second of at least %g, got %s" % (MIN_REQUESTS_PER_SECOND, rate)
    return None


def _finite(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def pace_file(api_key, api_url, directory=None):
    """The lock file shared by every run with this key and URL: named by HMAC-SHA256(key, URL), which reveals neither."""
    digest = hmac.new(str(api_key).encode("utf-8"), str(api_url).encode("utf-8"), hashlib.sha256).hexdigest()
    return os.path.join(directory or tempfile.gettempdir(), FILE_PREFIX + digest)


def is_stale(stored, now, interval):
    """True for a stored slot further ahead than one interval (plus ``STALE_SLACK``): nobody can have booked it."""
    return stored > now + interval + STALE_SLACK


def make_pacer(max_requests_per_second, api_key, api_url, note, sleep=time.sleep, clock=time.time, directory=None):
    """A ``Pacer``, or None when pacing is off (rate 0, or no ``fcntl``: then ``note`` says so)."""
    if not max_requests_per_second:
        return None
    if fcntl is None:
        note("max_requests_per_second is ignored on this platform (no fcntl file locks): requests are not paced")
        return None
    return Pacer(max_requests_per_second, pace_file(api_key, api_url, directory), note, sleep=sleep, clock=clock)


class Unusable(Exception):
    """The pacing file cannot be trusted or locked: ``str()`` says why (no secret in it)."""


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
        """Take the next free slot, sleeping until it comes; returns the seconds slept."""
        waited, awaited = 0.0, None
        while not self._off:
            try:
                delay, awaited = self._try_slot(awaited)
            except (OSError, Unusable) as exc:  # a file of another user, a symbolic link, a read-only temp dir, a held lock...
                self._off = True
                why = str(exc) if isinstance(exc, Unusable) else _os_error(exc)
                self._note("max_requests_per_second: requests of this task are not paced: cannot use %s (%s)" % (self.path, why))
                break
            if delay is None:
                break
            waited += delay
            self.waited += delay
            self._sleep(delay)
        return waited

    def _try_slot(self, awaited):
        """``(None, None)`` when a slot was taken, else ``(seconds to sleep, the slot waited for)``."""
        fd = _open_private(self.path)
        try:
            self._lock(fd)
            now = self._clock()  # after the lock: waiting for it took time
            stored = _read_slot(fd)
            if stored is None or is_stale(stored, now, self.interval):
                stored = now
            if stored > now and stored != awaited:
                return stored - now, stored  # booked: sleep until then, and look again
            # past, or the very slot slept for (nobody took it meanwhile; the clock may lag the sleep)
            _write_slot(fd, max(now, stored) + self.interval)
            return None, None
        finally:
            os.close(fd)  # closing releases the lock

    def _lock(self, fd):
        """Take the file's lock, waiting ``LOCK_WAIT`` seconds at most (counted in polls: the clock may stand still in tests)."""
        for _poll in range(int(LOCK_WAIT / LOCK_POLL)):
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise
            self._sleep(LOCK_POLL)
        raise Unusable("its lock was held by another process for more than %g s" % LOCK_WAIT)


def _open_private(path):
    """Open (or create, 0600) the pacing file: never through a symbolic link, only a regular file of this user, 0600."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if os.path.islink(path):  # O_NOFOLLOW refuses it too; this says so clearly
        raise Unusable("it is a symbolic link")
    fd = os.open(path, flags, 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unusable("it is not a regular file")
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise Unusable("it belongs to another user")
        if info.st_mode & 0o077:
            os.fchmod(fd, 0o600)  # made looser by hand or by another tool: private again
    except BaseException:
        os.close(fd)
        raise
    return fd


def _os_error(exc):
    if exc.errno == errno.ELOOP:
        return "it is a symbolic link"
    return type(exc).__name__


def _write_slot(fd, value):
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, ("%.6f\n" % value).encode("ascii"))


def _read_slot(fd):
    """The stored slot time, or None when the file is new or holds no number."""
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 64)
    try:
        value = float(text.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    return value if math.isfinite(value) else None
