# -*- coding: utf-8 -*-
# Copyright (c) 2026 kochava.publisher contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pacing of a controller's forks through one lock file, and the rate-limit options' checks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import math
import os
import tempfile

import pytest

from ansible_collections.kochava.publisher.plugins.module_utils._api import pacing as _pacing
from ansible_collections.kochava.publisher.plugins.module_utils._api.pacing import (
    STALE_SLACK,
    Pacer,
    is_stale,
    make_pacer,
    pace_file,
    rate_options_problem,
)

KEY = "SECRET-KEY-pacing-never-in-a-file-name"
URL = "https://api.kochava.com"

pytestmark = pytest.mark.skipif(_pacing.fcntl is None, reason="no fcntl on this platform")


class Clock(object):
    """A fake time.time / time.sleep pair: sleeping moves the clock on."""

    def __init__(self, now=1000.0):
        self.now = now
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def stored(path):
    with open(path) as handle:
        return float(handle.read())


def pacer(path, rate, clock, notes=None):
    return Pacer(rate, str(path), (notes if notes is not None else []).append, sleep=clock.sleep, clock=clock)


# ---------------------------------------------------------------- the file


def test_pace_file_is_named_by_an_hmac_of_the_url_keyed_with_the_key_in_the_temp_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = pace_file(KEY, URL)
    digest = hmac.new(KEY.encode("utf-8"), URL.encode("utf-8"), hashlib.sha256).hexdigest()
    assert hashlib.sha256(("%s\n%s" % (KEY, URL)).encode("utf-8")).hexdigest() not in path  # not the old unsalted hash
    assert path == os.path.join(str(tmp_path), "kochava-publisher-pace-" + digest)
    assert KEY not in path
    assert pace_file(KEY, URL + "/v1") != path and pace_file(KEY + "x", URL) != path
    assert pace_file(KEY, URL, directory="/elsewhere").startswith("/elsewhere/")


# ---------------------------------------------------------------- the slot arithmetic


@pytest.mark.parametrize(
    "stored_slot, stale",
    [
        (90.0, False),  # past
        (100.25, False),  # one interval ahead: what a fork that just went leaves
        (100.25 + STALE_SLACK, False),
        (100.25 + STALE_SLACK + 0.01, True),  # nobody can have booked it: a clock set back, or a tampered file
        (103600.0, True),
    ],
)
def test_a_slot_further_ahead_than_one_interval_is_stale(stored_slot, stale):
    assert is_stale(stored_slot, 100.0, 0.25) is stale


def test_forks_are_spaced_by_the_state_in_the_lock_file(tmp_path):
    """Three runs (forks) sharing a file at 4 requests/s: each takes the next quarter second."""
    path = tmp_path / "pace"
    clock = Clock(1000.0)
    forks = [pacer(path, 4, clock) for dummy in range(3)]
    assert forks[0].wait() == 0  # first: at once
    assert stored(path) == 1000.25
    assert forks[1].wait() == 0.25  # same instant: the next slot
    assert stored(path) == 1000.5
    clock.now = 1000.25  # fork 1 slept; fork 2 asks at the time fork 1 went
    assert forks[2].wait() == 0.25
    assert stored(path) == 1000.75
    assert clock.sleeps == [0.25, 0.25]
    assert forks[1].waited == 0.25 and forks[0].waited == 0


def test_the_file_state_is_what_spaces_requests(tmp_path):
    path = tmp_path / "pace"
    path.write_text("1010.4\n")  # another fork went at 1009.9
    clock = Clock(1010.0)
    assert pacer(path, 2, clock).wait() == pytest.approx(0.4)
    assert stored(path) == pytest.approx(1010.9)


def test_an_old_slot_does_not_delay(tmp_path):
    path = tmp_path / "pace"
    path.write_text("5.0\n")
    clock = Clock(1000.0)
    assert pacer(path, 1, clock).wait() == 0
    assert clock.sleeps == [] and stored(path) == 1001.0


@pytest.mark.parametrize("content", ["", "garbage", "nan", "inf", "\xff"])
def test_an_unreadable_file_counts_as_free(tmp_path, content):
    path = tmp_path / "pace"
    path.write_bytes(content.encode("latin-1"))
    clock = Clock(1000.0)
    assert pacer(path, 1, clock).wait() == 0
    assert stored(path) == 1001.0


def test_the_file_is_private(tmp_path):
    path = tmp_path / "pace"
    pacer(path, 1, Clock()).wait()
    assert os.stat(str(path)).st_mode & 0o077 == 0


def test_an_unusable_file_turns_pacing_off_with_one_note(tmp_path):
    notes = []
    clock = Clock()
    paced = pacer(tmp_path / "missing-dir" / "pace", 1, clock, notes)
    assert paced.wait() == 0 and paced.wait() == 0
    assert len(notes) == 1
    assert notes[0].startswith("max_requests_per_second: requests of this task are not paced: cannot use ")
    assert notes[0].endswith("(FileNotFoundError)")


# ---------------------------------------------------------------- make_pacer


def test_make_pacer_off_at_zero(tmp_path):
    notes = []
    assert make_pacer(0, KEY, URL, notes.append, directory=str(tmp_path)) is None
    assert notes == [] and os.listdir(str(tmp_path)) == []


def test_make_pacer(tmp_path):
    made = make_pacer(2.0, KEY, URL, [].append, directory=str(tmp_path))
    assert made.interval == 0.5 and made.path == pace_file(KEY, URL, str(tmp_path))


def test_make_pacer_without_fcntl_is_off_with_a_note(monkeypatch):
    monkeypatch.setattr(_pacing, "fcntl", None)
    notes = []
    assert make_pacer(2.0, KEY, URL, notes.append) is None
    assert notes == ["max_requests_per_second is ignored on this platform (no fcntl file locks): requests are not paced"]


# ---------------------------------------------------------------- option checks


@pytest.mark.parametrize("wait, rate", [(0, 0), (300, 0), (86400, 0), (0.5, 0.01), (300, 4), (300.0, 1e6)])
def test_rate_options_accepted(wait, rate):
    assert rate_options_problem(wait, rate) is None


@pytest.mark.parametrize("wait", [-1, -0.001, math.nan, math.inf, -math.inf, 86401, True, "3"])
def test_rate_limit_wait_refused(wait):
    assert rate_options_problem(wait, 0) == ("rate_limit_wait must be a number of seconds from 0 to 86400 (0 fails at the first HTTP 429), got %s" % (wait,))


@pytest.mark.parametrize("rate", [-1, -0.5, 0.001, math.nan, math.inf, -math.inf, False, None])
def test_max_requests_per_second_refused(rate):
    assert rate_options_problem(300, rate) == (
        "max_requests_per_second must be 0 (no pacing) or a number of requests per second of at least 0.01, got %s" % (rate,)
    )
